"""The terminal summary: a few aligned lines pytest prints at the end of the session.

A generator of plain strings, so unit tests read it without a terminal; the plugin
writes the section header and each line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from migrate_check.report import display as fmt
from migrate_check.report import escaping
from migrate_check.report.run_report import RunReport
from migrate_check.report.statuses import STATUS_ORDER
from migrate_check.report.stream_figures import stream_lines
from migrate_check.report.tables import VARIANT_HEADER, variant_findings, variant_rows
from migrate_check.report.trajectories import case_line

if TYPE_CHECKING:
    from migrate_check.judging.approvals import Audit


def _aligned(rows: Sequence[Sequence[str]]) -> Iterator[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        first, *rest = row
        yield "  ".join(
            [first.ljust(widths[0]), *(v.rjust(w) for v, w in zip(rest, widths[1:], strict=True))]
        ).rstrip()


def summary_lines(report: RunReport, paths: Sequence[Path] = ()) -> Iterator[str]:
    """Verdict, outcome counts per check, cost and latency per model, warnings, what became
    of the approvals, stale recordings, and the `paths` of the report files written.

    Names and dates can come from a server or a suite: control characters are made visible.
    """
    for line in _lines(report, paths):
        yield escaping.terminal(line)


STALE_SHOWN = 10


def _approval_lines(audit: Audit) -> Iterator[str]:
    """What an accept run approved, or how the approvals file fared; stale ones by name."""
    accepted = audit.accepted
    if accepted is not None:
        added = ", ".join(f"{n} {outcome}" for outcome, n in sorted(accepted.added.items()))
        line = f"approved: {added or 'nothing new'}"
        if added and accepted.reason:
            line += f" (reason: {accepted.reason})"
        if audit.used:
            line += f"; already approved: {audit.used}"
        yield f"{line}; stale approvals removed: {accepted.stale_removed}"
        if accepted.regressed_left:
            n = accepted.regressed_left
            yield (
                f"not approved: {n} regressed {'check' if n == 1 else 'checks'}; approving a "
                'regression takes a reason: --accept --accept-reason "why it is fine"'
            )
        return
    if not (audit.used or audit.stale or audit.unchecked):
        return
    line = f"approvals: {audit.used} used, {len(audit.stale)} stale"
    if audit.unchecked:
        line += f", {audit.unchecked} not checked (their cases did not run)"
    if audit.stale:
        line += "; the next --accept removes the stale ones:"
    yield line
    for stale in audit.stale[:STALE_SHOWN]:
        yield f"  {stale.case} {stale.check}: {stale.why}"
    if len(audit.stale) > STALE_SHOWN:
        yield f"  ... and {len(audit.stale) - STALE_SHOWN} more, listed in report.json"


#: Loop cases whose path the summary says, worst first; the rest are counted.
LOOPS_SHOWN = 10


def _loop_lines(report: RunReport) -> Iterator[str]:
    """Each listed loop case's path in one line (`trajectories.case_line`), the cases
    report.md lists (not `same`) and those whose tools drifted, worst first; nothing for
    a run without loop cases."""
    rows = [
        (row, line)
        for row in report.aggregates.rows_worst_first()
        if (line := case_line(report.run.cases[row.index])) is not None
    ]
    if not rows:
        return
    # A path that held while a tool drifted is listed too: the recording no longer says
    # what the team's tools return.
    listed = [(row, line) for row, line in rows if row.status != "same" or "tool drift" in line]
    same = len(rows) - len(listed)
    yield (
        f"loop cases: {len(rows)}"
        + (f", {same} unchanged" if same else "")
        + ("; their paths:" if listed else "")
    )
    for row, line in listed[:LOOPS_SHOWN]:
        yield fmt.clip(f"  {row.key} ({row.status}): {line}", 400)
    if len(listed) > LOOPS_SHOWN:
        yield f"  ... and {len(listed) - LOOPS_SHOWN} more, in report.md and report.html"


def _lines(report: RunReport, paths: Sequence[Path]) -> Iterator[str]:
    run, aggregates, decision = report.run, report.aggregates, report.verdict
    now, approvals = report.generated_at, report.approvals
    pair = run.pair
    reasons = "; ".join(decision.reasons)
    yield f"{pair.baseline} -> {pair.candidate}: {decision.qualified} ({reasons})"
    counts: list[list[str]] = [["", *STATUS_ORDER]]
    counts.append(["cases", *(str(aggregates.statuses[s]) for s in STATUS_ORDER)])
    counts += [
        [f"  {name}", *(str(by_status[s]) for s in STATUS_ORDER)]
        for name, by_status in aggregates.checks.items()
    ]
    yield from _aligned(counts)
    models = [
        ["model", "cost", "per 1k cases", "latency p50", "p95", "tokens in", "out", "latency from"]
    ]
    for side in (aggregates.baseline, aggregates.candidate):
        models.append(
            [
                f"{side.model} ({side.role})",
                fmt.money(side.cost),
                fmt.money(side.cost_per_1k_cases),
                fmt.millis(side.latency_median_ms),
                fmt.millis(side.latency_p95_ms),
                fmt.tokens(side.input_tokens),
                fmt.tokens(side.output_tokens),
                side.latency_source or "no data",
            ]
        )
    ratios = aggregates.ratios
    models.append(
        [
            "candidate/baseline",
            fmt.times(ratios["cost"]),
            fmt.times(ratios["cost"]),
            fmt.times(ratios["latency_median"]),
            fmt.times(ratios["latency_p95"]),
            fmt.times(ratios["input_tokens"]),
            fmt.times(ratios["output_tokens"]),
            "",
        ]
    )
    yield from _aligned(models)
    yield from stream_lines(
        [(s.model, s.stream) for s in (aggregates.baseline, aggregates.candidate)]
    )
    yield f"prices: table dated {aggregates.price_date}" + (
        f", overridden for {', '.join(aggregates.price_overrides)}"
        if aggregates.price_overrides
        else ""
    )
    if aggregates.grading is not None:
        yield from aggregates.grading.lines()
    for note in fmt.shutdown_notes(aggregates.warnings, now):
        yield f"warning: {note}"
    if approvals is not None:
        yield from _approval_lines(approvals)
    if report.candidates:
        yield f"candidates against {pair.baseline}:"
        yield from _aligned([list(VARIANT_HEADER), *variant_rows(report.candidates)])
        yield from variant_findings(report)
    yield from _loop_lines(report)
    if paths:
        yield "reports: " + ", ".join(str(path) for path in paths)
    if report.stale_note:
        yield report.stale_note
