"""The figures every report shows, computed once from a run so the writers only render.

`build_aggregates` gathers them into one `Aggregates`: the statuses and check counts
(`statuses`), each case's figures (`case_figures`), each model's totals and shutdown
dates (`model_figures`), the claims (`claims`) and the run's coverage (here). The names
the reports and the plugin read are importable from this module as well.

Sums use `math.fsum` over cases sorted by key, so two runs on the same data give the
same numbers whatever order the cases ran in (xdist).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from migrate_check.core.case import ModelPair
from migrate_check.core.pricing import PriceTable
from migrate_check.core.results import RunResult
from migrate_check.core.vendor_claims import VendorClaim, shipped_claims
from migrate_check.core.volume import MonthlyVolume
from migrate_check.report.api_shape import ApiShape, api_shape
from migrate_check.report.case_figures import CaseRow, CostLookup, case_row
from migrate_check.report.claims import Claim, claims
from migrate_check.report.grading_figures import GradingFigures, grading_figures
from migrate_check.report.limits import Limits, limits
from migrate_check.report.model_figures import (
    Role,
    ShutdownWarning,
    SideStats,
    ratios,
    shutdown_warnings,
    side_stats,
)
from migrate_check.report.monthly import CostAtVolume, cost_at_volume
from migrate_check.report.statuses import (
    STATUS_RANK,
    broken_everywhere,
    check_counts,
    count_statuses,
)

__all__ = ["Aggregates", "Coverage", "build_aggregates"]


@dataclass(frozen=True)
class Coverage:
    """How much of the collected suites the run judged: a verdict holds for these only.

    `judged` counts cases from suite files; `collected` is every case of the suite files
    the run collected (None when not counted, e.g. a run built in Python).
    """

    judged: int
    collected: int | None
    notes: tuple[str, ...] = ()

    @property
    def partial(self) -> bool:
        return bool(self.notes) or (self.collected is not None and self.judged < self.collected)

    @property
    def scope(self) -> str:
        """ "on 12 of 39 cases" for a partial run, "on 39 cases" when every case collected
        was judged but suites were left out (the notes say which), else ""."""
        if not self.partial:
            return ""
        if self.collected is not None and self.judged >= self.collected:
            return f"on {self.judged} {'case' if self.judged == 1 else 'cases'}"
        total = self.collected if self.collected is not None else "?"
        return f"on {self.judged} of {total} cases"


@dataclass(frozen=True)
class Aggregates:
    pair: ModelPair
    total_cases: int
    coverage: Coverage
    statuses: dict[str, int]
    checks: dict[str, dict[str, int]]
    baseline: SideStats
    candidate: SideStats
    ratios: dict[str, float | None]
    claims: tuple[Claim, ...]
    warnings: tuple[ShutdownWarning, ...]
    #: Checks that failed on both models in every case of a suite they ran on, with the
    #: number of cases: (suite, check, cases).
    broken_everywhere: tuple[tuple[str, str, int], ...]
    price_date: str
    price_source: str
    price_overrides: tuple[str, ...]
    rows: tuple[CaseRow, ...]
    #: What grader models (embedding, judge) cost, apart from the pair; None without any.
    grading: GradingFigures | None = None
    #: Each model's month at the team's volume and the vendor's cost claim beside it.
    cost_at_volume: CostAtVolume = CostAtVolume(None, None)
    #: Both models' response shapes and request parameters compared ("same API").
    api_shape: ApiShape | None = None
    #: Each model's documented limits against the largest input and output seen.
    limits: Limits | None = None

    def side(self, role: Role) -> SideStats:
        return self.baseline if role == "baseline" else self.candidate

    def rows_worst_first(self) -> list[CaseRow]:
        return sorted(self.rows, key=lambda r: (STATUS_RANK[r.status], r.key, r.index))


def build_aggregates(
    run: RunResult,
    prices: PriceTable,
    shutdown_dates: Mapping[str, str] | None = None,
    volume: MonthlyVolume | None = None,
    vendor_claims: tuple[VendorClaim, ...] | None = None,
) -> Aggregates:
    """Every figure the reports show; pure, so writers and tests share one result."""
    ordered = sorted(enumerate(run.cases), key=lambda item: (item[1].case.key, item[0]))
    costs = CostLookup(prices)
    rows = tuple(case_row(i, cr, run.pair, costs) for i, cr in ordered)
    results = [cr for _, cr in ordered]
    baseline = side_stats("baseline", run.pair.baseline, results, costs)
    candidate = side_stats("candidate", run.pair.candidate, results, costs)
    shape = api_shape(results)
    seen_limits = limits(results, run.pair.baseline, run.pair.candidate, prices)
    claimed = shipped_claims() if vendor_claims is None else vendor_claims
    at_volume = cost_at_volume(volume, rows, baseline, candidate, claimed)
    return Aggregates(
        pair=run.pair,
        total_cases=len(rows),
        coverage=_coverage(run),
        statuses=count_statuses(r.status for r in rows),
        checks=check_counts(results),
        baseline=baseline,
        candidate=candidate,
        ratios=ratios(baseline, candidate, len(rows)),
        claims=claims(baseline, candidate, rows)
        + at_volume.claim_rows()
        + (shape.claim(), *seen_limits.claims()),
        warnings=shutdown_warnings(run.pair, prices, shutdown_dates or {}),
        broken_everywhere=broken_everywhere(results),
        price_date=prices.date,
        price_source=prices.source,
        price_overrides=prices.overrides,
        rows=rows,
        grading=grading_figures(results, prices),
        api_shape=shape,
        limits=seen_limits,
        cost_at_volume=at_volume,
    )


_SUITE_SUFFIXES = (".yaml", ".yml")


def _coverage(run: RunResult) -> Coverage:
    """Suite cases judged of those collected; cases written in Python (the fixture) are
    judged when their test runs, so they count on both sides."""
    from_suites = sum(
        1
        for cr in run.cases
        if cr.case.file is not None and cr.case.file.suffix.lower() in _SUITE_SUFFIXES
    )
    in_python = len(run.cases) - from_suites
    collected = None if run.collected_cases is None else run.collected_cases + in_python
    return Coverage(from_suites + in_python, collected, run.partial_notes)
