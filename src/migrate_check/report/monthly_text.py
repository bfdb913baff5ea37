"""The monthly projection and the vendor's cost claim as text, the same in every report."""

from __future__ import annotations

from migrate_check.report import display as fmt
from migrate_check.report.aggregate import Aggregates
from migrate_check.report.monthly import ALL_SUITES, CostClaim, MonthlyProjection, Tokens

Row = tuple[str, str, str, str]


def _count(value: float) -> str:
    return fmt.tokens(round(value))


def _tokens_in(tokens: Tokens | None) -> str:
    if tokens is None:
        return "n/a"
    inputs = tokens.uncached_input + tokens.cached_input
    return f"{_count(inputs)} ({_count(tokens.cached_input)})"


def monthly_rows(month: MonthlyProjection) -> list[Row]:
    """label, baseline, candidate, candidate/baseline: the vendor's kind of table."""
    b, c = month.baseline, month.candidate
    cases = _count(month.cases_per_month)
    return [
        ("cases a month", cases, cases, ""),
        ("tokens in a month (cached)", _tokens_in(b.tokens), _tokens_in(c.tokens), ""),
        (
            "tokens out a month",
            "n/a" if b.tokens is None else _count(b.tokens.output),
            "n/a" if c.tokens is None else _count(c.tokens.output),
            "",
        ),
        (
            "a month at standard prices",
            fmt.money(b.standard),
            fmt.money(c.standard),
            fmt.times(_ratio(c.standard, b.standard)),
        ),
        (
            "a month at batch prices",
            fmt.money(b.batch) if b.batch is not None else "no batch price",
            fmt.money(c.batch) if c.batch is not None else "no batch price",
            fmt.times(_ratio(c.batch, b.batch)),
        ),
    ]


def _ratio(cand: float | None, base: float | None) -> float | None:
    return None if cand is None or base is None or base <= 0 else cand / base


def monthly_notes(month: MonthlyProjection) -> list[str]:
    """Where the volume came from, how the difference splits, and what was left out."""
    if month.basis == "tokens per month":
        volume = (
            f"Volume: {fmt.tokens(month.tokens_per_month or 0)} tokens a month on "
            f"{month.baseline.model} (migrate_check_monthly_tokens), as "
            f"{_count(month.cases_per_month)} cases in this run's mix of suites."
        )
    else:
        volume = "Volume (migrate_check_monthly_volume): " + ", ".join(
            f"{s.suite} {_count(s.cases_per_month)} cases"
            for s in month.suites
            if s.suite != ALL_SUITES
        )
        volume += " a month." if month.suites else "none of its suites ran."
    notes = [
        volume
        + " Tokens per case are each model's own in this run (input, cached input, output per "
        "answered call), priced from the price table."
    ]
    split = month.decomposition
    if split is not None and split.difference != 0:
        b, c = month.baseline.model, month.candidate.model
        text = (
            f"Of the {fmt.money(abs(split.difference))} a month "
            f"{'more' if split.difference > 0 else 'less'} on {c}: "
            f"{_signed(split.price_effect)} from price per token ({c}'s prices against "
            f"{b}'s, on {b}'s tokens) and {_signed(split.token_effect)} from {c} using "
            f"{'more' if split.token_effect > 0 else 'fewer'} tokens (at {c}'s prices)"
        )
        shares = split.shares()
        if shares is not None:
            text += f": {fmt.percent(shares[0])} and {fmt.percent(shares[1])}"
        notes.append(text + ".")
    notes += [f"Note: {n}." for n in month.notes]
    return notes


def _signed(value: float) -> str:
    return f"{'+' if value >= 0 else '-'}{fmt.money(abs(value))}"


def claim_sentence(claim: CostClaim, baseline: str) -> str:
    """claimed: 83% cheaper (...); your traffic: 2.67x dearer per month ($X against $Y)."""
    vendor = claim.vendor
    against = "" if vendor.against == baseline else f" than {vendor.against}"
    said = f"claimed: {vendor.claim}{against} ({vendor.source}, {vendor.said})"
    ratio = claim.ratio
    per = "per month" if claim.measured_on == "month at your volume" else "per 1,000 cases"
    if ratio is None:
        return f"{said}; your traffic: no figure (a price or an answered call is missing)"
    if ratio > 1:
        how = f"{fmt.times(ratio)} dearer"
    elif ratio < 1:
        how = f"{fmt.percent(1 - ratio)} cheaper"
    else:
        how = "the same cost"
    than = f" than {baseline}" if against else ""
    return (
        f"{said}; your traffic: {how}{than} {per} "
        f"({fmt.money(claim.candidate)} against {fmt.money(claim.baseline)})"
    )


def cost_sentence(agg: Aggregates) -> str:
    """The vendor's cost claim beside the team's traffic, "" without a claim."""
    claim = agg.cost_at_volume.claim
    return "" if claim is None else claim_sentence(claim, agg.pair.baseline)
