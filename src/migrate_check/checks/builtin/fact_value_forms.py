"""Values said in another form than their canonical one, asked by `fact_equivalents` of a
value found on one side only: a finish time as a duration ("4:12:37", "4h 12m 37s"), a
share in words or as a part of a whole ("20%", "a fifth"; "50%", "3 of the 6"), zero as
"free", a day of the month as an ordinal ("the 17th"), a negative amount as a credit, a
bound moved by one ("under 10", "9 and under"), a month and day with a slash ("2/12"),
a range of a quantity as its two ends ("2-8°C", "between 2°C and 8°C"), a month
said alone beside the other side's date in it, and the days inside a range of days.
"""

from __future__ import annotations

import re
from decimal import Decimal

from migrate_check.checks.builtin.fact_canonical_forms import WEEKDAY_NAMES
from migrate_check.checks.builtin.fact_implied import MAX_TIMES, number_of, seconds_of
from migrate_check.checks.builtin.fact_records import Fact, Facts


def clock_duration_said(fact: Fact, other: Facts) -> bool:
    """Whether a time with seconds ("4:12:37", a finish time) is a duration the other side
    gives in units ("4h 12m 37s"), or the reverse."""
    if fact.kind == "times":
        seconds = _clock_seconds(fact.value)
        return seconds is not None and any(seconds_of(f) == seconds for f in other.of("quantities"))
    seconds = seconds_of(fact)
    return seconds is not None and any(
        _clock_seconds(f.value) == seconds for f in other.of("times")
    )


def _clock_seconds(clock: str) -> int | None:
    parts = clock.split(" ")[0].split(":")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    hours, minutes, seconds = (int(part) for part in parts)
    return hours * 3600 + minutes * 60 + seconds


#: Fractions in words and their share in percent ("a fifth" is 20%).
_SHARES = {"half": "50", "third": "33.33", "quarter": "25", "fifth": "20", "tenth": "10"}
_SHARE_WORDS = re.compile(r"\b(?:a|one)[\s-](half|third|quarter|fifth|tenth)\b")


def even_split_said(fact: Fact, other: Facts) -> bool:
    """Whether a split "50/50" is said on the other side in words ("divided equally")."""
    return (
        fact.kind == "numbers"
        and fact.raw.replace(" ", "") in ("50/50", "50-50", "50:50")
        and bool(_EVENLY & other.tokens.plain_words())
    )


_EVENLY = frozenset({"equally", "evenly"})


def share_said(fact: Fact, other: Facts) -> bool:
    """Whether a percentage is said on the other side as a fraction in words ("20%" and
    "a fifth") or as a part of a whole in one sentence ("50%" and "3 of the 6")."""
    if fact.kind != "percentages":
        return False
    value = number_of(fact.value.rstrip("%"))
    if value is None:
        return False
    text = other.tokens.text.casefold()
    if any(number_of(_SHARES[w]) == value for w in _SHARE_WORDS.findall(text)):
        return True
    if value == 50 and "half" in other.tokens.plain_words():
        return True  # "Deposit: 50%" and "Deposit: half"
    by_sentence: dict[int, list[Decimal]] = {}
    for found in other.of("numbers")[: MAX_TIMES * 4]:
        number = number_of(found.value)
        if number is not None and number > 0:
            by_sentence.setdefault(found.sentence, []).append(number)
    return any(
        (part * 100 / whole).quantize(Decimal("0.01")) == value
        for numbers in by_sentence.values()
        for part in numbers[:MAX_TIMES]
        for whole in numbers[:MAX_TIMES]
        if part < whole
    )


#: Words that say an amount is zero ("delivery: free", "at no cost").
_FREE = re.compile(
    r"\b(?:free|complimentary|no\s(?:charge|cost|fee)|nothing|pay\sanything|n['’]t\scost\sanything)\b"
)


def free_said(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a zero amount ("Delivery: $0.00") is said as "free" ("you won't pay
    anything") on the other side, in a sentence that shares a word with its own (any, for
    a label that says little else: "Cost to you: £0")."""
    if fact.kind != "amounts" or fact.value.rpartition(" ")[2] != "0":
        return False
    mine, theirs = own.tokens.sentence_stems(), other.tokens.sentence_stems()
    if fact.sentence >= len(mine):
        return False
    label = len(mine[fact.sentence]) <= 2  # "Cost to you: £0" says little else to share
    for number, (start, end) in enumerate(other.tokens.sentence_spans[: len(theirs)]):
        if _FREE.search(other.tokens.text[start:end].casefold()) and (
            label or theirs[number] & mine[fact.sentence]
        ):
            return True
    return False


def day_said(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a day of the month said alone ("on the 17th") is the day of a date the other
    side gives ("17 June"), or the reverse."""
    if fact.kind == "dates" and fact.value[-3:-2] == "-" and fact.value[-2:].isdigit():
        day = str(int(fact.value[-2:]))
        return any(f.value == day and _ordinal(f, other) for f in other.of("numbers"))
    if fact.kind != "numbers" or not _ordinal(fact, own):
        return False
    if not fact.value.isdigit() or not 1 <= int(fact.value) <= 31:
        return False
    return any(f.value.endswith(f"-{int(fact.value):02d}") for f in other.of("dates"))


def _ordinal(fact: Fact, facts: Facts) -> bool:
    """Whether a number is written as an ordinal ("17th"), its suffix in or after it."""
    if not fact.raw[:1].isdigit():
        return False  # "first" is no day of a month
    after = facts.tokens.text[fact.end : fact.end + 2].casefold()
    return fact.raw[-2:].casefold() in _SUFFIXES or after in _SUFFIXES


_SUFFIXES = ("st", "nd", "rd", "th")


#: Words that say an amount is taken off ("we've credited USD 9,800 for your trade-in").
#: Words right beside an amount that say it is taken off ("we've credited USD 9,800",
#: "$5 off", "less $10"); "refund" is not one: a refund of $40 is money back, not a sign.
_TAKEN_OFF = re.compile(
    r"(?i:\b(?:credit(?:ed|s)?|deduct(?:ed|ion)?|discount(?:ed)?|less|minus|rebate|"
    r"reduction|subtract(?:ed)?)\b)"
)
_OFF_AFTER = re.compile(r"\s?(?i:off|credit(?:ed)?|discount)\b")


def sign_said(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether an amount written negative ("Trade-in: -$9,800.00") is said positive on
    the other side with a word right beside it that takes it off ("credited USD 9,800"),
    or the reverse."""
    if fact.kind != "amounts":
        return False
    code, _, number = fact.value.partition(" ")
    flipped = f"{code} {number[1:]}" if number.startswith("-") else f"{code} -{number}"
    for found in other.of("amounts"):
        if found.value != flipped:
            continue
        positive = found if not found.value.partition(" ")[2].startswith("-") else fact
        text = (other if positive is found else own).tokens.text
        before = text[max(0, positive.start - 24) : positive.start]
        if before.rstrip().endswith(":"):  # "Less deduction for wear (10%): £189.90"
            before = text[max(0, positive.start - 40) : positive.start].rpartition("\n")[2]
        if _TAKEN_OFF.search(before) or _OFF_AFTER.match(text, positive.end):
            return True
    return False


#: A bound said below a number ("under 10") and the same bound said at the number before
#: it ("9 and under"), and the same above ("over 65", "66 and over").
_BELOW = re.compile(r"(?i:under|below|younger\sthan|less\sthan)[\s-]\Z")
_ABOVE = re.compile(r"(?i:over|above|older\sthan|more\sthan)[\s-]\Z")
_AT_OR_BELOW = re.compile(r"\s?(?i:and|or)\s(?i:under|younger|below|less|fewer)\b")
_AT_OR_ABOVE = re.compile(r"\s?(?:\+|(?i:and|or)\s(?i:over|older|above|up|more))")


def bound_said(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether "under 10" is said as "9 and under" on the other side, or "over 65" as
    "66 or older": whole numbers, the bound moved by one with its word turned."""
    if fact.kind != "numbers" or not fact.value.isdigit():
        return False
    number = int(fact.value)
    before = own.tokens.text[max(0, fact.start - 14) : fact.start]
    for pattern, step, after in ((_BELOW, -1, _AT_OR_BELOW), (_ABOVE, 1, _AT_OR_ABOVE)):
        if pattern.search(before):
            for found in other.of("numbers"):
                if found.value == str(number + step) and after.match(other.tokens.text, found.end):
                    return True
    after_own = own.tokens.text
    for pattern, step, before_other in ((_AT_OR_BELOW, 1, _BELOW), (_AT_OR_ABOVE, -1, _ABOVE)):
        if pattern.match(after_own, fact.end):
            for found in other.of("numbers"):
                near = other.tokens.text[max(0, found.start - 14) : found.start]
                if found.value == str(number + step) and before_other.search(near):
                    return True
    return False


_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})")


def slashed_date_said(fact: Fact, other: Facts) -> bool:
    """Whether "2/12" read as a share (no weekday before it) is the date the other side
    gives ("February 12"), or the reverse: a month and a day written with a slash."""
    if fact.kind == "percentages":
        found = _SLASHED.fullmatch(fact.raw)
        if found is None:
            return False
        one, two = int(found[1]), int(found[2])
        days = {f"-{one:02d}-{two:02d}", f"-{two:02d}-{one:02d}"}
        return any(f.value[-6:] in days for f in other.of("dates"))
    if fact.kind == "dates" and len(fact.value) >= 7 and fact.value[-3] == "-":
        month, day = int(fact.value[-5:-3]), int(fact.value[-2:])
        forms = {
            f"{month}/{day}",
            f"{day}/{month}",
            f"{month:02d}/{day:02d}",
            f"{day:02d}/{month:02d}",
        }
        if any(f.raw in forms for f in other.of("percentages")):
            return True
        # "03/10" is read month first; day first, it may be the other side's "3 October"
        if _DAY_AND_MONTH.search(fact.raw):
            return _swapped(fact.value) in {f.value[-6:] for f in other.of("dates")}
        days = {_swapped(f.value) for f in other.of("dates") if _DAY_AND_MONTH.search(f.raw)}
        return fact.value[-6:] in days
    return False


#: A day and a month with a slash and no year ("03/10", "Thu 5/22").
_DAY_AND_MONTH = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}(?![\d/])")


def _swapped(date: str) -> str:
    """The "-MM-DD" of a date read the other way round (its day as the month)."""
    return f"-{date[-2:]}-{date[-5:-3]}"


def range_said(fact: Fact, other: Facts) -> bool:
    """Whether a range of a quantity ("2-8°C") is said on the other side as its two ends
    ("between 2°C and 8°C"), or an end is the end of such a range there."""
    if fact.kind != "quantities":
        return False
    number, _, unit = fact.value.partition(" ")
    theirs = other.of("quantities")
    if "–" in number:
        low, _, high = number.partition("–")
        values = {f.value for f in theirs}
        return f"{low} {unit}" in values and f"{high} {unit}" in values
    return any(
        f.value.partition(" ")[2] == unit and number in f.value.partition(" ")[0].split("–")
        for f in theirs
        if "–" in f.value
    )


def month_said(fact: Fact, other: Facts) -> bool:
    """Whether a month said alone ("in April") is the month of a date the other side gives
    ("12 April"): the month adds nothing to the date."""
    if fact.kind != "dates" or len(fact.value) != 4 or not fact.value.startswith("--"):
        return False
    return any(f.value[-5:-3] == fact.value[2:] and len(f.value) > 4 for f in other.of("dates"))


_RATIO_PARTS = re.compile(r"(\d{1,6})\s(?:in|out\sof|of)\s(?:the\s)?(\d{1,6})")


def ratio_said(fact: Fact, other: Facts) -> bool:
    """Whether a part of a whole said as a share ("9 of the 14 chaperones", read 64.29%)
    is said on the other side as its two numbers apart ("we need 14 ... 9 have signed
    up"), or a number is one of such a share's there."""
    if fact.kind == "percentages" and (parts := _RATIO_PARTS.fullmatch(fact.raw)):
        values = {f.value for f in other.of("numbers")}
        return parts[1] in values and parts[2] in values
    if fact.kind == "numbers":
        return any(
            fact.value in parts.groups()
            for f in other.of("percentages")
            if (parts := _RATIO_PARTS.fullmatch(f.raw))
        )
    return False


_HOUR_RANGE = re.compile(r"(?i:between|from|until|till|to|and)\s\Z|\A\s(?i:and|to|until|till)\s\d")


def hour_said(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a bare hour in a range ("between 9 and 10") is a time the other side gives
    ("9:00 to 10:00"): an hour on the clock said without its minutes."""
    if fact.kind != "numbers" or not fact.raw.isdigit() or not 1 <= int(fact.raw) <= 12:
        return False
    text = own.tokens.text
    before, after = text[max(0, fact.start - 8) : fact.start], text[fact.end : fact.end + 8]
    if not (_HOUR_RANGE.search(before) or _HOUR_RANGE.match(after)):
        return False
    hour = int(fact.raw)
    clocks = {f"{hour:02d}:00", f"{(hour + 12) % 24:02d}:00"}
    return any(f.value.partition(" ")[0] in clocks for f in other.of("times"))


_DAYS = WEEKDAY_NAMES
#: Every day but one ("daily except Sundays", "every day apart from Monday").
_ALL_BUT = re.compile(
    r"(?i:\b(?:daily|every\sday|each\sday|(?:7|seven)\sdays\sa\sweek)\b[^.;\n]{0,30}?"
    r"\b(?:except|excluding|apart\sfrom|other\sthan|but\snot)\s(?:on\s)?)\Z"
)
#: How far before the day left out its "daily ... except" may start.
_ALL_BUT_REACH = 64


def all_but_said(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether "every day except Sunday" on one side is "Monday to Saturday" on the other:
    the day left out, and the range of the six days around it."""
    if fact.kind != "weekdays" or fact.value not in _DAYS:
        return False
    at = _DAYS.index(fact.value)
    if _left_out(fact, own):
        return _six_days(at, other)
    # this day starts the six days after the one left out, or ends those before it
    for left in (at - 1, at + 1):
        if _six_days(left % 7, own) and any(
            f.value == _DAYS[left % 7] and _left_out(f, other) for f in other.of("weekdays")
        ):
            return True
    return False


def within_day_range(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a weekday lies inside a range of days the other side gives ("Tuesday to
    Thursday" against "Tuesday, Wednesday and Thursday"), every day of which this side
    names in the weekday's own sentence."""
    if fact.kind != "weekdays" or fact.value not in _DAYS:
        return False
    named = {f.value for f in own.of("weekdays") if f.sentence == fact.sentence}
    days = sorted(other.of("weekdays"), key=lambda f: f.start)
    text = other.tokens.text
    for first, last in zip(days, days[1:], strict=False):
        if first.value not in _DAYS or last.value not in _DAYS:
            continue
        if last.start - first.end <= _LONGEST_DAY_JOIN and _DAY_JOIN.fullmatch(
            text, first.end, last.start
        ):
            start = _DAYS.index(first.value)
            span = (_DAYS.index(last.value) - start) % 7
            inside = {_DAYS[(start + step) % 7] for step in range(span + 1)}
            if fact.value in inside and inside <= named:
                return True
    return False


#: What joins the two ends of a range of days ("Tue-Thu", "Monday to Friday").
_DAY_JOIN = re.compile(r"(?i:\.?\s{0,2}(?:-|–|—|to|through|thru|until|till)\s{0,2})")
_LONGEST_DAY_JOIN = 12


def _left_out(fact: Fact, facts: Facts) -> bool:
    before = facts.tokens.text[max(0, fact.start - _ALL_BUT_REACH) : fact.start]
    return bool(_ALL_BUT.search(before))


#: The six days after each day as a range ("Monday to Saturday" after Sunday, "Thu-Tue").
_SIX_DAYS = tuple(
    re.compile(
        rf"(?i:\b{_DAYS[(day + 1) % 7][:3]}\w*\.?\s?(?:-|–|—|to|through|thru|until|till)"
        rf"\s?{_DAYS[(day - 1) % 7][:3]})"
    )
    for day in range(7)
)


def _six_days(left_out: int, facts: Facts) -> bool:
    """Whether a text names the six days after a day, as a range ("Monday to Saturday")."""
    return _SIX_DAYS[left_out].search(facts.tokens.text) is not None
