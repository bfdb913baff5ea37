"""OpenAI response payloads (JSON bodies and SSE streams) -> `Completion`.

One place knows the shapes of chat completions and Responses API answers, so
the reader, the importer and the tests agree on what "the text" and "the tool
calls" of a recorded answer are. A refusal counts as the text when there is no
content: a model that starts refusing is a change users must see.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from migrate_check.model import Completion, ToolCall, Usage


def completion_from_chat(body: dict[str, Any], model: str, latency_ms: float | None) -> Completion:
    """A `chat.completion` object (first choice) as a Completion."""
    if body.get("error"):
        return Completion(model=model, latency_ms=latency_ms, error=error_message(body))
    choices = body.get("choices") or [{}]
    choice = choices[0] if isinstance(choices[0], dict) else {}
    message = choice.get("message") or {}
    calls = list(message.get("tool_calls") or [])
    if message.get("function_call"):  # the legacy single-function form
        calls.append({"function": message["function_call"]})
    content = _content_text(message.get("content"))
    return Completion(
        model=model,
        text=content or str(message.get("refusal") or ""),
        refused=not content and bool(message.get("refusal")),
        tool_calls=tuple(_chat_tool_call(c) for c in calls if isinstance(c, dict)),
        finish_reason=choice.get("finish_reason"),
        usage=chat_usage(body.get("usage")),
        latency_ms=latency_ms,
        response_model=body.get("model"),
    )


def completion_from_responses(
    body: dict[str, Any], model: str, latency_ms: float | None
) -> Completion:
    """A Responses API `response` object as a Completion.

    Text is every `output_text` part of every message item, joined; the finish
    reason is why the response was incomplete, else its status.
    """
    texts: list[str] = []
    refusals: list[str] = []
    calls: list[ToolCall] = []
    for item in body.get("output") or []:
        if not isinstance(item, dict):
            continue
        if item.get("type") == "message":
            for part in item.get("content") or []:
                if part.get("type") == "output_text":
                    texts.append(str(part.get("text", "")))
                elif part.get("type") == "refusal":
                    refusals.append(str(part.get("refusal", "")))
        elif item.get("type") == "function_call":
            calls.append(
                ToolCall(str(item.get("name", "")), parse_arguments(item.get("arguments")))
            )
        elif item.get("type") == "custom_tool_call":
            calls.append(ToolCall(str(item.get("name", "")), item.get("input")))
    incomplete = body.get("incomplete_details") or {}
    error = body.get("error")
    return Completion(
        model=model,
        text="".join(texts) or "".join(refusals),
        refused=not "".join(texts) and bool("".join(refusals)),
        tool_calls=tuple(calls),
        finish_reason=_responses_finish_reason(body, incomplete, bool(calls)),
        usage=responses_usage(body.get("usage")),
        latency_ms=latency_ms,
        response_model=body.get("model"),
        error=error_message({"error": error}) if error else None,
    )


# The Responses API says why it stopped in its own words; checks compare both APIs
# in the chat vocabulary, so a Responses case and a chat case judge alike.
_RESPONSES_REASONS = {"max_output_tokens": "length", "content_filter": "content_filter"}


def _responses_finish_reason(
    body: dict[str, Any], incomplete: dict[str, Any], called_tools: bool
) -> str | None:
    reason = incomplete.get("reason")
    if reason:
        return _RESPONSES_REASONS.get(str(reason), str(reason))
    status = body.get("status")
    if status == "completed":
        return "tool_calls" if called_tools else "stop"
    return str(status) if status else None


def completion_from_sse(
    text: str, endpoint: str, model: str, latency_ms: float | None
) -> Completion:
    """Reassemble a recorded stream (chat chunks or Responses events) into one Completion."""
    events = list(sse_events(text))
    if endpoint == "responses":
        return _responses_stream(events, model, latency_ms)
    return _chat_stream(events, model, latency_ms)


def sse_events(text: str) -> Iterator[dict[str, Any]]:
    """The JSON `data:` payloads of an SSE body, `[DONE]` and keep-alives skipped."""
    for block in text.replace("\r\n", "\n").split("\n\n"):
        data = "\n".join(
            line[5:].removeprefix(" ") for line in block.split("\n") if line.startswith("data:")
        )
        if not data or data.strip() == "[DONE]":
            continue
        try:
            event = json.loads(data)
        except ValueError as exc:
            raise ValueError(f"stream event is not JSON: {data[:60]!r}") from exc
        if isinstance(event, dict):
            yield event


def _chat_stream(events: list[dict[str, Any]], model: str, latency_ms: float | None) -> Completion:
    content: list[str] = []
    refusal: list[str] = []
    calls: dict[int, dict[str, str]] = {}
    finish: str | None = None
    usage: dict[str, Any] | None = None
    response_model: str | None = None
    for chunk in events:
        if chunk.get("error"):
            return Completion(model=model, latency_ms=latency_ms, error=error_message(chunk))
        response_model = chunk.get("model") or response_model
        usage = chunk.get("usage") or usage
        for choice in chunk.get("choices") or []:
            if choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta") or {}
            content.append(_content_text(delta.get("content")))
            refusal.append(str(delta.get("refusal") or ""))
            for call in delta.get("tool_calls") or []:
                slot = calls.setdefault(
                    int(call.get("index", len(calls))), {"name": "", "args": ""}
                )
                function = call.get("function") or {}
                name = function.get("name") or ""
                if name != slot["name"]:  # some servers repeat the whole name in every chunk
                    slot["name"] += name
                slot["args"] += function.get("arguments") or ""
            finish = choice.get("finish_reason") or finish
    return Completion(
        model=model,
        text="".join(content) or "".join(refusal),
        refused=not "".join(content) and bool("".join(refusal)),
        tool_calls=tuple(
            ToolCall(c["name"], parse_arguments(c["args"])) for _, c in sorted(calls.items())
        ),
        finish_reason=finish,
        usage=chat_usage(usage),
        latency_ms=latency_ms,
        response_model=response_model,
    )


_FINAL_EVENTS = ("response.completed", "response.incomplete", "response.failed")


def _responses_stream(
    events: list[dict[str, Any]], model: str, latency_ms: float | None
) -> Completion:
    """The final event carries the whole response; without one, rebuild it from the items."""
    items: list[dict[str, Any]] = []
    latest: dict[str, Any] = {}
    for event in events:
        kind = event.get("type")
        if kind == "error" or (kind is None and event.get("error")):
            return Completion(model=model, latency_ms=latency_ms, error=error_message(event))
        if isinstance(event.get("response"), dict):
            latest = event["response"]
        if kind in _FINAL_EVENTS:
            final = dict(latest)
            if not final.get("output") and items:
                final["output"] = items  # some servers send a final response without output
            return completion_from_responses(final, model, latency_ms)
        if kind == "response.output_item.done" and isinstance(event.get("item"), dict):
            items.append(event["item"])
    partial = completion_from_responses({**latest, "output": items}, model, latency_ms)
    partial.error = "stream ended before response.completed"
    return partial


def _content_text(content: Any) -> str:
    """Chat content is a string, or (rarely, from proxies) a list of text parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def _chat_tool_call(call: dict[str, Any]) -> ToolCall:
    function = call.get("function") or call.get("custom") or {}
    arguments = function.get("arguments", function.get("input"))
    return ToolCall(str(function.get("name", "")), parse_arguments(arguments))


def parse_arguments(arguments: Any) -> Any:
    """Tool arguments parsed as JSON when they parse, else the raw string."""
    if not isinstance(arguments, str):
        return arguments
    try:
        return json.loads(arguments)
    except ValueError:
        return arguments


def chat_usage(usage: Any) -> Usage:
    if not isinstance(usage, dict):
        return Usage()
    details = usage.get("prompt_tokens_details") or {}
    return Usage(
        input_tokens=int(usage.get("prompt_tokens") or 0),
        cached_input_tokens=int(details.get("cached_tokens") or 0),
        output_tokens=int(usage.get("completion_tokens") or 0),
    )


def responses_usage(usage: Any) -> Usage:
    if not isinstance(usage, dict):
        return Usage()
    details = usage.get("input_tokens_details") or {}
    return Usage(
        input_tokens=int(usage.get("input_tokens") or 0),
        cached_input_tokens=int(details.get("cached_tokens") or 0),
        output_tokens=int(usage.get("output_tokens") or 0),
    )


def error_message(body: Any) -> str:
    """The API's own error message (`{"error": {"message": ...}}`), with its code."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        message = str(error.get("message") or "").strip() or "error without a message"
        code = error.get("code") or error.get("type")
        return f"{message} ({code})" if code else message
    if isinstance(error, str) and error:
        return error
    if isinstance(body, dict) and body.get("message"):  # a Responses stream `error` event
        code = body.get("code")
        return f"{body['message']} ({code})" if code else str(body["message"])
    return "error without a message"
