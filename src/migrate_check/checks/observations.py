"""What a check saw in one sample, and how two such observations compare.

Kept apart from `base` so the outcome rules can read them without importing the checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Observation:
    """What a check saw in one sample.

    Args:
        ok: the sample's pass or fail, for checks that have one (None for pure comparisons).
        value: what `compare` gets for this sample.
        problem: why it fails ("is not JSON: ..."), phrased to follow "candidate output".
        evidence: plain JSON the reports show beside the outcome.

    Example:
        ```python
        Observation(False, problem="is not JSON: Expecting value at line 1")
        Observation(None, value={"queue": "billing"})
        ```
    """

    ok: bool | None
    value: Any = None
    problem: str = ""
    evidence: Any = None


@dataclass(frozen=True)
class Difference:
    """How two observations compare.

    Args:
        differs: whether the two samples differ in what the check looks at.
        summary: one line for the reports ("queue: billing -> refunds").
        evidence: plain JSON the reports show (a diff, both values).
        score: the score of score-based checks (similarity), None otherwise.
        regression: the difference loses something the baseline had (a tool call that
            is no longer made), so it counts as `regressed` rather than `changed`.

    Example:
        ```python
        evidence = {"baseline": "billing", "candidate": "refunds"}
        Difference(True, "queue: billing -> refunds", evidence)
        ```
    """

    differs: bool
    summary: str = ""
    evidence: dict[str, Any] | None = None
    score: float | None = None
    regression: bool = False
