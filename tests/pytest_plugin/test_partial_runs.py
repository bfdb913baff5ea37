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


def test_a_selection_qualifies_the_verdict_everywhere(
    pytester: pytest.Pytester, recorded: None, plugin_args: tuple[str, ...]
) -> None:
    result = pytester.runpytest("--model-pair", PAIR, "-k", "refund or login", *plugin_args)
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
    stopped = pytester.runpytest(
        "--model-pair", PAIR, "-x", "suites/triage.yaml::regress", "suites/triage.yaml::login"
    )
    stopped.assert_outcomes(failed=1)  # -x stops before `login`
    assert _report(pytester)["verdict"]["scope"] == "on 1 of 3 cases"
    # Once nothing fails any more, --lf runs everything: a full run, not a partial one.
    (pytester.path / "suites" / "triage.yaml").write_text(
        (pytester.path / "suites" / "triage.yaml").read_text().replace("is_baseline", "never")
    )
    pytester.runpytest("--model-pair", PAIR, "-p", "cacheprovider")  # `regress` now broken
    everything = pytester.runpytest("--model-pair", PAIR, "-p", "cacheprovider", "--lf")
    everything.assert_outcomes(passed=3)
    assert _report(pytester)["verdict"]["scope"] == ""


def test_naming_one_suite_file_of_several_says_the_others_were_not_run(
    pytester: pytest.Pytester, recorded: None, plugin_args: tuple[str, ...]
) -> None:
    """What happened, in plain words: the others were not run; not "partial" (every case
    of the named suite was judged), no --lf (not given), one level of parentheses."""
    for name in ("other", "third"):
        (pytester.path / "suites" / f"{name}.yaml").write_text(
            f"suite: {name}\ncases:\n  - id: a\n    messages: [{{role: user, content: hi}}]\n"
        )
    result = pytester.runpytest("--model-pair", PAIR, "suites/triage.yaml", *plugin_args)
    verdict = _report(pytester)["verdict"]
    assert verdict["scope"] == "on 3 cases"
    note = "other suites in suites/ were not run: other.yaml, third.yaml"
    assert verdict["reasons"] == ["1 case regressed", note]
    result.stdout.fnmatch_lines([f"*: NO-GO on 3 cases (1 case regressed; {note})"])
    assert "partial" not in result.stdout.str()
    assert "--lf" not in result.stdout.str()
    # The approvals still see a run that left suites out: it is partial in the report.
    assert _report(pytester)["aggregates"]["coverage"]["partial"] is True


def test_a_selection_inside_a_named_suite_keeps_its_count(
    pytester: pytest.Pytester, recorded: None
) -> None:
    other = pytester.path / "suites" / "other.yaml"
    other.write_text("suite: other\ncases:\n  - id: a\n    messages: [{role: user, content: hi}]\n")
    result = pytester.runpytest("--model-pair", PAIR, "suites/triage.yaml", "-k", "refund")
    reasons = _report(pytester)["verdict"]["reasons"]
    assert reasons[-2:] == [
        "partial run: 1 of 3 cases judged",
        "other suites in suites/ were not run: other.yaml",
    ]
    result.stdout.fnmatch_lines(["*: GO on 1 of 3 cases (*; partial run: 1 of 3 cases judged; *)"])


def test_last_failed_is_named_only_when_it_skipped_suites(
    pytester: pytest.Pytester, recorded: None
) -> None:
    """A suite with no failure last time, left out by --lf, is said to be for that reason."""
    suites, cassettes = pytester.path / "suites", pytester.path / "cassettes"
    (suites / "second.yaml").write_text(
        "suite: second\nrequest: {temperature: 0}\ncases:\n  - id: refund\n    messages:\n"
        '      - {role: system, content: "Classify the ticket."}\n'
        '      - {role: user, content: "I want my money back for order 123."}\n'
    )
    (cassettes / "second").mkdir()
    (cassettes / "triage" / "refund").rename(cassettes / "second" / "refund")
    # triage: refund has no recording now, regress regresses, login passes; second passes
    pytester.runpytest("--model-pair", PAIR, "-p", "cacheprovider").assert_outcomes(
        passed=2, failed=2
    )
    lf = pytester.runpytest("--model-pair", PAIR, "-p", "cacheprovider", "--lf")
    lf.assert_outcomes(failed=2)
    reasons = _report(pytester)["verdict"]["reasons"]
    note = "suites in suites/ without failures last time were not run, as --lf asks: second.yaml"
    assert note in reasons
    assert not any("other suites" in r for r in reasons)


def test_cases_written_in_python_count_among_the_judged(
    pytester: pytest.Pytester, recorded: None
) -> None:
    pytester.makepyfile(
        test_python_cases="""
        def test_py(migrate_check_case):
            migrate_check_case(id="refund", messages=[{"role": "user", "content": "Hi"}])
        """
    )
    # The network is cut (`recorded`): fail the Python case at once, not after SDK retries.
    pytester.runpytest(
        "--model-pair", PAIR, "--record-mode", "once", "--max-retries", "0", "-k", "py"
    )
    coverage = _report(pytester)["aggregates"]["coverage"]
    assert (coverage["judged"], coverage["collected"]) == (1, 4)
    pytester.runpytest("--model-pair", PAIR)
    coverage = _report(pytester)["aggregates"]["coverage"]
    assert (coverage["judged"], coverage["collected"], coverage["partial"]) == (4, 4, False)
