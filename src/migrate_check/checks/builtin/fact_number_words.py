"""Numbers written as words: "seven", "twenty-one", "second", "a third", "double",
"an hour and a half", "forty dollars", "fifty percent".

Read from the words of a text whose digits were already taken, so each number is read
once. Cardinals with a unit are quantities, with a currency amounts, with "percent"
percentages; fractions are percentages ("half" is `50%`), multipliers numbers ("double"
and "twice" are `2`).
"one" and "first" are too common to count on their own (a pronoun, a discourse word):
they are kept as weak facts, which match but are never reported.
"""

from __future__ import annotations

from decimal import Decimal

from migrate_check.checks.builtin.fact_canonical_forms import currency_of_word
from migrate_check.checks.builtin.fact_number_compounds import compound
from migrate_check.checks.builtin.fact_number_tables import (
    ARTICLES,
    CLOCK_STARTS,
    COUNTS,
    FRACTIONS,
    HOURS,
    MULTIPLIERS,
    PAIRS,
    SCALES,
    STARTS,
    WHEN,
    names_a_thing,
    ordinal,
    small,
)
from migrate_check.checks.builtin.fact_records import Fact
from migrate_check.checks.builtin.fact_text import Tokens, content_stem
from migrate_check.checks.builtin.fact_units import (
    EXTRA,
    TWO_WORD,
    canonical_quantity,
    format_number,
    unit_of,
)


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
        """Whether "a day" at word `at` is a rate ("twice a day", "£12 a month", "4 shifts
        a week", "three meals a day")."""
        if at == 0:
            return self.t.after_value(at)  # "$19 an hour": the amount was blanked
        before = self.words[at - 1]
        if self.joined(at - 1, at) and content_stem(before) is not None:
            counted = at >= 2 and small(self.words[at - 2]) is not None
            if counted or self.t.after_value(at - 1):
                return True  # a count of something, then its period
        if self.word(at + 2) in WHEN:
            return True  # "a year ago": when, not how long
        if before == "of" and self.t.after_value(at - 1):
            return True  # "5/32 of an inch": the unit of the value before it
        return (
            before in ("times", "once", "twice", "per", "each", "every")
            or unit_of(before) is not None
            or self.t.after_value(at)
        )

    def ordinal_after(self, at: int) -> bool:
        """Whether "second" at word `at` is an ordinal ("a second breach"): a word it
        qualifies follows it, not a time word ("a second later")."""
        following = self.word(at + 1)
        return (
            self.word(at) == "second"
            and self.joined(at, at + 1)
            and (content_stem(following) is not None or following == "one")
            and following not in WHEN
            and not unit_of(following)
        )

    def cardinal(self, at: int) -> tuple[Decimal, int] | None:
        """A cardinal starting at word `at`: (value, index after it)."""
        total, current, seen, index = 0, 0, False, at
        while index < len(self.words) and (index == at or self.joined(at, index)):
            word = self.words[index]
            value = small(word)
            if value is not None and (not seen or current % 100 == 0 or current < 20):
                current += value
            elif word in SCALES and (seen or index == at + 1):
                if word == "hundred":
                    current = (current or 1) * 100
                else:
                    total += (current or 1) * SCALES[word]
                    current = 0
            elif word == "dozen" and (seen or index == at + 1):
                current = (current or 1) * 12
            elif word in ARTICLES and not seen and (following := self.word(index + 1)) in COUNTS:
                if following in PAIRS:  # "a couple of days", "a pair of gloves": two
                    if self.word(index + 2) != "of" or not self.joined(at, index + 2):
                        break
                    current, seen, index = 2, True, index + 3
                    break
                current = 1
                index += 1
                continue
            elif (
                word == "and"
                and seen
                and self.words[index - 1] in SCALES  # "one hundred and five", not "five and ten"
                and small(self.word(index + 1)) is not None
            ):
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
            three = f"{word} {self.word(at + 1)} {self.word(at + 2)}"  # "miles per hour"
            if unit_of(three) and self.joined(at, at + 1) and self.joined(at + 1, at + 2):
                return three, at + 3
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
                and self.word(end + 1) in ARTICLES
                and self.word(end + 2) in ("half", "quarter")
                and self.joined(at, end + 2)
            ):
                value += Decimal(1) / FRACTIONS[self.word(end + 2)]
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
            end = after + 1
            cents = small(self.word(end))
            if cents is not None and scale == 1 and self.joined(at, end):  # "two pounds fifty"
                value += Decimal(cents) / 100
                end += 1
            amount = format_number(value * scale)
            self.add("amounts", f"{code} {amount}", at, end, number=number)
            return True
        return False

    def read(self) -> list[Fact]:
        done = 0
        for index in [i for i, word in enumerate(self.words) if word in STARTS or "-" in word]:
            if index >= done:
                done = self.read_at(index) or index + 1
        return self.found

    def ratio(self, value: Decimal, at: int, end: int) -> int | None:
        """ "one in five", "three out of four": a share, as "20%" and "75%" say it; the
        index after it, or None."""
        after = end + 1 if self.word(end) == "in" else end + 2
        if after == end + 2 and (self.word(end), self.word(end + 1)) != ("out", "of"):
            return None
        whole = self.cardinal(after) if self.joined(at, after) else None
        if whole is None or not 0 < value <= whole[0] or self.unit_at(whole[1]):
            return None
        share = (value * 100 / whole[0]).quantize(Decimal("0.01"))
        self.add("percentages", f"{format_number(share)}%", at, whole[1])
        return whole[1]

    def clock(self, at: int) -> int | None:
        """A time in words: "half past two", "quarter to ten", "nine o'clock", "seven in
        the evening"; the index after it, or None."""
        word, minutes, hour_at = self.words[at], 0, at
        if word in ("half", "quarter") and self.word(at + 1) in ("past", "to"):
            minutes = 30 if word == "half" else 15
            if self.word(at + 1) == "to":
                minutes = -minutes
            hour_at = at + 2
        hour = HOURS.get(self.word(hour_at))
        if hour is None or (hour_at > at and not self.joined(at, hour_at)):
            return None
        end = hour_at + 1
        period = ""
        if self.word(end) in ("o'clock", "o’clock"):
            end += 1
        if self.word(end) in ("am", "pm", "a.m", "p.m"):
            period, end = self.word(end)[0], end + 1
        elif self.word(end) == "in" and self.word(end + 1) == "the":
            part = self.word(end + 2)
            if part in ("morning", "afternoon", "evening"):
                period, end = ("a" if part == "morning" else "p"), end + 3
        elif self.word(end) == "at" and self.word(end + 1) == "night":
            period, end = "p", end + 2
        named = self.word(hour_at) in ("noon", "midday", "midnight")
        if hour_at == at and end == hour_at + 1 and not named:
            return None  # a bare "two" is a number, not a time
        hours = hour % 12 + (12 if period == "p" else 0) if period else hour
        total = (hours * 60 + minutes) % (24 * 60)
        self.add("times", f"{total // 60:02d}:{total % 60:02d}", at, end)
        return end

    def read_at(self, at: int) -> int | None:
        """Read the number starting at word `at`; the index after it, or None."""
        word = self.words[at]
        following = self.word(at + 1)
        if word in CLOCK_STARTS and (after := self.clock(at)) is not None:
            return after
        if following in FRACTIONS and self.word(at + 2) == "of":
            # "a quarter of an hour", "three quarters of an hour", "half of a day"
            parts = Decimal(1) if word in (*ARTICLES, "one") else None
            if parts is None and small(word) is not None:
                parts = Decimal(small(word) or 0)
            if parts is not None and self.word(at + 3) in ARTICLES and self.unit_at(at + 4):
                share = parts / FRACTIONS[following]
                if self.amount_or_measure(share, at, at + 4, None):
                    return self.after_last(at)
        ordinal_quarter = ordinal(word)
        if ordinal_quarter in (1, 2, 3, 4) and following == "quarter":
            self.add("identifiers", f"Q{ordinal_quarter}", at, at + 2)  # "third quarter": Q3
            return at + 2
        if word in ARTICLES or word == "one":
            # "a third", "an hour", "one and a half hours", "a half-day"
            if (
                following in FRACTIONS
                and following not in ("fifth", "sixth", "tenth")
                and self.word(at + 2) not in ("to", "past")  # "a quarter to four": a time
            ):
                end = at + 2
                share = Decimal(100) / FRACTIONS[following]
                if self.amount_or_measure(Decimal(1) / FRACTIONS[following], at, end, None):
                    return self.after_last(at)
                self.add(
                    "percentages", f"{format_number(share.quantize(Decimal('0.01')))}%", at, end
                )
                return end
            extra = int(following in EXTRA)  # "an extra fortnight"
            if (
                word in ARTICLES
                and self.unit_at(at + 1 + extra)
                and not names_a_thing(self.words, at, at + 1 + extra)
                and not self.rate(at)
                and not self.ordinal_after(at + 1)
                and self.amount_or_measure(Decimal(1), at, at + 1 + extra, None)
            ):
                return self.after_last(at)
        if word == "half":
            if (
                self.word(at + 1) in ARTICLES
                and (self.unit_at(at + 2) or self.word(at + 2) in ("percent", "per"))
                and self.amount_or_measure(Decimal("0.5"), at, at + 2, None)
            ):
                return self.after_last(at)  # "half an hour", "half a percent"
            if not self.t.initial[at] or following == "of":
                self.add("percentages", "50%", at, at + 1)
            return at + 1
        if word in MULTIPLIERS:
            self.add("numbers", str(MULTIPLIERS[word]), at, at + 1)
            return at + 1
        place = ordinal(word)
        if place is not None and not (word in FRACTIONS and at and self.words[at - 1] in ARTICLES):
            # "the first time", "a second key": what comes first or second is rarely a fact
            weak = word in ("first", "second") or self.t.initial[at]
            self.add("numbers", str(place), at, at + 1, weak=weak, number=str(place))
            return at + 1
        first, dash, rest = word.partition("-")
        if dash and (read := compound(first, rest)):
            for kind, found, bare in read:
                self.add(kind, found, at, at + 1, number=bare)
            return at + 1
        if dash and first in MULTIPLIERS:  # "double-charged", but also "double-check"
            self.add("numbers", str(MULTIPLIERS[first]), at, at + 1, weak=True)
            return at + 1
        pieces = word.split("-")
        if len(pieces) > 2 and (count := small(f"{pieces[0]}-{pieces[1]}")) is not None:
            canonical = canonical_quantity(Decimal(count), None, pieces[2])
            if canonical:  # "forty-five-day", "twenty-one-year-old": a number in two words
                self.add("quantities", canonical, at, at + 1, number=str(count))
                return at + 1
        if dash and small(first) is not None and (money := currency_of_word(rest)) is not None:
            code, scale = money  # "a fifty-dollar fee", "a ten-pound note"
            amount = format_number(Decimal(small(first) or 0) * scale)
            self.add("amounts", f"{code} {amount}", at, at + 1)
            return at + 1
        if dash and small(first) is not None and small(word) is None:
            spelling = rest.partition("-")[0]
            count = small(first) or 0
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
            and self.word(end + 1) in ARTICLES
            and self.word(end + 2) in ("half", "quarter")  # "six and a half hours"
            and self.joined(at, end + 2)
        ):
            value += Decimal(1) / FRACTIONS[self.word(end + 2)]
            end += 3
            if self.word(end) in SCALES and self.joined(at, end):  # "twelve and a half thousand"
                value *= SCALES[self.word(end)]
                end += 1
        high: Decimal | None = None
        if at and self.words[at - 1] == "between" and self.word(end) == "and":
            second = self.cardinal(end + 1)  # "between five and ten working days"
            if (
                second is not None
                and self.unit_at(second[1])
                and self.joined(at, second[1])
                and self.amount_or_measure(value, at, second[1], format_number(value), second[0])
            ):
                return self.after_last(at)
        if self.word(end) in ("to", "-", "or") and self.joined(at, end + 1):
            second = self.cardinal(end + 1)  # "four to six hours"
            if second is not None and self.unit_at(second[1]) and self.joined(at, second[1]):
                high, after_range = second
                if self.amount_or_measure(value, at, after_range, format_number(value), high):
                    return self.after_last(at)
        if (after_ratio := self.ratio(value, at, end)) is not None:
            return after_ratio
        number = format_number(value)
        if self.word(end) in FRACTIONS and value < 20 and self.joined(at, end):
            share = value * 100 / FRACTIONS[self.word(end)]
            self.add(
                "percentages", f"{format_number(share.quantize(Decimal('0.01')))}%", at, end + 1
            )
            return end + 1
        if self.word(end) in EXTRA and self.unit_at(end + 1):
            end += 1  # "two more weeks": the quantity added
        if self.amount_or_measure(value, at, end, number):
            return self.after_last(at)
        if self.word(end) == "times" and self.joined(at, end):  # "two times a day"
            self.add("numbers", number, at, end + 1, number=number)
            return end + 1
        # "1 item" and "a couple of points": counts a rewording drops or adds freely
        weak = (value == 1 and end == at + 1) or self.word(at + 1) == "couple"
        self.add("numbers", number, at, end, weak=weak, number=number)
        return end


def read_number_words(tokens: Tokens) -> list[Fact]:
    """Every number written in words in `tokens`."""
    return _Reader(tokens).read()
