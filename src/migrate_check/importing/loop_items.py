"""The pieces of a recorded tool loop: the calls an answer asked for, and what a request
appended after the request before it (the assistant's calls, their results, anything
the application added).

Chat Completions: an assistant message's `tool_calls`, then `role: tool` messages by
`tool_call_id`. Responses: `function_call` output items, then `function_call_output`
items by `call_id`. Pure functions over parsed JSON; `loops.py` groups the steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migrate_check.cassettes.tool_items import parse_arguments
from migrate_check.core.canonical import canonical_json
from migrate_check.importing.cassette_reader import Exchange

#: Output items a Responses application sends back as they came, beside its calls.
_ECHOED = frozenset({"function_call", "reasoning", "message"})


@dataclass(frozen=True)
class Call:
    """One call of an answer: its id (empty when none was recorded), name and arguments,
    parsed JSON when they parse."""

    id: str
    name: str
    arguments: Any

    @property
    def key(self) -> str:
        """Name and arguments as canonical JSON: the same call however it is spelled."""
        return canonical_json([self.name, self.arguments])


@dataclass(frozen=True)
class ToolResult:
    """What the application sent back for one call: the call's name, its parsed
    arguments, the result text, and the call's id."""

    name: str
    arguments: Any
    result: str
    call_id: str


@dataclass(frozen=True)
class Appended:
    """What a request added after an earlier one: the calls it says the model made, their
    results in the order sent, and the other messages the application added after them."""

    calls: tuple[Call, ...]
    results: tuple[ToolResult, ...]
    added: tuple[Any, ...]


def items_of(request: dict[str, Any] | None) -> list[Any] | None:
    """A request's conversation as a list: chat `messages`, or Responses `input` (a string
    is the one user message the API reads it as)."""
    if request is None:
        return None
    items = request.get("messages", request.get("input"))
    if isinstance(items, str):
        return [{"role": "user", "content": items}]
    return items if isinstance(items, list) else None


def answer_calls(exchange: Exchange) -> tuple[Call, ...]:
    """The calls the application must run that an exchange's recorded answer asked for
    (its first choice), with their ids, read from the answer's body."""
    completion = exchange.completion
    body = completion.body if completion is not None else None
    if not isinstance(body, dict):
        return ()
    if isinstance(body.get("output"), list):
        return tuple(_function_calls(body["output"]))
    choices = body.get("choices")
    first = choices[0] if isinstance(choices, list) and choices else None
    message = first.get("message") if isinstance(first, dict) else None
    return tuple(_chat_calls(message)) if isinstance(message, dict) else ()


def _chat_calls(message: dict[str, Any]) -> list[Call]:
    found = []
    for call in message.get("tool_calls") or []:
        function = call.get("function") if isinstance(call, dict) else None
        if isinstance(function, dict):
            arguments = parse_arguments(function.get("arguments"))
            found.append(Call(str(call.get("id") or ""), str(function.get("name", "")), arguments))
    return found


def _function_calls(items: list[Any]) -> list[Call]:
    return [
        Call(
            str(item.get("call_id") or ""),
            str(item.get("name", "")),
            parse_arguments(item.get("arguments")),
        )
        for item in items
        if isinstance(item, dict) and item.get("type") == "function_call"
    ]


def _assistant_side(item: Any) -> list[Call] | None:
    """The calls an item carries when it is the model's side of a step, else None."""
    if not isinstance(item, dict):
        return None
    if item.get("role") == "assistant" and "type" not in item:
        return _chat_calls(item)
    if item.get("type") in _ECHOED and item.get("role", "assistant") == "assistant":
        return _function_calls([item])
    return None


def _result(item: Any) -> tuple[str, str] | None:
    """(call id, result text) when an item is a tool result, else None."""
    if not isinstance(item, dict):
        return None
    if item.get("role") == "tool":
        return str(item.get("tool_call_id") or ""), _text(item.get("content"))
    if item.get("type") == "function_call_output":
        return str(item.get("call_id") or ""), _text(item.get("output"))
    return None


def _text(content: Any) -> str:
    """A result's text: a string, or the text parts of a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict)]
        return "".join(p for p in parts if isinstance(p, str))
    return "" if content is None else canonical_json(content)


def appended(items: list[Any], start: int) -> Appended | None:
    """Read `items[start:]` as one step's continuation: the model's side (assistant
    messages or echoed output items, holding at least one call) and the results, in
    either order per call as applications interleave them, then only messages the
    application added (no assistant message, call or result). None when it is no such
    step."""
    calls: list[Call] = []
    raw: list[tuple[str, str]] = []
    at = start
    while at < len(items):
        side, result = _assistant_side(items[at]), _result(items[at])
        if (side is None and result is None) or (raw and side == []):
            break  # past the step: an added message, or an answer in text after the results
        calls += side or []
        if result is not None:
            raw.append(result)
        at += 1
    added = tuple(items[at:])
    if (
        not calls
        or not raw
        or any(_assistant_side(i) is not None or _result(i) is not None for i in added)
    ):
        return None
    by_id = {call.id: call for call in calls if call.id}
    results = []
    for position, (call_id, text) in enumerate(raw):
        call = by_id.get(call_id) or (calls[position] if position < len(calls) else None)
        if call is None:
            return None  # a result for no call of this step
        results.append(ToolResult(call.name, call.arguments, text, call_id or call.id))
    return Appended(tuple(calls), tuple(results), added)


def same_calls(sent: tuple[Call, ...], answered: tuple[Call, ...]) -> bool:
    """Whether every call a request says the model made is one the recorded answer holds:
    by id where both have one, else by name and arguments."""
    ids = {call.id for call in answered if call.id}
    keys = {call.key for call in answered}
    return bool(sent) and all(
        (call.id in ids) if call.id and ids else call.key in keys for call in sent
    )
