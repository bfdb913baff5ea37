"""Which fault, if any, the local server injects into a request.

Draws are deterministic (seed, request body, attempt number) so a run can be
reproduced, yet a retried identical request gets a fresh draw, as a flaky API
would give it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

ALL_FAULTS: tuple[str, ...] = (
    "429",
    "500",
    "502",
    "503",
    "reset",
    "timeout",
    "slow_stream",
    "cut_body",
    "bad_json",
)
# Asked for only by name: a quota error is not a transient fault a retry fixes; a trickle
# (the answer one byte at a time) takes minutes; `echo_auth` answers normally but echoes
# the request's credential in a response header and the body, as careless proxies do;
# `echo_auth_escaped` echoes it in the body as JSON `\uXXXX` escapes (`escape_echo`).
EXPLICIT_FAULTS: tuple[str, ...] = (
    "insufficient_quota",
    "trickle",
    "echo_auth",
    "echo_auth_escaped",
)
KNOWN_FAULTS: frozenset[str] = frozenset(ALL_FAULTS + EXPLICIT_FAULTS)
ECHO_FAULTS: frozenset[str] = frozenset({"echo_auth", "echo_auth_escaped"})

_DIRECTIVE = re.compile(r"\[fault:([a-z0-9_]+)(:always)?\]", re.IGNORECASE)


@dataclass(frozen=True)
class FaultPlan:
    """How often, and which, faults the server injects; `rate=0` injects none."""

    rate: float = 0.0
    seed: int = 0
    kinds: tuple[str, ...] = ALL_FAULTS
    retry_after_s: float = 0.05

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"fault rate {self.rate!r} is not between 0 and 1")
        unknown = [kind for kind in self.kinds if kind not in KNOWN_FAULTS]
        if unknown:
            raise ValueError(f"unknown fault kinds {unknown!r}; known: {sorted(KNOWN_FAULTS)}")
        if not self.kinds and self.rate > 0:
            raise ValueError("a fault rate above 0 needs at least one fault kind")


def directive(text: str, attempt: int) -> str | None:
    """The fault a `[fault:KIND]` marker in the prompt asks for on this attempt.

    `[fault:KIND]` fires on the first attempt only, so a retrying client
    recovers; `[fault:KIND:always]` fires on every attempt.
    """
    match = _DIRECTIVE.search(text)
    if match is None:
        return None
    kind = match.group(1).lower()
    if kind not in KNOWN_FAULTS:
        return None
    if match.group(2) or attempt == 0:
        return kind
    return None


def draw(plan: FaultPlan, body: bytes, attempt: int) -> str | None:
    """The random fault for this attempt at this body, or None."""
    if plan.rate <= 0 or not plan.kinds:
        return None
    digest = hashlib.sha256(b"%d:%d:" % (plan.seed, attempt) + body).digest()
    roll = int.from_bytes(digest[:8], "big") / 2**64
    if roll >= plan.rate:
        return None
    return plan.kinds[int.from_bytes(digest[8:16], "big") % len(plan.kinds)]


def choose(plan: FaultPlan, body: bytes, prompt_text: str, attempt: int) -> str | None:
    """A directive in the prompt wins over the plan's random draw."""
    return directive(prompt_text, attempt) or draw(plan, body, attempt)


def escape_echo(payload: bytes, echo: str) -> bytes:
    """A JSON body with the echoed credential spelled in `\\uXXXX` escapes: the same
    value once decoded, other bytes on the wire (as an encoder that escapes all writes)."""
    if not echo:
        return payload
    spelled = "".join(f"\\u{ord(char):04x}" for char in echo)  # a header value: ASCII
    return payload.replace(echo.encode(), spelled.encode())
