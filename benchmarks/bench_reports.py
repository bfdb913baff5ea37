"""Time the three reports for 10,000 cases, their sizes, and how fast report.html opens.

    /work/venv/bin/python benchmarks/bench_reports.py [--cases N] [--words W] [--samples K]
        [--out DIR] [--no-browser]

The run is synthetic (`devtools.synthetic_runs`): every status in equal shares, JSON
outputs of about W words. The browser part opens report.html in headless Chromium
(tests/helpers/browser.py) and times the first rows, a filter click, expanding a case, and
scrolling through the first thousand rows.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from migrate_check.report import PriceTable, RunReport, build_aggregates, write_reports
from migrate_check.report.writers import html, json_report, markdown

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root: devtools/

from devtools.synthetic_runs import STATUSES, make_run

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
P = ParamSpec("P")
T = TypeVar("T")


def timed(label: str, func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    start = time.perf_counter()
    result = func(*args, **kwargs)
    print(f"  {label:<28} {(time.perf_counter() - start) * 1000:8.0f} ms")
    return result


def browser_figures(path: Path) -> None:
    from helpers.browser import chromium, open_report

    problems: list[str] = []
    with chromium() as browser:
        page, ready_ms = open_report(browser, path, problems)
        load = page.evaluate(
            "(() => { const n = performance.getEntriesByType('navigation')[0];"
            " return [n.domContentLoadedEventEnd, n.loadEventEnd]; })()"
        )
        print(f"  {'first rows rendered':<28} {ready_ms:8.0f} ms after navigation")
        print(f"  {'DOMContentLoaded / load':<28} {load[0]:8.0f} / {load[1]:.0f} ms")
        start = time.perf_counter()
        page.click('button.only[data-only="changed"]')
        page.locator(".case").first.wait_for()
        print(f"  {'filter click (changed)':<28} {(time.perf_counter() - start) * 1000:8.0f} ms")
        start = time.perf_counter()
        page.locator(".case .head").first.click()
        page.locator(".case .body").first.wait_for()
        print(f"  {'expand a case (word diff)':<28} {(time.perf_counter() - start) * 1000:8.0f} ms")
        page.click("#all-statuses")
        start = time.perf_counter()
        while page.locator(".case").count() < 1000:
            page.mouse.wheel(0, 20_000)
            page.wait_for_timeout(10)
        elapsed = (time.perf_counter() - start) * 1000
        print(f"  {'scroll to 1,000 rows':<28} {elapsed:8.0f} ms")
        print(f"  {'console/network problems':<28} {len(problems):8d}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=40)
    parser.add_argument("--samples", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    per_status = -(-args.cases // len(STATUSES))
    run = make_run(per_status, words=args.words, samples=args.samples)
    run.cases = run.cases[: args.cases]
    prices = PriceTable.default()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-reports-"))
    now = "2026-11-20T10:00:00Z"
    print(f"{len(run.cases):,} cases, {args.samples} sample(s) a side, ~{args.words} words")

    report = RunReport.build(run, prices, now)
    timed("build_aggregates", build_aggregates, run, prices)
    document = timed("report.json build", json_report.build_document, report)
    timed("report.json render", json_report.render, document)
    timed("report.md render", markdown.render, report)
    timed("report.html render", html.render, report)
    paths = timed("write_reports (all three)", write_reports, report, out)
    for path in paths:
        print(f"  {path.name:<28} {path.stat().st_size / 1024 / 1024:8.2f} MiB")
    if not args.no_browser:
        browser_figures(paths[2])
    print(f"reports in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
