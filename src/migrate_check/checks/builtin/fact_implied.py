"""Values an answer implies rather than states: a duration that is the span of two times
it gives ("the one-hour workshop runs from 10:15 to 11:15"), a count that is the length
of a list ("four steps" against four numbered steps), two said as "both", "pounds"
that may be money or weight, a brand said before a model the other side names
("Toyota RAV4" and "RAV4"), and values said in words or short forms: "24/7" as "around
the clock", "the first hour" as "the first 60 minutes", "'09" as 2009, and a range of
codes "LS1-LS29" as "LS1 to LS29".

`fact_equivalents` asks these too, of a value found on one side only. Each is a relation
between values or a closed class of words, not a word of one example.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from migrate_check.checks.builtin.fact_lexicon import stem, words
from migrate_check.checks.builtin.fact_records import Fact, Facts
from migrate_check.checks.builtin.fact_units import canonical_quantity

#: Times of one sentence tried pairwise for a span, so pairing stays small.
MAX_TIMES = 12
#: The longest span of two times read as a duration: a day.
DAY_SECONDS = 86400
_POUND_WORDS = ("pound", "pounds")


def span_of_times(fact: Fact, own: Facts) -> bool:
    """Whether a duration is the span between two times its own sentence states ("half an
    hour later, at 10:30", after "at 10 am"): the duration says nothing the times do not."""
    seconds = seconds_of(fact)
    if seconds is None or not 0 < seconds <= DAY_SECONDS or seconds % 60:
        return False
    minutes = seconds // 60
    clocks = [
        clock
        for f in own.of("times")
        if f.sentence == fact.sentence and (clock := clock_minutes(f.value)) is not None
    ][:MAX_TIMES]
    return any((later - earlier) % 1440 == minutes for earlier in clocks for later in clocks)


def counts_a_list(fact: Fact, other: Facts) -> bool:
    """Whether a count ("takes four steps") is the number of items of a list the other
    side gives instead (four numbered or bulleted items)."""
    if fact.kind != "numbers" or not fact.value.isdigit() or not 2 <= int(fact.value) <= 12:
        return False
    return int(fact.value) in list_lengths(other)


def list_lengths(facts: Facts) -> set[int]:
    """The number of items of each list of an answer: items in a row, with no sentence
    outside a list between them."""
    lengths: set[int] = set()
    items: list[int] = facts.tokens.item
    run, last, outside = 0, -1, False
    for item in items:
        if item < 0:
            outside = True
            continue
        if item != last:
            if outside and run:
                lengths.add(run)
                run = 0
            run, last = run + 1, item
        outside = False
    if run:
        lengths.add(run)
    return lengths


def both_said(fact: Fact, other: Facts) -> bool:
    """Whether a count of two is said as "both" on the other side ("2 tractors need new
    tires" and "units 401 and 417 both need new tires")."""
    return fact.kind == "numbers" and fact.value == "2" and "both" in other.tokens.plain_words()


def pounds_either(fact: Fact, other: Facts) -> bool:
    """Whether "2800 pounds" (the word, no £) on one side is "2,800 lb" on the other, or
    the reverse: the word names money or weight, and the other side says which."""
    if fact.kind == "amounts" and fact.value.startswith("GBP ") and _worded(fact):
        ounces = number_of(fact.value[4:])
        return ounces is not None and any(
            number_of(f.value.removesuffix(" oz")) == ounces * 16
            for f in other.of("quantities")
            if f.value.endswith(" oz")
        )
    if fact.kind == "quantities" and fact.value.endswith(" oz"):
        ounces = number_of(fact.value.removesuffix(" oz"))
        return ounces is not None and any(
            number_of(f.value[4:]) == ounces / 16
            for f in other.of("amounts")
            if f.value.startswith("GBP ") and _worded(f)
        )
    return False


def brand_of_kept_model(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a name stands right before a code its side names ("Toyota RAV4", "Dell
    XPS13") that the other side names too: the code tells the thing; the brand adds
    nothing a reader acts on."""
    if fact.kind != "entities":
        return False
    text = own.tokens.text
    after = next((f for f in own.of("identifiers") if f.start > fact.end), None)
    if after is None or text[fact.end : after.start].strip(" -"):
        return False
    return any(f.value == after.value for f in other.of("identifiers"))


#: Words that say "24/7" ("open around the clock", "a round-the-clock line").
_ALL_DAY = re.compile(
    r"\ba?round[\s-]the[\s-]clock\b|\b24\s?hours\s(?:a|per)\sday\b|\bday\s(?:or|and)\snight\b"
    r"|\bnever\s(?:closes|closed|shuts)\b|\balways\sopen\b"
    r"|\b24[\s-]hours?\b[^.]{0,40}?\b(?:any|every)\sday\b"
)


def name_in_address(fact: Fact, other: Facts) -> bool:
    """Whether a name of five letters or more ("Spokes Lockers") is kept on the other side
    only in its e-mail address or link ("help@spokeslockers.com"): still named there."""
    if fact.kind != "entities":
        return False
    squashed = _NOT_ALNUM.sub("", fact.value.casefold())
    if len(squashed) < 5:
        return False
    for found in (*other.of("emails"), *other.of("urls")):
        parts = _NOT_ALNUM.split(found.value.casefold().rpartition("@")[2])[:MAX_TIMES]
        # whole labels, one or run together: "spokes-lockers.com", not "karenina-books"
        for start in range(len(parts)):
            joined = ""
            for part in parts[start:]:
                joined += part
                if joined == squashed:
                    return True
                if len(joined) >= len(squashed):
                    break
    return False


_NOT_ALNUM = re.compile(r"[^a-z0-9]++")
#: One pound, dollar or euro said in words ("a pound coin", "one dollar").
_ONE_MONEY = {
    f"{code} 1": re.compile(rf"\b(?:a|one)\s{word}\b")
    for code, word in (("GBP", "pound"), ("USD", "dollar"), ("EUR", "euro"))
}
#: "24-hour" before a noun ("our 24-hour line"): a service around the clock.
_DAY_LONG = re.compile(r"24[\s-]?h(?:ou)?r", re.IGNORECASE)
#: What a "24-hour" service is ("our 24-hour line"); "24-hour notice" is a duration.
_SERVICE = re.compile(r"\s++(?:line|service|desk|helpline|support|access|cover|reception)\b")
#: One of a unit said by its word after a word that makes it one ("the first hour", "per
#: day", "for a full week"), by the value of that one unit.
_ONE_BEFORE = r"(?:the|first|an|a|one|per|each|every|same|next|full|whole|last|past|coming)"
_ONE_UNIT = {
    value: re.compile(rf"\b{_ONE_BEFORE}\s(?:{_ONE_BEFORE}\s)?{unit}\b")
    for value, unit in (
        ("60 s", "minute"),
        ("3600 s", "hour"),
        ("86400 s", "day"),
        ("604800 s", "week"),
        ("1209600 s", "fortnight"),
        ("1 month", "month"),
        ("12 month", "year"),
    )
}


def always_said(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a number of "24/7" (or a "24-hour" line, or "24 hours a day") is said on
    the other side as "around the clock", or the "7 days" of "24 hours a day, 7 days a
    week" as "24/7"."""
    after = own.tokens.text[fact.end : fact.end + 14].casefold()
    if fact.raw == "24/7" or (_DAY_LONG.fullmatch(fact.raw) and _SERVICE.match(after)):
        return _ALL_DAY.search(other.tokens.text.casefold()) is not None
    if fact.kind != "quantities" or fact.value not in ("86400 s", "604800 s"):
        return False
    after = after[:8]
    theirs = other.tokens.text.casefold()
    if fact.value == "86400 s" and after.startswith((" a day", " per day")):
        return _round_the_clock_there(fact, own, other)  # "24 hours a day"
    return after.startswith((" a week", " per week")) and ("24/7" in theirs or "clock" in theirs)


_EVERY_HOUR = re.compile(r"24/7|" + _ALL_DAY.pattern)
#: Words of the time said, not of what is open: shared, they tie no two sentences.
_TIME_STEMS = frozenset(stem(word) for word in words("hour hours day days clock round night"))


def _round_the_clock_there(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether the other side says "around the clock" (or "24/7") in a sentence about
    what this one is ("The helpline is staffed 24 hours a day", "call the helpline around
    the clock"): one content word in common besides words of time."""
    mine = own.tokens.sentence_stems()
    if fact.sentence >= len(mine):
        return False
    about = mine[fact.sentence] - _TIME_STEMS
    theirs = other.tokens.sentence_stems()
    for match in _EVERY_HOUR.finditer(other.tokens.text.casefold()):
        number = other.tokens.sentence_of(match.start())
        if number < len(theirs) and about & theirs[number]:
            return True
    return False


def one_unit_said(fact: Fact, other: Facts) -> bool:
    """Whether a quantity of one unit ("60 minutes", "1 day", "£1") is said on the other
    side by the unit's word after a word that makes it one ("the first hour", "per day",
    "a pound coin")."""
    pattern = _ONE_UNIT.get(fact.value) or _ONE_MONEY.get(fact.value)
    return pattern is not None and pattern.search(other.tokens.text.casefold()) is not None


def short_year_said(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a year (2009) is said on the other side as "'09", or the second year of a
    season ("2024/25") in full there ("2024-2025")."""
    if fact.kind != "numbers":
        return False
    end = fact.start + len(fact.raw)  # a number's span may take the full stop after it
    season = _SEASON.search(own.tokens.text, 0, end) if len(fact.value) == 2 else None
    if season is not None and season.end() == end:
        full = str(int(season.group(1)) // 100 * 100 + int(fact.value))
        return any(f.value == full for f in other.of("numbers"))
    if len(fact.value) != 4 or not fact.value.isdigit() or not fact.value.startswith(("19", "20")):
        return False
    text = other.tokens.text
    if any(f"{int(fact.value) - 1}{mark}{fact.value[2:]}" in text for mark in "/-–"):
        return True  # "2025" of "2024-2025" and "2024/25"
    return any(f"{mark}{fact.value[2:]}" in text for mark in "'’")


_SEASON = re.compile(r"\b((?:19|20)\d\d)[/–-]\d\d\Z")


def code_range_said(fact: Fact, other: Facts) -> bool:
    """Whether a range of codes ("LS1-LS29", "P2-P4") or codes given as alternatives
    ("PAS015/VG1") are said on the other side in words ("LS1 to LS29", "PAS015 or VG1"),
    or a code is an end or an alternative of such codes there."""
    if fact.kind != "identifiers":
        return False
    theirs = {f.value.casefold() for f in other.of("identifiers")}
    ends = _RANGE.split(fact.value.casefold())
    if len(ends) >= 2 and all(ends):
        return all(end in theirs for end in ends)
    return any(
        fact.value.casefold() in _RANGE.split(code) for code in theirs if _RANGE.search(code)
    )


_RANGE = re.compile(r"[-–/]")


def _worded(fact: Fact) -> bool:
    return fact.raw.casefold().rstrip(" .").endswith(_POUND_WORDS)


def seconds_of(fact: Fact) -> int | None:
    if fact.kind != "quantities" or not fact.value.endswith(" s"):
        return None
    number = fact.value.removesuffix(" s")
    return int(number) if number.isdigit() else None


def clock_minutes(clock: str) -> int | None:
    """Minutes after midnight of a canonical time ("10:35", "10:35 BST")."""
    hours, _, rest = clock.partition(":")
    if not (hours.isdigit() and rest[:2].isdigit()):
        return None
    return int(hours) * 60 + int(rest[:2])


def number_of(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def unit_of_sentence_said(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a bare number compared with a quantity its sentence gives ("45 minutes
    instead of the usual 60", "30 minutes; each minute beyond 30") takes its unit, and
    is said in that unit on the other side ("beyond half an hour")."""
    if fact.kind != "numbers" or (number := number_of(fact.value)) is None:
        return False
    before = own.tokens.text[max(0, fact.start - 12) : fact.start].casefold()
    if not _COMPARED.search(before):
        return False  # "45 minutes with 60 students": a count of something else
    theirs = {f.value for f in other.of("quantities")}
    for quantity in own.of("quantities")[:MAX_TIMES]:
        if quantity.sentence == fact.sentence and quantity.end <= fact.start:
            spelling = _LAST_WORD.search(quantity.raw)
            if spelling and canonical_quantity(number, None, spelling.group()) in theirs:
                return True
    return False


_LAST_WORD = re.compile(r"[^\W\d_]++$")
#: Words before a bare number that compare it with a quantity ("instead of the usual 60").
_COMPARED = re.compile(r"\b(?:usual|beyond|than|over|under|past|after|before|of)\s++$")


def amps_said(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a current in amps is said on the other side with the bare "A" ("13A",
    "30 A"), which is read as a code or a number, as "A" alone may be a letter."""
    if fact.kind == "quantities" and fact.value.endswith(" amp"):
        number = fact.value.removesuffix(" amp")
        return any(
            _amps(f, other) == number for f in (*other.of("identifiers"), *other.of("numbers"))
        )
    amps = _amps(fact, own)
    return amps is not None and f"{amps} amp" in {f.value for f in other.of("quantities")}


def _amps(fact: Fact, facts: Facts) -> str | None:
    """The number of amps a code ("13A") or a number before " A" ("30 A") says."""
    if fact.kind == "identifiers" and (glued := _GLUED_AMPS.fullmatch(fact.value)):
        return glued.group(1)
    after = facts.tokens.text[fact.start + len(fact.raw) : fact.start + len(fact.raw) + 3]
    return fact.value if fact.kind == "numbers" and _SPACED_AMPS.match(after) else None


_GLUED_AMPS = re.compile(r"(\d{1,3})A")
_SPACED_AMPS = re.compile(r" A\b")


#: How often in a period: "twice a year", "three times per week", "once a month".
_HOW_OFTEN = re.compile(
    r"\b(once|twice|two|three|four|\d{1,2})(?:\stimes)?\s(?:a|per|each|every)\s"
    r"(day|week|month|year)\b"
)
_TIMES = {"once": 1, "twice": 2, "two": 2, "three": 3, "four": 4}
_PERIODS = {"day": (86400, " s"), "week": (604800, " s"), "month": (1, " month")}
_PERIODS["year"] = (12, " month")


def frequency_said(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a period ("every 6 months") is said on the other side as how often
    ("twice a year"), or the count of a "twice a year" as the other side's period."""
    if fact.kind == "quantities":
        return fact.value in _periods(other.tokens.text)
    if fact.kind != "numbers":
        return False
    found = _HOW_OFTEN.match(own.tokens.text.casefold(), fact.start, fact.start + 30)
    period = _period(found) if found else None
    return period is not None and any(f.value == period for f in other.of("quantities"))


def _periods(text: str) -> set[str]:
    found = (_period(match) for match in _HOW_OFTEN.finditer(text.casefold()))
    return {period for period in found if period is not None}


def _period(match: re.Match[str]) -> str | None:
    count, unit = match.groups()
    times = _TIMES.get(count) or int(count)
    length, suffix = _PERIODS[unit]
    return f"{length // times}{suffix}" if times and length % times == 0 else None


_DOTTED_TIME = re.compile(r"(1\d|2[0-3]|0?[1-9])\.([0-5]\d)")
#: Where a number with a dot is a time: after a word of time ("at 9.30", "from 9.30 to
#: 12.30") or before a part of the day ("9.30am", "9.30 in the morning").
_TIME_BEFORE = re.compile(r"(?i:\b(?:at|from|to|until|till|by|between|after|before|and)|[-–])\s?\Z")
_TIME_AFTER = re.compile(
    r"\s?(?i:(?P<am>a\.?m\b|in\sthe\smorning)|(?P<pm>p\.?m\b|in\sthe\s(?:afternoon|evening)))"
)


def dotted_time_said(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a time and a number are one clock time, written "9:30am" on one side and
    "9.30" on the other (a British way): the number stands where a time does, and one of
    its readings (morning or afternoon, unless it says which) is that time."""
    if fact.kind == "numbers" and (readings := _dotted(fact, own)):
        return any(clock_minutes(f.value) in readings for f in other.of("times"))
    if fact.kind == "times" and (clock := clock_minutes(fact.value)) is not None:
        return any(clock in _dotted(found, other) for found in other.of("numbers"))
    return False


def _dotted(fact: Fact, facts: Facts) -> frozenset[int]:
    """Minutes after midnight a number written as a time ("9.30") may be, where it
    stands as a time; none where it does not."""
    dotted = _DOTTED_TIME.fullmatch(fact.raw)
    if dotted is None:
        return frozenset()
    text = facts.tokens.text
    after = _TIME_AFTER.match(text, fact.start + len(fact.raw))
    if after is None and not _TIME_BEFORE.search(text[max(0, fact.start - 10) : fact.start]):
        return frozenset()
    hour, minutes = int(dotted[1]), int(dotted[2])
    if hour > 12:
        return frozenset({hour * 60 + minutes})
    morning, afternoon = hour % 12 * 60 + minutes, (hour % 12 + 12) * 60 + minutes
    if after is not None:
        return frozenset({morning if after["am"] else afternoon})
    return frozenset({morning, afternoon})
