"""Entry-point cases: a team's own feature function, run once per model.

A suite can point a case at the function its application calls (`entry:`), rather than
at one request. `EntryPoint` is what the suite says about that function; `EntryRun` is
what one call of it on one model gave: its return value (or the exception it raised)
and every model call it made on the way, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

#: How the function learns which model to use: a keyword argument, an environment
#: variable it reads, or every request its OpenAI client sends rewritten.
ModelHandoff = Literal["argument", "env", "rewrite"]
HANDOFFS: tuple[ModelHandoff, ...] = ("argument", "env", "rewrite")

#: A team function's run time, unless the suite says otherwise (it makes several calls).
DEFAULT_ENTRY_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class EntryPoint:
    """The team's function a case runs, with its keyword arguments.

    `inputs` are the keyword arguments from the suite; `inputs_from` names a function
    that returns more (for values YAML cannot hold), called afresh for every run.
    """

    function: str
    inputs: dict[str, Any] = field(default_factory=dict)
    inputs_from: str = ""
    handoff: ModelHandoff = "argument"
    #: The keyword argument (`argument`) or environment variable (`env`) that carries
    #: the model; unused by `rewrite`.
    handoff_name: str = "model"
    #: Hosts other than the OpenAI API the function may reach, never recorded.
    allow_hosts: tuple[str, ...] = ()
    timeout_s: float = DEFAULT_ENTRY_TIMEOUT_S
    isolate: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "inputs": self.inputs,
            "inputs_from": self.inputs_from,
            "handoff": self.handoff,
            "handoff_name": self.handoff_name,
            "allow_hosts": list(self.allow_hosts),
            "timeout_s": self.timeout_s,
            "isolate": self.isolate,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EntryPoint:
        return cls(
            function=data["function"],
            inputs=dict(data.get("inputs") or {}),
            inputs_from=data.get("inputs_from", ""),
            handoff=data.get("handoff", "argument"),
            handoff_name=data.get("handoff_name", "model"),
            allow_hosts=tuple(data.get("allow_hosts") or ()),
            timeout_s=float(data.get("timeout_s", DEFAULT_ENTRY_TIMEOUT_S)),
            isolate=bool(data.get("isolate", False)),
        )


@dataclass(frozen=True)
class ModelCall:
    """One request the function sent to the OpenAI API, and what came back."""

    endpoint: str  # "chat", "responses", "embeddings", ... as `answers.endpoint_of` names it
    model: str  # the model the request named
    status: int = 200
    #: Function tools the answer asked for, in order.
    tools: tuple[str, ...] = ()
    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: float | None = None
    #: The model the response says answered ("" when it names none; None: no answer read).
    answered_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "model": self.model,
            "status": self.status,
            "tools": list(self.tools),
            "input_tokens": self.input_tokens,
            "cached_input_tokens": self.cached_input_tokens,
            "output_tokens": self.output_tokens,
            "latency_ms": self.latency_ms,
            "answered_by": self.answered_by,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelCall:
        return cls(
            endpoint=data["endpoint"],
            model=data["model"],
            status=int(data.get("status", 200)),
            tools=tuple(data.get("tools") or ()),
            input_tokens=int(data.get("input_tokens", 0)),
            cached_input_tokens=int(data.get("cached_input_tokens", 0)),
            output_tokens=int(data.get("output_tokens", 0)),
            latency_ms=data.get("latency_ms"),
            answered_by=data.get("answered_by"),
        )


@dataclass(frozen=True)
class EntryRun:
    """One call of the team's function on one model.

    `returned` is its return value as plain data (`checks.result_snapshot`); `raised`,
    when it raised, the exception and the last lines of its traceback instead.
    """

    returned: Any = None
    raised: str | None = None
    calls: tuple[ModelCall, ...] = ()
    #: How much the function printed (kept out of the terminal), in characters.
    printed_chars: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "returned": self.returned,
            "raised": self.raised,
            "calls": [call.as_dict() for call in self.calls],
            "printed_chars": self.printed_chars,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EntryRun:
        return cls(
            returned=data.get("returned"),
            raised=data.get("raised"),
            calls=tuple(ModelCall.from_dict(c) for c in data.get("calls") or ()),
            printed_chars=int(data.get("printed_chars", 0)),
        )
