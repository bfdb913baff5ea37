"""`migrate-check import` of OpenTelemetry traces, end to end: LLM spans in the spellings
openllmetry, openinference and the GenAI conventions write become chat cases whose recorded
answers are the baseline's cassettes; the suite records the candidate and replays offline.
(What is read within which bounds, and which spans are skipped, is in
test_import_traces_reading.py.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import trace_exports as tx
import yaml
from devtools.local_openai import LocalServer

from migrate_check.cli import main
from migrate_check.importing import traces
from migrate_check.suites.loading import load_suite

_run = tx.run_import


def _answer(tmp_path: Path, case_id: str, model: str) -> dict[str, Any]:
    """The recorded answer of a case, as its baseline cassette holds it (request, body)."""
    data = yaml.safe_load((tmp_path / "cassettes" / "t" / case_id / f"{model}.yaml").read_text())
    (interaction,) = data["interactions"]
    return {
        "request": json.loads(interaction["request"]["body"]),
        "body": json.loads(interaction["response"]["body"]["string"]),
    }


def test_openllmetry_spans_become_cases_with_their_recorded_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(tmp_path, capsys, {"traceloop.json": json.dumps(tx.openllmetry())})
    assert code == 0
    suite = load_suite(tmp_path / "suites" / "t.yaml")
    assert (
        suite.description
        == "Imported by migrate-check from OpenTelemetry traces in traceloop.json."
    )
    asked, answered = suite.cases
    assert asked.request["messages"] == [
        {"role": "system", "content": tx.SYSTEM},
        {"role": "user", "content": "Do I need an umbrella in Lisbon today?"},
    ]
    assert asked.request["tools"] == [tx.WEATHER_TOOL]
    assert asked.request["temperature"] == 0.2 and asked.request["max_tokens"] == 300
    assert asked.recorded_with == ("gpt-4o-mini",)
    assert asked.origin == ("traceloop.json: span a1b2c3d4e5f60001",)
    recorded = _answer(tmp_path, asked.id, "gpt-4o-mini")
    assert recorded["request"] == {**asked.request, "model": "gpt-4o-mini"}
    (choice,) = recorded["body"]["choices"]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["tool_calls"] == [
        {
            "id": "call_Xy12weather",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city":"Lisbon"}'},
        }
    ]
    assert recorded["body"]["model"] == "gpt-4o-mini-2024-07-18"
    assert recorded["body"]["id"] == "chatcmpl-AbC123toolcall"
    assert recorded["body"]["usage"] == {
        "prompt_tokens": 75,
        "completion_tokens": 16,
        "total_tokens": 91,
        "prompt_tokens_details": {"cached_tokens": 0},
    }
    assert answered.request["messages"][2:] == [
        {
            "role": "assistant",
            "tool_calls": [
                {
                    "id": "call_Xy12weather",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city":"Lisbon"}'},
                }
            ],
        },
        {
            "role": "tool",
            "content": '{"city": "Lisbon", "rain_probability": 0.8}',
            "tool_call_id": "call_Xy12weather",
        },
    ]
    final = _answer(tmp_path, answered.id, "gpt-4o-mini")["body"]["choices"][0]
    assert final["message"]["content"].startswith("Yes: rain is likely")
    assert final["finish_reason"] == "stop"
    assert f"skipped {tmp_path}/traceloop.json: span a1b2c3d4e5f60003: {traces.NO_CONTENT}" in out
    assert "ignored: 2 spans that are not LLM calls (1 task, 1 workflow)" in out
    assert "2 cases from the 1 file read" in out


def test_openinference_spans_keep_their_invocation_parameters_tools_and_images(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(tmp_path, capsys, {"phoenix.json": json.dumps(tx.openinference())})
    assert code == 0
    tools_case, image_case = load_suite(tmp_path / "suites" / "t.yaml").cases
    assert tools_case.request["tools"] == [tx.WEATHER_TOOL]
    assert tools_case.request["temperature"] == 0 and tools_case.request["tool_choice"] == "auto"
    assert "stream" not in tools_case.request  # the answer is replayed as plain JSON
    # Recorded by the dated snapshot the span names; the request asked for the model.
    assert tools_case.recorded_with == ("gpt-4o-mini",)
    body = _answer(tmp_path, tools_case.id, "gpt-4o-mini")["body"]
    calls = body["choices"][0]["message"]["tool_calls"]
    assert [(c["id"], json.loads(c["function"]["arguments"])) for c in calls] == [
        ("call_porto01", {"city": "Porto"}),
        ("call_faro02", {"city": "Faro"}),
    ]
    assert body["choices"][0]["finish_reason"] == "tool_calls"
    assert body["usage"]["total_tokens"] == 128
    assert image_case.request["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Which city is this tram in?"},
                {
                    "type": "image_url",
                    "image_url": {"url": "https://example.com/photos/tram-28.jpg"},
                },
            ],
        }
    ]
    assert image_case.request["max_tokens"] == 120 and image_case.request["seed"] == 7
    answer = _answer(tmp_path, image_case.id, "gpt-4o-mini")["body"]["choices"][0]
    assert answer == {
        "index": 0,
        "message": {"role": "assistant", "content": "Lisbon: the yellow tram 28."},
        "finish_reason": "stop",
    }
    assert f"phoenix.json: span b1b2c3d4e5f60003: {traces.NO_CONTENT}" in out
    assert "ignored: 2 spans that are not LLM calls (1 CHAIN, 1 TOOL)" in out


def test_conventions_messages_from_attributes_and_from_log_records_of_another_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The collector's file exporter writes traces and logs to files of lines; a span's
    events are found in the other file, whatever order the files come in."""
    spans, logs = tx.semconv_lines()
    code, out, _ = _run(tmp_path, capsys, {"logs.jsonl": logs, "traces.jsonl": spans})
    assert code == 0, out
    by_attributes, by_events = load_suite(tmp_path / "suites" / "t.yaml").cases
    assert by_attributes.request["messages"] == [
        {"role": "system", "content": tx.SYSTEM},
        {"role": "user", "content": "Book a table for two in Faro"},
    ]
    assert by_attributes.request["tools"][0]["function"]["name"] == "book_table"
    choice = _answer(tmp_path, by_attributes.id, "gpt-4.1-mini")["body"]["choices"][0]
    assert choice["finish_reason"] == "tool_calls"  # the conventions say tool_call
    assert json.loads(choice["message"]["tool_calls"][0]["function"]["arguments"]) == {
        "city": "Faro",
        "people": 2,
    }
    assert by_events.request == {
        "messages": [
            {"role": "system", "content": tx.SYSTEM},
            {"role": "user", "content": "Say hi to Ana in Portuguese."},
        ],
        "temperature": 0.7,
    }
    assert by_events.origin == ("traces.jsonl: line 1, span c1b2c3d4e5f60001",)
    answer = _answer(tmp_path, by_events.id, "gpt-4.1-mini")["body"]
    assert answer["choices"][0]["message"]["content"] == "Olá, Ana!"
    assert answer["usage"]["prompt_tokens"] == 31
    assert "2 cases from the 2 files read" in out and "skipped" not in out


def test_span_events_with_their_body_in_event_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tracers that write the message events on the span put their body in
    `gen_ai.event.content` (JSON)."""
    events = [
        {
            "name": "gen_ai.user.message",
            "attributes": tx.attrs(
                {
                    "gen_ai.system": "openai",
                    "gen_ai.event.content": json.dumps(
                        {"role": "user", "content": "Two words for sea?"}
                    ),
                }
            ),
        },
        {
            "name": "gen_ai.choice",
            "attributes": tx.attrs(
                {
                    "gen_ai.event.content": json.dumps(
                        {
                            "index": 0,
                            "finish_reason": "length",
                            "message": {"content": "Mar, oceano"},
                        }
                    )
                }
            ),
        },
    ]
    call = tx.span(
        "d1b2c3d4e5f60001",
        "chat gpt-4o-mini",
        {"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o-mini"},
        events=events,
    )
    code, _, _ = _run(
        tmp_path, capsys, {"azure.json": json.dumps(tx.spans_export([call], "azure.ai.inference"))}
    )
    assert code == 0
    (case,) = load_suite(tmp_path / "suites" / "t.yaml").cases
    assert case.request["messages"] == [{"role": "user", "content": "Two words for sea?"}]
    choice = _answer(tmp_path, case.id, "gpt-4o-mini")["body"]["choices"][0]
    assert (choice["message"]["content"], choice["finish_reason"]) == ("Mar, oceano", "length")


def test_what_the_trace_lacks_is_said_in_the_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """openinference's LangChain spans: LangChain's own invocation parameters, tool calls
    recorded without ids, and no answer (OPENINFERENCE_HIDE_OUTPUTS)."""
    turn = "llm.input_messages.1.message.tool_calls.0.tool_call.function"
    invocation = {
        "model_name": "gpt-4o-mini",
        "temperature": 0.3,
        "_type": "openai-chat",
        "stop": None,
    }
    call = tx.span(
        "a9b2c3d4e5f60001",
        "ChatOpenAI",
        {
            "openinference.span.kind": "LLM",
            "llm.invocation_parameters": json.dumps(invocation),
            "llm.input_messages.0.message.role": "user",
            "llm.input_messages.0.message.content": "Weather in Braga?",
            "llm.input_messages.1.message.role": "assistant",
            f"{turn}.name": "get_weather",
            f"{turn}.arguments": '{"city": "Braga"}',
            "llm.input_messages.2.message.role": "tool",
            "llm.input_messages.2.message.content": "sunny, 24C",
            "output.value": "__REDACTED__",
        },
    )
    export = tx.spans_export([call], "openinference.instrumentation.langchain")
    code, out, _ = _run(tmp_path, capsys, {"lc.json": json.dumps(export)})
    assert code == 0, out
    (case,) = load_suite(tmp_path / "suites" / "t.yaml").cases
    assert case.request["temperature"] == 0.3 and "stop" not in case.request
    assistant, tool = case.request["messages"][1:]
    assert assistant["tool_calls"][0]["id"] == tool["tool_call_id"] == "call_1"
    assert case.description == (
        "invocation parameters that are not Chat's left out: _type; "
        "1 tool call id(s) were not in the trace: made up; "
        "the trace holds no answer, so both models are recorded"
    )
    assert case.recorded_with == () and not (tmp_path / "cassettes").exists()
    assert "records both models" in out


def test_imported_traces_record_the_candidate_and_replay_offline(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    exports = pytester.path / "exports"
    exports.mkdir()
    (exports / "traceloop.json").write_text(json.dumps(tx.openllmetry()))
    (exports / "phoenix.json").write_text(json.dumps(tx.openinference()))
    assert (
        main(["import", str(exports), "--suite", str(pytester.path / "suites" / "app.yaml")]) == 0
    )
    baseline = sorted((pytester.path / "cassettes").rglob("gpt-4o-mini.yaml"))
    assert len(baseline) == 4
    before = {p: p.read_bytes() for p in baseline}
    args = ["--model-pair", "gpt-4o-mini:gpt-4.1-mini", "-p", "no:cacheprovider", "suites"]
    recorded = pytester.runpytest(*args, "--record-mode", "once")
    assert recorded.parseoutcomes().get("error", 0) == 0, recorded.stdout.str()
    assert live.stats.by_model == {"gpt-4.1-mini": 4}  # only the candidate was called
    assert {p: p.read_bytes() for p in baseline} == before
    assert len(list((pytester.path / "cassettes").rglob("gpt-4.1-mini.yaml"))) == 4
    # No key, and the network gone: the suite replays from its cassettes alone.
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    replayed = pytester.runpytest(*args)
    assert replayed.parseoutcomes().get("error", 0) == 0, replayed.stdout.str()
    assert replayed.parseoutcomes() == recorded.parseoutcomes()
    assert live.stats.by_model == {"gpt-4.1-mini": 4}
    report = json.loads((pytester.path / "migrate-check-report" / "report.json").read_text())
    sides = [
        c
        for case in report["cases"]
        for side in ("baseline", "candidate")
        for c in case[side]["completions"]
    ]
    assert len(sides) == 8
    assert all(c["error"] is None and (c["text"] or c["tool_calls"]) for c in sides), sides
