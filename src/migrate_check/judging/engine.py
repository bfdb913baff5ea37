"""Judging one case: run each check on both models' answers and apply approvals.

Plain Python, no pytest: the plugin, the CLI and the benchmark all call `judge_case`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from migrate_check.checks import Check, default_registry
from migrate_check.checks.builtin.answer import ALWAYS_ON
from migrate_check.checks.builtin.calls import CallsCheck
from migrate_check.checks.builtin.trajectory import TrajectoryCheck
from migrate_check.checks.graded import GradedCheck
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion
from migrate_check.core.results import CaseResult, CheckResult, Outcome
from migrate_check.judging.approvals import APPROVABLE, ApprovalStore, fingerprint
from migrate_check.sending.grading import Replies


def judge_case(
    case: Case,
    baseline: list[Completion],
    candidate: list[Completion],
    checks: Sequence[Check],
    approvals: ApprovalStore | None = None,
    replies: Replies | None = None,
) -> CaseResult:
    """Every check's verdict on one case; approved changes are marked, not hidden.

    Checks graded by a model (`embedding`, `judge`) read the grader's `replies` (by call
    key, from `grading.Grader`); without them they are an error saying so.

    A loop case is judged by `trajectory` too (the steps each model took; its other
    checks judge the final answer). An entry-point case is judged by `calls` too (the
    path its function took); when its function raised on a side, by `calls` alone,
    since that side has no value. The always-on `answer` check comes last: every case
    is judged for cut-off, refused, empty and filtered answers, and for answers from
    another model.
    """
    if not checks:
        checks = default_registry().checks_for(case, Path.cwd())
    if case.entry is not None and not any(isinstance(c, CallsCheck) for c in checks):
        # An entry-point case is always judged by the path its function took too.
        checks = [*checks, CallsCheck()]
    if case.loop is not None and not any(isinstance(c, TrajectoryCheck) for c in checks):
        # A loop case is always judged by the path each model took through its tools too.
        checks = [*checks, TrajectoryCheck()]
    failure = _call_failure(baseline, candidate)
    if failure is not None:
        results = [CheckResult(check.label, Outcome.ERROR, failure) for check in checks]
    elif _raised(baseline) or _raised(candidate):
        # The function raised on a side: there is no value there for the other checks to
        # read ("not JSON", "empty"); `calls` judges the exception, with its traceback.
        results = [
            _run_check(check, case, baseline, candidate, replies)
            for check in checks
            if isinstance(check, CallsCheck)
        ]
    else:
        results = [
            _run_check(check, case, baseline, candidate, replies) for check in [*checks, ALWAYS_ON]
        ]
    result = CaseResult(case, baseline, candidate, results)
    if approvals is not None and len(approvals):
        _apply_approvals(result, approvals)
    return result


def _raised(completions: list[Completion]) -> bool:
    """Whether an entry point raised in any of these samples."""
    return any(c.entry_run is not None and c.entry_run.raised is not None for c in completions)


def _call_failure(baseline: list[Completion], candidate: list[Completion]) -> str | None:
    """Why the checks cannot run: a side has no answer or one of its calls failed."""
    for side, completions in (("baseline", baseline), ("candidate", candidate)):
        if not completions:
            return f"no {side} answer"
        for index, completion in enumerate(completions):
            if completion.error is not None:
                sample = f" (sample {index + 1})" if len(completions) > 1 else ""
                return f"{side} call to {completion.model} failed{sample}: {completion.error}"
    return None


def _run_check(
    check: Check,
    case: Case,
    baseline: list[Completion],
    candidate: list[Completion],
    replies: Replies | None = None,
) -> CheckResult:
    try:
        if isinstance(check, GradedCheck) and replies is not None:
            return check.for_case(case).judge_with(baseline, candidate, replies)
        return check.judge(baseline, candidate)
    except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others' verdicts
        message = f": {exc}" if str(exc) else ""
        return CheckResult(
            check.label,
            Outcome.ERROR,
            f"check {check.label!r} raised {type(exc).__name__}{message}",
            {"raised": type(exc).__name__, "message": str(exc)},
        )


def _apply_approvals(result: CaseResult, approvals: ApprovalStore) -> None:
    baseline_fp = fingerprint(result.baseline)
    candidate_fp = fingerprint(result.candidate)
    for check_result in result.checks:
        if check_result.outcome not in APPROVABLE:
            continue
        approval = approvals.find(result.case.key, check_result.check, baseline_fp, candidate_fp)
        if approval is not None:
            check_result.approved = True
            check_result.approval = approval.note()
