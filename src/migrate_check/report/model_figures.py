"""Each model over the whole run: calls, tokens, cost, latency, pass rates, shutdown date.

The two sides' totals, the candidate/baseline ratios, and the shutdown warnings, which
come from the models list when the run asked it and from the price table otherwise.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from migrate_check.core.case import ModelPair
from migrate_check.core.completion import Completion
from migrate_check.core.pricing import ModelPrice, PriceTable
from migrate_check.core.results import CaseResult
from migrate_check.report.case_figures import CostLookup
from migrate_check.report.statuses import check_kind
from migrate_check.report.stream_figures import StreamStats, stream_stats

Role = Literal["baseline", "candidate"]
ROLES: tuple[Role, Role] = ("baseline", "candidate")

SCHEMA_CHECK = "schema"
ASSERT_CHECK = "assert"


@dataclass(frozen=True)
class Rate:
    passed: int
    total: int

    @property
    def value(self) -> float | None:
        return self.passed / self.total if self.total else None


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
    #: Streamed cases: time to first token and tokens per second, as recorded.
    stream: StreamStats = StreamStats()


@dataclass(frozen=True)
class ShutdownWarning:
    role: Role
    model: str
    shutdown_date: str
    source: Literal["models list", "price table"]


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile: always a value that was observed."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def side_stats(
    role: Role, model: str, results: Sequence[CaseResult], prices: CostLookup
) -> SideStats:
    """`model`'s figures over `results`, the cases sorted by key."""
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
        schema_valid=_check_rate(results, SCHEMA_CHECK, role),
        assertions_passed=_check_rate(results, ASSERT_CHECK, role),
        price=prices.price_for(model),
        stream=stream_stats(completions),
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


def _check_rate(results: Sequence[CaseResult], check: str, role: Role) -> Rate:
    """How often `role`'s answers passed the checks of kind `check` that gave a verdict."""
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


def ratios(base: SideStats, cand: SideStats, cases: int) -> dict[str, float | None]:
    """The candidate's figures over the baseline's, None where they do not compare."""
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


def shutdown_warnings(
    pair: ModelPair, prices: PriceTable, live: Mapping[str, str]
) -> tuple[ShutdownWarning, ...]:
    """A warning per model with a shutdown date: the `live` models list's, else the table's."""
    warnings = []
    for role in ROLES:
        model: str = getattr(pair, role)
        if live.get(model):
            warnings.append(ShutdownWarning(role, model, live[model], "models list"))
        elif date := prices.shutdown_date(model):
            warnings.append(ShutdownWarning(role, model, date, "price table"))
    return tuple(warnings)
