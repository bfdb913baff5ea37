"""How report.html behaves as a viewer at 1,000 and 10,000 cases, in headless Chromium.

    .venv/bin/python benchmarks/bench_viewer.py [--cases N [N ...]] [--repeat R] [--words W]

For each size, a synthetic run (`devtools.synthetic_runs`: every status in equal shares,
JSON outputs of about W words) is rendered to report.html, which is opened from file://
in headless Chromium (tests/helpers/browser.py). Printed:

- the page's size and the time Python takes to render it;
- load: milliseconds from navigation to the first rows, DOMContentLoaded, and when the
  search text of every case is built (in the background once the search box has focus);
  a first search right at load, before that text is built;
- the page's JavaScript heap (CDP's `Runtime.getHeapUsage` after a forced garbage
  collection): with the first rows shown, once the search text is built, and once the
  first 20 cases were opened and closed;
- per filter action (searches over evidence, reasons and outputs, a display mode, a
  status, a check, clearing): the page's own script time, the time until the next frame
  is painted, and the wall time seen from Python (which adds playwright's round trips);
  the median of R repeats;
- keyboard: one `j` step, and opening a case with Enter;
- opening a link to the last case of a 1,429-case filter (rows rendered up to it): the
  wall time from a new tab to the case shown, and the page's own time to its first rows
  with that case open.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root: devtools/
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from devtools.synthetic_runs import STATUSES, make_run

from helpers.browser import chromium, open_report
from migrate_check.core.pricing import PriceTable
from migrate_check.report.run_report import RunReport
from migrate_check.report.writers import html

NOW = "2026-11-20T10:00:00Z"


def write_page(cases: int, words: int, folder: Path) -> tuple[Path, float, list[str]]:
    """report.html for `cases` synthetic cases, the render milliseconds, and the keys of
    the improved cases in display order."""
    run = make_run(-(-cases // len(STATUSES)), words=words)
    run.cases = run.cases[:cases]
    report = RunReport.build(run, PriceTable.default(), NOW)
    started = time.perf_counter()
    text = html.render(report)
    render_ms = (time.perf_counter() - started) * 1000
    path = folder / f"report-{cases}.html"
    path.write_text(text, "utf-8")
    rows = report.aggregates.rows_worst_first()
    improved = [row.key for row in rows if row.status == "improved"]
    return path, render_ms, improved


def figures(page: Any) -> tuple[int, float, float]:
    """Filter runs so far, and the last one's script and to-paint milliseconds."""
    script = (page.get_attribute("html", "data-filter-ms") or "0:nan").split(":")
    painted = (page.get_attribute("html", "data-paint-ms") or "0:nan").split(":")
    paint = float(painted[1]) if painted[0] == script[0] else float("nan")
    return int(script[0]), float(script[1]), paint


def heap_mib(page: Any) -> float:
    """The page's JavaScript heap in use after a full garbage collection, in MiB."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("HeapProfiler.collectGarbage")
        used = float(cdp.send("Runtime.getHeapUsage")["usedSize"])
    finally:
        cdp.detach()
    return used / 2**20


def timed(page: Any, action: Callable[[], object]) -> tuple[float, float, float]:
    """Script, to-paint and wall milliseconds of one filter action."""
    before = figures(page)[0]
    started = time.perf_counter()
    action()
    while True:
        runs, script, paint = figures(page)
        if runs > before and paint == paint:  # painted (not NaN)
            return script, paint, (time.perf_counter() - started) * 1000
        page.wait_for_timeout(1)


def actions(page: Any) -> list[tuple[str, Callable[[], object]]]:
    return [
        ("search evidence", lambda: page.fill("#find", "KeyError")),
        ("search reasons", lambda: page.fill("#find", "raised on the candidate")),
        ("search outputs", lambda: page.fill("#find", "reimbursement")),
        ("search, no match", lambda: page.fill("#find", "zz-nowhere")),
        ("search cleared", lambda: page.fill("#find", "")),
        ("mode: failing", lambda: page.click('#modes [data-mode="failing"]')),
        ("mode: different", lambda: page.click('#modes [data-mode="different"]')),
        ("mode: all", lambda: page.click('#modes [data-mode="all"]')),
        ("status: only changed", lambda: page.click('button.only[data-only="changed"]')),
        ("check: equal $.queue", lambda: page.select_option("#check", "equal $.queue")),
        ("check: all", lambda: page.select_option("#check", "")),
        ("status: all", lambda: page.click("#all-statuses")),
    ]


def bench(browser: Any, cases: int, words: int, repeat: int, folder: Path) -> None:
    path, render_ms, improved = write_page(cases, words, folder)
    print(
        f"\n{cases:,} cases: report.html {path.stat().st_size / 2**20:.2f} MiB, "
        f"rendered by Python in {render_ms:.0f} ms"
    )
    problems: list[str] = []
    loads, contents, indexes = [], [], []
    heaps: dict[str, list[float]] = {"rows": [], "indexed": [], "opened": []}
    for _ in range(repeat):
        page, ready = open_report(browser, path, problems)
        dom = page.evaluate(
            "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
        )
        heaps["rows"].append(heap_mib(page))
        page.focus("#find")  # what starts the search text, where it is built on demand
        while page.get_attribute("html", "data-indexed") is None:
            page.wait_for_timeout(5)
        loads.append(ready)
        contents.append(float(dom))
        indexes.append(float(page.get_attribute("html", "data-indexed") or "nan"))
        heaps["indexed"].append(heap_mib(page))
        page.reload(wait_until="domcontentloaded")
        page.wait_for_selector("html[data-ready]", state="attached")
        heads = page.locator(".case .head")
        for n in range(20):
            heads.nth(n).click()
            heads.nth(n).click()
        heaps["opened"].append(heap_mib(page))
        page.close()
    print(f"  {'first rows after navigation':<30} {statistics.median(loads):7.0f} ms")
    print(f"  {'DOMContentLoaded':<30} {statistics.median(contents):7.0f} ms")
    print(f"  {'search text of all cases built':<30} {statistics.median(indexes):7.0f} ms")
    for label, when in (
        ("rows", "first rows"),
        ("indexed", "search text built"),
        ("opened", "20 cases opened"),
    ):
        line = f"JS heap, {when}"
        print(f"  {line:<30} {statistics.median(heaps[label]):7.1f} MiB")

    cold = []
    for _ in range(repeat):  # at once, before the search text is built in the background
        fresh, _ = open_report(browser, path, problems)
        cold.append(timed(fresh, partial(fresh.fill, "#find", "KeyError"))[1])
        fresh.close()
    print(f"  {'first search, right at load':<30} {statistics.median(cold):7.1f} ms to paint")

    page, _ = open_report(browser, path, problems)
    samples: dict[str, list[tuple[float, float, float]]] = {}
    for _ in range(repeat):
        for label, action in actions(page):
            samples.setdefault(label, []).append(timed(page, action))
    print(f"  {'filter':<30} {'script':>9} {'to paint':>10} {'wall':>9}   (median of {repeat})")
    worst = 0.0
    for label, runs in samples.items():
        script, paint, wall = (statistics.median(r[i] for r in runs) for i in range(3))
        worst = max(worst, paint)
        print(f"  {label:<30} {script:6.1f} ms {paint:7.1f} ms {wall:6.1f} ms")
    print(f"  {'slowest filter, to paint':<30} {worst:6.1f} ms")

    page.keyboard.press("j")
    started = time.perf_counter()
    page.keyboard.press("j")
    page.locator(".case.current").nth(0).wait_for()
    print(f"  {'j (next case)':<30} {(time.perf_counter() - started) * 1000:6.1f} ms wall")
    started = time.perf_counter()
    page.keyboard.press("Enter")
    page.locator(".case.open > .body").first.wait_for()
    print(
        f"  {'Enter (open, word diff)':<30} {(time.perf_counter() - started) * 1000:6.1f} ms wall"
    )
    page.close()

    walls, readies = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        fragment = f"status=improved&case={improved[-1]}"
        linked, ready = open_report(browser, path, problems, fragment)
        linked.locator(".case.open > .body").first.wait_for()
        walls.append((time.perf_counter() - started) * 1000)
        readies.append(ready)
        rows = linked.locator(".case").count()
        linked.close()
    where = f"page + link to case {len(improved)}/{len(improved)}"
    print(
        f"  {where:<30} {statistics.median(walls):6.0f} ms wall, "
        f"{statistics.median(readies):.0f} ms to its rows, case open ({rows} rows rendered)"
    )
    print(f"  {'console/network problems':<30} {len(problems):6d}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--words", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-viewer-") as tmp, chromium() as browser:
        for cases in args.cases:
            bench(browser, cases, args.words, args.repeat, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
