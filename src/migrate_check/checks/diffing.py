"""Differences between two values by deepdiff, as plain-JSON evidence, within a bound.

deepdiff's time grows faster than the values it compares: difflib aligns a list of plain
values in time that grows with the product of the two lengths (two 20,000-integer arrays:
a minute), and without order every unmatched pair is compared. So values with too many
parts go straight to `diff_summary` (counts and the first differences, in one pass), and
deepdiff itself is stopped at `DIFF_SECONDS` for the same summary.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from migrate_check.checks.diff_summary import MAX_DEPTH, Options, summarise
from migrate_check.checks.outputs import json_or_none, shorten

#: A side with more parts than this (items, keys, and lines of text) is summarised.
MAX_DIFF_PARTS = 10_000
#: So is one list, or text, longer than this: difflib's alignment of it, quadratic in the
#: worst case (about 0.25 s at this length), cannot be stopped part way.
MAX_SEQUENCE = 1_000
#: deepdiff is stopped after this many seconds, and the values summarised instead.
DIFF_SECONDS = 0.5
#: Characters of each value shown beside a summarised difference.
SHOWN_WHEN_SUMMARISED = 1_000
#: Characters of each value in a one-line reason (`outputs.shorten`'s default).
SHOWN_IN_REASON = 60


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
    plain_json = left is not None and right is not None  # deepdiff's own JSON handles the rest
    if plain_json and _one_change_at_root(baseline, candidate, tolerance, significant_digits):
        return {"values_changed": {"root": {"new_value": candidate, "old_value": baseline}}}
    bounded = Options(ignore_order, tolerance, significant_digits)
    too_large = _too_large(baseline, candidate)
    if too_large is not None:
        return summarise(baseline, candidate, bounded, too_large)
    if plain_json and not ignore_order and tolerance is None and significant_digits is None:
        report = _one_change_inside(baseline, candidate)
        if report is not None:
            return report
    from deepdiff import DeepDiff  # imported at the first difference: a tenth of a second

    options: dict[str, Any] = {"ignore_order": ignore_order, "ignore_numeric_type_changes": True}
    if ignore_order:  # else deepdiff takes `[a, a]` and `[a]` for the same list
        options["report_repetition"] = True
    if tolerance is not None:
        options["math_epsilon"] = tolerance
    if significant_digits is not None:
        options["significant_digits"] = significant_digits
    try:
        diff = DeepDiff(baseline, candidate, exclude_obj_callback=_deadline(), **options)
    except _OutOfTime:
        return summarise(
            baseline, candidate, bounded, f"the full diff took longer than {DIFF_SECONDS:g} s"
        )
    except (ArithmeticError, ValueError):  # deepdiff rounds NaN or infinity with int()
        return summarise(
            baseline, candidate, bounded, "deepdiff could not round a value that is not finite"
        )
    if not diff:
        if ignore_order and tolerance is not None and _shape(baseline) != _shape(candidate):
            # Matching items within a tolerance, deepdiff counts no repeats even when asked
            # to ([1.0, 1.0] and [1.05] are equal to it): different shapes say it missed one.
            counted = summarise(baseline, candidate, bounded, _UNCOUNTED)
            return counted or {"bounded": f"{_UNCOUNTED}: a list has more items on one side"}
        return None
    try:
        serialised = diff.to_json()
    except (TypeError, ValueError):  # values deepdiff cannot serialise: show their repr
        serialised = json.dumps(diff.to_dict(), default=repr)
    evidence: dict[str, Any] = json.loads(serialised)
    return evidence


_UNCOUNTED = "deepdiff matched the items within the tolerance without counting repeats"


def _shape(value: Any, depth: int = 0) -> str:
    """`value` with every scalar a dot and every list's items sorted: equal for values
    that differ only in order and scalars, different where a list has more items."""
    if depth > MAX_DEPTH:
        return "…"
    if isinstance(value, dict):
        pairs = sorted(f"{key!r}:{_shape(item, depth + 1)}" for key, item in value.items())
        return "{" + ",".join(pairs) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(sorted(_shape(item, depth + 1) for item in value)) + "]"
    return "."


def shown_summarised(value: Any) -> tuple[str, str]:
    """A summarised value as evidence shows it and as a one-line reason does, from one
    serialisation (of a value too large to serialise four times)."""
    shown = shorten(value, SHOWN_WHEN_SUMMARISED)
    cut = SHOWN_IN_REASON - 1
    return shown, shown if len(shown) <= SHOWN_IN_REASON else shown[:cut] + "…"


class _OutOfTime(BaseException):
    """Raised through deepdiff at its deadline; a BaseException, so that no `except
    Exception` inside deepdiff takes it for a value it cannot compare."""


def _deadline() -> Callable[[Any, str], bool]:
    """A deepdiff `exclude_obj_callback` that excludes nothing and raises `_OutOfTime`
    past `DIFF_SECONDS`: deepdiff asks it about every value it visits, pairs included."""
    end = time.monotonic() + DIFF_SECONDS

    def check(value: Any, path: str) -> bool:
        if time.monotonic() > end:
            raise _OutOfTime
        return False

    return check


def _too_large(baseline: Any, candidate: Any) -> str | None:
    """Why the values are too large for deepdiff, or None."""
    for side, value in (("baseline", baseline), ("candidate", candidate)):
        parts, longest = _measure(value)
        if parts > MAX_DIFF_PARTS:
            return f"the {side} has over {MAX_DIFF_PARTS:,} parts (items, keys and lines)"
        if longest > MAX_SEQUENCE:
            return (
                f"the {side} holds a list or text of {longest:,} items or lines, over the "
                f"{MAX_SEQUENCE:,} a full diff aligns"
            )
    return None


def _measure(value: Any) -> tuple[int, int]:
    """The parts of `value` (each item, key and line of text below it; counting stops past
    `MAX_DIFF_PARTS`), and its longest list or text, in items or lines."""
    parts = longest = 0
    stack = [value]
    while stack and parts <= MAX_DIFF_PARTS:
        item = stack.pop()
        if isinstance(item, str):
            lines = item.count("\n")
            parts += lines
            longest = max(longest, lines + 1 if lines else 0)
        elif isinstance(item, dict):
            parts += len(item)
            stack += item.values()
        elif isinstance(item, list | tuple | set | frozenset):
            parts += len(item)
            longest = max(longest, len(item))
            stack += item
    return parts, longest


def _one_change_at_root(
    baseline: Any, candidate: Any, tolerance: float | None, significant_digits: int | None
) -> bool:
    """Whether deepdiff would report exactly `values_changed` at the root, nothing more:
    two unequal strings without a line break (with one, it adds a unified diff), or two
    unequal integers a float holds exactly (not bools, which are ints to Python)."""
    kind = type(baseline)
    if kind is not type(candidate) or baseline == candidate:
        return False
    if kind is str:
        return "\n" not in baseline and "\n" not in candidate
    return (
        kind is int
        and tolerance is None
        and significant_digits is None
        # deepdiff compares numbers as floats: beyond 2**53 unequal integers can be equal
        and max(abs(baseline), abs(candidate)) <= _EXACT_FLOAT_INT
    )


#: The largest integer every smaller one of which a float holds exactly.
_EXACT_FLOAT_INT = 2**53


class _NotSimple(Exception):
    """A difference `_one_change_inside` leaves to deepdiff."""


#: Keys whose deepdiff path is `['key']` (no quoting to match; no leading `__`, which
#: deepdiff skips as private).
_PLAIN_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
#: deepdiff's default `threshold_to_diff_deeper`: dicts sharing fewer keys are reported
#: as one changed value instead.
_THRESHOLD_TO_DIFF_DEEPER = 0.33


def _one_change_inside(baseline: Any, candidate: Any) -> dict[str, Any] | None:
    """deepdiff's report (order kept, no tolerance) when the two differ in exactly one
    place of the few kinds it reports simply: a one-line string or an integer changed, a
    key added or removed, a dict appended to or dropped from the end of a list of dicts
    (two tool calls where the candidate adds an argument, or a call). None for anything
    else, which deepdiff itself diffs."""
    changes: list[tuple[str, str, Any]] = []
    try:
        _collect_changes(baseline, candidate, "root", changes)
    except _NotSimple:
        return None
    if len(changes) != 1:
        return None
    kind, path, value = changes[0]
    report = {kind: [path]} if kind.startswith("dictionary_") else {kind: {path: value}}
    evidence: dict[str, Any] = json.loads(json.dumps(report))  # a copy, as deepdiff's JSON
    return evidence


def _collect_changes(a: Any, b: Any, path: str, changes: list[tuple[str, str, Any]]) -> None:
    """Appends to `changes` each (deepdiff report key, path, value) where `a` and `b` differ
    at or under `path`; `_NotSimple` when the difference is not one deepdiff reports simply."""
    if len(changes) > 1:
        raise _NotSimple  # several changes: their order is deepdiff's to decide
    kind = type(a)
    if kind is dict and type(b) is dict:
        if not all(isinstance(k, str) and _PLAIN_KEY.match(k) for k in (*a, *b)):
            raise _NotSimple
        shared = [k for k in b if k in a]
        added = [k for k in b if k not in a]
        removed = [k for k in a if k not in b]
        union = len(shared) + len(added) + len(removed)
        if union > 1 and len(shared) / union < _THRESHOLD_TO_DIFF_DEEPER:
            raise _NotSimple
        changes += [("dictionary_item_added", f"{path}['{k}']", None) for k in added]
        changes += [("dictionary_item_removed", f"{path}['{k}']", None) for k in removed]
        for k in shared:
            _collect_changes(a[k], b[k], f"{path}['{k}']", changes)
        return
    if kind is list and type(b) is list:
        if not all(type(item) is dict for item in (*a, *b)):
            raise _NotSimple  # lists of plain values: deepdiff aligns them with difflib
        for index in range(max(len(a), len(b))):
            where = f"{path}[{index}]"
            if index >= len(a):
                changes.append(("iterable_item_added", where, b[index]))
            elif index >= len(b):
                changes.append(("iterable_item_removed", where, a[index]))
            else:
                _collect_changes(a[index], b[index], where, changes)
        return
    if kind is type(b) and kind in (str, int, float, bool, type(None)) and a == b:
        return
    if _one_change_at_root(a, b, None, None):
        changes.append(("values_changed", path, {"new_value": b, "old_value": a}))
        return
    raise _NotSimple
