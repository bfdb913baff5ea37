"""Numbers that the number-word reader leaves as other facts, or as none: a fraction of a
unit of time ("half an hour", "every half hour", "three-quarters of an hour") is a
duration, not a share and two numbers; an ordinal in a hyphenated word ("third-floor")
is the number "third floor" and "3rd-floor" read as.
"""

from __future__ import annotations

import re
from decimal import Decimal

from migrate_check.checks.builtin.fact_number_tables import ORDINALS, ordinal
from migrate_check.checks.builtin.fact_records import Fact
from migrate_check.checks.builtin.fact_text import Tokens
from migrate_check.checks.builtin.fact_units import canonical_quantity

_PARTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3}
_WHOLES = {"half": 2, "quarter": 4, "quarters": 4, "third": 3, "thirds": 3}
#: A fraction of a unit of time: bounded runs only, so the scan is linear.
_FRACTION_OF_TIME = re.compile(
    r"(?<![\w-])(?i:(?:(a|an|one|two|three)[ \t-]{1,3})?(half|quarters?|thirds?)"
    r"([ \t-]{1,3}of)?[ \t-]{1,3}(an?[ \t]{1,3})?(minute|hour|day|week|month|year)s?)"
    r"(?![\w-])"
)
#: An ordinal before a hyphen inside a word ("third-floor", "twenty-first-century").
_ORDINAL_COMPOUND = re.compile(
    r"(?<![\w-])((?i:" + "|".join(sorted(ORDINALS, key=len, reverse=True)) + r"))-([^\W\d_][\w]*+)"
)
#: What before a fraction makes it the end of a number read whole ("two and a half hours").
_NOT_AFTER = ("and ", "and a ", "and an ")


def word_parts(facts: list[Fact], tokens: Tokens) -> list[Fact]:
    """`facts` with fractions of a unit of time made durations, and ordinals inside
    hyphenated words added as numbers."""
    text = tokens.text
    found: list[Fact] = []
    for match in _FRACTION_OF_TIME.finditer(text):
        before = text[max(0, match.start() - 7) : match.start()].casefold()
        if before.endswith(_NOT_AFTER):
            continue  # "two and a half hours" is read whole elsewhere
        count, whole, of, article, unit = match.groups()
        if article and not of and whole.casefold() != "half":
            continue  # "half an hour", but "the same quarter a year ago"
        parts = _PARTS[count.casefold()] if count else 1
        share = Decimal(parts) / _WHOLES[whole.casefold()]
        canonical = canonical_quantity(share, None, unit.casefold())
        if canonical is None or share >= 1:
            continue
        start, end = match.span()
        found.append(
            Fact("quantities", canonical, match.group(), start, end, tokens.sentence_of(start))
        )
    if found:
        inside = [(f.start, f.end) for f in found]
        facts = [f for f in facts if not any(s <= f.start and f.end <= e for s, e in inside)]
    taken = {f.start for f in facts}
    for match in _ORDINAL_COMPOUND.finditer(text):
        start = match.start()
        place = ordinal(match.group(1).casefold())
        if place is None or start in taken:
            continue
        raw = text[start : start + len(match.group(1)) + 1 + len(match.group(2))]
        found.append(
            Fact(
                "numbers",
                str(place),
                raw,
                start,
                start + len(raw),
                tokens.sentence_of(start),
                weak=place == 1,  # as "first" on its own is
                number=str(place),
            )
        )
    return facts + found if found else facts
