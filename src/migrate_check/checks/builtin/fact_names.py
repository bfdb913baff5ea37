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

import bisect
from itertools import compress, filterfalse

from migrate_check.checks.builtin.fact_lexicon import (
    IMPERATIVES,
    SEQUENCE_WORDS,
    STOPWORDS,
    stem,
    words,
)
from migrate_check.checks.builtin.fact_number_tables import FRACTIONS, SCALES, SMALL, TENS
from migrate_check.checks.builtin.fact_records import Fact, Step
from migrate_check.checks.builtin.fact_text import Tokens

#: Steps read from one text at most (each is compared with the whole other text).
MAX_STEPS = 400
_CONNECTORS = frozenset({"of", "de", "del", "la", "van", "von", "der", "and", "&"})
#: Titles before a name, left out of it: "Dr. Patel" is named as "Patel" would be.
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "sir", "dame"})
#: Words of a name left out of its value.
_LEFT_OUT = _TITLES | _CONNECTORS
#: Abbreviations that end a phrase, not start a name ("etc.", "approx.", "min."): a
#: capitalised word after one and its full stop may start a sentence.
_PHRASE_ENDS = frozenset({"etc", "approx", "min", "max", "est", "eg", "ie", "incl", "excl"})
#: Capitalised words that are not names: pronouns and words capitalised by convention.
_NOT_NAMES = frozenset({"i", "i'm", "i'll", "i've", "i'd", "ok", "okay", "faq", "am", "pm"})
#: Words that open a greeting or a thanks ("Hi Sam", "Thank you for contacting Acme"): a
#: name in that clause is who is greeted or thanked, not a fact a reader acts on.
SALUTATIONS = frozenset({"hi", "hello", "hey", "dear", "greetings", "thank", "thanks", "hiya"})
_DAYTIMES = frozenset({"morning", "afternoon", "evening", "day"})
#: The words of a closing line ("Best regards,", "Many thanks", "Yours sincerely"): the
#: names on the last lines, after one, sign the message.
CLOSINGS = frozenset(
    words(
        """regards best kind warm warmest wishes sincerely yours faithfully truly cheers
        thanks thank you many all the with respectfully cordially take care good luck again"""
    )
)
#: A closing line is among the last lines; a signature line is short.
SIGNATURE_LINES = 3
SIGNATURE_WORDS = 6
#: Words walked back to find where a name's clause opens.
MAX_CLAUSE_WORDS = 40


def _name_word(raw: str) -> bool:
    """A capitalised word, not "I" or a word whose capital is a letter before a hyphen
    ("X-rays", "T-shirt", "U-turn"), which is capitalised wherever it stands."""
    return raw[:1].isupper() and raw.casefold() not in _NOT_NAMES and raw[1:2] != "-"


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
    signature: list[int] = []
    capitalised = [
        i
        for i, raw in enumerate(t.raw)
        if raw[:1].isupper() and not t.initial[i] and not _after_end(t, i)
    ]
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
        words = list(map(_normal, t.raw[index:end]))  # set operations in C: names are many
        if not STOPWORDS.issuperset(words):
            named = list(filterfalse(_LEFT_OUT.__contains__, words)) or words
            start, stop = t.starts[index], t.starts[end - 1] + len(t.raw[end - 1])
            raw = t.text[start:stop]
            weak = raw.isupper() and len(raw) <= 4  # "GP", "SMS": often spelt out instead
            weak = weak or _courtesy(t, index, signature)
            found.append(
                Fact("entities", " ".join(named), raw, start, stop, t.sentence[index], weak)
            )
        done = end
    return found


def _courtesy(t: Tokens, at: int, signature: list[int]) -> bool:
    """Whether word `at` stands in a greeting, a thanks or a signature: a clause that
    opens with a salutation ("Hello Sam", "and thank you for contacting Acme"), or a
    short line after a closing line ("Best regards,") among the last lines. `signature`
    holds, once asked, the sentence of the closing line and the index of its last word."""
    # where the clause opens, at most MAX_CLAUSE_WORDS back (clause numbers only grow)
    first = bisect.bisect_left(t.clause, t.clause[at], max(0, at - MAX_CLAUSE_WORDS), at)
    first += t.words[first] == "and"
    word = t.words[first]
    following = t.words[first + 1] if first + 1 < len(t.words) else ""
    if word in SALUTATIONS or (word == "good" and following in _DAYTIMES):
        return True
    if not signature:
        signature += _signature(t)
    sentence = t.sentence[at]
    if signature[0] < 0 or sentence < signature[0]:
        return False
    end = bisect.bisect_right(t.sentence, sentence)
    if sentence == signature[0]:  # "Regards, IT Service Desk": names only after it
        after = range(signature[1] + 1, min(end, signature[1] + 1 + SIGNATURE_WORDS))
        return (
            at > signature[1]
            and end - signature[1] <= SIGNATURE_WORDS + 1
            and all(t.raw[i][:1].isupper() or t.words[i] in STOPWORDS for i in after)
        )
    return end - bisect.bisect_left(t.sentence, sentence) <= SIGNATURE_WORDS


def _signature(t: Tokens) -> list[int]:
    """[sentence, last word] of the first closing line among the last lines, or [-1, -1]."""
    words, sentences, clauses, count = t.words, t.sentence, t.clause, len(t.words)
    at = bisect.bisect_left(sentences, len(t.sentence_spans) - 1 - SIGNATURE_LINES)
    while at < count:
        # the closing words a sentence starts with; past the first other word, no line
        # of it closes, so the next sentence is looked at
        sentence = sentences[at]
        while at < count and sentences[at] == sentence and words[at] in CLOSINGS:
            ends = at + 1 == count or clauses[at + 1] != clauses[at]
            if ends and words[at] not in ("you", "all", "the"):
                return [sentence, at]
            at += 1
        at = bisect.bisect_right(sentences, sentence, at)
    return [-1, -1]


def _after_end(t: Tokens, at: int) -> bool:
    """Whether word `at` follows an abbreviation that ends a phrase and its full stop
    ("... 100 req/min. Going over ..."): it may start a sentence, as after any full stop."""
    if not at or t.words[at - 1] not in _PHRASE_ENDS:
        return False
    start = t.starts[at - 1] + len(t.raw[at - 1])
    return t.text[start : t.starts[at]].strip() == "."


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


#: Words a step is not told by: stopwords, and numbers and times in words (in digits
#: they are values, blanked from the words; "four nights" and "4 nights" are one step).
_NOT_STEPS = (
    STOPWORDS
    | frozenset([*SMALL, *TENS, *SCALES, *FRACTIONS])
    | frozenset(
        inflection
        for unit in ("minute", "hour", "day", "week", "month", "year")
        for inflection in (unit, unit + "s")
    )
)


def _label(t: Tokens, at: int) -> bool:
    """Whether an instruction verb at word `at` is a label ("Note: the link expires"): a
    colon follows it."""
    end = t.starts[at] + len(t.raw[at])
    return t.text[end : end + 1] == ":"


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
            (verb in IMPERATIVES and not _label(t, at))
            or (t.item[at] >= 0 and t.numbered[t.item[at]])
        ):
            continue
        imperative.add(number)
        for position in range(at, bisect.bisect_right(t.sentence, number, at)):
            if t.item[position] >= 0:
                items.setdefault(t.item[position], []).append(position)
            else:
                sentences.setdefault(number, []).append(position)
    steps: list[Step] = []
    for positions in [*items.values(), *sentences.values()][:MAX_STEPS]:
        stems = frozenset(stem(t.words[at]) for at in positions if t.words[at] not in _NOT_STEPS)
        if stems:
            sentence = t.sentence[positions[0]]
            steps.append(Step(stems, sentence, t.sentence_text(sentence)))
    return steps
