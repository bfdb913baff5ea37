"""Open report.html in Debian's Chromium through playwright, as a reviewer would.

Shared by the HTML report tests and the benchmarks (`bench_reports.py`, `bench_viewer.py`).
A missing browser skips the browser tests with a one-line reason that says how to install
it, except under CI (`CI` set and not false) or where $MIGRATE_CHECK_CHROMIUM names one,
where it is a failure: there a skip would let the viewer rot unnoticed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL = (
    "Chromium is needed to test report.html: install it with "
    "`apt-get update && apt-get install -y chromium` "
    "(or run `python tests/helpers/setup_browser.py`), "
    "or point MIGRATE_CHECK_CHROMIUM at a Chromium binary"
)


def chromium_path() -> str | None:
    """MIGRATE_CHECK_CHROMIUM, else Debian's /usr/bin/chromium, else `chromium` on PATH."""
    configured = os.environ.get("MIGRATE_CHECK_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def under_ci(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str, environ: Mapping[str, str] = os.environ) -> NoReturn:
    """Skip a browser test with `reason` on one line; fail it under CI, or where
    $MIGRATE_CHECK_CHROMIUM names a browser (one asked for and missing is an error)."""
    import pytest  # here, so the benchmarks can use this module without pytest

    line = " ".join(reason.split())
    if under_ci(environ):
        pytest.fail(f"under CI the browser tests must run: {line}", pytrace=False)
    if environ.get("MIGRATE_CHECK_CHROMIUM"):
        named = environ["MIGRATE_CHECK_CHROMIUM"]
        pytest.fail(f"$MIGRATE_CHECK_CHROMIUM names {named}: {line}", pytrace=False)
    pytest.skip(line)


def artifacts_dir() -> Path:
    """Where screenshots go: $MIGRATE_CHECK_ARTIFACTS, else test-artifacts/ at the repo root."""
    configured = os.environ.get("MIGRATE_CHECK_ARTIFACTS")
    folder = (
        Path(configured) if configured else Path(__file__).resolve().parents[2] / "test-artifacts"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium browser; raises RuntimeError with install steps when absent."""
    executable = chromium_path()
    if executable is None:
        raise RuntimeError(INSTALL)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # the test extra is missing
        raise RuntimeError(
            f"playwright is needed: pip install 'migrate-check[test]' ({exc})"
        ) from exc
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_report(
    browser: Any, path: Path, problems: list[str], fragment: str = "", width: int = 1280
) -> tuple[Any, float]:
    """A page showing `path` and the milliseconds from navigation to its first rows rendered.

    `fragment` (without `#`) opens a view a link kept; `width` is the window's, in CSS
    pixels. Console errors, page errors and any request leaving file:// are appended to
    `problems`.
    """
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "request",
        lambda r: (
            problems.append(f"request: {r.url}")
            if not r.url.startswith(("file:", "data:"))
            else None
        ),
    )
    url = path.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("html[data-ready]", state="attached")
    ready = page.get_attribute("html", "data-ready")
    return page, float(ready or "nan")
