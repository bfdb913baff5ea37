"""A hosted tool is no tool call for the application (issue 28, item 7).

A Responses answer that searched the web (a `web_search_call` item) and then answered
(a `message` item) stopped because it answered: its finish reason is `stop`, and a
candidate that answers without searching has changed, not regressed, unless the suite
says the hosted tool is required. Recorded live against the local server (whose
`[answer:web_search]` marker answers as the API does: the search item, then the
message), some baseline recordings rewritten as the API would have sent them (a stream
with a search in it, the other hosted tools' items, a computer-use call, which the
application must run), then replayed offline through real vcrpy and the real SDK.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite

BASELINE = PAIR.split(":")[0]
WEATHER = "What is the weather in Oslo today?"
LOOKUP = {
    "type": "function",
    "name": "lookup_forecast",
    "description": "Look up the forecast for a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    },
}
SUITE = f"""
    suite: hosted
    api: responses
    request: {{temperature: 0}}
    cases:
      - id: searched
        input: "{WEATHER} [answer:web_search:baseline]"
        checks: [{{tool_calls: {{}}}}, finish_reason]
      - id: required
        input: "{WEATHER} Search first. [answer:web_search:baseline]"
        checks: [{{tool_calls: {{hosted: required}}}}]
      - id: ignored
        input: "{WEATHER} Search if you like. [answer:web_search:baseline]"
        checks: [{{tool_calls: {{hosted: ignore}}}}]
      - id: both
        input: "{WEATHER} Both search. [answer:web_search:both]"
        checks: [{{tool_calls: {{}}}}]
      - id: cut
        input: "{WEATHER} Answer at length. [answer:web_search:baseline][answer:truncate:baseline]"
        checks: [finish_reason]
      - id: streamed
        input: "{WEATHER} Streamed."
        request: {{stream: true}}
        checks: [{{tool_calls: {{}}}}]
      - id: then-called
        input: "{WEATHER} Use the forecast tool. [answer:web_search:both]"
        request: {{tools: [{json.dumps(LOOKUP)}]}}
        checks: [{{tool_calls: {{}}}}]
      - id: other-hosted
        input: "{WEATHER} Use every hosted tool. [answer:web_search:baseline]"
        checks: [{{tool_calls: {{}}}}]
      - id: computer
        input: "{WEATHER} Look at the screen."
        checks: [{{tool_calls: {{}}}}]
"""
#: Items as the Responses API sends them for its other hosted tools (API reference).
OTHER_HOSTED: list[dict[str, Any]] = [
    {
        "id": "fs_1",
        "type": "file_search_call",
        "status": "completed",
        "queries": ["Oslo forecast"],
        "results": None,
    },
    {
        "id": "ci_1",
        "type": "code_interpreter_call",
        "status": "completed",
        "code": "print(round(4.6))",
        "container_id": "cntr_1",
        "outputs": [{"type": "logs", "logs": "5"}],
    },
    {
        "id": "ig_1",
        "type": "image_generation_call",
        "status": "completed",
        "result": "iVBORw0KGgo=",
        "revised_prompt": "A rainy Oslo street",
    },
    {
        "id": "mcp_1",
        "type": "mcp_call",
        "name": "forecast",
        "server_label": "weather",
        "arguments": '{"city": "Oslo"}',
        "output": "rain, 5 C",
        "error": None,
    },
]
SEARCH: dict[str, Any] = {
    "id": "ws_1",
    "type": "web_search_call",
    "status": "completed",
    "action": {"type": "search", "query": "Oslo weather today"},
}
IN_PROGRESS: dict[str, Any] = {"id": "ws_1", "type": "web_search_call", "status": "in_progress"}
#: A computer-use call: the application takes the action and sends the screenshot back.
COMPUTER_CALL: dict[str, Any] = {
    "id": "cu_1",
    "type": "computer_call",
    "call_id": "call_1",
    "action": {"type": "screenshot"},
    "pending_safety_checks": [],
    "status": "completed",
}


def _rewrite_baseline(root: Path, case: str, rewrite: Callable[[str], str]) -> None:
    path = root / "cassettes" / "hosted" / case / f"{BASELINE}.yaml"
    cassette = yaml.safe_load(path.read_text())
    (exchange,) = cassette["interactions"]
    exchange["response"]["body"]["string"] = rewrite(exchange["response"]["body"]["string"])
    path.write_text(yaml.safe_dump(cassette))


def _output(change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> Callable[[str], str]:
    def rewrite(text: str) -> str:
        body = json.loads(text)
        body["output"] = change(body["output"])
        return json.dumps(body)

    return rewrite


def _search_first(text: str) -> str:
    """A recorded Responses stream with a web search before its message, as the API
    streams one: the search item's events, then the message's one place further on."""
    events = [json.loads(block.split("data: ", 1)[1]) for block in text.split("\n\n") if block]
    at = {"output_index": 0, "item_id": SEARCH["id"]}
    searching = [
        {"type": "response.output_item.added", "output_index": 0, "item": IN_PROGRESS},
        {"type": "response.web_search_call.in_progress", **at},
        {"type": "response.web_search_call.searching", **at},
        {"type": "response.web_search_call.completed", **at},
        {"type": "response.output_item.done", "output_index": 0, "item": SEARCH},
    ]
    rewritten: list[dict[str, Any]] = []
    for event in events:
        if "output_index" in event:
            event["output_index"] += 1
        if event["type"] == "response.completed":
            event["response"]["output"].insert(0, SEARCH)
        rewritten.append(event)
        if event["type"] == "response.in_progress":
            rewritten += searching
    assert [e["type"] for e in rewritten].count("response.web_search_call.completed") == 1
    return "".join(
        f"event: {event['type']}\ndata: {json.dumps({**event, 'sequence_number': number})}\n\n"
        for number, event in enumerate(rewritten)
    )


def _replace_search(output: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert [item["type"] for item in output] == ["web_search_call", "message"]
    return [*OTHER_HOSTED, output[1]]


def test_a_hosted_tool_is_no_tool_call_for_the_app(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One recording and replay (two pytest runs) for every case: they are slow."""
    write_suite(pytester.path, "hosted", SUITE)
    recorded = pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", "--no-report")
    assert recorded.ret in (0, 1), recorded.stdout.str()
    _rewrite_baseline(pytester.path, "other-hosted", _output(_replace_search))
    _rewrite_baseline(pytester.path, "computer", _output(lambda output: [COMPUTER_CALL]))
    _rewrite_baseline(pytester.path, "streamed", _search_first)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    replayed = pytester.runpytest("--model-pair", PAIR, "-p", "no:cacheprovider")
    assert replayed.ret in (0, 1), replayed.stdout.str()
    report = json.loads((pytester.path / "migrate-check-report" / "report.json").read_text())
    cases = {case["id"]: case for case in report["cases"]}
    _judged_apart_from_the_calls_the_app_runs(cases)
    _the_finish_reason_is_the_one_the_answer_had(cases)
    _every_hosted_tool_is_hosted_and_a_computer_call_is_the_apps(cases)


def _check(case: dict[str, Any], name: str) -> Any:
    (found,) = [c for c in case["checks"] if c["check"] == name]
    return found


def _answer(case: dict[str, Any], side: str) -> Any:
    (completion,) = case[side]["completions"]
    return completion


def _judged_apart_from_the_calls_the_app_runs(cases: dict[str, dict[str, Any]]) -> None:
    searched = cases["searched"]
    baseline = _answer(searched, "baseline")
    # The search is still shown; the answer it came with stopped because it answered.
    assert [call["name"] for call in baseline["tool_calls"]] == ["web_search_call"]
    assert baseline["text"] and baseline["finish_reason"] == "stop"
    assert _answer(searched, "candidate")["tool_calls"] == []
    tool_calls = _check(searched, "tool_calls")
    assert tool_calls["outcome"] == "changed"
    assert tool_calls["reason"] == "candidate does not use hosted ['web_search_call']"
    assert tool_calls["evidence"]["baseline_hosted"] == ["web_search_call"]
    assert tool_calls["evidence"]["candidate_hosted"] == []
    assert _check(searched, "finish_reason")["outcome"] == "same"

    required = _check(cases["required"], "tool_calls")
    assert required["outcome"] == "regressed"
    assert required["reason"].endswith("(hosted: required)")
    assert _check(cases["ignored"], "tool_calls")["outcome"] == "same"
    both = _check(cases["both"], "tool_calls")
    assert both["outcome"] == "same"
    assert both["reason"] == "same no tool calls; both used hosted tools ['web_search_call']"


def _the_finish_reason_is_the_one_the_answer_had(cases: dict[str, dict[str, Any]]) -> None:
    cut = cases["cut"]
    baseline = _answer(cut, "baseline")
    assert [call["name"] for call in baseline["tool_calls"]] == ["web_search_call"]
    assert baseline["finish_reason"] == "length"  # incomplete: max_output_tokens
    assert _check(cut, "finish_reason")["outcome"] == "improved"

    streamed = cases["streamed"]
    baseline = _answer(streamed, "baseline")
    assert [call["name"] for call in baseline["tool_calls"]] == ["web_search_call"]
    assert baseline["text"] and baseline["finish_reason"] == "stop"
    assert _check(streamed, "tool_calls")["outcome"] == "changed"

    # A search, then a function call: the app has a call to run.
    called = cases["then-called"]
    for side in ("baseline", "candidate"):
        answer = _answer(called, side)
        assert [c["name"] for c in answer["tool_calls"]] == ["web_search_call", "lookup_forecast"]
        assert answer["finish_reason"] == "tool_calls"
    assert _check(called, "tool_calls")["outcome"] == "same"


def _every_hosted_tool_is_hosted_and_a_computer_call_is_the_apps(
    cases: dict[str, dict[str, Any]],
) -> None:
    other = cases["other-hosted"]
    baseline = _answer(other, "baseline")
    names = [call["name"] for call in baseline["tool_calls"]]
    assert names == [
        "file_search_call",
        "code_interpreter_call",
        "image_generation_call",
        "mcp_call:forecast",
    ]
    assert baseline["finish_reason"] == "stop"
    tool_calls = _check(other, "tool_calls")
    assert tool_calls["outcome"] == "changed"
    assert tool_calls["evidence"]["baseline_hosted"] == names

    computer = cases["computer"]
    assert _answer(computer, "baseline")["finish_reason"] == "tool_calls"
    gone = _check(computer, "tool_calls")
    assert gone["outcome"] == "regressed"
    assert gone["reason"] == "candidate makes no tool call where baseline called ['computer_call']"
