"""Answering a loop's tool calls: the team's function, fixed results, or what was recorded.

A team's function is called the way its application calls it: with the model's parsed
arguments as keyword arguments, within `loop.timeout`, its prints kept off the terminal.
Its return value is sent back as the tool message (JSON-encoded unless it is a string),
bounded in size; an exception it raises is sent back as its last traceback line, as an
application's loop does, unless the suite says `on_tool_error: error`.

Every result a run sends is recorded beside the case's cassette (`tools.<model>.yaml`),
so a replay sends the same results without calling the team's tools: offline, and under
`--record-mode once` for a case it has a cassette for. `new_episodes` over a recorded
case calls them again: where a tool now returns something else than the recording holds
for the same step and arguments, the step notes it as drift, and the recorded result is
the one sent, so the recorded steps still match. `all` records them afresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from migrate_check.apps.loading import load_function
from migrate_check.apps.loop_turns import AskedCall
from migrate_check.apps.value import Returned, as_text, call_function
from migrate_check.cassettes.tool_items import parse_arguments
from migrate_check.checks.base import CheckConfigError, CheckRunError
from migrate_check.checks.outputs import shorten
from migrate_check.checks.time_limits import call_with_timeout
from migrate_check.core.atomic import write_atomic
from migrate_check.core.loop import Loop, LoopTool, ToolUse, same_json
from migrate_check.safety import safe_yaml
from migrate_check.safety import secrets as secret_values

#: The longest result, as text, a tool may send back; a longer one is the case's error.
MAX_TOOL_RESULT_CHARS = 100_000
#: The longest error text sent back for a tool that raised.
MAX_TOOL_ERROR_CHARS = 2_000
#: The largest recorded-results file read.
MAX_SIDECAR_BYTES = 64 * 1024 * 1024
SIDECAR_VERSION = 1


class ToolFailure(Exception):
    """What makes the side's run an error: a tool past its limit, a result too large, a
    tool error under `on_tool_error: error`, a result replay does not have."""


class SidecarError(Exception):
    """The recorded tool results cannot be read; the message names the file."""


def read_sidecar(path: Path) -> list[dict[str, Any]]:
    """The results recorded beside a cassette, or none when there is no such file."""
    if not path.is_file():
        return []
    try:
        data = safe_yaml.load(safe_yaml.read_text(path, MAX_SIDECAR_BYTES))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, safe_yaml.YamlBombError) as exc:
        raise SidecarError(f"{path} cannot be read: {str(exc).splitlines()[0]}") from None
    calls = data.get("calls") if isinstance(data, dict) else None
    if not isinstance(calls, list) or not all(_well_formed(entry) for entry in calls):
        raise SidecarError(f"{path} is not a file of recorded tool results ('calls:' list)")
    return calls


def _well_formed(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("sample"), int)
        and isinstance(entry.get("step"), int)
        and isinstance(entry.get("name"), str)
        and isinstance(entry.get("result"), str)
    )


def sidecar_text(entries: list[dict[str, Any]]) -> str:
    """The recorded results as YAML, secrets of the environment scrubbed."""
    scrubber = secret_values.from_environment()
    head = (
        "# What each tool call of this case's loop was answered with, on this model: an\n"
        "# offline replay sends these results instead of calling the team's tools.\n"
    )
    body = yaml.safe_dump(
        {"version": SIDECAR_VERSION, "calls": entries},
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return scrubber.text(head + body)


def write_sidecar(path: Path, entries: list[dict[str, Any]]) -> bool:
    """Write the results when they differ from the file's; whether it was written."""
    if not entries and not path.exists():
        return False  # no tool was called: no file
    text = sidecar_text(entries)
    try:
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    write_atomic(path, text)
    return True


class ToolGate:
    """Model calls run side by side; a team's tool runs alone, none of them in flight.

    vcrpy is not thread-safe: every `http.client` connection it makes (a tool reaching
    an allowed host, or a blocked one) puts back the real HTTP classes for a moment,
    process-wide, httpx's included. A request another thread starts then slips past the
    recording and the blocking. So a tool, which runs in a thread, waits for the model
    calls in flight to end, and new ones wait for it (first come, first served).
    """

    def __init__(self) -> None:
        self._turn = asyncio.Lock()
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @contextlib.asynccontextmanager
    async def model_call(self) -> AsyncIterator[None]:
        async with self._turn:  # behind a tool that waits or runs
            self._in_flight += 1
            self._idle.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    @contextlib.asynccontextmanager
    async def tool(self) -> AsyncIterator[None]:
        async with self._turn:
            await self._idle.wait()
            yield


@dataclass
class ToolAnswers:
    """Answers one (case, model)'s tool calls, sample after sample; keeps what it sent."""

    loop: Loop
    #: The team's tools run (a recording run); else recorded results are sent.
    live: bool
    #: Send the recorded result where there is one (the cassette replays its steps).
    prefer_recorded: bool
    recorded: list[dict[str, Any]] = field(default_factory=list)
    #: Where a team's tool waits to run alone (`ToolGate`).
    gate: ToolGate = field(default_factory=ToolGate)
    given: list[dict[str, Any]] = field(default_factory=list)
    _used: set[int] = field(default_factory=set)

    async def answer(self, sample: int, step: int, asked: AskedCall) -> ToolUse:
        """The call's answer; `ToolFailure` when the side's run cannot go on."""
        arguments = parse_arguments(asked.arguments)
        tool = self.loop.tool(asked.name)
        if tool is None or tool.results:
            answered = fixed_answer(self.loop, asked.name, arguments, step)
        else:
            answered = await self._function(tool, sample, step, asked.name, arguments)
        error = answered.result if answered.failed else None
        # The model is sent the result as the tool gave it; what the run keeps (the path in
        # the reports, the tools file) has the environment's keys replaced.
        scrub = secret_values.from_environment()
        if error is not None and self.loop.on_tool_error == "error":
            raise ToolFailure(f"step {step}: tool {asked.name} failed: {error}")
        self.given.append(
            {
                "sample": sample,
                "step": step,
                "name": asked.name,
                "arguments": arguments,
                "result": answered.result,
                "error": error,
            }
        )
        kept_error = None if error is None else scrub.text(error)
        return ToolUse(
            asked.name,
            arguments,
            asked.call_id,
            scrub.text(answered.result),
            kept_error,
            answered.drift,
        )

    async def _function(
        self, tool: LoopTool, sample: int, step: int, name: str, arguments: Any
    ) -> Answer:
        recorded = self._take(sample, step, name, arguments)
        kept = (
            None
            if recorded is None
            else Answer(recorded["result"], recorded.get("error") is not None)
        )
        if not self.live:
            if kept is None:
                numbered = f" (sample {sample})" if sample > 1 else ""
                raise ToolFailure(
                    f"no recorded result of tool {name} at step {step}{numbered} with "
                    f"arguments {shorten(arguments, 200)}"
                )
            return kept
        fresh = await self._call(tool, step, arguments)
        # The recording holds the result with the environment's keys replaced: so is the
        # fresh one before they are compared, else every key a tool quotes is drift.
        scrubbed = secret_values.from_environment().text(fresh.result)
        if kept is None or (kept.result, kept.failed) == (scrubbed, fresh.failed):
            return fresh
        drift = (
            f"{name} now returns {shorten(scrubbed, 120)} where the recording holds "
            f"{shorten(kept.result, 120)}"
        )
        chosen = kept if self.prefer_recorded else fresh
        return Answer(chosen.result, chosen.failed, drift)

    def _take(self, sample: int, step: int, name: str, arguments: Any) -> dict[str, Any] | None:
        """The first recorded result not used yet for this sample, step, tool and arguments."""
        for index, entry in enumerate(self.recorded):
            if index in self._used:
                continue
            if (entry["sample"], entry["step"], entry["name"]) != (sample, step, name):
                continue
            if same_json(entry.get("arguments"), arguments):
                self._used.add(index)
                return entry
        return None

    async def _call(self, tool: LoopTool, step: int, arguments: Any) -> Answer:
        """The team's function called with the arguments, in a worker thread, bounded."""
        if not isinstance(arguments, dict):
            return Answer(f"the arguments are not a JSON object: {shorten(arguments, 200)}", True)
        try:
            function = load_function(tool.function)
        except CheckConfigError as exc:
            raise ToolFailure(f"tool {tool.name}: {exc}") from None
        what = f"tool {tool.name} ({tool.function}) at step {step}"
        context = contextvars.copy_context()  # its HTTP requests go to this case's cassette
        try:
            async with self.gate.tool():
                return await asyncio.to_thread(
                    call_with_timeout,
                    lambda: context.run(_called, function, dict(arguments)),
                    self.loop.timeout_s,
                    what,
                )
        except CheckRunError as exc:
            note = " (raise loop.timeout in the suite)" if "timed out" in str(exc) else ""
            raise ToolFailure(f"{exc}{note}") from None
        except _TooLarge as exc:
            raise ToolFailure(f"{what} returned {exc}") from None


@dataclass(frozen=True)
class Answer:
    """What a call is answered with: the tool message's text, whether it is an error, and
    the drift a recording run saw."""

    result: str
    failed: bool = False
    drift: str | None = None


class _TooLarge(Exception):
    """A tool's result longer than `MAX_TOOL_RESULT_CHARS`."""


def _called(function: Callable[..., Any], arguments: dict[str, Any]) -> Answer:
    """The call and its result made text, within the time limit (a result's own `__str__`
    or pydantic dump is the team's code too)."""
    returned: Returned = call_function(function, arguments)
    if returned.raised is not None:
        lines = returned.raised.strip().splitlines()
        return Answer((lines[-1] if lines else "an exception")[:MAX_TOOL_ERROR_CHARS], True)
    text = as_text(returned.value)
    if len(text) > MAX_TOOL_RESULT_CHARS:
        raise _TooLarge(f"{len(text):,} characters, more than {MAX_TOOL_RESULT_CHARS:,}")
    return Answer(text)


def fixed_answer(loop: Loop, name: str, arguments: Any, step: int) -> Answer:
    """The tool message for a call of a tool the suite answers with fixed results (or
    does not name): the first fixed result whose arguments equal the call's and whose
    `step`, if it has one, is this one. The importer of recorded loops sends the same."""
    tool = loop.tool(name)
    if tool is None:
        return Answer(f"no answer for tool {name!r}: 'loop.tools' does not name it", True)
    for fixed in tool.results:
        if fixed.matches(arguments, step):
            return Answer(as_text(fixed.result))
    shown = shorten(arguments, 200)
    return Answer(f"no fixed result of tool {tool.name!r} matches the arguments {shown}", True)
