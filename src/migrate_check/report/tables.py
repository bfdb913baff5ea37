"""The aggregates as rows of text, so Markdown, HTML and the terminal show the same table."""

from __future__ import annotations

from collections.abc import Sequence

from migrate_check.report import display as fmt
from migrate_check.report.aggregate import Aggregates
from migrate_check.report.model_figures import Rate, SideStats
from migrate_check.report.run_report import RunReport, VariantReport
from migrate_check.report.statuses import STATUS_ORDER
from migrate_check.report.stream_figures import stream_rows

Row = tuple[str, str, str, str]


def _rate(rate: Rate) -> str:
    return "n/a" if not rate.total else f"{fmt.percent(rate.value)} ({rate.passed}/{rate.total})"


def _cost(side: SideStats) -> str:
    text = fmt.money(side.cost)
    return text if side.cost_complete or side.cost is None else f"{text} (partial: unpriced calls)"


def model_rows(agg: Aggregates) -> list[Row]:
    """label, baseline, candidate, candidate/baseline."""
    b, c, r = agg.baseline, agg.candidate, agg.ratios
    return [
        ("calls (errors)", f"{b.calls} ({b.errors})", f"{c.calls} ({c.errors})", ""),
        (
            "tokens in (cached)",
            f"{fmt.tokens(b.input_tokens)} ({fmt.tokens(b.cached_input_tokens)})",
            f"{fmt.tokens(c.input_tokens)} ({fmt.tokens(c.cached_input_tokens)})",
            fmt.times(r["input_tokens"]),
        ),
        (
            "tokens out",
            fmt.tokens(b.output_tokens),
            fmt.tokens(c.output_tokens),
            fmt.times(r["output_tokens"]),
        ),
        ("cost", _cost(b), _cost(c), fmt.times(r["cost"])),
        (
            "cost per 1,000 cases",
            fmt.money(b.cost_per_1k_cases),
            fmt.money(c.cost_per_1k_cases),
            fmt.times(r["cost"]),
        ),
        (
            "latency median",
            fmt.millis(b.latency_median_ms),
            fmt.millis(c.latency_median_ms),
            fmt.times(r["latency_median"]),
        ),
        (
            "latency p95",
            fmt.millis(b.latency_p95_ms),
            fmt.millis(c.latency_p95_ms),
            fmt.times(r["latency_p95"]),
        ),
        ("latency from", b.latency_source or "no data", c.latency_source or "no data", ""),
        *stream_rows(b.stream, c.stream),
        ("schema-valid", _rate(b.schema_valid), _rate(c.schema_valid), ""),
        ("assertions passed", _rate(b.assertions_passed), _rate(c.assertions_passed), ""),
    ]


def claim_rows(agg: Aggregates) -> list[tuple[str, str, str, str, str]]:
    """claim, measured as, baseline, candidate, what this run says."""
    return [
        (
            claim.claim,
            claim.metric,
            # drop-in and same API measure the pair, not each side: no baseline figure
            "—"
            if claim.claim in ("drop-in", "same API")
            else fmt.claim_value(claim.unit, claim.baseline),
            fmt.claim_value(claim.unit, claim.candidate),
            claim.finding,
        )
        for claim in agg.claims
    ]


def price_note(agg: Aggregates) -> str:
    """Which prices the costs assume; a report without it cannot be checked."""
    parts = []
    for side in (agg.baseline, agg.candidate):
        price = side.price
        if price is None:
            parts.append(f"{side.model}: no price known")
        else:
            cached = "n/a" if price.cached_input is None else f"${price.cached_input:g}"
            parts.append(
                f"{side.model}: ${price.input:g} in / {cached} cached / ${price.output:g} out"
            )
    note = f"Prices per 1M tokens from the table dated {agg.price_date} ({'; '.join(parts)})"
    if agg.price_overrides:
        note += f"; overridden: {', '.join(agg.price_overrides)}"
    return note + "."


def status_columns(counts: dict[str, int]) -> list[int]:
    return [counts.get(status, 0) for status in STATUS_ORDER]


#: The columns of the candidates table (the pair's candidate as it is, and each variant).
VARIANT_HEADER = ("candidate", "verdict", *STATUS_ORDER, "cost", "latency median")


def variant_rows(candidates: Sequence[VariantReport]) -> list[list[str]]:
    """One row per candidate: its verdict, case outcomes, cost and latency."""
    return [
        [
            v.label,
            v.verdict.qualified,
            *(str(n) for n in status_columns(v.aggregates.statuses)),
            _cost(v.aggregates.candidate),
            fmt.millis(v.aggregates.candidate.latency_median_ms),
        ]
        for v in candidates
    ]


def variant_findings(report: RunReport) -> list[str]:
    """Which candidate changes least, and the cheapest that is GO."""
    if not report.candidates:
        return []
    shared = report.shared_cases
    if not shared:
        return ["the candidates ran on no case in common: nothing to compare them on"]
    on = f"on the {len(shared)} cases every candidate ran"
    least = report.least_changed
    cheapest = report.cheapest_go
    lines = []
    if least is not None:
        lines.append(f"changes least {on}: {least.label} ({least.changed_on(shared)} changed)")
    if cheapest is not None:
        spent = fmt.money(cheapest.cost_on(shared))
        lines.append(f"cheapest GO {on}: {cheapest.label} ({spent})")
    else:
        lines.append("cheapest GO: none of the candidates is GO")
    return lines
