"""`facts`: the checkable facts of two answers, extracted without a model and compared.

Rewording is the normal effect of a migration, so letter-based scores flag paraphrases
while embeddings pass a changed day or a lost "not". This check looks only at what can be
read off the text deterministically: numbers (phone numbers included), amounts with
their currency, percentages, dates, weekdays, times, e-mail addresses, URLs and negation
markers. Each is put in one canonical form ("$40", "40 dollars" and "USD 40.00" are all
`USD 40`), so formatting does not count; the facts of each kind are compared as sets.

Outcome: `same` when every kind holds the same facts on both sides, `changed` otherwise,
the evidence listing `missing` (baseline only), `added` (candidate only) and `changed`
(one replaced by another of the same kind). A difference counts as `regressed` only in
the kinds listed in `regress_on`: extraction is heuristic and a changed fact may be a
fix, so by default a human decides. Negation is compared by its count of markers (not,
n't, no, never, declined, ...), so a side that gains or loses one is reported with its
sentences. What it cannot see, and says so: meaning. A reworded claim that keeps the same
facts is `same` however it changed, and facts it has no pattern for (names, number words
like "forty", bare domains) are not compared.

Options: `{ignore: [kinds], regress_on: [kinds], max_chars: N (default 100000)}`. Texts
longer than `max_chars` are cut there, and the evidence says so. Model answers are
hostile input: every pattern runs in linear time (no quantified group holds another
quantifier; each alternative can only start where its run of characters starts).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from migrate_check.checks import option_values as opts
from migrate_check.checks.base import CheckConfigError, Difference, Observation, SideBySideCheck
from migrate_check.checks.outputs import comparable_text
from migrate_check.core.completion import Completion

KINDS = (
    "numbers",
    "amounts",
    "percentages",
    "dates",
    "weekdays",
    "times",
    "emails",
    "urls",
    "negation",
)
DEFAULT_MAX_CHARS = 100_000
#: Entries shown per evidence list; the rest are counted, so evidence stays small.
MAX_LISTED = 20
#: Digits beyond which a number is compared as written rather than as a value.
MAX_DIGITS = 30
NOT_SEEN = (
    "compares extracted facts only (numbers, amounts, percentages, dates, weekdays, times, "
    "e-mail addresses, URLs, negation counts), not meaning: a paraphrase that keeps them is "
    "same, and a reworded claim with the same facts is not caught"
)

# --- the patterns ----------------------------------------------------------------------
# Links first, each by its own pattern and only when the text can hold one; their spans are
# blanked so nothing inside them counts. Then one alternation, tried left to right at each
# position, so a date or an amount is taken whole before its digits could be read as
# numbers. Every alternative that starts with a run of characters has a lookbehind that
# rejects starting inside that run: a search then scans each run once, not once per
# position (which would be quadratic). A leading lookahead lets through only positions
# where some alternative can start, which makes the scan several times faster.

# Led by a character class, so the search skips in C to the letters that can start one.
_URL = re.compile(r"[hHwW](?<![\w@./-].)(?:(?<=[hH])(?i:ttps?://)|(?<=[wW])(?i:ww\.))[^\s<>\"'`]++")
_EMAIL = re.compile(r"(?<![\w.%+-])\w[\w.%+-]*+@[\w.-]++")

_NUM = r"\d[\d,.]*+"
_AT_RUN_START = r"(?<![\w.,])"
_SIGNED = r"(?:(?<![\w.,)\]])[-−](?=\d)|" + _AT_RUN_START + ")"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)(?![A-Za-z])\.?"
)
_ORDINAL = r"(?i:st|nd|rd|th)?"
_ZONE = r"(?:\s?(?:UTC|GMT|[ECMP][SD]?T|CES?T|BST)(?!\w))?"
_CODES = "USD|EUR|GBP|JPY|CAD|AUD|CHF|CNY|INR|NZD|HKD|SGD|SEK|NOK|DKK|MXN|BRL|ZAR"
_MULTIPLIER = r"(?:\s?(?i:thousand|million|billion|trillion)(?!\w)|(?:k|K|m|M|mn|bn|B)(?!\w))?"
_CURRENCY_AFTER = (
    r"(?:(?:" + _CODES + r")(?!\w)|(?i:dollars?|bucks|euros?|cents?|yen|rupees?)(?!\w)"
    r"|[€£¥₹$¢])"
)
_WEEKDAY = r"(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
#: Where a fact can start: a digit, sign or symbol, or a word that may begin a weekday,
#: a month, a currency code or prefix ("US$"), "today" or "noon".
_CAN_START = (
    r"(?=(?<![\w.,])[\d$€£¥₹+(\-−]|(?<!\w)(?:Ja|Fe|Ma|Ap|Ju|Au|Se|Oc|No|De|[A-Z][A-Z$]|\$"
    r"|(?i:mon|tue|wed|thu|fri|sat|sun|to[dnm]|yes|noo|mid)))"
)

_FACT = re.compile(
    _CAN_START
    + "(?:"
    + "|".join(
        [
            r"(?P<iso>(?<![\w.,/-])\d{4}[-/.]\d\d?[-/.]\d\d?(?!\d)"
            r"(?:T\d\d:\d\d(?::\d\d)?(?!\d))?)",
            r"(?P<numdate>(?<![\w.,/-])\d\d?[-/.]\d\d?[-/.]\d{4}(?![\d/.-]\d))",
            r"(?P<usdate>(?<![\w.,/-])\d\d?/\d\d?/\d\d(?![\d/]))",
            r"(?P<mdate>(?<!\w)"
            + _MONTH
            + r"\s{1,3}(?:\d{4}(?!\d)|\d\d?"
            + _ORDINAL
            + r"(?!\d)(?:,?\s{1,3}\d{4}(?!\d))?))",
            r"(?P<ddate>"
            + _AT_RUN_START
            + r"\d\d?"
            + _ORDINAL
            + r"\s{1,3}(?:of\s{1,3})?"
            + _MONTH
            + r"(?:,?\s{1,3}\d{4}(?!\d))?)",
            r"(?P<month>(?<!\w)(?:January|February|March|April|June|July|August|September"
            r"|October|November|December)(?!\w))",
            r"(?P<relday>(?<!\w)(?i:today|tonight|tomorrow|yesterday)(?!\w))",
            r"(?P<t12>(?<![\w.:,])\d\d?(?::\d\d)?(?::\d\d)?\s?[aApP]\.?[mM]\b\.?" + _ZONE + ")",
            r"(?P<oclock>(?<![\w.:,])\d\d?\s?(?i:o['’]clock)" + _ZONE + ")",
            r"(?P<t24>(?<![\w.:,])\d\d?:\d\d(?::\d\d)?(?!\d)" + _ZONE + ")",
            r"(?P<noon>(?<!\w)(?i:noon|midday|midnight)(?!\w))",
            r"(?P<amtsym>(?<!\w)(?:(?:US|C|A|NZ|HK|S)?\$|[€£¥₹])\s?" + _NUM + _MULTIPLIER + ")",
            r"(?P<amtcode>(?<!\w)(?:" + _CODES + r")\s?" + _NUM + _MULTIPLIER + ")",
            r"(?P<amtafter>"
            + _AT_RUN_START
            + _NUM
            + _MULTIPLIER
            + r"\s{0,2}"
            + _CURRENCY_AFTER
            + ")",
            r"(?P<pct>" + _SIGNED + _NUM + r"\s?(?:%|(?i:percent|per\s?cent)(?!\w)))",
            r"(?P<phone>(?<![\w.,+-])(?:\+\d[\d\s().-]{6,18}\d|\(\d{3}\)\s?\d{3}[-.\s]\d{4}"
            r"|(?:\d[-.\s])?\d{3}[-.]\d{3}[-.]\d{4}|\d{3}-\d{4})(?![\w-]))",
            r"(?P<num>" + _SIGNED + _NUM + ")",
            r"(?P<wday>(?<!\w)"
            + _WEEKDAY
            + r"(?i:s)?(?!\w)|(?<!\w)(?:Mon|Tues?|Wed|Thu|Thurs?|Fri)\.?(?!\w)"
            r"|(?<!\w)(?:Sat|Sun)\.?(?=,|\s\d))",
        ]
    )
    + ")"
)
#: Negation markers: "no" but not "No. 5"; the "'t" of "can't" and "won't" counts as "not".
_NEGATION = re.compile(
    r"(?=[cdfnruw'’])(?:(?<!\w)(?:not|never|none|nobody|nothing|nowhere|neither|nor|cannot"
    r"|without|unable|declined|denied|refused|rejected|failed|no(?!\.\s?\d))(?!\w)"
    r"|(?<=n)['’]t(?!\w))",
    re.IGNORECASE,
)
#: Sentence punctuation a match may carry at its end; not shown as part of the fact.
_TRAILING = " \t\n.,;:!?)"
_SENTENCE_END = re.compile(r"[.!?\n](?:(?<=\n)|(?!\S))")
_DIGITS = re.compile(r"\d++")
_LETTERS = re.compile(r"[A-Za-z]++")
_SPACES = re.compile(r"\s++")
_ZONE_AT_END = re.compile(r"(?:UTC|GMT|[ECMP][SD]?T|CES?T|BST)$")
#: Every pattern of this module, for the test that none nests quantifiers.
PATTERNS = (_URL, _EMAIL, _FACT, _NEGATION, _SENTENCE_END, _DIGITS, _LETTERS, _SPACES, _ZONE_AT_END)

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
_WEEKDAYS = {
    day[:3]: day.capitalize()
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
}
_SYMBOLS = {
    "$": "USD",
    "us$": "USD",
    "c$": "CAD",
    "a$": "AUD",
    "nz$": "NZD",
    "hk$": "HKD",
    "s$": "SGD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "yen": "JPY",
    "rupee": "INR",
    "rupees": "INR",
}
_CENTS = ("cent", "cents", "¢")
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


# --- what one side holds ---------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """The facts of one answer: per kind, canonical form -> the first way it was written."""

    kinds: dict[str, dict[str, str]]
    negations: int
    markers: tuple[str, ...]
    negated_sentences: tuple[str, ...]
    length: int
    truncated: bool


def extract(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> Facts:
    """Every fact in `text` (its first `max_chars` characters), canonicalised."""
    length = len(text)
    text = text[:max_chars]
    kinds: dict[str, dict[str, str]] = {}
    for kind, matches in (("urls", _URL.finditer(text)), ("emails", _emails(text))):
        spans = []
        for match in matches:
            spans.append(match.span())
            canonical = _url(match.group()) if kind == "urls" else _email(match.group())
            if canonical:
                _add(kinds, kind, canonical, match.group())
        # Blanked, "no" in a URL's path is no negation, and "bob-40@x.io" no number.
        text = _blank(text, spans)
    for match in _FACT.finditer(text):
        group = match.lastgroup
        assert group is not None
        for kind, canonical in _canonical(group, match.group()):
            _add(kinds, kind, canonical, match.group())
    markers: list[str] = []
    sentences: list[str] = []
    ends: list[int] | None = None
    for match in _NEGATION.finditer(text):
        markers.append(_marker(match.group()))
        if len(sentences) < MAX_LISTED:
            if ends is None:
                ends = [m.end() for m in _SENTENCE_END.finditer(text)]
            sentence = _sentence(text, ends, match.start())
            if not sentences or sentences[-1] != sentence:
                sentences.append(sentence)
    return Facts(
        kinds,
        len(markers),
        tuple(markers),
        tuple(sentences),
        length,
        length > max_chars,
    )


def _marker(word: str) -> str:
    word = word.casefold().replace("’", "'")
    return "not" if word in ("'t", "cannot") else word


def _emails(text: str) -> Iterator[re.Match[str]]:
    """E-mail addresses, searched from just before each "@" (rare) instead of everywhere."""
    done, at = 0, text.find("@")
    while at >= 0:
        match = _EMAIL.search(text, max(done, at - 64))
        if match is None:
            return
        yield match
        done = match.end()
        at = text.find("@", done)


def _add(kinds: dict[str, dict[str, str]], kind: str, canonical: str, raw: str) -> None:
    kinds.setdefault(kind, {}).setdefault(canonical, _shorten(raw.strip(_TRAILING)))


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span replaced by as many spaces, so positions stay."""
    if not spans:
        return text
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], " " * (end - start)]
        last = end
    return "".join([*pieces, text[last:]])


def _sentence(text: str, ends: list[int], position: int) -> str:
    """The sentence around `position`, whitespace collapsed, cut to 160 characters."""
    at = bisect.bisect_right(ends, position)
    start = ends[at - 1] if at else 0
    stop = ends[at] if at < len(ends) else len(text)
    start, stop = max(start, position - 80), min(stop, position + 80)
    return _shorten(_SPACES.sub(" ", text[start:stop]).strip(), 160)


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- canonical forms -------------------------------------------------------------------


def _canonical(group: str, raw: str) -> list[tuple[str, str]]:
    """(kind, canonical form) for one match; a match that is not what it looked like
    (a 13th month, 25pm) falls back to its numbers."""
    if group == "relday":
        return [("dates", raw.casefold())]
    if group == "wday":
        return [("weekdays", _WEEKDAYS[raw[:3].casefold()])]
    if group == "noon":
        return [("times", "00:00" if raw.casefold() == "midnight" else "12:00")]
    if group == "month":
        return [("dates", f"--{_MONTHS[raw.casefold()]:02d}")]
    if group == "num":
        return [("numbers", number) for number in _numbers(raw)]
    if group == "phone":
        return [("numbers", ("+" if raw.startswith("+") else "") + _only_digits(raw))]
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


def _only_digits(text: str) -> str:
    return "".join(_DIGITS.findall(text))


def _url(raw: str) -> str:
    url = raw.rstrip(".,;:!?'\"")
    for opening, closing in ("()", "[]", "{}"):
        while url.endswith(closing) and url.count(closing) > url.count(opening):
            url = url[:-1].rstrip(".,;:!?")
    scheme, sep, rest = url.partition("://")
    if not sep:
        rest = url
    host, slash, path = rest.partition("/")
    return host.casefold() + (slash + path).rstrip("/")


def _email(raw: str) -> str | None:
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
    return str(int(whole)) + (f".{fraction}" if fraction else "")


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
    if "," in token:
        return [n for part in token.split(",") if part for n in _numbers(part)]
    return [token[:MAX_DIGITS]] if token else []


def _split_number(text: str) -> tuple[str, str, str]:
    """(what precedes, the number token, what follows) of a match holding one number."""
    first = _DIGITS.search(text)
    assert first is not None
    end = first.start()
    while end < len(text) and (text[end].isdecimal() or text[end] in ",."):
        end += 1
    return text[: first.start()], text[first.start() : end], text[end:]


def _amount(raw: str) -> list[tuple[str, str]] | None:
    head, token, tail = _split_number(raw.strip())
    for symbol in "€£¥₹$¢":  # "40$" and "5k€" hold the symbol against the number
        tail = tail.replace(symbol, f" {symbol} ")
    words = [*head.casefold().split(), *tail.casefold().split()]
    text = _parse(token)
    if text is None:
        return None
    multiplier = 1
    currency = ""
    for word in words:
        if word in _MULTIPLIERS:
            multiplier *= _MULTIPLIERS[word]
        else:
            currency = word
    if currency in _CENTS:
        currency, text = "$", _format(Decimal(text) / 100)
    if multiplier != 1:
        text = _format(Decimal(text) * multiplier)
    code = _SYMBOLS.get(currency, currency.upper())
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
    return _clock(hour, minute, second, zone.group() if zone else "") or None


def _clock(hour: int, minute: int, second: int, zone: str) -> list[tuple[str, str]]:
    if not (hour <= 24 and minute <= 59 and second <= 59):
        return []
    text = f"{hour:02d}:{minute:02d}" + (f":{second:02d}" if second else "")
    return [("times", f"{text} {zone}" if zone else text)]


# --- the check -------------------------------------------------------------------------


class FactsCheck(SideBySideCheck):
    name = "facts"

    def __init__(self, ignore: frozenset[str], regress_on: frozenset[str], max_chars: int):
        self.kinds = tuple(kind for kind in KINDS if kind not in ignore)
        self.regress_on = regress_on
        self.max_chars = max_chars

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> FactsCheck:
        mapping = opts.as_mapping(cls.name, options, shorthand=None)
        opts.reject_unknown(cls.name, mapping, ("ignore", "regress_on", "max_chars"))
        ignore = frozenset(opts.strings(cls.name, mapping, "ignore", KINDS))
        regress_on = frozenset(opts.strings(cls.name, mapping, "regress_on", KINDS))
        if ignore & regress_on:
            both = ", ".join(sorted(ignore & regress_on))
            raise CheckConfigError(f"facts: {both} both ignored and in 'regress_on'")
        if ignore >= set(KINDS):
            raise CheckConfigError("facts: 'ignore' lists every kind, so nothing is compared")
        max_chars = opts.number(cls.name, mapping, "max_chars", DEFAULT_MAX_CHARS, 1, 10**7)
        assert max_chars is not None
        if max_chars != int(max_chars):
            raise CheckConfigError(f"facts: 'max_chars' must be a whole number, got {max_chars}")
        return cls(ignore, regress_on, int(max_chars))

    def observe(self, completion: Completion) -> Observation:
        return Observation(None, extract(comparable_text(completion), self.max_chars))

    def compare(self, baseline: Observation, candidate: Observation) -> Difference:
        base: Facts = baseline.value
        cand: Facts = candidate.value
        missing: list[str] = []
        added: list[str] = []
        changed: list[str] = []
        differing: list[str] = []
        for kind in self.kinds:
            if kind == "negation":
                if base.negations != cand.negations:
                    differing.append(kind)
                    gained, entry = _negation(base, cand)
                    (added if gained else missing).append(entry)
                continue
            before, after = base.kinds.get(kind, {}), cand.kinds.get(kind, {})
            lost = [fact for fact in before if fact not in after]
            new = [fact for fact in after if fact not in before]
            if lost or new:
                differing.append(kind)
            for old, replacement in zip(lost, new, strict=False):
                was, now = _shown(old, before[old]), _shown(replacement, after[replacement])
                changed.append(f"{kind}: {was} → {now}")
            paired = min(len(lost), len(new))
            missing += [f"{kind}: {_shown(f, before[f])}" for f in lost[paired:]]
            added += [f"{kind}: {_shown(f, after[f])}" for f in new[paired:]]
        evidence: dict[str, Any] = {}
        for key, entries in (("missing", missing), ("added", added), ("changed", changed)):
            if entries:
                evidence[key] = _listed(entries)
        truncated = [
            f"{side} ({facts.length:,} characters)"
            for side, facts in (("baseline", base), ("candidate", cand))
            if facts.truncated
        ]
        note = ""
        if truncated:
            cut = f"only the first {self.max_chars:,} characters compared: {', '.join(truncated)}"
            evidence["truncated"] = cut
            note = f"; {cut}"
        evidence["not_seen"] = NOT_SEEN
        regressed = sorted(set(differing) & self.regress_on)
        if regressed:
            evidence["regress_on"] = regressed
        if not differing:
            found = {kind: len(base.kinds.get(kind, {})) for kind in self.kinds}
            if "negation" in self.kinds:
                del found["negation"]
                found["negation markers"] = base.negations
            counts = ", ".join(f"{n} {kind}" for kind, n in found.items() if n)
            what = f"same facts ({counts})" if counts else "no facts found on either side"
            return Difference(False, f"{what}; meaning is not compared{note}", evidence)
        shown = [*changed, *missing, *added]
        more = f" and {len(shown) - 3} more" if len(shown) > 3 else ""
        head = "facts differ"
        if regressed:
            head = f"facts regressed ({', '.join(regressed)} in regress_on)"
        listed = "; ".join(_shorten(entry, 100) for entry in shown[:3])
        summary = f"{head}: {listed}{more}; meaning is not compared{note}"
        return Difference(True, summary, evidence, regression=bool(regressed))


def _negation(base: Facts, cand: Facts) -> tuple[bool, str]:
    """Whether the candidate gained negation, and what and where: the markers the side
    with more has beyond the other's, and its negated sentences (the reader judges)."""
    gained = cand.negations > base.negations
    more, less = (cand, base) if gained else (base, cand)
    extra = Counter(more.markers) - Counter(less.markers)
    words = ", ".join(sorted(extra)) or ", ".join(sorted(set(more.markers)))
    side = "candidate gains" if gained else "candidate loses"
    sentences = " | ".join(f"“{s}”" for s in more.negated_sentences[:3])
    entry = (
        f"negation: {side} {abs(cand.negations - base.negations)} ({words}) "
        f"[{base.negations} → {cand.negations}] in {sentences}"
    )
    return gained, entry


def _shown(canonical: str, raw: str) -> str:
    """The canonical form, with how it was written when that differs."""
    same = _SPACES.sub("", raw).casefold() == _SPACES.sub("", canonical).casefold()
    return _shorten(canonical) if same else f"{_shorten(canonical)} (“{raw}”)"


def _listed(entries: list[str]) -> list[str]:
    if len(entries) <= MAX_LISTED:
        return entries
    return [*entries[:MAX_LISTED], f"… and {len(entries) - MAX_LISTED} more"]
