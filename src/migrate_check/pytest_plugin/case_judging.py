"""One case's verdict: its answers taken from the run, judged by its checks.

A YAML case's item and a case written in Python (the `migrate_check_case` fixture) are
judged the same way here, and their results join the run's report alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from migrate_check.checks import Check
from migrate_check.core.case import Case
from migrate_check.core.results import CaseResult
from migrate_check.pytest_plugin.fetching import grades, take_answers
from migrate_check.pytest_plugin.run_state import RunState
from migrate_check.suites.loading import case_from_mapping
from migrate_check.suites.suite import SuiteError


def judge(state: RunState, case: Case, checks: list[Check]) -> CaseResult:
    """Judge one case with its prepared checks (fetching it first if the prefetch did not)."""
    from migrate_check.judging.engine import judge_case

    baseline, candidate = take_answers(state, case)
    replies = grades(state, case, checks, baseline, candidate)
    result = judge_case(case, baseline, candidate, checks, state.approvals, replies)
    if state.settings.accept:
        who, when = state.signature()
        note = {
            "reason": state.settings.accept_reason,
            "approved_on": dt.date.today().isoformat(),
            "approved_by": who,
            "approved_at": when,
        }
        for check in result.checks:
            if not check.approved and check.outcome in state.accepted_outcomes:
                check.approved = True
                check.approval = dict(note)
    state.results[case.key] = result
    return result


def python_case_runner(state: RunState, suite: str, file: Path) -> Callable[..., CaseResult]:
    """A function that validates, fetches and judges a case written in Python."""

    def run_case(**mapping: Any) -> CaseResult:
        try:
            case = case_from_mapping(suite, mapping, file)
        except SuiteError as exc:
            raise ValueError(exc.message) from None
        if state.settings.samples is not None:
            case = replace(case, samples=state.settings.samples)
        return judge(state, case, state.build_checks(case, state.display(case)))

    return run_case
