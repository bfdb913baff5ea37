"""One value said two ways that canonical forms do not make equal: a year said apart from
its date, "100%" said as "completely", a zero said as "nothing", "every three months"
said as "quarterly", the difference of two values the other side states ("10 kg more"),
the top of a range said as a range of another kind, a count said by listing what it
counts.

`fact_comparison` asks, of a value found on one side only, whether the other side says it
in one of these forms. Each is a closed class of words or a relation between values;
none names a word of one example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from migrate_check.checks.builtin.fact_digit_groups import phone_there, regrouped, spaced_code
from migrate_check.checks.builtin.fact_dimensions import sizes_said
from migrate_check.checks.builtin.fact_implied import (
    always_said,
    amps_said,
    both_said,
    brand_of_kept_model,
    clock_minutes,
    code_range_said,
    counts_a_list,
    dotted_time_said,
    frequency_said,
    name_in_address,
    one_unit_said,
    pounds_either,
    short_year_said,
    span_of_times,
    unit_of_sentence_said,
)
from migrate_check.checks.builtin.fact_lexicon import NEGATIONS, stem, words
from migrate_check.checks.builtin.fact_records import Fact, Facts
from migrate_check.checks.builtin.fact_units import format_number
from migrate_check.checks.builtin.fact_value_forms import (
    all_but_said,
    bound_said,
    clock_duration_said,
    day_said,
    even_split_said,
    free_said,
    hour_said,
    month_said,
    range_said,
    ratio_said,
    share_said,
    sign_said,
    slashed_date_said,
    within_day_range,
)

#: Words that say "all of it" as "100%" does ("100% nut-free", "completely nut-free").
WHOLE = frozenset(words("complete completely full fully entire entirely whole wholly"))
#: A period "every ..." gives, and the words that say that frequency in one word.
FREQUENCIES = {
    "86400 s": frozenset({"daily"}),
    "604800 s": frozenset({"weekly"}),
    "1209600 s": frozenset({"fortnightly", "biweekly"}),
    "1 month": frozenset({"monthly"}),
    "3 month": frozenset({"quarterly"}),
    "6 month": frozenset({"biannually", "biannual", "half-yearly"}),
    "12 month": frozenset({"annually", "annual", "yearly"}),
}
#: A period of two units, and the unit "every other ..." takes ("every other day").
_EVERY_OTHER = {"172800 s": "day", "1209600 s": "week", "2 month": "month", "24 month": "year"}
#: "every quarter" says "every 3 months" ("a quarter" alone may be a share).
_EVERY_QUARTER = re.compile(r"\b(?:every|each|per|once\sa)\squarter\b")
#: Values of one kind and unit tried pairwise for a difference, so pairing stays small.
MAX_DIFFERENCES = 40
_NUMBER = re.compile(r"\d[\d,]*+(?:\.\d++)?")
_ZERO_KINDS = ("amounts", "numbers", "percentages")
_SAID_KINDS = frozenset(
    {"numbers", "identifiers", "percentages", "quantities", "amounts", "weekdays", "times"}
    | {"entities", "dates"}
)
#: Where the items of a list in prose part: commas, "and", "or".
_ITEMS = re.compile(r",|\b(?:and|or)\b")
_CHOICES = re.compile(r",|\b(?:or|while|whereas)\b")
MAX_LIST_CHARS = 400
_SQUASH = re.compile(r"[\s\-–]++")
_WORD = re.compile(r"[a-z]++")
#: Words that say a value is a difference ("10 kg more than", "up by 5%", "saves £12").
_COMPARING = frozenset(
    words(
        """more less fewer higher lower than up down by increase increased decrease decreased
        rise rose fall fell extra saving saves saved difference gain gained lost"""
    )
)
_NEGATION_STEMS = frozenset(stem(word) for word in NEGATIONS)
#: Words that set a duration from a time ("15 minutes before departure").
_RELATIVE = frozenset(words("before after prior earlier later ahead beforehand"))
#: The ends of the working week and of the weekend, and the words that name each.
_WEEKDAY_GROUPS = (
    (frozenset({"Monday", "Friday"}), frozenset(words("weekday weekdays"))),
    (frozenset({"Saturday", "Sunday"}), frozenset(words("weekend weekends"))),
)


@dataclass
class Equivalents:
    """Asks whether a value of one side is said on the other in another form."""

    base: Facts
    cand: Facts
    _ends: dict[int, frozenset[str]] = field(default_factory=dict)
    _squashes: dict[int, str] = field(default_factory=dict)

    def said(self, fact: Fact, on_base: bool) -> bool:
        if fact.kind not in _SAID_KINDS:
            return False
        own, other = (self.base, self.cand) if on_base else (self.cand, self.base)
        if fact.kind == "numbers" and (
            _year_of_a_date(fact, other)
            or self._range_end(fact, other)
            or _counts_list(fact, own, other)
            or _counted(fact, own, other)
            or counts_a_list(fact, other)
            or both_said(fact, other)
            or always_said(fact, own, other)
            or short_year_said(fact, own, other)
            or even_split_said(fact, other)
            or unit_of_sentence_said(fact, own, other)
        ):
            return True
        if fact.kind == "quantities" and always_said(fact, own, other):
            return True
        if amps_said(fact, own, other):
            return True
        if code_range_said(fact, other) or one_unit_said(fact, other):
            return True
        if (
            clock_duration_said(fact, other)
            or share_said(fact, other)
            or day_said(fact, own, other)
        ):
            return True
        if free_said(fact, own, other) or sign_said(fact, own, other):
            return True
        if bound_said(fact, own, other) or slashed_date_said(fact, other):
            return True
        if range_said(fact, other) or month_said(fact, other):
            return True
        if ratio_said(fact, other) or hour_said(fact, own, other):
            return True
        if fact.kind in ("numbers", "quantities") and sizes_said(fact, other.facts):
            return True
        if fact.kind == "entities":
            return brand_of_kept_model(fact, own, other) or name_in_address(fact, other)
        if fact.kind == "quantities" and span_of_times(fact, own):
            return True
        if fact.kind in ("amounts", "quantities") and pounds_either(fact, other):
            return True
        if fact.kind in ("identifiers", "numbers") and self._squashed(fact, own, other):
            return True
        if fact.kind == "numbers" and any(f.value == fact.value for f in other.of("identifiers")):
            return True  # "version 2.3.1" and "v2.3.1"
        if fact.kind == "weekdays" and (
            _weekday_group(fact, own, other)
            or all_but_said(fact, own, other)
            or within_day_range(fact, own, other)
        ):
            return True
        if fact.kind in ("times", "numbers") and dotted_time_said(fact, own, other):
            return True
        if fact.kind == "times" and _time_apart(fact, other):
            return True
        if fact.kind == "numbers" and (phone_there(fact, other) or regrouped(fact, own, other)):
            return True
        if fact.kind in ("numbers", "quantities") and spaced_code(fact, own, other):
            return True
        if fact.kind == "percentages" and fact.value == "100%":
            return bool(WHOLE & other.tokens.plain_words())
        if fact.kind == "quantities" and _every(fact, own) and frequency_said(fact, own, other):
            return True  # "every 6 months" and "twice a year"
        if fact.kind == "numbers" and frequency_said(fact, own, other):
            return True
        if fact.kind == "quantities" and _every(fact, own):
            if fact.value == "3 month" and _EVERY_QUARTER.search(other.tokens.text.casefold()):
                return True
            if (other_unit := _EVERY_OTHER.get(fact.value)) and re.search(
                rf"\bevery\s(?:other|second)\s{other_unit}\b", other.tokens.text.casefold()
            ):
                return True  # "every 2 days" and "every other day"
            return bool(FREQUENCIES.get(fact.value, frozenset()) & other.tokens.plain_words())
        if _is_zero(fact):
            sentences = own.tokens.sentence_stems()
            return fact.sentence < len(sentences) and _negated_near(sentences[fact.sentence], other)
        return _difference(fact, own, other)

    def _squashed(self, fact: Fact, own: Facts, other: Facts) -> bool:
        """Whether a code is written with spaces or hyphens on one side only ("BA287" and
        "BA 287"): the other side's text without them holds it, or holds, as one
        identifier, the number with the letters just before or after it here ("20kVA")."""
        if fact.kind == "identifiers":
            if id(other) not in self._squashes:
                self._squashes[id(other)] = _SQUASH.sub("", other.tokens.text).casefold()
            return _SQUASH.sub("", fact.value).casefold() in self._squashes[id(other)]
        text = own.tokens.text
        before = text[max(0, fact.start - 8) : fact.start].split()
        letters = before[-1].strip("-–") if before and before[-1].isalpha() else ""
        after = text[fact.end : fact.end + 9].split()[:1]  # a unit it knows no more ("20 kVA")
        unit = (
            after[0]
            if after and after[0].isalpha() and text[fact.end : fact.end + 1] == " "
            else ""
        )
        code = (letters + fact.value).casefold()
        whole = (fact.value + unit).casefold()  # "20 kVA" is "20kVA", not "120kVA"
        return any(
            (letters and squashed.endswith(code)) or (unit and squashed == whole)
            for f in other.of("identifiers")
            if (squashed := _SQUASH.sub("", f.value).casefold())
        )

    def _range_end(self, fact: Fact, other: Facts) -> bool:
        """Whether a number is an end of a range the other side states as a range of
        another kind ("aged 18–65" and "between 18 and 65 years old")."""
        if id(other) not in self._ends:
            ends: set[str] = set()
            for found in other.facts:
                if "–" in found.value and found.kind != "numbers":
                    ends.update(_numbers(found.raw))
            self._ends[id(other)] = frozenset(ends)
        return fact.value in self._ends[id(other)]


def zero_said(negation: Fact, other: Facts) -> bool:
    """Whether the other side says a negated claim ("nothing to pay") with a zero in a
    sentence that makes it ("£0 to pay")."""
    needed = min(2, len(negation.window))
    stems = other.tokens.sentence_stems()
    return needed > 0 and any(
        fact.sentence < len(stems) and len(negation.window & stems[fact.sentence]) >= needed
        for fact in other.facts
        if _is_zero(fact)
    )


def _is_zero(fact: Fact) -> bool:
    return fact.kind in _ZERO_KINDS and fact.value.rpartition(" ")[2].rstrip("%") == "0"


def _negated_near(sentence: frozenset[str], other: Facts) -> bool:
    """Whether the other side negates, in a clause whose words the zero's sentence holds
    (all of them, or two)."""
    clauses = other.tokens.clause_stems()
    for number in other.tokens.marked.get("negation", ()):
        words = clauses.get(number, set()) - _NEGATION_STEMS
        if words and len(words & sentence) >= min(2, len(words)):
            return True
    return False


def _year_of_a_date(fact: Fact, other: Facts) -> bool:
    """Whether a number is the year of a date on the other side ("June 1–30, 2024" and
    "30 June 2024")."""
    return len(fact.value) == 4 and any(
        d.value.startswith(fact.value + "-") for d in other.of("dates")
    )


def _counts_list(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a number counts the items its sentence lists after a colon ("three things
    are needed: a copy, photos and an estimate", "two options: wait on board and sail
    later, or cancel"): the count is said by the list."""
    spans = own.tokens.sentence_spans
    if fact.sentence >= len(spans) or not fact.value.isdigit() or not 2 <= int(fact.value) <= 12:
        return False
    if _counted_otherwise(fact, own, other):
        return False  # "two options: ..." against "three options: ...": the count changed
    end = spans[fact.sentence][1]
    rest = own.tokens.text[fact.end : min(end, fact.end + MAX_LIST_CHARS)]
    listed = rest.partition(":")[2]
    if not listed.strip():
        return False
    if ";" in listed:
        return _count(listed.split(";")) == int(fact.value)
    # items parted by commas and "and"/"or", or, when an item holds an "and" ("stay on
    # board and wait, or cancel"), by commas and "or"/"while" alone
    return int(fact.value) in (_count(_ITEMS.split(listed)), _count(_CHOICES.split(listed)))


def _count(parts: list[str]) -> int:
    return sum(1 for part in parts if part.strip(" .,"))


def _counted(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a count in words ("two loan options") counts what the other side names
    that many times instead ("Option A ... Option B"): a rewording adds the count. The
    counted noun is the first plural in the three words after it."""
    if not fact.raw.isalpha() or not fact.value.isdigit() or not 2 <= int(fact.value) <= 12:
        return False
    after = _after(fact, own)
    noun = next((word for word in after if word.endswith("s") and len(word) > 3), None)
    if noun is None:
        return False
    counted = stem(noun)
    if any(counted in map(stem, _after(f, other)) for f in other.of("numbers")):
        return False  # the other side counts them too ("one refill"): a change, if any
    return sum(1 for word in other.tokens.words if stem(word) == counted) >= int(fact.value)


def _counted_otherwise(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether the other side counts the same thing ("three options") with another number."""
    noun = next((w for w in _after(fact, own) if w.endswith("s") and len(w) > 3), None)
    counted = stem(noun) if noun else None
    return counted is not None and any(
        f.value != fact.value and counted in map(stem, _after(f, other))
        for f in other.of("numbers")
    )


def _after(fact: Fact, own: Facts) -> list[str]:
    """The three words after a fact."""
    return _WORD.findall(own.tokens.text[fact.end : fact.end + 40].casefold())[:3]


def _time_apart(fact: Fact, other: Facts) -> bool:
    """Whether a time is another time of the other side moved by a duration its sentence
    states as "before" or "after" it ("closes 15 minutes before the 10:50 departure" and
    "closes at 10:35")."""
    minutes = clock_minutes(fact.value)
    if minutes is None:
        return False
    text = other.tokens.text
    spans: dict[int, set[int]] = {}  # sentence -> durations said before or after
    for f in other.of("quantities")[:MAX_DIFFERENCES]:
        seconds = f.value.removesuffix(" s")
        relative = set(_WORD.findall(text[f.end : f.end + 12].casefold())) & _RELATIVE
        if seconds.isdigit() and 0 < int(seconds) <= 86400 and relative:
            spans.setdefault(f.sentence, set()).add(int(seconds) // 60)
    for f in other.of("times")[:MAX_DIFFERENCES]:
        clock = clock_minutes(f.value)
        for span in spans.get(f.sentence, ()):
            if clock is not None and minutes in ((clock - span) % 1440, (clock + span) % 1440):
                return True
    return False


def _weekday_group(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a weekday is an end of "Monday to Friday" or "Saturday and Sunday" said on
    the other side as "weekdays" or "weekends": this side names both ends."""
    for ends, names in _WEEKDAY_GROUPS:
        if fact.value in ends and ends <= {f.value for f in own.of("weekdays")}:
            return bool(names & other.tokens.plain_words())
    return False


def _every(fact: Fact, own: Facts) -> bool:
    """Whether a quantity is the period of an "every" ("every three months")."""
    before = own.tokens.text[max(0, fact.start - 8) : fact.start].rstrip().casefold()
    return before.endswith(("every", "each"))


def _difference(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a value is the difference of two values the other side states in its
    unit ("10 kg more than last month's 130" against "140 kg, up from 130 kg")."""
    if fact.kind not in ("quantities", "amounts", "percentages"):
        return False
    value, unit = _split(fact)
    if value is None:
        return False
    near = own.tokens.text[max(0, fact.start - 12) : fact.end + 12].casefold()
    if not _COMPARING & set(_WORD.findall(near)):
        return False  # a difference is said as one: "10 kg more", "up by 5%"
    found = [split for f in other.of(fact.kind) if (split := _split(f))[1] == unit]
    values = sorted({v for v, _ in found[:MAX_DIFFERENCES] if v is not None})
    seen = set(values)
    return value > 0 and any(v - value in seen for v in values)


def _split(fact: Fact) -> tuple[Decimal | None, str]:
    """(value, unit) of a quantity ("5000 g"), an amount ("GBP 14.2") or a percentage."""
    text = fact.value
    if fact.kind == "amounts":
        unit, _, number = text.partition(" ")
    elif fact.kind == "percentages":
        number, unit = text.rstrip("%"), "%"
    else:
        number, _, unit = text.partition(" ")
    try:
        return Decimal(number), unit
    except InvalidOperation:
        return None, unit


def _numbers(raw: str) -> set[str]:
    found = set()
    for match in _NUMBER.finditer(raw[:200]):
        try:
            found.add(format_number(Decimal(match.group().replace(",", ""))))
        except InvalidOperation:
            continue
    return found
