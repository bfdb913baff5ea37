"""One bundled example suite in a pytester project: the example's suites and app code
copied in, with or without that suite's committed cassettes, run, and its report read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import PAIR, REPO


def copy_example(root: Path, cassettes: str | None) -> None:
    """`suites/` (with `example_app/`), and the cassettes folder named, if any."""
    shutil.copytree(REPO / "suites", root / "suites")
    if cassettes is not None:
        shutil.copytree(REPO / "cassettes" / cassettes, root / "cassettes" / cassettes)


def run_example(pytester: pytest.Pytester, suite: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        suite, "--model-pair", PAIR, "-p", "no:cacheprovider", "--report-dir", "report", *args
    )


def reported_cases(pytester: pytest.Pytester) -> dict[str, Any]:
    """report.json's cases by id."""
    data = json.loads((pytester.path / "report" / "report.json").read_text())
    return {case["id"]: case for case in data["cases"]}
