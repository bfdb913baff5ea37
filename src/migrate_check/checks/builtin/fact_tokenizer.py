"""An answer cut into words, sentences, clauses and list items: the one pass over its
text that `Tokens` is built by, in linear time."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import repeat

from migrate_check.checks.builtin.fact_lexicon import ABBREVIATIONS, words
from migrate_check.checks.builtin.fact_text import Tokens, content_stem

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
#: content_stem of the words seen, looked up with one C-level map per text (cheaper than
#: calling the lru_cache wrapper for each word); cleared when it grows past 65536.
_CONTENT: dict[str, str | None] = {}
_UNSEEN = ""
#: What ends the chunks `tokenize` reads: letters, so the run before it is read too.
_END = "".join(("e", "nd"))  # an object of its own: checked with `is`


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
                        and (words[-1] != "no" or not _word_follows(text, at))
                    ):
                        continue  # "Dr. Patel", "No. 5": no sentence ends; "No. You" does
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


def _word_follows(text: str, at: int) -> bool:
    """Whether a word follows position `at` ("No. You can't"), not a number or a sign
    ("No. 5", "no.: TM-88"); bold marks between do not count ("**No.** You")."""
    return text[at : at + 5].lstrip(" *_")[:1].isalpha()


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
