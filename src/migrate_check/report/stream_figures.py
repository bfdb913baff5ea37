"""Latency a user feels on streamed cases: time to first token and tokens per second.

The figures come from what migrate-check measured on the client when each cassette was
made (`cassettes.stream_timing`); a streamed answer whose cassette holds none counts as
"not recorded", never as a guess. The two models' figures compare only when every
streamed answer on both sides was timed: a side half timed says nothing about the rest.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from migrate_check.core.completion import Completion
from migrate_check.report import display as fmt


@dataclass(frozen=True)
class StreamStats:
    """One model's streamed answers: how many, how many were timed, and the figures."""

    streamed: int = 0
    timed: int = 0
    first_token_median_ms: float | None = None
    first_token_p95_ms: float | None = None
    tokens_per_second_median: float | None = None
    #: The slow end: 95% of timed streams were at least this fast (the 5th percentile).
    tokens_per_second_p95: float | None = None

    @property
    def not_recorded(self) -> int:
        """Streamed answers whose cassette keeps no timing (recorded before it was kept)."""
        return self.streamed - self.timed


def _nearest_rank(values: Sequence[float], q: float) -> float | None:
    """As `model_figures.percentile`: always a value that was observed."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def stream_stats(completions: Sequence[Completion]) -> StreamStats:
    """A side's streamed answers (errors left out) and their recorded timing.

    A stream with several choices is timed once, on its first sample: only first samples
    (or timed ones) count as streams.
    """
    streams = [
        c for c in completions if c.streamed and not c.error and (c.choice == 0 or c.stream_timing)
    ]
    timings = [c.stream_timing for c in streams if c.stream_timing is not None]
    first = [t.time_to_first_token_ms for t in timings if t.time_to_first_token_ms is not None]
    rates = [t.tokens_per_second for t in timings if t.tokens_per_second is not None]
    return StreamStats(
        streamed=len(streams),
        timed=len(timings),
        first_token_median_ms=statistics.median(first) if first else None,
        first_token_p95_ms=_nearest_rank(first, 0.95),
        tokens_per_second_median=statistics.median(rates) if rates else None,
        tokens_per_second_p95=_nearest_rank(rates, 0.05),
    )


def comparable_streams(base: StreamStats, cand: StreamStats) -> bool:
    """Both sides streamed, and every streamed answer on each was timed the same way."""
    return bool(base.timed and cand.timed and not base.not_recorded and not cand.not_recorded)


def stream_note(stats: StreamStats) -> str:
    """How a side's stream figures stand, in words for the reports."""
    if not stats.streamed:
        return "no streamed cases"
    if not stats.timed:
        return f"not recorded ({stats.streamed} streamed, cassettes without timing)"
    if stats.not_recorded:
        return f"{stats.timed} of {stats.streamed} streamed answers timed; the rest not recorded"
    return f"{stats.timed} streamed answers, timed when recorded"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} tok/s"


def stream_rows(base: StreamStats, cand: StreamStats) -> list[tuple[str, str, str, str]]:
    """The models table's streamed rows (label, baseline, candidate, ratio) beside total
    time's; none when neither side streamed."""
    if not (base.streamed or cand.streamed):
        return []
    same = comparable_streams(base, cand)

    def ratio(b: float | None, c: float | None) -> str:
        return fmt.times(c / b if same and b and c is not None else None)

    return [
        (
            "first token median (streamed)",
            fmt.millis(base.first_token_median_ms),
            fmt.millis(cand.first_token_median_ms),
            ratio(base.first_token_median_ms, cand.first_token_median_ms),
        ),
        (
            "first token p95 (streamed)",
            fmt.millis(base.first_token_p95_ms),
            fmt.millis(cand.first_token_p95_ms),
            ratio(base.first_token_p95_ms, cand.first_token_p95_ms),
        ),
        (
            "tokens per second median",
            _rate(base.tokens_per_second_median),
            _rate(cand.tokens_per_second_median),
            ratio(base.tokens_per_second_median, cand.tokens_per_second_median),
        ),
        (
            "tokens per second p95 (slow end)",
            _rate(base.tokens_per_second_p95),
            _rate(cand.tokens_per_second_p95),
            ratio(base.tokens_per_second_p95, cand.tokens_per_second_p95),
        ),
        ("stream timing", stream_note(base), stream_note(cand), ""),
    ]


def stream_lines(model_stats: Sequence[tuple[str, StreamStats]]) -> list[str]:
    """The terminal summary's line per model with streamed cases."""
    lines = []
    for label, stats in model_stats:
        if not stats.streamed:
            continue
        if not stats.timed:
            lines.append(f"{label} streamed: {stream_note(stats)}")
            continue
        lines.append(
            f"{label} streamed: first token p50 {fmt.millis(stats.first_token_median_ms)}"
            f" p95 {fmt.millis(stats.first_token_p95_ms)},"
            f" {_rate(stats.tokens_per_second_median)} p50"
            f" ({stats.timed} of {stats.streamed} timed)"
        )
    return lines
