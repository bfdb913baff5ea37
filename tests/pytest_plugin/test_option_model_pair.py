"""--model-pair and the ini key migrate_check_model_pair: the switch that turns the plugin on."""

from __future__ import annotations

import pytest

from conftest import PAIR, TRIAGE_SUITE, write_suite
from migrate_check.pytest_plugin.settings import ModelPairError, parse_model_pair


def test_without_a_model_pair_the_plugin_changes_nothing(pytester: pytest.Pytester) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    pytester.makepyfile(test_plain="def test_ok():\n    assert True\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "= migrate-check =" not in result.stdout.str()


def test_help_lists_the_options_in_their_group(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("-p", "no:recording", "--help")  # pytest-recording's aside
    result.stdout.fnmatch_lines(
        [
            "migrate-check*",
            "*--model-pair=BASELINE:CANDIDATE*",
            "*--record-mode=*",
            "*--fail-on=*",
            "*model_pair (string)*",
        ]
    )


@pytest.mark.parametrize("value", ["gpt-4o-mini", "a:b:c", ":gpt-4.1-mini", "gpt-4o:gpt-4o"])
def test_a_malformed_pair_is_a_usage_error(pytester: pytest.Pytester, value: str) -> None:
    result = pytester.runpytest("--model-pair", value)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--model-pair: {value!r}*"])


def test_the_ini_option_turns_the_plugin_on(pytester: pytest.Pytester, offline: None) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    pytester.makeini(f"[pytest]\nmigrate_check_model_pair = {PAIR}\n")
    result = pytester.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(
        ["suites/triage.yaml::refund", "suites/triage.yaml::login", "suites/triage.yaml::regress"]
    )


def test_the_deprecated_ini_key_still_works_and_says_when_it_goes(
    pytester: pytest.Pytester, recorded: None, plugin_args: tuple[str, ...]
) -> None:
    pytester.makeini(f"[pytest]\nmodel_pair = {PAIR}\n")
    result = pytester.runpytest("--no-report", *plugin_args)
    result.assert_outcomes(passed=2, failed=1, warnings=1)  # once, not once per xdist worker
    result.stdout.fnmatch_lines(
        [
            "*PytestDeprecationWarning: the ini key 'model_pair' is deprecated and will be "
            "removed in migrate-check 0.3; use 'migrate_check_model_pair'"
        ]
    )


def test_the_current_ini_key_does_not_warn(pytester: pytest.Pytester, recorded: None) -> None:
    pytester.makeini(f"[pytest]\nmigrate_check_model_pair = {PAIR}\n")
    result = pytester.runpytest("--no-report")
    result.assert_outcomes(passed=2, failed=1)
    assert "deprecated" not in result.stdout.str()


def test_pair_parsing() -> None:
    assert str(parse_model_pair("gpt-4o-mini:gpt-4.1-mini")) == "gpt-4o-mini:gpt-4.1-mini"
    pair = parse_model_pair("ft:gpt-4o-mini:acme::abc,gpt-4.1-mini")
    assert (pair.baseline, pair.candidate) == ("ft:gpt-4o-mini:acme::abc", "gpt-4.1-mini")
    with pytest.raises(ModelPairError, match="BASELINE,CANDIDATE"):
        parse_model_pair("ft:gpt-4o-mini:acme::abc:gpt-4.1-mini")


def test_the_plugin_loads_without_pytest_xdist(pytester: pytest.Pytester, offline: None) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    result = pytester.runpytest("-p", "no:xdist", "--model-pair", PAIR, "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.stdout.fnmatch_lines(["suites/triage.yaml::refund"])


def test_a_pair_of_fine_tunes_prints_as_it_parses() -> None:
    pair = parse_model_pair("ft:gpt-4o-mini:acme::abc,gpt-4.1-mini")
    assert parse_model_pair(str(pair)) == pair


FAKE_PEERS = """
def pytest_addoption(parser):
    # What pytest-timeout and pytest-recording register.
    parser.addoption("--timeout", type=float)
    parser.addoption(
        "--record-mode", default="none", choices=["none", "once", "new_episodes", "all", "rewrite"]
    )
"""


def test_the_plugin_lives_beside_pytest_timeout_and_pytest_recording(
    pytester: pytest.Pytester, offline: None
) -> None:
    pytester.makepyfile(fake_peers=FAKE_PEERS)
    pytester.syspathinsert()
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    pytester.makeini(
        f"[pytest]\nmigrate_check_model_pair = {PAIR}\nmigrate_check_record_mode = once\n"
    )
    result = pytester.runpytest(
        "-p", "no:recording", "-p", "fake_peers", "--collect-only", "-q", "--timeout", "5"
    )
    assert result.ret == pytest.ExitCode.OK, result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines(["suites/triage.yaml::refund"])
