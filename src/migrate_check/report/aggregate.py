"""The figures every report shows, computed once from a run so the writers only render.

Sums use `math.fsum` over cases sorted by key, so two runs on the same data give the
same numbers whatever order the cases ran in (xdist).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from migrate_check.core.case import ModelPair
from migrate_check.core.completion import Completion
from migrate_check.core.pricing import ModelPrice, PriceTable
from migrate_check.core.results import CaseResult, CheckResult, Outcome, RunResult
from migrate_check.report.grading_figures import GradingFigures, grading_figures

Role = Literal["baseline", "candidate"]
ROLES: tuple[Role, Role] = ("baseline", "candidate")

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

SCHEMA_CHECK = "schema"
ASSERT_CHECK = "assert"


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


@dataclass(frozen=True)
class Rate:
    passed: int
    total: int

    @property
    def value(self) -> float | None:
        return self.passed / self.total if self.total else None


@dataclass(frozen=True)
class SideFigures:
    """One side of one case, summed over its samples."""

    samples: int
    errors: int
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    cost: float | None
    latency_ms: float | None


@dataclass(frozen=True)
class CaseRow:
    """A case's figures and status; `index` points back into `RunResult.cases`."""

    index: int
    key: str
    suite: str
    id: str
    status: str
    checks: tuple[str, ...]
    baseline: SideFigures
    candidate: SideFigures


@dataclass(frozen=True)
class SideStats:
    """One model over the whole run."""

    role: Role
    model: str
    calls: int
    errors: int
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    cost: float | None
    cost_complete: bool
    cost_per_1k_cases: float | None
    latency_median_ms: float | None
    latency_p95_ms: float | None
    latency_samples: int
    latency_source: str | None  # "openai-processing-ms", "measured", "unknown", "mixed", None
    schema_valid: Rate
    assertions_passed: Rate
    price: ModelPrice | None


@dataclass(frozen=True)
class Claim:
    """One line of the vendor-style comparison, measured on this run."""

    claim: str
    metric: str
    unit: Literal["rate", "ms", "usd"]
    baseline: float | None
    candidate: float | None
    finding: Literal["holds", "even", "does not hold", "no data"]


@dataclass(frozen=True)
class ShutdownWarning:
    role: Role
    model: str
    shutdown_date: str
    source: Literal["models list", "price table"]


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
        """ "on 12 of 39 cases" for a partial run, else ""."""
        if not self.partial:
            return ""
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

    def side(self, role: Role) -> SideStats:
        return self.baseline if role == "baseline" else self.candidate

    def rows_worst_first(self) -> list[CaseRow]:
        return sorted(self.rows, key=lambda r: (STATUS_RANK[r.status], r.key, r.index))


def build_aggregates(
    run: RunResult,
    prices: PriceTable,
    shutdown_dates: Mapping[str, str] | None = None,
) -> Aggregates:
    """Every figure the reports show; pure, so writers and tests share one result."""
    ordered = sorted(enumerate(run.cases), key=lambda item: (item[1].case.key, item[0]))
    costs = _Costs(prices)
    rows = tuple(_row(i, cr, run.pair, costs) for i, cr in ordered)
    results = [cr for _, cr in ordered]
    baseline = _side("baseline", run.pair.baseline, results, costs)
    candidate = _side("candidate", run.pair.candidate, results, costs)
    return Aggregates(
        pair=run.pair,
        total_cases=len(rows),
        coverage=_coverage(run),
        statuses=_count(r.status for r in rows),
        checks=_check_counts(results),
        baseline=baseline,
        candidate=candidate,
        ratios=_ratios(baseline, candidate, len(rows)),
        claims=_claims(baseline, candidate, rows),
        warnings=_warnings(run.pair, prices, shutdown_dates or {}),
        broken_everywhere=_broken_everywhere(results),
        price_date=prices.date,
        price_source=prices.source,
        price_overrides=prices.overrides,
        rows=rows,
        grading=grading_figures(results, prices),
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


def _count(statuses: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for status in statuses:
        counts[status] += 1
    return counts


def _broken_everywhere(results: Sequence[CaseResult]) -> tuple[tuple[str, str, int], ...]:
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


def _check_counts(results: Sequence[CaseResult]) -> dict[str, dict[str, int]]:
    by_check: dict[str, list[str]] = {}
    for cr in results:
        for check in cr.checks:
            by_check.setdefault(check.check, []).append(check_status(check))
    return {name: _count(statuses) for name, statuses in sorted(by_check.items())}


class _Costs:
    """Each completion's cost, the price table read once per model name: rows and side
    totals both need every cost, and a lookup tries up to three spellings of the name."""

    def __init__(self, prices: PriceTable) -> None:
        self.prices = prices
        self._prices: dict[str, ModelPrice | None] = {}

    def price_for(self, model: str) -> ModelPrice | None:
        try:
            return self._prices[model]
        except KeyError:
            price = self._prices[model] = self.prices.price_for(model)
            return price

    def cost(self, completion: Completion, fallback: str) -> float | None:
        """Priced as the model that answered (a fallback to another model costs its price);
        as the model asked when the answering one is not in the price table."""
        answered = completion.response_model
        price = self.price_for(answered) if answered else None
        if price is None:
            price = self.price_for(completion.model or fallback)
        batch = completion.batch_id is not None  # recorded through the Batch API: its prices
        return None if price is None else price.cost(completion.usage, batch)


def _figures(completions: Sequence[Completion], model: str, prices: _Costs) -> SideFigures:
    # One pass (two sides of every case: the per-row sums were a generator each).
    errors = input_tokens = cached_input_tokens = output_tokens = 0
    costs: list[float] = []
    priced = True
    latencies: list[float] = []
    for c in completions:
        cost = prices.cost(c, model)
        if cost is None:
            priced = False
        else:
            costs.append(cost)
        input_tokens += c.usage.input_tokens
        cached_input_tokens += c.usage.cached_input_tokens
        output_tokens += c.usage.output_tokens
        if c.error:
            errors += 1
        elif c.latency_ms is not None:
            latencies.append(c.latency_ms)
    return SideFigures(
        samples=len(completions),
        errors=errors,
        input_tokens=input_tokens,
        cached_input_tokens=cached_input_tokens,
        output_tokens=output_tokens,
        cost=math.fsum(costs) if priced else None,
        latency_ms=statistics.median(latencies) if latencies else None,
    )


def _row(index: int, cr: CaseResult, pair: ModelPair, prices: _Costs) -> CaseRow:
    return CaseRow(
        index=index,
        key=cr.case.key,
        suite=cr.case.suite,
        id=cr.case.id,
        status=case_status(cr),
        checks=tuple(dict.fromkeys(c.check for c in cr.checks)),
        baseline=_figures(cr.baseline, pair.baseline, prices),
        candidate=_figures(cr.candidate, pair.candidate, prices),
    )


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile: always a value that was observed."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _side(role: Role, model: str, results: Sequence[CaseResult], prices: _Costs) -> SideStats:
    completions = [c for cr in results for c in getattr(cr, role)]
    costs = [prices.cost(c, model) for c in completions]
    known = [c for c in costs if c is not None]
    cost = math.fsum(known) if known else None
    latencies = [c.latency_ms for c in completions if c.latency_ms is not None and not c.error]
    return SideStats(
        role=role,
        model=model,
        calls=len(completions),
        errors=sum(1 for c in completions if c.error),
        input_tokens=sum(c.usage.input_tokens for c in completions),
        cached_input_tokens=sum(c.usage.cached_input_tokens for c in completions),
        output_tokens=sum(c.usage.output_tokens for c in completions),
        cost=cost,
        cost_complete=len(known) == len(costs),
        cost_per_1k_cases=cost / len(results) * 1000 if cost is not None and results else None,
        latency_median_ms=statistics.median(latencies) if latencies else None,
        latency_p95_ms=percentile(latencies, 0.95),
        latency_samples=len(latencies),
        latency_source=_latency_source(completions),
        schema_valid=_rate(results, SCHEMA_CHECK, role),
        assertions_passed=_rate(results, ASSERT_CHECK, role),
        price=prices.price_for(model),
    )


def _latency_source(completions: Sequence[Completion]) -> str | None:
    """Where a side's latency figures come from: one source, "mixed", or None without any."""
    sources = {
        c.latency_source or "unknown"
        for c in completions
        if c.latency_ms is not None and not c.error
    }
    if not sources:
        return None
    return sources.pop() if len(sources) == 1 else "mixed"


def comparable_latency(base: SideStats, cand: SideStats) -> bool:
    """Latencies compare only when both sides have them from the same single source: a
    recorded server time against a measured round trip says nothing about the models."""
    return (
        base.latency_source is not None
        and base.latency_source == cand.latency_source
        and base.latency_source != "mixed"
    )


def _rate(results: Sequence[CaseResult], check: str, role: Role) -> Rate:
    attribute = f"{role}_ok"
    kinds: dict[str, str] = {}  # label -> kind, worked out once per label
    verdicts = []
    for cr in results:
        for c in cr.checks:
            kind = kinds.get(c.check)
            if kind is None:
                kind = kinds[c.check] = check_kind(c.check)
            if kind == check:
                verdicts.append(getattr(c, attribute))
    known = [v for v in verdicts if v is not None]
    return Rate(passed=sum(1 for v in known if v), total=len(known))


def ratio(candidate: float | None, baseline: float | None) -> float | None:
    """candidate / baseline, or None when either is unknown or the baseline is zero."""
    if candidate is None or baseline is None or baseline == 0:
        return None
    return candidate / baseline


def _ratios(base: SideStats, cand: SideStats, cases: int) -> dict[str, float | None]:
    costs_known = base.cost_complete and cand.cost_complete
    latency = comparable_latency(base, cand)
    return {
        "latency_median": ratio(cand.latency_median_ms, base.latency_median_ms)
        if latency
        else None,
        "latency_p95": ratio(cand.latency_p95_ms, base.latency_p95_ms) if latency else None,
        "cost": ratio(cand.cost, base.cost) if costs_known else None,
        "input_tokens": ratio(cand.input_tokens, base.input_tokens) if cases else None,
        "output_tokens": ratio(cand.output_tokens, base.output_tokens) if cases else None,
    }


def _finding(
    base: float | None, cand: float | None, higher_is_better: bool, tolerance: float
) -> Literal["holds", "even", "does not hold", "no data"]:
    if base is None or cand is None:
        return "no data"
    delta = cand - base if higher_is_better else base - cand
    scale = 1.0 if higher_is_better else max(abs(base), 1e-12)
    if abs(delta) / scale <= tolerance:
        return "even"
    return "holds" if delta > 0 else "does not hold"


def _claims(base: SideStats, cand: SideStats, rows: Sequence[CaseRow]) -> tuple[Claim, ...]:
    """Smarter, faster, cheaper, drop-in: each measured on this run, for both models."""
    moved = sum(1 for r in rows if r.status in ("regressed", "error", "changed"))
    drop_in = 1 - moved / len(rows) if rows else None
    quality = [
        ("smarter", "schema-valid rate", base.schema_valid.value, cand.schema_valid.value),
        (
            "smarter",
            "assertion pass rate",
            base.assertions_passed.value,
            cand.assertions_passed.value,
        ),
    ]
    speed = [
        ("faster", "median latency", base.latency_median_ms, cand.latency_median_ms),
        ("faster", "p95 latency", base.latency_p95_ms, cand.latency_p95_ms),
    ]
    cost_base = base.cost_per_1k_cases if base.cost_complete else None
    cost_cand = cand.cost_per_1k_cases if cand.cost_complete else None
    claims = [Claim(c, m, "rate", b, k, _finding(b, k, True, 0.0)) for c, m, b, k in quality]
    latency = comparable_latency(base, cand)
    claims += [
        Claim(c, m, "ms", b, k, _finding(b, k, False, 0.05) if latency else "no data")
        for c, m, b, k in speed
    ]
    claims.append(
        Claim(
            "cheaper",
            "cost per 1,000 cases",
            "usd",
            cost_base,
            cost_cand,
            _finding(cost_base, cost_cand, False, 0.02),
        )
    )
    claims.append(
        Claim(
            "drop-in",
            "cases without an unapproved change",
            "rate",
            None,
            drop_in,
            "no data" if drop_in is None else ("holds" if drop_in == 1 else "does not hold"),
        )
    )
    return tuple(claims)


def _warnings(
    pair: ModelPair, prices: PriceTable, live: Mapping[str, str]
) -> tuple[ShutdownWarning, ...]:
    warnings = []
    for role in ROLES:
        model: str = getattr(pair, role)
        if live.get(model):
            warnings.append(ShutdownWarning(role, model, live[model], "models list"))
        elif date := prices.shutdown_date(model):
            warnings.append(ShutdownWarning(role, model, date, "price table"))
    return tuple(warnings)
