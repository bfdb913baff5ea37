"""`similarity` says what it is (edit distance) and when a scorer that forgives length
passed an answer that lost most of its text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from migrate_check.checks import build_check
from migrate_check.core.case import CheckSpec
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult, Outcome

THREE = (
    "The refund of $40 was issued today. It reaches your card within 5 business days. "
    "Contact us if it does not arrive."
)
ONE = "The refund of $40 was issued today."


def judge(options: Any, baseline: list[str], candidate: list[str]) -> CheckResult:
    check = build_check(CheckSpec("similarity", options), Path("."))
    return check.judge(
        [Completion(model="a", text=t) for t in baseline],
        [Completion(model="b", text=t) for t in candidate],
    )


def test_every_result_says_it_is_edit_distance() -> None:
    result = judge(80, [THREE], [THREE.replace("today", "on Tuesday")])
    assert result.outcome is Outcome.SAME  # a changed day moves a few letters
    assert result.evidence["measures"].startswith("edit distance")
    assert "warning" not in result.evidence


@pytest.mark.parametrize(
    ("scorer", "score", "says"),
    [
        ("token_set_ratio", 100, "scores 100 when one answer's words are a subset of the other's"),
        ("partial_ratio", 100, "scores 100 when the shorter answer appears within the longer"),
        ("WRatio", 90, "scores up to 90 when the shorter answer appears within the longer"),
    ],
)
def test_a_kept_sentence_of_three_passes_a_scorer_that_forgives_length_and_says_so(
    scorer: str, score: float, says: str
) -> None:
    result = judge({"min": 85, "scorer": scorer}, [THREE], [ONE])
    assert result.outcome is Outcome.SAME and result.evidence["score"] == score
    warning = result.evidence["warning"]
    assert warning == f"{scorer} {says}: the candidate has 7 words, the baseline 22"
    assert result.reason.endswith(f"({scorer}); {warning}")
    # The other way round names the sides the other way round.
    assert "the baseline has 7 words" in judge({"min": 85, "scorer": scorer}, [ONE], [THREE]).reason


def test_no_warning_where_the_lengths_are_close_the_scorer_counts_length_or_it_fails() -> None:
    reworded = THREE.replace("Contact us", "Please write to us")
    assert (
        "warning"
        not in judge({"min": 85, "scorer": "token_set_ratio"}, [THREE], [reworded]).evidence
    )
    # ratio already scores the lost text: 46 < 80, a change, no warning needed.
    lost = judge(80, [THREE], [ONE])
    assert lost.outcome is Outcome.CHANGED and "warning" not in lost.evidence
    failed = judge({"min": 100, "scorer": "partial_ratio"}, [THREE], ["Refund of $40 issued."])
    assert failed.outcome is Outcome.CHANGED and "warning" not in failed.evidence


def test_with_samples_the_warning_reaches_the_verdict() -> None:
    result = judge({"min": 85, "scorer": "token_set_ratio"}, [THREE, THREE], [ONE, ONE])
    assert result.outcome is Outcome.SAME
    assert result.evidence["warning"].startswith("token_set_ratio scores 100 when")
    assert "e.g. token_set_ratio scores 100" in result.reason
