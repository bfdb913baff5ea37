"""Numbers written as words: "seven", "twenty-one", "second", "a third", "double",
"an hour and a half", "forty dollars", "fifty percent".

Read from the words of a text whose digits were already taken, so each number is read
once. Cardinals with a unit are quantities, with a currency amounts, with "percent"
percentages; fractions are percentages ("half" is `50%`), multipliers numbers (`×2`).
"one" and "first" are too common to count on their own (a pronoun, a discourse word):
they are kept as weak facts, which match but are never reported.
"""

from __future__ import annotations

from decimal import Decimal

from migrate_check.checks.builtin.fact_canonical_forms import currency_of_word
from migrate_check.checks.builtin.fact_lexicon import words
from migrate_check.checks.builtin.fact_records import Fact
from migrate_check.checks.builtin.fact_text import Tokens
from migrate_check.checks.builtin.fact_units import (
    TWO_WORD,
    canonical_quantity,
    format_number,
    unit_of,
)

_SMALL = {
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
_TENS = {
    word: 10 * value
    for value, word in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], start=2
    )
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_ORDINALS = {
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
_FRACTIONS = {
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
}
_MULTIPLIERS = {
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
_PERCENT = ("percent", "per cent", "percentage")
#: Words a number written in words can start with; others are skipped without a look.
_STARTS = frozenset(
    [*_SMALL, *_TENS, *_ORDINALS, *_FRACTIONS, *_MULTIPLIERS, "a", "an", "half", "dozen"]
)
_ARTICLES = ("a", "an")


def _small(word: str) -> int | None:
    """Value of "seven", "forty" or "twenty-one"; None for anything else."""
    if word in _SMALL:
        return _SMALL[word]
    if word in _TENS:
        return _TENS[word]
    tens, dash, unit = word.partition("-")
    if dash and tens in _TENS and unit in _SMALL and 0 < _SMALL[unit] < 10:
        return _TENS[tens] + _SMALL[unit]
    return None


def _ordinal(word: str) -> int | None:
    if word in _ORDINALS:
        return _ORDINALS[word]
    tens, dash, unit = word.partition("-")
    if dash and tens in _TENS and unit in _ORDINALS and _ORDINALS[unit] < 10:
        return _TENS[tens] + _ORDINALS[unit]
    return None


class _Reader:
    """Reads the number words of one text, left to right."""

    def __init__(self, tokens: Tokens):
        self.t = tokens
        self.words = tokens.words
        self.found: list[Fact] = []

    def word(self, at: int) -> str:
        return self.words[at] if at < len(self.words) else ""

    def joined(self, at: int, end: int) -> bool:
        """Whether word `end` follows the words from `at` with only spaces between."""
        return at < end < len(self.words) and self.t.joined(end - 1)

    def rate(self, at: int) -> bool:
        """Whether "a day" at word `at` is a rate ("twice a day", "£12 a month")."""
        if at == 0:
            return False
        return self.words[at - 1] in (
            "times",
            "once",
            "twice",
            "per",
            "each",
        ) or self.t.after_value(at)

    def cardinal(self, at: int) -> tuple[Decimal, int] | None:
        """A cardinal starting at word `at`: (value, index after it)."""
        total, current, seen, index = 0, 0, False, at
        while index < len(self.words) and (index == at or self.joined(at, index)):
            word = self.words[index]
            value = _small(word)
            if value is not None and (not seen or current % 100 == 0 or current < 20):
                current += value
            elif word in _SCALES and (seen or index == at + 1):
                if word == "hundred":
                    current = (current or 1) * 100
                else:
                    total += (current or 1) * _SCALES[word]
                    current = 0
            elif word == "dozen" and (seen or index == at + 1):
                current = (current or 1) * 12
            elif word in _ARTICLES and not seen and self.word(index + 1) in (*_SCALES, "dozen"):
                current = 1
                index += 1
                continue
            elif word == "and" and seen and _small(self.word(index + 1)) is not None:
                index += 1
                continue
            else:
                break
            seen = True
            index += 1
        if not seen:
            return None
        return Decimal(total + current), index

    def unit_at(self, at: int) -> tuple[str, int] | None:
        """(unit spelling, index after it) of a unit at word `at`."""
        word = self.word(at)
        if word in TWO_WORD:
            spelling = f"{word} {self.word(at + 1)}"
            if unit_of(spelling) and self.joined(at, at + 1):
                return spelling, at + 2
        if word and unit_of(word) and not word.isupper():
            return word, at + 1
        return None

    def add(self, kind: str, value: str, at: int, end: int, **extra: object) -> None:
        start = self.t.starts[at]
        stop = self.t.starts[end - 1] + len(self.t.raw[end - 1])
        raw = self.t.text[start:stop]
        sentence = self.t.sentence[at]
        self.found.append(Fact(kind, value, raw, start, stop, sentence, **extra))  # type: ignore[arg-type]

    def after_last(self, at: int) -> int:
        """The index of the first word after the fact just added."""
        index, end = at, self.found[-1].end
        while index < len(self.t.starts) and self.t.starts[index] < end:
            index += 1
        return index

    def amount_or_measure(
        self, value: Decimal, at: int, after: int, number: str | None, high: Decimal | None = None
    ) -> bool:
        """A unit, "percent" or a currency after a number: the fact it makes."""
        word = self.word(after)
        if not self.joined(at, after):
            return False
        unit = self.unit_at(after)
        if unit is not None:
            spelling, end = unit
            if (
                self.word(end) == "and"
                and self.word(end + 1) in _ARTICLES
                and self.word(end + 2) in ("half", "quarter")
                and self.joined(at, end + 2)
            ):
                value += Decimal(1) / _FRACTIONS[self.word(end + 2)]
                end += 3
            canonical = canonical_quantity(value, high, spelling)
            if canonical:
                self.add("quantities", canonical, at, end, number=number)
                return True
        if word in ("percent", "percentage") or (word == "per" and self.word(after + 1) == "cent"):
            end = after + (2 if word == "per" else 1)
            self.add("percentages", f"{format_number(value)}%", at, end, number=number)
            return True
        currency = currency_of_word(word)
        if currency is not None:
            code, scale = currency
            amount = format_number(value * scale)
            self.add("amounts", f"{code} {amount}", at, after + 1, number=number)
            return True
        return False

    def read(self) -> list[Fact]:
        done = 0
        for index in [i for i, word in enumerate(self.words) if word in _STARTS or "-" in word]:
            if index >= done:
                done = self.read_at(index) or index + 1
        return self.found

    def read_at(self, at: int) -> int | None:
        """Read the number starting at word `at`; the index after it, or None."""
        word = self.words[at]
        following = self.word(at + 1)
        if word in _ARTICLES or word == "one":
            # "a third", "an hour", "one and a half hours", "a half-day"
            if following in _FRACTIONS and following not in ("fifth", "sixth", "tenth"):
                end = at + 2
                share = Decimal(100) / _FRACTIONS[following]
                if self.amount_or_measure(Decimal(1) / _FRACTIONS[following], at, end, None):
                    return self.after_last(at)
                self.add(
                    "percentages", f"{format_number(share.quantize(Decimal('0.01')))}%", at, end
                )
                return end
            if (
                word in _ARTICLES
                and self.unit_at(at + 1)
                and not self.rate(at)
                and self.amount_or_measure(Decimal(1), at, at + 1, None)
            ):
                return self.after_last(at)
        if word == "half":
            if (
                self.word(at + 1) in _ARTICLES
                and self.unit_at(at + 2)
                and self.amount_or_measure(Decimal("0.5"), at, at + 2, None)
            ):
                return self.after_last(at)
            if not self.t.initial[at] or following == "of":
                self.add("percentages", "50%", at, at + 1)
            return at + 1
        if word in _MULTIPLIERS:
            self.add("numbers", f"×{_MULTIPLIERS[word]}", at, at + 1)
            return at + 1
        ordinal = _ordinal(word)
        if ordinal is not None and not (
            word in _FRACTIONS and at and self.words[at - 1] in _ARTICLES
        ):
            weak = word == "first" or self.t.initial[at]
            self.add("numbers", str(ordinal), at, at + 1, weak=weak, number=str(ordinal))
            return at + 1
        first, dash, rest = word.partition("-")
        if dash and first in _MULTIPLIERS:  # "double-charged", but also "double-check"
            self.add("numbers", f"×{_MULTIPLIERS[first]}", at, at + 1, weak=True)
            return at + 1
        if dash and _small(first) is not None and _small(word) is None:
            spelling = rest.partition("-")[0]
            count = _small(first) or 0
            canonical = canonical_quantity(Decimal(count), None, spelling)
            if canonical:  # "three-year-old", "two-week"
                self.add("quantities", canonical, at, at + 1, number=str(count))
            else:  # "three-bedroom"
                self.add("numbers", str(count), at, at + 1, weak=count == 1, number=str(count))
            return at + 1
        cardinal = self.cardinal(at)
        if cardinal is None:
            return None
        value: Decimal = cardinal[0]
        end = cardinal[1]
        if (
            self.word(end) == "and"
            and self.word(end + 1) in _ARTICLES
            and self.word(end + 2) in ("half", "quarter")  # "six and a half hours"
            and self.joined(at, end + 2)
        ):
            value += Decimal(1) / _FRACTIONS[self.word(end + 2)]
            end += 3
        high: Decimal | None = None
        if self.word(end) in ("to", "-", "or") and self.joined(at, end + 1):
            second = self.cardinal(end + 1)  # "four to six hours"
            if second is not None and self.unit_at(second[1]) and self.joined(at, second[1]):
                high, after_range = second
                if self.amount_or_measure(value, at, after_range, format_number(value), high):
                    return self.after_last(at)
        number = format_number(value)
        if self.word(end) in _FRACTIONS and value < 20 and self.joined(at, end):
            share = value * 100 / _FRACTIONS[self.word(end)]
            self.add(
                "percentages", f"{format_number(share.quantize(Decimal('0.01')))}%", at, end + 1
            )
            return end + 1
        if self.amount_or_measure(value, at, end, number):
            return self.after_last(at)
        if self.word(end) == "times" and self.joined(at, end):  # "two times a day"
            self.add("numbers", f"×{number}", at, end + 1)
            return end + 1
        weak = value == 1 and end == at + 1
        self.add("numbers", number, at, end, weak=weak, number=number)
        return end


def read_number_words(tokens: Tokens) -> list[Fact]:
    """Every number written in words in `tokens`."""
    return _Reader(tokens).read()
