"""What a recorded OpenAI answer says: response bodies and SSE streams -> `Completion`s.

One module knows the shapes of chat completions and Responses API answers, so the
runner (live), replay (offline) and the importer agree on what "the text", "the tool
calls" and "the samples" of an answer are. A refusal counts as the text when there is
no content: a model that starts refusing is a change users must see. Every choice of a
request with `n` > 1 is a sample of its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from migrate_check.cassettes.tool_items import output_calls, parse_arguments
from migrate_check.core.completion import Completion, LatencySource, ToolCall, Usage, named_model

CHAT_ENDPOINT = "chat.completions"
RESPONSES_ENDPOINT = "responses"


def endpoint_of(uri: str) -> str:
    """The API operation a URL or path addresses, whatever the host and prefix (Azure,
    proxies): `chat.completions`, `responses`, or the path itself."""
    path = urlsplit(uri).path.rstrip("/")
    if path.endswith("/chat/completions"):
        return CHAT_ENDPOINT
    if path.endswith("/responses") or path == "responses":
        return RESPONSES_ENDPOINT
    return path or "/"


def processing_ms(header: str | None) -> float | None:
    """The recorded `openai-processing-ms`: the server's own time, meaningful in replay."""
    if header and header.replace(".", "", 1).isdigit():
        return float(header)
    return None


def completions_from_body(
    text: str,
    endpoint: str,
    streamed: bool,
    model: str,
    latency_ms: float | None,
    latency_source: LatencySource | None = None,
) -> list[Completion]:
    """One answer's body (JSON, or an event stream) as its samples; unreadable is an error."""
    try:
        if streamed:
            found = completions_from_sse(text, endpoint, model, latency_ms)
        else:
            data = json.loads(text)
            if endpoint == RESPONSES_ENDPOINT:
                found = [completion_from_responses(data, model, latency_ms)]
            else:
                found = completions_from_chat(data, model, latency_ms)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        error = f"malformed response body: {type(exc).__name__}: {exc}"
        return [Completion(model=model, error=error.splitlines()[0][:500])]
    for completion in found:
        completion.streamed = streamed
        if completion.latency_ms is not None:
            completion.latency_source = latency_source
    return found


def completions_from_chat(
    body: dict[str, Any], model: str, latency_ms: float | None
) -> list[Completion]:
    """A `chat.completion` object as one Completion per choice, in index order."""
    if not isinstance(body, dict):
        raise TypeError(f"a chat completion is a JSON object, got {type(body).__name__}")
    if body.get("error"):
        return [Completion(model=model, latency_ms=latency_ms, error=error_message(body))]
    choices = [c for c in body.get("choices") or [] if isinstance(c, dict)] or [{}]
    choices.sort(key=lambda c: c.get("index", 0) if isinstance(c.get("index"), int) else 0)
    usage = chat_usage(body.get("usage"))
    found = []
    for position, choice in enumerate(choices):
        message = choice.get("message") or {}
        calls = list(message.get("tool_calls") or [])
        if message.get("function_call"):  # the legacy single-function form
            calls.append({"function": message["function_call"]})
        content = _content_text(message.get("content"))
        index = choice.get("index", position)
        found.append(
            Completion(
                model=model,
                text=content or str(message.get("refusal") or ""),
                refused=not content and bool(message.get("refusal")),
                tool_calls=tuple(_chat_tool_call(c) for c in calls if isinstance(c, dict)),
                finish_reason=choice.get("finish_reason"),
                # The request's usage covers every choice; the first sample carries it.
                usage=usage if position == 0 else Usage(),
                latency_ms=latency_ms,
                response_model=named_model(body),
                body=body,
                choice=index if isinstance(index, int) else position,
            )
        )
    return found


def completion_from_chat(body: dict[str, Any], model: str, latency_ms: float | None) -> Completion:
    """The first choice of a `chat.completion` (what an importer turns into a case)."""
    return completions_from_chat(body, model, latency_ms)[0]


def completion_from_responses(
    body: dict[str, Any], model: str, latency_ms: float | None
) -> Completion:
    """A Responses API `response` object as a Completion.

    Text is every `output_text` part of every message item, joined; the finish
    reason is why the response was incomplete, else its status (`tool_calls` when
    there is a call the application must run; hosted tools' calls are not that).
    """
    texts: list[str] = []
    refusals: list[str] = []
    for item in body.get("output") or []:
        if isinstance(item, dict) and item.get("type") == "message":
            for part in item.get("content") or []:
                if part.get("type") == "output_text":
                    texts.append(str(part.get("text", "")))
                elif part.get("type") == "refusal":
                    refusals.append(str(part.get("refusal", "")))
    calls = output_calls(body.get("output") or [])
    incomplete = body.get("incomplete_details") or {}
    error = body.get("error")
    return Completion(
        model=model,
        text="".join(texts) or "".join(refusals),
        refused=not "".join(texts) and bool("".join(refusals)),
        tool_calls=tuple(call for call, _ in calls),
        # Hosted tools (a web search) ran before the answer: it stopped for the
        # application only when it holds a call the application must run.
        finish_reason=_responses_finish_reason(
            body, incomplete, any(not hosted for _, hosted in calls)
        ),
        usage=responses_usage(body.get("usage")),
        latency_ms=latency_ms,
        response_model=named_model(body),
        error=error_message({"error": error}) if error else None,
        body=body,
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


def completions_from_sse(
    text: str, endpoint: str, model: str, latency_ms: float | None
) -> list[Completion]:
    """Reassemble a recorded stream (chat chunks or Responses events) into its samples."""
    events = list(sse_events(text))
    if endpoint == RESPONSES_ENDPOINT:
        return [_responses_stream(events, model, latency_ms)]
    return _chat_stream(events, model, latency_ms, ended=_DONE.search(text) is not None)


def completion_from_sse(
    text: str, endpoint: str, model: str, latency_ms: float | None
) -> Completion:
    """The first sample of a recorded stream."""
    return completions_from_sse(text, endpoint, model, latency_ms)[0]


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


_DONE = re.compile(r"^data: ?\[DONE\]\s*$", re.MULTILINE)


def _chat_stream(
    events: list[dict[str, Any]], model: str, latency_ms: float | None, ended: bool = True
) -> list[Completion]:
    """Chunks joined per choice into the `chat.completion` object the SDK would have built.

    A stream with neither a finish_reason nor its closing `[DONE]` was cut in transit.
    """
    choices: dict[int, dict[str, Any]] = {}
    head: dict[str, Any] = {}
    usage: dict[str, Any] | None = None
    for chunk in events:
        if chunk.get("error"):
            return [Completion(model=model, latency_ms=latency_ms, error=error_message(chunk))]
        for key in ("id", "created", "model", "system_fingerprint", "service_tier"):
            if chunk.get(key) is not None:
                head[key] = chunk[key]
        usage = chunk.get("usage") or usage
        for choice in chunk.get("choices") or []:
            if not isinstance(choice, dict):
                continue
            index = choice.get("index", 0)
            slot = choices.setdefault(
                index if isinstance(index, int) else 0,
                {"content": [], "refusal": [], "calls": {}, "finish": None},
            )
            delta = choice.get("delta") or {}
            slot["content"].append(_content_text(delta.get("content")))
            slot["refusal"].append(str(delta.get("refusal") or ""))
            for call in delta.get("tool_calls") or []:
                calls: dict[int, dict[str, str]] = slot["calls"]
                entry = calls.setdefault(
                    int(call.get("index", len(calls))), {"id": "", "name": "", "args": ""}
                )
                function = call.get("function") or {}
                name = function.get("name") or ""
                if name != entry["name"]:  # some servers repeat the whole name in every chunk
                    entry["name"] += name
                entry["id"] = call.get("id") or entry["id"]
                entry["args"] += function.get("arguments") or ""
            slot["finish"] = choice.get("finish_reason") or slot["finish"]
    body: dict[str, Any] = {
        "id": head.get("id", ""),
        "object": "chat.completion",
        "created": head.get("created", 0),
        "model": head.get("model", model),
        "choices": [
            {
                "index": index,
                "finish_reason": slot["finish"],
                "message": {
                    "role": "assistant",
                    "content": "".join(slot["content"]) or None,
                    "refusal": "".join(slot["refusal"]) or None,
                    "tool_calls": [
                        {
                            "id": call["id"],
                            "type": "function",
                            "function": {"name": call["name"], "arguments": call["args"]},
                        }
                        for _, call in sorted(slot["calls"].items())
                    ]
                    or None,
                },
            }
            for index, slot in sorted(choices.items())
        ],
    }
    if usage is not None:
        body["usage"] = usage
    if not body["choices"]:
        body["choices"] = [{"index": 0, "finish_reason": None, "message": {"content": None}}]
    found = completions_from_chat(body, model, latency_ms)
    unfinished = not ended and not any(slot["finish"] for slot in choices.values())
    for completion in found:
        completion.response_model = named_model(head)
        if unfinished:  # cut off in transit: what arrived is not the whole answer
            completion.error = "stream ended before its finish_reason"
    return found


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
