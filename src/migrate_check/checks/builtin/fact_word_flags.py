"""Per-word tests answered for a whole text at once (issue 25).

A reader that looks for a few words ("don't", "non-refundable") among all of a text's
words asked each word in Python; most words recur from text to text, so each distinct
word's answer is kept (keyed by the word alone, never by a text or a sentence) and a
text's words are looked up in C. Bounded: cleared when it holds `LIMIT` words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import compress

LIMIT = 65536


class WordFlags:
    """The distinct words of a text that `test` holds for, `test` asked once per word."""

    __slots__ = ("test", "known")

    def __init__(self, test: Callable[[str], bool]):
        self.test = test
        self.known: dict[str, bool] = {}

    def of(self, words: Iterable[str]) -> set[str]:
        """The distinct words among `words` that `test` holds for."""
        distinct = set(words)
        known = self.known
        unseen = distinct.difference(known)
        if unseen:
            if len(known) + len(unseen) > LIMIT:
                known.clear()
                unseen = distinct
            for word in unseen:
                known[word] = self.test(word)
        return set(compress(distinct, map(known.__getitem__, distinct)))
