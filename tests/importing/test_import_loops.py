"""Recorded tool loops are recognised as loops (issue 26, item 5): interactions whose
requests each extend an earlier one with the assistant's tool calls and their results
become one group (the first request, the tool results, the recorded trajectory).

Loops are recorded with plain vcrpy around the real SDK against the local server, which
answers loops as models do; the shared corpus's real agent cassettes are grouped too.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openai
from loop_apps import (
    BASELINE,
    CANDIDATE,
    CHAT_TOOLS,
    FLIGHTS,
    HOTEL_AND_WEATHER,
    NUDGE,
    RESULTS,
    SYSTEM,
    chat_app,
    client,
    recorded,
    responses_app,
)

from migrate_check.importing import read_cassette
from migrate_check.importing.loops import Loops, find_loops

__all__ = ["client"]  # the fixture, used by name


def test_a_recorded_chat_loop_is_one_group_among_other_calls(
    client: openai.OpenAI, tmp_path: Path
) -> None:
    def other() -> None:
        client.chat.completions.create(model=BASELINE, messages=[{"role": "user", "content": "Hi"}])

    def app() -> None:
        other()
        chat_app(client, CANDIDATE, f"{FLIGHTS} [loop:again=search_flights]", between=other)

    exchanges = recorded(tmp_path / "loop.yaml", app)
    found = find_loops(exchanges)
    (loop,) = found.loops
    assert loop.api == "chat" and loop.model == CANDIDATE and loop.finished
    assert loop.indices == (1, 3, 5) and len(exchanges) == 6
    assert found.grouped() == {1, 3, 5} and found.not_loops == ()
    assert loop.first == exchanges[1].request
    assert [m["role"] for m in loop.first["messages"]] == ["system", "user"]
    asked = loop.steps[0].exchange.completion
    assert asked is not None and asked.tool_calls[0].name == "search_flights"
    arguments = asked.tool_calls[0].arguments  # parsed, as the model sent them
    assert arguments["date"] == "2026-12-24"
    assert [(n, r.name, r.arguments, r.result) for n, r in loop.results] == [
        (0, "search_flights", arguments, RESULTS["search_flights"]),
        (1, "search_flights", arguments, RESULTS["search_flights"]),
    ]
    last = loop.steps[-1].exchange.completion
    assert last is not None and "NOK 1290" in last.text and not last.tool_calls
    assert loop.notes == () and loop.summary() == "3 steps, search_flights called 2 times"


def test_an_application_that_bends_the_loop_is_noted(client: openai.OpenAI, tmp_path: Path) -> None:
    text = f"{HOTEL_AND_WEATHER} [drift:parallel]"
    app = lambda: chat_app(client, CANDIDATE, text, first_only=True, nudge=NUDGE)  # noqa: E731
    (loop,) = find_loops(recorded(tmp_path / "bent.yaml", app)).loops
    first = loop.steps[0]
    assert [c.name for c in first.unanswered] == ["get_weather"]
    assert [r.name for r in first.results] == ["book_hotel"]
    assert first.added == ({"role": "user", "content": NUDGE},)
    assert loop.notes == (
        "step 1: the application answered 1 of its 2 calls",
        "the application adds messages after the tool results (steps 1)",
    )


def test_a_responses_loop_started_from_a_string_input(
    client: openai.OpenAI, tmp_path: Path
) -> None:
    app = lambda: responses_app(client, CANDIDATE, f"{FLIGHTS} [loop:first=get_weather]")  # noqa: E731
    (loop,) = find_loops(recorded(tmp_path / "responses.yaml", app)).loops
    assert loop.api == "responses" and loop.indices == (0, 1, 2) and loop.finished
    assert loop.first["input"] == f"{FLIGHTS} [loop:first=get_weather]"
    assert [(n, r.name) for n, r in loop.results] == [(0, "get_weather"), (1, "search_flights")]
    assert loop.results[0][1].arguments == {"city": "Oslo"}
    assert loop.results[0][1].call_id.startswith("call_")


def test_a_stateful_chain_is_reported_as_no_loop(client: openai.OpenAI, tmp_path: Path) -> None:
    app = lambda: responses_app(client, BASELINE, FLIGHTS, stateful=True)  # noqa: E731
    found = find_loops(recorded(tmp_path / "stateful.yaml", app))
    assert found.loops == ()
    (chain,) = found.not_loops
    assert chain.indices == (0, 1)
    assert "previous_response_id" in chain.reason and "not a loop case" in chain.reason


def test_requests_that_do_not_extend_the_last_one_are_not_a_loop(
    client: openai.OpenAI, tmp_path: Path
) -> None:
    def app() -> None:
        messages: Any = [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": FLIGHTS},
        ]
        reply = client.chat.completions.create(model=BASELINE, messages=messages, tools=CHAT_TOOLS)
        (call,) = reply.choices[0].message.tool_calls or []
        sent = {"role": "assistant", "content": None, "tool_calls": [call.model_dump()]}
        result = {"role": "tool", "tool_call_id": call.id, "content": RESULTS["search_flights"]}
        edited = [{"role": "system", "content": "Be brief."}, messages[1], sent, result]
        client.chat.completions.create(model=BASELINE, messages=edited, tools=CHAT_TOOLS)
        again = [*messages, sent, result]  # the right history, sent to another model
        client.chat.completions.create(model=CANDIDATE, messages=again, tools=CHAT_TOOLS)

    assert find_loops(recorded(tmp_path / "edited.yaml", app)) == Loops()


# ---------------------------------------------------------------- the shared corpus


def _corpus_loops(corpus: Path, name: str) -> Loops:
    (path,) = [p for p in corpus.rglob(f"*{name}") if p.is_file()]
    return find_loops(read_cassette(path))


def test_the_corpus_react_loop_is_one_six_step_loop(corpus: Path) -> None:
    """crewAI's agent calls `iterating_tool` five times: six interactions, one loop. It
    runs only the first of the model's parallel calls and nudges after each result."""
    (loop,) = _corpus_loops(corpus, "test_max_usage_count_is_respected.yaml").loops
    assert loop.indices == (0, 1, 2, 3, 4, 5) and loop.finished
    assert [r.arguments for _, r in loop.results] == [
        {"input_text": f"Iteration {n}"} for n in range(1, 6)
    ]
    assert loop.results[0][1].result == "Iteration Iteration 1"
    assert "usage limit" in loop.results[4][1].result
    assert loop.notes == (
        "step 1: the application answered 1 of its 5 calls",
        "the application adds messages after the tool results (steps 1-5)",
    )
    assert loop.summary() == "6 steps, iterating_tool called 5 times"


def test_corpus_loops_link_by_call_id_and_keep_each_applications_bends(corpus: Path) -> None:
    (responses,) = _corpus_loops(corpus, "test_openai__test_responses_api.yaml").loops
    assert responses.api == "responses" and responses.results[0][1].result == "Rainy"
    assert responses.notes == (
        "'instructions' differs from the first step's at steps 2",
        "'tools' differs from the first step's at steps 2",
    )
    # The first request was sent twice; the loop goes on from the call its results answer.
    (structured,) = _corpus_loops(corpus, "structured_output_with_tools.yaml").loops
    assert structured.indices == (1, 2)
    (retry,) = _corpus_loops(corpus, "test_retry_chat_model_complete_openai.yaml").loops
    assert not retry.finished and retry.summary().endswith("ends at a call")
    (failing,) = _corpus_loops(corpus, "test_native_tool_calling_error_handling.yaml").loops
    assert failing.indices == (0, 1)  # the third request adds a text answer: no tool step
    conversation = _corpus_loops(corpus, "conversation_id_tool_call_continuation.yaml")
    assert conversation.loops == ()
    (chain,) = conversation.not_loops
    assert chain.indices == (1, 2) and "(conversation)" in chain.reason


def test_only_cassettes_with_tool_calls_hold_loops(corpus: Path) -> None:
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    with_loops = [row for row in rows if find_loops(read_cassette(corpus / row["file"])).loops]
    assert len(with_loops) >= 15
    assert all("tools" in row["features"].split(",") for row in with_loops)
