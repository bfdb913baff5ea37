"""The local server's `[answer:reword|redate|negate]` markers, through the real SDK: one
fact of the candidate's free text changes (or only its clause order), every other word
stays; and `[answer:text=...]`, each side's exact answer scripted by the case. So the
example can show what each check sees."""

from __future__ import annotations

from typing import Any

import openai
import pytest
from devtools.local_openai import LocalServer
from devtools.local_openai.answer_markers import MAX_TEXT
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam

PROMPT = (
    "Tell the customer in two sentences: the review is moved to Thursday at 10:00, "
    "and the claim was approved by our team. "
)


@pytest.mark.parametrize(
    ("marker", "changed"),
    [
        ("[answer:redate]", ("Thursday", "Tuesday")),
        ("[answer:negate]", ("is moved", "is not moved")),
        ("[answer:reword]", None),
    ],
)
def test_one_fact_changes_on_the_candidate_only(
    server: LocalServer, marker: str, changed: tuple[str, str] | None
) -> None:
    client = openai.OpenAI(base_url=server.base_url, api_key="sk-local", max_retries=0)

    def answer(model: str, text: str) -> str:
        messages = [{"role": "user", "content": text}]
        reply = client.chat.completions.create(model=model, messages=messages, temperature=0)  # type: ignore[arg-type]
        return reply.choices[0].message.content or ""

    plain = answer("gpt-4.1-mini", PROMPT)
    marked = answer("gpt-4.1-mini", PROMPT + marker)
    assert answer("gpt-4o-mini", PROMPT + marker) == answer("gpt-4o-mini", PROMPT)
    if changed is None:
        assert marked != plain
        assert sorted(marked.lower().replace(",", "").replace(".", "").split()) == sorted(
            plain.lower().replace(",", "").replace(".", "").split()
        )
    else:
        before, after = changed
        assert before in plain and marked == plain.replace(before, after, 1)


# ---------------------------------------------------------------- [answer:text=...]

BASELINE_TEXT = "Your refund of $1,200 was approved:\n- it reaches your card within 5 days."
CANDIDATE_TEXT = "Your refund of USD 1200 was accepted; it reaches your card within five days."
SCRIPTED = (
    "Tell the customer in one sentence that the refund is approved. "
    f"[answer:text=\n  {BASELINE_TEXT}  \n:baseline] [answer:text={CANDIDATE_TEXT}:candidate]"
)


def _client(server: LocalServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="sk-local", max_retries=0)


def _chat(server: LocalServer, model: str, text: str, **extra: Any) -> ChatCompletion:
    messages: list[ChatCompletionMessageParam] = [{"role": "user", "content": text}]
    reply: ChatCompletion = _client(server).chat.completions.create(
        model=model, messages=messages, temperature=0, **extra
    )
    return reply


def test_a_case_scripts_each_sides_answer_exactly(server: LocalServer) -> None:
    """One marker per side: each family answers its text, stripped, inner line break kept."""
    baseline = _chat(server, "gpt-4o-mini", SCRIPTED, max_tokens=200)
    candidate = _chat(server, "gpt-4.1-mini", SCRIPTED, max_tokens=200)
    assert baseline.choices[0].message.content == BASELINE_TEXT
    assert candidate.choices[0].message.content == CANDIDATE_TEXT
    assert [baseline.choices[0].finish_reason, candidate.choices[0].finish_reason] == [
        "stop",
        "stop",
    ]
    # Output tokens are counted from the scripted text: 14 words each as the server splits
    # them ("1,200" is two), 1.3 tokens a word, rounded up.
    assert baseline.usage is not None and baseline.usage.completion_tokens == 19
    assert candidate.usage is not None and candidate.usage.completion_tokens == 19


def test_a_text_without_a_side_is_the_candidates_and_both_is_both(server: LocalServer) -> None:
    prompt = "Tell the customer in two sentences: the review is moved to Thursday at 10:00."

    def content(model: str, text: str) -> str:
        return _chat(server, model, text).choices[0].message.content or ""

    candidate_only = prompt + " [answer:text=The review moves to Thursday at 10:00.]"
    assert content("gpt-4.1-mini", candidate_only) == "The review moves to Thursday at 10:00."
    assert content("gpt-4o-mini", candidate_only) == content("gpt-4o-mini", prompt)
    # Markers apply in the order written: a scripted text on both sides, then a changed day
    # on the candidate's only.
    both = prompt + " [answer:text=The review is on Thursday.:both] [answer:redate]"
    assert content("gpt-4o-mini", both) == "The review is on Thursday."
    assert content("gpt-4.1-mini", both) == "The review is on Tuesday."


def test_a_scripted_text_replaces_tool_calls_and_works_on_the_responses_api(
    server: LocalServer,
) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get the weather for a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
    ask = "Get the weather for the city of Oslo."
    called = _chat(server, "gpt-4.1-mini", ask, tools=[tool])
    assert called.choices[0].message.tool_calls  # without the marker: a tool call
    scripted = _chat(
        server, "gpt-4.1-mini", ask + " [answer:text=It is 4 C in Oslo.]", tools=[tool]
    )
    message = scripted.choices[0]
    assert (message.message.content, message.message.tool_calls) == ("It is 4 C in Oslo.", None)
    assert message.finish_reason == "stop"
    response = _client(server).responses.create(
        model="gpt-4o-mini", input=ask + " [answer:text=Oslo: 4 C, cloudy.:baseline]"
    )
    assert response.output_text == "Oslo: 4 C, cloudy."


def test_a_text_past_the_limit_or_with_a_bracket_is_no_scripted_answer(
    server: LocalServer,
) -> None:
    """Finding markers stays linear: a text past MAX_TEXT characters is not a marker."""
    prompt = "Tell the customer in two sentences: the review is moved to Thursday at 10:00."
    plain = _chat(server, "gpt-4.1-mini", prompt).choices[0].message.content
    too_long = f"{prompt} [answer:text={'a' * (MAX_TEXT + 1)}]"
    assert _chat(server, "gpt-4.1-mini", too_long).choices[0].message.content == plain
    longest = f"{prompt} [answer:text={'a' * MAX_TEXT}]"
    assert _chat(server, "gpt-4.1-mini", longest).choices[0].message.content == "a" * MAX_TEXT
    # The first "]" ends the marker: the text is what precedes it.
    cut = f"{prompt} [answer:text=Moved [to] Thursday.]"
    assert _chat(server, "gpt-4.1-mini", cut).choices[0].message.content != "Moved [to] Thursday."
