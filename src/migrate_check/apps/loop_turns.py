"""One turn of a tool loop, as the application's code takes it: the tool calls an answer
asks for, and the next request, which carries the answer and every call's result back.

- Chat Completions: the assistant message's `tool_calls` (parallel calls included); the
  next request's `messages` gain that assistant message and one `role: tool` message per
  call, with its `tool_call_id`.
- Responses API: the answer's `function_call` output items; the next request's `input`
  gains the answer's output items as they came (reasoning items included, as a
  reasoning model needs them back) and one `function_call_output` item per call, with
  its `call_id`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from migrate_check.cassettes.tool_items import is_hosted
from migrate_check.core.loop import ToolUse

#: Tool calls one answer may ask for before the loop refuses it (the API's own limit is
#: 128 tools per request; an answer asking for more is no answer an app would run).
MAX_CALLS_PER_STEP = 128


class TurnError(ValueError):
    """An answer the loop cannot go on from; the message says why."""


@dataclass(frozen=True)
class AskedCall:
    """A tool call an answer asks the application to run, as the model sent it."""

    call_id: str
    name: str
    arguments: str  # the raw JSON text the model wrote


def asked_calls(api: str, body: Any) -> list[AskedCall]:
    """The function calls an answer's body asks for, in order (choice 0 of a chat answer)."""
    calls = _responses_calls(body) if api == "responses" else _chat_calls(body)
    if len(calls) > MAX_CALLS_PER_STEP:
        raise TurnError(
            f"the answer asks for {len(calls)} tool calls, more than {MAX_CALLS_PER_STEP}"
        )
    return calls


def _chosen_message(body: Any) -> dict[str, Any]:
    choices = body.get("choices") if isinstance(body, dict) else None
    if not isinstance(choices, list):
        return {}
    listed = [c for c in choices if isinstance(c, dict)]
    chosen = next((c for c in listed if c.get("index", 0) == 0), listed[0] if listed else {})
    message = chosen.get("message")
    return message if isinstance(message, dict) else {}


def _chat_calls(body: Any) -> list[AskedCall]:
    message = _chosen_message(body)
    if message.get("function_call"):
        raise TurnError(
            "the answer uses the legacy 'function_call' form; a loop answers 'tools' calls"
        )
    calls = []
    for call in message.get("tool_calls") or []:
        if not isinstance(call, dict):
            continue
        function = call.get("function")
        if call.get("type", "function") != "function" or not isinstance(function, dict):
            raise TurnError(
                f"the answer calls a {call.get('type')!r} tool; a loop answers functions"
            )
        calls.append(
            AskedCall(
                str(call.get("id", "")),
                str(function.get("name", "")),
                _text(function.get("arguments")),
            )
        )
    return calls


def _responses_calls(body: Any) -> list[AskedCall]:
    output = body.get("output") if isinstance(body, dict) else None
    calls = []
    for item in output if isinstance(output, list) else []:
        if not isinstance(item, dict):
            continue
        kind = str(item.get("type", ""))
        if kind == "function_call":
            calls.append(
                AskedCall(
                    str(item.get("call_id", "")),
                    str(item.get("name", "")),
                    _text(item.get("arguments")),
                )
            )
        elif kind.endswith("_call") and not is_hosted(item):
            raise TurnError(f"the answer asks for a {kind!r}; a loop answers function calls")
    return calls


def _text(arguments: Any) -> str:
    return arguments if isinstance(arguments, str) else ""


def next_body(
    api: str, body: dict[str, Any], answer: Any, uses: Sequence[ToolUse]
) -> dict[str, Any]:
    """The request after `answer`: `body` with the answer and each call's result appended."""
    if api == "responses":
        given = body.get("input")
        items = (
            [{"role": "user", "content": given}] if isinstance(given, str) else list(given or [])
        )
        output = answer.get("output") if isinstance(answer, dict) else None
        items += [item for item in output or [] if isinstance(item, dict)]
        items += [
            {"type": "function_call_output", "call_id": use.call_id, "output": use.result}
            for use in uses
        ]
        return {**body, "input": items}
    message = _chosen_message(answer)
    assistant: dict[str, Any] = {"role": "assistant", "content": message.get("content")}
    calls = [
        {
            "id": call.get("id"),
            "type": "function",
            "function": {
                "name": (call.get("function") or {}).get("name"),
                "arguments": (call.get("function") or {}).get("arguments"),
            },
        }
        for call in message.get("tool_calls") or []
        if isinstance(call, dict)
    ]
    if calls:
        assistant["tool_calls"] = calls
    tools = [{"role": "tool", "tool_call_id": use.call_id, "content": use.result} for use in uses]
    return {**body, "messages": [*list(body.get("messages") or []), assistant, *tools]}
