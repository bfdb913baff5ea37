"""The words numbers are written in: cardinals, ordinals, fractions, multipliers, hours.

Tables and the two small readers `fact_number_words` builds numbers from.
"""

from __future__ import annotations

import re

from migrate_check.checks.builtin.fact_lexicon import words
from migrate_check.checks.builtin.fact_records import Fact

SMALL = {
    word: value
    for value, word in enumerate(
        words(
            """
            zero one two three four five six seven eight nine ten eleven twelve thirteen
            fourteen fifteen sixteen seventeen eighteen nineteen
            """
        )
    )
}
TENS = {
    word: 10 * value
    for value, word in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], start=2
    )
}
SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "twentieth": 20,
    "thirtieth": 30,
    "hundredth": 100,
}
FRACTIONS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fifth": 5,
    "fifths": 5,
    "sixth": 6,
    "tenth": 10,
    "tenths": 10,
    "sixths": 6,
    "sevenths": 7,
    "eighths": 8,
    "ninths": 9,
    "hundredths": 100,
}
MULTIPLIERS = {
    "double": 2,
    "doubled": 2,
    "doubles": 2,
    "twice": 2,
    "twofold": 2,
    "triple": 3,
    "tripled": 3,
    "triples": 3,
    "thrice": 3,
    "threefold": 3,
    "quadruple": 4,
    "quadrupled": 4,
}
PERCENT = ("percent", "per cent", "percentage")
HOURS = {word: value for word, value in SMALL.items() if 1 <= value <= 12}
HOURS |= {"noon": 12, "midday": 12, "midnight": 0}
CLOCK_STARTS = frozenset([*HOURS, "half", "quarter"])
#: Words a number written in words can start with; others are skipped without a look.
STARTS = frozenset(
    [*SMALL, *TENS, *ORDINALS, *FRACTIONS, *MULTIPLIERS, "a", "an", "half", "dozen"]
    + ["noon", "midday", "midnight"]
)
ARTICLES = ("a", "an")


def small(word: str) -> int | None:
    """Value of "seven", "forty" or "twenty-one"; None for anything else."""
    if word in SMALL:
        return SMALL[word]
    if word in TENS:
        return TENS[word]
    tens, dash, unit = word.partition("-")
    if dash and tens in TENS and unit in SMALL and 0 < SMALL[unit] < 10:
        return TENS[tens] + SMALL[unit]
    return None


def ordinal(word: str) -> int | None:
    if word in ORDINALS:
        return ORDINALS[word]
    tens, dash, unit = word.partition("-")
    if dash and tens in TENS and unit in ORDINALS and ORDINALS[unit] < 10:
        return TENS[tens] + ORDINALS[unit]
    return None


#: Words a number written as "a ..." counts in: "a hundred", "a dozen", "a couple of".
PAIRS = frozenset({"couple", "pair"})
COUNTS = frozenset([*SCALES, "dozen", *PAIRS])
#: Words after "a day" that make it a point in time, not a length ("a year ago").
WHEN = frozenset(["ago", "later", "earlier"])
#: Units that, after "a", may name a thing ("a cap of 6", "on a meter", "in a yard"):
#: when "of" follows or a preposition of place stands before.
THINGS = frozenset({"cap", "meter", "yard", "foot"})
_PLACES = frozenset({"on", "in", "at", "by", "with", "from", "into", "onto", "under"})


def names_a_thing(words: list[str], at: int, unit: int) -> bool:
    """Whether "a" at word `at` and the unit at word `unit` name a thing ("a cap of 6",
    "on a meter"), not one of the unit ("a foot wide")."""
    after = words[unit + 1] if unit + 1 < len(words) else ""
    return (
        unit < len(words)
        and words[unit] in THINGS
        and (after == "of" or (at > 0 and words[at - 1] in _PLACES))
    )


#: Words with a number in them that count nothing ("a second-hand copy", "a third party").
_IDIOM = re.compile(r"(?i:(?:a\s)?(?:first|second|third)[-\s](?:hand|party|parties)\b)")


def without_idioms(facts: list[Fact], text: str) -> list[Fact]:
    """`facts` without the numbers and shares read from an idiom ("second-hand")."""
    return [
        fact
        for fact in facts
        if fact.kind not in ("numbers", "percentages")
        or not _IDIOM.match(text, fact.start, fact.start + 20)
    ]
