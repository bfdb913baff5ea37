"""Dress an `Answer` as the API's JSON objects and server-sent events.

Shapes follow what api.openai.com sends, so the real SDK parses them and
recordings of the local server look like recordings of the API.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from devtools.local_openai.answers import Answer

JsonObj = dict[str, Any]


@dataclass(frozen=True)
class Ids:
    """The identifiers of one answer, drawn by the server (seeded) for reproducible runs."""

    base: str
    created: int
    fingerprint: str

    def of(self, prefix: str, index: int = 0) -> str:
        return (
            f"{prefix}_{self.base}{index:02d}" if prefix != "chatcmpl" else f"chatcmpl-{self.base}"
        )


def error(message: str, kind: str, code: str | None = None, param: str | None = None) -> JsonObj:
    """The API's error envelope."""
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def _pieces(text: str, size: int = 3) -> list[str]:
    """Split text into stream deltas of a few words each, whitespace kept, as the API does."""
    tokens = text.split(" ")
    out = [" ".join(tokens[i : i + size]) for i in range(0, len(tokens), size)]
    return [p if i == len(out) - 1 else p + " " for i, p in enumerate(out)] or [""]


def _arg_pieces(arguments: str, size: int = 12) -> list[str]:
    return [arguments[i : i + size] for i in range(0, len(arguments), size)] or [""]


# ---------------------------------------------------------------- chat completions


def _chat_usage(answer: Answer) -> JsonObj:
    return {
        "prompt_tokens": answer.prompt_tokens,
        "completion_tokens": answer.completion_tokens,
        "total_tokens": answer.prompt_tokens + answer.completion_tokens,
        "prompt_tokens_details": {"cached_tokens": answer.cached_tokens, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _chat_tool_calls(answer: Answer) -> list[JsonObj]:
    return [
        {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
        for c in answer.tool_calls
    ]


def _chat_choice(answer: Answer, index: int) -> JsonObj:
    message: JsonObj = {
        "role": "assistant",
        "content": answer.text,
        "refusal": answer.refusal,
        "annotations": [],
    }
    if answer.tool_calls:
        message["tool_calls"] = _chat_tool_calls(answer)
    return {
        "index": index,
        "message": message,
        "logprobs": None,
        "finish_reason": answer.finish_reason,
    }


def chat_completion(answer: Answer, ids: Ids, more: Sequence[Answer] = ()) -> JsonObj:
    """A `chat.completion` object; `more` are the further choices of a request with `n` > 1."""
    usage = _chat_usage(answer)
    usage["completion_tokens"] += sum(other.completion_tokens for other in more)
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    return {
        "id": ids.of("chatcmpl"),
        "object": "chat.completion",
        "created": ids.created,
        "model": answer.model,
        "choices": [_chat_choice(a, i) for i, a in enumerate([answer, *more])],
        "usage": usage,
        "service_tier": "default",
        "system_fingerprint": ids.fingerprint,
    }


def chat_chunks(answer: Answer, ids: Ids, *, include_usage: bool) -> Iterator[JsonObj]:
    """The `chat.completion.chunk` objects of a streamed answer, usage chunk last if asked."""

    def chunk(delta: JsonObj, finish: str | None = None) -> JsonObj:
        body: JsonObj = {
            "id": ids.of("chatcmpl"),
            "object": "chat.completion.chunk",
            "created": ids.created,
            "model": answer.model,
            "service_tier": "default",
            "system_fingerprint": ids.fingerprint,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
        if include_usage:
            body["usage"] = None
        return body

    if answer.tool_calls:
        yield chunk({"role": "assistant", "content": None, "refusal": None})
        for index, call in enumerate(answer.tool_calls):
            head = {
                "index": index,
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": ""},
            }
            yield chunk({"tool_calls": [head]})
            for piece in _arg_pieces(call.arguments):
                yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    elif answer.refusal is not None:
        yield chunk({"role": "assistant", "content": None, "refusal": ""})
        for piece in _pieces(answer.refusal):
            yield chunk({"refusal": piece})
    else:
        yield chunk({"role": "assistant", "content": "", "refusal": None})
        for piece in _pieces(answer.text or ""):
            yield chunk({"content": piece})
    yield chunk({}, answer.finish_reason)
    if include_usage:
        last = chunk({})
        last["choices"] = []
        last["usage"] = _chat_usage(answer)
        yield last


# ---------------------------------------------------------------- responses


def _output_items(answer: Answer, ids: Ids) -> list[JsonObj]:
    hosted: list[JsonObj] = []
    if answer.web_search is not None:
        action = {"type": "search", "query": answer.web_search}
        hosted.append(
            {"id": ids.of("ws"), "type": "web_search_call", "status": "completed", "action": action}
        )
    return hosted + _answer_items(answer, ids)


def _answer_items(answer: Answer, ids: Ids) -> list[JsonObj]:
    if answer.refusal is not None:
        part = {"type": "refusal", "refusal": answer.refusal}
        return [
            {
                "id": ids.of("msg"),
                "type": "message",
                "status": "completed",
                "role": "assistant",
                "content": [part],
            }
        ]
    if answer.tool_calls:
        return [
            {
                "id": ids.of("fc", index),
                "type": "function_call",
                "status": "completed",
                "arguments": call.arguments,
                "call_id": call.id,
                "name": call.name,
            }
            for index, call in enumerate(answer.tool_calls)
        ]
    return [
        {
            "id": ids.of("msg"),
            "type": "message",
            "status": "completed" if answer.finish_reason != "length" else "incomplete",
            "role": "assistant",
            "content": [
                {
                    "type": "output_text",
                    "annotations": [],
                    "logprobs": [],
                    "text": answer.text or "",
                }
            ],
        }
    ]


def _text_format(request: JsonObj) -> JsonObj:
    text = request.get("text")
    fmt = text.get("format") if isinstance(text, dict) else None
    if not isinstance(fmt, dict):
        return {"type": "text"}
    if fmt.get("type") == "json_schema":
        return {
            "type": "json_schema",
            "description": fmt.get("description"),
            "name": fmt.get("name", "response"),
            "schema": fmt.get("schema", {}),
            "strict": bool(fmt.get("strict", False)),
        }
    return {"type": str(fmt.get("type", "text"))}


def response_object(answer: Answer, ids: Ids, request: JsonObj) -> JsonObj:
    """A Responses API `response` object, complete (or incomplete when cut by a token limit)."""
    incomplete = answer.finish_reason in ("length", "content_filter")
    reason = "content_filter" if answer.finish_reason == "content_filter" else "max_output_tokens"
    tools = [dict(t, strict=t.get("strict", True)) for t in request.get("tools") or []]
    return {
        "id": ids.of("resp"),
        "object": "response",
        "created_at": ids.created,
        "status": "incomplete" if incomplete else "completed",
        "background": False,
        "error": None,
        "incomplete_details": {"reason": reason} if incomplete else None,
        "instructions": request.get("instructions"),
        "max_output_tokens": request.get("max_output_tokens"),
        "model": answer.model,
        "output": _output_items(answer, ids),
        "parallel_tool_calls": request.get("parallel_tool_calls", True),
        "previous_response_id": request.get("previous_response_id"),
        "reasoning": {"effort": None, "summary": None},
        "service_tier": "default",
        "store": request.get("store", True),
        "temperature": request.get("temperature", 1.0),
        "text": {"format": _text_format(request), "verbosity": "medium"},
        "tool_choice": request.get("tool_choice", "auto"),
        "tools": tools,
        "top_p": request.get("top_p", 1.0),
        "truncation": "disabled",
        "usage": {
            "input_tokens": answer.prompt_tokens,
            "input_tokens_details": {"cached_tokens": answer.cached_tokens},
            "output_tokens": answer.completion_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": answer.prompt_tokens + answer.completion_tokens,
        },
        "user": None,
        "metadata": request.get("metadata") or {},
    }


def response_events(answer: Answer, ids: Ids, request: JsonObj) -> Iterator[JsonObj]:
    """The typed events of a streamed response, in the API's order, numbered."""
    final = response_object(answer, ids, request)
    pending = copy.deepcopy(final)
    pending.update(status="in_progress", output=[], usage=None, incomplete_details=None)
    events: list[JsonObj] = [
        {"type": "response.created", "response": pending},
        {"type": "response.in_progress", "response": pending},
    ]
    for index, item in enumerate(final["output"]):
        events.extend(_item_events(item, index))
    last = "response.incomplete" if final["status"] == "incomplete" else "response.completed"
    events.append({"type": last, "response": final})
    for number, event in enumerate(events):
        yield {**event, "sequence_number": number}


def _item_events(item: JsonObj, index: int) -> list[JsonObj]:
    where = {"item_id": item["id"], "output_index": index}
    if item["type"] == "function_call":
        added = dict(item, arguments="", status="in_progress")
        events: list[JsonObj] = [
            {"type": "response.output_item.added", "output_index": index, "item": added}
        ]
        events += [
            {"type": "response.function_call_arguments.delta", **where, "delta": piece}
            for piece in _arg_pieces(item["arguments"])
        ]
        events.append(
            {
                "type": "response.function_call_arguments.done",
                **where,
                "name": item["name"],
                "arguments": item["arguments"],
            }
        )
    else:
        text = item["content"][0]["text"]
        empty_part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
        added = dict(item, status="in_progress", content=[])
        at = {**where, "content_index": 0}
        events = [
            {"type": "response.output_item.added", "output_index": index, "item": added},
            {"type": "response.content_part.added", **at, "part": empty_part},
        ]
        events += [
            {"type": "response.output_text.delta", **at, "delta": piece, "logprobs": []}
            for piece in _pieces(text)
        ]
        events += [
            {"type": "response.output_text.done", **at, "text": text, "logprobs": []},
            {"type": "response.content_part.done", **at, "part": item["content"][0]},
        ]
    events.append({"type": "response.output_item.done", "output_index": index, "item": item})
    return events


def sse(event: JsonObj, *, named: bool) -> bytes:
    """One server-sent event; the Responses API names its events, chat does not."""
    data = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
    head = f"event: {event['type']}\n" if named else ""
    return f"{head}data: {data}\n\n".encode()
