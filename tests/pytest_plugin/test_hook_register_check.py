"""The configure hook's deprecated `register_check` argument: it still registers the check,
and it warns, naming the release that removes it."""

from __future__ import annotations

import pytest
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite

CONFTEST = """
from migrate_check.checks import Check
from migrate_check.core.results import CheckResult, Outcome


class NotEmpty(Check):
    name = "not_empty"

    @classmethod
    def from_options(cls, options, base_dir):
        return cls()

    @property
    def label(self):
        return "not_empty"

    def judge(self, baseline, candidate):
        empty = not candidate[0].text
        return CheckResult(self.label, Outcome.REGRESSED if empty else Outcome.SAME, "")


def pytest_migrate_check_configure(config, registry, register_check):
    {registration}(NotEmpty)
"""
SUITE = """
suite: answers
cases:
  - id: refund
    messages: [{role: user, content: "Explain refunds."}]
    checks: [not_empty]
"""
WARNING = (
    "*DeprecationWarning: register_check is deprecated and will be removed in "
    "migrate-check 0.3; use registry.register"
)


def test_register_check_warns_and_the_check_it_registered_judges(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    pytester.makeconftest(CONFTEST.format(registration="register_check"))
    write_suite(pytester.path, "answers", SUITE)
    result = pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*answers.yaml::refund PASSED*"])
    # In pytest's warnings summary, pointing at the conftest line that called it.
    result.stdout.fnmatch_lines(["*warnings summary*", "conftest.py:*", WARNING])
    report = (pytester.path / "migrate-check-report" / "report.json").read_text()
    assert '"not_empty"' in report


def test_registry_register_does_not_warn(pytester: pytest.Pytester, offline: None) -> None:
    pytester.makeconftest(CONFTEST.format(registration="registry.register"))
    write_suite(pytester.path, "answers", SUITE)
    result = pytester.runpytest("--model-pair", PAIR, "--collect-only", "-q")
    result.stdout.fnmatch_lines(["*answers.yaml::refund*"])
    assert "deprecated" not in result.stdout.str() + result.stderr.str()


def test_register_check_fails_the_run_where_deprecations_are_errors(
    pytester: pytest.Pytester, offline: None
) -> None:
    pytester.makeconftest(CONFTEST.format(registration="register_check"))
    write_suite(pytester.path, "answers", SUITE)
    result = pytester.runpytest(
        "--model-pair", PAIR, "--collect-only", "-W", "error::DeprecationWarning"
    )
    assert result.ret != 0
    result.stderr.fnmatch_lines([WARNING.replace("*DeprecationWarning: ", "*")])
