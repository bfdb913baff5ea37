"""How two values differ, in one pass: counts by kind and the first differences.

What `diffing` reports for values too large, or too slow, for deepdiff's full report,
whose time grows faster than the values (difflib aligns lists in quadratic time, pairing
items without order compares every unmatched pair). Here lists are compared position by
position (or, ignoring order, as multisets), objects key by key, numbers under the same
tolerance or significant digits; the first differences are shown in deepdiff's shape.
"""

from __future__ import annotations

import decimal
import fractions
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from migrate_check.checks.outputs import shorten

#: Differences shown; the rest are counted.
FIRST = 20
#: Nesting past this depth is compared whole (`==`), not walked.
MAX_DEPTH = 100
#: Characters of a value or key shown in a difference.
SHOWN = 200
_NUMBERS = (int, float, decimal.Decimal, fractions.Fraction)  # bool is an int, as to deepdiff
_PLAIN_NUMBERS = frozenset({int, float, bool})
_EXACT_FLOAT_INT = 2**53


@dataclass(frozen=True)
class Options:
    """The `equal` options that decide when two values are the same."""

    ignore_order: bool = False
    tolerance: float | None = None
    significant_digits: int | None = None


#: Where a value is: () for the root, else (the parent's path, the key or index), written
#: out (`root['a'][0]`) only for the differences shown.
Path = tuple[Any, ...]


@dataclass
class _Tally:
    counts: Counter[str] = field(default_factory=Counter)
    first: dict[str, Any] = field(default_factory=dict)
    shown: int = 0

    def add(self, kind: str, path: Path, a: Any = None, b: Any = None) -> None:
        """One difference: `a` and `b` the values changed, or the one added or removed."""
        self.counts[kind] += 1
        if self.shown >= FIRST:
            return
        self.shown += 1
        where = _written(path)
        if kind.startswith("dictionary_"):
            self.first.setdefault(kind, []).append(where)
        elif kind.startswith(("iterable_", "set_")):
            self.first.setdefault(kind, {})[where] = _shown(a)
        else:
            detail = {"old_value": _shown(a), "new_value": _shown(b)}
            if kind == "type_changes":
                detail = {"old_type": type(a).__name__, "new_type": type(b).__name__, **detail}
            self.first.setdefault(kind, {})[where] = detail


def _written(path: Path) -> str:
    steps = []
    while path:
        path, key = path
        steps.append(f"[{_shown_key(key)}]")
    return "root" + "".join(reversed(steps))


def summarise(
    baseline: Any, candidate: Any, options: Options, reason: str
) -> dict[str, Any] | None:
    """None when the values are the same under `options`, else the counts and the first
    differences, with `bounded` saying why this is a summary (`reason`) and how it compared."""
    tally = _Tally()
    _Walk(options, tally).compare(baseline, candidate, (), 0)
    if not tally.counts:
        return None
    total = sum(tally.counts.values())
    lists = "without order (as multisets)" if options.ignore_order else "position by position"
    bounded = (
        f"{reason}, so it is summarised: lists compared {lists}, objects key by key; "
        f"{total:,} differences counted, the first {tally.shown} shown"
    )
    return {"bounded": bounded, "counts": dict(tally.counts), **tally.first}


class _Walk:
    """One comparison, adding each difference it finds to a tally."""

    def __init__(self, options: Options, tally: _Tally) -> None:
        self.options = options
        self.tally = tally
        self.plain_numbers = options.tolerance is None and options.significant_digits is None

    def compare(self, a: Any, b: Any, path: Path, depth: int) -> None:
        if not _same(a, b):
            self.differ(a, b, path, depth)

    def differ(self, a: Any, b: Any, path: Path, depth: int) -> None:
        """Records how `a` and `b`, not `_same`, differ (if they do under the options)."""
        if type(a) in _PLAIN_NUMBERS and type(b) in _PLAIN_NUMBERS and self.plain_numbers:
            if a != b and not _both_nan(a, b):  # 1 and 1.0 are the same, as to deepdiff
                self.tally.add("values_changed", path, a, b)
        elif depth >= MAX_DEPTH:
            self.tally.add("values_changed", path, a, b)
        elif isinstance(a, dict) and isinstance(b, dict):
            self._dicts(a, b, path, depth + 1)
        elif isinstance(a, list | tuple) and type(a) is type(b):
            if self.options.ignore_order:
                self._unordered(a, b, path, depth + 1)
            else:
                self._ordered(a, b, path, depth + 1)
        elif isinstance(a, set | frozenset) and type(a) is type(b):
            for item in a - b:
                self.tally.add("set_item_removed", (path, item), item)
            for item in b - a:
                self.tally.add("set_item_added", (path, item), item)
        elif isinstance(a, _NUMBERS) and isinstance(b, _NUMBERS):
            if not self._numbers_equal(a, b):
                self.tally.add("values_changed", path, a, b)
        elif type(a) is not type(b):
            self.tally.add("type_changes", path, a, b)
        else:
            self.tally.add("values_changed", path, a, b)

    def same(self, a: Any, b: Any) -> bool:
        """Whether `a` and `b` are the same under the options (no difference recorded)."""
        probe = _Walk(self.options, _Tally())
        probe.compare(a, b, (), 0)
        return not probe.tally.counts

    def _dicts(self, a: dict[Any, Any], b: dict[Any, Any], path: Path, depth: int) -> None:
        missing = object()
        for key, x in a.items():
            y = b.get(key, missing)
            if y is missing:
                self.tally.add("dictionary_item_removed", (path, key))
                continue
            try:  # `_same`, inlined: most values of a large object are
                if x is y or (type(x) is type(y) and x == y):
                    continue
            except RecursionError:
                pass
            self.differ(x, y, (path, key), depth)
        for key in b:
            if key not in a:
                self.tally.add("dictionary_item_added", (path, key))

    def _ordered(self, a: Any, b: Any, path: Path, depth: int) -> None:
        for index, (x, y) in enumerate(zip(a, b, strict=False)):  # the rest: added, removed
            try:  # `_same`, inlined: most items of a long list are
                if x is y or (type(x) is type(y) and x == y):
                    continue
            except RecursionError:
                pass
            self.differ(x, y, (path, index), depth)
        for index in range(len(b), len(a)):
            self.tally.add("iterable_item_removed", (path, index), a[index])
        for index in range(len(a), len(b)):
            self.tally.add("iterable_item_added", (path, index), b[index])

    def _unordered(self, a: Any, b: Any, path: Path, depth: int) -> None:
        """Items matched as multisets by an order-free key; those left over are paired in
        the order of their keys and kept when the same under the options (within the
        tolerance), else counted as removed and added."""
        keys_a = [self._key(item, depth) for item in a]
        keys_b = [self._key(item, depth) for item in b]
        left_a, left_b = _unmatched(keys_a, keys_b), _unmatched(keys_b, keys_a)
        left_a.sort(key=keys_a.__getitem__)
        left_b.sort(key=keys_b.__getitem__)
        removed, added = left_a[len(left_b) :], left_b[len(left_a) :]
        for i, j in zip(left_a, left_b, strict=False):
            if not self.same(a[i], b[j]):
                removed.append(i)
                added.append(j)
        for i in sorted(removed):
            self.tally.add("iterable_item_removed", (path, i), a[i])
        for j in sorted(added):
            self.tally.add("iterable_item_added", (path, j), b[j])

    def _key(self, value: Any, depth: int) -> str:
        """A text equal for values the same regardless of order (and, with significant
        digits, of digits beyond them)."""
        if depth >= MAX_DEPTH:
            return f"…{id(value)}"  # too deep to key: matched only with itself
        if isinstance(value, dict):
            pairs = sorted(
                f"{self._key(k, depth + 1)}:{self._key(v, depth + 1)}" for k, v in value.items()
            )
            return "{" + ",".join(pairs) + "}"
        if isinstance(value, list | tuple | set | frozenset):
            items = sorted(self._key(item, depth + 1) for item in value)
            return f"{type(value).__name__}[" + ",".join(items) + "]"
        if isinstance(value, _NUMBERS) and self.options.significant_digits is not None:
            return "n" + _rounded(value, self.options.significant_digits)
        if type(value) is float or type(value) is int and abs(value) <= _EXACT_FLOAT_INT:
            return f"n{float(value)!r}"  # 1 and 1.0 alike, as deepdiff has them
        return f"{type(value).__name__}:{value!r}"

    def _numbers_equal(self, a: Any, b: Any) -> bool:
        """As deepdiff compares numbers: a tolerance first, else significant digits."""
        try:
            if self.options.tolerance is not None:
                return math.isclose(a, b, abs_tol=self.options.tolerance)
            if self.options.significant_digits is not None:
                digits = self.options.significant_digits
                return _rounded(a, digits) == _rounded(b, digits)
        except (TypeError, ValueError, OverflowError):
            return bool(a == b)
        return bool(a == b) or _both_nan(a, b)


def _same(a: Any, b: Any) -> bool:
    """Equal by `==` with the same type: equal under every option, found at C speed."""
    try:
        return a is b or (type(a) is type(b) and bool(a == b))
    except RecursionError:  # nested deeper than `==` goes: walk it
        return False


def _unmatched(keys: list[str], others: list[str]) -> list[int]:
    """Indexes of `keys` left when each is matched with an equal one of `others`."""
    available = Counter(others)
    left = []
    for index, key in enumerate(keys):
        if available[key]:
            available[key] -= 1
        else:
            left.append(index)
    return left


def _rounded(number: Any, digits: int) -> str:
    from deepdiff.helper import number_to_string

    if isinstance(number, float) and not math.isfinite(number):
        return repr(number)  # NaN or infinity: deepdiff's rounding would raise
    if isinstance(number, decimal.Decimal) and not number.is_finite():
        return str(number)
    return str(number_to_string(number, significant_digits=digits, number_format_notation="f"))


def _both_nan(a: Any, b: Any) -> bool:
    return isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)


def _shown(value: Any) -> Any:
    """The value as evidence: a JSON scalar as it is (text cut), anything else shortened."""
    if value is None or type(value) in (bool, int, float):
        return value
    if type(value) is str:
        return value if len(value) <= SHOWN else value[: SHOWN - 1] + "…"
    return shorten(value, SHOWN)


def _shown_key(key: Any) -> str:
    shown = repr(key)
    return shown if len(shown) <= SHOWN else shown[: SHOWN - 1] + "…"
