"""The vendor-style claims (smarter, faster, cheaper, drop-in), each measured on this run.

A claim holds, is even, or does not hold for the candidate against the baseline, within
a tolerance per kind of figure; without the figures on both sides it has no data (a
figure that overflowed, such as a cost from an absurd usage, is none).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from migrate_check.report.case_figures import CaseRow
from migrate_check.report.model_figures import SideStats, comparable_latency
from migrate_check.report.stream_figures import comparable_streams

#: "not exercised": the suites hold no case that could show it (a limit no case nears).
Finding = Literal["holds", "even", "does not hold", "no data", "not exercised"]


@dataclass(frozen=True)
class Claim:
    """One line of the vendor-style comparison, measured on this run."""

    claim: str
    metric: str
    #: "count": how many differences were found; "tokens": the largest seen.
    unit: Literal["rate", "ms", "usd", "count", "tokens"]
    baseline: float | None
    candidate: float | None
    finding: Finding


def _finding(
    base: float | None, cand: float | None, higher_is_better: bool, tolerance: float
) -> Finding:
    if base is None or cand is None or not (math.isfinite(base) and math.isfinite(cand)):
        return "no data"
    delta = cand - base if higher_is_better else base - cand
    scale = 1.0 if higher_is_better else max(abs(base), 1e-12)
    if abs(delta) / scale <= tolerance:
        return "even"
    return "holds" if delta > 0 else "does not hold"


def claims(base: SideStats, cand: SideStats, rows: Sequence[CaseRow]) -> tuple[Claim, ...]:
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
    found = [Claim(c, m, "rate", b, k, _finding(b, k, True, 0.0)) for c, m, b, k in quality]
    latency = comparable_latency(base, cand)
    found += [
        Claim(c, m, "ms", b, k, _finding(b, k, False, 0.05) if latency else "no data")
        for c, m, b, k in speed
    ]
    # What a user of a streamed answer waits for, timed on the client when recorded: only
    # when every streamed answer on both sides was (no "not recorded" on either).
    streams = comparable_streams(base.stream, cand.stream)
    b, k = base.stream.first_token_median_ms, cand.stream.first_token_median_ms
    if not (base.stream.streamed or cand.stream.streamed):
        first_token: Finding = "not exercised"  # no streamed case in the suites
    else:
        first_token = _finding(b, k, False, 0.05) if streams else "no data"
    found.append(Claim("faster (streamed)", "median time to first token", "ms", b, k, first_token))
    found.append(
        Claim(
            "cheaper",
            "cost per 1,000 cases",
            "usd",
            cost_base,
            cost_cand,
            _finding(cost_base, cost_cand, False, 0.02),
        )
    )
    found.append(
        Claim(
            "drop-in",
            "cases without an unapproved change",
            "rate",
            None,
            drop_in,
            "no data" if drop_in is None else ("holds" if drop_in == 1 else "does not hold"),
        )
    )
    return tuple(found)
