"""The checkable facts of one text, found without a model: what `facts` compares.

Numbers (phone numbers included), amounts with their currency, percentages, dates,
weekdays, times, e-mail addresses, URLs and negation markers, each in the canonical form
`fact_canonical_forms` gives it. Facts it has no pattern for (names, number words like
"forty", bare domains) are not found. Model answers are hostile input: every pattern
runs in linear time (no quantified group holds another quantifier; each alternative can
only start where its run of characters starts).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from migrate_check.checks.builtin import fact_canonical_forms
from migrate_check.checks.builtin.fact_canonical_forms import (
    canonical_email,
    canonical_forms,
    canonical_url,
)

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
#: A run of whitespace, collapsed in quoted sentences and ignored when comparing spellings.
SPACES = re.compile(r"\s++")
#: Every pattern extraction uses, for the test that none nests quantifiers.
PATTERNS = (_URL, _EMAIL, _FACT, _NEGATION, _SENTENCE_END, SPACES, *fact_canonical_forms.PATTERNS)


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
            canonical = (
                canonical_url(match.group()) if kind == "urls" else canonical_email(match.group())
            )
            if canonical:
                _add(kinds, kind, canonical, match.group())
        # Blanked, "no" in a URL's path is no negation, and "bob-40@x.io" no number.
        text = _blank(text, spans)
    for match in _FACT.finditer(text):
        group = match.lastgroup
        assert group is not None
        for kind, canonical in canonical_forms(group, match.group()):
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
    kinds.setdefault(kind, {}).setdefault(canonical, shorten_text(raw.strip(_TRAILING)))


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
    return shorten_text(SPACES.sub(" ", text[start:stop]).strip(), 160)


def shorten_text(text: str, limit: int = 60) -> str:
    """`text` cut to `limit` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
