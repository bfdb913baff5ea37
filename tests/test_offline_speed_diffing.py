"""deep_difference answers a change at the root itself, exactly as deepdiff reports it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from deepdiff import DeepDiff
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate_check.checks.diffing import _one_change_at_root, deep_difference

OPTIONS: list[dict[str, Any]] = [
    {},
    {"ignore_order": True},
    {"tolerance": 0.5},
    {"significant_digits": 2},
    {"ignore_order": True, "tolerance": 1.0, "significant_digits": 0},
]


def by_deepdiff(baseline: Any, candidate: Any, **options: Any) -> dict[str, Any] | None:
    """What deep_difference answered before it had a fast path."""
    settings_: dict[str, Any] = {
        "ignore_order": options.get("ignore_order", False),
        "ignore_numeric_type_changes": True,
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
