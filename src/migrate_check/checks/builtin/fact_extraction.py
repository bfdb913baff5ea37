"""The checkable facts of one text, found without a model: what `facts` compares.

Values first, by pattern: URLs, e-mail addresses, identifiers that mix letters and digits,
then dates, times, amounts, percentages, quantities, phone numbers, numbers and weekdays,
each in the canonical form `fact_canonical_forms` (and `fact_units`) gives it. Their
spans are blanked, and the rest is read as words (`fact_text`): numbers written as words
(`fact_number_words`), claims (`fact_claims`), names and steps (`fact_names`). Model
answers are hostile input: every pattern runs in linear time (no quantified group holds
another quantifier; each alternative can only start where its run of characters starts)
and the text is cut at `max_chars`.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation

from migrate_check.checks.builtin import fact_canonical_forms, fact_digit_groups
from migrate_check.checks.builtin.fact_answers import read_answers
from migrate_check.checks.builtin.fact_canonical_forms import (
    CODES,
    canonical_email,
    canonical_forms,
    canonical_url,
    vulgar,
)
from migrate_check.checks.builtin.fact_claims import read_claims
from migrate_check.checks.builtin.fact_dates import day_ranges, time_ranges
from migrate_check.checks.builtin.fact_dimensions import PATTERNS as DIMENSION_PATTERNS
from migrate_check.checks.builtin.fact_dimensions import dimensions, shared_units
from migrate_check.checks.builtin.fact_identifiers import PATTERNS as IDENTIFIER_PATTERNS
from migrate_check.checks.builtin.fact_identifiers import VERSION, identifier, identifiers
from migrate_check.checks.builtin.fact_letter_labels import read_letter_labels
from migrate_check.checks.builtin.fact_lexicon import DEFAULT_LEXICON, Lexicon
from migrate_check.checks.builtin.fact_list_numbers import LIST_PATTERNS, bullets
from migrate_check.checks.builtin.fact_measure_parts import PATTERNS as MEASURE_PART_PATTERNS
from migrate_check.checks.builtin.fact_measure_parts import merge_measures
from migrate_check.checks.builtin.fact_name_forms import PATTERNS as NAME_FORM_PATTERNS
from migrate_check.checks.builtin.fact_name_forms import name_forms
from migrate_check.checks.builtin.fact_names import read_names, read_steps
from migrate_check.checks.builtin.fact_number_tables import without_idioms
from migrate_check.checks.builtin.fact_number_words import read_number_words
from migrate_check.checks.builtin.fact_patterns import BARE_TLD, BARE_URL, EMAIL, FACT, URL
from migrate_check.checks.builtin.fact_prefixed import prefixed_negatives
from migrate_check.checks.builtin.fact_records import KINDS, Fact, Facts
from migrate_check.checks.builtin.fact_scan import (
    CANDIDATE,
    FACT_AT_DIGIT,
    FACT_AT_LETTER,
    bare_urls,
    fact_matches,
)
from migrate_check.checks.builtin.fact_tokenizer import PATTERNS as TEXT_PATTERNS
from migrate_check.checks.builtin.fact_tokenizer import tokenize
from migrate_check.checks.builtin.fact_units import (
    canonical_quantity,
    format_number,
)
from migrate_check.checks.builtin.fact_word_parts import word_parts

__all__ = ["KINDS", "DEFAULT_MAX_CHARS", "MAX_LISTED", "Facts", "extract", "shorten_text"]

DEFAULT_MAX_CHARS = 100_000
#: Entries shown per evidence list; the rest are counted, so evidence stays small.
MAX_LISTED = 20
#: Facts read from one text at most; past it the rest of the text is not read.
MAX_FACTS = 5000
MAX_NUMBER_CHARS = 64

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
#: A word right after a fraction, and what follows "in" when it is inches ("1/2 in thick").
_UNIT_AFTER = re.compile(r"\s?([^\W\d_][\w-]{0,14}+)")
_INCHES = re.compile(r"\s++(?:thick|wide|long|deep|tall|high)\b|[.,;)]")
#: What stands before a month and a day written "5/22": a weekday or "on", "by", "until".
_WEEKDAY_BEFORE = re.compile(
    r"(?i:\b(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:s|nesday)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?,?)\s{1,2}\Z"
)
_DATE_BEFORE = re.compile(
    _WEEKDAY_BEFORE.pattern + r"|(?i:\b(?:on|by|until|till|from|due|through|thru))\s{1,2}\Z"
)
#: A run of whitespace, collapsed in quoted sentences and ignored when comparing spellings.
SPACES = re.compile(r"\s++")
#: Every pattern extraction uses, for the test that none nests quantifiers.
PATTERNS = (
    *LIST_PATTERNS,
    URL,
    BARE_TLD,
    BARE_URL,
    EMAIL,
    _DATE_BEFORE,
    _NUMBER,
    FACT,
    CANDIDATE,
    FACT_AT_DIGIT,
    FACT_AT_LETTER,
    SPACES,
    _UNIT_AFTER,
    _INCHES,
    *fact_canonical_forms.PATTERNS,
    *fact_digit_groups.PATTERNS,
    *IDENTIFIER_PATTERNS,
    *TEXT_PATTERNS,
    *MEASURE_PART_PATTERNS,
    *DIMENSION_PATTERNS,
    *NAME_FORM_PATTERNS,
)
_TRAILING = " \t\n.,;:!?)"
#: A number written with a leading zero ("03") is part of a date or a code, not a count:
#: weak, like the number 1 ("1 item", "Qty 1"), which rewordings drop or spell out.
_LEADING_ZEROS = tuple(f"0{digit}" for digit in "123456789")


def extract(
    text: str, max_chars: int = DEFAULT_MAX_CHARS, lexicon: Lexicon = DEFAULT_LEXICON
) -> Facts:
    """Every fact in `text` (its first `max_chars` characters), canonicalised."""
    length = len(text)
    shown = text = text[:max_chars]
    values: list[tuple[str, str, str, int, int, str | None]] = []
    spans: list[tuple[int, int]] = []
    # List numbers are structure, not facts: "1." becomes a bullet the words reader sees.
    text = bullets(text)
    for match in URL.finditer(text) if _may_hold_url(text) else ():
        spans.append(match.span())
        if canonical := canonical_url(match.group()):
            values.append(("urls", canonical, _shortened(match.group()), *match.span(), None))
    text = _blank(text, spans)
    spans = []
    for match in bare_urls(text):
        spans.append(match.span())  # "book.hivespace.com/rooms": a link without its scheme
        if canonical := canonical_url(match.group()):
            values.append(("urls", canonical, _shortened(match.group()), *match.span(), None))
    text = _blank(text, spans)
    spans = []
    for match in _emails(text):
        # the full stop after an address ends its sentence: it is not blanked with it
        spans.append((match.start(), match.start() + len(match.group().rstrip("."))))
        if address := canonical_email(match.group()):
            values.append(("emails", address, _shortened(match.group()), *match.span(), None))
    text = _blank(text, spans)
    spans = []
    for kind, value, raw, start, end in dimensions(text):  # "6 ft x 3 ft", '5x7"'
        spans.append((start, end))
        values.append((kind, value, _shortened(raw), start, end, None))
    text = _blank(text, spans)
    spans = []
    for match in identifiers(text):
        found = identifier(match.group())
        if found is not None and not _after_currency(text, match.start()):
            start = match.start()
            spans.append((start, start + len(found)))
            canonical = VERSION.sub("", found, 1)
            values.append(
                ("identifiers", canonical, _shortened(found), start, start + len(found), None)
            )
    text = _blank(text, spans)
    spans = []
    for match in fact_matches(text):
        group = match.lastgroup
        assert group is not None
        raw = match.group()
        start, end = match.span()
        spans.append((start, start + len(raw.rstrip(".,"))))
        forms: Sequence[tuple[str, str]]
        bare: str | None
        if (
            group == "qty"
            and raw[-1:] == "s"
            and raw[-2:-1].isdigit()
            and text[start - 1 : start] == "-"
        ):
            bare, shown_raw, forms = raw[:-1], raw, [("numbers", raw[:-1])]  # "under-16s"
        elif group == "frac" and (date := _short_date(raw, text, start)):
            bare, shown_raw, forms = _bare(raw), _shortened(raw), date  # "Thu 5/22", "by 9/17"
        elif group == "frac" and (measure := _fraction_of_unit(raw, text, end)):
            bare, shown_raw, forms = None, _shortened(raw), measure  # "1/2 in thick"
        elif group[:3] == "amt" or len(raw) > MAX_NUMBER_CHARS:  # read in its context
            bare, shown_raw = _bare(raw[:MAX_NUMBER_CHARS]), _shortened(raw)
            forms = _canonical(group, match, text)
        else:
            bare, shown_raw, forms = _value(group, raw)
        for kind, canonical in forms[:MAX_FACTS]:
            values.append((kind, canonical, shown_raw, start, end, bare))
        if len(values) > MAX_FACTS:
            break
    tokens = tokenize(_blank(text, spans), shown)
    sentences = [start for start, _ in tokens.sentence_spans]  # as `tokens.sentence_of`
    facts = [  # each raw already `_shortened`: shortening it again would change nothing
        Fact(
            kind,
            value,
            raw,
            start,
            end,
            max(0, bisect_right(sentences, start) - 1),
            kind == "numbers" and (value == "1" or raw[:2] in _LEADING_ZEROS),
            number,
        )
        for kind, value, raw, start, end, number in values[:MAX_FACTS]
    ]
    facts = shared_units(time_ranges(day_ranges(facts, text), text), text)
    facts += read_number_words(tokens)
    facts = without_idioms(word_parts(facts, tokens), shown)
    facts = merge_measures(facts, shown)
    facts += read_letter_labels(tokens)
    labelled = {(f.start, f.end) for f in facts if f.kind == "identifiers" and f.weak}
    facts += [name for name in read_names(tokens) if (name.start, name.end) not in labelled]
    facts = name_forms(facts, shown)
    facts += read_claims(tokens, lexicon)
    facts += read_answers(tokens)
    return Facts(
        tuple(facts[:MAX_FACTS]),
        tokens,
        prefixed_negatives(tokens, lexicon),
        tuple(read_steps(tokens)),
        length,
        length > max_chars,
    )


@functools.lru_cache(maxsize=8192)  # a short match, not an amount: read without context
def _value(group: str, raw: str) -> tuple[str | None, str, tuple[tuple[str, str], ...]]:
    """(bare number, raw as shown, canonical forms) of a match, in one cache look-up."""
    return _bare(raw), _shortened(raw), tuple(_canonical_of(group, raw))


@functools.lru_cache(maxsize=8192)
def _forms(group: str, raw: str) -> tuple[tuple[str, str], ...]:
    """`canonical_forms`, remembered: the two answers of a pair repeat most of their facts."""
    return tuple(canonical_forms(group, raw))


def _short_date(raw: str, text: str, start: int) -> list[tuple[str, str]]:
    """ "5/22" after a weekday or "on", "by", "until" as a month and a day; after a
    weekday, "22/5" as a day and a month (there is no month 22); else none."""
    if not _DATE_BEFORE.search(text, max(0, start - 12), start):
        return []
    month, day = (int(n) for n in raw.split("/"))
    if 12 < month <= 31 and 1 <= day <= 12:
        if not _WEEKDAY_BEFORE.search(text, max(0, start - 12), start):
            return []  # "from 24/7 support": around the clock
        month, day = day, month
    return [("dates", f"--{month:02d}-{day:02d}")] if 1 <= month <= 12 and 1 <= day <= 31 else []


def _fraction_of_unit(raw: str, text: str, end: int) -> list[tuple[str, str]]:
    """ "1/2 in thick", "3/4 cup": a fraction before a unit is a quantity; else none."""
    unit = _UNIT_AFTER.match(text, end)
    if unit is None:
        return []
    spelling = unit.group(1)
    if spelling == "in":
        if not _INCHES.match(text, unit.end()):
            return []  # "1/2 in the box": no unit
        spelling = "inch"
    part, whole = (int(n) for n in raw.split("/"))
    if not whole:
        return []
    value = canonical_quantity(Decimal(part) / Decimal(whole), None, spelling)
    return [("quantities", value)] if value else []


def _canonical_of(group: str, raw: str) -> list[tuple[str, str]]:
    """The canonical forms of a match that is no amount (they need no context)."""
    if group in ("qty", "qtybetween"):
        quantity = _quantity(raw)
        if quantity is not None:
            return [("quantities", quantity)]
        return list(_forms("num", raw.split()[0] if group == "qty" else "0"))
    return list(_forms(group, raw))


def _canonical(group: str, match: re.Match[str], text: str) -> list[tuple[str, str]]:
    raw = match.group()
    found = _canonical_of(group, raw)
    if group.startswith("amt") and found and found[0][0] == "amounts":
        start, end = match.span()
        before = text[max(0, start - 7) : start].casefold()
        opened = text[max(0, start - 40) : start].rstrip()
        accounting = (
            opened.endswith("(")
            and text[end : end + 1] == ")"
            and (
                opened[:-1].rstrip()[-1:] in ("", ":", "|", "=", "\n") or opened[:-1].endswith("\n")
            )
        )
        code, _, value = found[0][1].partition(" ")
        named = text[end : end + 5].split()[:1]  # "$1,284.56 CAD": the code names the dollar
        prior = text[max(0, start - 5) : start].split()[-1:]  # "CAD $85.00": so does one before
        if raw.lstrip("-−")[:1] == "$" and named and named[0].rstrip(".,;:)") in CODES:
            code = named[0].rstrip(".,;:)")
        elif raw.lstrip("-−")[:1] == "$" and prior and prior[0].lstrip("(") in CODES:
            code = prior[0].lstrip("(")
        if (accounting or before.rstrip().endswith("minus")) and not value.startswith("-"):
            value = f"-{value}"
        found = [("amounts", f"{code} {value}")]
    return found


_QUANTITY = re.compile(
    r"(?i:between\s++)?(\d[\d,.]*+[½¼¾]?+)(?:\s?(?:[-–]|to|and)\s?(\d[\d,.]*+[½¼¾]?+))?"
    r"\+?[\s-]*+(?i:(?:more|extra|additional|further|full|whole|entire|free|clear"
    r"|consecutive|straight|or\smore|or\slonger|or\sfewer|or\sless)\s++)?(.*)"
)


@functools.lru_cache(maxsize=8192)  # a short match: "3-5 business days"
def _quantity(raw: str) -> str | None:
    """The canonical quantity of "3-5 business days", "90 minutes" or "5-day"."""
    match = _QUANTITY.fullmatch(raw.strip())
    if match is None:
        return None
    low, high, unit = match.groups()
    try:
        first = Decimal(vulgar(low.replace(",", "").rstrip(".")))
        second = Decimal(vulgar(high.replace(",", "").rstrip("."))) if high else None
    except InvalidOperation:
        return None
    return canonical_quantity(first, second, unit)


def _after_currency(text: str, start: int) -> bool:
    """Whether a currency symbol or code stands just before `start` ("$3B", "USD 5m")."""
    before = text[max(0, start - 4) : start].rstrip()
    return bool(before) and (before[-1] in "$€£¥₹₩₽₺₪₫₱₦" or before[-3:] in CODES)


@functools.lru_cache(maxsize=8192)  # a match's first 64 characters
def _bare(raw: str) -> str | None:
    """The first number in a match, in canonical form, for matching across kinds."""
    digits = _NUMBER.search(raw)
    if digits is None:
        return None
    try:
        return format_number(Decimal(digits.group().replace(",", "")))
    except InvalidOperation:
        return None


def _may_hold_url(text: str) -> bool:
    """Whether `text` holds what URL needs ("://" or "www." in any case): most answers
    hold neither, and the URL search stops at every h and w."""
    return "://" in text or any(dots in text for dots in ("ww.", "wW.", "Ww.", "WW."))


def _emails(text: str) -> Iterator[re.Match[str]]:
    """E-mail addresses, searched from just before each "@" (rare) instead of everywhere."""
    done, at = 0, text.find("@")
    while at >= 0:
        match = EMAIL.search(text, max(done, at - 64))
        if match is None:
            return
        yield match
        done = match.end()
        at = text.find("@", done)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span replaced by as many spaces, so positions stay."""
    if not spans:
        return text
    pieces, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        pieces += [text[last:start], " " * (end - start)]
        last = end
    return "".join([*pieces, text[last:]])


def _shortened(raw: str) -> str:
    return shorten_text(raw.strip(_TRAILING))


def shorten_text(text: str, limit: int = 60) -> str:
    """`text` cut to `limit` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
