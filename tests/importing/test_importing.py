"""The importers' plain modules on small hand-made inputs: formats the corpus lacks, edge cases."""

from __future__ import annotations

import base64
import gzip
import importlib.util
import json
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate_check.core.completion import ToolCall
from migrate_check.importing import (
    CassetteReadError,
    completion_from_chat,
    completion_from_responses,
    completion_from_sse,
    read_cassette,
)
from migrate_check.importing.case_ids import IdAllocator, slug
from migrate_check.importing.errors import SourceError
from migrate_check.importing.sources import Prompt, collect, evals_prompts, request_prompts
from migrate_check.importing.to_suite import merge_prompts, suite_document, write_import
from migrate_check.suites.loading import load_suite

CHAT_BODY = {
    "id": "chatcmpl-1",
    "model": "gpt-4o-mini-2024-07-18",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "Hi!"}, "finish_reason": "stop"}
    ],
    "usage": {"prompt_tokens": 5, "completion_tokens": 2, "prompt_tokens_details": {}},
}
REQUEST = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Say hi"}]}


def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
    payload = {"model": "m-1", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(payload)}\n\n"


# --- cassette formats -------------------------------------------------------------------


def test_json_cassette_with_scalar_headers_in_any_case(tmp_path: Path) -> None:
    cassette = {
        "version": 1,
        "interactions": [
            {
                "request": {
                    "method": "post",
                    "uri": "https://example.openai.azure.com/openai/deployments/x/chat/completions",
                    "body": json.dumps(REQUEST, indent=2),
                    "headers": {"Content-Type": "application/json"},
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": {"Content-Type": "application/json", "OpenAI-Processing-Ms": "42"},
                    "body": {"string": json.dumps(CHAT_BODY, indent=2)},
                },
            }
        ],
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(cassette))
    [exchange] = read_cassette(path)
    assert (exchange.method, exchange.endpoint, exchange.model) == (
        "POST",
        "chat.completions",
        "gpt-4o-mini",
    )
    assert exchange.completion is not None
    assert exchange.completion.text == "Hi!"
    assert exchange.completion.latency_ms == 42.0
    assert exchange.completion.usage.input_tokens == 5


def test_pre_1_0_vcrpy_format_is_read_without_running_tags(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    path.write_text(
        f"""- request: !!python/object:vcr.request.Request
    body: '{json.dumps(REQUEST)}'
    headers: !!python/object/apply:__builtin__.frozenset
    - - !!python/tuple [Content-Type, application/json]
    host: api.openai.com
    method: POST
    path: /v1/chat/completions
    port: 443
    protocol: https
  response:
    body: {{string: !!python/unicode '{json.dumps(CHAT_BODY)}'}}
    headers: ["Content-Type: application/json\\r\\n", "openai-processing-ms: 7\\r\\n"]
    status: {{code: 200, message: OK}}
"""
    )
    [exchange] = read_cassette(path)
    assert exchange.uri == "https://api.openai.com/v1/chat/completions"
    assert exchange.completion is not None and exchange.completion.text == "Hi!"
    assert exchange.completion.latency_ms == 7.0


def test_arbitrary_python_tags_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("interactions: !!python/object/apply:os.system ['echo pwned']\nversion: 1\n")
    with pytest.raises(CassetteReadError, match=r"evil\.yaml: invalid YAML.*os\.system"):
        read_cassette(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("just: a mapping\n", "not a vcrpy cassette"),
        ("interactions: [\n", "invalid YAML"),
    ],
)
def test_not_a_cassette_names_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CassetteReadError, match=message) as info:
        read_cassette(path)
    assert str(info.value).startswith(str(path))
    assert "\n" not in str(info.value)


def _binary_cassette(tmp_path: Path, data: bytes, encoding: str | None) -> Path:
    headers = f"\n      content-encoding: [{encoding}]" if encoding else ""
    path = tmp_path / "bin.yaml"
    path.write_text(
        f"""version: 1
interactions:
- request:
    method: POST
    uri: https://api.openai.com/v1/chat/completions
    body: '{json.dumps(REQUEST)}'
    headers: {{}}
  response:
    status: {{code: 200, message: OK}}
    headers:
      content-type: [application/json]{headers}
    body:
      string: !!binary |
        {base64.b64encode(data).decode()}
"""
    )
    return path


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (zlib.compress, "deflate"),
        (_raw_deflate, "deflate"),
        (gzip.compress, None),  # gzip sniffed when the header was dropped
        (bytes, "gzip"),  # the recorder decoded the body but kept the header
    ],
)
def test_compressed_bodies_are_decoded(tmp_path: Path, encode: Any, encoding: str | None) -> None:
    path = _binary_cassette(tmp_path, encode(json.dumps(CHAT_BODY).encode()), encoding)
    [exchange] = read_cassette(path)
    assert exchange.completion is not None and exchange.completion.text == "Hi!"


def test_missing_codec_is_named(tmp_path: Path) -> None:
    if importlib.util.find_spec("brotli") or importlib.util.find_spec("brotlicffi"):
        pytest.skip("a brotli module is installed here")
    [exchange] = read_cassette(_binary_cassette(tmp_path, b"\x8b\x02\x80", "br"))
    assert exchange.completion is None
    assert exchange.error is not None and "'brotli'" in exchange.error


def test_http_error_keeps_the_api_message(tmp_path: Path) -> None:
    path = tmp_path / "err.yaml"
    body = json.dumps({"error": {"message": "Rate limit reached", "code": "rate_limit_exceeded"}})
    path.write_text(
        f"""version: 1
interactions:
- request:
    {{method: POST, uri: 'https://api.openai.com/v1/responses', body: '{{"input": "x"}}'}}
  response: {{status: {{code: 429}}, headers: {{}}, body: {{string: '{body}'}}}}
"""
    )
    [exchange] = read_cassette(path)
    assert exchange.endpoint == "responses" and exchange.completion is None
    assert exchange.error == "HTTP 429: Rate limit reached (rate_limit_exceeded)"


# --- payloads -------------------------------------------------------------------------------


def test_chat_stream_reassembles_content_tool_calls_and_usage() -> None:
    text = (
        chunk({"role": "assistant", "content": "Hel"})
        + chunk({"content": "lo"})
        + chunk({"tool_calls": [{"index": 0, "function": {"name": "f", "arguments": '{"a"'}}]})
        + chunk({"tool_calls": [{"index": 0, "function": {"arguments": ": 1}"}}]})
        + chunk({"tool_calls": [{"index": 1, "function": {"name": "g", "arguments": "not json"}}]})
        + chunk({}, finish="tool_calls")
        + 'data: {"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4}}\n\n'
        + "data: [DONE]\n\n"
    )
    completion = completion_from_sse(text, "chat.completions", "gpt-4o-mini", 12.0)
    assert completion.text == "Hello"
    assert completion.tool_calls == (ToolCall("f", {"a": 1}), ToolCall("g", "not json"))
    assert completion.finish_reason == "tool_calls"
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (3, 4)
    assert (completion.model, completion.response_model, completion.latency_ms) == (
        "gpt-4o-mini",
        "m-1",
        12.0,
    )


def test_responses_stream_without_final_event_is_flagged() -> None:
    item = {"type": "message", "content": [{"type": "output_text", "text": "partial"}]}
    event = {"type": "response.output_item.done", "item": item}
    text = f"event: response.output_item.done\ndata: {json.dumps(event)}\n\n"
    completion = completion_from_sse(text, "responses", "m", None)
    assert completion.text == "partial"
    assert completion.error == "stream ended before response.completed"


def test_stream_error_event_becomes_the_error() -> None:
    text = (
        'event: error\ndata: {"type": "error", "message": "overloaded", "code": "server_error"}\n\n'
    )
    assert completion_from_sse(text, "responses", "m", None).error == "overloaded (server_error)"


def test_refusals_and_legacy_function_calls() -> None:
    body = {
        "choices": [{"message": {"content": None, "refusal": "I can't."}, "finish_reason": "stop"}]
    }
    assert completion_from_chat(body, "m", None).text == "I can't."
    legacy = {"choices": [{"message": {"function_call": {"name": "f", "arguments": "{}"}}}]}
    assert completion_from_chat(legacy, "m", None).tool_calls == (ToolCall("f", {}),)
    response = {
        "status": "incomplete",
        "incomplete_details": {"reason": "max_output_tokens"},
        "output": [
            {"type": "message", "content": [{"type": "refusal", "refusal": "No."}]},
            {"type": "function_call", "name": "g", "arguments": '{"x": [1]}'},
        ],
        "usage": {
            "input_tokens": 9,
            "output_tokens": 1,
            "input_tokens_details": {"cached_tokens": 8},
        },
    }
    completion = completion_from_responses(response, "m", None)
    assert (completion.text, completion.finish_reason) == ("No.", "length")
    assert completion.tool_calls == (ToolCall("g", {"x": [1]}),)
    assert completion.usage.cached_input_tokens == 8


# --- ids, merging, suite document -----------------------------------------------------------


def test_ids_are_readable_stable_and_unique() -> None:
    request = {
        "messages": [
            {"role": "system", "content": "Be terse."},
            {"role": "user", "content": "Refund for order #123, please!"},
        ]
    }
    first = IdAllocator().allocate(request)
    assert first.startswith("refund-for-order-123-please-")
    assert first == IdAllocator().allocate(dict(reversed(list(request.items()))))
    assert slug("a" * 500 + " tail") == "a" * 20 + "-tail"


@given(st.lists(st.text(max_size=30), min_size=1, max_size=20, unique=True))
def test_ids_are_valid_and_distinct_for_distinct_requests(prompts: list[str]) -> None:
    ids = IdAllocator()
    allocated = [ids.allocate({"messages": [{"role": "user", "content": p}]}) for p in prompts]
    assert len(set(allocated)) == len(allocated)
    for case_id in allocated:
        assert case_id[0].isalnum() and all(c.isalnum() or c in "-_." for c in case_id)


def _prompt(content: str, **request: Any) -> Prompt:
    body = {"messages": [{"role": "user", "content": content}], **request}
    return Prompt("chat", body, "gpt-4o-mini", f"file: {content}")


def test_duplicate_requests_merge_and_shared_settings_are_hoisted() -> None:
    schema = {"type": "object"}
    fmt = {"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}
    prompts = [
        _prompt("one", temperature=0, response_format=fmt),
        _prompt("two", temperature=0, response_format=fmt, tools=[{"type": "function"}]),
        _prompt("one", temperature=0, response_format=fmt),
    ]
    cases = merge_prompts(prompts)
    assert [len(c.origins) for c in cases] == [2, 1]
    doc = suite_document("s", "d", cases, [{"similarity": {"min": 80}}])
    assert doc["request"] == {"temperature": 0, "response_format": fmt}
    assert doc["checks"] == [{"similarity": {"min": 80}}, {"schema": schema}]
    assert doc["cases"][0] == {
        "id": cases[0].id,
        "messages": [{"role": "user", "content": "one"}],
        "origin": ["file: one", "file: one"],  # where each sample came from
    }
    assert doc["cases"][1]["checks"] == [{"tool_calls": {}}]
    assert doc["cases"][1]["request"] == {"tools": [{"type": "function"}]}


# --- other sources --------------------------------------------------------------------------


def test_evals_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "samples.jsonl"
    lines = [
        {"input": [{"role": "user", "content": "2+2?"}], "ideal": "4"},
        {"input": "Capital of France?", "ideal": ["Paris", "paris"]},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n")
    prompts, skipped = evals_prompts(path)
    assert skipped == []
    assert [p.checks for p in prompts] == [({"contains": "4"},), ({"regex": "Paris|paris"},)]
    assert prompts[1].request == {"messages": [{"role": "user", "content": "Capital of France?"}]}
    assert prompts[0].model is None and prompts[0].answer is None


def test_logged_requests_suggest_their_model(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(json.dumps(REQUEST) + "\n" + json.dumps(REQUEST) + "\n")
    prompts, _ = request_prompts(path)
    [case] = merge_prompts(prompts)
    assert case.models == ["gpt-4o-mini"] and case.recordings == {}
    assert "model" not in case.request


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 2: not JSON"),
        ("[1, 2]", "line 2: each line must be a JSON object"),
        ('{"model": "m"}', "line 2: chat request without a 'messages' list"),
        ('{"model": "m", "input": "x", "previous_response_id": "r"}', "line 2: depends on state"),
    ],
)
def test_bad_log_lines_are_located(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(json.dumps(REQUEST) + "\n" + line + "\n")
    with pytest.raises(SourceError, match=message) as info:
        collect([path])
    assert str(info.value).startswith(f"{path}: line 2: ")


def test_invalid_case_is_skipped_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    bad = {"model": "m", "messages": [{"role": "narrator", "content": "x"}]}
    path.write_text(json.dumps(REQUEST) + "\n" + json.dumps(bad) + "\n")
    suite_path = tmp_path / "suites" / "logged.yaml"
    result = write_import(collect([path]), suite_path, tmp_path / "cassettes")
    assert len(result.cases) == 1 and result.cassettes == []
    [skipped] = result.skipped
    assert skipped.origin == f"{path}: line 2" and "role 'narrator'" in skipped.reason
    suite = load_suite(suite_path)
    assert [c.request for c in suite.cases] == [{"messages": REQUEST["messages"]}]


def test_a_refusal_is_marked_as_one_in_both_apis() -> None:
    from migrate_check.cassettes.answers import completion_from_chat

    chat = completion_from_chat(
        {"choices": [{"message": {"content": None, "refusal": "No."}, "finish_reason": "stop"}]},
        "m",
        None,
    )
    answer = completion_from_chat(
        {"choices": [{"message": {"content": "Yes.", "refusal": None}, "finish_reason": "stop"}]},
        "m",
        None,
    )
    assert (chat.text, chat.refused) == ("No.", True)
    assert (answer.text, answer.refused) == ("Yes.", False)


def test_a_chat_stream_cut_before_its_finish_reason_and_done_is_an_error() -> None:
    from migrate_check.cassettes.answers import completions_from_body

    chunk = {
        "id": "c",
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": {"content": "Hel"}}],
    }
    (cut,) = completions_from_body(
        f"data: {json.dumps(chunk)}\n\n", "chat.completions", True, "m", None
    )
    assert cut.error == "stream ended before its finish_reason"
    done = dict(chunk, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}])
    text = f"data: {json.dumps(chunk)}\n\ndata: {json.dumps(done)}\n\ndata: [DONE]\n\n"
    (whole,) = completions_from_body(text, "chat.completions", True, "m", None)
    assert (whole.error, whole.text, whole.finish_reason) == (None, "Hel", "stop")
    # Some gateways send no finish_reason; their closing [DONE] still says it is whole.
    (gateway,) = completions_from_body(
        f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n", "chat.completions", True, "m", None
    )
    assert gateway.error is None
