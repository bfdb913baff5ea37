"""A pair retiring on one day is one warning per run in each place, naming both models."""

from __future__ import annotations

import pytest
from devtools.synthetic_runs import make_run

from conftest import PAIR
from migrate_check.core.pricing import PriceTable
from migrate_check.report import RunReport, summary_lines
from migrate_check.report import display as fmt
from migrate_check.report.writers import markdown

NOW = "2026-11-29T10:00:00Z"
BOTH = (
    "gpt-4o-mini and gpt-4.1-mini shut down on 2027-01-14 (in 46 days): "
    "keep their recordings, the only lasting copy of their behaviour."
)


def _reports(shutdown_dates: dict[str, str] | None = None) -> tuple[list[str], str]:
    run = make_run(1)
    report = RunReport.build(run, PriceTable.default(), NOW, shutdown_dates=shutdown_dates)
    terminal = list(summary_lines(report))
    return terminal, markdown.render(report)


def test_one_date_is_one_warning_in_the_terminal_and_the_markdown() -> None:
    terminal, md = _reports()
    assert [line for line in terminal if "shut" in line] == [f"warning: {BOTH}"]
    assert md.count("[!WARNING]") == 1 and md.count("shut down on") == 1
    assert "gpt-4o-mini and gpt-4.1-mini shut down on 2027-01-14" in md


def test_two_dates_are_two_warnings() -> None:
    terminal, md = _reports({"gpt-4.1-mini": "2027-06-30"})
    assert [line for line in terminal if line.startswith("warning:")] == [
        "warning: gpt-4o-mini (baseline) shuts down on 2027-01-14 (in 46 days): keep its "
        "recordings, they are the only lasting copy of its behaviour.",
        "warning: gpt-4.1-mini (candidate) shuts down on 2027-06-30 (in 213 days): keep its "
        "recordings, they are the only lasting copy of its behaviour.",
    ]
    assert md.count("[!WARNING]") == 2


def test_past_dates_read_in_the_past() -> None:
    run = make_run(1)
    agg = RunReport.build(run, PriceTable.default(), NOW).aggregates
    [note] = fmt.shutdown_notes(agg.warnings, "2027-02-01T00:00:00Z")
    assert note.startswith("gpt-4o-mini and gpt-4.1-mini were shut down on 2027-01-14: ")


def test_a_run_prints_the_warning_once(pytester: pytest.Pytester, recorded: None) -> None:
    # Serially; under -n 2 the controller prints it once too (test_option_xdist).
    result = pytester.runpytest("--model-pair", PAIR)
    warnings = [line for line in result.outlines if "shut down on" in line or "shuts down" in line]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith("warning: gpt-4o-mini and gpt-4.1-mini shut down on 2027-01-14")
    md = (pytester.path / "migrate-check-report" / "report.md").read_text()
    assert md.count("[!WARNING]") == 1
