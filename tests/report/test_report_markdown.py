"""report.md: verdict first, worst first, and within GitHub's step-summary limit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from devtools.synthetic_runs import HOSTILE, make_run

from migrate_check.core.pricing import PriceTable
from migrate_check.report import RunReport, write_reports
from migrate_check.report.writers import markdown

PRICES = PriceTable.default()
NOW = "2026-11-20T10:00:00Z"


def render(per_status: int, max_bytes: int = markdown.MAX_BYTES, **kwargs: object) -> str:
    run = make_run(per_status, **kwargs)  # type: ignore[arg-type]
    return markdown.render(RunReport.build(run, PRICES, NOW), max_bytes=max_bytes)


def test_verdict_and_aggregates_come_before_the_cases_worst_first() -> None:
    text = render(1)
    order = [
        text.index("**NO-GO**"),
        text.index("### Per model"),
        text.index("### Claims vs your data"),
        text.index("### Checks"),
        text.index("### Cases, worst first"),
    ]
    assert order == sorted(order)
    cases = text[text.index("### Cases") :]
    positions = [
        cases.index(f"<b>{s}</b>")
        for s in ("regressed", "error", "changed", "broken", "improved", "approved")
    ]
    assert positions == sorted(positions)
    assert "<b>same</b>" not in cases and "1 unchanged cases not listed." in text
    assert "table dated 2026-11" in text
    assert "shut down on 2027-01-14 (in 55 days)" in text
    assert "```diff\n" in text and '\n-  "priority"' in text


def test_ten_thousand_cases_stay_under_the_step_summary_limit() -> None:
    text = render(1429, words=120)  # 10,003 cases with long outputs
    size = len(text.encode("utf-8"))
    assert size <= markdown.MAX_BYTES < markdown.STEP_SUMMARY_LIMIT
    assert "more cases not shown** (" in text
    assert "see report.html or report.json" in text


def test_truncation_counts_what_it_left_out() -> None:
    full = render(5)
    cut = render(5, max_bytes=len(full.encode()) // 2)
    shown = cut.count("<details>")
    listed = full.count("<details>")
    assert 0 < shown < listed
    note = cut[cut.index("more cases not shown") - 10 :]
    assert f"**{listed - shown} more cases not shown**" in cut, note


def test_untrusted_text_cannot_escape_its_markup() -> None:
    text = render(1, hostile=True)
    # code shows text literally; everywhere else markup must arrive escaped
    outside = re.sub(r"`[^`\n]*`", "", re.sub(r"(?s)```diff\n.*?\n```\n", "", text))
    assert "<script" not in outside and "<img" not in outside
    assert "</script><script>window.__pwned=1</script>" in text  # verbatim inside the fence
    assert "&lt;/script&gt;&lt;script&gt;" in text  # escaped in the summary and check reasons
    # in prose, Markdown's own punctuation is escaped too (`_` would start emphasis)
    escaped = HOSTILE.replace("<", "&lt;").replace(">", "&gt;").replace("_", "\\_")
    assert escaped in text


def test_fences_outlast_backticks_in_outputs() -> None:
    run = make_run(1, statuses=("changed",))
    run.cases[0].candidate[0].text = "```python\nprint(1)\n```"
    text = markdown.render(RunReport.build(run, PRICES, NOW))
    assert "````diff\n" in text


def test_step_summary_is_appended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step output\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    paths = write_reports(RunReport.build(make_run(1), PRICES, NOW), tmp_path / "out")
    report = paths[1].read_text()
    assert summary.read_text() == "earlier step output\n" + report


def test_no_step_summary_outside_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    paths = write_reports(RunReport.build(make_run(1), PRICES, NOW), tmp_path)
    assert [p.name for p in paths] == ["report.json", "report.md", "report.html", "comment.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
