"""report.html of the bundled example at laptop widths, in a real headless Chromium.

At 800, 1024 and 1440 px: nothing is wider than the window, an open case's key stays on a
line or two, no badge is clipped, and nothing in an open case sticks out past its row.
The counts beside the filters follow the other filters and the search, and the search's
matches are marked with <mark> elements built from text nodes. A callable that timed
out says so in words, with the setting that raises its limit.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from devtools.synthetic_runs import HOSTILE, make_run

from helpers.browser import artifacts_dir, chromium, open_report, unavailable
from migrate_check.core.pricing import PriceTable
from migrate_check.core.results import CheckResult, Outcome
from migrate_check.report.run_report import RunReport
from migrate_check.report.writers import html

REPO = Path(__file__).resolve().parents[2]
PAIR = "gpt-4o-mini:gpt-4.1-mini"
WIDTHS = (800, 1024, 1440)
TIMED_OUT = "order-extraction::bulk-order"  # its downstream callable sleeps past 0.5 s
REGRESSED = "order-extraction::gift-order"  # schema and downstream regressed, evidence
LONGEST = "customer-updates::claim-accepted-synonym"
INDEX = re.compile(r'<script type="application/json" class="case-index">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """report.html of the bundled example, replayed offline as README's first command does."""
    project = tmp_path_factory.mktemp("example")
    shutil.copytree(REPO / "suites", project / "suites")
    shutil.copytree(REPO / "cassettes", project / "cassettes")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI_"))}
    env["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1"  # closed: replay only
    reports = project / "reports"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "suites/"]
    command += ["--model-pair", PAIR, "--report-dir", str(reports)]
    done = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 1 and "NO-GO" in done.stdout, done.stdout[-2000:] + done.stderr
    return reports / "report.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        with chromium() as instance:
            yield instance
    except RuntimeError as exc:
        unavailable(str(exc))


def entries(path: Path) -> list[dict[str, Any]]:
    """The page's index: each case's key `k`, suite `s`, status `t`, checks `c`..."""
    text = path.read_text("utf-8")
    return [entry for block in INDEX.findall(text) for entry in json.loads(block)]


# Measured in the page: the document's widths, the open case's key and line height, and
# whatever is too wide for its box (badges, chips, rows) or sticks out of the open case.
LAYOUT = """() => {
  const doc = document.documentElement, open = document.querySelector('.case.open');
  const key = open.querySelector('.head .key'), edge = open.getBoundingClientRect().right;
  const shown = e => e.getClientRects().length > 0;
  const name = e => e.tagName.toLowerCase() + '.' + e.className + ' ' + e.textContent.slice(0, 40);
  const all = sel => [...document.querySelectorAll(sel)];
  const tooWide = sel => all(sel).filter(e => shown(e) && e.scrollWidth > e.clientWidth).map(name);
  const past = e => shown(e) && e.getBoundingClientRect().right > edge + 0.5;
  return {
    scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth,
    keyHeight: key.getBoundingClientRect().height,
    lineHeight: parseFloat(getComputedStyle(key).lineHeight),
    keyHeights: all('.case .key').map(k => k.getBoundingClientRect().height),
    clipped: tooWide('.badge, .chip, .case > .head, .checks th'),
    sticking: [...open.querySelectorAll('*')].filter(past).map(name),
  };
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_page_fits_a_laptop(browser: Any, example: Path, width: int) -> None:
    problems: list[str] = []
    for key in (REGRESSED, TIMED_OUT, LONGEST):
        page, _ = open_report(browser, example, problems, f"case={key}", width=width)
        assert page.locator(".case.open .key").inner_text() == key
        for box in page.locator(".case.open details").all():  # evidence and prompt open too
            box.evaluate("e => { e.open = true; }")
        layout = page.evaluate(LAYOUT)
        assert layout["scrollWidth"] <= layout["clientWidth"] == width, (key, layout)
        line = layout["lineHeight"]
        assert 10 < line < 30 and layout["keyHeight"] <= 2 * line + 1, (key, layout)
        assert max(layout["keyHeights"]) <= 2 * line + 1, layout["keyHeights"]
        assert layout["clipped"] == [] and layout["sticking"] == [], (key, layout)
        if key == REGRESSED:  # the open case at the top of the window, under the filters
            page.locator(".case.open").evaluate("e => e.scrollIntoView()")
            page.screenshot(path=str(artifacts_dir() / f"report-{width}px.png"))
        page.close()
    assert problems == []


def test_counts_follow_the_filters_and_the_search(browser: Any, example: Path) -> None:
    cases = entries(example)
    problems: list[str] = []
    page, _ = open_report(browser, example, problems, width=1024)

    def counts() -> dict[str, int]:
        shown = page.eval_on_selector_all(
            "#status-filters .count", "els => els.map(e => [e.dataset.count, e.textContent])"
        )
        return {status: int(text) for status, text in shown if int(text)}

    def modes() -> list[int]:
        return [int(page.inner_text(f"#n-{mode}")) for mode in ("all", "different", "failing")]

    everything = Counter(c["t"] for c in cases)
    assert counts() == everything and modes()[0] == len(cases) == 71

    page.select_option("#suite", "order-extraction")
    suite = Counter(c["t"] for c in cases if c["s"] == "order-extraction")
    assert counts() == suite != everything
    assert modes()[0] == sum(suite.values())

    page.fill("#find", "reserve_stock")  # one case's check: the search narrows it to one
    assert counts() == {"error": 1} and modes() == [1, 0, 1]
    assert page.inner_text("#shown") == "showing 1 of 71 cases"

    page.fill("#find", "")
    page.select_option("#suite", "")
    page.select_option("#check", "schema")  # a check's own outcomes, where it ran
    schema = Counter(r[1] for c in cases for r in c["c"] if r[0] == "schema")
    assert counts() == schema and modes()[0] == sum(schema.values())

    page.select_option("#check", "")
    page.click('button.only[data-only="regressed"]')  # the counts say what ticking adds
    assert counts() == everything and modes()[0] == everything["regressed"]
    assert problems == []


def test_search_matches_are_marked(browser: Any, example: Path) -> None:
    problems: list[str] = []
    page, _ = open_report(browser, example, problems, f"q=CUSTOMER_NAME&case={REGRESSED}")
    # The head's key has no match; the open case's outputs, reason and evidence do.
    marks = page.locator(".case.open mark")
    assert marks.count() >= 4
    assert {text.lower() for text in marks.all_inner_texts()} == {"customer_name"}
    assert page.locator(".case.open mark *").count() == 0  # text only inside
    opened = page.locator(".case.open details.ev[open]")
    assert opened.count() >= 1 and opened.locator("mark").count() >= 1  # opened to show it
    page.fill("#find", "gift-ord")  # now the key matches: its mark is in the row's head
    page.locator(".case .head .key mark").first.wait_for()  # the search runs after typing
    assert page.locator(".case .head .key mark").all_inner_texts() == ["gift-ord"]
    assert page.locator(".case .key").first.inner_text() == REGRESSED
    assert problems == []


def test_a_match_in_hostile_text_is_marked_as_text(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    report = RunReport.build(make_run(1, hostile=True), PriceTable.default(), "2026-11-20T10:00Z")
    path.write_text(html.render(report), "utf-8")
    problems: list[str] = []
    page, _ = open_report(browser, path, problems, "q=%3Cimg+src%3Dx")
    page.click(".case .head")
    marks = page.locator(".case.open mark")
    assert marks.count() >= 1 and set(marks.all_inner_texts()) == {"<img src=x"}
    assert page.locator(".case.open img, .case.open script").count() == 0
    assert any(HOSTILE in text for text in page.locator(".case.open .sides pre").all_inner_texts())
    assert page.evaluate("window.__pwned") is None
    assert problems == []


def test_a_timed_out_callable_says_what_to_raise(browser: Any, example: Path) -> None:
    problems: list[str] = []
    page, _ = open_report(browser, example, problems, f"case={TIMED_OUT}", width=800)
    note = page.locator(".case.open .checks .note")
    assert note.count() == 1
    text = " ".join(note.inner_text().split())
    assert "downstream callable example_app.orders:reserve_stock ran past its 0.5 s limit" in text
    assert text.startswith("baseline: ")  # the side it timed out on (called first)
    assert "timeout: 1}" in text and "(default 10 s)" in text
    assert note.locator("code").all_inner_texts()[:2] == [
        "example_app.orders:reserve_stock",
        "timeout",
    ]
    assert problems == []


def test_evidence_cut_short_still_indents(browser: Any, tmp_path: Path) -> None:
    """Evidence past its 4,000 characters is cut, so no longer JSON: it indents all the
    same, and numbers keep their spelling (97.0 stays 97.0)."""
    run = make_run(1)
    evidence = {"score": 97.0, "items": [f"item {i} " + "word " * 20 for i in range(60)]}
    run.cases[0].checks.append(CheckResult("long", Outcome.SAME, "cut", evidence, True, True))
    path = tmp_path / "report.html"
    report = RunReport.build(run, PriceTable.default(), "2026-11-20T10:00Z")
    path.write_text(html.render(report), "utf-8")
    problems: list[str] = []
    page, _ = open_report(browser, path, problems, "q=item+1+word", width=800)
    page.locator(".case .head").first.click()
    box = page.locator(".case.open details.ev").last
    assert box.get_attribute("open") is not None  # a match inside: open already
    lines = box.locator("pre").inner_text().split("\n")
    assert lines[:3] == ["{", '  "items": [', '    "item 0 ' + "word " * 20 + '",']
    assert lines[-1].endswith("…") and '  "score": 97.0' not in lines  # cut before it
    width = box.locator("pre").evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert width[0] <= width[1]  # long lines wrap, under their start
    assert problems == []
