"""Each case is one pytest item, so -k, --lf, -x and --junitxml work as usual."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from devtools.local_openai import LocalServer

from conftest import PAIR, TRIAGE_SUITE, write_suite


def test_item_ids_are_file_and_case(pytester: pytest.Pytester, recorded: None) -> None:
    result = pytester.runpytest("--model-pair", PAIR, "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        ["suites/triage.yaml::refund", "suites/triage.yaml::login", "suites/triage.yaml::regress"]
    )


def test_k_selects_cases(pytester: pytest.Pytester, recorded: None) -> None:
    result = pytester.runpytest("--model-pair", PAIR, "-k", "refund or login", "--no-report")
    result.assert_outcomes(passed=2, deselected=1)


def test_x_stops_at_the_first_failing_case(pytester: pytest.Pytester, recorded: None) -> None:
    result = pytester.runpytest("--model-pair", PAIR, "-x", "-p", "no:randomly", "--no-report")
    result.assert_outcomes(passed=2, failed=1)
    write_suite(
        pytester.path,
        "triage",
        TRIAGE_SUITE.replace(
            "id: refund", "id: refund\n        checks: [{assert: team_checks:never}]"
        ),
    )
    result = pytester.runpytest("--model-pair", PAIR, "-x", "--no-report")
    assert result.parseoutcomes()["failed"] == 1
    assert "stopping after 1 failures" in result.stdout.str()


def test_last_failed_reruns_only_the_regression(pytester: pytest.Pytester, recorded: None) -> None:
    pytester.runpytest("--model-pair", PAIR, "--no-report")
    result = pytester.runpytest("--model-pair", PAIR, "--lf", "--no-report")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed") == 1 and "passed" not in outcomes
    result.stdout.fnmatch_lines(["*suites/triage.yaml::regress*"])


def test_junitxml_names_every_case(pytester: pytest.Pytester, recorded: None) -> None:
    xml_path = pytester.path / "junit.xml"
    pytester.runpytest("--model-pair", PAIR, f"--junitxml={xml_path}", "--no-report")
    cases = {c.get("name"): c for c in ET.parse(xml_path).getroot().iter("testcase")}
    assert set(cases) == {"refund", "login", "regress"}
    failure = cases["regress"].find("failure")
    assert failure is not None
    assert "regressed" in (failure.text or "") + (failure.get("message") or "")
    assert cases["refund"].find("failure") is None


def test_fail_on_changed_fails_changed_cases_too(pytester: pytest.Pytester, recorded: None) -> None:
    write_suite(
        pytester.path,
        "triage",
        TRIAGE_SUITE.replace("similarity: {min: 10}", "similarity: {min: 100}"),
    )
    default = pytester.runpytest("--model-pair", PAIR, "--no-report", "-k", "not regress")
    strict = pytester.runpytest(
        "--model-pair", PAIR, "--no-report", "-k", "not regress", "--fail-on", "changed"
    )
    changed = strict.parseoutcomes().get("failed", 0)
    assert default.parseoutcomes().get("failed", 0) == 0
    assert changed >= 1
    strict.stdout.fnmatch_lines(["*changed*similarity*"])


def test_no_request_is_sent_when_collection_fails(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    (pytester.path / "suites" / "broken.yaml").write_text("cases:\n  - id: [\n")
    result = pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", "--no-report")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["suites/broken.yaml:2: YAML syntax error*"])
    assert live.stats.completions == 0


def test_two_suites_with_one_name_are_refused(pytester: pytest.Pytester, offline: None) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    other = pytester.path / "suites" / "more"
    other.mkdir()
    (other / "triage.yaml").write_text(
        "cases:\n  - id: x\n    messages: [{role: user, content: hi}]\n"
    )
    result = pytester.runpytest("--model-pair", PAIR, "--collect-only")
    result.stdout.fnmatch_lines(
        ["*triage.yaml:1: suite name 'triage' is already used by suites/*triage.yaml*"]
    )


def test_a_run_takes_its_suite_folders_off_sys_path_when_it_ends(tmp_path: Path) -> None:
    import sys

    from migrate_check.checks import CheckRegistry
    from migrate_check.core.case import ModelPair
    from migrate_check.pytest_plugin.run_state import RunState
    from migrate_check.pytest_plugin.settings import RunSettings

    suite = write_suite(tmp_path, "triage", TRIAGE_SUITE)
    settings = RunSettings(pair=ModelPair("gpt-4o-mini", "gpt-4.1-mini"), rootdir=tmp_path)
    state = RunState.open(settings, CheckRegistry())
    folder = str(suite.parent.resolve())
    assert folder not in sys.path
    cases = state.load_suite(suite)
    assert [case.id for case, _ in cases] == ["refund", "login", "regress"]
    assert all(checks for _, checks in cases)  # built at collection, handed to the items
    assert folder in sys.path  # the suite's callables import from beside it
    state.close()
    assert folder not in sys.path
