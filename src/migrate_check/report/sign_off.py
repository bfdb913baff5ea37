"""GO / REVIEW / NO-GO from the case statuses, with the rule written out for the reader."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from migrate_check.report.aggregate import Aggregates

Decision = Literal["GO", "REVIEW", "NO-GO"]

RULE = (
    "NO-GO when any case regressed (passes on the baseline, fails on the candidate) or "
    "errored{changed_blocks}; REVIEW when any case changed without an approval, or when a "
    "check fails on both models in every case it ran on (at least {suspect_min}){no_cases}; "
    "GO otherwise. Approved changes, improvements and checks that fail on both models "
    "(broken) in some cases only do not block."
)
#: A check broken on both models in this many cases or more, and in every case it ran
#: on, is more likely wrong itself (a typo in a schema, a callable that expects a dict)
#: than a property of the models: the verdict cannot be GO on its word.
SUSPECT_MIN_CASES = 3


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    rule: str
    reasons: tuple[str, ...]
    scope: str = ""  # "on 12 of 39 cases" when the run judged part of its suites

    def __str__(self) -> str:
        return self.decision

    @property
    def qualified(self) -> str:
        """The decision with its scope: `GO on 12 of 39 cases` for a partial run."""
        return f"{self.decision} {self.scope}" if self.scope else self.decision


def verdict(aggregates: Aggregates, *, fail_on_changed: bool = False) -> Verdict:
    """The sign-off decision, qualified by its scope when the run was partial."""
    decided = _decide(aggregates, fail_on_changed=fail_on_changed)
    coverage = aggregates.coverage
    if not coverage.partial:
        return decided
    # Each note is a reason of its own (no parentheses inside the verdict's); a run that
    # judged every case it collected is not called partial, its notes say what was not run.
    notes: tuple[str, ...] = coverage.notes
    if coverage.collected is None:
        notes = (f"partial run: {coverage.judged} cases judged", *notes)
    elif coverage.judged < coverage.collected:
        judged = f"partial run: {coverage.judged} of {coverage.collected} cases judged"
        if not notes:
            judged += ", the others were deselected or did not run"
        notes = (judged, *notes)
    return replace(decided, reasons=(*decided.reasons, *notes), scope=coverage.scope)


def _decide(aggregates: Aggregates, *, fail_on_changed: bool) -> Verdict:
    """The sign-off decision; `fail_on_changed` mirrors `--fail-on changed`."""
    counts = aggregates.statuses
    rule = RULE.format(
        changed_blocks=", or changed without an approval (--fail-on changed)"
        if fail_on_changed
        else "",
        no_cases=", or when no case ran",
        suspect_min=SUSPECT_MIN_CASES,
    )
    suspects = suspect_checks(aggregates)
    blocking = [("regressed", counts["regressed"]), ("errored", counts["error"])]
    if fail_on_changed:
        blocking.append(("changed without an approval", counts["changed"]))
    reasons = tuple(f"{n} {_plural(n)} {label}" for label, n in blocking if n)
    if reasons:
        return Verdict("NO-GO", rule, reasons + suspects)
    review = suspects
    if counts["changed"]:
        n = counts["changed"]
        review = (f"{n} {_plural(n)} changed, to read and approve", *suspects)
    if review:
        return Verdict("REVIEW", rule, review)
    if not aggregates.total_cases:
        return Verdict("REVIEW", rule, ("no case ran, so there is nothing to sign off",))
    return Verdict("GO", rule, (_go_reason(counts),))


def suspect_checks(aggregates: Aggregates) -> tuple[str, ...]:
    """One line per check that failed on both models in every case of a suite it ran on
    (at least SUSPECT_MIN_CASES of them)."""
    return tuple(
        f"check {label!r} fails on both models in all {cases} cases of suite {suite!r}: "
        "the check or its callable is probably wrong"
        for suite, label, cases in aggregates.broken_everywhere
        if cases >= SUSPECT_MIN_CASES
    )


def _plural(n: int) -> str:
    return "case" if n == 1 else "cases"


def _go_reason(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    extras = [f"{counts[s]} {s}" for s in ("approved", "improved", "broken") if counts[s]]
    tail = f" ({', '.join(extras)})" if extras else ""
    return f"every case ({total}) unchanged or accepted{tail}"
