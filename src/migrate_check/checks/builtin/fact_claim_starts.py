"""Where claims can start: phrases looked up by their first word, and the words a
lexicon's claims start with, worked out once per lexicon rather than once per text
(`fact_claims` reads an answer's claims; this keeps its lookups cheap)."""

from __future__ import annotations

from collections.abc import Sequence

from migrate_check.checks.builtin.fact_lexicon import (
    CONDITIONS,
    HEDGES,
    NEGATIONS,
    NOT_NEGATING,
    Lexicon,
)
from migrate_check.checks.builtin.fact_opposites import PHRASES


def starts_at(words: list[str], at: int, phrase: tuple[str, ...]) -> bool:
    return tuple(words[at : at + len(phrase)]) == phrase


def longest(words: list[str], at: int, phrases: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    found: tuple[str, ...] = ()
    for phrase in by_first_word(phrases).get(words[at], ()):
        if len(phrase) > len(found) and starts_at(words, at, phrase):
            found = phrase
    return found


_INDEXES: dict[int, tuple[Sequence[object], dict[str, tuple[tuple[str, ...], ...]]]] = {}


def by_first_word(
    phrases: tuple[tuple[str, ...], ...],
) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The phrases by their first word, in their order: `_longest` looks only at those that
    start with the word at hand. Kept per tuple of phrases (the lexicon's, or a suite's
    modals): a few dozen at most."""
    known = _INDEXES.get(id(phrases))
    if known is None or known[0] is not phrases:
        index: dict[str, tuple[tuple[str, ...], ...]] = {}
        for phrase in phrases:
            index[phrase[0]] = (*index.get(phrase[0], ()), phrase)
        if len(_INDEXES) > 64:
            _INDEXES.clear()
        known = _INDEXES[id(phrases)] = (phrases, index)
    return known[1]


CONDITION_STARTS = frozenset(phrase[0] for phrase in CONDITIONS)
HEDGE_STARTS = frozenset(phrase[0] for phrase in HEDGES)
PHRASE_STARTS = frozenset(phrase[0] for phrase in PHRASES)
NOT_NEGATING_STARTS = frozenset(phrase[0] for phrase in NOT_NEGATING)
#: PHRASES by their first word, in their order.
PHRASES_BY_START: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _phrase, _word in PHRASES.items():
    PHRASES_BY_START.setdefault(_phrase[0], []).append((_phrase, _word))


class ClaimStarts:
    """What one lexicon's claims start with, worked out once per lexicon, not per text."""

    def __init__(self, lexicon: Lexicon):
        self.modal_phrases = tuple(lexicon.modals)
        self.modal_starts = frozenset(phrase[0] for phrase in lexicon.modals)
        self.starts = (
            NEGATIONS
            | self.modal_starts
            | CONDITION_STARTS
            | HEDGE_STARTS
            | PHRASE_STARTS
            | NOT_NEGATING_STARTS
        )
        #: every word a claim can start at, but those ending in "n't"
        self.read = self.starts | frozenset(lexicon.poles)


_LEXICONS: dict[int, tuple[Lexicon, object, object, ClaimStarts]] = {}


def words_of(lexicon: Lexicon) -> ClaimStarts:
    """`ClaimStarts` of a lexicon, remembered while it and its tables are the same objects (a
    lexicon is built once per check; a few at most are in use)."""
    known = _LEXICONS.get(id(lexicon))
    if (
        known is None
        or known[0] is not lexicon
        or known[1] is not lexicon.poles
        or known[2] is not lexicon.modals
    ):
        if len(_LEXICONS) > 64:
            _LEXICONS.clear()
        known = _LEXICONS[id(lexicon)] = (
            lexicon,
            lexicon.poles,
            lexicon.modals,
            ClaimStarts(lexicon),
        )
    return known[3]
