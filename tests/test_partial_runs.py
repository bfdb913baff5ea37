"""Partial runs say so: `-k`, node ids, `-x` and `--lf` qualify the verdict in every report."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import PAIR


def _report(pytester: pytest.Pytester) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (pytester.path / "migrate-check-report" / "report.json").read_text()
    )
    return data


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_a_selection_qualifies_the_verdict_everywhere(
    pytester: pytest.Pytester, recorded: None, xdist: list[str]
) -> None:
    result = pytester.runpytest("--model-pair", PAIR, "-k", "refund or login", *xdist)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*: GO on 2 of 3 cases (*partial run: 2 of 3 cases judged*"])
    report = _report(pytester)
    assert report["verdict"]["decision"] == "GO"
    assert report["verdict"]["scope"] == "on 2 of 3 cases"
    assert report["aggregates"]["coverage"] == {
        "judged": 2,
        "collected": 3,
        "partial": True,
        "notes": [],
    }
    folder = pytester.path / "migrate-check-report"
    assert "GO on 2 of 3 cases" in (folder / "report.md").read_text()
    assert "GO on 2 of 3 cases" in (folder / "report.html").read_text()


def test_a_node_id_and_a_full_run(pytester: pytest.Pytester, recorded: None) -> None:
    pytester.runpytest("--model-pair", PAIR, "suites/triage.yaml::regress")
    assert _report(pytester)["verdict"]["scope"] == "on 1 of 3 cases"
    pytester.runpytest("--model-pair", PAIR)
    report = _report(pytester)
    assert report["verdict"]["scope"] == ""
    assert report["aggregates"]["coverage"]["partial"] is False
    assert not any("partial" in reason for reason in report["verdict"]["reasons"])


def test_last_failed_and_stop_on_first_failure(pytester: pytest.Pytester, recorded: None) -> None:
    pytester.runpytest("--model-pair", PAIR, "-p", "cacheprovider")  # `regress` fails
    lf = pytester.runpytest("--model-pair", PAIR, "-p", "cacheprovider", "--lf")
    lf.assert_outcomes(failed=1)
    verdict = _report(pytester)["verdict"]
    assert verdict["scope"] == "on 1 of 3 cases"
    assert any("--lf" in reason for reason in verdict["reasons"])
    stopped = pytester.runpytest(
        "--model-pair", PAIR, "-x", "suites/triage.yaml::regress", "suites/triage.yaml::login"
    )
    stopped.assert_outcomes(failed=1)  # -x stops before `login`
    assert _report(pytester)["verdict"]["scope"] == "on 1 of 3 cases"
