"""Reports for sign-off: report.json for machines, report.md for CI, report.html for people.

All render one `RunReport`, decided once when the run finishes.

In: the judged run (`RunResult`), the price table and the models' shutdown dates. Out: a
`RunReport` with its aggregates and GO / REVIEW / NO-GO verdict, written by `writers/`.
"""

from __future__ import annotations

import os
from pathlib import Path

from migrate_check.core.atomic import atomic_text, naming, write_atomic
from migrate_check.core.pricing import ModelPrice, PriceTable
from migrate_check.report.aggregate import Aggregates, build_aggregates
from migrate_check.report.run_report import RunReport
from migrate_check.report.sign_off import Verdict, verdict
from migrate_check.report.writers.terminal import summary_lines

__all__ = [
    "Aggregates",
    "ModelPrice",
    "PriceTable",
    "RunReport",
    "Verdict",
    "build_aggregates",
    "summary_lines",
    "verdict",
    "write_reports",
]

STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


def write_reports(report: RunReport, out_dir: Path) -> list[Path]:
    """Write report.json, report.md, report.html and comment.md (report.md cut to fit a
    pull-request comment) atomically; append the Markdown to $GITHUB_STEP_SUMMARY when CI
    sets it. Returns the paths written.

    report.json and report.html are written a case at a time, so neither their text nor
    every case's data is held at once."""
    # Imported here: the writers (html's jinja2 above all) cost a run that writes no
    # report, and every collection, a twentieth of a second.
    from migrate_check.report.writers import html, json_report, markdown

    out = Path(out_dir)
    paths = [out / "report.json", out / "report.md", out / "report.html", out / "comment.md"]
    with atomic_text(paths[0]) as handle:
        json_report.write(handle, report)
    md = markdown.render(report)
    write_atomic(paths[1], md)
    with atomic_text(paths[2]) as handle:
        html.write(handle, report)
    write_atomic(paths[3], markdown.render_comment(report))
    summary = os.environ.get(STEP_SUMMARY_ENV)
    if summary:
        with naming(summary), open(summary, "a", encoding="utf-8") as handle:
            handle.write(md)
    return paths
