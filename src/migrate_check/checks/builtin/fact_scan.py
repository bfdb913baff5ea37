"""How FACT is searched: only where a fact can start, with only the alternatives that can
start with the character there (issue 25).

`FACT.finditer` tries FACT's ~20 alternatives at every position of the text. The same
matches are found here with ~40% fewer instructions: a scan led by a character class,
which the regex engine runs in C, finds the positions CAN_START lets through; at each,
FACT is tried with only the alternatives that can start with its first character (an
ASCII digit, an ASCII letter, or anything else: all of them), in FACT's order, so the
first that matches is FACT's. Which alternatives can start with a digit or a letter is
read off FACT's own pattern, so a rule added to `fact_patterns` is dispatched too.
"""

from __future__ import annotations

import importlib
import re
import string
from collections.abc import Iterator
from typing import Any

from migrate_check.checks.builtin.fact_patterns import BARE_TLD, BARE_URL, CAN_START, FACT

#: The characters CAN_START lets a fact start with: ASCII digits, signs and symbols,
#: capitals and the first letters of its lower-case words, and every non-ASCII character
#: (currency symbols, other scripts' digits, letters `(?i)` folds to ASCII ones).
#: `tests/checks/test_facts_mechanics.py` checks it against CAN_START.
CAN_START_CHARS = r"0-9$+(\-A-Zbfmnstwxy\x80-\U0010ffff"
#: Where a fact can start: led by a character class, so a search passes over the rest of
#: the text in C, then not inside a word and where CAN_START holds.
CANDIDATE = re.compile("[" + CAN_START_CHARS + r"](?<!\w.)(?<=" + CAN_START + ".)")

_DIGIT, _LETTER = "digit", "letter"
_DIGITS = frozenset(string.digits)
_LETTERS = frozenset(string.ascii_letters)


def split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of `pattern`: split at each `|` outside groups and
    character classes."""
    parts: list[str] = []
    depth, start, at, class_from = 0, 0, 0, -1  # class_from: where a class may close
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            at += 2
            continue
        if class_from >= 0:
            if char == "]" and at > class_from:
                class_from = -1
        elif char == "[":
            class_from = at + (2 if pattern[at + 1 : at + 2] == "^" else 1)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:at])
            start = at + 1
        at += 1
    return [*parts, pattern[start:]]


def first_characters(pattern: str) -> frozenset[str]:
    """Which of an ASCII digit and an ASCII letter a match of `pattern` can start with
    (more than it can is fine: it is only tried more often)."""
    parser = importlib.import_module("re._parser")
    found, empty = _first(
        parser.parse(pattern).data, False, importlib.import_module("re._constants")
    )
    return frozenset({_DIGIT, _LETTER} if empty else found)


def _first(items: Any, ignorecase: bool, c: Any) -> tuple[set[str], bool]:
    """(kinds the first character can be, whether `items` can match nothing)."""
    found: set[str] = set()
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):  # reads no character
            continue
        if op is c.SUBPATTERN:
            folds = (ignorecase or bool(av[1] & c.SRE_FLAG_IGNORECASE)) and not (
                av[2] & c.SRE_FLAG_IGNORECASE
            )
            kinds, empty = _first(av[3], folds, c)
        elif op is c.ATOMIC_GROUP:
            kinds, empty = _first(av, ignorecase, c)
        elif op is c.BRANCH:
            kinds, empty = set(), False
            for branch in av[1]:
                more, none = _first(branch, ignorecase, c)
                kinds, empty = kinds | more, empty or none
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            kinds, empty = _first(av[2], ignorecase, c)
            empty = empty or av[0] == 0
        elif op is c.LITERAL:
            kinds, empty = _kinds_of(chr(av), ignorecase), False
        elif op is c.IN:
            kinds, empty = _kinds_in(av, ignorecase, c), False
        else:  # any character, or a group's text again: whatever it is
            kinds, empty = {_DIGIT, _LETTER}, op not in (c.ANY, c.NOT_LITERAL)
        found |= kinds
        if not empty:
            return found, False
    return found, True


def _kinds_of(char: str, ignorecase: bool) -> set[str]:
    if char in _DIGITS:
        return {_DIGIT}
    if char in _LETTERS or (ignorecase and not char.isascii()):  # "K" (Kelvin) folds to k
        return {_LETTER}
    return set()


def _kinds_in(items: Any, ignorecase: bool, c: Any) -> set[str]:
    kinds: set[str] = set()
    for op, av in items:
        if op is c.NEGATE:
            return {_DIGIT, _LETTER}
        if op is c.LITERAL:
            kinds |= _kinds_of(chr(av), ignorecase)
        elif op is c.RANGE:
            low, high = av
            if low <= ord("9") and high >= ord("0"):
                kinds.add(_DIGIT)
            if (low <= ord("z") and high >= ord("A")) or (ignorecase and high >= 0x80):
                kinds.add(_LETTER)
        elif av in (c.CATEGORY_DIGIT,):
            kinds.add(_DIGIT)
        elif av in (c.CATEGORY_NOT_DIGIT,):
            kinds.add(_LETTER)
        elif av not in (c.CATEGORY_SPACE, c.CATEGORY_NOT_WORD, c.CATEGORY_LINEBREAK):
            kinds |= {_DIGIT, _LETTER}
    return kinds


def _facts_starting_with(kind: str) -> re.Pattern[str]:
    """FACT with only the alternatives that can start with a character of `kind`."""
    head = CAN_START + "(?:"
    assert FACT.pattern.startswith(head) and FACT.pattern.endswith(")")
    alternatives = split_alternatives(FACT.pattern[len(head) : -1])
    kept = [a for a in alternatives if kind in first_characters(a)]
    return re.compile(head + ("|".join(kept) if kept else "(?!)") + ")")


FACT_AT_DIGIT = _facts_starting_with(_DIGIT)
FACT_AT_LETTER = _facts_starting_with(_LETTER)


def fact_matches(text: str) -> Iterator[re.Match[str]]:
    """FACT's matches in `text`, the very ones `FACT.finditer` gives. Linear: each part
    of the text is scanned once."""
    search, match = CANDIDATE.search, FACT.match
    at_digit, at_letter = FACT_AT_DIGIT.match, FACT_AT_LETTER.match
    at = 0
    while (candidate := search(text, at)) is not None:
        start = candidate.start()
        char = text[start]
        if char in _DIGITS:
            found = at_digit(text, start)
        elif char in _LETTERS:
            found = at_letter(text, start)
        else:
            found = match(text, start)
        if found is None:
            at = candidate.end()
        else:
            yield found
            at = found.end()


def bare_urls(text: str) -> Iterator[re.Match[str]]:
    """`BARE_URL.finditer(text)`, tried only where one can start: a link without its
    scheme holds a known ending (BARE_TLD, found in C) and starts where the run of name
    characters (`[\\w.-]`) holding that ending starts; only there is it tried, not at
    every letter. Linear: a run is walked back over from its first ending only."""
    done, previous = 0, -1  # where the last link ended; where the last ending stood
    for ending in BARE_TLD.finditer(text):
        start = ending.start()
        while start > 0 and start != previous and _name_character(text[start - 1]):
            start -= 1
        same_run = start == previous  # the last ending's run: its start was tried
        previous = ending.start()
        if same_run or start < done:
            continue
        if (found := BARE_URL.match(text, start)) is not None:
            yield found
            done = found.end()


def _name_character(char: str) -> bool:
    """Whether `char` is in `[\\w.-]` (`\\w`: alphanumeric or "_", as `str.isalnum`)."""
    return char.isalnum() or char in "_.-"
