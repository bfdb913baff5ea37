"""Reports for sign-off: report.json for machines, report.md for CI, report.html for people.

All three render one `Aggregates`, computed once from the run the engine filled.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from migrate_check.atomic import write_atomic
from migrate_check.pricing import ModelPrice, PriceTable
from migrate_check.report import html, json_report, markdown
from migrate_check.report.aggregate import Aggregates, build_aggregates
from migrate_check.report.sign_off import Verdict, verdict
from migrate_check.report.summary import summary_lines
from migrate_check.results import RunResult

if TYPE_CHECKING:
    from migrate_check.approvals import Audit

__all__ = [
    "Aggregates",
    "ModelPrice",
    "PriceTable",
    "ReportOptions",
    "Verdict",
    "build_aggregates",
    "summary_lines",
    "verdict",
    "write_reports",
]

STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


@dataclass
class ReportOptions:
    """Where and how to write; `generated_at` is the only nondeterministic input."""

    out_dir: Path
    prices: PriceTable
    generated_at: str
    shutdown_dates: dict[str, str] = field(default_factory=dict)
    fail_on_changed: bool = False
    approvals: Audit | None = None  # what became of the approvals file, for report.json


def write_reports(
    run: RunResult, options: ReportOptions, *, aggregates: Aggregates | None = None
) -> list[Path]:
    """Write report.json, report.md, report.html and comment.md (report.md cut to fit a
    pull-request comment) atomically; append the Markdown to $GITHUB_STEP_SUMMARY when CI
    sets it. Pass `aggregates` to reuse the ones the terminal summary shows. Returns the
    paths written."""
    if aggregates is None:
        aggregates = build_aggregates(run, options.prices, options.shutdown_dates)
    decision = verdict(aggregates, fail_on_changed=options.fail_on_changed)
    out = Path(options.out_dir)
    document = json_report.build_document(
        run, aggregates, decision, options.generated_at, approvals=options.approvals
    )
    md = markdown.render(run, aggregates, decision, options.generated_at)
    page = html.render(run, aggregates, decision, options.generated_at)
    comment = markdown.render_comment(run, aggregates, decision, options.generated_at)
    paths = [out / "report.json", out / "report.md", out / "report.html", out / "comment.md"]
    texts = [json_report.render(document), md, page, comment]
    for path, text in zip(paths, texts, strict=True):
        write_atomic(path, text)
    summary = os.environ.get(STEP_SUMMARY_ENV)
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(md)
    return paths
