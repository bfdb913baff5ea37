"""A span's prompt and answer, in any of the spellings GenAI tracers write, as Chat
Completions messages.

- openllmetry (traceloop), flat attributes: `gen_ai.prompt.{i}.role/content/tool_call_id`,
  `gen_ai.prompt.{i}.tool_calls.{j}.id/name/arguments`, and `gen_ai.completion.{i}.role/
  content/refusal/finish_reason/tool_calls.{j}...` (a list content is JSON text);
- openinference (Arize), flat attributes: `llm.input_messages.{i}.message.role/content/
  name/tool_call_id`, `...message.contents.{k}.message_content.type/text/image.image.url`,
  `...message.tool_calls.{j}.tool_call.id/function.name/function.arguments`, the same
  under `llm.output_messages`, and `llm.finish_reason` (the first choice's);
- the OpenTelemetry GenAI conventions: `gen_ai.input.messages` / `gen_ai.output.messages`
  (JSON, each message a role and its parts), `gen_ai.system_instructions`; or events
  (span events, or log records of the span): `gen_ai.{system,user,assistant,tool}.message`
  and `gen_ai.choice` with their body, the older `gen_ai.content.prompt` /
  `gen_ai.content.completion` (OpenAI-shaped JSON), `gen_ai.client.inference.operation.details`.

Nothing here runs or renders what a trace holds: text is copied, JSON parsed within bounds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from migrate_check.importing.traces_read import MAX_VALUE_CHARS

#: What tracers write where content was hidden (openinference's OPENINFERENCE_HIDE_*).
REDACTED = "__REDACTED__"
_ROLE_EVENTS = {
    "gen_ai.system.message": "system",
    "gen_ai.user.message": "user",
    "gen_ai.assistant.message": "assistant",
    "gen_ai.tool.message": "tool",
}
_DETAILS_EVENT = "gen_ai.client.inference.operation.details"
#: Longest index read from an attribute name (`gen_ai.prompt.{i}`): more is no message.
_MAX_INDEX_DIGITS = 6

Event = tuple[str, Mapping[str, Any]]


class Unusable(ValueError):
    """The span's content cannot become a request (the message says why)."""


@dataclass
class Choice:
    """One recorded answer: an assistant message and why it stopped."""

    message: dict[str, Any]
    finish_reason: str | None = None


def indexed(attrs: Mapping[str, Any], prefix: str) -> list[dict[str, Any]]:
    """`prefix{i}.rest` keys as one dict of `rest` -> value per index, in index order."""
    groups: dict[int, dict[str, Any]] = {}
    for key, value in attrs.items():
        if not key.startswith(prefix):
            continue
        index, dot, rest = key[len(prefix) :].partition(".")
        if dot and index.isdigit() and len(index) <= _MAX_INDEX_DIGITS:
            groups.setdefault(int(index), {})[rest] = value
    return [groups[i] for i in sorted(groups)]


def parse_json(value: Any, what: str) -> Any:
    """An attribute that holds JSON as text (or already as structured values)."""
    if not isinstance(value, str):
        return value
    if len(value) > MAX_VALUE_CHARS:
        raise Unusable(f"{what} is longer than {MAX_VALUE_CHARS >> 20} MiB")
    try:
        return json.loads(value)
    except RecursionError:
        raise Unusable(f"{what} is nested too deep to read") from None
    except ValueError as exc:
        raise Unusable(f"{what} is not JSON ({exc})") from None


def input_messages(attrs: Mapping[str, Any], events: list[Event]) -> list[dict[str, Any]]:
    """The request's messages, from whichever spelling the span holds ([] when none)."""
    if attrs.get("gen_ai.input.messages") is not None:
        found = from_json(parse_json(attrs["gen_ai.input.messages"], "gen_ai.input.messages"))
        system = attrs.get("gen_ai.system_instructions")
        if system is not None:
            parts = parse_json(system, "gen_ai.system_instructions")
            parts = parts if isinstance(parts, list) else [{"type": "text", "content": parts}]
            found = from_json([{"role": "system", "parts": parts}]) + found
        return found
    if openinference := indexed(attrs, "llm.input_messages."):
        return [_asked(_openinference(m)) for m in openinference]
    if openllmetry := indexed(attrs, "gen_ai.prompt."):
        return [_asked(_openllmetry(m)) for m in openllmetry]
    found = []
    for name, body in events:
        if name == "gen_ai.content.prompt" and "gen_ai.prompt" in body:
            found = from_json(parse_json(body["gen_ai.prompt"], "gen_ai.prompt"))
        elif name == _DETAILS_EVENT:
            found = input_messages(body, [])
        elif name in _ROLE_EVENTS:
            role = body.get("role") or _ROLE_EVENTS[name]
            found.extend(from_json([{**body, "role": role, "tool_call_id": body.get("id")}]))
    return found


def output_choices(attrs: Mapping[str, Any], events: list[Event]) -> list[Choice]:
    """The recorded answers, one per choice ([] when the span holds none)."""
    reasons = attrs.get("gen_ai.response.finish_reasons")
    reasons = reasons if isinstance(reasons, list) else [reasons]
    choices = _choices(attrs, events)
    for position, choice in enumerate(choices):
        if choice.finish_reason is None and position < len(reasons):
            choice.finish_reason = _reason(reasons[position])
    return choices


def _choices(attrs: Mapping[str, Any], events: list[Event]) -> list[Choice]:
    if attrs.get("gen_ai.output.messages") is not None:
        found = parse_json(attrs["gen_ai.output.messages"], "gen_ai.output.messages")
        return [_json_choice(m) for m in _list(found, "gen_ai.output.messages")]
    if openinference := indexed(attrs, "llm.output_messages."):
        answers = [Choice(_assistant(_openinference(m))) for m in openinference]
        answers[0].finish_reason = _reason(attrs.get("llm.finish_reason"))
        return answers
    if openllmetry := indexed(attrs, "gen_ai.completion."):
        return [
            Choice(_assistant(_openllmetry(m)), _reason(m.get("finish_reason")))
            for m in openllmetry
        ]
    choices: list[Choice] = []
    for name, body in events:
        if name == "gen_ai.content.completion" and "gen_ai.completion" in body:
            found = parse_json(body["gen_ai.completion"], "gen_ai.completion")
            choices = [_json_choice(m) for m in _list(found, "gen_ai.completion")]
        elif name == _DETAILS_EVENT:
            choices = _choices(body, [])
        elif name == "gen_ai.choice":
            recorded = body.get("message")
            message = dict(recorded) if isinstance(recorded, dict) else {}
            if body.get("tool_calls") and not message.get("tool_calls"):
                message["tool_calls"] = body["tool_calls"]  # openllmetry's events put them here
            choice = _json_choice({**message, "finish_reason": body.get("finish_reason")})
            index = body.get("index")
            place = index if isinstance(index, int) and 0 <= index <= len(choices) else len(choices)
            choices.insert(place, choice)
    return choices


def from_json(raw: Any) -> list[dict[str, Any]]:
    """Messages as JSON holds them: OpenAI-shaped (`content`, `tool_calls`) or the
    conventions' role + `parts`; a tool message's several results become several."""
    found: list[dict[str, Any]] = []
    for item in _list(raw, "the messages"):
        if not isinstance(item, dict):
            raise Unusable("a message is not an object")
        role = item.get("role")
        if not isinstance(role, str):
            raise Unusable("a message has no role")
        if "parts" not in item:
            message = {
                k: item[k] for k in ("content", "name", "tool_call_id") if item.get(k) is not None
            }
            calls = [_json_call(c) for c in item.get("tool_calls") or []]
            found.append({"role": role, **message, **({"tool_calls": calls} if calls else {})})
            continue
        parts, calls = [], []
        for part in _list(item["parts"], "a message's parts"):
            kind = part.get("type") if isinstance(part, dict) else None
            if kind == "tool_call_response":
                result = part.get("response")
                text = result if isinstance(result, str) else json.dumps(result)
                found.append({"role": "tool", "tool_call_id": part.get("id"), "content": text})
            elif kind == "tool_call":
                calls.append(_call(part.get("id"), part.get("name"), part.get("arguments")))
            elif (converted := _part(part)) is not None:
                parts.append(converted)
        if role == "tool":
            continue
        message = {"role": role}
        if parts:
            only_text = all(p["type"] == "text" and isinstance(p["text"], str) for p in parts)
            message["content"] = "".join(p["text"] for p in parts) if only_text else parts
        if calls:
            message["tool_calls"] = calls
        found.append(message)
    return found


def _part(part: Any) -> dict[str, Any] | None:
    """A conventions part as a Chat content part; reasoning and unknown parts are none."""
    if not isinstance(part, dict):
        return None
    kind = part.get("type")
    if kind == "text" and isinstance(part.get("content"), str):
        return {"type": "text", "text": part["content"]}
    if kind in ("text", "image_url", "input_audio", "file") and kind in part:
        return {"type": kind, kind: part[kind]}  # an OpenAI part, as some tracers copy it
    if kind == "uri" and part.get("modality") == "image" and isinstance(part.get("uri"), str):
        return {"type": "image_url", "image_url": {"url": part["uri"]}}
    if kind == "blob" and part.get("modality") == "image" and isinstance(part.get("content"), str):
        mime = part.get("mime_type") or "image/png"
        return {"type": "image_url", "image_url": {"url": f"data:{mime};base64,{part['content']}"}}
    return None


def _openinference(m: Mapping[str, Any]) -> dict[str, Any]:
    role = m.get("message.role")
    message: dict[str, Any] = {"role": role}
    parts = []
    for c in indexed(m, "message.contents."):
        kind = c.get("message_content.type")
        if kind == "text" and isinstance(c.get("message_content.text"), str):
            parts.append({"type": "text", "text": c["message_content.text"]})
        elif kind == "image" and isinstance(c.get("message_content.image.image.url"), str):
            parts.append(
                {"type": "image_url", "image_url": {"url": c["message_content.image.image.url"]}}
            )
    if m.get("message.content") is not None:
        message["content"] = m["message.content"]
    elif parts:
        message["content"] = parts
    calls = [
        _call(
            c.get("tool_call.id"),
            c.get("tool_call.function.name"),
            c.get("tool_call.function.arguments"),
        )
        for c in indexed(m, "message.tool_calls.")
    ]
    if calls:
        message["tool_calls"] = calls
    if m.get("message.function_call_name"):
        arguments = m.get("message.function_call_arguments_json") or "{}"
        message["function_call"] = {"name": m["message.function_call_name"], "arguments": arguments}
    if m.get("message.tool_call_id") is not None:
        message["tool_call_id"] = m["message.tool_call_id"]
    if m.get("message.name") is not None and role != "tool":  # a tool result names no one
        message["name"] = m["message.name"]
    return message


def _asked(message: dict[str, Any]) -> dict[str, Any]:
    """A message of the request: one without a role is no message the API takes."""
    if not isinstance(message.get("role"), str) or not message["role"]:
        raise Unusable("a message has no role")
    return message


def _openllmetry(m: Mapping[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": m.get("role")}
    content = m.get("content")
    if isinstance(content, str) and content.startswith("[{"):  # a list content, as JSON text
        parsed = parse_json(content, "a message's content")
        if isinstance(parsed, list) and all(isinstance(p, dict) and "type" in p for p in parsed):
            content = parsed
    if content is not None:
        message["content"] = content
    if m.get("refusal") is not None:
        message["refusal"] = m["refusal"]
    calls = [
        _call(c.get("id"), c.get("name"), c.get("arguments")) for c in indexed(m, "tool_calls.")
    ]
    if calls:
        message["tool_calls"] = calls
    if m.get("tool_call_id") is not None:
        message["tool_call_id"] = m["tool_call_id"]
    return message


def _json_choice(raw: Any) -> Choice:
    if not isinstance(raw, dict):
        raise Unusable("an answer is not an object")
    reason = _reason(raw.get("finish_reason"))
    messages = from_json([{**raw, "role": raw.get("role") or "assistant"}])
    return Choice(_assistant(messages[0] if messages else {}), reason)


def _assistant(message: Mapping[str, Any]) -> dict[str, Any]:
    """An answer as a `chat.completion` choice's message: text content, tool calls."""
    content = message.get("content")
    if isinstance(content, list):
        texts = [p.get("text") for p in content if isinstance(p, dict)]
        content = "".join(t for t in texts if isinstance(t, str))
    found: dict[str, Any] = {"role": "assistant", "content": content if content else None}
    if message.get("refusal"):
        found["refusal"] = message["refusal"]
    if message.get("tool_calls"):
        found["tool_calls"] = message["tool_calls"]
    elif message.get("function_call"):
        found["function_call"] = message["function_call"]
    return found


def _json_call(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise Unusable("a tool call is not an object")
    function = raw["function"] if isinstance(raw.get("function"), dict) else raw
    return _call(raw.get("id"), function.get("name"), function.get("arguments"))


def _call(call_id: Any, name: Any, arguments: Any) -> dict[str, Any]:
    """A Chat tool call; arguments are JSON text, as the API sends them."""
    if not isinstance(name, str) or not name:
        raise Unusable("a tool call has no function name")
    if arguments is None:
        arguments = "{}"
    elif not isinstance(arguments, str):
        arguments = json.dumps(arguments, ensure_ascii=False)
    call: dict[str, Any] = {"type": "function", "function": {"name": name, "arguments": arguments}}
    return {"id": call_id, **call} if isinstance(call_id, str) and call_id else call


def _reason(value: Any) -> str | None:
    """A finish reason as Chat writes it (the conventions say `tool_call`)."""
    if not isinstance(value, str) or not value:
        return None
    return "tool_calls" if value in ("tool_call", "function_call") else value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise Unusable(f"{what} are not a list")
    return value


def redacted(messages: list[dict[str, Any]]) -> bool:
    """Whether the tracer hid what the messages said."""
    return any(m.get("content") == REDACTED for m in messages)
