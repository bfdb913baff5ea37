"""The monthly projection and the vendor's cost claim in report.json, with every figure a
reader needs to redo the month by hand: tokens per answered call, cases, prices used."""

from __future__ import annotations

from typing import Any

from migrate_check.core.pricing import ModelPrice
from migrate_check.report import monthly
from migrate_check.report.monthly import CostAtVolume, ModelMonth, MonthlyProjection, Tokens
from migrate_check.report.monthly_text import claim_sentence

METHOD = (monthly.__doc__ or "").strip()


def _tokens(tokens: Tokens | None) -> dict[str, float] | None:
    if tokens is None:
        return None
    return {
        "uncached_input": tokens.uncached_input,
        "cached_input": tokens.cached_input,
        "output": tokens.output,
    }


def _rates(price: ModelPrice | None) -> dict[str, float] | None:
    """USD per 1M tokens of each kind, cached input at full price where none is listed."""
    return None if price is None else _tokens(monthly.rates(price))


def _model(side: ModelMonth) -> dict[str, Any]:
    return {
        "model": side.model,
        "tokens": _tokens(side.tokens),
        "standard_usd": side.standard,
        "batch_usd": side.batch,
        "prices": {
            "standard": _rates(side.price),
            "batch": _rates(side.price.batch if side.price else None),
        },
    }


def _month(month: MonthlyProjection) -> dict[str, Any]:
    split = month.decomposition
    return {
        "basis": month.basis,
        "tokens_per_month": month.tokens_per_month,
        "cases_per_month": month.cases_per_month,
        "suites": [
            {
                "suite": s.suite,
                "cases_per_month": s.cases_per_month,
                "cases_in_run": s.cases_in_run,
                "baseline_calls": s.baseline_calls,
                "candidate_calls": s.candidate_calls,
                "baseline_per_call": _tokens(s.baseline_per_call),
                "candidate_per_call": _tokens(s.candidate_per_call),
            }
            for s in month.suites
        ],
        "baseline": _model(month.baseline),
        "candidate": _model(month.candidate),
        "split": None
        if split is None
        else {
            "difference_usd": split.difference,
            "price_effect_usd": split.price_effect,
            "token_effect_usd": split.token_effect,
        },
        "notes": list(month.notes),
    }


def cost_at_volume(at_volume: CostAtVolume, baseline: str) -> dict[str, Any] | None:
    """report.json's `aggregates.cost_at_volume`; None when there is neither a volume nor
    a vendor claim about the candidate."""
    if at_volume.month is None and at_volume.claim is None:
        return None
    claim = at_volume.claim
    return {
        "method": METHOD,
        "month": None if at_volume.month is None else _month(at_volume.month),
        "vendor_claim": None
        if claim is None
        else {
            **claim.vendor.as_dict(),
            "measured_on": claim.measured_on,
            "baseline_usd": claim.baseline,
            "candidate_usd": claim.candidate,
            "ratio": claim.ratio,
            "finding": claim.finding,
            "text": claim_sentence(claim, baseline),
        },
    }
