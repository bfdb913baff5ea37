"""Judging two free-text answers with `facts` the way a suite does, both ways round, for
the tests of kinds of rewording and of change."""

from __future__ import annotations

from pathlib import Path

from migrate_check.checks import build_check
from migrate_check.core.case import CheckSpec
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult, Outcome


def judge(baseline: str, candidate: str) -> CheckResult:
    check = build_check(CheckSpec("facts", None), Path("."))
    return check.judge(
        [Completion(model="gpt-4o-mini", text=baseline)],
        [Completion(model="gpt-4.1-mini", text=candidate)],
    )


def kinds(result: CheckResult) -> set[str]:
    return {f["kind"] for f in result.evidence.get("findings", []) if "kind" in f}


def assert_same(baseline: str, candidate: str) -> None:
    """A rewording: `same` whichever side is the baseline."""
    for one, other in ((baseline, candidate), (candidate, baseline)):
        result = judge(one, other)
        assert result.outcome is Outcome.SAME, result.reason


def assert_caught(baseline: str, candidate: str, kind: str) -> None:
    """A change of `kind`: found whichever side is the baseline."""
    for one, other in ((baseline, candidate), (candidate, baseline)):
        result = judge(one, other)
        assert kind in kinds(result), result.reason
