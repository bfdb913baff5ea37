"""An answer: "Yes." or "No, ..." opening a sentence, a line or a label's value
("Parking: Yes"), mostly to a question asked. Read as a pole of its own axis
(`answer:1`, `answer:0`), so "Yes." becoming "No." is a changed polarity, while an
answer one side leaves out ("Yes, you can" and "You can") is none."""

from __future__ import annotations

from migrate_check.checks.builtin.fact_records import Fact
from migrate_check.checks.builtin.fact_text import Tokens

_ANSWERS = {"yes": "1", "no": "0"}
#: Words an answer may follow at the start of its sentence: "Sorry, no."
_SOFTENERS = frozenset({"sorry", "unfortunately", "afraid"})
#: What follows an answer word: a mark, a line break or the end ("No smoking" is no answer).
_AFTER = frozenset(".,!;:–—-\n")


def read_answers(tokens: Tokens) -> list[Fact]:
    """Each "yes" or "no" that opens a sentence, a line or a label's value (or follows
    "Sorry,") and stands alone: a mark, a line break or the end after it."""
    t = tokens
    found: list[Fact] = []
    if "yes" not in t.words and "no" not in t.words:
        return found  # most answers hold neither: one scan in C, not a loop over words
    for at, word in enumerate(t.words):
        if word not in _ANSWERS:
            continue
        if not (t.initial[at] or (at and t.initial[at - 1] and t.words[at - 1] in _SOFTENERS)):
            continue
        end = t.starts[at] + len(t.raw[at])
        after = t.text[end : end + 3].lstrip(" ")[:1]  # "No." "No, ..." "No — ..."
        if after and after not in _AFTER:
            continue
        sentence = t.sentence[at]
        window: frozenset[str] = frozenset()
        if sentence and _asks(t, sentence - 1):  # what it answers
            window = t.sentence_stems()[sentence - 1]
        value = f"answer:{_ANSWERS[word]}"
        found.append(
            Fact(
                "polarity", value, t.raw[at], t.starts[at], end, sentence, window=window, head=word
            )
        )
    return found


def _asks(t: Tokens, sentence: int) -> bool:
    start, end = t.sentence_spans[sentence]
    return t.text[start:end].rstrip().endswith("?")
