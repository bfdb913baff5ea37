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

    Equal JSON values skip deepdiff (its cost matters at 10,000 cases). Integers and
    floats of equal value are equal, as they are to the Python code that reads them.
    """
    left, right = json_or_none(baseline), json_or_none(candidate)
    if left is not None and left == right:
        return None
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
