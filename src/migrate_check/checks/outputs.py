"""What checks read from a completion, decided once so every check reads it the same way."""

from __future__ import annotations

import json
from typing import Any

from migrate_check.cassettes.tool_items import hosted_flags
from migrate_check.core.canonical import canonical_json
from migrate_check.core.completion import Completion, ToolCall

_FENCE = "```"


def split_calls(completion: Completion) -> tuple[list[ToolCall], list[ToolCall]]:
    """(the calls the application must run, the hosted tools the API ran itself): only
    the first are tool calls to the application, which gets the answer after the rest."""
    calls = completion.tool_calls
    flags = hosted_flags(completion.body)
    if flags is None or len(flags) != len(calls):  # no Responses body: all the app's
        return list(calls), []
    return (
        [call for call, hosted in zip(calls, flags, strict=True) if not hosted],
        [call for call, hosted in zip(calls, flags, strict=True) if hosted],
    )


def function_calls(completion: Completion) -> list[ToolCall]:
    """The calls the application must run (hosted tools left out)."""
    return split_calls(completion)[0] if completion.tool_calls else []


def tool_calls_json(completion: Completion) -> list[dict[str, Any]]:
    return [{"name": call.name, "arguments": call.arguments} for call in function_calls(completion)]


def comparable_text(completion: Completion) -> str:
    """The text, or the tool calls serialised when the model answered with calls only."""
    if completion.text or not function_calls(completion):
        return completion.text
    return json.dumps(tool_calls_json(completion), sort_keys=True, ensure_ascii=False)


def not_json_problem(completion: Completion) -> str:
    """Why the output is not JSON, phrased to follow "candidate output"."""
    if completion.text.strip().startswith(_FENCE):
        return "is wrapped in a Markdown code fence, so it is not JSON (json.loads fails on it)"
    if not completion.text.strip() and function_calls(completion):
        return "is tool calls with no text, so it is not JSON"
    return f"is {completion.parsed.error}"


def json_or_none(value: Any) -> str | None:
    """Canonical JSON for a fast equality test; None when the value is not JSON-able."""
    try:
        return canonical_json(value)
    except (TypeError, ValueError):
        return None


def plain(value: Any) -> Any:
    """`value` made JSON-serialisable for evidence (unknown objects become their repr)."""
    return json.loads(json.dumps(value, default=repr))


def shorten(value: Any, limit: int = 60) -> str:
    """A short display of a value for one-line reasons."""
    shown = repr(value) if not isinstance(value, dict | list) else json_or_none(value)
    shown = shown if shown is not None else repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
