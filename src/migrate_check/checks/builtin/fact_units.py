"""Units of measure: a number with its unit is one quantity, in one canonical form.

"90 minutes", "1.5 hours" and "an hour and a half" are all `5400 s`; "5 kg" and "5
kilograms" are `5000 g`; "5 mg" is `0.005 g`, a different fact. Units convert within
their family where the conversion is exact (seconds to weeks, months to decades, grams,
litres, metres, bytes, inches to miles, ounces to pounds); business days, conversions
between metric and imperial (never exact as written) and counted doses (tablets, drops)
are their own units. The table covers common units of time, weight, volume,
length, data, temperature, speed, energy and area.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# spelling -> (canonical unit, factor to it)
_TABLE: dict[str, tuple[str, Decimal]] = {}


def _add(unit: str, factor: str, *spellings: str) -> None:
    for spelling in spellings:
        _TABLE[spelling] = (unit, Decimal(factor))


_add("s", "0.001", "ms", "msec", "millisecond", "milliseconds")
_add("s", "1", "s", "sec", "secs", "second", "seconds")
_add("s", "60", "min", "mins", "minute", "minutes")
_add("s", "3600", "h", "hr", "hrs", "hour", "hours")
_add("s", "86400", "day", "days", "d")
_add("s", "604800", "wk", "wks", "week", "weeks")
_add("s", "1209600", "fortnight", "fortnights")
_add("business day", "1", "business day", "business days", "working day", "working days")
_add("business day", "5", "business week", "business weeks", "working week", "working weeks")
_add("month", "1", "mo", "mos", "month", "months")
_add("month", "12", "yr", "yrs", "year", "years")
_add("month", "120", "decade", "decades")
_add("night", "1", "night", "nights")
_add("g", "0.000001", "mcg", "µg", "microgram", "micrograms")
_add("g", "0.001", "mg", "milligram", "milligrams", "milligramme", "milligrammes")
_add("g", "1", "g", "gram", "grams", "gramme", "grammes")
_add("g", "1000", "kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramme")
_add("g", "1000000", "t", "tonne", "tonnes", "metric ton", "metric tons")
_add("oz", "1", "oz", "ounce", "ounces")
_add("oz", "16", "lb", "lbs")
_add("ml", "1", "ml", "mL", "milliliter", "milliliters", "millilitre", "millilitres", "cc")
_add("ml", "10", "cl", "centiliter", "centilitre", "centiliters", "centilitres")
_add("ml", "1000", "l", "L", "liter", "liters", "litre", "litres")
_add("tsp", "1", "tsp", "teaspoon", "teaspoons")
_add("tbsp", "1", "tbsp", "tablespoon", "tablespoons")
_add("gal", "1", "gal", "gallon", "gallons")
_add("m", "0.001", "mm", "millimeter", "millimeters", "millimetre", "millimetres")
_add("m", "0.01", "cm", "centimeter", "centimeters", "centimetre", "centimetres")
_add("m", "1", "m", "meter", "meters", "metre", "metres")
_add("m", "1000", "km", "kilometer", "kilometers", "kilometre", "kilometres")
_add("in", "1", "inch", "inches")
_add("in", "12", "ft", "foot", "feet")
_add("in", "36", "yd", "yds", "yard", "yards")
_add("in", "63360", "mi", "mile", "miles")
_add("B", "1", "byte", "bytes")
_add("B", "1000", "KB", "kB", "kilobyte", "kilobytes")
_add("B", "1000000", "MB", "megabyte", "megabytes")
_add("B", "1000000000", "GB", "gigabyte", "gigabytes")
_add("B", "1000000000000", "TB", "terabyte", "terabytes")
_add("B", "1024", "KiB")
_add("B", "1048576", "MiB")
_add("B", "1073741824", "GiB")
_add("bit/s", "1000000", "Mbps", "Mbit/s", "Mb/s")
_add("bit/s", "1000000000", "Gbps", "Gbit/s", "Gb/s")
_add("°C", "1", "°C", "ºC", "degrees Celsius", "degrees C", "celsius")
_add("°F", "1", "°F", "ºF", "degrees Fahrenheit", "degrees F", "fahrenheit")
_add("mph", "1", "mph", "miles per hour", "mi/h")
_add("km/h", "1", "km/h", "kph", "kmh", "kilometres per hour", "kilometers per hour", "km per hour")
_add("W", "1", "W", "watt", "watts")
_add("W", "1000", "kW", "kilowatt", "kilowatts")
_add("Wh", "1000000", "MWh", "megawatt-hour", "megawatt-hours")
_add("Wh", "1000000000", "GWh")
_add("Wh", "1000", "kWh", "kilowatt-hour", "kilowatt-hours", "kilowatt hour", "kilowatt hours")
_add("mAh", "1", "mAh")
_add("mAh", "1000", "Ah", "amp-hour", "amp-hours", "amp hour", "amp hours")
_add("amp", "1", "amp", "amps", "ampere", "amperes")
_add("gsm", "1", "gsm", "g/m²", "g/m2")
_add("Hz", "1", "Hz", "hertz")
_add("Hz", "1000", "kHz")
_add("Hz", "1000000", "MHz")
_add("Hz", "1000000000", "GHz")
_add("rpm", "1", "rpm")
_add("psi", "1", "psi")
_add("fps", "1", "fps")
_add("dpi", "1", "dpi", "ppi")
_add("pt", "1", "pt", "point", "points")
_add("V", "1", "V", "volt", "volts")
_add("sq ft", "1", "sq ft", "sqft", "square feet", "square foot", "ft²")
_add("m²", "1", "m²", "m2", "sq m", "square meters", "square metres", "sqm")
_add("acre", "1", "acre", "acres")
_add("ha", "1", "ha", "hectare", "hectares")
_add("tablet", "1", "tablet", "tablets", "tab", "tabs")
_add("capsule", "1", "capsule", "capsules", "cap", "caps")
_add("pill", "1", "pill", "pills")
_add("drop", "1", "drop", "drops")
_add("puff", "1", "puff", "puffs")
_add("dose", "1", "dose", "doses")
_add("IU", "1", "IU", "units")

#: Spellings matched with their case: "M" is no metre and "l" no litre mid-sentence.
_CASED = frozenset({"mL", "L", "l", "KB", "kB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "W", "V"})
_CASED |= frozenset(
    {
        "MWh",
        "GWh",
        "kW",
        "kWh",
        "mAh",
        "Ah",
        "IU",
        "Mbps",
        "Gbps",
        "m",
        "g",
        "h",
        "s",
        "d",
        "pt",
        "t",
    }
    | {"Hz", "kHz", "MHz", "GHz"}
)
_FOLDED = {spelling.casefold(): v for spelling, v in _TABLE.items() if spelling not in _CASED}
_EXACT = {spelling: v for spelling, v in _TABLE.items() if spelling in _CASED}
#: The longest spellings first, so "business days" wins over "days".
_SPELLINGS = sorted(_TABLE, key=len, reverse=True)
#: The non-ASCII letters `(?i)` matches to an ASCII letter (the `re` docs list these four).
_FOLDS_TO_ASCII = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}  # İ ı ſ, Kelvin


def _spelled(spelling: str, start: int = 0) -> str:
    """A spelling from `start` on as a pattern: with its case when cased, else in any."""
    escaped = re.escape(spelling[start:]).replace(r"\ ", r"\s")
    return escaped if spelling in _CASED or not escaped else "(?i:" + escaped + ")"


def _first_chars(spelling: str) -> str:
    """The characters a spelling that starts with an ASCII letter can match first."""
    if spelling in _CASED:
        return spelling[0]
    letter = _FOLDS_TO_ASCII.get(spelling[0], spelling[0]).lower()
    folds = "".join(c for c, a in _FOLDS_TO_ASCII.items() if a == letter)
    return "".join(sorted(letter + letter.upper() + folds))


def _alternation(spellings: list[str]) -> str:
    """The spellings as one alternation tried in their order, but grouped by first letter
    behind a character class: the regex engine passes over a group whose class does not
    hold the next character in one step, where it entered each of ~200 alternatives
    (case-insensitive ones it cannot pass over so) after every number. Only one group's
    spellings can match at a position, so the first that matches is the same."""
    groups: dict[str, list[str]] = {}
    others: list[str] = []
    for spelling in spellings:
        first = _FOLDS_TO_ASCII.get(spelling[0], spelling[0])
        if first.isascii() and first.isalpha():
            groups.setdefault(first.lower(), []).append(spelling)
        else:
            others.append(_spelled(spelling))
    patterns = []
    for members in groups.values():
        starts = "".join(sorted({c for member in members for c in _first_chars(member)}))
        tails = [
            ("" if _first_chars(m) == starts else f"(?<=[{_first_chars(m)}])") + _spelled(m, 1)
            for m in members
        ]
        patterns.append(f"[{starts}](?:{'|'.join(tails)})")
    return "(?:" + "|".join(patterns + others) + ")"


UNIT_PATTERN = _alternation(_SPELLINGS) + r"(?![\w²])"
#: Two-word units, for reading units after number words: first word -> second words.
TWO_WORD = {s.split()[0].casefold(): s for s in _SPELLINGS if " " in s}
TIME_UNIT = "s"
#: Units spelt as one word, folded ("days", "kilos"): in words, they are part of a value.
#: Words between a quantity's number and its unit ("two more weeks", "a full day").
EXTRA = frozenset(
    {"more", "extra", "additional", "further", "full", "whole", "entire", "free", "clear"}
    | {"consecutive", "straight", "complimentary"}
)
UNIT_WORDS = frozenset(s.casefold() for s in _TABLE if " " not in s)


def unit_of(spelling: str) -> tuple[str, Decimal] | None:
    """(canonical unit, factor) of one spelling, or None when it is no unit; a
    possessive is its unit ("a day's notice", "two weeks' pay")."""
    spelling = " ".join(spelling.split()).replace("’", "'")
    spelling = spelling[:-2] if spelling.endswith("'s") else spelling.rstrip("'")
    return _EXACT.get(spelling) or _FOLDED.get(spelling.casefold())


def format_number(value: Decimal) -> str:
    try:
        text = format(value.normalize(), "f")
    except InvalidOperation:
        return str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def canonical_quantity(low: Decimal, high: Decimal | None, spelling: str) -> str | None:
    """`5400 s`, `3–5 business day`, or None when `spelling` is no unit."""
    found = unit_of(spelling)
    if found is None:
        return None
    unit, factor = found
    try:
        first = format_number(low * factor)
        if high is not None and high != low:
            return f"{first}–{format_number(high * factor)} {unit}"
    except InvalidOperation:
        return None
    return f"{first} {unit}"
