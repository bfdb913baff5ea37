"""Dimensions: "6 ft x 3 ft", "72 x 36 in", '5x7"' and "48 × 40 × 60 cm" are two or three
lengths, each in the unit written after it or, when only the last has one, in that unit.
So "6 ft x 3 ft" and "72 x 36 in" are the same two lengths, and '10x10"' is no code.
A product of numbers with no unit ("3 x 20-minute walks") is left to the other readers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from migrate_check.checks.builtin.fact_units import canonical_quantity

_NUMBER = r"(\d{1,5}(?:\.\d{1,3})?)"
_UNIT = r"(?:\s?(\"|”|''|'|(?i:inch(?:es)?|in|ft|feet|foot|cm|mm|m|yd|yards?|km)(?![\w-])))"
DIMENSIONS = re.compile(
    r"(?<![\w.,])"
    + _NUMBER
    + _UNIT
    + r"?\s?[x×]\s?"
    + _NUMBER
    + _UNIT
    + r"?(?:\s?[x×]\s?"
    + _NUMBER
    + _UNIT
    + r"?)?(?![\w×])"
)
#: For the test that no pattern nests quantifiers.
PATTERNS = (DIMENSIONS,)
_MARKS = {'"': "inch", "”": "inch", "''": "inch", "'": "ft", "in": "inch", "IN": "inch"}


def dimensions(text: str) -> Iterator[tuple[str, str, str, int, int]]:
    """(kind, value, raw, start, end) of each length of each dimension with a unit."""
    if "x" not in text and "×" not in text:
        return
    for match in DIMENSIONS.finditer(text):
        groups = match.groups()
        numbers = [n for n in groups[0::2] if n is not None]
        units = [groups[index + 1] for index in range(0, 6, 2) if groups[index] is not None]
        if not any(units):
            continue
        last = next(unit for unit in reversed(units) if unit)
        for number, unit in zip(numbers, units, strict=True):
            spelling = _MARKS.get(unit or last, unit or last)
            value = canonical_quantity(Decimal(number), None, spelling)
            if value:
                yield "quantities", value, match.group(), match.start(), match.end()
