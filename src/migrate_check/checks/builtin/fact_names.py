"""Names and steps read from the words of an answer.

Names: runs of capitalised words inside a sentence (people, organisations, streets,
cities, products, buttons), with case, possessives and titles ("Dr.") normalised. A
capitalised word that starts a sentence, line or title line is not taken: nothing tells
a name there from an ordinary word. Short acronyms ("GP", "SMS") are weak: often spelt
out on the other side.

Steps: the items of a list, and sentences that start with an instruction verb (or with
"then", "next", "finally" and one); each step is the content words it holds.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import compress

from migrate_check.checks.builtin.fact_lexicon import (
    IMPERATIVES,
    SEQUENCE_WORDS,
    STOPWORDS,
    stem,
)
from migrate_check.checks.builtin.fact_records import Fact, Step
from migrate_check.checks.builtin.fact_text import Tokens

#: Steps read from one text at most (each is compared with the whole other text).
MAX_STEPS = 400
_CONNECTORS = frozenset({"of", "de", "del", "la", "van", "von", "der", "and", "&"})
#: Titles before a name, left out of it: "Dr. Patel" is named as "Patel" would be.
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "sir", "dame"})
#: Capitalised words that are not names: pronouns and words capitalised by convention.
_NOT_NAMES = frozenset({"i", "i'm", "i'll", "i've", "i'd", "ok", "okay", "faq", "am", "pm"})


def _name_word(raw: str) -> bool:
    return raw[:1].isupper() and raw.casefold() not in _NOT_NAMES


def _normal(word: str) -> str:
    word = word.casefold().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word.rstrip("'")


def read_names(tokens: Tokens) -> list[Fact]:
    """Every name inside a sentence, its value the distinctive words, lower case."""
    t = tokens
    found: list[Fact] = []
    done = 0
    count = len(t.words)
    titles: dict[int, bool] = {}
    capitalised = [i for i, raw in enumerate(t.raw) if raw[:1].isupper() and not t.initial[i]]
    for index in capitalised:
        if index < done or not _name_word(t.raw[index]) or _in_title(t, index, titles):
            continue
        end = index + 1
        while end < count and _adjacent(t, end - 1):
            if _name_word(t.raw[end]):
                end += 1
            elif t.words[end] in _CONNECTORS and end + 1 < count and _name_word(t.raw[end + 1]):
                end += 2
            else:
                break
        words = [_normal(t.raw[at]) for at in range(index, end)]
        if any(word not in STOPWORDS for word in words):
            named = [w for w in words if w not in _TITLES and w not in _CONNECTORS] or words
            start, stop = t.starts[index], t.starts[end - 1] + len(t.raw[end - 1])
            raw = t.text[start:stop]
            weak = raw.isupper() and len(raw) <= 4  # "GP", "SMS": often spelt out instead
            found.append(
                Fact("entities", " ".join(named), raw, start, stop, t.sentence[index], weak)
            )
        done = end
    return found


def _in_title(t: Tokens, at: int, known: dict[int, bool]) -> bool:
    """Whether word `at` stands in a title line ("## Next Steps", "**Refund Details**"):
    a short line without a full stop, most of its words capitalised."""
    start = t.text.rfind("\n", 0, t.starts[at]) + 1
    if start not in known:
        end = t.text.find("\n", start)
        line = t.text[start : end if end >= 0 else len(t.text)]
        words = line.split(None, 10)  # 11 parts: more than 10 words, no title
        known[start] = (
            0 < len(words) <= 10
            and sum(1 for word in words if word.lstrip("#*_>-[(\"'")[:1].isupper())
            >= 0.6 * len(words)
            and not line.rstrip(" *_").endswith((".", "!", "?"))
        )
    return known[start]


def _adjacent(t: Tokens, at: int) -> bool:
    """Whether word `at + 1` follows word `at` in the same clause, with only spaces
    (or a full stop of an abbreviation, "Dr. Patel") between them."""
    if at + 1 >= len(t.words) or t.clause[at + 1] != t.clause[at]:
        return False
    between = t.text[t.starts[at] + len(t.raw[at]) : t.starts[at + 1]]
    return between.strip(". ") == "" and "\n" not in between


def read_steps(tokens: Tokens) -> list[Step]:
    """The instructions of `tokens` as content stems: items of a numbered list, and list
    items and sentences that start with an instruction verb."""
    t = tokens
    items: dict[int, list[int]] = {}
    sentences: dict[int, list[int]] = {}
    imperative: set[int] = set()
    count = len(t.words)
    # A sentence is a step from the word on that starts it as one (the first of the
    # sentence, a line or after a colon): only those words are looked at, then the rest
    # of the sentence is taken (its words stand together, in order).
    for at in compress(range(count), t.initial):
        word = t.words[at]
        verb = t.words[at + 1] if word in SEQUENCE_WORDS and at + 1 < count else word
        number = t.sentence[at]
        if number in imperative or not (
            verb in IMPERATIVES or (t.item[at] >= 0 and t.numbered[t.item[at]])
        ):
            continue
        imperative.add(number)
        for position in range(at, bisect_right(t.sentence, number, at)):
            if t.item[position] >= 0:
                items.setdefault(t.item[position], []).append(position)
            else:
                sentences.setdefault(number, []).append(position)
    steps: list[Step] = []
    for positions in [*items.values(), *sentences.values()][:MAX_STEPS]:
        stems = frozenset(stem(t.words[at]) for at in positions if t.words[at] not in STOPWORDS)
        if stems:
            sentence = t.sentence[positions[0]]
            steps.append(Step(stems, sentence, t.sentence_text(sentence)))
    return steps
