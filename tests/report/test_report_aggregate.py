"""Aggregates and the verdict: what every report shows, computed once from the run."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from devtools.synthetic_runs import STATUSES, make_case, make_run

from migrate_check.core.case import ModelPair
from migrate_check.core.completion import Completion, Usage
from migrate_check.core.pricing import PriceTable
from migrate_check.core.results import CheckResult, Outcome, RunResult
from migrate_check.report import build_aggregates, verdict
from migrate_check.report.model_figures import percentile
from migrate_check.report.statuses import case_status

PRICES = PriceTable.default()


def only(*statuses: str, per_status: int = 1) -> RunResult:
    return make_run(per_status, statuses=statuses)


def test_status_counts_cover_every_status_and_approved_is_its_own() -> None:
    agg = build_aggregates(make_run(3), PRICES)
    assert agg.total_cases == 3 * len(STATUSES)
    assert agg.statuses == dict.fromkeys(
        ["regressed", "error", "changed", "broken", "improved", "approved", "same"], 3
    )
    assert agg.checks["equal $.queue"]["approved"] == 3
    assert agg.checks["equal $.queue"]["changed"] == 3


def test_approved_checks_make_the_case_approved_not_changed() -> None:
    result = make_case(0, "approved", ModelPair("a", "b"), random.Random(1))
    assert result.outcome is Outcome.SAME
    assert case_status(result) == "approved"


@pytest.mark.parametrize(
    ("statuses", "decision"),
    [
        (("same", "improved", "broken", "approved"), "GO"),
        (("same", "changed", "approved"), "REVIEW"),
        (("same", "changed", "regressed"), "NO-GO"),
        (("same", "error"), "NO-GO"),
        ((), "REVIEW"),
    ],
)
def test_verdict(statuses: tuple[str, ...], decision: str) -> None:
    result = verdict(build_aggregates(only(*statuses), PRICES))
    assert result.decision == decision
    assert "NO-GO when" in result.rule and result.reasons


def test_a_check_broken_in_every_case_makes_go_a_review_naming_it() -> None:
    run = only("same", per_status=3)
    for result in run.cases:
        result.case = replace(result.case, suite="triage")
        result.checks.append(
            CheckResult("downstream app:route", Outcome.BROKEN, "both fail", None, False, False)
        )
    decision = verdict(build_aggregates(run, PRICES))
    assert decision.decision == "REVIEW"
    assert decision.reasons == (
        "check 'downstream app:route' fails on both models in all 3 cases of suite "
        "'triage': the check or its callable is probably wrong",
    )
    run.cases[0].checks[-1].outcome = Outcome.SAME  # it works somewhere: the models differ
    assert verdict(build_aggregates(run, PRICES)).decision == "GO"
    two = only("same", per_status=2)
    for result in two.cases:
        result.case = replace(result.case, suite="triage")
        result.checks.append(CheckResult("schema", Outcome.BROKEN, "both fail"))
    assert verdict(build_aggregates(two, PRICES)).decision == "GO"  # too few cases to say
    # The same label in another suite that works there does not hide this suite's.
    mixed = only("same", per_status=4)
    for index, result in enumerate(mixed.cases):
        result.case = replace(result.case, suite="a" if index < 3 else "b")
        outcome = Outcome.BROKEN if index < 3 else Outcome.SAME
        result.checks.append(CheckResult("facts", outcome, "facts"))
    assert verdict(build_aggregates(mixed, PRICES)).decision == "REVIEW"


def test_fail_on_changed_makes_changes_block() -> None:
    agg = build_aggregates(only("same", "changed"), PRICES)
    blocked = verdict(agg, fail_on_changed=True)
    assert blocked.decision == "NO-GO"
    assert "--fail-on changed" in blocked.rule
    assert blocked.reasons == ("1 case changed without an approval",)


def _run_with(baseline: list[Completion], candidate: list[Completion]) -> RunResult:
    run = only("same")
    run.cases[0].baseline = baseline
    run.cases[0].candidate = candidate
    return run


def test_costs_tokens_and_latency_use_every_sample() -> None:
    base = [
        Completion("gpt-4o-mini", "x", usage=Usage(1000, 500, 100), latency_ms=ms)
        for ms in (100, 200, 300)
    ]
    cand = [
        Completion("gpt-4.1-mini-2025-04-14", "x", usage=Usage(1000, 0, 50), latency_ms=150),
        Completion("gpt-4.1-mini", error="500", latency_ms=9999),
    ]
    agg = build_aggregates(_run_with(base, cand), PRICES)
    b, c = agg.baseline, agg.candidate
    assert (b.calls, b.input_tokens, b.cached_input_tokens, b.output_tokens) == (3, 3000, 1500, 300)
    assert b.cost == pytest.approx(3 * (500 * 0.15 + 500 * 0.075 + 100 * 0.6) / 1e6)
    assert c.cost == pytest.approx((1000 * 0.4 + 50 * 1.6) / 1e6)
    assert c.errors == 1 and c.latency_samples == 1  # a failed call's latency is not a latency
    assert (b.latency_median_ms, b.latency_p95_ms) == (200, 300)
    assert agg.ratios["latency_median"] == pytest.approx(0.75)
    assert b.cost is not None and c.cost is not None
    assert agg.ratios["cost"] == pytest.approx(c.cost / b.cost)
    assert b.cost_per_1k_cases == pytest.approx(b.cost * 1000)
    row = agg.rows[0]
    assert row.baseline.samples == 3 and row.baseline.latency_ms == 200


def test_latencies_from_different_sources_are_not_compared() -> None:
    recorded = [Completion("gpt-4o-mini", "x", latency_ms=900, latency_source="measured")]
    server = [
        Completion("gpt-4.1-mini", "x", latency_ms=300, latency_source="openai-processing-ms")
    ]
    agg = build_aggregates(_run_with(recorded, server), PRICES)
    assert (agg.baseline.latency_source, agg.candidate.latency_source) == (
        "measured",
        "openai-processing-ms",
    )
    assert agg.ratios["latency_median"] is None  # a round trip against a server's own time
    faster = [c for c in agg.claims if c.claim == "faster"]
    assert [c.finding for c in faster] == ["no data", "no data"]
    alike = [Completion("gpt-4.1-mini", "x", latency_ms=300, latency_source="measured")]
    agg = build_aggregates(_run_with(recorded, alike), PRICES)
    assert agg.ratios["latency_median"] == pytest.approx(1 / 3)
    assert [c.finding for c in agg.claims if c.claim == "faster"] == ["holds", "holds"]
    none = [Completion("gpt-4.1-mini", "x")]
    agg = build_aggregates(_run_with(recorded, none), PRICES)
    assert agg.candidate.latency_source is None
    assert [c.finding for c in agg.claims if c.claim == "faster"] == ["no data", "no data"]


def test_unpriced_models_give_no_cost_and_no_ratio() -> None:
    run = _run_with(
        [Completion("gpt-4o-mini", "x", usage=Usage(10, 0, 10))],
        [Completion("my-deployment", "x", usage=Usage(10, 0, 10))],
    )
    run.pair = ModelPair("gpt-4o-mini", "my-deployment")
    agg = build_aggregates(run, PRICES)
    assert agg.candidate.cost is None and agg.candidate.price is None
    assert agg.ratios["cost"] is None
    cheaper = next(c for c in agg.claims if c.claim == "cheaper")
    assert cheaper.finding == "no data"


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 0.95) is None
    assert percentile([float(v) for v in range(1, 101)], 0.95) == 95
    assert percentile([5.0], 0.95) == 5


def test_claims_measure_quality_speed_cost_and_drop_in() -> None:
    agg = build_aggregates(make_run(2), PRICES)
    claims = {(c.claim, c.metric): c for c in agg.claims}
    schema = claims[("smarter", "schema-valid rate")]
    assert schema.baseline == 1.0 and schema.candidate is not None and schema.candidate < 1
    assert schema.finding == "does not hold"
    assert claims[("faster", "median latency")].finding == "holds"  # demo candidate is faster
    assert claims[("cheaper", "cost per 1,000 cases")].finding == "does not hold"
    drop_in = claims[("drop-in", "cases without an unapproved change")]
    assert drop_in.candidate == pytest.approx(1 - 6 / 14)


def test_shutdown_dates_prefer_the_live_models_list() -> None:
    run = only("same")
    agg = build_aggregates(run, PRICES, {"gpt-4.1-mini": "2027-03-01"})
    warnings = {w.role: (w.shutdown_date, w.source) for w in agg.warnings}
    assert warnings == {
        "baseline": ("2027-01-14", "price table"),
        "candidate": ("2027-03-01", "models list"),
    }
    quiet = build_aggregates(
        make_run(1, statuses=("same",), pair=ModelPair("gpt-4o", "gpt-4.1")), PRICES
    )
    assert quiet.warnings == ()


def test_rows_sort_by_key_whatever_the_run_order() -> None:
    run = make_run(2)
    shuffled = RunResult(run.pair, list(reversed(run.cases)))
    a, b = build_aggregates(run, PRICES), build_aggregates(shuffled, PRICES)
    assert [r.key for r in a.rows] == [r.key for r in b.rows]
    assert a.baseline == b.baseline and a.claims == b.claims
    worst = a.rows_worst_first()
    assert [r.status for r in worst[:2]] == ["regressed", "regressed"]


def test_error_check_outcomes_count_even_if_the_engine_adds_new_check_names() -> None:
    run = only("same")
    run.cases[0].checks.append(CheckResult("tool_calls", Outcome.ERROR, "boom"))
    agg = build_aggregates(run, PRICES)
    assert agg.checks["tool_calls"]["error"] == 1
    assert verdict(agg).decision == "NO-GO"
