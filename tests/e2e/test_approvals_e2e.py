"""Approvals end to end, as snapshot users expect them: `--accept` says what it approved,
a regression takes a reason, the reason is in every report, stale approvals are named and
the next accept removes them, and the file diffs cleanly. Approvals under `-n 2` (applied
and stale ones found from what the workers judged, the file and the reports written by the
controller) are the stale-approvals test's serial/xdist pair; the others run serially."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from devtools.local_openai import LocalServer

from conftest import PAIR, copy_project, record_once, write_suite
from migrate_check.report.writers import json_report

SUITE = """
    suite: triage
    request:
      temperature: 0
    cases:
      - id: refund
        messages:
          - {role: system, content: "Classify the ticket."}
          - {role: user, content: "I want my money back for order 123."}
        checks:
          - similarity: {min: 99}
      - id: login
        messages:
          - {role: user, content: "I cannot log in to my account."}
        checks:
          - similarity: {min: 99}
      - id: regress
        messages:
          - {role: user, content: "Say hello."}
        checks:
          - similarity: {min: 99}
          - assert: team_checks:is_baseline
"""

# The same suite later: `login` deleted, `regress` without its similarity check.
EDITED_SUITE = """
    suite: triage
    request:
      temperature: 0
    cases:
      - id: refund
        messages:
          - {role: system, content: "Classify the ticket."}
          - {role: user, content: "I want my money back for order 123."}
        checks:
          - similarity: {min: 99}
      - id: regress
        messages:
          - {role: user, content: "Say hello."}
        checks:
          - assert: team_checks:is_baseline
"""

ASSERT = "assert team_checks:is_baseline"
REASON = "a greeting is fine from either model"
APPROVALS = "migrate-check-approvals.yaml"


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory, local_server: LocalServer) -> Path:
    """The suite recorded once from the local server, for every test here to copy."""
    root = tmp_path_factory.mktemp("approvals-recording")
    write_suite(root, "triage", SUITE)
    recorded = record_once(root, local_server)
    # Three similarity checks changed, one assertion regressed.
    pytest.LineMatcher(recorded.stdout.splitlines()).fnmatch_lines(
        [f"  {ASSERT} * 1 * 0 * 0 *", "  similarity * 0 * 0 * 3 *"]
    )
    return root


@pytest.fixture
def project(pytester: pytest.Pytester, recording: Path, offline: None) -> pytest.Pytester:
    """The recorded suite in this test's project, the network cut."""
    copy_project(recording, pytester.path)
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", "--model-pair", PAIR, *args)


def entries(pytester: pytest.Pytester) -> list[dict[str, Any]]:
    data = yaml.safe_load((pytester.path / APPROVALS).read_text())
    approvals: list[dict[str, Any]] = data["approvals"]
    return approvals


def report(pytester: pytest.Pytester) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (pytester.path / "migrate-check-report" / "report.json").read_text()
    )
    jsonschema.Draft202012Validator(json_report.schema()).validate(document)
    return document


def report_checks(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(c["key"], k["check"]): k for c in document["cases"] for k in c["checks"]}


def test_accept_approves_changes_and_a_regression_only_with_a_reason(
    project: pytest.Pytester,
) -> None:
    plain = run(project, "--no-report", "--accept")
    plain.assert_outcomes(passed=2, failed=1)
    plain.stdout.fnmatch_lines(
        [
            "approved: 3 changed; stale approvals removed: 0",
            "not approved: 1 regressed check; approving a regression takes a reason: "
            '--accept --accept-reason "why it is fine"',
        ]
    )
    assert [(e["case"], e["check"]) for e in entries(project)] == [
        ("triage::login", "similarity"),
        ("triage::refund", "similarity"),
        ("triage::regress", "similarity"),
    ]
    assert all("reason" not in e for e in entries(project))

    deliberate = run(project, "--no-report", "--accept", "--accept-reason", REASON)
    deliberate.assert_outcomes(passed=3)
    deliberate.stdout.fnmatch_lines(
        [
            f"approved: 1 regressed (reason: {REASON}); already approved: 3; "
            "stale approvals removed: 0"
        ]
    )
    (regression,) = [e for e in entries(project) if e["check"] == ASSERT]
    assert regression["case"] == "triage::regress" and regression["reason"] == REASON

    after = run(project)
    after.assert_outcomes(passed=3)
    after.stdout.fnmatch_lines(["approvals: 4 used, 0 stale"])
    document = report(project)
    assert document["approvals"] == {"used": 4, "stale": [], "unchecked": 0, "accepted": None}
    checks = report_checks(document)
    approval = checks["triage::regress", ASSERT]["approval"]
    assert approval["reason"] == REASON and re.fullmatch(
        r"\d{4}-\d\d-\d\d", approval["approved_on"]
    )
    assert checks["triage::refund", "similarity"]["approval"]["reason"] is None
    assert checks["triage::regress", "answer"]["approval"] is None
    folder = project.path / "migrate-check-report"
    markdown = (folder / "report.md").read_text()
    assert f"(approved on {approval['approved_on']}: {REASON})" in markdown
    assert f"(approved on {approval['approved_on']} (no reason given))" in markdown
    assert (
        f"approved on {approval['approved_on']}: {REASON}" in (folder / "report.html").read_text()
    )


def _reports_the_accept(document: dict[str, Any]) -> None:
    assert document["approvals"]["accepted"] == {
        "added": {"changed": 3, "regressed": 1},
        "reason": REASON,
        "stale_removed": 0,
        "regressed_left": 0,
    }
    assert report_checks(document)["triage::login", "similarity"]["approval"]["reason"] == REASON


def test_accept_reports_its_reason_in_report_json(project: pytest.Pytester) -> None:
    run(project, "--accept", "--accept-reason", REASON).assert_outcomes(passed=3)
    _reports_the_accept(report(project))


def _change_candidate_answer(pytester: pytest.Pytester, case: str) -> None:
    cassette = pytester.path / "cassettes" / "triage" / case / "gpt-4.1-mini.yaml"
    data = yaml.safe_load(cassette.read_text())
    body = data["interactions"][0]["response"]["body"]
    answer = json.loads(body["string"])
    answer["choices"][0]["message"]["content"] += " Anything else?"
    body["string"] = json.dumps(answer)
    cassette.write_text(yaml.safe_dump(data))


def test_stale_approvals_are_named_in_every_run_and_removed_by_the_next_accept(
    project: pytest.Pytester, plugin_args: tuple[str, ...]
) -> None:
    run(project, "--accept", "--accept-reason", REASON, *plugin_args)
    assert len(entries(project)) == 4
    _reports_the_accept(report(project))
    write_suite(project.path, "triage", EDITED_SUITE)
    _change_candidate_answer(project, "refund")

    plain = run(project, *plugin_args)
    plain.assert_outcomes(passed=2)
    plain.stdout.fnmatch_lines(
        [
            "approvals: 1 used, 3 stale; the next --accept removes the stale ones:",
            "  triage::login similarity: the case no longer exists",
            "  triage::refund similarity: the outputs are not the ones approved",
            "  triage::regress similarity: the case has no such check any more",
        ]
    )
    document = report(project)
    statuses = {case["key"]: case["status"] for case in document["cases"]}
    assert statuses == {"triage::refund": "changed", "triage::regress": "approved"}
    assert document["approvals"] == {
        "used": 1,
        "stale": [
            {"case": "triage::login", "check": "similarity", "why": "the case no longer exists"},
            {
                "case": "triage::refund",
                "check": "similarity",
                "why": "the outputs are not the ones approved",
            },
            {
                "case": "triage::regress",
                "check": "similarity",
                "why": "the case has no such check any more",
            },
        ],
        "unchecked": 0,
        "accepted": None,
    }
    assert len(entries(project)) == 4  # only an accept run writes the file
    # What the approvals file says reaches the report from the worker that judged the case.
    approval = report_checks(document)["triage::regress", ASSERT]["approval"]
    assert approval["reason"] == REASON and re.fullmatch(
        r"\d{4}-\d\d-\d\d", approval["approved_on"]
    )

    # A partial run cannot tell a deleted case from a deselected one: it leaves both alone.
    partial = run(project, "--no-report", "-k", "refund", *plugin_args)
    partial.stdout.fnmatch_lines(
        [
            "approvals: 0 used, 1 stale, 3 not checked (their cases did not run); "
            "the next --accept removes the stale ones:",
            "  triage::refund similarity: the outputs are not the ones approved",
        ]
    )

    # Serially from here: removing stale approvals is the controller's, on what it merged
    # above, and writing the file was shown under workers by the first accept.
    accepted = run(project, "--no-report", "--accept")
    accepted.assert_outcomes(passed=2)
    accepted.stdout.fnmatch_lines(
        ["approved: 1 changed; already approved: 1; stale approvals removed: 2"]
    )
    assert [(e["case"], e["check"], e.get("reason")) for e in entries(project)] == [
        ("triage::refund", "similarity", None),
        ("triage::regress", ASSERT, REASON),
    ]
    clean = run(project, "--no-report")
    clean.assert_outcomes(passed=2)
    clean.stdout.fnmatch_lines(["approvals: 2 used, 0 stale"])


def test_the_file_diffs_cleanly(project: pytest.Pytester) -> None:
    # Who accepted named, so git's configured user (or its absence) does not matter.
    run(project, "--no-report", "--accept", "--accept-reason", REASON, "--approved-by", "Ana")
    text = (project.path / APPROVALS).read_text()
    # Four entries added on one day share one date object: written out each time.
    assert "&" not in text and "*" not in text
    assert text.count("approved_on: ") == 4
    assert [list(e) for e in entries(project)] == [
        ["case", "check", "baseline", "candidate", "approved_on", "reason"]
        + ["approved_by", "approved_at"]
    ] * 4
    keys = [(e["case"], e["check"]) for e in entries(project)]
    assert keys == sorted(keys)
    assert all(len(line) < 100 for line in text.splitlines())

    run(project, "--no-report", "--accept", "--accept-reason", "another reason")
    assert (project.path / APPROVALS).read_text() == text  # nothing new: not one byte moves


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--accept", "--accept-reason", "  "), "*--accept-reason is empty: say why*"),
        (("--accept-reason", "fine"), "*--accept-reason goes with --accept: add --accept*"),
    ],
)
def test_reason_mistakes_are_usage_errors(
    pytester: pytest.Pytester, offline: None, args: tuple[str, ...], message: str
) -> None:
    write_suite(pytester.path, "triage", SUITE)
    result = run(pytester, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_the_reason_shows_beside_the_check_in_the_browser(
    project: pytest.Pytester, tmp_path: Path
) -> None:
    from helpers.browser import chromium, open_report, unavailable

    run(project, "--accept", "--accept-reason", REASON).assert_outcomes(passed=3)
    problems: list[str] = []
    try:
        with chromium() as browser:
            page, _ = open_report(
                browser, project.path / "migrate-check-report" / "report.html", problems
            )
            page.click('.case[data-status="approved"] .head >> nth=0')
            notes = page.locator(".checks .approval").all_inner_texts()
    except RuntimeError as exc:  # no Chromium: skipped here, a failure under CI
        unavailable(str(exc))
    assert any(note.endswith(f": {REASON}") for note in notes), notes
    assert problems == []
