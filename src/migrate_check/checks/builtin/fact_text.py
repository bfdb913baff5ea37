"""One answer as words, sentences and clauses: what claims, names and steps are read from.

The value facts (amounts, dates, ...) are blanked out of the text before it gets here, so
their digits and names are not read twice. Words keep their position in the sentence and
clause they belong to: a claim is bound to the words of its own clause, which is how a
"not" that moved from one claim to another is told apart from one that stayed.
`fact_tokenizer` cuts a text into them.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from dataclasses import dataclass, field

from migrate_check.checks.builtin.fact_lexicon import STOPWORDS, stem

SENTENCE_CHARS = 240
#: Words a claim reaches at most, so a text of stopwords is read in linear time.
REACH = 12
#: The `Tokens.marked` key of clauses negated as a whole: by a word that negates without
#: a negation read ("refused"), a negative pole ("out of stock"), or a label's "none".
WHOLLY_NEGATED = "negation:whole"
_CONTRACTIONS = ("n't", "n’t", "'ve", "’ve", "'re", "’re", "'ll", "’ll", "'d", "’d", "'m", "’m")


@functools.lru_cache(maxsize=65536)
def content_stem(word: str) -> str | None:
    """The stem of a word that carries content; None for "the", "don't", "you've"."""
    if word in STOPWORDS or word.endswith(_CONTRACTIONS):
        return None
    found = stem(word)
    return None if found in _STOP_STEMS else found


_STOP_STEMS = frozenset(stem(word) for word in STOPWORDS)


@dataclass
class Tokens:
    """The words of one text with where each stands."""

    text: str
    blanked: str  # the text with its value facts blanked
    words: list[str]  # casefolded
    raw: list[str]
    starts: list[int]
    sentence: list[int]  # sentence number of each word
    clause: list[int]  # clause number of each word
    initial: list[bool]  # first word of its sentence, line or list item
    item: list[int]  # list item number of each word (-1 outside lists)
    numbered: list[bool]  # whether each list item is numbered
    sentence_spans: list[tuple[int, int]]
    #: content stems of the whole text, for "is this claim still there?"
    stems: frozenset[str]
    _sentence_stems: list[frozenset[str]] | None = None
    _clause_stems: dict[int, set[str]] | None = None
    _plain_words: frozenset[str] | None = None
    _part_stems: frozenset[str] | None = None
    #: kind -> numbers of the clauses that hold a claim of it (negation, hedges, ...)
    marked: dict[str, set[int]] = field(default_factory=dict)
    #: clause number -> what each negation read in it reaches: the words after it
    negated: dict[int, list[frozenset[str]]] = field(default_factory=dict)
    #: `content_stem` of each word, looked up once for every reader of the words
    content: list[str | None] = field(default_factory=list)
    _sentence_starts: list[int] | None = None

    def window(
        self, at: int, after: int = 4, before: int = 2, skip: int = 0, across: bool = False
    ) -> frozenset[str]:
        """Content stems of the clause around word `at`: up to `after` words from
        `at + skip` on, and `before` words before `at`, not past the clause (with
        `across`, the words before may come from earlier clauses of the sentence)."""
        clauses, stems = self.clause, self.content
        clause = clauses[at]
        found: list[str] = []
        index = at + skip
        stop = min(len(stems), index + REACH)
        while index < stop and clauses[index] == clause and len(found) < after:
            if (content := stems[index]) is not None:
                found.append(content)
            index += 1
        taken, index = 0, at - 1
        sentence = self.sentence[at]
        low = max(0, at - REACH)
        while (
            index >= low
            and taken < before
            and (clauses[index] == clause or (across and self.sentence[index] == sentence))
        ):
            if (content := stems[index]) is not None:
                found.append(content)
                taken += 1
            index -= 1
        return frozenset(found)

    def joined(self, at: int) -> bool:
        """Whether word `at + 1` follows word `at` with nothing but spaces or a hyphen
        between them (no punctuation, no value fact)."""
        if at + 1 >= len(self.words):
            return False
        start, end = self.starts[at] + len(self.raw[at]), self.starts[at + 1]
        return end - start < 4 and self.text[start:end].strip(" -") == ""

    def unbroken(self, at: int, length: int) -> bool:
        """Whether the `length` words from `at` on stand with no value fact between them:
        "have 7 days to appeal" holds no "have to"."""
        return not any(self.after_value(index) for index in range(at + 1, at + length))

    def after_value(self, at: int) -> bool:
        """Whether a value fact (an amount, a quantity) stands just before word `at`."""
        index = self.starts[at] - 1
        while index >= 0 and self.text[index] in " \t":
            index -= 1
        return index >= 0 and self.blanked[index] == " " and self.text[index] != " "

    def head(self, at: int, skip: int = 1, over: frozenset[str] = frozenset()) -> str:
        """The stem of the first content word from `at + skip` on in the clause, reaching
        over the words in `over`: what a negation or a modal is about."""
        index = at + skip
        stop = min(len(self.words), index + REACH)
        clauses, clause = self.clause, self.clause[at]
        while index < stop and clauses[index] == clause:
            if (content := self.content[index]) is not None and self.words[index] not in over:
                return content
            index += 1
        return ""

    def sentence_stems(self) -> list[frozenset[str]]:
        """Content stems of each sentence, for finding where a fact went."""
        if self._sentence_stems is None:
            found: list[set[str]] = [set() for _ in self.sentence_spans]
            for content, number in zip(self.content, self.sentence, strict=True):
                if content is not None and number < len(found):
                    found[number].add(content)
            self._sentence_stems = [frozenset(stems) for stems in found]
        return self._sentence_stems

    def plain_words(self) -> frozenset[str]:
        """The words, possessives dropped ("Mary's" is "mary"), for finding a name."""
        if self._plain_words is None:
            found = set(self.words)  # distinct words, possessives then dropped
            owners = [word for word in found if word.endswith(("'s", "’s"))]
            found.difference_update(owners)
            found.update(word[:-2] for word in owners)
            self._plain_words = frozenset(found)
        return self._plain_words

    def part_stems(self) -> frozenset[str]:
        """`stems` and the stems of each part of a hyphenated word ("weekday-morning"
        holds "weekday" and "morn"): one compound is written with or without hyphens."""
        if self._part_stems is None:
            parts = (part for word in self.words if "-" in word for part in word.split("-"))
            self._part_stems = self.stems | frozenset(filter(None, map(content_stem, parts)))
        return self._part_stems

    def clause_stems(self) -> dict[int, set[str]]:
        """Content stems of each clause, for "is this claim made here too?"."""
        if self._clause_stems is None:
            found: dict[int, set[str]] = {}
            for content, number in zip(self.content, self.clause, strict=True):
                if content is not None:
                    found.setdefault(number, set()).add(content)
            self._clause_stems = found
        return self._clause_stems

    def stands(self, window: frozenset[str], head: str, without: str) -> bool:
        """Whether some clause makes the claim of `window` (its `head` and at least two of
        its words, or all when it has fewer) with no claim of kind `without` in it."""
        if not window:
            return False
        needed = min(2, len(window))
        marked = self.marked.get(without, set())
        wholly = self.marked.get(WHOLLY_NEGATED, set()) if without == "negation" else marked
        for number, stems in self.clause_stems().items():
            if head and head not in stems:
                continue
            if number in marked and (number in wholly or not self._negated_apart(number, head)):
                continue
            if len(window & stems) >= needed:
                return True
        return False

    def _negated_apart(self, number: int, head: str) -> bool:
        """Whether the negations of clause `number` all negate something other than
        `head` ("available at no extra charge" still says "available")."""
        windows = self.negated.get(number, [])
        return bool(head and windows) and all(head not in window for window in windows)

    def sentence_text(self, number: int) -> str:
        start, end = self.sentence_spans[number]
        text = " ".join(self.text[start:end].split())
        return text if len(text) <= SENTENCE_CHARS else text[: SENTENCE_CHARS - 1] + "…"

    def sentence_of(self, position: int) -> int:
        """The sentence holding character `position` (a value fact's start): the last one
        starting at or before it, else the first."""
        if self._sentence_starts is None:
            self._sentence_starts = [start for start, _ in self.sentence_spans]
        return max(0, bisect_right(self._sentence_starts, position) - 1)
