"""What a check saw in one sample, and how two such observations compare.

Kept apart from `base` so the outcome rules can read them without importing the checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Observation:
    """What a check saw in one sample.

    `ok` is the pass/fail of checks that have one (None for pure comparisons),
    `value` what `compare` gets, `problem` why it fails ("is not JSON: ..."),
    phrased to follow "candidate output".
    """

    ok: bool | None
    value: Any = None
    problem: str = ""
    evidence: Any = None


@dataclass(frozen=True)
class Difference:
    """How two observations compare: `differs`, a one-line `summary`, plain-JSON `evidence`.

    `score` is set by score-based checks (similarity); `regression` marks a difference
    that loses something the baseline had (a tool call that is no longer made).
    """

    differs: bool
    summary: str = ""
    evidence: dict[str, Any] | None = None
    score: float | None = None
    regression: bool = False
