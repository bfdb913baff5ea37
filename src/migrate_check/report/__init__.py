"""Reports for sign-off: report.json for machines, report.md for CI, report.html for people.

All render one `RunReport`, decided once when the run finishes.

In: the judged run (`RunResult`), the price table and the models' shutdown dates. Out: a
`RunReport` with its aggregates and GO / REVIEW / NO-GO verdict, written by `writers/`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from migrate_check.core.atomic import atomic_text, naming, write_atomic
from migrate_check.core.pricing import ModelPrice, PriceTable
from migrate_check.report.aggregate import Aggregates, build_aggregates
from migrate_check.report.run_report import RunReport
from migrate_check.report.sign_off import Verdict, verdict
from migrate_check.report.writers.terminal import summary_lines
from migrate_check.safety import secrets as secret_values
from migrate_check.safety.secrets import Scrubber

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
    # What the reports quote (answers, tools' results, errors) came from outside: a key
    # the environment holds is replaced wherever it shows, as in cassettes and logs.
    scrub = secret_values.from_environment()
    with _scrubbed(paths[0], scrub) as handle:
        json_report.write(handle, report)
    md = scrub.text(markdown.render(report))
    write_atomic(paths[1], md)
    with _scrubbed(paths[2], scrub) as handle:
        html.write(handle, report)
    write_atomic(paths[3], scrub.text(markdown.render_comment(report)))
    summary = os.environ.get(STEP_SUMMARY_ENV)
    if summary:
        with naming(summary), open(summary, "a", encoding="utf-8") as handle:
            handle.write(md)
    return paths


class _ScrubbingWriter:
    """A text file's `write`, with known secret values replaced in each part written (the
    writers write a whole case, or a whole value, at a time)."""

    def __init__(self, handle: TextIO, scrub: Scrubber) -> None:
        self._handle = handle
        self._scrub = scrub

    def write(self, text: str) -> int:
        return self._handle.write(self._scrub.text(text))


@contextmanager
def _scrubbed(path: Path, scrub: Scrubber) -> Iterator[TextIO]:
    with atomic_text(path) as handle:
        yield handle if not scrub else _ScrubbingWriter(handle, scrub)  # type: ignore[misc]
