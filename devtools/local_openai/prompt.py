"""One shape for what a chat-completions or a Responses request asks for.

Answers are written once against this shape, so both APIs answer alike.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

FormatKind = Literal["text", "json_object", "json_schema"]
# `[fault:429]`, `[drift:enum]`, `[answer:refuse]`, `[batch:fail]`, `[judge:flip]`,
# `[rubric:fail]`, `[loop:forever]`: markers for tests, never part of what the model "reads".
_MARKER = re.compile(r"\[(?:fault|drift|answer|batch|judge|rubric|loop):[^\]]*\]", re.IGNORECASE)


class BadRequest(ValueError):
    """A request the real API would answer with 400; the message is the API's kind of text."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class Tool:
    """A function the model may call."""

    name: str
    description: str
    parameters: dict[str, Any]
    strict: bool = False


@dataclass(frozen=True)
class ToolResult:
    """What the application sent back for one call since the last user message.

    `name` and `arguments` are those of the call it answers (matched by its id), empty
    when the conversation does not hold that call.
    """

    name: str
    arguments: str
    output: str


@dataclass(frozen=True)
class OutputFormat:
    """Free text, JSON mode, or a JSON schema (structured outputs)."""

    kind: FormatKind = "text"
    name: str = ""
    schema: dict[str, Any] | None = None
    strict: bool = False


@dataclass(frozen=True)
class Prompt:
    """What the model is asked, whichever API carried it."""

    model: str
    user: str
    system: str = ""
    all_text: str = ""
    tool_result: str | None = None
    tool_results: tuple[ToolResult, ...] = ()
    tools: tuple[Tool, ...] = ()
    tool_choice: str = "auto"
    parallel_tool_calls: bool = True
    output: OutputFormat = field(default_factory=OutputFormat)
    max_tokens: int | None = None
    temperature: float = 1.0
    stream: bool = False
    include_usage: bool = False
    raw_user: str = ""


def _text_of(content: Any) -> str:
    """Message content as text: a string, or the text parts of a list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and "text" in part
        ]
        return "\n".join(parts)
    return ""


def _messages_text(messages: list[dict[str, Any]]) -> tuple[str, str, str, str | None]:
    """(system, last user message, all text, tool result after the last user turn)."""
    system: list[str] = []
    user = ""
    tool_result: str | None = None
    everything: list[str] = []
    for message in messages:
        role = message.get("role", "user")
        text = _text_of(message.get("content"))
        everything.append(text)
        if role in ("system", "developer"):
            system.append(text)
        elif role == "user":
            user = text
            tool_result = None
        elif role == "tool":
            tool_result = text if tool_result is None else f"{tool_result}\n{text}"
    return "\n".join(system), user, "\n".join(everything), tool_result


def _tool_results(items: list[Any]) -> tuple[ToolResult, ...]:
    """The tool results after the last user message, each with the call it answers.

    Chat: an assistant message's `tool_calls`, then `role: tool` messages by
    `tool_call_id`; Responses: `function_call` items, then `function_call_output` items by
    `call_id`.
    """
    calls: dict[str, tuple[str, str]] = {}
    results: list[ToolResult] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        role, kind = item.get("role"), item.get("type")
        if role == "user":
            results = []
        elif role == "assistant" and isinstance(item.get("tool_calls"), list):
            for call in item["tool_calls"]:
                function = call.get("function") if isinstance(call, dict) else None
                if isinstance(function, dict):
                    called = (str(function.get("name", "")), str(function.get("arguments", "")))
                    calls[str(call.get("id"))] = called
        elif kind == "function_call":
            calls[str(item.get("call_id"))] = (
                str(item.get("name", "")),
                str(item.get("arguments", "")),
            )
        elif role == "tool" or kind == "function_call_output":
            key = item.get("tool_call_id") if role == "tool" else item.get("call_id")
            name, arguments = calls.get(str(key), ("", ""))
            content = item.get("content") if role == "tool" else item.get("output")
            results.append(ToolResult(name, arguments, _text_of(content)))
    return tuple(results)


def _tool_choice(value: Any) -> str:
    """'auto', 'none', 'required', or the name of a forced function."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        function = value.get("function")
        if isinstance(function, dict) and "name" in function:
            return str(function["name"])
        if "name" in value:
            return str(value["name"])
    return "auto"


def _int_or_none(value: Any, param: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise BadRequest(f"Invalid '{param}': expected an integer of at least 1.", param)
    return value


def _model(body: dict[str, Any]) -> str:
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequest("you must provide a model parameter", "model")
    return model


def from_chat(body: dict[str, Any]) -> Prompt:
    """Read a `POST /v1/chat/completions` body."""
    model = _model(body)
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadRequest(
            "Invalid 'messages': empty array. Expected at least 1 message.", "messages"
        )
    system, user, all_text, tool_result = _messages_text(
        [m for m in messages if isinstance(m, dict)]
    )
    tool_results = _tool_results(messages)
    tools = tuple(
        Tool(
            name=str(fn.get("name", "")),
            description=str(fn.get("description", "")),
            parameters=fn.get("parameters") or {"type": "object", "properties": {}},
            strict=bool(fn.get("strict", False)),
        )
        for tool in body.get("tools") or []
        if isinstance(tool, dict) and isinstance(fn := tool.get("function"), dict)
    )
    output = OutputFormat()
    response_format = body.get("response_format")
    if isinstance(response_format, dict):
        kind = response_format.get("type")
        if kind == "json_object":
            output = OutputFormat(kind="json_object")
        elif kind == "json_schema":
            spec = response_format.get("json_schema") or {}
            output = OutputFormat(
                kind="json_schema",
                name=str(spec.get("name", "response")),
                schema=spec.get("schema") or {"type": "object", "properties": {}},
                strict=bool(spec.get("strict", False)),
            )
    stream_options = body.get("stream_options") or {}
    max_tokens = _int_or_none(body.get("max_completion_tokens"), "max_completion_tokens")
    if max_tokens is None:
        max_tokens = _int_or_none(body.get("max_tokens"), "max_tokens")
    return _finish(
        Prompt(
            model=model,
            user=user,
            system=system,
            all_text=all_text + _tools_text(tools) + _schema_text(output),
            tool_result=tool_result,
            tool_results=tool_results,
            tools=tools,
            tool_choice=_tool_choice(body.get("tool_choice")),
            parallel_tool_calls=body.get("parallel_tool_calls") is not False,
            output=output,
            max_tokens=max_tokens,
            temperature=_temperature(body),
            stream=bool(body.get("stream", False)),
            include_usage=bool(stream_options.get("include_usage", False)),
        )
    )


def from_responses(body: dict[str, Any]) -> Prompt:
    """Read a `POST /v1/responses` body."""
    model = _model(body)
    raw_input = body.get("input")
    if isinstance(raw_input, str):
        messages: list[dict[str, Any]] = [{"role": "user", "content": raw_input}]
        tool_results: tuple[ToolResult, ...] = ()
    elif isinstance(raw_input, list):
        tool_results = _tool_results(raw_input)
        messages = []
        for item in raw_input:
            if not isinstance(item, dict):
                continue
            if item.get("type") == "function_call_output":
                messages.append({"role": "tool", "content": str(item.get("output", ""))})
            elif "role" in item:
                messages.append(item)
    else:
        raise BadRequest("Missing required parameter: 'input'.", "input")
    instructions = body.get("instructions")
    if isinstance(instructions, str) and instructions:
        messages.insert(0, {"role": "system", "content": instructions})
    system, user, all_text, tool_result = _messages_text(messages)
    tools = tuple(
        Tool(
            name=str(tool.get("name", "")),
            description=str(tool.get("description", "")),
            parameters=tool.get("parameters") or {"type": "object", "properties": {}},
            strict=bool(tool.get("strict", True)),
        )
        for tool in body.get("tools") or []
        if isinstance(tool, dict) and tool.get("type") == "function"
    )
    output = OutputFormat()
    text = body.get("text")
    fmt = text.get("format") if isinstance(text, dict) else None
    if isinstance(fmt, dict):
        if fmt.get("type") == "json_object":
            output = OutputFormat(kind="json_object")
        elif fmt.get("type") == "json_schema":
            output = OutputFormat(
                kind="json_schema",
                name=str(fmt.get("name", "response")),
                schema=fmt.get("schema") or {"type": "object", "properties": {}},
                strict=bool(fmt.get("strict", False)),
            )
    return _finish(
        Prompt(
            model=model,
            user=user,
            system=system,
            all_text=all_text + _tools_text(tools) + _schema_text(output),
            tool_result=tool_result,
            tool_results=tool_results,
            tools=tools,
            tool_choice=_tool_choice(body.get("tool_choice")),
            parallel_tool_calls=body.get("parallel_tool_calls") is not False,
            output=output,
            max_tokens=_int_or_none(body.get("max_output_tokens"), "max_output_tokens"),
            temperature=_temperature(body),
            stream=bool(body.get("stream", False)),
            include_usage=True,
        )
    )


def _temperature(body: dict[str, Any]) -> float:
    value = body.get("temperature", 1.0)
    if value is None:
        return 1.0
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 2:
        raise BadRequest(
            f"Invalid 'temperature': decimal above maximum value. Expected a value <= 2, "
            f"but got {value!r} instead.",
            "temperature",
        )
    return float(value)


def _tools_text(tools: tuple[Tool, ...]) -> str:
    if not tools:
        return ""
    return "\n" + " ".join(f"{t.name} {t.description} {json.dumps(t.parameters)}" for t in tools)


def _schema_text(output: OutputFormat) -> str:
    return "" if output.schema is None else "\n" + json.dumps(output.schema)


def _finish(prompt: Prompt) -> Prompt:
    """Keep the raw user text (for fault markers) and answer from the cleaned one."""
    return replace(prompt, raw_user=prompt.user, user=_MARKER.sub("", prompt.user).strip())
