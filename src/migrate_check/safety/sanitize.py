"""Answers made safe to keep: no lone surrogate, no known secret value.

A JSON body may escape a lone UTF-16 surrogate (`"\\ud800"`); Python decodes it into a
string that no UTF-8 file, terminal or xdist channel accepts, so one such answer would
stop every report. It becomes U+FFFD, as invalid UTF-8 bytes already do when a body is
decoded. A server that echoes a credential into an answer gets it scrubbed here, before
anything judges, stores or prints the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from migrate_check.core.completion import Completion, ToolCall
from migrate_check.safety.secrets import Scrubber

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def text(value: str) -> str:
    """`value` without lone surrogates (each becomes U+FFFD)."""
    return _SURROGATE.sub(REPLACEMENT, value) if _SURROGATE.search(value) else value


def data(value: Any) -> Any:
    """JSON-like data (parsed tool-call arguments) with every string made safe."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, list):
        return [data(v) for v in value]
    if isinstance(value, dict):
        return {data(k): data(v) for k, v in value.items()}
    return value


def completions(found: Iterable[Completion], scrubber: Scrubber) -> list[Completion]:
    """The answers with text, tool calls, model name and error made safe, in place."""
    cleaned = []
    for completion in found:
        completion.text = scrubber.text(text(completion.text))
        if completion.error is not None:
            completion.error = scrubber.message(text(completion.error))
        if completion.response_model is not None:
            completion.response_model = text(completion.response_model)
        if completion.tool_calls:
            completion.tool_calls = tuple(
                ToolCall(text(call.name), scrubber.data(data(call.arguments)))
                for call in completion.tool_calls
            )
        completion.__dict__.pop("parsed", None)  # parsed again from the safe text
        cleaned.append(completion)
    return cleaned
