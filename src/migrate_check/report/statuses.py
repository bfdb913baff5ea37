"""Case and check statuses, worst first, and what they count up to over a run.

A status is an outcome as the reports show it: `approved` stands in for an outcome an
approval made pass. The counts per status, per check and the checks broken in a whole
suite are what the verdict and every report's tables read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from migrate_check.core.results import CaseResult, CheckResult, Outcome

APPROVED = "approved"
# Display order, worst first: what a reviewer must read comes before what they may skip.
STATUS_ORDER: tuple[str, ...] = (
    Outcome.REGRESSED.value,
    Outcome.ERROR.value,
    Outcome.CHANGED.value,
    Outcome.BROKEN.value,
    Outcome.IMPROVED.value,
    APPROVED,
    Outcome.SAME.value,
)
STATUS_RANK = {status: rank for rank, status in enumerate(STATUS_ORDER)}


def check_kind(label: str) -> str:
    """`assert myapp.checks:no_pii` -> `assert`: the registered check a result's label names."""
    return label.split(maxsplit=1)[0] if label.strip() else ""


def check_status(result: CheckResult) -> str:
    """A check's outcome as shown: approved results are `approved`, whatever they were."""
    return APPROVED if result.approved else result.outcome.value


def case_status(result: CaseResult) -> str:
    """The worst unapproved outcome, or `approved` when an approval is what made it pass."""
    outcome = result.outcome
    if result.approved and outcome in (Outcome.SAME, Outcome.IMPROVED, Outcome.BROKEN):
        return APPROVED
    return outcome.value


def count_statuses(statuses: Iterable[str]) -> dict[str, int]:
    """How many of each status, every status present (zero or more), worst first."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for status in statuses:
        counts[status] += 1
    return counts


def check_counts(results: Sequence[CaseResult]) -> dict[str, dict[str, int]]:
    """Per check label (sorted), how many of its results came out in each status."""
    by_check: dict[str, list[str]] = {}
    for cr in results:
        for check in cr.checks:
            by_check.setdefault(check.check, []).append(check_status(check))
    return {name: count_statuses(statuses) for name, statuses in sorted(by_check.items())}


def broken_everywhere(results: Sequence[CaseResult]) -> tuple[tuple[str, str, int], ...]:
    """Per suite, the checks broken (failing on both models) in every case they ran on.

    Grouped by suite, not by label alone: `schema` in one suite is another schema than
    `schema` in the next, and one that works there must not hide one wrong here.
    """
    seen: dict[tuple[str, str], list[bool]] = {}
    for cr in results:
        for check in cr.checks:
            key = (cr.case.suite, check.check)
            seen.setdefault(key, []).append(check.outcome is Outcome.BROKEN)
    return tuple(
        (suite, label, len(broken))
        for (suite, label), broken in sorted(seen.items())
        if all(broken)
    )
