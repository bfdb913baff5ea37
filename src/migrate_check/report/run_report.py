"""The run's report: one typed object, decided once, that every output only reads.

`RunState.finish()` builds it; the terminal summary, report.json, report.md, report.html
and comment.md render it and recompute nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from migrate_check.approvals import Audit
from migrate_check.pricing import PriceTable
from migrate_check.report.aggregate import Aggregates, build_aggregates
from migrate_check.report.sign_off import Verdict, verdict
from migrate_check.results import RunResult


@dataclass(frozen=True)
class RunReport:
    """What one run found: the judged cases, their figures, the decision, the approvals."""

    run: RunResult
    aggregates: Aggregates
    verdict: Verdict
    #: When the report was made (ISO 8601): the only input that differs between two runs.
    generated_at: str
    #: What became of the approvals file (None when the run did not look at one).
    approvals: Audit | None = None
    #: Recordings no current case uses, in one line (empty when there are none).
    stale_note: str = ""

    @classmethod
    def build(
        cls,
        run: RunResult,
        prices: PriceTable,
        generated_at: str,
        *,
        shutdown_dates: Mapping[str, str] | None = None,
        fail_on_changed: bool = False,
        approvals: Audit | None = None,
        stale_note: str = "",
    ) -> RunReport:
        """Figures and decision from `run`, with `prices` and the models' shutdown dates."""
        aggregates = build_aggregates(run, prices, shutdown_dates)
        decision = verdict(aggregates, fail_on_changed=fail_on_changed)
        return cls(run, aggregates, decision, generated_at, approvals, stale_note)
