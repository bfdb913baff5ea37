"""The approvals file: round trip, exact-output matching, clear errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from migrate_check.core.case import Case
from migrate_check.core.completion import Completion, ToolCall
from migrate_check.core.results import CaseResult, CheckResult, Outcome
from migrate_check.judging.approvals import (
    CASE_GONE,
    CHECK_GONE,
    NOT_NEEDED,
    OUTPUTS_CHANGED,
    ApprovalsError,
    ApprovalStore,
    StaleApproval,
    audit,
    describe,
    fingerprint,
)

TODAY = dt.date(2026, 11, 20)


def case_result(
    candidate_text: str = "b", *outcomes: Outcome, case_id: str = "refund"
) -> CaseResult:
    case = Case("triage", case_id, {}, (), file=Path("suites/triage.yaml"))
    checks = [CheckResult(f"check{i}", o, "why") for i, o in enumerate(outcomes)]
    return CaseResult(
        case,
        [Completion(model="old", text="a")],
        [Completion(model="new", text=candidate_text)],
        checks,
    )


def test_fingerprint_is_short_stable_and_sensitive() -> None:
    one = [Completion(model="x", text="hi")]
    assert fingerprint(one) == fingerprint([Completion(model="other", text="hi")])
    assert len(fingerprint(one)) == 16
    assert fingerprint(one) != fingerprint([Completion(model="x", text="hi!")])
    call = Completion(model="x", tool_calls=(ToolCall("f", {"b": 1, "a": 2}),))
    same_call = Completion(model="x", tool_calls=(ToolCall("f", {"a": 2, "b": 1}),))
    assert fingerprint([call]) == fingerprint([same_call])
    assert fingerprint(one * 2) != fingerprint(one)


def test_record_only_approvable_outcomes_and_round_trip(tmp_path: Path) -> None:
    result = case_result("b", Outcome.CHANGED, Outcome.SAME, Outcome.REGRESSED, Outcome.ERROR)
    store = ApprovalStore()
    assert store.record(result, "queues merged", TODAY) == [Outcome.CHANGED, Outcome.REGRESSED]
    path = tmp_path / "approvals.yaml"
    store.save(path)
    loaded = ApprovalStore.load(path)
    assert list(loaded) == list(store)
    base_fp, cand_fp = fingerprint(result.baseline), fingerprint(result.candidate)
    approval = loaded.find("triage::refund", "check0", base_fp, cand_fp)
    assert approval is not None and approval.approved_on == TODAY
    assert approval.reason == "queues merged"
    assert loaded.find("triage::refund", "check1", base_fp, cand_fp) is None
    assert loaded.find("triage::refund", "check0", base_fp, fingerprint([])) is None


def test_save_is_deterministic_and_reapproval_leaves_file_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "approvals.yaml"
    store = ApprovalStore()
    store.record(case_result("b", Outcome.CHANGED), None, TODAY)
    store.save(path)
    before = path.read_text()
    assert "approved_on: 2026-11-20" in before
    store.record(case_result("b", Outcome.CHANGED), "again", TODAY + dt.timedelta(days=3))
    store.save(path)
    assert path.read_text() == before


def test_new_output_replaces_older_approval_for_same_check() -> None:
    store = ApprovalStore()
    store.record(case_result("b", Outcome.CHANGED), None, TODAY)
    store.record(case_result("c", Outcome.CHANGED), None, TODAY)
    assert len(store) == 1
    (approval,) = list(store)
    assert approval.candidate == fingerprint([Completion(model="new", text="c")])


def test_missing_file_is_empty(tmp_path: Path) -> None:
    assert len(ApprovalStore.load(tmp_path / "nope.yaml")) == 0
    (tmp_path / "empty.yaml").write_text("")
    assert len(ApprovalStore.load(tmp_path / "empty.yaml")) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("approvals:\n  - case: [unclosed\n", r"approvals\.yaml: line 2: not valid YAML"),
        ("approvals: 3\n", r"approvals\.yaml: line 1: expected a mapping with a list 'approvals'"),
        (
            "approvals:\n- case: a\n  check: b\n  baseline: c\n  candidate: d\n"
            "  approved_on: 2026-11-20\n- case: a\n  check: e\n  baseline: c\n",
            r"approvals\.yaml: line 7: approval 2 needs a string 'candidate'",
        ),
        (
            "approvals:\n- case: a\n  check: b\n  baseline: c\n  candidate: d\n"
            "  approved_on: soon\n",
            r"approvals\.yaml: line 2: approval 1 has 'approved_on' 'soon', not a date",
        ),
    ],
)
def test_bad_file_names_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "approvals.yaml"
    path.write_text(text)
    with pytest.raises(ApprovalsError, match=message):
        ApprovalStore.load(path)


def test_entries_added_on_one_day_share_no_anchor(tmp_path: Path) -> None:
    store = ApprovalStore()
    store.record(case_result("b", Outcome.CHANGED, Outcome.REGRESSED), "one reason", TODAY)
    store.record(case_result("c", Outcome.CHANGED, case_id="login"), "one reason", TODAY)
    path = tmp_path / "approvals.yaml"
    store.save(path)
    text = path.read_text()
    assert "&id" not in text and "*id" not in text
    assert text.count("approved_on: 2026-11-20") == 3
    assert text.count("reason: one reason") == 3
    assert [(a.case, a.check) for a in ApprovalStore.load(path)] == [
        ("triage::login", "check0"),
        ("triage::refund", "check0"),
        ("triage::refund", "check1"),
    ]


def test_record_only_the_outcomes_asked_for() -> None:
    store = ApprovalStore()
    result = case_result("b", Outcome.CHANGED, Outcome.REGRESSED)
    assert store.record(result, None, TODAY, {Outcome.CHANGED}) == [Outcome.CHANGED]
    assert ("triage::refund", "check0") in store and ("triage::refund", "check1") not in store


def test_audit_sorts_approvals_into_used_stale_and_unchecked() -> None:
    store = ApprovalStore()
    approved = case_result("b", Outcome.CHANGED, Outcome.CHANGED, Outcome.CHANGED)
    store.record(approved, None, TODAY)
    store.record(case_result("b", Outcome.CHANGED, case_id="gone"), None, TODAY)
    store.record(case_result("b", Outcome.CHANGED, case_id="failed"), None, TODAY)
    store.record(case_result("b", Outcome.CHANGED, case_id="moved"), None, TODAY)

    now = [
        case_result("b", Outcome.CHANGED, Outcome.SAME),  # check1 no longer changes, check2 gone
        case_result("c", Outcome.CHANGED, case_id="moved"),  # another answer
        case_result("b", Outcome.ERROR, case_id="failed"),
    ]
    now[2].candidate[0].error = "API error 500"
    found = audit(store, now, complete=True)
    assert found.used == 1 and found.unchecked == 1
    assert found.stale == (
        StaleApproval("triage::gone", "check0", CASE_GONE),
        StaleApproval("triage::moved", "check0", OUTPUTS_CHANGED),
        StaleApproval("triage::refund", "check1", NOT_NEEDED),
        StaleApproval("triage::refund", "check2", CHECK_GONE),
    )
    partial = audit(store, now, complete=False)
    assert partial.unchecked == 2 and len(partial.stale) == 3  # a deselected case is not gone
    assert store.remove(found.stale) == 4 and len(store) == 2


def test_describe_names_the_date_and_the_reason() -> None:
    assert describe(None) == ""
    assert describe({"reason": "ok", "approved_on": "2026-11-20"}) == "approved on 2026-11-20: ok"
    assert describe({"reason": None, "approved_on": "2026-11-20"}) == (
        "approved on 2026-11-20 (no reason given)"
    )
