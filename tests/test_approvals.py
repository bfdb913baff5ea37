"""The approvals file: round trip, exact-output matching, clear errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from migrate_check.approvals import ApprovalsError, ApprovalStore, fingerprint
from migrate_check.model import Case, CaseResult, CheckResult, Completion, Outcome, ToolCall

TODAY = dt.date(2026, 11, 20)


def case_result(candidate_text: str = "b", *outcomes: Outcome) -> CaseResult:
    case = Case("triage", "refund", {}, ())
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
    assert store.record(result, "queues merged", TODAY) == 2
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
