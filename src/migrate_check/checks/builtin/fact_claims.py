"""Claims read from the words of an answer: negations, opposites, modals, conditions and
hedges, each bound to the words of its clause.

A negation is one per claim, not one count per answer: "not" with the words it negates.
A word with an opposite that is negated ("not approved") is read as a negation of it,
not as an opposite: against "approved" it is a change, against "declined" nothing is
compared.
Phrases that hold a negation word but negate nothing ("no later than", "not only") are
not negations. Modals are read with the verb they govern ("must renew"), hedges and
conditions with the claim they qualify. Names and steps are `fact_names`'.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import compress

from migrate_check.checks.builtin.fact_lexicon import (
    CONDITIONS,
    COURTESY,
    EPISTEMIC,
    HEDGES,
    IMPLICIT_NEGATIONS,
    MODAL_SKIPS,
    NEGATING_PREFIXES,
    NEGATION_SKIPS,
    NEGATIONS,
    NOT_NEGATING,
    PHRASES,
    READER,
    Lexicon,
    stem,
)
from migrate_check.checks.builtin.fact_records import Fact
from migrate_check.checks.builtin.fact_text import Tokens

_CONTRACTED_MODALS: dict[str, tuple[str, ...]] = {
    "can": ("can",),
    "could": ("could",),
    "should": ("should",),
    "must": ("must",),
    "need": ("need", "to"),
}


def _starts(words: list[str], at: int, phrase: tuple[str, ...]) -> bool:
    return tuple(words[at : at + len(phrase)]) == phrase


def _longest(words: list[str], at: int, phrases: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    found: tuple[str, ...] = ()
    for phrase in _by_first_word(phrases).get(words[at], ()):
        if len(phrase) > len(found) and _starts(words, at, phrase):
            found = phrase
    return found


_INDEXES: dict[int, tuple[Sequence[object], dict[str, tuple[tuple[str, ...], ...]]]] = {}


def _by_first_word(
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


_NOT = ("n't", "n’t")
#: Claims read from one text at most; the rest of a hostile text is not read for claims.
MAX_CLAIMS = 2000
_NOT_NEGATING_PAIRS = frozenset(
    phrase[: n + 1] for phrase in NOT_NEGATING if phrase[0] == "not" for n in (1, 2)
) | frozenset(phrase for phrase in NOT_NEGATING if phrase[0] == "not")
_CONDITION_STARTS = frozenset(phrase[0] for phrase in CONDITIONS)
_HEDGE_STARTS = frozenset(phrase[0] for phrase in HEDGES)
_PHRASE_STARTS = frozenset(phrase[0] for phrase in PHRASES)
_NOT_NEGATING_STARTS = frozenset(phrase[0] for phrase in NOT_NEGATING)
#: PHRASES by their first word, in their order.
_PHRASES_BY_START: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _phrase, _word in PHRASES.items():
    _PHRASES_BY_START.setdefault(_phrase[0], []).append((_phrase, _word))


class _Words:
    """What one lexicon's claims start with, worked out once per lexicon, not per text."""

    def __init__(self, lexicon: Lexicon):
        self.modal_phrases = tuple(lexicon.modals)
        self.modal_starts = frozenset(phrase[0] for phrase in lexicon.modals)
        self.starts = (
            NEGATIONS
            | self.modal_starts
            | _CONDITION_STARTS
            | _HEDGE_STARTS
            | _PHRASE_STARTS
            | _NOT_NEGATING_STARTS
        )
        #: every word a claim can start at, but those ending in "n't"
        self.read = self.starts | frozenset(lexicon.poles)


_LEXICONS: dict[int, tuple[Lexicon, object, object, _Words]] = {}


def _words_of(lexicon: Lexicon) -> _Words:
    """`_Words` of a lexicon, remembered while it and its tables are the same objects (a
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
        known = _LEXICONS[id(lexicon)] = (lexicon, lexicon.poles, lexicon.modals, _Words(lexicon))
    return known[3]


class _ClaimReader:
    def __init__(self, tokens: Tokens, lexicon: Lexicon):
        self.t = tokens
        self.lexicon = lexicon
        self.found: list[Fact] = []
        self.taken: set[int] = set()
        self.words = _words_of(lexicon)
        self.modal_phrases = self.words.modal_phrases
        self.modal_starts = self.words.modal_starts
        self.starts = self.words.starts

    def add(
        self, kind: str, value: str, at: int, end: int, window: frozenset[str], head: str = ""
    ) -> None:
        t = self.t
        start, stop = t.starts[at], t.starts[end - 1] + len(t.raw[end - 1])
        raw = t.text[start:stop]
        fact = Fact(kind, value, raw, start, stop, t.sentence[at], window=window, head=head)
        self.found.append(fact)
        t.marked.setdefault(kind, set()).add(t.clause[at])

    def pole(self, at: int) -> tuple[tuple[int, int], int] | None:
        """((axis, pole), words taken) of an opposite at word `at`."""
        words = self.t.words
        if words[at] in _PHRASE_STARTS:
            for phrase, word in _PHRASES_BY_START[words[at]]:
                if _starts(words, at, phrase):
                    found = self.lexicon.poles.get(word)
                    return (found, len(phrase)) if found else None
        raw = self.t.raw[at]
        if raw[:1].isupper() and not self.t.initial[at] and not raw.isupper():
            return None  # a name ("Approval Team"), not a claim
        found = self.lexicon.poles.get(words[at])
        return (found, 1) if found else None

    def negation(self, at: int) -> int:
        """Read the negation at word `at`; the words it took."""
        t, words = self.t, self.t.words
        word = words[at]
        if word in _NOT_NEGATING_STARTS and (phrase := _longest(words, at, NOT_NEGATING)):
            return len(phrase)
        if word.endswith(_NOT) and ("not", *words[at + 1 : at + 3]) in _NOT_NEGATING_PAIRS:
            return 1  # "don't hesitate"
        if word == "no" and t.text[t.starts[at] + 2 : t.starts[at] + 5].lstrip(". ")[:1].isdigit():
            return 1  # "No. 5" is a number sign
        target = at + 1
        while target < min(len(words), at + 8) and words[target] in NEGATION_SKIPS:
            if t.clause[target] != t.clause[at]:
                break
            target += 1
        if target < len(words) and t.clause[target] == t.clause[at]:
            polar = self.pole(target)
            if polar is not None:  # "not approved": a negation of "approved", no opposite
                self.taken.update(range(target, target + polar[1]))
        after = t.window(at, skip=1)
        window, head = after, t.head(at, 1, NEGATION_SKIPS)
        if not window:  # "Cancellation fee: none": what is negated stands before it
            window = t.window(at, after=0, before=3, across=True)
            head = next(iter(window), "") if len(window) == 1 else head
        self.add("negation", "not", at, at + 1, window, head)
        if not after:
            t.marked["negation"].update(t.clause[i] for i in range(max(0, at - 4), at))
        return 1

    def read(self) -> list[Fact]:
        words = self.t.words
        # the words read, and those ending in "n't" (looked at once per distinct word)
        positions = range(len(words))
        candidates: Iterable[int] = compress(positions, map(self.words.read.__contains__, words))
        nots = {word for word in set(words) if word.endswith(_NOT)}
        if nots:
            candidates = sorted({*candidates, *compress(positions, map(nots.__contains__, words))})
        marked = self.t.marked.setdefault("negation", set())
        marked.update(compress(self.t.clause, map(IMPLICIT_NEGATIONS.__contains__, words)))
        done = 0
        for index in candidates:
            if index >= done and index not in self.taken:
                done = index + self.read_at(index)
            if len(self.found) >= MAX_CLAIMS:
                break
        return self.found

    def read_at(self, at: int) -> int:
        t, words = self.t, self.t.words
        word = words[at]
        if word in NEGATIONS:
            if word == "cannot":
                self.modal(at, ("can",), 1, negated=True)
            return self.negation(at)
        if word.endswith(("n't", "n’t")):
            base = word[:-3]
            modal = _CONTRACTED_MODALS.get("can" if base == "ca" else base)
            if modal is not None:
                self.modal(at, modal, 1, negated=True)
            return self.negation(at)
        if word in self.modal_starts and not (t.raw[at][:1].isupper() and not t.initial[at]):
            phrase = _longest(words, at, self.modal_phrases)
            if phrase:
                return self.modal(at, phrase, len(phrase))
        if word in _CONDITION_STARTS:
            phrase = _longest(words, at, CONDITIONS)
            if phrase:
                window = t.window(at, after=5, before=0, skip=len(phrase))
                if not window <= COURTESY:
                    head = t.head(at, len(phrase))
                    self.add("conditions", " ".join(phrase), at, at + len(phrase), window, head)
                return len(phrase)
        if word in _HEDGE_STARTS:
            phrase = _longest(words, at, HEDGES)
            if phrase:
                window = t.window(at, skip=len(phrase))
                head = t.head(at, len(phrase))
                self.add("hedges", " ".join(phrase), at, at + len(phrase), window, head)
                return len(phrase)
        polar = self.pole(at)
        if polar is not None:
            (axis, pole), taken = polar
            window = t.window(at, skip=taken)
            self.add("polarity", f"{axis}:{pole}", at, at + taken, window, stem(words[at]))
            return taken
        return 1

    def modal(self, at: int, phrase: tuple[str, ...], taken: int, negated: bool = False) -> int:
        """A modal with the verb it governs; "may" of something other than the reader
        is a hedge ("it may take longer") as well as a modal."""
        t = self.t
        strength = self.lexicon.modals[phrase]
        reader = at == 0 or t.initial[at] or t.words[at - 1] in READER
        window = t.window(at, after=2, before=0, skip=taken)
        head = t.head(at, taken, MODAL_SKIPS)
        following = t.words[at + taken] if at + taken < len(t.words) else ""
        if (negated or following == "not") and not reader:
            return taken  # "we couldn't": an inability, not a hedge or a permission
        if phrase in EPISTEMIC and not (at and t.words[at - 1] in READER):
            # "it may take longer": a hedge; against "must take" on the other side, a
            # modal as well, so the change of strength is seen too
            hedge = t.window(at, skip=taken)
            self.add("hedges", " ".join(phrase), at, at + len(phrase), hedge, head)
        # "should" is read as a modal only: "it should arrive" is compared with another
        # modal on "arrive", never as a hedge against "it will arrive"
        self.add("modality", str(strength), at, at + len(phrase), window, head)
        return taken


def read_claims(tokens: Tokens, lexicon: Lexicon) -> list[Fact]:
    """Every negation, opposite, modal, condition and hedge in `tokens`."""
    return _ClaimReader(tokens, lexicon).read()


def prefixed_negatives(tokens: Tokens, lexicon: Lexicon) -> dict[str, Fact]:
    """Words that may negate by a prefix ("non-refundable", "incorrect"), keyed by the stem
    of the bare word; they count only when the other side has that bare word."""
    found: dict[str, Fact] = {}
    words = tokens.words
    for at in [i for i, w in enumerate(words) if len(w) >= 7 and w.startswith(NEGATING_PREFIXES)]:
        word = words[at]
        if word in lexicon.poles:
            continue
        for prefix in NEGATING_PREFIXES:
            bare = word[len(prefix) :]
            if word.startswith(prefix) and len(bare) >= 5 and bare.isalpha():
                start = tokens.starts[at]
                fact = Fact(
                    "negation",
                    "not",
                    tokens.raw[at],
                    start,
                    start + len(tokens.raw[at]),
                    tokens.sentence[at],
                    window=tokens.window(at) | {stem(bare)},
                )
                found.setdefault(stem(bare), fact)
                break
    return found
