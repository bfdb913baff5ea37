"""Numbers that the number-word reader leaves as other facts, or as none: a fraction of a
unit of time ("half an hour", "every half hour", "three-quarters of an hour") is a
duration, not a share and two numbers; an ordinal in a hyphenated word ("third-floor")
is the number "third floor" and "3rd-floor" read as; two durations in a row ("1 hour and
30 minutes", "1h 30m") are one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
#: A fraction word: the fractions of time are looked for only in a text that has one.
_FRACTION_WORD = re.compile(r"(?i:half|quarter|third)")
#: Letters `(?i)` folds to "i" that `str.lower` leaves alone (dotless i, dotted capital I).
_ODD_I = ("\u0131", "\u0130")


def may_hold_fraction(text: str) -> bool:
    """Whether `_FRACTION_WORD` may match in `text` (True whenever it does): a search
    for the words in lower case, ~10 times cheaper than the case-blind regex, which
    tries its three words at every position."""
    low = text.lower()
    return (
        "half" in low or "quarter" in low or "third" in low or any(map(text.__contains__, _ODD_I))
    )


#: Characters a fraction of time may start before its fraction word: "three" and 3 more.
_LEAD = 8


def fractions_of_time(text: str) -> Iterator[re.Match[str]]:
    """`_FRACTION_OF_TIME.finditer(text)`, tried only just before each fraction word
    (found in the text in lower case) instead of at every position: a match starts at
    most `_LEAD` characters before its fraction word, which no count word holds. Where
    lower case would move or hide one ("İ", "ı"), the plain search."""
    if not may_hold_fraction(text):
        return
    low = text.lower()
    if any(map(text.__contains__, _ODD_I)):
        yield from _FRACTION_OF_TIME.finditer(text)
        return
    words = sorted(at for word in ("half", "quarter", "third") for at in _occurrences(low, word))
    done = 0  # where the last match ended: matches do not overlap
    for at in words:
        for start in range(max(done, at - _LEAD), at + 1):
            if (match := _FRACTION_OF_TIME.match(text, start)) is not None:
                yield match
                done = match.end()
                break


def _occurrences(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


#: Letters an ordinal before a hyphen has at most ("seventeenth").
_LONGEST_ORDINAL = max(map(len, ORDINALS))
#: What before a fraction makes it the end of a number read whole ("two and a half hours").
_NOT_AFTER = ("and ", "and a ", "and an ")


def word_parts(facts: list[Fact], tokens: Tokens) -> list[Fact]:
    """`facts` with fractions of a unit of time made durations, and ordinals inside
    hyphenated words added as numbers."""
    text = tokens.text
    found: list[Fact] = []
    for match in fractions_of_time(text):
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
    dash = text.find("-")
    while dash >= 0:
        start = dash
        while start > 0 and dash - start < _LONGEST_ORDINAL + 1 and text[start - 1].isalpha():
            start -= 1
        first = text[start:dash]
        place = ordinal(first.casefold()) if first in _CASED else None
        after = text[dash + 1 : dash + 2]
        glued = start > 0 and (text[start - 1] == "-" or text[start - 1].isalnum())
        if place is not None and start not in taken and after.isalpha() and not glued:
            raw = text[start:dash] + text[dash : _word_end(text, dash + 1)]
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
        dash = text.find("-", dash + 1)
    return facts + found if found else facts


#: An ordinal as it may be written before a hyphen: lower case, capitalised, upper case.
_CASED = frozenset(form for word in ORDINALS for form in (word, word.capitalize(), word.upper()))


def _word_end(text: str, at: int) -> int:
    """Where the word from `at` ends (letters, digits and apostrophes)."""
    end = at
    while end < len(text) and (text[end].isalnum() or text[end] in "'’"):
        end += 1
    return end
