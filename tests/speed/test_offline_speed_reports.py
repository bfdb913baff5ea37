"""report.json and report.html written a case at a time are the texts rendered at once."""

from __future__ import annotations

import dataclasses
import io
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from devtools.synthetic_runs import make_run

from migrate_check.core.pricing import PriceTable
from migrate_check.core.results import CaseResult, RunResult
from migrate_check.report import RunReport, write_reports
from migrate_check.report.writers import html, json_report

NOW = "2026-11-20T10:00:00Z"
DATA_BLOCK = re.compile(r'<script type="application/json" [^>]*>(.*?)</script>', re.S)


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

    document = json_report.build_document(report)
    streamed = io.StringIO()
    json_report.write(streamed, report)
    assert streamed.getvalue() == json_report.render(document)

    page = html.render(report)
    streamed = io.StringIO()
    streamed.write("")  # a file may hold nothing yet
    html.write(streamed, report)
    assert streamed.getvalue() == page


def test_a_report_that_cannot_be_written_leaves_no_file_behind(tmp_path: Path) -> None:
    report = RunReport.build(make_run(1), PriceTable.default(), NOW)
    (tmp_path / "report.html").mkdir()  # a folder where the page goes: the rename fails
    with pytest.raises(OSError):
        write_reports(report, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.json", "report.md"]


def test_a_value_json_has_no_text_for_falls_back_in_its_own_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """NaN is no JSON (JSON.parse would refuse its block): that block falls back to
    script_json's plain JSON, the others are as without it, and streaming writes the same."""
    report = RunReport.build(make_run(5), PriceTable.default(), NOW)
    run = report.run
    plain = html.render(report)
    case = html._case

    def with_nan(result: CaseResult, *args: Any) -> dict[str, Any]:
        data = case(result, *args)
        if result is run.cases[0]:
            data["q"] = {"temperature": math.nan}
        return data

    monkeypatch.setattr(html, "_case", with_nan)
    page = html.render(report)
    streamed = io.StringIO()
    html.write(streamed, report)
    assert streamed.getvalue() == page
    blocks, before = (DATA_BLOCK.findall(text) for text in (page, plain))
    changed = [block for block, was in zip(blocks, before, strict=True) if block != was]
    assert len(changed) == 1 and '"temperature":null' in changed[0]  # no NaN in the page
    for block in blocks:  # each still JSON, as JSON.parse reads it
        json.loads(block, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))
