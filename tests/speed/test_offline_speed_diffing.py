"""deep_difference answers a change at the root itself, exactly as deepdiff reports it."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

import pytest
from deepdiff import DeepDiff
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate_check.checks.diffing import (
    _UNCOUNTED,
    _one_change_at_root,
    _one_change_inside,
    deep_difference,
)
from migrate_check.checks.outputs import json_or_none

OPTIONS: list[dict[str, Any]] = [
    {},
    {"ignore_order": True},
    {"tolerance": 0.5},
    {"significant_digits": 2},
    {"ignore_order": True, "tolerance": 1.0, "significant_digits": 0},
]


def by_deepdiff(baseline: Any, candidate: Any, **options: Any) -> dict[str, Any] | None:
    """What deep_difference answered before it had a fast path."""
    left, right = json_or_none(baseline), json_or_none(candidate)
    if left is not None and left == right:
        return None
    settings_: dict[str, Any] = {
        "ignore_order": options.get("ignore_order", False),
        "ignore_numeric_type_changes": True,
        # Ignoring order never ignores how often an item occurs (issue 28, item 8).
        "report_repetition": options.get("ignore_order", False),
    }
    if options.get("tolerance") is not None:
        settings_["math_epsilon"] = options["tolerance"]
    if options.get("significant_digits") is not None:
        settings_["significant_digits"] = options["significant_digits"]
    diff = DeepDiff(baseline, candidate, **settings_)
    return json.loads(diff.to_json()) if diff else None


scalars = st.one_of(
    st.text(),
    st.text(alphabet="ab\n\r \u2028é"),
    st.integers(),
    st.integers(min_value=-3, max_value=3),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
)


@settings(max_examples=400, deadline=None)
@given(scalars, scalars, st.sampled_from(OPTIONS))
def test_the_fast_path_reports_what_deepdiff_reports(
    baseline: Any, candidate: Any, options: dict[str, Any]
) -> None:
    assert deep_difference(baseline, candidate, **options) == by_deepdiff(
        baseline, candidate, **options
    )


@pytest.mark.parametrize(
    ("baseline", "candidate", "options", "fast"),
    [
        ("billing", "technical", {}, True),
        ("billing", "technical", {"ignore_order": True, "tolerance": 0.1}, True),
        ("a\nb", "a\nc", {}, False),  # deepdiff adds a unified diff
        ("a", "b\n", {}, False),
        (1, 2, {}, True),
        (1, 2, {"tolerance": 5.0}, False),  # within the tolerance: equal
        (1, 2, {"significant_digits": 0}, False),
        (True, False, {}, False),
        (1, True, {}, False),
        (1, 1.5, {}, False),
        ("1", 1, {}, False),
        ("\ud800", "a", {}, True),  # a lone surrogate survives as it does through JSON
        ("x", "x", {}, False),
        ([1], [2], {}, False),
    ],
)
def test_only_one_change_at_the_root_takes_the_fast_path(
    baseline: Any, candidate: Any, options: dict[str, Any], fast: bool
) -> None:
    tolerance, digits = options.get("tolerance"), options.get("significant_digits")
    assert _one_change_at_root(baseline, candidate, tolerance, digits) is fast
    assert deep_difference(baseline, candidate, **options) == by_deepdiff(
        baseline, candidate, **options
    )


keys = st.sampled_from(["city", "unit", "name", "arguments", "date", "__x", "a b", "_p", "it's"])
leaves = st.one_of(
    st.sampled_from(["Oslo", "Madrid", "celsius", "a\nb", ""]),
    st.integers(min_value=-2, max_value=2),
    st.booleans(),
    st.none(),
    st.sampled_from([1.0, 0.5, float("nan")]),
)
json_values = st.recursive(
    leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=8,
)
calls = st.lists(st.dictionaries(keys, json_values, max_size=4), max_size=3)


@st.composite
def edited(draw: st.DrawFn, value: Any) -> Any:
    """`value` with one small edit (or a few), as a candidate changes a baseline."""
    copy = json.loads(json.dumps(value))
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        dicts = [d for d in _nodes(copy) if isinstance(d, dict)]
        lists = [item for item in _nodes(copy) if isinstance(item, list)]
        edit = draw(st.sampled_from(["add", "drop", "change", "append", "pop"]))
        if edit in ("add", "drop", "change") and dicts:
            target = draw(st.sampled_from(dicts))
            key = draw(keys)
            if edit == "drop":
                target.pop(key, None)
            else:
                target[key] = draw(json_values)
        elif lists:
            target_list = draw(st.sampled_from(lists))
            if edit == "pop" and target_list:
                target_list.pop()
            else:
                target_list.append(draw(st.dictionaries(keys, json_values, max_size=3)))
    return copy


def _nodes(value: Any) -> list[Any]:
    found = [value]
    children = value.values() if isinstance(value, dict) else value
    if isinstance(value, dict | list):
        for child in children:
            found += _nodes(child)
    return found


@settings(max_examples=600, deadline=None)
@given(st.data(), st.sampled_from(OPTIONS))
def test_nested_changes_are_reported_as_deepdiff_reports_them(
    data: st.DataObject, options: dict[str, Any]
) -> None:
    baseline = data.draw(st.one_of(calls, json_values))
    candidate = data.draw(st.one_of(edited(baseline), calls, json_values))
    ours = outcome(deep_difference, baseline, candidate, **options)
    theirs = outcome(by_deepdiff, baseline, candidate, **options)
    if isinstance(ours, dict) and str(ours.get("bounded", "")).startswith(_UNCOUNTED):
        # Matching within a tolerance while ignoring order, deepdiff finds no difference
        # where a list has more items on one side; the bounded walk reports it instead.
        assert theirs is None
        return
    if isinstance(ours, dict) and "not finite" in str(ours.get("bounded", "")):
        # deepdiff raises rounding NaN to significant digits; the walk summarises instead
        assert str(theirs).startswith("ValueError")
        return
    assert ours == theirs


def outcome(diff: Any, *args: Any, **options: Any) -> Any:
    """The report, or the exception deepdiff raises (NaN with significant_digits)."""
    try:
        return diff(*args, **options)
    except ValueError as exc:
        return repr(exc)


@pytest.mark.parametrize(
    ("baseline", "candidate"),
    [
        (  # an argument added
            [{"name": "get_weather", "arguments": {"city": "Oslo"}}],
            [{"name": "get_weather", "arguments": {"city": "Oslo", "unit": "celsius"}}],
        ),
        (  # a call added
            [{"name": "get_weather", "arguments": {"city": "Madrid"}}],
            [
                {"name": "get_weather", "arguments": {"city": "Madrid"}},
                {"name": "search_flights", "arguments": {"origin": "Madrid", "date": "x"}},
            ],
        ),
        ([{"name": "a", "arguments": {"city": "Oslo"}}], []),  # the call dropped
        ({"a": {"b": [{"c": 1}]}}, {"a": {"b": [{"c": 2}]}}),
        (  # an argument's value changed
            [{"name": "get_weather", "arguments": {"city": "Oslo", "unit": "celsius"}}],
            [{"name": "get_weather", "arguments": {"city": "Bergen", "unit": "celsius"}}],
        ),
    ],
)
def test_tool_call_changes_skip_deepdiff(baseline: Any, candidate: Any) -> None:
    fast = _one_change_inside(baseline, candidate)
    assert fast is not None
    assert fast == by_deepdiff(baseline, candidate)


@pytest.mark.parametrize(
    ("baseline", "candidate"),
    [
        (2**53, 2**53 + 1),  # equal as floats, which is how deepdiff compares numbers
        ({"id": 9007199254740992}, {"id": 9007199254740993}),
        ([{"id": 1234567890123456789}], [{"id": 1234567890123456788}]),
        (-(2**60), -(2**60) - 1),
    ],
)
def test_integers_beyond_a_floats_precision_are_deepdiffs_to_judge(
    baseline: Any, candidate: Any
) -> None:
    assert deep_difference(baseline, candidate) == by_deepdiff(baseline, candidate)


@pytest.mark.parametrize(
    "extra",
    [
        {"at": dt.datetime(2020, 1, 1)},
        {"amount": Decimal("1.5")},
        {"id": uuid.UUID(int=7)},
        {"tags": {"a"}},
        {"raw": b"x"},
    ],
)
def test_values_that_are_not_json_are_serialised_by_deepdiff_as_before(extra: Any) -> None:
    """What a team's `downstream` function returns need not be JSON: a record appended
    or dropped is shown the way deepdiff writes it, never a TypeError."""
    assert deep_difference([{"a": 1}], [{"a": 1}, extra]) == by_deepdiff(
        [{"a": 1}], [{"a": 1}, extra]
    )
    assert deep_difference([{"a": 1}, extra], [{"a": 1}]) == by_deepdiff(
        [{"a": 1}, extra], [{"a": 1}]
    )


def test_nan_rounded_to_significant_digits_is_compared_not_raised() -> None:
    # hypothesis found it: deepdiff's rounding raises on NaN, so the walk keys it itself
    baseline = [{"city": [[]], "unit": [[], {}]}]
    candidate = [{"city": [[]], "unit": [[], {}], "__x": [{"city": float("nan")}]}]
    options = {"ignore_order": True, "tolerance": 1.0, "significant_digits": 0}
    ours = outcome(deep_difference, baseline, candidate, **options)
    assert isinstance(ours, dict), ours
    assert str(ours.get("bounded", "")).startswith(_UNCOUNTED)
    assert "NaN" in json.dumps(ours)


@pytest.mark.parametrize(
    "value", [float("inf"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("sNaN")]
)
def test_infinity_rounded_to_significant_digits_is_summarised_not_raised(value: Any) -> None:
    baseline: list[dict[str, Any]] = [{"a": [[]]}]
    candidate = [{"a": [[]], "x": [{"a": value}]}]
    ours = deep_difference(
        baseline, candidate, ignore_order=True, tolerance=1.0, significant_digits=0
    )
    assert ours is not None
    assert "not finite" in ours["bounded"]
