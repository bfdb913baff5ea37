"""A small project of entry-point cases for one test: its suite beside a copy of
`feature_app.py`, a run of the plugin on it, and what the run wrote."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import PAIR, write_suite

APP = Path(__file__).with_name("feature_app.py")


def project(pytester: pytest.Pytester, suite: str) -> None:
    """The suite `app` and the team's feature module beside it."""
    write_suite(pytester.path, "app", suite)
    shutil.copy(APP, pytester.path / "suites" / "feature_app.py")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """The plugin on the project, in this process, its reports in `report/`."""
    return pytester.runpytest(
        "--model-pair", PAIR, "-p", "no:cacheprovider", "--report-dir", "report", "-rA", *args
    )


def report(pytester: pytest.Pytester) -> dict[str, Any]:
    """report.json's cases by id."""
    data = json.loads((pytester.path / "report" / "report.json").read_text())
    return {case["id"]: case for case in data["cases"]}


def checks(case: dict[str, Any]) -> dict[str, Any]:
    """A case's check results by check name (a label is the name and its options)."""
    return {c["check"].split()[0]: c for c in case["checks"]}


def cassette(pytester: pytest.Pytester, case: str, model: str) -> Path:
    """Where the case's cassette on `model` is."""
    return pytester.path / "cassettes" / "app" / case / f"{model}.yaml"


def bodies(path: Path) -> list[dict[str, Any]]:
    """The request bodies a cassette holds, parsed, in order."""
    interactions = yaml.safe_load(path.read_text())["interactions"]
    return [json.loads(i["request"]["body"]) for i in interactions]
