"""pytest-xdist: `-n 2` gives the serial outcomes and one merged report, written once."""

from __future__ import annotations

import json

import pytest
from devtools.local_openai import LocalServer

from conftest import PAIR, TRIAGE_SUITE, write_suite

MORE_CASES = "".join(
    f"""
      - id: extra-{n}
        messages:
          - {{role: user, content: "Question number {n} about invoices and refunds."}}
    """
    for n in range(6)
)


def _report(pytester: pytest.Pytester, folder: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((pytester.path / folder / "report.json").read_text())
    data.pop("generated_at")
    return data


def _page(pytester: pytest.Pytester, folder: str) -> bytes:
    """report.html's bytes, but for the time it was generated."""
    generated_at = json.loads((pytester.path / folder / "report.json").read_text())["generated_at"]
    page = (pytester.path / folder / "report.html").read_bytes()
    assert page.count(generated_at.encode()) == 1
    return page.replace(generated_at.encode(), b"")


def test_two_workers_merge_into_the_serial_report(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE + MORE_CASES)
    pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", "--no-report")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")

    serial = pytester.runpytest("--model-pair", PAIR, "--report-dir", "serial")
    parallel = pytester.runpytest("--model-pair", PAIR, "-n", "2", "--report-dir", "parallel")

    assert serial.parseoutcomes() == {"passed": 8, "failed": 1}
    assert parallel.parseoutcomes() == {"passed": 8, "failed": 1}
    assert _report(pytester, "parallel") == _report(pytester, "serial")
    assert _page(pytester, "parallel") == _page(pytester, "serial")
    assert sorted(p.name for p in (pytester.path / "parallel").iterdir()) == [
        "comment.md",
        "report.html",
        "report.json",
        "report.md",
    ]
    parallel.stdout.fnmatch_lines(
        ["*= migrate-check =*", "*NO-GO*", "*reports: parallel/report.json*"]
    )
    # Each worker learns the shutdown dates; the controller warns once, as a serial run does.
    warnings = [line for line in parallel.outlines if "shut down on" in line]
    assert warnings == [line for line in serial.outlines if "shut down on" in line]
    assert len(warnings) == 1 and warnings[0].startswith("warning: gpt-4o-mini and gpt-4.1-mini")
    md = (pytester.path / "parallel" / "report.md").read_text()
    assert md.count("[!WARNING]") == 1
