"""The bundled example's entry-point suite (`suites/support_replies.yaml`): the team's own
feature (`suites/example_app/replies.py`: classify, then draft a reply with the prompt
the category picks) run on both models. Replayed offline from the committed cassettes,
each case gives the outcome it was written to show; recorded afresh against the local
server, it gives the same outcomes from the same requests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from devtools.local_openai import LocalServer
from example_project import copy_example, reported_cases, run_example

from conftest import REPO

SUITE = "suites/support_replies.yaml"
CASSETTES = REPO / "cassettes" / "support-replies"
MODELS = ("gpt-4o-mini", "gpt-4.1-mini")
#: Each case's outcome and its checks' outcomes, by check name (`calls` is always on).
EXPECTED = {
    "same-path": ("same", {"equal": "same", "facts": "same", "assert": "same", "calls": "same"}),
    "other-branch": (
        "changed",
        {"equal": "changed", "facts": "same", "assert": "same", "calls": "same"},
    ),
    "moved-refund-day": (
        "regressed",
        {"equal": "same", "facts": "regressed", "assert": "same", "calls": "same"},
    ),
    "refused-classification": ("regressed", {"calls": "regressed"}),  # no value: calls alone
}
#: The desks' system prompts (example_app.replies.DESKS), as the draft call sends them.
BILLING = "You are the billing desk."
TECHNICAL = "You are technical support."


def _checks(case: dict[str, Any]) -> dict[str, Any]:
    """A case's check results by check name (a label is the name and its options)."""
    return {c["check"].split()[0]: c for c in case["checks"]}


def _outcomes(cases: dict[str, Any]) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        key: (
            case["outcome"],
            {
                name: check["outcome"]
                for name, check in _checks(case).items()
                if name in EXPECTED[key][1]
            },
        )
        for key, case in cases.items()
    }


def _exchanges(path: Path) -> list[tuple[dict[str, Any], Any]]:
    """Each recorded call: its request body, and the message the model answered."""
    interactions = yaml.safe_load(path.read_text())["interactions"]
    return [
        (
            json.loads(i["request"]["body"]),
            json.loads(i["response"]["body"]["string"])["choices"][0]["message"],
        )
        for i in interactions
    ]


def test_the_example_app_replays_offline_with_the_outcomes_it_shows(
    pytester: pytest.Pytester, offline: None
) -> None:
    copy_example(pytester.path, "support-replies")
    result = run_example(pytester, SUITE)
    result.assert_outcomes(passed=2, failed=2)  # a changed path is to review, not a failure
    cases = reported_cases(pytester)
    assert _outcomes(cases) == EXPECTED
    checks = {key: _checks(case) for key, case in cases.items()}
    # Both models took the same path: two chat calls each, nothing raised.
    same = checks["same-path"]["calls"]["evidence"]
    for side in ("baseline", "candidate"):
        assert same[side]["outcome"] == "returned"
        assert same[side]["endpoints"] == ["chat.completions"] * 2
        assert same[side]["input_tokens"] > 0 and same[side]["output_tokens"] > 0
    # The candidate's first answer picked billing, so its draft went to the billing desk.
    assert "'technical' -> 'billing'" in checks["other-branch"]["equal"]["reason"]
    drafts = {
        model: _exchanges(CASSETTES / "other-branch" / f"{model}.yaml")[1][0]["messages"][0]
        for model in MODELS
    }
    assert drafts["gpt-4o-mini"]["content"].startswith(TECHNICAL)
    assert drafts["gpt-4.1-mini"]["content"].startswith(BILLING)
    # The candidate's reply moved the refund's day; the category and the path held.
    assert "Thursday → Tuesday" in checks["moved-refund-day"]["facts"]["reason"]
    # A refusal on the candidate's first call: the app raised, and made no second call.
    refused = checks["refused-classification"]["calls"]
    raised = "ValueError: no category for the message: I'm sorry, but I can't help with that"
    assert refused["reason"].startswith(f"candidate raised: {raised}")
    paths = refused["evidence"]
    assert "draft_reply" in paths["candidate"]["raised"]  # the traceback's last lines
    assert (paths["baseline"]["calls"], paths["candidate"]["calls"]) == (2, 1)
    baseline = json.loads(cases["refused-classification"]["baseline"]["completions"][0]["text"])
    assert baseline["category"] == "account" and "77120" in baseline["reply"]


def test_every_draft_call_answers_as_the_server_would_with_no_marker_of_the_classifier() -> None:
    """A case's `[answer:...]` marker reaches only the call it is meant for: the classify
    call's in the message it sends last, the draft call's in the account notes. The
    draft's last user message never holds the classifier's marker."""
    for case in EXPECTED:
        for model in MODELS:
            exchanges = _exchanges(CASSETTES / case / f"{model}.yaml")
            assert 1 <= len(exchanges) <= 2
            classify = exchanges[0][0]["messages"]
            assert classify[-1]["role"] == "user"
            for request, _ in exchanges[1:]:
                last = request["messages"][-1]
                assert last["content"].startswith("Draft the reply from the account notes:")
                assert "[answer:text=" not in last["content"]
                assert "[answer:refuse" not in last["content"]


def test_the_example_app_records_against_the_local_server_as_committed(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    """A fresh recording of the suite sends the requests the committed cassettes hold, gets
    the same answers and gives the same outcomes."""
    copy_example(pytester.path, None)
    result = run_example(pytester, SUITE, "--record-mode", "once")
    result.assert_outcomes(passed=2, failed=2)
    assert _outcomes(reported_cases(pytester)) == EXPECTED
    # Four cases on two models, two calls each, less the draft the refusal never made.
    assert live.stats.completions == 4 * 2 * 2 - 1
    for case in EXPECTED:
        for model in MODELS:
            name = Path(case) / f"{model}.yaml"
            fresh = _exchanges(pytester.path / "cassettes" / "support-replies" / name)
            committed = _exchanges(CASSETTES / name)
            assert [r for r, _ in fresh] == [r for r, _ in committed], name
            assert [m["content"] for _, m in fresh] == [m["content"] for _, m in committed]
            assert [m["refusal"] for _, m in fresh] == [m["refusal"] for _, m in committed]
            text = (pytester.path / "cassettes" / "support-replies" / name).read_text()
            assert "sk-test-local" not in text and "authorization" not in text.lower()
