"""Units written once for several numbers. Dimensions: "6 ft x 3 ft", "72 x 36 in",
'5x7"' and "48 × 40 × 60 cm" are two or three lengths, each in the unit written after it
or, when only the last has one, in that unit; so "6 ft x 3 ft" and "72 x 36 in" are the
same two lengths, and '10x10"' is no code. A product of numbers with no unit ("3 x
20-minute walks") is left to the other readers. Alternatives: "60 or 75 minutes" is two
durations, the first taking the second's unit.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation

from migrate_check.checks.builtin.fact_records import Fact
from migrate_check.checks.builtin.fact_units import canonical_quantity

_NUMBER = r"(\d{1,5}(?:\.\d{1,3})?)"
#: The first number, from its first digit on and not inside a run of characters: led by
#: a digit, so a search passes over the rest of the text in C (as `_NUMBER` after the
#: lookbehind `(?<![\w.,])` matches).
_FIRST_NUMBER = r"(\d(?<![\w.,]\d)\d{0,4}(?:\.\d{1,3})?)"
_LENGTHS = r"inch(?:es)?|in|ft|feet|foot|cm|mm|m|yd|yards?|km|(?:centi|milli)?met(?:er|re)s?"
_UNIT = r"(?:[\s-]?(\"|”|''|'|(?i:" + _LENGTHS + r")(?![\w-])))"
#: "x", "×" or " by " between two lengths.
_BY = r"(?:\s?[x×]\s?|\s(?i:by)\s)"
DIMENSIONS = re.compile(
    _FIRST_NUMBER
    + _UNIT
    + r"?"
    + _BY
    + _NUMBER
    + _UNIT
    + r"?(?:"
    + _BY
    + _NUMBER
    + _UNIT
    + r"?)?(?![\w×])"
)
#: What every dimension holds: "x" or "×", or "by" between spaces, right before a digit.
#: Searched first (two scans led by a letter, in C): most texts hold neither.
_TIMES_DIGIT = re.compile(r"[x×]\s?\d")
_BY_DIGIT = re.compile(r"[bB][yY]\s\d")  # `(?i:by)`: only "B" and "Y" fold to "b" and "y"
_DIGIT = re.compile(r"\d")
#: How far before its "x" or "by" a dimension's first number ends at most: a unit
#: ("millimetres", 11 letters) with the sign or space before it, and a space.
_BEFORE = 16
_OR = re.compile(r"\s{1,2}+(?:or|and|,)\s{1,2}+|,\s?")
_UNIT_OF = re.compile(r"[\d,.]++\s?(?:or\smore\s|extra\s)?([^\W\d][\w-]*+)")
_GLUED = re.compile(r"\d{1,5}[x×]\d{1,5}(?:[x×]\d{1,5})?")
#: For the test that no pattern nests quantifiers.
PATTERNS = (DIMENSIONS, _TIMES_DIGIT, _BY_DIGIT, _DIGIT, _OR, _UNIT_OF, _GLUED)
_MARKS = {'"': "inch", "”": "inch", "''": "inch", "'": "ft", "in": "inch", "IN": "inch"}


def dimensions(text: str) -> Iterator[tuple[str, str, str, int, int]]:
    """(kind, value, raw, start, end) of each length of each dimension with a unit."""
    if "x" not in text and "×" not in text and " by " not in text:
        return
    if not _may_hold(text):
        return
    for match in DIMENSIONS.finditer(text):
        groups = match.groups()
        numbers = [n for n in groups[0::2] if n is not None]
        units = [groups[index + 1] for index in range(0, 6, 2) if groups[index] is not None]
        if not any(units):
            if _GLUED.fullmatch(match.group()) and text[match.end() : match.end() + 1] != "-":
                for number in numbers:  # "8x10 canvases": the sizes, their unit unsaid
                    yield "numbers", number, match.group(), match.start(), match.end()
            continue
        last = next(unit for unit in reversed(units) if unit)
        for number, unit in zip(numbers, units, strict=True):
            spelling = _MARKS.get(unit or last, unit or last)
            value = canonical_quantity(Decimal(number), None, spelling)
            if value:
                yield "quantities", value, match.group(), match.start(), match.end()


def _may_hold(text: str) -> bool:
    """Whether DIMENSIONS may match: an "x" or "by" before a digit with a digit shortly
    before it (the first number's, then at most a unit and a space: `_BEFORE`)."""
    for joins in (_TIMES_DIGIT, _BY_DIGIT):
        for join in joins.finditer(text):
            if _DIGIT.search(text, max(0, join.start() - _BEFORE), join.start()):
                return True
    return False


def shared_units(facts: list[Fact], text: str) -> list[Fact]:
    """`facts` with a bare number right before "or" and a quantity ("60 or 75 minutes",
    "2, 3 or 4 weeks") read in that quantity's unit: alternatives share a unit written
    once."""
    ordered = sorted(facts, key=lambda f: f.start)
    made: dict[int, Fact] = {}
    spelled: dict[int, str] = {}  # the unit as written, for the numbers before it
    for one, later in reversed(list(zip(ordered, ordered[1:], strict=False))):
        other = made.get(id(later), later)
        if one.kind != "numbers" or other.kind != "quantities" or "–" in other.value:
            continue
        if not one.raw.replace(",", "").replace(".", "").isdigit():
            continue
        if not _OR.fullmatch(text[one.start + len(one.raw) : other.start]):
            continue
        found = _UNIT_OF.match(other.raw)
        unit = spelled.get(id(later)) or (found[1] if found else None)
        try:
            number = Decimal(one.raw.replace(",", ""))
        except InvalidOperation:
            continue
        value = canonical_quantity(number, None, unit) if unit else None
        if value and unit:
            made[id(one)] = dataclasses.replace(one, kind="quantities", value=value)
            spelled[id(one)] = unit
    return [made.get(id(fact), fact) for fact in facts] if made else facts


def sizes_said(fact: Fact, other_facts: Sequence[Fact]) -> bool:
    """Whether a size written with "x" ("8x10") is the other side's with its unit said
    ("8 x 10 inch"), or the reverse: the same numbers, one side naming no unit."""
    if "x" not in fact.raw and "×" not in fact.raw:
        return False
    mine = sorted(re.findall(r"\d+(?:\.\d+)?", fact.raw))
    return any(
        ("x" in f.raw or "×" in f.raw) and sorted(re.findall(r"\d+(?:\.\d+)?", f.raw)) == mine
        for f in other_facts
        if f.kind != fact.kind
    )
