"""Dates and times written in shorter forms than one each: a range of days sharing one
month ("from 2 to 5 March", "March 2–5") is two dates, a range's year said once is both
ends', and a range of times with "pm" said once ("6–7:30 pm", "6:00–7:30 pm") is two times
in the afternoon. (An all-numeric date read either way round is matched in
`fact_matching`.)
"""

from __future__ import annotations

import dataclasses
import re

from migrate_check.checks.builtin.fact_records import Fact

#: What joins the two ends of a range of days: a dash, "to", "until", "through", "and",
#: and the weekday of the second end ("Monday 6 to Wednesday 8 October").
_JOIN = re.compile(
    r"(?:st|nd|rd|th)?\s{0,3}+(?:[-–—&]|(?i:to|until|till|through|thru|and))\s{0,3}+"
    r"(?:(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}+\.?,?\s{1,3}+)?"
)
#: The most characters _JOIN matches: "th", 3 spaces, "through", 3 spaces, "Tuesday.,",
#: 3 spaces; facts further apart are no range (not sliced or matched, for speed).
_LONGEST_JOIN = 2 + 3 + 7 + 3 + 11 + 3
_DAY = re.compile(r"\d{1,2}+")
_YEAR = re.compile(r",?\s{0,3}+(\d{4})(?!\d)")
_DAY_DATE = re.compile(r"(?:\d{4}|-)-\d\d-\d\d")


def day_ranges(facts: list[Fact], text: str) -> list[Fact]:
    """`facts` with a day number that is one end of a range of days made a date in the
    month of the other end: "2" in "from 2 to 5 March" is 2 March, "5" in "March 2–5"
    is 5 March; and the year of a range said once ("1 June – 30 June 2024", "June 1–30,
    2024") is both ends'."""
    ordered = sorted((f for f in facts if f.kind != "weekdays"), key=lambda f: f.start)
    made: dict[int, Fact] = {}
    for one, other in zip(ordered, ordered[1:], strict=False):
        if one.kind != "dates" and other.kind != "dates":
            continue  # each range below has a date at one end: no join looked for (speed)
        if other.start - one.end > _LONGEST_JOIN or not _JOIN.fullmatch(
            text[one.end : other.start]
        ):
            continue
        if one.kind == "numbers" and other.kind == "dates" and other.raw[:1].isdigit():
            day, date = one, other  # "2 to 5 March"
        elif one.kind == "dates" and other.kind == "numbers" and one.raw[-1:].isdigit():
            day, date = other, one  # "March 2 to 5"
        elif one.kind == other.kind == "dates" and one.value[:2] == "--" != other.value[:2]:
            if _DAY_DATE.fullmatch(one.value) and _DAY_DATE.fullmatch(other.value):
                value = other.value[:4] + one.value[1:]  # "1 June – 30 June 2024"
                made[id(one)] = dataclasses.replace(one, value=value)
            continue
        else:
            continue
        digits = day.raw.rstrip("stndrhSTNDRH")  # "8th to 12th April"
        if not (_DAY.fullmatch(digits) and 1 <= int(digits) <= 31):
            continue
        if not _DAY_DATE.fullmatch(date.value):
            continue
        month = date.value[:-3]
        year = _YEAR.match(text, day.end, day.end + 9) if date is one else None
        if year and month.startswith("--"):  # "June 1–30, 2024": the year is both ends'
            month = year.group(1) + month[1:]
            made[id(date)] = dataclasses.replace(date, value=f"{month}-{date.value[-2:]}")
        value = f"{month}-{int(digits):02d}"
        made[id(day)] = dataclasses.replace(day, kind="dates", value=value, number=None)
    return [made.get(id(fact), fact) for fact in facts] if made else facts


#: What joins the two ends of a range of times: a dash or "to".
_TIME_JOIN = re.compile(r"\s{0,2}+(?:[-–—]|(?i:to|until|till))\s{0,2}+")
_LONGEST_TIME_JOIN = 2 + 5 + 2  # "until" between two spaces each side
_PERIOD = re.compile(r"(?i:[ap])\.?m\b")


def time_ranges(facts: list[Fact], text: str) -> list[Fact]:
    """`facts` with the first end of a range of times that says no "am" or "pm" ("6" or
    "6:00" in "6–7:30 pm") given the second end's half of the day: the earlier hour of
    the two on a 12-hour clock, so "11–1 pm" starts at 11 in the morning."""
    ordered = sorted(facts, key=lambda f: f.start)
    made: dict[int, Fact] = {}
    for one, other in zip(ordered, ordered[1:], strict=False):
        # "9-5", "8–6": hours of a working day (a dash alone between them)
        if other.start - one.end == 1 and (closing := _working_hours(one, other, text)):
            if one.kind == "numbers":
                made[id(one)] = dataclasses.replace(
                    one, kind="times", value=f"{int(one.value):02d}:00"
                )
            made[id(other)] = dataclasses.replace(other, kind="times", value=closing)
            continue
        if other.kind != "times" or not _PERIOD.search(other.raw):
            continue
        if one.kind not in ("numbers", "times") or _PERIOD.search(one.raw):
            continue
        gap = other.start - one.end
        if gap > _LONGEST_TIME_JOIN or not _TIME_JOIN.fullmatch(text[one.end : other.start]):
            continue
        hour_text, _, minutes = one.raw.partition(":")
        if not hour_text.isdigit() or not 1 <= int(hour_text) <= 12:
            continue
        if minutes and not (minutes[:2].isdigit() and len(minutes) == 2):
            continue
        end_hour = int(other.value[:2])
        hour = int(hour_text) % 12 + (12 if end_hour >= 12 else 0)
        if hour > end_hour:
            hour -= 12  # "11–1 pm": the morning before the afternoon
        value = f"{hour:02d}:{minutes or '00'}" + other.value[5:]
        made[id(one)] = dataclasses.replace(one, kind="times", value=value, number=None)
    return [made.get(id(fact), fact) for fact in facts] if made else facts


def _working_hours(one: Fact, other: Fact, text: str) -> str | None:
    """The closing time, when two bare numbers joined by a dash run backwards (or stay)
    from a morning hour to an afternoon one ("9-5", "8–6", "8-8", "9–5:30"): as a range
    of numbers they could not, so they are the hours of a working day, 9 am to 5 pm."""
    minutes = "00"
    if other.kind == "times" and (clock := _CLOCK.fullmatch(other.raw)):
        other_hour, minutes = clock.groups()  # "9–5:30": half past five
    elif other.kind == "numbers" and other.raw.isdigit():
        other_hour = other.raw
    else:
        return None
    if one.kind == "times" and not _PERIOD.search(one.raw) and one.value[2:5] != ":00":
        start = int(one.value[:2])  # "8:30-5": half past eight to five
    elif one.kind == "numbers" and one.raw.isdigit():
        start = int(one.raw)
    else:
        return None
    end = int(other_hour)
    joined = text[one.end : other.start] in ("-", "–", "—")
    if not (joined and 6 <= start <= 11 and 1 <= end <= 9 and end <= start):
        return None
    before, after = text[max(0, one.start - 30) : one.start], text[other.end : other.end + 12]
    # not a score ("we won 9-5 on Saturday"): opening hours are said as such
    if _HOURS_BEFORE.search(before) or _HOURS_AFTER.match(after):
        return f"{end + 12:02d}:{minutes}"
    return None


_CLOCK = re.compile(r"(\d{1,2})[:.](\d\d)")


#: What tells opening hours around "9-5": weekdays or "open" before, a zone or "daily" after.
_HOURS_BEFORE = re.compile(
    r"(?i:\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\.?|\b(?:weekdays?|daily|open|opening"
    r"|hours|available|office))[\s,:()]{0,3}\Z"
)
_HOURS_AFTER = re.compile(r"\s?(?:[ECMP][SD]?T|GMT|BST|UTC|CET|(?i:daily|weekdays))\b")
