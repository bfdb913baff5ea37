"""Each of the six outcomes occurs end to end, and the item passes or fails by the rules."""

from __future__ import annotations

import json

import pytest
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite

SIX_OUTCOMES = """
    suite: outcomes
    request: {temperature: 0}
    cases:
      - id: same
        messages: [{role: user, content: "Describe our refund policy."}]
        checks: [{similarity: 0}]
      - id: changed
        messages: [{role: user, content: "Describe our refund policy."}]
        checks: [{similarity: 100}]
      - id: regressed
        messages: [{role: user, content: "Describe our refund policy."}]
        checks: [{assert: team_checks:is_baseline}]
      - id: improved
        messages: [{role: user, content: "Describe our refund policy."}]
        checks: [{assert: team_checks:is_candidate}]
      - id: broken
        messages: [{role: user, content: "Describe our refund policy."}]
        checks: [{assert: team_checks:never}]
      - id: error
        messages: [{role: user, content: "Describe our refund policy. [fault:500:always]"}]
        checks: [{similarity: 0}]
"""


def _outcomes(pytester: pytest.Pytester) -> dict[str, str]:
    report = json.loads((pytester.path / "migrate-check-report" / "report.json").read_text())
    return {case["id"]: case["outcome"] for case in report["cases"]}


def test_every_outcome_and_which_items_fail(pytester: pytest.Pytester, live: LocalServer) -> None:
    write_suite(pytester.path, "outcomes", SIX_OUTCOMES)
    result = pytester.runpytest(
        "--model-pair", PAIR, "--record-mode", "once", "--max-retries", "0", "-rA"
    )
    assert _outcomes(pytester) == {
        "same": "same",
        "changed": "changed",
        "regressed": "regressed",
        "improved": "improved",
        "broken": "broken",
        "error": "error",
    }
    result.assert_outcomes(passed=4, failed=2)
    result.stdout.fnmatch_lines_random(
        [
            # pytest's own summary, in the outcomes' words (`pytest_report_teststatus`)
            "PASSED suites/outcomes.yaml::same",
            "CHANGED suites/outcomes.yaml::changed",
            "REGRESSED suites/outcomes.yaml::regressed*",
            "IMPROVED suites/outcomes.yaml::improved",
            "BROKEN suites/outcomes.yaml::broken",
            "ERROR suites/outcomes.yaml::error*",
        ]
    )
    strict = pytester.runpytest(
        "--model-pair", PAIR, "--fail-on", "changed", "-rA", "-k", "changed"
    )
    strict.assert_outcomes(failed=1, deselected=5)


def test_samples_measure_the_noise_floor(pytester: pytest.Pytester, live: LocalServer) -> None:
    write_suite(
        pytester.path,
        "noisy",
        """
        suite: noisy
        request: {temperature: 0.9}
        cases:
          - id: wording
            messages: [{role: user, content: "Write a short note about shipping delays."}]
            checks: [{similarity: {min: 95}}]
        """,
    )
    result = pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", "--samples", "3")
    assert result.ret in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)
    assert live.stats.by_model == {"gpt-4o-mini": 3, "gpt-4.1-mini": 3}
    report = json.loads((pytester.path / "migrate-check-report" / "report.json").read_text())
    (case,) = report["cases"]
    assert len(case["baseline"]["completions"]) == 3
    check, always_on = case["checks"]
    assert check["noise"] and "n=3" in check["noise"]
    assert always_on["check"] == "answer" and always_on["noise"]


def test_a_check_broken_everywhere_fails_a_strict_run(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    cases = "".join(
        f"  - id: c{i}\n    messages: [{{role: user, content: 'Say hello {i}.'}}]\n"
        for i in range(3)
    )
    write_suite(
        pytester.path,
        "wrong",
        "suite: wrong\nrequest: {temperature: 0}\nchecks: [{assert: team_checks:never}]\n"
        f"cases:\n{cases}",
    )
    pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", "--no-report")
    lenient = pytester.runpytest("--model-pair", PAIR)
    lenient.assert_outcomes(passed=3)
    assert lenient.ret == pytest.ExitCode.OK
    lenient.stdout.fnmatch_lines(["*: REVIEW (*'assert team_checks:never' fails on both models*"])
    strict = pytester.runpytest("--model-pair", PAIR, "--fail-on", "changed")
    strict.assert_outcomes(passed=3)  # every item passes, yet the sign-off is not GO
    assert strict.ret == pytest.ExitCode.TESTS_FAILED
