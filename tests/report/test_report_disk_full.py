"""A report that cannot be written says which file (issue 31).

A write that fails for want of space fails in `write()`, `flush()` or `fsync()`, where
the error carries no file name: the run said "could not write: No space left on
device". Shown here with the writes that fail so on any machine: the step summary at
/dev/full (always full), a file-size limit (the same failure, EFBIG, in the middle of a
report file), and a directory in the way (the rename, whose error names the temporary
file, not the report).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PAIR

FULL = Path("/dev/full")


def _run(pytester: pytest.Pytester) -> pytest.RunResult:
    return pytester.runpytest("--model-pair", PAIR, "-p", "no:cacheprovider")


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")
def test_a_full_step_summary_is_named(
    pytester: pytest.Pytester, recorded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(FULL))
    result = _run(pytester)
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["migrate-check: could not write /dev/full: No space left on device"]
    )


def test_a_directory_in_the_way_names_the_report_not_a_temporary_file(
    pytester: pytest.Pytester, recorded: None
) -> None:
    (pytester.path / "migrate-check-report" / "report.md").mkdir(parents=True)
    result = _run(pytester)
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["migrate-check: could not write */migrate-check-report/report.md: *"]
    )
    assert ".tmp" not in result.stdout.str()


def _limit_file_size() -> None:
    """In the child: files stop growing at 28 KiB, as on a full disk: report.json
    (some 18 KiB for this suite) is written, report.html (over 40 KiB) is not."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (28 * 1024, resource.RLIM_INFINITY))


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs RLIMIT_FSIZE")
def test_a_report_file_that_stops_growing_is_named(
    pytester: pytest.Pytester, recorded: None
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "GITHUB_"))}
    command = [sys.executable, "-m", "pytest", "--model-pair", PAIR, "-p", "no:cacheprovider"]
    result = subprocess.run(
        command,
        cwd=pytester.path,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    lines = result.stdout.splitlines()
    (line,) = [s for s in lines if s.startswith("migrate-check: could not")]
    assert line.endswith("/migrate-check-report/report.html: File too large"), line
    assert not list((pytester.path / "migrate-check-report").glob(".*.tmp"))
