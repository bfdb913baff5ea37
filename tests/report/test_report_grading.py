"""Grading in the reports: the grader's calls and cost apart from the pair's, in the
terminal summary, report.json (valid against the schema), report.md and report.html, and
the judge's agreement with the run's human decisions."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from devtools.synthetic_runs import make_run

from migrate_check.core.completion import Usage
from migrate_check.core.pricing import PriceTable
from migrate_check.core.results import CheckResult, GraderSpend, Outcome, RunResult
from migrate_check.report import RunReport, summary_lines, write_reports
from migrate_check.report.writers import json_report

PRICES = PriceTable.default()


def _judge(outcome: Outcome) -> CheckResult:
    spend = [GraderSpend("gpt-4.1", 2, Usage(1_000, 0, 100))]
    return CheckResult("judge", outcome, "the judge's reason", {"agreed": True}, grader=spend)


def _run() -> RunResult:
    """Four cases: an approved change the judge calls same, one it calls changed, a known
    regression it calls regressed, and one with only an embedding check."""
    run = make_run(1, statuses=("same", "same", "same", "same"))
    approved, disputed, regressed, embedded = run.cases
    for case in (approved, disputed):
        case.checks.append(
            CheckResult("similarity", Outcome.CHANGED, "similarity 60 < 80", approved=True)
        )
    approved.checks.append(_judge(Outcome.SAME))
    disputed.checks.append(_judge(Outcome.CHANGED))
    regressed.checks += [
        CheckResult("assert team:no_pii", Outcome.REGRESSED, "candidate fails"),
        _judge(Outcome.REGRESSED),
    ]
    embedded.checks.append(
        CheckResult(
            "embedding",
            Outcome.SAME,
            "cosine 0.95 >= 0.85",
            grader=[GraderSpend("text-embedding-3-small", 1, Usage(400, 0, 0))],
        )
    )
    return run


def _report(run: RunResult) -> RunReport:
    return RunReport.build(run, PRICES, "2026-11-20T10:00:00Z")


def test_grader_cost_is_apart_from_the_pairs_and_priced_per_model() -> None:
    run = _run()
    grading = _report(run).aggregates.grading
    assert grading is not None
    by_model = {m.model: m for m in grading.models}
    assert by_model["gpt-4.1"].calls == 6 and by_model["gpt-4.1"].input_tokens == 3_000
    # gpt-4.1: $2 in / $8 out per 1M; text-embedding-3-small: $0.02 in.
    assert by_model["gpt-4.1"].cost == (3_000 * 2.0 + 300 * 8.0) / 1e6
    assert by_model["text-embedding-3-small"].cost == 400 * 0.02 / 1e6
    assert grading.cost_complete
    plain = _report(make_run(1, statuses=("same", "same", "same", "same")))
    # The pair's figures are the same with or without grading.
    assert plain.aggregates.baseline.cost == _report(run).aggregates.baseline.cost
    assert plain.aggregates.grading is None


def test_calibration_counts_agreement_with_approvals_and_known_regressions() -> None:
    grading = _report(_run()).aggregates.grading
    assert grading is not None and grading.calibration is not None
    calibration = grading.calibration
    assert (calibration.approved, calibration.agreed_with_approved) == (2, 1)
    assert (calibration.regressed, calibration.agreed_with_regressed) == (1, 1)
    assert "agreed on 1 of 2 approved changes" in calibration.line()
    assert "1 of 1 known regressions" in calibration.line()


def test_every_report_shows_grading_and_report_json_validates(tmp_path: Path) -> None:
    report = _report(_run())
    lines = list(summary_lines(report))
    grading_line = next(line for line in lines if line.startswith("grading"))
    assert "apart from the pair's cost" in grading_line
    assert "gpt-4.1 6 calls" in grading_line and "text-embedding-3-small 1 calls" in grading_line
    assert any(line.startswith("judge vs human decisions") for line in lines)
    write_reports(report, tmp_path)
    document = json.loads((tmp_path / "report.json").read_text())
    schema = json_report.schema()
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["version"] == 2  # an optional key: no bump
    assert document["grading"]["calibration"] == {
        "approved": 2,
        "agreed_with_approved": 1,
        "regressed": 1,
        "agreed_with_regressed": 1,
    }
    assert {m["model"] for m in document["grading"]["models"]} == {
        "gpt-4.1",
        "text-embedding-3-small",
    }
    for name in ("report.md", "report.html", "comment.md"):
        text = (tmp_path / name).read_text()
        assert "grading (apart from the pair&#39;s cost)" in text or (
            "grading (apart from the pair's cost)" in text
        ), name
        assert "judge vs human decisions" in text, name
    # Without graded checks nothing about grading appears.
    write_reports(_report(make_run(1)), tmp_path / "plain")
    assert "grading" not in json.loads((tmp_path / "plain" / "report.json").read_text())
