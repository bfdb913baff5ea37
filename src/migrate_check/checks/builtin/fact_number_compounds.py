"""Numbers in hyphenated words: "hour-long" (one hour), "quarter-hour", "half-day",
"three-quarter-hour", "half-time" (50%), "seven-eighths" (87.5%, as "7/8" reads),
"third-quarter" (Q3), "under-fives" (5). Read from the word alone, for
`fact_number_words`.
"""

from __future__ import annotations

from decimal import Decimal

from migrate_check.checks.builtin.fact_number_tables import FRACTIONS, ordinal, small
from migrate_check.checks.builtin.fact_units import canonical_quantity, format_number, unit_of

#: (kind, canonical value, bare number) of each fact a word holds.
Read = list[tuple[str, str, str | None]]


def compound(first: str, rest: str) -> Read:
    """The facts of a hyphenated word `first-rest`; none when it holds no number."""
    if rest == "long" and unit_of(first) and not first.isupper():
        return _measure(Decimal(1), first)
    if first in ("full", "whole") and unit_of(rest) and not rest.isupper():
        return _measure(Decimal(1), rest)  # "a full-day course": one day
    if rest == "quarter" and ordinal(first) in (1, 2, 3, 4):
        return [("identifiers", f"Q{ordinal(first)}", None)]
    count, part, _, unit = small(first), *rest.partition("-")
    if first in ("half", "quarter"):
        count, part, unit = 1, first, rest
    elif count is not None and part == "and" and (mixed := _mixed_number(count, unit)):
        return mixed
    elif count is None:
        return _plural_number(rest.split("-"))
    elif part not in FRACTIONS:
        return []
    share = Decimal(count) / FRACTIONS[part]
    if unit and (measured := _measure(share, unit)):
        return measured
    if first == "half":
        return [("percentages", "50%", "0.5")]
    if count != 1 or part not in ("half", "quarter"):
        return [("percentages", f"{format_number((share * 100).quantize(Decimal('0.01')))}%", None)]
    return []


def _mixed_number(count: int, rest: str) -> Read:
    """ "three-and-a-half-hour": a whole number and a fraction, with its unit or alone."""
    article, _, rest = rest.partition("-")
    part, _, unit = rest.partition("-")
    if article not in ("a", "an") or part not in FRACTIONS:
        return []
    value = count + Decimal(1) / FRACTIONS[part]
    if unit:
        return _measure(value, unit)
    return [("numbers", format_number(value), format_number(value))]


def _plural_number(parts: list[str]) -> Read:
    """A number in the plural: "under-fives", "over-sixties"."""
    for part in parts:
        bare = part[:-3] + "y" if part.endswith("ies") else part.removesuffix("s")
        count = small(bare) if part.endswith("s") else None
        if count is not None:
            return [("numbers", str(count), str(count))]
    return []


def _measure(value: Decimal, spelling: str) -> Read:
    canonical = canonical_quantity(value, None, spelling)
    return [("quantities", canonical, None)] if canonical else []
