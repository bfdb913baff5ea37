"""Outcomes in pytest's own words: letters and words in the terminal, properties in JUnit XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite

SUITE = """
suite: status
request: {temperature: 0}
cases:
  - id: same
    messages: [{role: user, content: "Say hello."}]
    checks: [{similarity: {min: 1}}]
  - id: improved
    messages: [{role: user, content: "Say hello again."}]
    checks: [{assert: team_checks:is_candidate}]
  - id: broken
    messages: [{role: user, content: "Say hello once more."}]
    checks: [{assert: team_checks:never}]
  - id: regressed
    messages: [{role: user, content: "Say goodbye."}]
    checks: [{assert: team_checks:is_baseline}]
"""


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_each_outcome_has_its_letter_word_and_junit_properties(
    pytester: pytest.Pytester, live: LocalServer, xdist: list[str]
) -> None:
    write_suite(pytester.path, "status", SUITE)
    pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", "--no-report")
    result = pytester.runpytest("--model-pair", PAIR, "-v", "--junitxml=junit.xml", *xdist)
    result.assert_outcomes(passed=3, failed=1)  # pytest's own categories keep their meaning
    output = result.stdout.str()
    for case, word in [
        ("same", "PASSED"),
        ("improved", "IMPROVED"),
        ("broken", "BROKEN"),
        ("regressed", "REGRESSED"),
    ]:
        assert any(f"status.yaml::{case}" in line and word in line for line in output.splitlines())
    quiet = pytester.runpytest("--model-pair", PAIR, "-q")
    assert any(set(line.split()[0]) <= set(".IBR") and "I" in line for line in quiet.outlines)
    tree = ET.parse(pytester.path / "junit.xml")
    properties = {
        case.get("name"): {p.get("name"): p.get("value") for p in case.iter("property")}
        for case in tree.iter("testcase")
    }
    assert properties["improved"]["migrate_check.outcome"] == "improved"
    assert properties["broken"]["migrate_check.check.assert team_checks:never"] == "broken"
    assert properties["regressed"]["migrate_check.outcome"] == "regressed"
    assert properties["same"]["migrate_check.check.answer"] == "same"
