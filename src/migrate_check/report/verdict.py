"""GO / REVIEW / NO-GO from the case statuses, with the rule written out for the reader."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from migrate_check.report.aggregate import Aggregates

Decision = Literal["GO", "REVIEW", "NO-GO"]

RULE = (
    "NO-GO when any case regressed (passes on the baseline, fails on the candidate) or "
    "errored{changed_blocks}; REVIEW when any case changed without an approval{no_cases}; "
    "GO otherwise. Approved changes, improvements and checks that fail on both models "
    "(broken) do not block."
)


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    rule: str
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return self.decision


def verdict(aggregates: Aggregates, *, fail_on_changed: bool = False) -> Verdict:
    """The sign-off decision; `fail_on_changed` mirrors `--fail-on changed`."""
    counts = aggregates.statuses
    rule = RULE.format(
        changed_blocks=", or changed without an approval (--fail-on changed)"
        if fail_on_changed
        else "",
        no_cases=", or when no case ran",
    )
    blocking = [("regressed", counts["regressed"]), ("errored", counts["error"])]
    if fail_on_changed:
        blocking.append(("changed without an approval", counts["changed"]))
    reasons = tuple(f"{n} {_plural(n)} {label}" for label, n in blocking if n)
    if reasons:
        return Verdict("NO-GO", rule, reasons)
    if counts["changed"]:
        n = counts["changed"]
        return Verdict("REVIEW", rule, (f"{n} {_plural(n)} changed, to read and approve",))
    if not aggregates.total_cases:
        return Verdict("REVIEW", rule, ("no case ran, so there is nothing to sign off",))
    return Verdict("GO", rule, (_go_reason(counts),))


def _plural(n: int) -> str:
    return "case" if n == 1 else "cases"


def _go_reason(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    extras = [f"{counts[s]} {s}" for s in ("approved", "improved", "broken") if counts[s]]
    tail = f" ({', '.join(extras)})" if extras else ""
    return f"every case ({total}) unchanged or accepted{tail}"
