"""Extending migrate-check: a team's own check through the hook, and cases written in Python."""

from __future__ import annotations

import pytest
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite

CUSTOM_CHECK = '''
from migrate_check.checks import Check
from migrate_check.core.results import CheckResult, Outcome


class ShorterCheck(Check):
    """The candidate must not answer at more than `factor` times the baseline's length."""

    name = "not_longer"

    def __init__(self, factor):
        self.factor = factor

    @classmethod
    def from_options(cls, options, base_dir):
        return cls(float((options or {}).get("factor", 1.0)))

    @property
    def label(self):
        return f"not_longer x{self.factor}"

    def judge(self, baseline, candidate):
        b, c = len(baseline[0].text), len(candidate[0].text)
        ok = c <= b * self.factor
        return CheckResult(
            self.label, Outcome.SAME if ok else Outcome.REGRESSED, f"{b} -> {c} characters"
        )


def pytest_migrate_check_configure(config, registry):
    registry.register(ShorterCheck)
'''
# The hook's deprecated argument: `register_check` is the registry's `register`.
OLD_HOOK = (
    "(config, registry):\n    registry.register(",
    "(config, register_check):\n    register_check(",
)


@pytest.mark.parametrize("hook", ["registry", "register_check"])
def test_a_check_registered_in_conftest_is_used_from_yaml(
    pytester: pytest.Pytester, live: LocalServer, hook: str
) -> None:
    conftest = CUSTOM_CHECK if hook == "registry" else CUSTOM_CHECK.replace(*OLD_HOOK)
    assert hook in conftest
    pytester.makeconftest(conftest)
    write_suite(
        pytester.path,
        "custom",
        """
        suite: custom
        cases:
          - id: strict
            messages: [{role: user, content: "Explain refunds."}]
            checks: [{not_longer: {factor: 0.1}}]
          - id: lenient
            messages: [{role: user, content: "Explain refunds."}]
            checks: [{not_longer: {factor: 10}}]
        """,
    )
    result = pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", "--no-report")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*regressed*not_longer x0.1*characters*"])
    # The check was the run's own: a run without the conftest does not know it.
    (pytester.path / "conftest.py").unlink()
    unknown = pytester.runpytest("--model-pair", PAIR, "--no-report")
    unknown.stdout.fnmatch_lines(["*unknown check 'not_longer'*"])


def test_the_module_level_register_check_says_where_registration_went() -> None:
    from migrate_check.checks import register_check

    with pytest.raises(TypeError, match=r"pytest_migrate_check_configure\(config, registry\)"):
        register_check(object)


def test_cases_written_in_python_join_the_run(pytester: pytest.Pytester, live: LocalServer) -> None:
    pytester.makepyfile(
        test_cases="""
        def test_refund(migrate_check_case):
            result = migrate_check_case(
                id="refund",
                messages=[{"role": "user", "content": "I want a refund for order 7."}],
                checks=[{"similarity": {"min": 5}}],
            )
            assert result.case.key == "test_cases::refund"
            assert [c.check for c in result.checks] == ["similarity", "answer"]
            assert result.outcome.value == "same"


        def test_bad_case(migrate_check_case):
            import pytest
            with pytest.raises(ValueError, match="messages"):
                migrate_check_case(id="bad", mesages=[])
        """
    )
    result = pytester.runpytest("--model-pair", PAIR, "--record-mode", "once")
    result.assert_outcomes(passed=2)
    assert (pytester.path / "cassettes" / "test_cases" / "refund" / "gpt-4o-mini.yaml").exists()
    assert (
        "test_cases::refund" in (pytester.path / "migrate-check-report" / "report.json").read_text()
    )


def test_the_fixture_without_a_model_pair_says_how_to_turn_it_on(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_cases="def test_x(migrate_check_case):\n    pass\n")
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*needs a model pair: pass --model-pair*"])
