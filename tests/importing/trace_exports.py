"""OTLP/JSON exports of LLM calls, written here in the attribute spellings each tracer uses.

openllmetry (traceloop-sdk 0.3x: `gen_ai.prompt.{i}.*`, `llm.request.functions.{i}.*`),
openinference (openinference-instrumentation-openai: `llm.input_messages.{i}.message.*`,
`llm.invocation_parameters`, `llm.tools.{i}.tool.json_schema`), and the OpenTelemetry
GenAI conventions (`gen_ai.input.messages` JSON, or the per-message events as log records
the collector's file exporter writes on lines of their own). Ids, times and token counts
are shaped as exporters write them (hex ids, int64 as strings). `run_import` imports them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from devtools import otlp

from migrate_check.cli import main

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
START = 1_718_000_000_000_000_000
WEATHER_PARAMETERS = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}
WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": WEATHER_PARAMETERS,
    },
}
SYSTEM = "You are a concise travel assistant."


def run_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], *extra: str
) -> tuple[int, str, str]:
    """Write `files` (name -> text) and import them into suites/t.yaml: exit code, out, err.
    The folder is a project (its pytest.ini), so origins are named from it wherever the
    tests run (a clone under /tmp would otherwise name them from /tmp)."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    suite = str(tmp_path / "suites" / "t.yaml")
    argv = ["import", *(str(tmp_path / n) for n in files), "--suite", suite]
    code = main([*argv, "--cassette-dir", str(tmp_path / "cassettes"), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


value = otlp.any_value
attrs = otlp.attributes


def span(
    span_id: str,
    name: str,
    attributes: dict[str, Any],
    *,
    parent: str = "",
    at: int = 0,
    events: list[dict[str, Any]] | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "traceId": TRACE,
        "spanId": span_id,
        "parentSpanId": parent,
        "name": name,
        "kind": 3 if name.startswith(("openai", "chat", "ChatCompletion")) else 1,
        "startTimeUnixNano": str(START + at * 1_000_000_000),
        "endTimeUnixNano": str(START + at * 1_000_000_000 + 850_000_000),
        "attributes": attrs(attributes),
        "status": {"code": 2, "message": error} if error else {},
    }
    if events:
        found["events"] = events
    return found


def spans_export(
    spans: list[dict[str, Any]], scope: str, service: str = "trip-planner"
) -> dict[str, Any]:
    resource = {"attributes": attrs({"service.name": service, "telemetry.sdk.language": "python"})}
    scoped = {"scope": {"name": scope, "version": "0.33.9"}, "spans": spans}
    return {"resourceSpans": [{"resource": resource, "scopeSpans": [scoped]}]}


def log_record(span_id: str, name: str, body: dict[str, Any], at: int = 0) -> dict[str, Any]:
    return {
        "timeUnixNano": str(START + at * 1_000_000_000),
        "observedTimeUnixNano": str(START + at * 1_000_000_000),
        "severityNumber": 9,
        "eventName": name,
        "body": value(body),
        "attributes": attrs({"gen_ai.provider.name": "openai"}),
        "traceId": TRACE,
        "spanId": span_id,
    }


def logs_export(records: list[dict[str, Any]]) -> dict[str, Any]:
    scoped = {"scope": {"name": "opentelemetry.instrumentation.openai_v2"}, "logRecords": records}
    return {
        "resourceLogs": [
            {
                "resource": {"attributes": attrs({"service.name": "trip-planner"})},
                "scopeLogs": [scoped],
            }
        ]
    }


# -- openllmetry ----------------------------------------------------------------------------
_OPENLLMETRY_CALL = {
    "llm.request.type": "chat",
    "gen_ai.system": "openai",
    "gen_ai.request.model": "gpt-4o-mini",
    "gen_ai.request.temperature": 0.2,
    "gen_ai.request.max_tokens": 300,
    "llm.is_streaming": False,
    "llm.headers": "None",
    "gen_ai.openai.api_base": "https://api.openai.com/v1/",
    "llm.request.functions.0.name": "get_weather",
    "llm.request.functions.0.description": "Current weather for a city",
    "llm.request.functions.0.parameters": json.dumps(WEATHER_PARAMETERS),
    "gen_ai.prompt.0.role": "system",
    "gen_ai.prompt.0.content": SYSTEM,
    "gen_ai.prompt.1.role": "user",
    "gen_ai.prompt.1.content": "Do I need an umbrella in Lisbon today?",
    "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
    "gen_ai.openai.system_fingerprint": "fp_0ba0d124f1",
}


def openllmetry() -> dict[str, Any]:
    """A traceloop workflow: a task, a call that asks for a tool, the call after it, and
    a call traced with TRACELOOP_TRACE_CONTENT=false."""
    asked = span(
        "a1b2c3d4e5f60001",
        "openai.chat",
        {
            **_OPENLLMETRY_CALL,
            "gen_ai.response.id": "chatcmpl-AbC123toolcall",
            "gen_ai.completion.0.finish_reason": "tool_calls",
            "gen_ai.completion.0.role": "assistant",
            "gen_ai.completion.0.tool_calls.0.id": "call_Xy12weather",
            "gen_ai.completion.0.tool_calls.0.name": "get_weather",
            "gen_ai.completion.0.tool_calls.0.arguments": '{"city":"Lisbon"}',
            "llm.usage.total_tokens": 91,
            "gen_ai.usage.output_tokens": 16,
            "gen_ai.usage.input_tokens": 75,
            "gen_ai.usage.cache_read_input_tokens": 0,
        },
        parent="a1b2c3d4e5f60010",
        at=1,
    )
    answered = span(
        "a1b2c3d4e5f60002",
        "openai.chat",
        {
            **_OPENLLMETRY_CALL,
            "gen_ai.prompt.2.role": "assistant",
            "gen_ai.prompt.2.tool_calls.0.id": "call_Xy12weather",
            "gen_ai.prompt.2.tool_calls.0.name": "get_weather",
            "gen_ai.prompt.2.tool_calls.0.arguments": '{"city":"Lisbon"}',
            "gen_ai.prompt.3.role": "tool",
            "gen_ai.prompt.3.content": '{"city": "Lisbon", "rain_probability": 0.8}',
            "gen_ai.prompt.3.tool_call_id": "call_Xy12weather",
            "gen_ai.response.id": "chatcmpl-AbC124answer",
            "gen_ai.completion.0.finish_reason": "stop",
            "gen_ai.completion.0.role": "assistant",
            "gen_ai.completion.0.content": "Yes: rain is likely in Lisbon today (80%). Take one.",
            "llm.usage.total_tokens": 131,
            "gen_ai.usage.output_tokens": 18,
            "gen_ai.usage.input_tokens": 113,
        },
        parent="a1b2c3d4e5f60010",
        at=2,
    )
    private = {k: v for k, v in _OPENLLMETRY_CALL.items() if not k.startswith("gen_ai.prompt.")}
    hidden = span(
        "a1b2c3d4e5f60003",
        "openai.chat",
        {**private, "gen_ai.usage.input_tokens": 60, "gen_ai.usage.output_tokens": 12},
        at=3,
    )
    workflow = span(
        "a1b2c3d4e5f60020",
        "plan_trip.workflow",
        {"traceloop.span.kind": "workflow", "traceloop.entity.name": "plan_trip"},
    )
    task = span(
        "a1b2c3d4e5f60010",
        "check_weather.task",
        {"traceloop.span.kind": "task", "traceloop.entity.name": "check_weather"},
        parent="a1b2c3d4e5f60020",
    )
    return spans_export(
        [asked, answered, hidden, task, workflow], "opentelemetry.instrumentation.openai.v1"
    )


# -- openinference --------------------------------------------------------------------------
def _openinference_call(invocation: dict[str, Any]) -> dict[str, Any]:
    return {
        "openinference.span.kind": "LLM",
        "llm.system": "openai",
        "llm.provider": "openai",
        "llm.invocation_parameters": json.dumps(invocation),
        "input.mime_type": "application/json",
        "output.mime_type": "application/json",
    }


def openinference() -> dict[str, Any]:
    """An agent run traced by openinference: a call with a tool offered that calls it, a
    call with an image whose answer is text, a CHAIN and a TOOL span, and a call traced
    with OPENINFERENCE_HIDE_INPUTS."""
    invocation = {"model": "gpt-4o-mini", "temperature": 0, "tool_choice": "auto", "stream": False}
    calls = "llm.output_messages.0.message.tool_calls"
    contents = "llm.input_messages.0.message.contents"
    tool_call = span(
        "b1b2c3d4e5f60001",
        "ChatCompletion",
        {
            **_openinference_call(invocation),
            "input.value": json.dumps({"messages": "...", **invocation}),
            "llm.tools.0.tool.json_schema": json.dumps(WEATHER_TOOL),
            "llm.input_messages.0.message.role": "system",
            "llm.input_messages.0.message.content": SYSTEM,
            "llm.input_messages.1.message.role": "user",
            "llm.input_messages.1.message.content": "Weather in Porto and in Faro?",
            "llm.model_name": "gpt-4o-mini-2024-07-18",
            "llm.output_messages.0.message.role": "assistant",
            f"{calls}.0.tool_call.id": "call_porto01",
            f"{calls}.0.tool_call.function.name": "get_weather",
            f"{calls}.0.tool_call.function.arguments": '{"city": "Porto"}',
            f"{calls}.1.tool_call.id": "call_faro02",
            f"{calls}.1.tool_call.function.name": "get_weather",
            f"{calls}.1.tool_call.function.arguments": '{"city": "Faro"}',
            "llm.finish_reason": "tool_calls",
            "llm.token_count.prompt": 82,
            "llm.token_count.completion": 46,
            "llm.token_count.total": 128,
            "output.value": '{"id": "chatcmpl-9pQ"}',
        },
        parent="b1b2c3d4e5f60010",
        at=1,
    )
    image_url = "https://example.com/photos/tram-28.jpg"
    image = span(
        "b1b2c3d4e5f60002",
        "ChatCompletion",
        {
            **_openinference_call({"model": "gpt-4o-mini", "max_tokens": 120, "seed": 7}),
            "llm.input_messages.0.message.role": "user",
            f"{contents}.0.message_content.type": "text",
            f"{contents}.0.message_content.text": "Which city is this tram in?",
            f"{contents}.1.message_content.type": "image",
            f"{contents}.1.message_content.image.image.url": image_url,
            "llm.model_name": "gpt-4o-mini-2024-07-18",
            "llm.output_messages.0.message.role": "assistant",
            "llm.output_messages.0.message.content": "Lisbon: the yellow tram 28.",
            "llm.finish_reason": "stop",
            "llm.token_count.prompt": 1120,
            "llm.token_count.completion": 9,
        },
        parent="b1b2c3d4e5f60010",
        at=2,
    )
    hidden = span(
        "b1b2c3d4e5f60003",
        "ChatCompletion",
        {
            **_openinference_call(invocation),
            "input.value": "__REDACTED__",
            "output.value": "__REDACTED__",
            "llm.model_name": "gpt-4o-mini-2024-07-18",
            "llm.token_count.prompt": 40,
        },
        at=3,
    )
    chain = span("b1b2c3d4e5f60010", "agent_run", {"openinference.span.kind": "CHAIN"})
    tool = span(
        "b1b2c3d4e5f60011",
        "get_weather",
        {
            "openinference.span.kind": "TOOL",
            "tool.name": "get_weather",
            "input.value": '{"city": "Porto"}',
        },
        parent="b1b2c3d4e5f60010",
    )
    return spans_export(
        [chain, tool_call, tool, image, hidden], "openinference.instrumentation.openai"
    )


# -- the GenAI semantic conventions ---------------------------------------------------------
def semconv_lines() -> tuple[str, str]:
    """(traces file, logs file), one OTLP object a line as the collector's file exporter
    writes them: a call whose messages went out as log records (in the logs file), and a
    call with its messages in `gen_ai.input.messages` / `gen_ai.output.messages`."""
    base = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4.1-mini",
        "gen_ai.response.model": "gpt-4.1-mini-2025-04-14",
        "server.address": "api.openai.com",
    }
    by_events = span(
        "c1b2c3d4e5f60001",
        "chat gpt-4.1-mini",
        {
            **base,
            "gen_ai.request.temperature": 0.7,
            "gen_ai.response.id": "chatcmpl-ev3nts",
            "gen_ai.response.finish_reasons": ["stop"],
            "gen_ai.usage.input_tokens": 31,
            "gen_ai.usage.output_tokens": 7,
        },
        at=1,
    )
    inputs = [
        {"role": "user", "parts": [{"type": "text", "content": "Book a table for two in Faro"}]},
    ]
    outputs = [
        {
            "role": "assistant",
            "parts": [
                {
                    "type": "tool_call",
                    "id": "call_book1",
                    "name": "book_table",
                    "arguments": {"city": "Faro", "people": 2},
                }
            ],
            "finish_reason": "tool_call",
        }
    ]
    definitions = [
        {
            "type": "function",
            "name": "book_table",
            "description": "Book a restaurant table",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "people": {"type": "integer"}},
            },
        }
    ]
    by_attributes = span(
        "c1b2c3d4e5f60002",
        "chat gpt-4.1-mini",
        {
            **base,
            "gen_ai.system_instructions": json.dumps([{"type": "text", "content": SYSTEM}]),
            "gen_ai.input.messages": json.dumps(inputs),
            "gen_ai.output.messages": json.dumps(outputs),
            "gen_ai.tool.definitions": json.dumps(definitions),
            "gen_ai.usage.input_tokens": 64,
            "gen_ai.usage.output_tokens": 21,
        },
        at=2,
    )
    records = [
        log_record("c1b2c3d4e5f60001", "gen_ai.system.message", {"content": SYSTEM}, 1),
        log_record(
            "c1b2c3d4e5f60001",
            "gen_ai.user.message",
            {"content": "Say hi to Ana in Portuguese."},
            1,
        ),
        log_record(
            "c1b2c3d4e5f60001",
            "gen_ai.choice",
            {"index": 0, "finish_reason": "stop", "message": {"content": "Olá, Ana!"}},
            2,
        ),
    ]
    scope = "opentelemetry.instrumentation.openai_v2"
    traces = "\n".join(json.dumps(spans_export([s], scope)) for s in (by_events, by_attributes))
    return traces + "\n", json.dumps(logs_export(records)) + "\n"
