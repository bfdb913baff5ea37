"""Differences between two values by deepdiff, as plain-JSON evidence."""

from __future__ import annotations

import json
from typing import Any

from migrate_check.checks.outputs import json_or_none


def deep_difference(
    baseline: Any,
    candidate: Any,
    *,
    ignore_order: bool = False,
    tolerance: float | None = None,
    significant_digits: int | None = None,
) -> dict[str, Any] | None:
    """None when the values are equal under the options, else deepdiff's report as plain JSON.

    Equal JSON values skip deepdiff (its cost matters at 10,000 cases), and so do two
    different one-line strings or integers, whose report is always the same one change
    at the root. Integers and floats of equal value are equal, as they are to the Python
    code that reads them.
    """
    left, right = json_or_none(baseline), json_or_none(candidate)
    if left is not None and left == right:
        return None
    if _one_change_at_root(baseline, candidate, tolerance, significant_digits):
        return {"values_changed": {"root": {"new_value": candidate, "old_value": baseline}}}
    from deepdiff import DeepDiff  # imported at the first difference: a tenth of a second

    options: dict[str, Any] = {"ignore_order": ignore_order, "ignore_numeric_type_changes": True}
    if tolerance is not None:
        options["math_epsilon"] = tolerance
    if significant_digits is not None:
        options["significant_digits"] = significant_digits
    diff = DeepDiff(baseline, candidate, **options)
    if not diff:
        return None
    try:
        serialised = diff.to_json()
    except (TypeError, ValueError):  # values deepdiff cannot serialise: show their repr
        serialised = json.dumps(diff.to_dict(), default=repr)
    evidence: dict[str, Any] = json.loads(serialised)
    return evidence


def _one_change_at_root(
    baseline: Any, candidate: Any, tolerance: float | None, significant_digits: int | None
) -> bool:
    """Whether deepdiff would report exactly `values_changed` at the root, nothing more:
    two unequal strings without a line break (with one, it adds a unified diff), or two
    unequal integers compared exactly (not bools, which are ints to Python)."""
    kind = type(baseline)
    if kind is not type(candidate) or baseline == candidate:
        return False
    if kind is str:
        return "\n" not in baseline and "\n" not in candidate
    return kind is int and tolerance is None and significant_digits is None
