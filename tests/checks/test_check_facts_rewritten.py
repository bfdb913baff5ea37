"""`facts` on answers rewritten throughout: a claim or a loosely read value found on one
side only is listed, not counted (`fact_rewrites`); in an answer that kept its wording,
in a short answer, or beside a value that changed, it still counts. Examples are written
here, not taken from the labelled pairs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.facts_pairs import judge
from helpers.facts_pairs import kinds as finding_kinds
from migrate_check.checks import build_check
from migrate_check.checks.base import CheckConfigError
from migrate_check.checks.builtin.fact_findings import Finding
from migrate_check.checks.builtin.fact_rewrites import ALIKE_CHARS, LEAST_WORDS, alike, unconfirmed
from migrate_check.core.case import CheckSpec
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult, Outcome

TRIP = (
    "Hi Sam, thanks for booking the river trip for Saturday 14 June. Boarding opens at "
    "9:30am at the Mill Quay pontoon and we set off at 10am sharp. Each boat takes at most "
    "6 passengers, so your party of 12 will be split across two boats with a skipper each. "
    "Life jackets are provided and must be worn on deck. The trip lasts about three hours "
    "and ends back at Mill Quay."
)
#: The same trip in another model's words: "at most 6" said as "No boat carries more
#: than 6", a negation the rules find on this side only.
TRIP_REWRITTEN = (
    "Dear Sam, your river trip on Saturday 14 June is booked. Please be at the Mill Quay "
    "pontoon when boarding opens at 9:30am; departure is at 10am on the dot. No boat "
    "carries more than 6 passengers, so the 12 of you will travel in two boats, each with "
    "its own skipper. We provide life jackets, and you must wear them on deck. Expect to "
    "be out for roughly three hours before returning to Mill Quay."
)


def judge_with(options: dict[str, object], baseline: str, candidate: str) -> CheckResult:
    check = build_check(CheckSpec("facts", options), Path("."))
    return check.judge(
        [Completion(model="gpt-4o-mini", text=baseline)],
        [Completion(model="gpt-4.1-mini", text=candidate)],
    )


def test_a_one_sided_claim_in_an_answer_rewritten_throughout_is_listed_not_counted() -> None:
    for baseline, candidate in ((TRIP, TRIP_REWRITTEN), (TRIP_REWRITTEN, TRIP)):
        result = judge(baseline, candidate)
        assert result.outcome is Outcome.SAME, result.reason
        assert "not counted" in result.reason and "rewritten throughout" in result.reason
        listed = result.evidence["unconfirmed"]
        assert [(f["kind"], f["change"]) for f in listed] in (
            [("negation", "gained")],
            [("negation", "lost")],
        )
        assert "No boat carries more than 6 passengers" in str(listed)
        assert "rewritten_below 70" in result.evidence["rewritten"]
        assert "findings" not in result.evidence


def test_rewritten_below_zero_counts_every_finding() -> None:
    result = judge_with({"rewritten_below": 0}, TRIP, TRIP_REWRITTEN)
    assert result.outcome is Outcome.CHANGED
    assert finding_kinds(result) == {"negation"}
    assert "unconfirmed" not in result.evidence
    # the answers share 64% of their characters in order: under 60 they are not rewritten
    assert alike(TRIP, TRIP_REWRITTEN) == pytest.approx(64, abs=1)
    assert judge_with({"rewritten_below": 60}, TRIP, TRIP_REWRITTEN).outcome is Outcome.CHANGED


def test_the_same_claim_changed_in_an_answer_that_kept_its_wording_counts() -> None:
    negated = TRIP.replace("Life jackets are provided", "Life jackets are not provided")
    result = judge(TRIP, negated)
    assert result.outcome is Outcome.CHANGED
    assert finding_kinds(result) == {"negation"}
    assert alike(TRIP, negated) > 95


def test_a_changed_value_beside_a_one_sided_claim_makes_both_count() -> None:
    more = TRIP_REWRITTEN.replace("more than 6 passengers", "more than 8 passengers")
    result = judge(TRIP, more)
    assert result.outcome is Outcome.CHANGED
    assert "negation" in finding_kinds(result)
    assert {"numbers", "quantities"} & finding_kinds(result)
    assert "unconfirmed" not in result.evidence


def test_a_condition_or_a_value_in_digits_dropped_from_a_rewritten_answer_counts() -> None:
    rewritten = TRIP_REWRITTEN.replace("No boat carries more than 6", "Each boat takes up to 6")
    baseline = TRIP + " Children under 5 travel free if they sit on an adult's lap."
    result = judge(baseline, rewritten + " Children under 5 travel free.")
    assert result.outcome is Outcome.CHANGED, result.reason
    assert finding_kinds(result) == {"conditions"}
    baseline = TRIP + " We refund the full fare if you cancel at least 2 days before the trip."
    result = judge(baseline, rewritten + " Cancel and we refund the full fare.")
    assert result.outcome is Outcome.CHANGED, result.reason
    assert "quantities" in finding_kinds(result)


def test_a_short_answer_reworded_with_a_claim_on_one_side_counts() -> None:
    short, reworded = TRIP.split(". ")[2], TRIP_REWRITTEN.split(". ")[2]
    assert len(short.split()) < LEAST_WORDS
    result = judge(short + ".", reworded + ".")
    assert result.outcome is Outcome.CHANGED
    assert finding_kinds(result) == {"negation"}


def test_which_findings_are_weak() -> None:
    def finding(kind: str, change: str, worded: bool = False) -> Finding:
        return Finding(kind, change, "", "", "", "", worded)

    long_text = " ".join(["word"] * LEAST_WORDS)
    other = " ".join(["zzz"] * LEAST_WORDS)  # keeps only the spaces of the other
    share = 100 * (LEAST_WORDS - 1) / len(other)
    weak = [
        finding("negation", "lost"),
        finding("conditions", "added"),
        finding("numbers", "missing", worded=True),
        finding("entities", "added"),
    ]
    assert unconfirmed(weak, long_text, other, 70) == pytest.approx(share)
    # a value changed or written in digits, a hedge, a condition or a step of the
    # baseline gone: never weak, and one of them makes the others count too
    for strong in (
        finding("amounts", "changed"),
        finding("numbers", "changed", worded=True),
        finding("quantities", "missing"),
        finding("hedges", "made certain"),
        finding("conditions", "dropped"),
        finding("steps", "dropped"),
    ):
        assert unconfirmed([strong], long_text, other, 70) is None
        assert unconfirmed([*weak, strong], long_text, other, 70) is None
    assert unconfirmed([], long_text, other, 70) is None
    assert unconfirmed(weak, long_text, other, 0) is None
    assert unconfirmed(weak, long_text, long_text, 70) is None
    assert unconfirmed(weak, long_text.split(" ", 1)[1], other, 70) is None  # too short
    # an answer with a clause added keeps all of the other's characters in order
    assert alike("Refunds are issued.", "Refunds are issued if the box is unopened.") == 100
    assert alike("Refunds are issued.", "Refunds are not issued.") == 100
    assert alike("Refunds are issued.", "No refund is given.") < 70
    assert alike("", "anything") == 100


@pytest.mark.parametrize("value", [-1, 101, "high", True])
def test_rewritten_below_must_be_a_share(value: object) -> None:
    with pytest.raises(CheckConfigError, match="rewritten_below"):
        build_check(CheckSpec("facts", {"rewritten_below": value}), Path("."))


def test_a_kind_the_suite_regresses_on_counts_in_a_rewritten_answer_too() -> None:
    result = judge_with({"regress_on": ["negation"]}, TRIP, TRIP_REWRITTEN)
    assert result.outcome is Outcome.REGRESSED
    assert finding_kinds(result) == {"negation"}
    assert judge_with({"regress_on": ["dates"]}, TRIP, TRIP_REWRITTEN).outcome is Outcome.SAME


def test_how_alike_long_answers_are_is_read_off_their_first_characters() -> None:
    head = TRIP * (ALIKE_CHARS // len(TRIP) + 1)
    assert alike(head + "x" * 5000, head + "y" * 5000) == 100
    assert alike("a" * ALIKE_CHARS + TRIP, "b" * ALIKE_CHARS + TRIP) == 0
