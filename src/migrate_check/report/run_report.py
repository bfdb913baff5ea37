"""The run's report: one typed object, decided once, that every output only reads.

`pytest_plugin.finishing.finish_run` builds it; the terminal summary, report.json,
report.md, report.html and comment.md render it and recompute nothing. With candidate
variants, the pair's candidate as it is stays the headline and each variant is judged
apart, against the same baseline, side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from migrate_check.core.case import ModelPair
from migrate_check.core.pricing import PriceTable
from migrate_check.core.results import CaseResult, RunResult
from migrate_check.core.volume import MonthlyVolume
from migrate_check.judging.approvals import Audit
from migrate_check.report.aggregate import Aggregates, build_aggregates
from migrate_check.report.case_figures import CaseRow
from migrate_check.report.sign_off import Verdict, verdict

#: Case statuses that are no change at all, for "changes least".
UNCHANGED = ("same", "approved")


@dataclass(frozen=True)
class VariantReport:
    """One candidate judged against the baseline: the pair's candidate as it is (`name`
    "") or a named variant, with its own figures and decision."""

    name: str
    model: str
    run: RunResult
    aggregates: Aggregates
    verdict: Verdict

    @property
    def label(self) -> str:
        """How the reports name it: `new-prompt (gpt-4.1-mini)`, `gpt-4.1-mini as is`."""
        return f"{self.name} ({self.model})" if self.name else f"{self.model} as is"

    @property
    def cases(self) -> frozenset[str]:
        """The pair's case keys this candidate ran (`suite::case`, whatever the variant)."""
        return frozenset(result.case.base_key for result in self.run.cases)

    def changed_on(self, cases: frozenset[str]) -> int:
        """How many of `cases` came out other than same or approved."""
        return sum(1 for row in self._rows_on(cases) if row.status not in UNCHANGED)

    def cost_on(self, cases: frozenset[str]) -> float | None:
        """The candidate's cost over `cases` (None when a price is unknown)."""
        costs = [row.candidate.cost for row in self._rows_on(cases)]
        return None if any(c is None for c in costs) else sum(c or 0.0 for c in costs)

    def _rows_on(self, cases: frozenset[str]) -> list[CaseRow]:
        return [
            row for row in self.aggregates.rows if self.run.cases[row.index].case.base_key in cases
        ]


@dataclass(frozen=True)
class RunReport:
    """What one run found: the judged cases, their figures, the decision, the approvals.

    Every output (report.json, report.md, report.html, comment.md, the terminal summary)
    renders this one object and recomputes nothing.

    Args:
        run: every judged case, with both models' completions and each check's result.
        aggregates: the figures the reports show (rates, costs, latency, claims).
        verdict: GO, REVIEW or NO-GO, and the rule that decided it.
        generated_at: when the report was made (ISO 8601).
        approvals: what became of the approvals file, None when none was read.
        stale_note: recordings no current case uses, in one line.
        variants: each named candidate variant, judged against the same baseline.

    Example:
        ```python
        report = RunReport.build(run, PriceTable.default(), "2026-12-06T12:00:00+00:00")
        print(report.verdict.decision, len(report.run.cases))
        ```
    """

    run: RunResult
    aggregates: Aggregates
    verdict: Verdict
    #: When the report was made (ISO 8601): the only input that differs between two runs.
    generated_at: str
    #: What became of the approvals file (None when the run did not look at one).
    approvals: Audit | None = None
    #: Recordings no current case uses, in one line (empty when there are none).
    stale_note: str = ""
    #: Named candidate variants, each judged against the same baseline (empty: none ran).
    variants: tuple[VariantReport, ...] = ()
    #: Every input the verdict rests on, hashed (`report/inputs.py`); None: not gathered.
    inputs: dict[str, Any] | None = None

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
        volume: MonthlyVolume | None = None,
    ) -> RunReport:
        """Figures and decision from `run`, with `prices` and the models' shutdown dates;
        a variant's cases are judged apart from the pair's."""
        by_variant: dict[str, list[CaseResult]] = {}
        for result in run.cases:
            by_variant.setdefault(result.case.variant, []).append(result)
        plain = replace(run, cases=by_variant.pop("", []))
        aggregates = build_aggregates(plain, prices, shutdown_dates, volume)
        decision = verdict(aggregates, fail_on_changed=fail_on_changed)
        variants = []
        for name, cases in sorted(by_variant.items()):
            model = cases[0].case.variant_model or run.pair.candidate
            variant_run = replace(
                run,
                pair=ModelPair(run.pair.baseline, model),
                cases=cases,
                collected_cases=run.collected_variants.get(name),
            )
            figures = build_aggregates(variant_run, prices, shutdown_dates, volume)
            variants.append(
                VariantReport(
                    name,
                    model,
                    variant_run,
                    figures,
                    verdict(figures, fail_on_changed=fail_on_changed),
                )
            )
        return cls(
            plain, aggregates, decision, generated_at, approvals, stale_note, tuple(variants)
        )

    @property
    def all_cases(self) -> list[CaseResult]:
        """Every judged case: the pair's and every variant's (approvals cover them all)."""
        return [*self.run.cases, *(c for v in self.variants for c in v.run.cases)]

    @property
    def candidates(self) -> tuple[VariantReport, ...]:
        """The pair's candidate as it is (when it ran) and every variant, side by side."""
        if not self.variants:
            return ()
        own = VariantReport("", self.run.pair.candidate, self.run, self.aggregates, self.verdict)
        return (own, *self.variants) if self.run.cases else self.variants

    @property
    def shared_cases(self) -> frozenset[str]:
        """The cases every candidate ran: they are compared on these alone (a variant a
        suite defines runs on that suite's cases only)."""
        sets = [v.cases for v in self.candidates]
        return frozenset.intersection(*sets) if sets else frozenset()

    @property
    def least_changed(self) -> VariantReport | None:
        """The candidate that changes fewest shared cases (then the cheaper one)."""
        shared = self.shared_cases
        if not shared:
            return None

        def cost(v: VariantReport) -> float:
            spent = v.cost_on(shared)
            return spent if spent is not None else float("inf")

        return min(self.candidates, key=lambda v: (v.changed_on(shared), cost(v)))

    @property
    def cheapest_go(self) -> VariantReport | None:
        """The candidate whose verdict is GO and that costs least on the shared cases
        (None when none is GO, or none of those is priced)."""
        shared = self.shared_cases
        going = [
            v
            for v in self.candidates
            if v.verdict.decision == "GO" and v.cost_on(shared) is not None
        ]
        return min(going, key=lambda v: v.cost_on(shared) or 0.0, default=None)
