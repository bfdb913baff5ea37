"""One answer as words, sentences and clauses: what claims, names and steps are read from.

The value facts (amounts, dates, ...) are blanked out of the text before it gets here, so
their digits and names are not read twice. Words keep their position in the sentence and
clause they belong to: a claim is bound to the words of its own clause, which is how a
"not" that moved from one claim to another is told apart from one that stayed.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import repeat

from migrate_check.checks.builtin.fact_lexicon import ABBREVIATIONS, STOPWORDS, stem, words

# A word (letters first, then letters, digits, apostrophes or hyphens; or digits first,
# then letters or digits), sentence punctuation, a line break with the list marker that
# may follow, clause punctuation, or a dash between spaces. Led by the class of the
# characters these start with, so a search passes over spaces in C; what was read is
# told by its first character (looked back at). A dash is matched from the dash on: its
# space before must not be part of the mark before it, which `tokenize` checks.
_TOKEN = re.compile(
    r"[\w.!?\n,;:()\[\]\"“”|\-–—]"
    r"(?:(?P<w>(?<=[^\W\d_])[\w'’-]*+|(?<=\d)\w*+)"
    r"|(?<=[.!?])(?P<end>[.!?]*+)"
    r"|(?<=\n)(?P<line>[ \t]*+(?:[-*•+‣]|\d{1,3}[.)]|#{1,6})?)"
    r"|(?<=[,;:()\[\]\"“”|])(?P<clause>)"
    r"|(?<=\s[-–—])(?P<dash>\s))"
)
#: The list marker a text may start with, read as if a line break stood before it.
_FIRST_LINE = re.compile(r"[ \t]*+(?:[-*•+‣]|\d{1,3}[.)]|#{1,6})?")
#: A line break with its list marker, where a dash that was no mark took the break.
_LINE = re.compile(r"\n" + _FIRST_LINE.pattern)
#: For the test that no pattern nests quantifiers.
PATTERNS = (_TOKEN, _FIRST_LINE, _LINE)
#: Words that start a new clause: a claim does not reach past them.
CLAUSE_WORDS = frozenset(
    words(
        """
        but and or while whereas although though because since so however which who whom where
        until unless
        """
    )
)
SENTENCE_CHARS = 240
#: Words a claim reaches at most, so a text of stopwords is read in linear time.
REACH = 12
_CONTRACTIONS = ("n't", "n’t", "'ve", "’ve", "'re", "’re", "'ll", "’ll", "'d", "’d", "'m", "’m")


@functools.lru_cache(maxsize=65536)
def content_stem(word: str) -> str | None:
    """The stem of a word that carries content; None for "the", "don't", "you've"."""
    if word in STOPWORDS or word.endswith(_CONTRACTIONS):
        return None
    found = stem(word)
    return None if found in _STOP_STEMS else found


_STOP_STEMS = frozenset(stem(word) for word in STOPWORDS)
#: content_stem of the words seen, looked up with one C-level map per text (cheaper than
#: calling the lru_cache wrapper for each word); cleared when it grows past 65536.
_CONTENT: dict[str, str | None] = {}
_UNSEEN = ""
#: What ends the chunks `tokenize` reads: letters, so the run before it is read too.
_END = "".join(("e", "nd"))  # an object of its own: checked with `is`


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
        for number, stems in self.clause_stems().items():
            if number in marked or (head and head not in stems):
                continue
            if len(window & stems) >= needed:
                return True
        return False

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


def tokenize(text: str, shown: str | None = None) -> Tokens:
    """`text` cut into words, sentences, clauses and list items (linear time); `shown`
    is the same text before the value facts were blanked, quoted in evidence.

    Each word's sentence, list item and whether it starts one are the same for all the
    words between two marks, so they are given at the next mark, a run at a time."""
    words: list[str] = []
    raw: list[str] = []
    starts: list[int] = []
    clause: list[int] = []
    sentence: list[int] = []
    initial: list[bool] = []
    item: list[int] = []
    numbered: list[bool] = []
    spans: list[tuple[int, int]] = []
    sentence_start, sentence_number, clause_number, item_number = 0, 0, 0, -1
    at_start = True
    in_list = False
    fresh = True  # no word yet in the current sentence
    done = 0  # words given their sentence, list item and start so far
    read = 0  # where the last mark ended
    add_word, add_raw, add_start = words.append, raw.append, starts.append
    add_clause = clause.append
    first = None  # a line that starts the text (no line break before it)
    if text and text[0] not in ".!?\n" and not text[0].isalnum():
        first = _FIRST_LINE.match(text)
    # Most words stand alone between spaces: such a run of letters is a word and nothing
    # else, whatever stands around it, so it is taken as it is; so is a word with a mark
    # after it ("said," "done.") and an empty chunk (two spaces). The runs of other
    # chunks (digits, line breaks, brackets) are read with _TOKEN.
    chunks = text.split(" ")
    chunks.append(_END)
    offset, gathered = 0, -1  # where the chunk starts; where the unread run started
    for chunk in chunks:
        if chunk.isalpha():
            if gathered < 0:  # a word alone
                lower = chunk.casefold()
                if lower in CLAUSE_WORDS:
                    clause_number += 1
                add_word(lower)
                add_raw(chunk)
                add_start(offset)
                add_clause(clause_number)
                offset += len(chunk) + 1
                continue
            stop = offset + len(chunk)  # the run before this word, and the word
            tokens: Iterable[tuple[str | None, str, int, int]]
            tokens = _read(text, gathered, stop, first if gathered == 0 else None)
            gathered = -1
        elif not chunk and offset:  # two spaces: nothing to read
            offset += 1
            continue
        elif gathered >= 0 or "\n" in chunk or not (tokens := _simple(chunk, offset)):
            if gathered < 0:
                gathered = offset
            offset += len(chunk) + 1
            continue
        stop = offset + len(chunk)
        while True:
            for kind, found, at, end in tokens:
                if kind == "w":
                    found = found.rstrip("-'’")
                    lower = found.casefold()
                    if lower in CLAUSE_WORDS:
                        clause_number += 1
                    add_word(lower)
                    add_raw(found)
                    add_start(at)
                    add_clause(clause_number)
                    continue
                if count := len(words) - done:  # the words since the last mark
                    if fresh:
                        sentence_start, fresh = starts[done], False
                    sentence += [sentence_number] * count
                    initial.append(at_start)
                    initial += [False] * (count - 1)
                    item += [item_number if in_list else -1] * count
                    at_start, done = False, len(words)
                if kind == "dash" and at - 1 < read:  # its space ended the mark before:
                    if text[end - 1] == "\n":  # no dash, and the break it took starts a line
                        break
                    continue
                read = end
                if kind == "clause" or kind == "dash":
                    clause_number += 1
                    if kind == "clause" and found in ":|":
                        at_start = True
                    continue
                if kind == "end":
                    at = end
                    if (
                        found == "."
                        and words
                        and words[-1] in ABBREVIATIONS
                        and text[at : at + 2].strip()
                    ):
                        continue  # "Dr. Patel": no sentence ends
                if not fresh:  # the sentence ends here
                    spans.append((sentence_start, at))
                    sentence_number += 1
                    clause_number += 1
                sentence_start, at_start, fresh = at, True, True
                if kind != "end":  # a line, and the list marker that may start it
                    marker = found.strip()
                    in_list = bool(marker) and not marker.startswith("#")
                    if in_list:
                        item_number += 1
                        numbered.append(marker[:1].isdigit() or marker == "‣")
            else:
                break
            tokens = _read(text, end - 1, stop, _LINE.match(text, end - 1, stop))
        offset += len(chunk) + 1
    if raw and raw[-1] is _END:  # read as a word alone: it ends the chunks, no more
        del words[-1], raw[-1], starts[-1], clause[-1]
    if count := len(words) - done:
        if fresh:
            sentence_start = starts[done]
        sentence += [sentence_number] * count
        initial.append(at_start)
        initial += [False] * (count - 1)
        item += [item_number if in_list else -1] * count
    if words and sentence[-1] == sentence_number:
        spans.append((sentence_start, len(text)))
    if not spans:
        spans.append((0, len(text)))
    content = list(map(_CONTENT.get, words, repeat(_UNSEEN)))
    if _UNSEEN in content:
        if len(_CONTENT) > 65536:
            _CONTENT.clear()
        for at, stem_of in enumerate(content):
            if stem_of is _UNSEEN:
                content[at] = _CONTENT[words[at]] = content_stem(words[at])
    return Tokens(
        shown or text,
        text,
        words,
        raw,
        starts,
        sentence,
        clause,
        initial,
        item,
        numbered,
        spans,
        frozenset(filter(None, content)),
        content=content,
    )


#: A chunk between spaces that is a word with a mark after it, or a mark alone: read
#: without _TOKEN, as it would read it (the word's letters, then the mark).
_MARKS = {**dict.fromkeys(".!?", "end"), **dict.fromkeys(',;:()[]"“”|', "clause")}


def _simple(chunk: str, at: int) -> list[tuple[str | None, str, int, int]]:
    """The tokens of `chunk` (at `at`, no line break in it) when it is a word with an
    apostrophe or hyphen ("don't"), or letters and one mark ("said," "done."); else []."""
    mark, body = chunk[-1:], chunk[:-1]
    if mark not in _MARKS or not (body.isalpha() or not body):
        if _PLAIN_WORD.fullmatch(chunk):
            return [("w", chunk, at, at + len(chunk))]
        return []
    end = at + len(body)
    mark_token = (_MARKS[mark], mark, end, end + 1)
    return [("w", body, at, end), mark_token] if body else [mark_token]


_PLAIN_WORD = re.compile(r"[^\W\d_][\w'’-]*+")


def _read(
    text: str, start: int, stop: int, first: re.Match[str] | None
) -> Iterator[tuple[str | None, str, int, int]]:
    """The tokens of `text[start:stop]` by _TOKEN, after `first` (a line mark) if given."""
    if first is not None:
        yield None, first.group(), first.start(), first.end()
        start = first.end()
    for match in _TOKEN.finditer(text, start, stop):
        yield match.lastgroup, match.group(), match.start(), match.end()
