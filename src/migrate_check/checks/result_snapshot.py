"""A team callable's result as plain data, taken within the call's time limit.

What a `downstream` function returns is compared and shown after its call returns. If it
stayed a team's object, its `__repr__`, its properties (deepdiff reads them) or its
`__eq__` would run then, outside any limit, and one that loops would hang the run. So the
result is copied, inside the limit, into values whose every method is Python's own:
numbers, strings, bytes, dates, decimals and UUIDs as they are, containers copied item by
item, any other object as `{"module.Class": {its attributes}}` (read from `__dict__` and
`__slots__`, never through properties), or else its `repr`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import fractions
import uuid
from typing import Any

#: Types whose values are kept as they are: Python's own, immutable, with no team code.
PLAIN_TYPES: frozenset[type] = frozenset(
    {
        str,
        int,
        float,
        bool,
        complex,
        bytes,
        type(None),
        decimal.Decimal,
        fractions.Fraction,
        dt.datetime,
        dt.date,
        dt.time,
        dt.timedelta,
        dt.timezone,
        uuid.UUID,
    }
)
#: Python's own conversions of a subclass's value to its base type (no method of the
#: subclass runs, and the result is of the base type exactly).
_PLAIN_OF_SUBCLASS: tuple[tuple[type, Any], ...] = (
    (str, str.__str__),
    (int, int.__int__),
    (float, float.__float__),
    (bytes, bytes.__bytes__),
)
#: Nesting past this depth is shown as a note: deeper results are not what an app returns.
MAX_DEPTH = 100
#: A `repr` (an object that is neither data nor has attributes) is cut here.
MAX_REPR = 2_000


def snapshot(value: Any) -> Any:
    """`value` copied into plain data (see the module docstring)."""
    return _copy(value, 0, set())


def _copy(value: Any, depth: int, path: set[int]) -> Any:
    kind = type(value)
    if kind in PLAIN_TYPES:
        return value
    if isinstance(value, enum.Enum):
        return f"{kind.__qualname__}.{value.name}"
    for base, plain in _PLAIN_OF_SUBCLASS:  # e.g. a str subclass: the str it holds
        if isinstance(value, base):
            return plain(value)
    if depth >= MAX_DEPTH:
        return f"… (nested deeper than {MAX_DEPTH} levels)"
    if id(value) in path:
        return "… (refers to itself)"
    path.add(id(value))
    try:
        return _copy_container(value, depth + 1, path)
    finally:
        path.discard(id(value))


def _copy_container(value: Any, depth: int, path: set[int]) -> Any:
    plain = PLAIN_TYPES
    if isinstance(value, dict):
        return {
            k if type(k) in plain else _key(k, depth, path): (
                v if type(v) in plain else _copy(v, depth, path)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):  # plain items, most often, copied without a call each
        return [item if type(item) in plain else _copy(item, depth, path) for item in value]
    if isinstance(value, tuple):
        return tuple(_copy(item, depth, path) for item in value)
    if isinstance(value, set | frozenset):
        items = {_key(item, depth, path) for item in value}
        return frozenset(items) if isinstance(value, frozenset) else items
    fields = _attributes(value)
    if fields is None:
        shown = repr(value)
        return shown if len(shown) <= MAX_REPR else shown[: MAX_REPR - 1] + "…"
    kind = type(value)
    name = f"{kind.__module__}.{kind.__qualname__}"
    return {name: {k: _copy(v, depth, path) for k, v in fields.items()}}


def _key(value: Any, depth: int, path: set[int]) -> Any:
    """A dict key or set item, copied; its repr when the copy is not hashable."""
    copied = _copy(value, depth, path)
    try:
        hash(copied)
    except TypeError:
        return repr(copied)
    return copied


def _attributes(value: Any) -> dict[str, Any] | None:
    """An object's own attributes, from `__dict__` and `__slots__`; None for one without."""
    fields: dict[str, Any] = {}
    own = getattr(value, "__dict__", None)
    if isinstance(own, dict):
        fields.update((str(k), v) for k, v in own.items() if not str(k).startswith("__"))
    slotted = False
    for cls in type(value).__mro__:
        if "__slots__" not in cls.__dict__:
            continue
        slotted = True
        slots = cls.__dict__["__slots__"]
        for slot in (slots,) if isinstance(slots, str) else slots:
            if not str(slot).startswith("__") and slot not in fields:  # not pydantic's own
                try:
                    fields[slot] = object.__getattribute__(value, slot)
                except AttributeError:
                    continue  # a slot never set
    return fields if isinstance(own, dict) or slotted else None
