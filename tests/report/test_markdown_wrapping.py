"""report.md cuts an answer before wrapping it: textwrap breaks a long word by copying the
rest of the line each time, quadratic in the answer's length."""

from __future__ import annotations

import dataclasses
import time

from devtools.synthetic_runs import make_run

from migrate_check.core.pricing import PriceTable
from migrate_check.report import RunReport
from migrate_check.report.writers import markdown


def test_a_long_answer_without_spaces_is_diffed_quickly_around_its_difference() -> None:
    """Before: 3 MB without a space took about 7 s to wrap (10 MB: over a minute)."""
    size = 3_000_000
    baseline = "x" * size
    candidate = "x" * (size - 1_000) + "y" + "x" * 999
    started = time.monotonic()
    diff = markdown.compact_diff(baseline, candidate)
    assert time.monotonic() - started < 1
    lines = diff.splitlines()
    context = size - 1_000 - markdown.WRAP  # one wrapped line of context before the change
    assert lines[0] == f"@@ {context:,} identical characters before this not shown @@"
    assert " " + "x" * markdown.WRAP in lines
    assert "-" + "x" * markdown.WRAP in lines
    assert "+" + "y" + "x" * (markdown.WRAP - 1) in lines
    assert len(lines) <= markdown.DIFF_MAX_LINES + 2


def test_short_answers_are_diffed_whole_as_before() -> None:
    diff = markdown.compact_diff("one\ntwo\nthree", "one\n2\nthree")
    assert diff.splitlines() == ["@@ -1,3 +1,3 @@", " one", "-two", "+2", " three"]


def test_a_case_with_a_ten_megabyte_answer_renders_within_the_budget() -> None:
    run = make_run(1, statuses=("changed",))
    case = run.cases[0]
    (answer,) = case.candidate
    huge = dataclasses.replace(answer, text="z" * 10_000_000)
    run.cases[0] = dataclasses.replace(case, candidate=[huge])
    started = time.monotonic()
    text = markdown.render(RunReport.build(run, PriceTable.default(), "2026-11-20T10:00:00Z"))
    assert time.monotonic() - started < 3
    assert "+" + "z" * markdown.WRAP in text
    assert len(text.encode("utf-8")) <= markdown.MAX_BYTES
