"""The local server's `[answer:reword|redate|negate]` markers, through the real SDK: one
fact of the candidate's free text changes (or only its clause order), every other word
stays, so the example can show what each check sees."""

from __future__ import annotations

import openai
import pytest
from devtools.local_openai import LocalServer

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
