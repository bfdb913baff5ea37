"""--accept: approved changes pass, until either output changes again.

Serially: approvals under `-n 2` (applied in the workers, written by the controller,
stale ones named from what the workers judged) are test_approvals_e2e's serial/xdist pair."""

from __future__ import annotations

import pytest
import yaml

from conftest import PAIR


def test_accept_records_approvals_and_later_runs_pass(
    pytester: pytest.Pytester, recorded: None
) -> None:
    before = pytester.runpytest("--model-pair", PAIR, "--no-report")
    before.assert_outcomes(passed=2, failed=1)

    accepted = pytester.runpytest(
        "--model-pair",
        PAIR,
        "--no-report",
        "--accept",
        "--accept-reason",
        "greeting is fine",
    )
    accepted.assert_outcomes(passed=3)
    approvals = yaml.safe_load((pytester.path / "migrate-check-approvals.yaml").read_text())
    text = yaml.safe_dump(approvals)
    assert "triage::regress" in text and "greeting is fine" in text

    after = pytester.runpytest("--model-pair", PAIR)
    after.assert_outcomes(passed=3)
    after.stdout.fnmatch_lines(["*approved*"])
    report = (pytester.path / "migrate-check-report" / "report.json").read_text()
    assert '"approved":true' in report.replace(" ", "")


def test_an_approval_stops_applying_when_an_output_changes(
    pytester: pytest.Pytester, recorded: None
) -> None:
    approved = pytester.runpytest(
        "--model-pair",
        PAIR,
        "--no-report",
        "--accept",
        "--accept-reason",
        "tone only",
    )
    approved.assert_outcomes(passed=3)  # the regression is approved, with its reason
    cassette = pytester.path / "cassettes" / "triage" / "regress" / "gpt-4.1-mini.yaml"
    data = yaml.safe_load(cassette.read_text())
    body = data["interactions"][0]["response"]["body"]
    body["string"] = body["string"].replace("Briefly", "In short", 1)
    assert "In short" in body["string"]
    cassette.write_text(yaml.safe_dump(data))
    result = pytester.runpytest("--model-pair", PAIR, "--no-report")
    result.assert_outcomes(passed=2, failed=1)
