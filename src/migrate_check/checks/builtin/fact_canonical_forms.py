"""The canonical form of each fact `fact_extraction` finds, so formatting does not count.

"$40", "40 dollars" and "USD 40.00" are all `USD 40`; "3pm" and "15:00" are `15:00`;
"March 5th" is `--03-05`. A match that is not what it looked like (a 13th month, 25pm)
falls back to its numbers. `canonical_forms` takes the name of the group of
`fact_extraction`'s pattern that matched and the text it matched, and gives (kind,
canonical form) pairs; URLs and e-mail addresses have a function each.
"""

from __future__ import annotations

import re
from decimal import Decimal

from migrate_check.checks.builtin.fact_currencies import (
    CENTS,
    CODES,
    PENCE,
    QUALIFIED,
    SYMBOLS,
    UNKNOWN,
    currency_of_word,
)
from migrate_check.checks.builtin.fact_units import canonical_quantity

#: Digits beyond which a number is compared as written rather than as a value.
MAX_DIGITS = 30
_CONTINENTAL = re.compile(r"\d{1,3}(?:\.\d\d\d)++(?:,\d\d?)?")
#: Numbers read from one comma-separated run at most.
MAX_PARTS = 1000
_DIGITS = re.compile(r"\d++")
_LETTERS = re.compile(r"[A-Za-z]++")
#: Time zones, as abbreviations or spelt out ("Eastern Time"); read as their family, so
#: "EST", "ET" and "Eastern Standard Time" are one zone.
ZONES = (
    r"UTC|GMT|[ECMP][SD]?T|CES?T|BST|IST|JST|SGT|HKT|AE[SD]T|EES?T|WES?T"
    r"|(?i:(?:Eastern|Central|Mountain|Pacific)"
    r"(?:\s(?:Standard|Daylight))?\sTime|Greenwich\sMean\sTime|Coordinated\sUniversal\sTime"
    r"|Central\sEuropean(?:\sSummer)?\sTime|British\sSummer\sTime|India\sStandard\sTime"
    r"|Japan\sStandard\sTime|Australian\sEastern(?:\s(?:Standard|Daylight))?\sTime"
    r"|(?:Eastern|Western)\sEuropean(?:\sSummer)?\sTime)"
)
_ZONE_AT_END = re.compile(r"(?:" + ZONES + r")$")
_SPELT_ZONES = (
    ("india", "IST"),
    ("ist", "IST"),
    ("japan", "JST"),
    ("jst", "JST"),
    ("australian", "AET"),
    ("aest", "AET"),
    ("aedt", "AET"),
    ("eastern european", "EET"),
    ("eet", "EET"),
    ("eest", "EET"),
    ("western european", "WET"),
    ("wet", "WET"),
    ("west", "WET"),
    ("sgt", "SGT"),
    ("hkt", "HKT"),
)
_ZONE_FAMILIES = {
    "e": "ET",
    "c": "CT",
    "m": "MT",
    "p": "PT",
    "utc": "UTC",
    "gmt": "UTC",
    "greenwich": "UTC",
    "coordinated": "UTC",
    "cet": "CET",
    "cest": "CET",
    "central european": "CET",
    "bst": "BST",
    "british": "BST",
}


def _zone(raw: str) -> str:
    """The family of a time zone: EST, EDT, ET and "Eastern Time" are all ET."""
    lower = raw.casefold()
    for key, family in _SPELT_ZONES:
        if lower.startswith(key):
            return family
    for key in ("central european", "greenwich", "coordinated", "british", "cest", "cet", "bst"):
        if lower.startswith(key):
            return _ZONE_FAMILIES[key]
    if lower in ("utc", "gmt"):
        return "UTC"
    return _ZONE_FAMILIES.get(lower[:1], raw)


#: Every pattern of this module, for the test that none nests quantifiers.
PATTERNS = (_DIGITS, _LETTERS, _ZONE_AT_END, _CONTINENTAL)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
#: The days of the week in order, Monday first, as weekdays are given canonically.
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS = {day[:3].casefold(): day for day in WEEKDAY_NAMES}


__all__ = [
    "CODES",
    "WEEKDAY_NAMES",
    "canonical_email",
    "canonical_forms",
    "canonical_url",
    "currency_of_word",
    "only_digits",
    "vulgar",
]
_MULTIPLIERS = {
    "k": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "mn": 10**6,
    "million": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "billion": 10**9,
    "trillion": 10**12,
}


def canonical_forms(group: str, raw: str) -> list[tuple[str, str]]:
    """(kind, canonical form) for one match; a match that is not what it looked like
    (a 13th month, 25pm) falls back to its numbers."""
    if group == "relday":
        return [("dates", raw.casefold())]
    if group == "wday":
        return [("weekdays", _WEEKDAYS[raw[:3].casefold()])]
    if group == "noon":
        return [("times", "00:00" if raw.casefold().endswith("midnight") else "12:00")]
    if group == "month":
        return [("dates", f"--{_MONTHS[raw.rstrip('.').casefold()]:02d}")]
    if group == "inches":  # "22in"
        inches = canonical_quantity(Decimal(raw[:-2]), None, "inch")
        return [("quantities", inches)] if inches else []
    if group == "nummult":  # "10k", "2bn"
        head, token, tail = _split_number(raw)
        text = _parse(token)
        scale = 1000 if tail.casefold() == "k" else 10**9
        return [("numbers", _format(Decimal(text) * scale))] if text else []
    if group == "num":
        return [("numbers", number) for number in _numbers(raw)]
    if group == "frac" and len(raw) == 5:  # "28/03", "10/15": a day and a month
        first, second = (int(n) for n in _DIGITS.findall(raw)[:2])
        month, day = (first, second) if first <= 12 else (second, first)
        if 1 <= month <= 12 and 1 <= day <= 31:
            return [("dates", f"--{month:02d}-{day:02d}")]
    if group in ("ratio", "frac"):  # "1 in 5" and "1/5": 20%
        part, whole = (int(n) for n in _DIGITS.findall(raw)[:2])
        if 0 < part < whole <= 100 or (group == "ratio" and 0 < part <= whole):
            share = (Decimal(part * 100) / whole).quantize(Decimal("0.01"))
            return [("percentages", f"{_format(share)}%")]
        return [("numbers", str(part)), ("numbers", str(whole))]
    if group == "mult":
        return [("numbers", n) for n in _numbers(raw.strip("xX× ").split()[0])]
    if group == "phone":
        return [("numbers", ("+" if raw.startswith("+") else "") + only_digits(raw))]
    found: list[tuple[str, str]] | None = None
    if group in ("iso", "numdate", "usdate", "mdate", "ddate"):
        found = _date(group, raw)
    elif group in ("t12", "oclock", "t24"):
        found = _time(group, raw)
    elif group in ("amtsym", "amtcode", "amtafter"):
        found = _amount(raw)
    elif group == "pct":
        head, token, _ = _split_number(raw)
        value = _value(head + token)
        found = [("percentages", f"{value}%")] if value is not None else None
    return found if found is not None else [("numbers", n) for n in _numbers(raw)]


def only_digits(text: str) -> str:
    return "".join(_DIGITS.findall(text))


def canonical_url(raw: str) -> str:
    url = raw.rstrip(".,;:!?'\"")
    for opening, closing in ("()", "[]", "{}"):
        while url.endswith(closing) and url.count(closing) > url.count(opening):
            url = url[:-1].rstrip(".,;:!?")
    scheme, sep, rest = url.partition("://")
    if not sep:
        rest = url
    host, slash, path = rest.partition("/")
    host = host.casefold().removeprefix("www.")  # "www.example.com" is "example.com"
    return host + (slash + path).rstrip("/")


def canonical_email(raw: str) -> str | None:
    email = raw.rstrip(".-").casefold()
    local, _, domain = email.partition("@")
    tld = domain.rpartition(".")[2]
    if not local.strip(".") or "." not in domain or len(tld) < 2 or not tld.isalpha():
        return None
    return email


def _parse(token: str) -> str | None:
    """A number as written in English ("1,000.50"; "40,00" as a decimal comma) in its
    shortest form ("1000.5"), or None; done on the text, which is several times faster
    than going through Decimal."""
    token = token.rstrip(".,")
    if token.isdecimal():  # the common case
        return str(int(token)) if len(token) <= MAX_DIGITS else None
    token = vulgar(token)
    if "." in token and "," in token and token.index(".") < token.index(","):
        token = token.replace(".", "").replace(",", ".")  # "1.234,56": continental
    whole, dot, fraction = token.partition(".")
    if dot and ("." in fraction or "," in fraction):
        return None
    groups = whole.split(",")
    if len(groups) == 2 and not dot and len(groups[1]) == 2:
        whole, fraction, dot = groups[0], groups[1], "."
    elif len(groups) > 1:
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            return None
        whole = "".join(groups)
    digits = whole + fraction
    if not digits.isdecimal() or (dot and not fraction) or len(digits) > MAX_DIGITS:
        return None
    fraction = "".join(str(int(digit)) for digit in fraction).rstrip("0")
    # ".10" (a piece of "40,.10") has no whole part: it is read as zero, not a crash
    return str(int(whole or "0")) + (f".{fraction}" if fraction else "")


#: Vulgar fractions a number may end with ("3½"), as decimals.
VULGAR = {"½": ".5", "¼": ".25", "¾": ".75"}


def vulgar(token: str) -> str:
    """ "3½" as "3.5": a number ending with a vulgar fraction, in decimals."""
    if token[-1:] in VULGAR and token[:-1].isdecimal():
        return token[:-1] + VULGAR[token[-1]]
    return token


def _format(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def _value(token: str) -> str | None:
    """`_parse` with a leading minus sign kept (but not on zero)."""
    negative = token[:1] in "-−"
    text = _parse(token.lstrip("-−"))
    return "-" + text if negative and text not in (None, "0") else text


def _numbers(raw: str) -> list[str]:
    """Canonical numbers in a token; "1,2,3" is three, "1.2.3" one (as written)."""
    token = raw.rstrip(".,")
    value = _value(token)
    if value is not None:
        return [value]
    if "," in token:  # at most MAX_PARTS of a hostile "1,1,1,..."
        parts = token.split(",", MAX_PARTS)[:MAX_PARTS]
        return [n for part in parts if part for n in _numbers(part)]
    return [token[:MAX_DIGITS]] if token else []


def _split_number(text: str) -> tuple[str, str, str]:
    """(what precedes, the number token, what follows) of a match holding one number."""
    first = _DIGITS.search(text)
    assert first is not None
    end = first.start()
    while end < len(text) and (text[end].isdecimal() or text[end] in ",.½¼¾"):
        end += 1
    return text[: first.start()], text[first.start() : end], text[end:]


def _amount(raw: str) -> list[tuple[str, str]] | None:
    head, token, tail = _split_number(raw.strip())
    negative = head.rstrip().endswith(("-", "−")) or head.lstrip().startswith(("-", "−"))
    head = head.replace("-", " ").replace("−", " ")
    for symbol in "€£¥₹$¢₩₽₺₪₫₱₦":  # "40$" and "5k€" hold the symbol against the number
        tail = tail.replace(symbol, f" {symbol} ")
    words = [*head.casefold().split(), *tail.casefold().split()]
    if not head.strip() and _CONTINENTAL.fullmatch(token):
        token = token.replace(".", "")  # "1.200 €": a currency after, dots group thousands
    text = _parse(token)
    if text is None:
        return None
    multiplier = 1
    currency = ""
    qualifier = ""
    for word in words:
        if word in _MULTIPLIERS:
            multiplier *= _MULTIPLIERS[word]
        elif word in QUALIFIED or word in ("hong", "kong", "new", "zealand"):
            qualifier = (qualifier + " " + word).strip()
        else:
            currency = word
    if currency in CENTS or currency in PENCE:
        currency, text = (UNKNOWN if currency in CENTS else "£"), _format(Decimal(text) / 100)
    if multiplier != 1:
        text = _format(Decimal(text) * multiplier)
    code = SYMBOLS.get(currency, currency.upper())
    if qualifier in QUALIFIED and currency in ("$", "dollar", "dollars", "pound", "pounds"):
        code = QUALIFIED[qualifier]
    if negative and text != "0":
        text = "-" + text
    return [("amounts", f"{code} {text}")]


def _date(group: str, raw: str) -> list[tuple[str, str]] | None:
    numbers = [int(d) for d in _DIGITS.findall(raw)]
    time: list[tuple[str, str]] = []
    year: int | None = None
    if group == "iso":
        year, month, day = numbers[:3]
        if len(numbers) > 3:
            time = _clock(numbers[3], numbers[4], numbers[5] if len(numbers) > 5 else 0, "")
            if not time:
                return None
    elif group in ("numdate", "usdate"):
        first, second, year = numbers
        year += 2000 if year < 100 else 0
        # "/" is read month first (US) unless that cannot be; "." and "-" day first.
        month_first = "/" in raw and first <= 12
        month, day = (first, second) if month_first else (second, first)
    else:
        words = [w.casefold() for w in _LETTERS.findall(raw) if w.casefold() in _MONTHS]
        month = _MONTHS[words[0]]
        if group == "mdate" and len(numbers) == 1 and numbers[0] >= 1000:
            return [("dates", f"{numbers[0]:04d}-{month:02d}")]
        day = numbers[0]
        year = numbers[1] if len(numbers) > 1 else None
        if year is not None and year < 100:  # "31 May '25", "3 May '99"
            year += 2000 if year < 70 else 1900
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    date = f"{year:04d}-{month:02d}-{day:02d}" if year is not None else f"--{month:02d}-{day:02d}"
    return [("dates", date), *time]


def _time(group: str, raw: str) -> list[tuple[str, str]] | None:
    numbers = [int(d) for d in _DIGITS.findall(raw)]
    hour, minute, second = [*numbers, 0, 0][:3]
    zone = _ZONE_AT_END.search(raw)
    clock = raw[: zone.start()] if zone else raw
    if group == "t12":
        if not 1 <= hour <= 12:
            return None
        pm = clock.casefold().replace(".", "").rstrip().endswith("pm")
        hour = hour % 12 + (12 if pm else 0)
    return _clock(hour, minute, second, _zone(zone.group()) if zone else "") or None


def _clock(hour: int, minute: int, second: int, zone: str) -> list[tuple[str, str]]:
    if not (hour <= 24 and minute <= 59 and second <= 59):
        return []
    text = f"{hour:02d}:{minute:02d}" + (f":{second:02d}" if second else "")
    return [("times", f"{text} {zone}" if zone else text)]
