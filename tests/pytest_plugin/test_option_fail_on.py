"""--fail-on and the ini key migrate_check_fail_on: whether changed cases fail too."""

from __future__ import annotations

import pytest

from conftest import PAIR, TRIAGE_SUITE, write_suite

# Outputs that differ at all count as changed; `-k "not regress"` leaves no regression.
STRICT = TRIAGE_SUITE.replace("similarity: {min: 10}", "similarity: {min: 100}")


def test_the_ini_key_fails_changed_cases(pytester: pytest.Pytester, recorded: None) -> None:
    write_suite(pytester.path, "triage", STRICT)
    pytester.makeini("[pytest]\nmigrate_check_fail_on = changed\n")
    result = pytester.runpytest("--model-pair", PAIR, "--no-report", "-k", "not regress")
    assert result.parseoutcomes().get("failed", 0) >= 1
    result.stdout.fnmatch_lines(["*changed*similarity*"])


def test_the_command_line_overrides_the_ini_key(pytester: pytest.Pytester, recorded: None) -> None:
    write_suite(pytester.path, "triage", STRICT)
    pytester.makeini("[pytest]\nmigrate_check_fail_on = changed\n")
    result = pytester.runpytest(
        "--model-pair", PAIR, "--no-report", "-k", "not regress", "--fail-on", "regressed"
    )
    result.assert_outcomes(passed=2, deselected=1)


def test_a_value_the_ini_key_does_not_know_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nmigrate_check_fail_on = always\n")
    result = pytester.runpytest("--model-pair", PAIR)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*migrate_check_fail_on: 'always' is not one of regressed, changed*"]
    )
