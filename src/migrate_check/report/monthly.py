"""Each model's monthly bill at the team's volume, from the tokens it really spent per case.

Method, so the table reproduces by hand from report.json: per suite and model, the tokens
of an answered call are the suite's summed case figures (`input_tokens`,
`cached_input_tokens`, `output_tokens`) over its answered calls (`samples - errors`);
times the suite's cases per month they are the month's tokens, priced per 1M tokens:
(input - cached) x input price + cached x cached price + output x output price, at the
standard and the batch prices. Given tokens per month instead, the run's mix of suites
stands for the traffic: cases per month = tokens per month / the baseline's tokens
(input + output) per answered call.

The difference is split in two that add up to it: the price effect, the candidate's
prices minus the baseline's applied to the baseline's tokens, and the token effect, the
candidate's tokens minus the baseline's at the candidate's prices.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from migrate_check.core.pricing import ModelPrice
from migrate_check.core.vendor_claims import VendorClaim, claim_for
from migrate_check.core.volume import MonthlyVolume
from migrate_check.report.case_figures import CaseRow, SideFigures
from migrate_check.report.claims import Claim
from migrate_check.report.model_figures import SideStats

_PER = 1_000_000  # prices are USD per 1M tokens
ALL_SUITES = "all suites"


@dataclass(frozen=True)
class Tokens:
    """Tokens by how they are priced: input not cached, cached input, output."""

    uncached_input: float
    cached_input: float
    output: float

    def scaled(self, factor: float) -> Tokens:
        return Tokens(
            self.uncached_input * factor, self.cached_input * factor, self.output * factor
        )

    def plus(self, other: Tokens) -> Tokens:
        return Tokens(
            self.uncached_input + other.uncached_input,
            self.cached_input + other.cached_input,
            self.output + other.output,
        )


NO_TOKENS = Tokens(0.0, 0.0, 0.0)


def rates(price: ModelPrice) -> Tokens:
    """A price as USD per 1M tokens of each kind (cached input at full price without one)."""
    cached = price.input if price.cached_input is None else price.cached_input
    return Tokens(price.input, cached, price.output)


def cost(tokens: Tokens, rate: Tokens) -> float:
    """USD for `tokens` at `rate` (USD per 1M of each kind)."""
    return (
        math.fsum(
            (
                tokens.uncached_input * rate.uncached_input,
                tokens.cached_input * rate.cached_input,
                tokens.output * rate.output,
            )
        )
        / _PER
    )


@dataclass(frozen=True)
class SuiteMonth:
    """One suite's volume and each model's tokens per answered call on it."""

    suite: str
    cases_per_month: float
    cases_in_run: int
    baseline_calls: int
    candidate_calls: int
    baseline_per_call: Tokens | None  # None: no answered call to measure
    candidate_per_call: Tokens | None


@dataclass(frozen=True)
class ModelMonth:
    """One model's month: its tokens and what they cost at standard and batch prices."""

    model: str
    tokens: Tokens | None
    standard: float | None  # None: no price, or a suite without an answered call
    batch: float | None  # None besides: the price table has no batch price for it
    price: ModelPrice | None


@dataclass(frozen=True)
class Decomposition:
    """candidate - baseline at standard prices = price effect + token effect."""

    difference: float
    price_effect: float
    token_effect: float

    def shares(self) -> tuple[float, float] | None:
        """The effects' shares of the difference, when both push the same way."""
        if self.difference == 0 or self.price_effect * self.token_effect < 0:
            return None
        return self.price_effect / self.difference, self.token_effect / self.difference


@dataclass(frozen=True)
class MonthlyProjection:
    basis: Literal["cases per suite", "tokens per month"]
    tokens_per_month: int | None
    suites: tuple[SuiteMonth, ...]
    baseline: ModelMonth
    candidate: ModelMonth
    decomposition: Decomposition | None
    #: Suites with a volume but no case in the run, and suites run without a volume.
    notes: tuple[str, ...] = ()

    @property
    def cases_per_month(self) -> float:
        return math.fsum(s.cases_per_month for s in self.suites)


def _per_call(figures: Sequence[SideFigures]) -> tuple[int, Tokens | None]:
    calls = sum(f.samples - f.errors for f in figures)
    if calls <= 0:
        return 0, None
    inputs = sum(f.input_tokens for f in figures)
    cached = sum(min(f.cached_input_tokens, f.input_tokens) for f in figures)
    output = sum(f.output_tokens for f in figures)
    return calls, Tokens((inputs - cached) / calls, cached / calls, output / calls)


def _suite_month(suite: str, rows: Sequence[CaseRow], volume: float) -> SuiteMonth:
    base_calls, base = _per_call([r.baseline for r in rows])
    cand_calls, cand = _per_call([r.candidate for r in rows])
    return SuiteMonth(suite, volume, len(rows), base_calls, cand_calls, base, cand)


def _model_month(
    model: str, price: ModelPrice | None, suites: Sequence[SuiteMonth], role: str
) -> ModelMonth:
    tokens: Tokens | None = NO_TOKENS
    for s in suites:
        per_call = getattr(s, f"{role}_per_call")
        tokens = (
            None
            if per_call is None or tokens is None
            else tokens.plus(per_call.scaled(s.cases_per_month))
        )
    if price is None or tokens is None:
        return ModelMonth(model, tokens, None, None, price)
    batch = None if price.batch is None else cost(tokens, rates(price.batch))
    return ModelMonth(model, tokens, cost(tokens, rates(price)), batch, price)


def decompose(
    base_tokens: Tokens, base_price: ModelPrice, cand_tokens: Tokens, cand_price: ModelPrice
) -> Decomposition:
    """Price effect at the baseline's tokens, token effect at the candidate's prices."""
    p_b, p_c = rates(base_price), rates(cand_price)
    price_delta = Tokens(
        p_c.uncached_input - p_b.uncached_input,
        p_c.cached_input - p_b.cached_input,
        p_c.output - p_b.output,
    )
    token_delta = Tokens(
        cand_tokens.uncached_input - base_tokens.uncached_input,
        cand_tokens.cached_input - base_tokens.cached_input,
        cand_tokens.output - base_tokens.output,
    )
    return Decomposition(
        difference=cost(cand_tokens, p_c) - cost(base_tokens, p_b),
        price_effect=cost(base_tokens, price_delta),
        token_effect=cost(token_delta, p_c),
    )


def project(
    volume: MonthlyVolume,
    rows: Sequence[CaseRow],
    models: tuple[str, str],
    prices: tuple[ModelPrice | None, ModelPrice | None],
) -> MonthlyProjection | None:
    """The month at `volume` from the run's case rows; None without a volume or cases."""
    if not volume or not rows:
        return None
    by_suite: dict[str, list[CaseRow]] = {}
    for row in rows:
        by_suite.setdefault(row.suite, []).append(row)
    notes: list[str] = []
    if volume.tokens is not None:
        whole = _suite_month(ALL_SUITES, rows, 0.0)
        per_call = whole.baseline_per_call
        served = 0.0 if per_call is None else per_call.uncached_input + per_call.cached_input
        served += 0.0 if per_call is None else per_call.output
        cases = volume.tokens / served if served > 0 else 0.0
        suites = [replace(whole, cases_per_month=cases)]
        if served <= 0:
            notes.append("the baseline answered no call with tokens: no cases per month")
    else:
        wanted = volume.per_suite
        suites = [_suite_month(s, by_suite[s], n) for s, n in wanted.items() if s in by_suite]
        missing = [s for s in wanted if s not in by_suite]
        unpriced = sorted(set(by_suite) - set(wanted))
        if missing:
            notes.append(f"no case of {', '.join(missing)} in this run: left out of the month")
        if unpriced:
            notes.append(f"no monthly volume given for {', '.join(unpriced)}: left out")
    base = _model_month(models[0], prices[0], suites, "baseline")
    cand = _model_month(models[1], prices[1], suites, "candidate")
    split = None
    if base.tokens is not None and cand.tokens is not None and prices[0] and prices[1]:
        split = decompose(base.tokens, prices[0], cand.tokens, prices[1])
    return MonthlyProjection(
        basis="tokens per month" if volume.tokens is not None else "cases per suite",
        tokens_per_month=volume.tokens,
        suites=tuple(suites),
        baseline=base,
        candidate=cand,
        decomposition=split,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class CostClaim:
    """A vendor's cost claim beside the cost measured on the team's traffic."""

    vendor: VendorClaim
    measured_on: Literal["month at your volume", "cost per 1,000 cases"]
    baseline: float | None
    candidate: float | None

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.candidate is None or self.baseline <= 0:
            return None
        return self.candidate / self.baseline

    @property
    def finding(self) -> Literal["holds", "does not hold", "no data"]:
        """Holds when the measured saving is within 5 points of the one claimed."""
        ratio = self.ratio
        if ratio is None:
            return "no data"
        return "holds" if 1 - ratio >= self.vendor.saving - 0.05 else "does not hold"


@dataclass(frozen=True)
class CostAtVolume:
    """The month at the team's volume (None without one) and the vendor's cost claim
    beside what the team's traffic costs (None when no claim names the candidate)."""

    month: MonthlyProjection | None
    claim: CostClaim | None

    def claim_rows(self) -> tuple[Claim, ...]:
        """The claims table's rows for these: the vendor's claim, else the month's cost."""
        if self.claim is not None:
            c = self.claim
            label = f"cheaper (claimed: {c.vendor.claim})"
            return (Claim(label, c.measured_on, "usd", c.baseline, c.candidate, c.finding),)
        if self.month is None:
            return ()
        base, cand = self.month.baseline.standard, self.month.candidate.standard
        finding: Literal["holds", "even", "does not hold", "no data"] = "no data"
        if base is not None and cand is not None:
            scale = max(abs(base), 1e-12)
            finding = (
                "even"
                if abs(base - cand) / scale <= 0.02
                else ("holds" if cand < base else "does not hold")
            )
        return (Claim("cheaper", "month at your volume", "usd", base, cand, finding),)


def cost_at_volume(
    volume: MonthlyVolume | None,
    rows: Sequence[CaseRow],
    base: SideStats,
    cand: SideStats,
    vendor_claims: tuple[VendorClaim, ...],
) -> CostAtVolume:
    """The month at `volume`, and the vendor's claim about the candidate beside it (beside
    the run's cost per 1,000 cases without a volume)."""
    month = None
    if volume:
        month = project(volume, rows, (base.model, cand.model), (base.price, cand.price))
    vendor = claim_for(cand.model, base.model, vendor_claims)
    if vendor is None:
        return CostAtVolume(month, None)
    if month is not None:
        found = CostClaim(
            vendor, "month at your volume", month.baseline.standard, month.candidate.standard
        )
    else:
        found = CostClaim(
            vendor,
            "cost per 1,000 cases",
            base.cost_per_1k_cases if base.cost_complete else None,
            cand.cost_per_1k_cases if cand.cost_complete else None,
        )
    return CostAtVolume(month, found)
