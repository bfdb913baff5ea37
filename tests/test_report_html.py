"""report.html: self-contained, escaped, and usable in a real headless Chromium."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from devtools.synthetic_runs import HOSTILE, make_run

from browser import artifacts_dir, chromium, open_report
from migrate_check.pricing import PriceTable
from migrate_check.report import ReportOptions, build_aggregates, html, verdict, write_reports
from migrate_check.results import RunResult

PRICES = PriceTable.default()
NOW = "2026-11-20T10:00:00Z"


def write(run: RunResult, folder: Path) -> Path:
    return write_reports(run, ReportOptions(folder, PRICES, NOW))[2]


def page_text(run: RunResult) -> str:
    agg = build_aggregates(run, PRICES)
    return html.render(run, agg, verdict(agg), NOW)


def embedded(text: str) -> dict[str, Any]:
    blob = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', text, re.S)
    assert blob is not None
    data: dict[str, Any] = json.loads(blob.group(1))
    return data


def test_page_is_self_contained() -> None:
    text = page_text(make_run(1))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "@import" not in text and "url(" not in text
    assert "default-src 'none'" in text  # the CSP forbids any request the page could make


def test_untrusted_outputs_stay_data() -> None:
    text = page_text(make_run(1, hostile=True))
    assert "window.__pwned" in text
    assert "<script>window.__pwned" not in text and "<img src=x" not in text
    assert text.count("</script>") == 2  # the data blob and the page script, nothing else
    data = embedded(text)
    hostile = next(c for c in data["cases"] if c["k"].endswith("-hostile"))
    assert any(HOSTILE in side for side in hostile["d"])
    assert hostile["c"][-1][2] == HOSTILE


def test_embedded_cases_are_worst_first_with_filters() -> None:
    data = embedded(page_text(make_run(2, samples=2)))
    assert [c["t"] for c in data["cases"][:4]] == ["regressed", "regressed", "error", "error"]
    assert data["suites"] == ["extraction", "summaries", "support-triage"]
    assert "equal $.queue" in data["checks"]
    assert all(len(c["b"]) == 2 and len(c["d"]) == 2 for c in data["cases"])


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        with chromium() as instance:
            yield instance
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


def visible_statuses(page: Any) -> list[str]:
    statuses: list[str] = page.eval_on_selector_all(
        ".case", "els => els.map(e => e.dataset.status)"
    )
    return statuses


def test_report_in_chromium(browser: Any, tmp_path: Path) -> None:
    run = make_run(3, hostile=True)
    agg = build_aggregates(run, PRICES)
    problems: list[str] = []
    page, _ = open_report(browser, write(run, tmp_path), problems)
    assert page.inner_text("#verdict") == "NO-GO"
    assert "55 days" in page.inner_text("header")
    assert len(visible_statuses(page)) == agg.total_cases

    page.click('button.only[data-only="regressed"]')
    assert visible_statuses(page) == ["regressed"] * agg.statuses["regressed"]

    page.click('button.only[data-only="changed"]')
    page.select_option("#check", "equal $.queue")
    changed = visible_statuses(page)
    assert changed and set(changed) == {"changed"}
    assert page.inner_text("#shown") == f"showing {len(changed)} of {agg.total_cases} cases"

    page.select_option("#check", "")
    page.fill("#find", "hostile")
    assert len(visible_statuses(page)) == 1
    page.click(".case .head")
    body = page.locator(".case .body")
    assert body.locator("ins").count() > 0 and body.locator("del").count() > 0
    assert (
        "</script><script>window.__pwned=1</script>"
        in body.locator(".sides pre").nth(1).inner_text()
    )
    assert page.evaluate("window.__pwned") is None
    assert "evidence" in body.inner_text()

    page.fill("#find", "")
    page.click('button.only[data-only="changed"]')
    page.locator(".case .head").first.click()
    page.screenshot(path=str(artifacts_dir() / "report.png"), full_page=True)
    assert problems == []


def wait_for_more(page: Any, count: int, timeout_s: float = 5) -> int:
    """The number of rendered rows once it exceeds `count` (the page's CSP forbids eval)."""
    deadline = time.monotonic() + timeout_s
    while (now := page.locator(".case").count()) <= count:
        assert time.monotonic() < deadline, f"still {now} rows after scrolling"
        page.wait_for_timeout(50)
    return int(now)


def test_ten_thousand_cases_open_quickly_and_scroll(browser: Any, tmp_path: Path) -> None:
    run = make_run(1429)  # 10,003 cases
    problems: list[str] = []
    page, ready_ms = open_report(browser, write(run, tmp_path), problems)
    assert ready_ms < 5_000, f"first rows took {ready_ms:.0f} ms"
    rendered = page.locator(".case").count()
    assert 0 < rendered <= 200  # rendered lazily, not all at once
    for _ in range(3):  # scrolling renders more
        page.mouse.wheel(0, 50_000)
        rendered = wait_for_more(page, rendered)
    page.click('button.only[data-only="improved"]')
    assert page.inner_text("#shown") == "showing 1429 of 10003 cases"
    assert problems == []
