"""report.json and report.html written a case at a time are the texts rendered at once."""

from __future__ import annotations

import dataclasses
import io
import math
from pathlib import Path

import pytest
from devtools.synthetic_runs import make_run

from migrate_check.pricing import PriceTable
from migrate_check.report import RunReport, html, json_report, write_reports
from migrate_check.report.tables import variant_findings, variant_rows
from migrate_check.results import CaseResult, RunResult

NOW = "2026-11-20T10:00:00Z"


def _with_variant(run: RunResult) -> RunResult:
    extra = [
        dataclasses.replace(r, case=dataclasses.replace(r.case, variant="nano"))
        for r in run.cases[:5]
    ]
    return dataclasses.replace(run, cases=[*run.cases, *extra])


def _with_nan(run: RunResult) -> RunResult:
    first: CaseResult = run.cases[0]
    check = dataclasses.replace(first.checks[0], evidence={"score": math.nan})
    return dataclasses.replace(
        run, cases=[dataclasses.replace(first, checks=[check, *first.checks[1:]]), *run.cases[1:]]
    )


RUNS = {
    "plain": lambda: make_run(2, samples=2, hostile=True),
    "variants": lambda: _with_variant(make_run(2, hostile=True)),
    "nan": lambda: _with_nan(make_run(1)),
    "empty": lambda: dataclasses.replace(make_run(1), cases=[]),
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_streamed_reports_are_the_rendered_ones(name: str) -> None:
    report = RunReport.build(RUNS[name](), PriceTable.default(), NOW)
    run, agg, decision = report.run, report.aggregates, report.verdict
    table, findings = variant_rows(report.candidates), variant_findings(report)

    document = json_report.build_document(
        run,
        agg,
        decision,
        NOW,
        approvals=report.approvals,
        variants=report.variants,
        findings=findings,
    )
    streamed = io.StringIO()
    json_report.write(
        streamed,
        run,
        agg,
        decision,
        NOW,
        approvals=report.approvals,
        variants=report.variants,
        findings=findings,
    )
    assert streamed.getvalue() == json_report.render(document)

    page = html.render(
        run, agg, decision, NOW, variants=report.variants, variant_table=table, findings=findings
    )
    streamed = io.StringIO()
    streamed.write("")  # a file may hold nothing yet
    html.write(
        streamed,
        run,
        agg,
        decision,
        NOW,
        variants=report.variants,
        variant_table=table,
        findings=findings,
    )
    assert streamed.getvalue() == page


def test_a_report_that_cannot_be_written_leaves_no_file_behind(tmp_path: Path) -> None:
    report = RunReport.build(make_run(1), PriceTable.default(), NOW)
    (tmp_path / "report.html").mkdir()  # a folder where the page goes: the rename fails
    with pytest.raises(OSError):
        write_reports(report, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.json", "report.md"]


def test_a_page_whose_data_is_not_json_is_written_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = RunReport.build(make_run(1), PriceTable.default(), NOW)
    run, agg, decision = report.run, report.aggregates, report.verdict
    page = html.render(run, agg, decision, NOW)

    def pieces(*args: object) -> object:
        yield '{"cases":['
        raise html._NotJson

    monkeypatch.setattr(html, "_data_pieces", pieces)
    streamed = io.StringIO()
    html.write(streamed, run, agg, decision, NOW)
    assert streamed.getvalue() == page
