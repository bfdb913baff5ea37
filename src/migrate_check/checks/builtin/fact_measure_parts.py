"""Measures written in parts: "1 hour and 30 minutes" and "1h 30m" are one duration,
`5400 s`, not two facts that a rewording ("90 minutes") would both lose; so are "6 ft
2 in" (74 inches), "5 lb 4 oz" and "1 kg 200 g"."""

from __future__ import annotations

import re
from decimal import Decimal

from migrate_check.checks.builtin.fact_records import Fact
from migrate_check.checks.builtin.fact_units import format_number

_SPACES_ONLY = re.compile(r"\s*+(?:and\s++)?")
#: The inches after feet, which alone are too often the word "in" to be read as a unit.
_INCHES_AFTER_FEET = re.compile(r"\s?(?:in\b|ins\b|inch(?:es)?\b|\"|″)")
#: Feet spelt out, after which a bare small number is inches ("6 foot 2"), and the words
#: that may follow such a height ("6 foot 2 tall"; "6 ft 4 panels" is four panels).
_FEET_SPELT = re.compile(r"(?i:foot|feet)\Z")
_HEIGHT_AFTER = re.compile(r"\s?+(?:[^\w\s]|(?i:tall|high|long|wide|deep)\b|\Z)")
#: For the test that no pattern nests quantifiers.
PATTERNS = (_SPACES_ONLY, _INCHES_AFTER_FEET, _FEET_SPELT, _HEIGHT_AFTER)
#: The canonical units whose parts add up: time, length, weight.
_IN_PARTS = ("s", "in", "oz", "g", "m")


def merge_measures(facts: list[Fact], text: str) -> list[Fact]:
    """Each measure written in parts, a larger unit before a smaller one, made one: with
    "and" between for a duration ("1 hour and 30 minutes"), with nothing between for the
    others ("1 kg and 500 g sizes" are two sizes)."""
    facts = [_minutes(fact, text) if fact.kind == "quantities" else fact for fact in facts]
    facts = _inches(facts, text)
    facts = _feet_and_inches(facts, text)
    measures = sorted(
        (f for f in facts if f.kind == "quantities" and _unit(f) and "–" not in f.value),
        key=lambda f: f.start,
    )
    if len(measures) < 2:
        return facts
    merged: dict[int, Fact] = {}
    dropped: set[int] = set()
    current = part = measures[0]  # the measure so far, and its last part
    for following in measures[1:]:
        gap = text[current.end : following.start]
        unit = _unit(current)
        if (
            unit == _unit(following)
            and len(gap) < 8
            and (gap.isspace() or (unit == "s" and _SPACES_ONLY.fullmatch(gap)))
            and _amount(part) > _amount(following)
            and _larger_unit(part, following)
        ):
            total = _amount(current) + _amount(following)
            dropped.update({id(current), id(following)})
            current = Fact(
                "quantities",
                f"{format_number(total)} {unit}",
                text[current.start : following.end],
                current.start,
                following.end,
                current.sentence,
            )
            merged[id(current)] = current
        else:
            current = following
        part = following
    kept = [f for f in facts if id(f) not in dropped]
    return kept + [f for f in merged.values() if id(f) not in dropped]


def _unit(fact: Fact) -> str | None:
    unit = fact.value.rpartition(" ")[2]
    return unit if unit in _IN_PARTS else None


def _amount(fact: Fact) -> Decimal:
    return Decimal(fact.value.rpartition(" ")[0])


def _larger_unit(first: Fact, second: Fact) -> bool:
    """Whether the first part is in a larger unit than the second ("6 ft 2 in", not two
    lengths in one unit side by side); durations, read in seconds, only add up larger."""
    if _unit(first) == "s":
        return True
    first_number, second_number = first.number, second.number
    if first_number is None or second_number is None:
        return False
    try:
        return _amount(first) / Decimal(first_number) > _amount(second) / Decimal(second_number)
    except (ArithmeticError, ValueError):
        return False


def _inches(facts: list[Fact], text: str) -> list[Fact]:
    """ "2 in" right after "6 ft" is two inches, not the number 2 and the word "in"; so
    is the "2" of "6 foot 2 tall". One pass over the facts in the order they stand."""
    if not any(f.kind == "quantities" and f.value.endswith(" in") for f in facts):
        return facts  # no length in inches or feet to follow
    ordered = sorted(facts, key=lambda f: f.start)
    made: dict[int, Fact] = {}
    for before, fact in zip(ordered, ordered[1:], strict=False):
        if fact.kind != "numbers" or before.kind != "quantities" or not fact.value.isdigit():
            continue
        if not before.value.endswith(" in") or text[before.end : fact.start].strip():
            continue
        marked = _INCHES_AFTER_FEET.match(text, fact.end)
        if marked is None and not (
            _FEET_SPELT.search(before.raw) and _HEIGHT_AFTER.match(text, fact.end)
        ):
            continue
        if int(fact.value) >= 12:
            continue
        end = marked.end() if marked else fact.end
        made[id(fact)] = Fact(
            "quantities",
            f"{fact.value} in",
            text[fact.start : end],
            fact.start,
            end,
            fact.sentence,
            False,
            fact.value,
        )
    return [made.get(id(fact), fact) for fact in facts] if made else facts


def _feet_and_inches(facts: list[Fact], text: str) -> list[Fact]:
    """ "5'9\"" (or "5'9", the inch mark left out) is 69 inches, not the numbers 5 and 9."""
    numbers = sorted((f for f in facts if f.kind == "numbers"), key=lambda f: f.start)
    joined: dict[int, Fact] = {}
    for feet, inches in zip(numbers, numbers[1:], strict=False):
        if (
            text[feet.end : feet.end + 1] in _FOOT_MARKS
            and inches.start == feet.end + 1
            and text[inches.end : inches.end + 1] not in _NOT_AFTER_INCHES
            and feet.value.isdigit()
            and inches.value.isdigit()
            and 1 <= int(feet.value) <= 9
            and int(inches.value) < 12
        ):
            total = int(feet.value) * 12 + int(inches.value)
            end = inches.end + (text[inches.end : inches.end + 1] in _INCH_MARKS)
            raw = text[feet.start : end]
            whole = Fact("quantities", f"{total} in", raw, feet.start, end, feet.sentence)
            joined[id(feet)], joined[id(inches)] = whole, whole
    if not joined:
        return facts
    kept: list[Fact] = []
    taken: set[int] = set()
    for fact in facts:
        part_of = joined.get(id(fact))
        if part_of is None:
            kept.append(fact)
        elif id(part_of) not in taken:  # once for its two numbers
            taken.add(id(part_of))
            kept.append(part_of)
    return kept


_FOOT_MARKS = frozenset("'′’")
_INCH_MARKS = frozenset('"″”')
#: What may not follow the inches of "5'9": a digit or a letter ("5'9s", a word).
_NOT_AFTER_INCHES = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _minutes(fact: Fact, text: str) -> Fact:
    """ "30m" glued and right after "1h" ("1h 30m") is 30 minutes, not 30 metres."""
    if fact.kind != "quantities" or not fact.value.endswith(" m") or fact.raw[-2:] == "mm":
        return fact
    before = text[max(0, fact.start - 8) : fact.start].rstrip()
    if not (fact.raw[-1:] == "m" and fact.raw[-2:-1].isdigit() and before[-2:-1].isdigit()):
        return fact
    if before[-1:] != "h":
        return fact
    seconds = format_number(Decimal(fact.value[:-2]) * 60)
    return Fact("quantities", f"{seconds} s", fact.raw, fact.start, fact.end, fact.sentence)
