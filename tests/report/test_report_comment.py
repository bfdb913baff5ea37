"""comment.md: the Markdown report within one GitHub pull-request comment (65,536 characters),
and report.md within the step-summary limit, however large the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from devtools.synthetic_runs import make_run

from conftest import PAIR
from migrate_check.core.pricing import PriceTable
from migrate_check.report import RunReport, write_reports
from migrate_check.report.writers import markdown as md

NOW = "2026-11-20T10:00:00Z"


def _write(tmp_path: Path, per_status: int, **kwargs: object) -> dict[str, str]:
    run = make_run(per_status, **kwargs)  # type: ignore[arg-type]
    paths = write_reports(RunReport.build(run, PriceTable.default(), NOW), tmp_path)
    return {p.name: p.read_text(encoding="utf-8") for p in paths}


@pytest.mark.parametrize("hostile", [False, True], ids=["plain", "hostile"])
def test_a_large_run_fits_a_comment_and_a_step_summary(tmp_path: Path, hostile: bool) -> None:
    files = _write(tmp_path, 300, words=120, hostile=hostile)  # 2,100 cases, long outputs
    comment, report = files["comment.md"], files["report.md"]

    assert len(comment) <= md.COMMENT_LIMIT
    assert len(comment.encode("utf-8")) <= md.COMMENT_MAX_BYTES
    assert len(report.encode("utf-8")) <= md.MAX_BYTES < md.STEP_SUMMARY_LIMIT
    assert len(report) > md.COMMENT_LIMIT  # the comment had to be cut, the summary less so
    assert comment.startswith(md.COMMENT_MARKER + "\n## migrate-check: gpt-4o-mini")
    assert "**NO-GO**" in comment and "### Cases, worst first" in comment
    assert "to stay within GitHub's comment limit; see report.html" in comment
    assert "to stay within GitHub's step-summary limit; see report.html" in report
    assert 0 < comment.count("<details>") < report.count("<details>")
    assert comment.count("<details>") == comment.count("</details>")


def test_a_small_run_comments_the_whole_report(tmp_path: Path) -> None:
    files = _write(tmp_path, 1)
    assert files["comment.md"] == md.COMMENT_MARKER + "\n" + files["report.md"]
    assert "not shown" not in files["comment.md"]


def test_a_head_larger_than_the_budget_is_cut_at_a_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(md, "COMMENT_MAX_BYTES", 1_500)
    comment = _write(tmp_path, 1)["comment.md"]
    assert len(comment.encode("utf-8")) <= 1_500
    assert comment.endswith("\n\n(cut to fit one comment; see report.html or report.json)\n")
    kept = comment.removesuffix("\n\n(cut to fit one comment; see report.html or report.json)\n")
    assert kept.endswith("\n") and kept.startswith(md.COMMENT_MARKER)


def test_a_run_writes_the_comment_beside_the_reports(
    pytester: pytest.Pytester, recorded: None
) -> None:
    result = pytester.runpytest("--model-pair", PAIR)
    out = pytester.path / "migrate-check-report"
    assert sorted(p.name for p in out.iterdir()) == [
        "comment.md",
        "report.html",
        "report.json",
        "report.md",
    ]
    result.stdout.fnmatch_lines(["reports: *report.json, *report.md, *report.html, *comment.md"])
    comment = (out / "comment.md").read_text()
    assert comment == md.COMMENT_MARKER + "\n" + (out / "report.md").read_text()
