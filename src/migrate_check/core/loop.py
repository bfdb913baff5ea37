"""Tool loops: a case whose model calls tools, gets their results and goes on until it answers.

A feature that calls tools rarely stops at the first call: the application runs the tool,
sends the result back, and the model goes on. A suite's `loop:` says how a case's tool
calls are answered (`Loop`): by the team's own function, or by fixed results for tools
that cannot run in tests, within a step limit. Each model then runs its own path, and
what it did is its `Trajectory`: every model call (a `Step`), the tool calls it asked
for, and what each was answered with (`ToolUse`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

#: What happens when a tool raises (or no answer fits its call): its error sent back as
#: the tool message, as most applications do (`send`), or the case's error (`error`).
ToolErrorMode = Literal["send", "error"]
ON_TOOL_ERROR: tuple[ToolErrorMode, ...] = ("send", "error")
#: Model calls per side, unless the suite says otherwise.
DEFAULT_MAX_STEPS = 10
MAX_STEPS_LIMIT = 100
#: Seconds one call of a team's tool may take, unless the suite says otherwise.
DEFAULT_TOOL_TIMEOUT_S = 30.0
#: Why a loop ended: the model answered without a tool call, or the step limit came first.
Stopped = Literal["answered", "step_limit"]


@dataclass(frozen=True)
class FixedResult:
    """One answer to a tool that cannot run in tests: `result` for calls whose arguments,
    parsed, equal `arguments`; for any call of the tool when `any_arguments`. With a
    `step`, only at that step of a side's loop: a recorded loop whose tool answered the
    same call otherwise at another step replays each step's own answer."""

    result: Any
    arguments: Any = None
    any_arguments: bool = True
    step: int | None = None

    def matches(self, arguments: Any, step: int | None = None) -> bool:
        if self.step is not None and step != self.step:
            return False
        return self.any_arguments or same_json(self.arguments, arguments)

    def as_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"result": self.result}
        if not self.any_arguments:
            shown["arguments"] = self.arguments
        if self.step is not None:
            shown["step"] = self.step
        return shown

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FixedResult:
        given = "arguments" in data
        step = data.get("step")
        return cls(data.get("result"), data.get("arguments"), not given, step)


@dataclass(frozen=True)
class LoopTool:
    """How calls of one tool are answered: the team's `function` (a dotted path), or
    `results` matched by arguments."""

    name: str
    function: str = ""
    results: tuple[FixedResult, ...] = ()
    #: Where the suite names it, for errors (not carried across processes).
    line: int = field(default=0, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "function": self.function,
            "results": [r.as_dict() for r in self.results],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoopTool:
        return cls(
            name=data["name"],
            function=data.get("function", ""),
            results=tuple(FixedResult.from_dict(r) for r in data.get("results") or ()),
        )


@dataclass(frozen=True)
class Loop:
    """What a suite's `loop:` says: how each tool is answered, and the bounds."""

    tools: tuple[LoopTool, ...] = ()
    max_steps: int = DEFAULT_MAX_STEPS
    on_tool_error: ToolErrorMode = "send"
    timeout_s: float = DEFAULT_TOOL_TIMEOUT_S
    #: Hosts other than the OpenAI API the team's tools may reach, never recorded.
    allow_hosts: tuple[str, ...] = ()

    def tool(self, name: str) -> LoopTool | None:
        return next((tool for tool in self.tools if tool.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tools": [tool.as_dict() for tool in self.tools],
            "max_steps": self.max_steps,
            "on_tool_error": self.on_tool_error,
            "timeout_s": self.timeout_s,
            "allow_hosts": list(self.allow_hosts),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Loop:
        return cls(
            tools=tuple(LoopTool.from_dict(t) for t in data.get("tools") or ()),
            max_steps=int(data.get("max_steps", DEFAULT_MAX_STEPS)),
            on_tool_error=data.get("on_tool_error", "send"),
            timeout_s=float(data.get("timeout_s", DEFAULT_TOOL_TIMEOUT_S)),
            allow_hosts=tuple(data.get("allow_hosts") or ()),
        )


@dataclass(frozen=True)
class ToolUse:
    """One tool call a step asked for, and what was sent back for it.

    `arguments` are the call's, parsed as JSON when they parse; `result` is the tool
    message's text (empty for a call the step limit left unanswered). `error` says why
    the tool gave no result of its own (it raised, no answer fits); `drift`, on a
    recording run, what the team's tool returns now where the recording holds another
    result.
    """

    name: str
    arguments: Any
    call_id: str = ""
    result: str = ""
    error: str | None = None
    drift: str | None = None
    answered: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "arguments": self.arguments,
            "call_id": self.call_id,
            "result": self.result,
            "error": self.error,
            "drift": self.drift,
            "answered": self.answered,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ToolUse:
        return cls(
            name=data["name"],
            arguments=data.get("arguments"),
            call_id=data.get("call_id", ""),
            result=data.get("result", ""),
            error=data.get("error"),
            drift=data.get("drift"),
            answered=bool(data.get("answered", True)),
        )


@dataclass(frozen=True)
class Step:
    """One model call of a loop: the tool calls it asked for, or its text when it answered."""

    calls: tuple[ToolUse, ...] = ()
    text: str = ""
    finish_reason: str | None = None
    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": [call.as_dict() for call in self.calls],
            "text": self.text,
            "finish_reason": self.finish_reason,
            "usage": [self.input_tokens, self.cached_input_tokens, self.output_tokens],
            "latency_ms": self.latency_ms,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Step:
        usage = list(data.get("usage") or (0, 0, 0))
        return cls(
            calls=tuple(ToolUse.from_dict(c) for c in data.get("calls") or ()),
            text=data.get("text", ""),
            finish_reason=data.get("finish_reason"),
            input_tokens=int(usage[0]),
            cached_input_tokens=int(usage[1]),
            output_tokens=int(usage[2]),
            latency_ms=data.get("latency_ms"),
        )


@dataclass(frozen=True)
class Trajectory:
    """Every step one model took on a loop case, and why it ended."""

    steps: tuple[Step, ...] = ()
    max_steps: int = DEFAULT_MAX_STEPS
    stopped: Stopped = "answered"

    @property
    def hit_limit(self) -> bool:
        return self.stopped == "step_limit"

    @property
    def calls(self) -> list[ToolUse]:
        """Every tool call, in the order the steps asked for them."""
        return [call for step in self.steps for call in step.calls]

    def as_dict(self) -> dict[str, Any]:
        return {
            "steps": [step.as_dict() for step in self.steps],
            "max_steps": self.max_steps,
            "stopped": self.stopped,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Trajectory:
        return cls(
            steps=tuple(Step.from_dict(s) for s in data.get("steps") or ()),
            max_steps=int(data.get("max_steps", DEFAULT_MAX_STEPS)),
            stopped=data.get("stopped", "answered"),
        )


def same_json(left: Any, right: Any) -> bool:
    """Whether two parsed JSON values are equal as JSON: keys in any order, `1` and `1.0`
    alike (as the code reading them sees them), `true` never `1`."""
    return bool(_comparable(left) == _comparable(right))


def _comparable(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, int | float):
        return ("number", float(value))
    if isinstance(value, dict):
        return ("object", tuple(sorted((str(k), _comparable(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("array", tuple(_comparable(v) for v in value))
    return ("other", repr(value))


def canonical(value: Any) -> str:
    """A JSON value as one key (keys sorted): for counting repeated identical calls."""
    try:
        return json.dumps(_comparable(value), separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return repr(value)
