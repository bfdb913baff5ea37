"""Each case's figures, per side: samples, errors, tokens, cost and latency.

A case row is what every report lists; the cost lookup it prices with is shared with the
per-model totals, so a model's price is read from the table once per run.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from migrate_check.core.case import ModelPair
from migrate_check.core.completion import Completion
from migrate_check.core.pricing import ModelPrice, PriceTable
from migrate_check.core.results import CaseResult
from migrate_check.report.statuses import case_status


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


class CostLookup:
    """Each completion's cost, the price table read once per model name: rows and side
    totals both need every cost, and a lookup tries up to three spellings of the name."""

    def __init__(self, prices: PriceTable) -> None:
        self.prices = prices
        self._by_model: dict[str, ModelPrice | None] = {}

    def price_for(self, model: str) -> ModelPrice | None:
        try:
            return self._by_model[model]
        except KeyError:
            price = self._by_model[model] = self.prices.price_for(model)
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


def side_figures(completions: Sequence[Completion], model: str, prices: CostLookup) -> SideFigures:
    """One side's samples summed in a single pass: every case has two sides to sum."""
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


def case_row(index: int, cr: CaseResult, pair: ModelPair, prices: CostLookup) -> CaseRow:
    """The row of the case at `index` in the run's cases."""
    return CaseRow(
        index=index,
        key=cr.case.key,
        suite=cr.case.suite,
        id=cr.case.id,
        status=case_status(cr),
        checks=tuple(dict.fromkeys(c.check for c in cr.checks)),
        baseline=side_figures(cr.baseline, pair.baseline, prices),
        candidate=side_figures(cr.candidate, pair.candidate, prices),
    )
