"""The terminal summary: short, and everything a CI log reader needs."""

from __future__ import annotations

from pathlib import Path

from devtools.synthetic_runs import make_run

from migrate_check.core.case import ModelPair
from migrate_check.core.pricing import PriceTable
from migrate_check.report import RunReport, summary_lines

PRICES = PriceTable.default()


def test_summary_has_verdict_counts_per_check_cost_latency_warnings_and_paths() -> None:
    run = make_run(2)
    paths = [Path("out/report.json"), Path("out/report.md"), Path("out/report.html")]
    lines = list(summary_lines(RunReport.build(run, PRICES, "2026-11-20T10:00:00Z"), paths))
    assert lines[0] == "gpt-4o-mini -> gpt-4.1-mini: NO-GO (2 cases regressed; 2 cases errored)"
    assert lines[1].split() == [
        "regressed",
        "error",
        "changed",
        "broken",
        "improved",
        "approved",
        "same",
    ]
    assert lines[2].split() == ["cases", "2", "2", "2", "2", "2", "2", "2"]
    assert any(line.split()[:2] == ["equal", "$.queue"] for line in lines)
    model_line = next(line for line in lines if line.startswith("gpt-4o-mini (baseline)"))
    assert "$" in model_line and "ms" in model_line
    assert any(line.startswith("candidate/baseline") and "x" in line for line in lines)
    assert "prices: table dated 2026-11" in lines
    assert sum(line.startswith("warning: ") for line in lines) == 1  # one date, both models
    assert "(in 55 days)" in next(line for line in lines if line.startswith("warning: "))
    assert lines[-1] == "reports: out/report.json, out/report.md, out/report.html"
    assert len(lines) <= 20 and all(len(line) <= 160 for line in lines)


def test_summary_follows_the_verdict_it_is_given() -> None:
    run = make_run(1, statuses=("same", "changed"))
    default = next(iter(summary_lines(RunReport.build(run, PRICES, ""))))
    strict = next(iter(summary_lines(RunReport.build(run, PRICES, "", fail_on_changed=True))))
    assert default.endswith("REVIEW (1 case changed, to read and approve)")
    assert "NO-GO" in strict


def test_no_warning_for_models_without_a_shutdown_date() -> None:
    run = make_run(1, statuses=("same",), pair=ModelPair("gpt-4o", "gpt-4.1"))
    lines = list(summary_lines(RunReport.build(run, PRICES, "")))
    assert not any(line.startswith(("warning", "reports")) for line in lines)
    assert lines[0].endswith("GO (every case (1) unchanged or accepted)")
