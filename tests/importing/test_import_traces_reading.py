"""`migrate-check import` of OpenTelemetry traces: what is read, within which bounds, and
which spans are left out and why (malformed or oversized, failed, a legacy Completions
call, a call to another provider than OpenAI, a Responses API call)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import trace_exports as tx

from migrate_check.cli import main
from migrate_check.importing import traces, traces_read
from migrate_check.suites.loading import load_suite

_run = tx.run_import


def _one_good_and(*bad: dict[str, Any]) -> str:
    good = tx.span(
        "e1b2c3d4e5f60001",
        "openai.chat",
        {
            "llm.request.type": "chat",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.prompt.0.role": "user",
            "gen_ai.prompt.0.content": "Hello",
            "gen_ai.completion.0.content": "Hi!",
        },
    )
    return json.dumps(tx.spans_export([good, *bad], "opentelemetry.instrumentation.openai.v1"))


def _nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {"stringValue": "deep"}
    for _ in range(levels):
        value = {"arrayValue": {"values": [value]}}
    return value


@pytest.mark.parametrize(
    ("attributes", "reason"),
    [
        ([{"key": "gen_ai.prompt.0.content", "value": {"stringValue": "x" * 2048}}], "longer than"),
        (
            [{"key": "gen_ai.prompt.0.content", "value": _nested(40)}],
            "nested deeper than 32 levels",
        ),
        (
            [{"key": "gen_ai.usage.input_tokens", "value": {"intValue": "12e3"}}],
            "not an integer: '12e3'",
        ),
        (
            [
                {"key": "gen_ai.input.messages", "value": {"stringValue": "[{not json"}},
                {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o-mini"}},
            ],
            "gen_ai.input.messages is not JSON",
        ),
        ("not a list", "'attributes' is not a list"),
    ],
)
def test_a_malformed_or_oversized_span_is_skipped_naming_it(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    attributes: Any,
    reason: str,
) -> None:
    monkeypatch.setattr(traces_read, "MAX_VALUE_CHARS", 1024)
    bad = {"spanId": "ffb2c3d4e5f60009", "name": "openai.chat", "attributes": attributes}
    code, out, _ = _run(tmp_path, capsys, {"t.json": _one_good_and(bad)})
    assert code == 0
    assert len(load_suite(tmp_path / "suites" / "t.yaml").cases) == 1  # the good span still imports
    (line,) = [line for line in out.splitlines() if "ffb2c3d4e5f60009" in line]
    assert line.startswith(f"  skipped {tmp_path}/t.json: span ffb2c3d4e5f60009") and reason in line


def test_failed_calls_and_legacy_completions_are_skipped_saying_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = tx.span(
        "f1b2c3d4e5f60001",
        "openai.chat",
        {
            "llm.request.type": "chat",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.prompt.0.role": "user",
            "gen_ai.prompt.0.content": "Hi",
        },
        error="Error code: 429 - rate limited",
    )
    legacy = tx.span(
        "f1b2c3d4e5f60002",
        "openai.completion",
        {
            "llm.request.type": "completion",
            "gen_ai.request.model": "gpt-3.5-turbo-instruct",
            "gen_ai.prompt.0.user": "Once upon",
        },
    )
    code, out, _ = _run(
        tmp_path,
        capsys,
        {"t.json": _one_good_and(failed, legacy)},
    )
    assert code == 0
    assert "span f1b2c3d4e5f60001: the call failed: Error code: 429 - rate limited" in out
    assert (
        "span f1b2c3d4e5f60002: a legacy Completions call (a prompt string), not a chat request"
        in out
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"resourceSpans": [', "t.json: not JSON"),
        (
            '{"resourceSpans": {"spans": []}}',
            "t.json: 'resourceSpans' of the document is not a list",
        ),
        (
            '{"resourceSpans": [{"scopeSpans": [{"spans": ["oops"]}]}]}',
            "t.json: resourceSpans[0].scopeSpans[0].spans[0] is not an object",
        ),
        (
            '{"resourceSpans": []}\n{"resourceSpans": [{"scopeSpans": 3}]}\n',
            "t.json: line 2: 'scopeSpans' of resourceSpans[0] is not a list",
        ),
        ('{"resourceSpans": []}\n{"resourceSpans": [}\n', "t.json: line 2: not JSON"),
        ('{"resourceSpans": []}\n{"traces": []}\n', "t.json: line 2: not an OTLP/JSON export"),
        ('{"resourceSpans": []}\n' + "\xff", "t.json: line 2: not JSON"),
    ],
)
def test_a_file_that_is_not_otlp_is_one_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    code, _, err = _run(tmp_path, capsys, {"t.json": text}, "--format", "otlp")
    assert code == 2
    assert err.startswith("migrate-check: error: ") and message in err, err
    assert err.count("\n") == 1 and not (tmp_path / "suites" / "t.yaml").exists()


def test_bounds_on_a_document_and_on_the_spans_of_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    line = _one_good_and(tx.span("e1b2c3d4e5f60002", "x", {}))
    monkeypatch.setattr(traces_read, "MAX_DOCUMENT_BYTES", len(line) + 10)
    code, _, err = _run(tmp_path, capsys, {"t.jsonl": f"{line}\n{line} {' ' * len(line)}\n"})
    assert code == 2 and "t.jsonl: line 2: longer than 0 MiB; refused without reading it" in err
    monkeypatch.setattr(traces_read, "MAX_DOCUMENT_BYTES", 64 << 20)
    monkeypatch.setattr(traces, "MAX_SPANS", 1)
    code, out, _ = _run(tmp_path, capsys, {"t.jsonl": f"{line}\n{line}\n"}, "--force")
    assert (
        code == 0
        and "t.jsonl: only its first 1 spans were read; split it to import the rest" in out
    )
    assert len(load_suite(tmp_path / "suites" / "t.yaml").cases) == 1


def test_auto_finds_traces_among_other_inputs_and_format_otlp_reads_any_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "run.json").write_text(json.dumps(tx.openllmetry(), indent=2))  # pretty-printed
    (folder / "requests.jsonl").write_text(
        json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}) + "\n"
    )
    code = main(
        [
            "import",
            str(folder),
            "--suite",
            str(tmp_path / "suites" / "a.yaml"),
            "--cassette-dir",
            str(tmp_path / "c"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "3 cases from the 2 files read" in out
    assert (
        "OpenTelemetry traces and logged requests" in (tmp_path / "suites" / "a.yaml").read_text()
    )
    code, out, _ = _run(
        tmp_path, capsys, {"spans.txt": json.dumps(tx.openllmetry())}, "--format", "otlp"
    )
    assert code == 0 and "2 cases from the 1 file read" in out


def _chat(span_id: str, name: str, model: str | None, **attributes: str) -> dict[str, Any]:
    """A call asking `model`, its prompt and answer in openllmetry's spelling (its
    prompt the span id: no two are one case), with `attributes`."""
    named = {"gen_ai.request.model": model} if model else {}
    recorded = {
        "llm.request.type": "chat",
        "gen_ai.prompt.0.role": "user",
        "gen_ai.prompt.0.content": f"Hello from {span_id}",
        "gen_ai.completion.0.content": "Hi!",
    }
    return tx.span(span_id, name, {**recorded, **named, **attributes})


_NOT_OPENAI = "not OpenAI: migrate-check compares OpenAI models"
_PROVIDER = "gen_ai.provider.name"
_SYSTEM = "gen_ai.system"
_OI = "llm.provider"
_OPERATION = "gen_ai.operation.name"


def test_calls_to_other_providers_are_skipped_naming_the_provider(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """openllmetry (`gen_ai.system`), the conventions (`gen_ai.provider.name`) and
    openinference (`llm.provider` before `llm.system`, which says `openai` for any
    endpoint the OpenAI SDK calls) name the provider; OpenAI's and Azure OpenAI's calls,
    and calls naming none, are kept."""
    llama = "Meta-Llama-3.1-8B-Instruct"
    openai_sdk = {"llm.system": "openai"}  # openinference: any endpoint the SDK calls
    other = {
        "a1": _chat("a1", "anthropic.chat", "claude-3-5-sonnet", **{_SYSTEM: "Anthropic"}),
        "a2": _chat("a2", "chat", "amazon.nova-pro-v1:0", **{_PROVIDER: "aws.bedrock"}),
        "a3": _chat("a3", "ChatCompletion", "llama-3.1-8b", **openai_sdk, **{_OI: "groq"}),
        "a4": _chat("a4", "chat", llama, **{_PROVIDER: "azure.ai.inference"}),
        "a5": tx.span("a5", "cohere.chat", {_SYSTEM: "cohere", "llm.request.type": "chat"}),
    }
    mini = "gpt-4o-mini"
    kept = [
        _chat("b1", "openai.chat", mini, **{_SYSTEM: "Azure"}),
        _chat("b2", "chat", mini, **{_PROVIDER: "azure.ai.inference"}),
        _chat("b3", "ChatCompletion", mini, **openai_sdk, **{_OI: "azure"}),
        _chat("b4", "ChatOpenAI.chat", mini, **{_PROVIDER: "langchain", _OPERATION: "llm_request"}),
        _chat("b5", "openai.chat", mini),
    ]
    export = tx.spans_export([*other.values(), *kept], "mixed")
    code, out, _ = _run(tmp_path, capsys, {"t.json": json.dumps(export)})
    assert code == 0, out
    skipped = [line.split(": span ", 1)[1] for line in out.splitlines() if "skipped" in line]
    assert skipped == [
        f"a1: a call to Anthropic (claude-3-5-sonnet), {_NOT_OPENAI}",
        f"a2: a call to aws.bedrock (amazon.nova-pro-v1:0), {_NOT_OPENAI}",
        f"a3: a call to groq (llama-3.1-8b), {_NOT_OPENAI}",
        f"a4: a call to azure.ai.inference ({llama}), {_NOT_OPENAI}",
        f"a5: a call to cohere, {_NOT_OPENAI}",  # no prompt captured: said at once
    ]
    cases = load_suite(tmp_path / "suites" / "t.yaml").cases
    assert [c.origin[0].rsplit(" ", 1)[1] for c in cases] == ["b1", "b2", "b3", "b4", "b5"]
    assert "5 cases from the 1 file read" in out


def test_responses_api_calls_are_skipped_naming_the_stored_response(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """openllmetry's `openai.response` spans lack the text format, the tools' `strict`
    and `previous_response_id`; none is rebuilt as a chat request. Its id points to the
    response the API stored."""
    messages = [{"role": "user", "parts": [{"type": "text", "content": "Two words for sea?"}]}]
    openllmetry = tx.span(
        "b0000000000000a1",
        "openai.response",
        {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4.1-mini",
            "gen_ai.response.id": "resp_67ccd2bed1ec8190",
            "gen_ai.input.messages": json.dumps(messages),
            "gen_ai.output.messages": json.dumps(
                [{"role": "assistant", "parts": [{"type": "text", "content": "Mar, oceano"}]}]
            ),
        },
    )
    request = {"model": "gpt-4.1-mini", "input": "Two words for sea?", "instructions": "Be brief."}
    openinference = tx.span(
        "b0000000000000a2",
        "Response",
        {
            "openinference.span.kind": "LLM",
            "llm.system": "openai",
            "llm.provider": "openai",
            "input.value": json.dumps(request),
            "llm.input_messages.0.message.role": "system",
            "llm.input_messages.0.message.content": "Be brief.",
            "llm.input_messages.1.message.role": "user",
            "llm.input_messages.1.message.content": "Two words for sea?",
            "output.value": '{"id":"resp_0a1b2c3d","object":"response","status":"completed"}',
            "llm.model_name": "gpt-4.1-mini-2025-04-14",
        },
    )
    unnamed = tx.span(
        "b0000000000000a3",
        "chat gpt-4.1-mini",
        {
            "gen_ai.operation.name": "chat",
            "openai.api.type": "responses",
            "gen_ai.request.model": "gpt-4.1-mini",
        },
    )
    export = _one_good_and(openllmetry, openinference, unnamed)
    code, out, _ = _run(tmp_path, capsys, {"t.json": export})
    assert code == 0, out
    not_rebuilt = "a Responses API call: only Chat Completions calls are rebuilt from traces"
    by_id = "with --stored-responses (the API stores responses unless told not to)"
    assert (
        f"span b0000000000000a1: {not_rebuilt}; import it by its id (resp_67ccd2bed1ec8190) "
        f"{by_id}" in out
    )
    assert "span b0000000000000a2 (recorded with gpt-4.1-mini-2025-04-14): " in out
    assert f"{not_rebuilt}; import it by its id (resp_0a1b2c3d) {by_id}" in out
    assert (
        f"span b0000000000000a3: {not_rebuilt}; import its stored response "
        "(--stored-responses) or its logged request instead" in out
    )
    (case,) = load_suite(tmp_path / "suites" / "t.yaml").cases
    assert case.request["messages"] == [{"role": "user", "content": "Hello"}]
