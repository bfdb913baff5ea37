"""Ignoring order never ignores how often something occurs (issue 28, item 8).

deepdiff's `ignore_order` alone takes `[a, a]` and `[a]` for the same list, so a tool
call made twice on one side and once on the other came out `same` under `ignore_order`
(and `changed` without it), and `equal` took a list with a repeated item for the list
without it. Lists without order are multisets: the same items reordered are the same,
one more of an item is a change, at the top level and in lists nested inside JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from migrate_check.checks import build_check
from migrate_check.checks.diffing import MAX_SEQUENCE
from migrate_check.core.case import CheckSpec
from migrate_check.core.completion import Completion, ToolCall
from migrate_check.core.results import CheckResult, Outcome

HERE = Path(__file__).parent
UNORDERED = {"ignore_order": True}
LOOKUP = ("lookup_order", {"id": 1})
REFUND = ("refund", {"id": 1, "amount": 5})


def calls(*pairs: tuple[str, Any]) -> Completion:
    return Completion(model="m", tool_calls=tuple(ToolCall(n, a) for n, a in pairs))


def output(value: Any) -> Completion:
    return Completion(model="m", text=json.dumps(value))


def judge(name: str, options: Any, baseline: Completion, candidate: Completion) -> CheckResult:
    result = build_check(CheckSpec(name, options), HERE).judge([baseline], [candidate])
    json.dumps(result.evidence)
    return result


def test_a_call_made_twice_is_not_the_call_made_once() -> None:
    for options in (None, UNORDERED):
        twice = judge("tool_calls", options, calls(LOOKUP, LOOKUP), calls(LOOKUP))
        assert twice.outcome is Outcome.CHANGED, (options, twice)
        assert twice.reason == (
            "baseline calls ['lookup_order', 'lookup_order'], candidate calls ['lookup_order']"
        )
        once = judge("tool_calls", options, calls(LOOKUP), calls(LOOKUP, LOOKUP))
        assert once.outcome is Outcome.CHANGED, (options, once)
    repeated = judge("tool_calls", UNORDERED, calls(REFUND, LOOKUP), calls(LOOKUP, REFUND, LOOKUP))
    assert repeated.outcome is Outcome.CHANGED
    assert repeated.evidence["diff"]["repetition_change"]
    # Two calls swapped, and one repeated by each side: the same multiset.
    same = judge(
        "tool_calls", UNORDERED, calls(LOOKUP, REFUND, LOOKUP), calls(LOOKUP, LOOKUP, REFUND)
    )
    assert same.outcome is Outcome.SAME
    assert same.reason == "same calls ['refund', 'lookup_order', 'lookup_order']"


def test_repeats_count_in_lists_inside_tool_call_arguments() -> None:
    base = calls(("refund", {"items": [{"sku": "A"}, {"sku": "B"}]}))
    reordered = calls(("refund", {"items": [{"sku": "B"}, {"sku": "A"}]}))
    repeated = calls(("refund", {"items": [{"sku": "B"}, {"sku": "A"}, {"sku": "A"}]}))
    assert judge("tool_calls", UNORDERED, base, reordered).outcome is Outcome.SAME
    result = judge("tool_calls", UNORDERED, base, repeated)
    assert result.outcome is Outcome.CHANGED
    assert result.reason == "arguments differ in calls to ['refund']"


@pytest.mark.parametrize(
    ("baseline", "candidate"),
    [
        ([1, 2], [1, 1, 2]),
        (["a", "b", "b"], ["a", "a", "b"]),
        ([{"sku": "A"}], [{"sku": "A"}, {"sku": "A"}]),
        ({"lines": [[1, 2], [3]]}, {"lines": [[3], [2, 1], [3]]}),
        ({"order": {"skus": ["A", "B"]}}, {"order": {"skus": ["B", "A", "A"]}}),
    ],
    ids=["integers", "strings", "objects", "nested-lists", "nested-in-an-object"],
)
def test_equal_without_order_counts_repeats(baseline: Any, candidate: Any) -> None:
    result = judge("equal", UNORDERED, output(baseline), output(candidate))
    assert result.outcome is Outcome.CHANGED, result
    assert "repetition_change" in result.evidence["diff"]
    assert judge("equal", UNORDERED, output(candidate), output(baseline)).outcome is (
        Outcome.CHANGED
    )


@pytest.mark.parametrize(
    ("baseline", "candidate"),
    [
        ([1, 2, 2], [2, 1, 2]),
        ([{"sku": "A"}, {"sku": "B"}], [{"sku": "B"}, {"sku": "A"}]),
        ({"lines": [[1, 2], [3]]}, {"lines": [[3], [2, 1]]}),
    ],
    ids=["repeated-integers", "objects", "nested-lists"],
)
def test_equal_without_order_takes_the_same_items_reordered_as_equal(
    baseline: Any, candidate: Any
) -> None:
    assert judge("equal", UNORDERED, output(baseline), output(candidate)).outcome is Outcome.SAME
    assert judge("equal", None, output(baseline), output(candidate)).outcome is Outcome.CHANGED


def test_a_tolerance_does_not_make_two_items_one() -> None:
    """deepdiff pairs items within `math_epsilon` and then counts no repeats, even with
    `report_repetition`: [1.0, 1.0] and [1.05] are equal to it."""
    options = {**UNORDERED, "tolerance": 0.1}
    assert judge("equal", options, output([2.0, 1.0]), output([1.05, 2.0])).outcome is (
        Outcome.SAME
    )
    for baseline, candidate in (
        ([1.0, 1.0, 2.0], [2.0, 1.05]),
        ([{"price": 1.0}, {"price": 1.0}], [{"price": 1.05}]),
        ({"prices": [[1.0], [1.0]]}, {"prices": [[1.05]]}),
    ):
        result = judge("equal", options, output(baseline), output(candidate))
        assert result.outcome is Outcome.CHANGED, (baseline, result)
        assert result.evidence["diff"]["counts"] == {"iterable_item_removed": 1}
        assert "without counting repeats" in result.evidence["diff"]["bounded"]


def test_repeats_count_in_a_list_too_long_for_deepdiff() -> None:
    long = list(range(MAX_SEQUENCE + 1))
    result = judge("equal", UNORDERED, output(long), output([*reversed(long), 7]))
    assert result.outcome is Outcome.CHANGED
    assert result.evidence["diff"]["counts"] == {"iterable_item_added": 1}
    assert judge("equal", UNORDERED, output(long), output(long[::-1])).outcome is Outcome.SAME
