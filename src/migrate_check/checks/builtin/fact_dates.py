"""Dates written in shorter forms than one date each: a range of days sharing one month
("from 2 to 5 March", "March 2–5") is two dates, and a range's year said once is both
ends'. (An all-numeric date read either way round is matched in `fact_matching`.)
"""

from __future__ import annotations

import dataclasses
import re

from migrate_check.checks.builtin.fact_records import Fact

#: What joins the two ends of a range of days: a dash, "to", "until", "through", "and",
#: and the weekday of the second end ("Monday 6 to Wednesday 8 October").
_JOIN = re.compile(
    r"\s{0,3}+(?:[-–—]|(?i:to|until|till|through|thru|and))\s{0,3}+"
    r"(?:(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}+\.?,?\s{1,3}+)?"
)
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
        if not _JOIN.fullmatch(text[one.end : other.start]):
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
        if not (_DAY.fullmatch(day.raw) and 1 <= int(day.raw) <= 31):
            continue
        if not _DAY_DATE.fullmatch(date.value):
            continue
        month = date.value[:-3]
        year = _YEAR.match(text, day.end, day.end + 9) if date is one else None
        if year and month.startswith("--"):  # "June 1–30, 2024": the year is both ends'
            month = year.group(1) + month[1:]
            made[id(date)] = dataclasses.replace(date, value=f"{month}-{date.value[-2:]}")
        value = f"{month}-{int(day.raw):02d}"
        made[id(day)] = dataclasses.replace(day, kind="dates", value=value, number=None)
    return [made.get(id(fact), fact) for fact in facts] if made else facts
