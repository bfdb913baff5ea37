"""Pace live requests per model by what the API says: `retry-after` and `x-ratelimit-*`.

The SDK already retries a 429 after `retry-after`; a `RateGate` also holds back the
model's *other* requests until then, and until a spent `x-ratelimit-remaining-*`
budget resets, so a run slows to the limits instead of collecting 429s.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any


class QuotaExhausted(Exception):
    """The API said `insufficient_quota`: no further request can succeed, so the run stops."""


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
MAX_PAUSE_S = 120.0


def parse_duration(text: str | None) -> float | None:
    """OpenAI's reset durations (`6m0s`, `1.5s`, `20ms`) in seconds; None if unreadable."""
    if not text:
        return None
    parts = _DURATION_PART.findall(text.strip())
    if not parts:
        try:
            return float(text)
        except ValueError:
            return None
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return float(milliseconds) / 1000
        except ValueError:
            pass
    return parse_duration(headers.get("retry-after"))


class _Cell:
    """Where a gate keeps its resume time: here, or in memory processes share."""

    value = 0.0


class RateGate:
    """Holds back one model's requests while its rate limit says to wait.

    Processes recording the same model share one gate through `shared` (an object with a
    float `.value`, e.g. a `multiprocessing.RawValue("d")`), so one 429 pauses them all.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, shared: Any = None) -> None:
        self._clock = clock
        self._cell: Any = shared if shared is not None else _Cell()

    @property
    def _resume_at(self) -> float:
        return float(self._cell.value)

    @_resume_at.setter
    def _resume_at(self, when: float) -> None:
        self._cell.value = when

    def delay(self) -> float:
        return max(0.0, self._resume_at - self._clock())

    async def wait(self) -> None:
        while (delay := self.delay()) > 0:
            await asyncio.sleep(delay)

    def _pause(self, seconds: float) -> None:
        seconds = min(max(seconds, 0.0), MAX_PAUSE_S)
        resume = self._clock() + seconds
        if resume > self._resume_at:
            self._resume_at = resume

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Learn from one answer: a 429's `retry-after`, or a spent budget's reset time."""
        if status == 429:
            self._pause(_retry_after(headers) or 1.0)
            return
        for kind in ("requests", "tokens"):
            remaining = headers.get(f"x-ratelimit-remaining-{kind}")
            if remaining is None:
                continue
            try:
                spent = int(float(remaining)) <= 0
            except ValueError:
                continue
            if spent:
                self._pause(parse_duration(headers.get(f"x-ratelimit-reset-{kind}")) or 1.0)


ResponseHook = Callable[[Any], Awaitable[None]]


def response_hook(gate: RateGate, on_status: Callable[[int], None]) -> ResponseHook:
    """An httpx response hook: feeds the gate, and stops retries of an exhausted quota."""

    async def hook(response: Any) -> None:
        on_status(response.status_code)
        gate.observe(response.status_code, response.headers)
        if response.status_code == 429:
            await response.aread()
            if "insufficient_quota" in response.text:
                # The SDK would retry a 429; an exhausted quota never recovers by waiting.
                response.headers["x-should-retry"] = "false"

    return hook
