"""A stored completion or stored response, fetched from the API, as a `Prompt`.

The request is rebuilt from what the API kept: the input messages (or input items), and
the settings the stored object holds (a stored completion: `temperature`, `top_p`,
`tools`, `tool_choice`, `response_format`, penalties; a stored response: `instructions`,
`tools`, its text format, `max_output_tokens`, ...). The API reports its own default
(`temperature: 1.0`, `top_p: 1.0`, penalties of 0, `tool_choice: auto` with tools, a null
limit) on every object, sent or not: such a value is taken as not sent, so the case sends
none (the same request to the baseline; a reasoning candidate rejects sampling
parameters) and a team default may fill it. What it does not hold (a chat completion's
token limit, its stop words) the team gives once for the suite (`RequestDefaults`); each
case that lacks a parameter is counted, so the import can say which cases lacked what.
The stored answer becomes the baseline's recording: an `Exchange` as the cassette reader
makes, whose request is the rebuilt one.

Pure of HTTP (`stored` fetches); everything here only reads dicts, so nothing fetched is
ever executed or rendered.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from migrate_check.cassettes.answers import (
    CHAT_ENDPOINT,
    RESPONSES_ENDPOINT,
    completion_from_chat,
    completion_from_responses,
)
from migrate_check.core.case import Api
from migrate_check.importing.cassette_reader import Exchange
from migrate_check.importing.origins import folded
from migrate_check.importing.skipped import Skipped
from migrate_check.importing.sources import Prompt, request_problem

#: What origins and skipped lines name as the "file" of a stored case.
CHAT_SOURCE = "stored completions"
RESPONSES_SOURCE = "stored responses"
STORED_SOURCES = (CHAT_SOURCE, RESPONSES_SOURCE)
#: Where the baseline's cassette says it was asked: replay matches the path, not the host.
_URIS = {
    "chat": "https://api.openai.com/v1/chat/completions",
    "responses": "https://api.openai.com/v1/responses",
}
#: Parameters that shape an answer, whose absence the import reports per case.
TRACKED: dict[Api, tuple[str, ...]] = {
    "chat": ("temperature", "top_p", "max_completion_tokens"),
    "responses": ("temperature", "top_p", "max_output_tokens"),
}
#: A chat completion body as the API answers it; the stored object adds the settings.
_CHAT_BODY_KEYS = (
    "id",
    "object",
    "created",
    "model",
    "choices",
    "usage",
    "service_tier",
    "system_fingerprint",
)
#: What the API reports of a request that sent none: taken as not sent. Not `seed` at
#: all: the API makes one up when none was sent.
API_DEFAULTS: dict[str, float] = {
    "temperature": 1,
    "top_p": 1,
    "presence_penalty": 0,
    "frequency_penalty": 0,
}
_METADATA_SHOWN = 300  # characters of a case's metadata its description shows


@dataclass
class Tally:
    """Per parameter, how many cases lacked it, got it from the defaults, or held their
    own value where the defaults gave one (the default was not used)."""

    lacked: Counter[str] = field(default_factory=Counter)
    supplied: Counter[str] = field(default_factory=Counter)
    ignored: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Made:
    """A stored object made into a prompt, or skipped saying why."""

    prompt: Prompt | None
    skipped: Skipped | None


def chat_prompt(
    stored: dict[str, Any],
    messages: list[dict[str, Any]],
    defaults: dict[Api, dict[str, Any]],
    tally: Tally,
    fold_snapshots: bool,
) -> Made:
    """A stored chat completion (its list entry) and its input messages."""
    model, snapshot = folded(_text(stored.get("model")) or None, fold_snapshots)
    origin = _origin("stored completion", stored.get("id"), stored.get("created"), snapshot)
    request: dict[str, Any] = {}
    rebuilt = []
    for message in messages:
        made, problem = _chat_message(message)
        if problem is not None:
            return _skip(origin, problem, model, CHAT_SOURCE)
        rebuilt.append(made)
    if not rebuilt:
        return _skip(origin, "no input messages stored", model, CHAT_SOURCE)
    request["messages"] = rebuilt
    _sampling(stored, request, tuple(API_DEFAULTS))
    if stored.get("tools"):
        request["tools"] = stored["tools"]
    choice = stored.get("tool_choice")
    if choice not in (None, "auto" if request.get("tools") else "none"):  # the API's default
        request["tool_choice"] = choice
    response_format = stored.get("response_format")
    if isinstance(response_format, dict) and response_format.get("type") != "text":
        request["response_format"] = response_format
    body = {k: stored[k] for k in _CHAT_BODY_KEYS if k in stored}
    return _finish("chat", request, body, defaults, tally, model, origin, stored)


def response_prompt(
    stored: dict[str, Any],
    items: list[dict[str, Any]],
    defaults: dict[Api, dict[str, Any]],
    tally: Tally,
    fold_snapshots: bool,
) -> Made:
    """A stored response (as `responses.retrieve` gives it) and its input items."""
    model, snapshot = folded(_text(stored.get("model")) or None, fold_snapshots)
    origin = _origin("stored response", stored.get("id"), stored.get("created_at"), snapshot)
    reason = response_problem(stored)
    if reason is not None:
        return _skip(origin, reason, model, RESPONSES_SOURCE)
    rebuilt = []
    for item in items:
        if item.get("type") == "reasoning":
            reason = "its input holds reasoning items, which only the model that made them reads"
            return _skip(origin, reason, model, RESPONSES_SOURCE)
        rebuilt.append(_input_item(item))
    if not rebuilt:
        return _skip(origin, "no input items stored", model, RESPONSES_SOURCE)
    request: dict[str, Any] = {"input": rebuilt}
    if _text(stored.get("instructions")):
        request["instructions"] = stored["instructions"]
    if stored.get("tools"):
        request["tools"] = stored["tools"]
    text = stored.get("text")
    fmt = text.get("format") if isinstance(text, dict) else None
    if isinstance(fmt, dict) and fmt.get("type") != "text":
        request["text"] = {"format": fmt}
    if stored.get("tool_choice") not in (None, "auto"):
        request["tool_choice"] = stored["tool_choice"]
    _sampling(stored, request, ("temperature", "top_p"))  # Responses take no penalties
    for key in ("max_output_tokens", "max_tool_calls"):  # null: none was sent
        if stored.get(key) is not None:
            request[key] = stored[key]
    reasoning = stored.get("reasoning")
    if isinstance(reasoning, dict) and reasoning.get("effort"):
        request["reasoning"] = {"effort": reasoning["effort"]}
    if stored.get("parallel_tool_calls") is False:
        request["parallel_tool_calls"] = False
    return _finish("responses", request, stored, defaults, tally, model, origin, stored)


def response_problem(stored: dict[str, Any]) -> str | None:
    """Why a stored response cannot become a case, known before its input is fetched."""
    chained = [k for k in ("previous_response_id", "conversation") if stored.get(k)]
    if chained:
        return (
            f"a stateful Responses chain ({', '.join(chained)}): depends on state kept by "
            "the server; not replayable"
        )
    status = stored.get("status")
    if status not in ("completed", "incomplete"):
        return f"no usable answer stored (status {status})"
    return None


def _sampling(stored: dict[str, Any], request: dict[str, Any], keys: tuple[str, ...]) -> None:
    """The sampling parameters the stored object holds other than the API's defaults."""
    for key in keys:
        value = stored.get(key)
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and value != API_DEFAULTS[key]
        ):
            request[key] = value


def _finish(
    api: Api,
    request: dict[str, Any],
    body: dict[str, Any],
    defaults: dict[Api, dict[str, Any]],
    tally: Tally,
    model: str | None,
    origin: str,
    stored: dict[str, Any],
) -> Made:
    """The team's defaults where the request holds nothing (a value at the API's default
    is none), counted; the answer read as the cassette reader reads one; the prompt. A
    tracked parameter the stored object does not even report (null, or absent) is
    counted as lacked."""
    source = CHAT_SOURCE if api == "chat" else RESPONSES_SOURCE
    for key, value in defaults.get(api, {}).items():
        if key in request:
            tally.ignored[key] += 1
        else:
            request[key] = value
            tally.supplied[key] += 1
    for key in TRACKED[api]:
        if key not in request and stored.get(key) is None:
            tally.lacked[key] += 1
    reason = request_problem(request, api)
    if reason is not None or model is None:
        return _skip(origin, reason or "no model stored", model, source)
    read = completion_from_chat if api == "chat" else completion_from_responses
    try:
        completion = read(body, model, None)
    except (TypeError, ValueError) as exc:
        return _skip(origin, f"stored answer unreadable: {exc}", model, source)
    if completion.error:
        return _skip(origin, f"no usable answer stored ({completion.error})", model, source)
    exchange = Exchange(
        source=Path(source),
        index=0,
        method="POST",
        endpoint=CHAT_ENDPOINT if api == "chat" else RESPONSES_ENDPOINT,
        request={"model": model, **request},
        model=model,
        status=200,
        stream=False,
        completion=completion,
        error=None,
        uri=_URIS[api],
        response_text=json.dumps(body, ensure_ascii=False),
        response_headers={"content-type": "application/json"},
    )
    description = _described(stored.get("metadata"))
    return Made(
        Prompt(api, request, model, origin, exchange, description=description, source=source),
        None,
    )


def _chat_message(message: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """A stored message as a request sends it: its parts when it had parts, else its
    text; its tool calls and the call a tool message answers."""
    role = message.get("role")
    parts = message.get("content_parts")
    made: dict[str, Any] = {"role": role, "content": parts or message.get("content")}
    if _text(message.get("name")):
        made["name"] = message["name"]
    if role == "assistant" and message.get("tool_calls"):
        made["tool_calls"] = [
            {k: call[k] for k in ("id", "type", "function", "custom") if k in call}
            for call in message["tool_calls"]
            if isinstance(call, dict)
        ]
    if role == "tool":
        if not _text(message.get("tool_call_id")):
            return made, "a tool message without the id of the call it answers"
        made["tool_call_id"] = message["tool_call_id"]
    if made["content"] is None and "tool_calls" not in made:
        return made, f"a {role} message without content"
    return made, None


def _input_item(item: dict[str, Any]) -> dict[str, Any]:
    """An input item as a request sends it: no id or status (they name server state); a
    message of one text part as its text."""
    if item.get("type", "message") != "message":
        return {k: v for k, v in item.items() if k not in ("id", "status")}
    content = item.get("content")
    if (
        isinstance(content, list)
        and len(content) == 1
        and isinstance(content[0], dict)
        and content[0].get("type") in ("input_text", "output_text")
        and isinstance(content[0].get("text"), str)
    ):
        content = content[0]["text"]
    return {"role": item.get("role"), "content": content}


def _origin(what: str, ident: Any, created: Any, snapshot: str | None) -> str:
    when = ""
    if isinstance(created, int | float) and not isinstance(created, bool):
        try:
            stamp = datetime.fromtimestamp(created, UTC)
        except (OverflowError, OSError, ValueError):
            stamp = None
        if stamp is not None:
            when = f" (created {stamp.strftime('%Y-%m-%dT%H:%M:%SZ')})"
    origin = f"{what} {_text(ident) or '(no id)'}{when}"
    return origin + (f" (recorded with {snapshot})" if snapshot else "")


def _described(metadata: Any) -> str:
    """A case's metadata, as its description shows it (bounded)."""
    if not isinstance(metadata, dict) or not metadata:
        return ""
    shown = ", ".join(f"{k}={v}" for k, v in sorted(metadata.items()))
    if len(shown) > _METADATA_SHOWN:
        shown = shown[:_METADATA_SHOWN] + "..."
    return f"metadata: {shown}"


def _skip(origin: str, reason: str, model: str | None, source: str) -> Made:
    return Made(None, Skipped(origin, reason, model, source))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
