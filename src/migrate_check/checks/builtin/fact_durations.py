"""Durations written in parts: "1 hour and 30 minutes" and "1h 30m" are one duration,
`5400 s`, not two facts that a rewording ("90 minutes") would both lose."""

from __future__ import annotations

import re
from decimal import Decimal

from migrate_check.checks.builtin.fact_records import Fact
from migrate_check.checks.builtin.fact_units import format_number

_SPACES_ONLY = re.compile(r"\s*+(?:and\s++)?")
#: For the test that no pattern nests quantifiers.
PATTERNS = (_SPACES_ONLY,)


def merge_durations(facts: list[Fact], text: str) -> list[Fact]:
    """ "1 hour and 30 minutes" is one duration, `5400 s`, not two; so is "1h 30m"."""
    facts = [_minutes(fact, text) if fact.kind == "quantities" else fact for fact in facts]
    durations = sorted(
        (
            f
            for f in facts
            if f.kind == "quantities" and f.value.endswith(" s") and "–" not in f.value
        ),
        key=lambda f: f.start,
    )
    if len(durations) < 2:
        return facts
    merged: dict[int, Fact] = {}
    dropped: set[int] = set()
    current = durations[0]
    for following in durations[1:]:
        gap = text[current.end : following.start]
        larger = Decimal(current.value[:-2]) > Decimal(following.value[:-2])
        if len(gap) < 8 and _SPACES_ONLY.fullmatch(gap) and larger:
            seconds = Decimal(current.value[:-2]) + Decimal(following.value[:-2])
            dropped.update({id(current), id(following)})
            current = Fact(
                "quantities",
                f"{format_number(seconds)} s",
                text[current.start : following.end],
                current.start,
                following.end,
                current.sentence,
            )
            merged[id(current)] = current
        else:
            current = following
    kept = [f for f in facts if id(f) not in dropped]
    return kept + [f for f in merged.values() if id(f) not in dropped]


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
