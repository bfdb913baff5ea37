"""What the judging decided: outcomes, each check's result, each case's, the run's.

Reports render these objects; they never recompute what the judging decided.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from migrate_check.core.case import Case, ModelPair
from migrate_check.core.completion import Completion, Usage


class Outcome(enum.StrEnum):
    """How one check (or a whole case) came out when the model changed."""

    SAME = "same"
    CHANGED = "changed"
    REGRESSED = "regressed"
    IMPROVED = "improved"
    BROKEN = "broken"
    ERROR = "error"

    @property
    def severity(self) -> int:
        """Higher is worse; a case takes the worst outcome of its checks."""
        return _SEVERITY[self]


_SEVERITY = {
    Outcome.SAME: 0,
    Outcome.IMPROVED: 1,
    Outcome.BROKEN: 2,
    Outcome.CHANGED: 3,
    Outcome.REGRESSED: 4,
    Outcome.ERROR: 5,
}


def worst(outcomes: list[Outcome]) -> Outcome:
    """The most severe outcome of several; `same` when there are none."""
    return max(outcomes, key=lambda o: o.severity, default=Outcome.SAME)


@dataclass(frozen=True)
class GraderSpend:
    """What a grader model (embeddings, a judge) spent on one check: calls and tokens."""

    model: str
    calls: int
    usage: Usage


@dataclass
class CheckResult:
    """The judgement of one check on one case."""

    check: str
    outcome: Outcome
    reason: str
    evidence: Any = None
    baseline_ok: bool | None = None
    candidate_ok: bool | None = None
    approved: bool = False
    noise: str | None = None
    #: For an approved result: the approval's `reason` (None when none was given) and
    #: `approved_on` (an ISO date), for the reports.
    approval: dict[str, str | None] | None = None
    #: Grader calls this check made (`embedding`, `judge`), costed apart from the pair's.
    grader: list[GraderSpend] = field(default_factory=list)


@dataclass
class CaseResult:
    """Everything known about one case after both models answered and the checks ran."""

    case: Case
    baseline: list[Completion]
    candidate: list[Completion]
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def outcome(self) -> Outcome:
        """The worst outcome among checks that are not approved."""
        return worst([c.outcome for c in self.checks if not c.approved])

    @property
    def approved(self) -> bool:
        return any(c.approved for c in self.checks)


@dataclass
class RunResult:
    """One run: the pair, and every judged case in the order they ran."""

    pair: ModelPair
    cases: list[CaseResult] = field(default_factory=list)
    record_mode: str = "none"
    started_at: str = ""
    #: Cases in the suite files this run collected, selected or not (None: not counted).
    collected_cases: int | None = None
    #: Per named candidate variant, its cases in the suite files collected.
    collected_variants: dict[str, int] = field(default_factory=dict)
    #: Why the run judged only part of its suites (`--lf`, `-k`, `-x`, node ids...).
    partial_notes: tuple[str, ...] = ()
    #: Recordings no current case uses: cassette files (as shown) and exchanges inside
    #: replayed cassettes; `stale_pruned` when this run removed them.
    stale_cassettes: tuple[str, ...] = ()
    stale_exchanges: int = 0
    stale_pruned: bool = False
