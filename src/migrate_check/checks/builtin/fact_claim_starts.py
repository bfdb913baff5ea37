"""Where claims can start and how a word there is read: phrases looked up by their first
word, the words a lexicon's claims start with (worked out once per lexicon rather than
once per text), and the tests of the words around one ("should you need" is a
condition, "No. 5" a number sign). `fact_claims` reads an answer's claims with them."""

from __future__ import annotations

from collections.abc import Sequence

from migrate_check.checks.builtin.fact_lexicon import (
    CONDITIONS,
    HEDGES,
    NEGATIONS,
    NOT_NEGATING,
    Lexicon,
    words,
)
from migrate_check.checks.builtin.fact_opposites import PHRASES
from migrate_check.checks.builtin.fact_text import Tokens
from migrate_check.checks.builtin.fact_word_flags import WordFlags

NOT_ENDINGS = ("n't", "n’t")
IS_ENDINGS = ("'s", "’s")  # "nobody's home": a negation word with "is"
#: The starts of the phrases with "not" that negate nothing ("not only"), two and three
#: words long, for a "n't" word read as "not".
NOT_NEGATING_PAIRS = frozenset(
    phrase[: n + 1] for phrase in NOT_NEGATING if phrase[0] == "not" for n in (1, 2)
) | frozenset(phrase for phrase in NOT_NEGATING if phrase[0] == "not")


def _negates_by_ending(word: str) -> bool:
    """ "don't", "nobody's": a word that ends in "n't", or a negation word with "'s"."""
    return word.endswith(NOT_ENDINGS) or (word.endswith(IS_ENDINGS) and word[:-2] in NEGATIONS)


NEGATING_ENDINGS = WordFlags(_negates_by_ending)


def starts_at(words: list[str], at: int, phrase: tuple[str, ...]) -> bool:
    return tuple(words[at : at + len(phrase)]) == phrase


def longest(words: list[str], at: int, phrases: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    found: tuple[str, ...] = ()
    for phrase in by_first_word(phrases).get(words[at], ()):
        if len(phrase) > len(found) and starts_at(words, at, phrase):
            found = phrase
    return found


def longest_unbroken(t: Tokens, at: int, phrases: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """`longest`, of the phrases with no value fact inside them ("have 7 days to" holds
    no "have to"; "except 25 December for" still holds "except")."""
    words = t.words
    found: tuple[str, ...] = ()
    for phrase in by_first_word(phrases).get(words[at], ()):
        if len(phrase) > len(found) and starts_at(words, at, phrase):
            found = phrase if t.unbroken(at, len(phrase)) else found
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
        # A word `read_at` reads only as the first of a phrase ("on" of "on time"): the
        # second words of its phrases, so one that is not followed by any is passed over.
        phrases = [*self.modal_phrases, *CONDITIONS, *HEDGES, *PHRASES]
        alone = NEGATIONS | TURNED | {"shall"} | frozenset(lexicon.poles)
        alone |= {phrase[0] for phrase in phrases if len(phrase) == 1}
        self.seconds: dict[str, set[str]] = {
            word: set() for word in self.read - alone if not word.endswith(("n't", "n’t"))
        }
        for phrase in phrases:
            if phrase[0] in self.seconds:
                self.seconds[phrase[0]].add(phrase[1])


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


def expects(t: Tokens, at: int, phrase: tuple[str, ...]) -> bool:
    """Whether "should" says what is expected of a thing, not asked of a person ("the
    parcel should arrive on Monday"): its subject, the word before, is no pronoun of a
    person. Such a "should" is a hedge too, so "will arrive" against it is a change."""
    if phrase != ("should",) or at == 0 or t.words[at - 1] in PEOPLE:
        return False
    return not _passive(t, at + 1)


def _passive(t: Tokens, at: int) -> bool:
    """Whether "be" and the participle of a reader's action stand at word `at` ("bags
    should be reported"): an instruction in the passive, not a hedge."""
    if at + 1 >= len(t.words) or t.words[at] != "be":
        return False
    return t.words[at + 1] in INSTRUCTED


#: Participles of what a reader is told to do ("should be reported", "should be kept"),
#: not of what a sender expects to happen ("should be delivered", "should be finished").
INSTRUCTED = frozenset(
    words(
        """
        reported returned submitted sent signed paid emailed brought kept removed tied booked
        made cut dropped used cleaned stored labelled labeled attached mentioned addressed
        directed shown worn placed turned switched checked handed filled quoted uploaded
        registered declared photographed accompanied supervised
        """
    )
)


#: Subjects a "should" asks something of ("you should", "staff should" is not told apart).
PEOPLE = frozenset(
    words("i you we they he she everyone anyone someone nobody everybody anybody somebody please")
)


def number_sign(t: Tokens, at: int) -> bool:
    """Whether "no" at word `at` is the sign of a number: "No. 5", "no 12", or a full stop
    and then a value ("Order no.: TM-8841")."""
    start = t.starts[at] + 2
    if t.text[start : start + 3].lstrip(". ")[:1].isdigit():
        return True
    if t.text[start : start + 1] != ".":
        return False
    index, stop = start + 1, min(len(t.text), start + 6)
    while index < stop and t.text[index] in " :#\t":
        index += 1
    return index < len(t.text) and t.text[index] != " " and t.blanked[index] == " "


WH = frozenset(words("what which who whom whose when where why how"))
#: The words a question asked opens with ("Can adults join?"): "Need a slot?" is an "if".
ASKING = frozenset(
    words("can could do does did is are was were will would should may might has have")
)
#: Words read another way by what follows them: "should you", "needs replacing".
TURNED = frozenset({"should", "need", "needs"})


def inverted(t: Tokens, at: int) -> bool:
    """Whether "should" at word `at`, followed by a subject, is a condition ("should you
    need help, call us") and not a question ("what should you bring?")."""
    if t.clause[at + 1] != t.clause[at] or (at and t.words[at - 1] in WH):
        return False
    number = t.sentence[at]
    if number >= len(t.sentence_spans):
        return True
    start, end = t.sentence_spans[number]
    return not t.text[start:end].rstrip().endswith("?")


def request(t: Tokens, at: int) -> bool:
    """Whether a modal at word `at` opens a question ("Could you send it by Friday?",
    "Should the old radiator stay?"): a request or a question asked, not a hedge."""
    if at + 1 >= len(t.words) or not opens_clause(t, at):
        return False
    number = t.sentence[at]
    if number >= len(t.sentence_spans):
        return False
    start, end = t.sentence_spans[number]
    return t.text[start:end].rstrip().endswith("?")


def limited(t: Tokens, at: int) -> bool:
    """Whether "only" stands before a modal in its clause ("only named officials may
    coach") or right after it ("may only be interviewed"): a permission given to some or
    on a condition, not a hedge."""
    if at + 1 < len(t.words) and t.words[at + 1] == "only":
        return True  # "candidates may only be interviewed with approval"
    start = max(0, at - 6)
    return any(
        t.words[i] == "only"
        and t.clause[i] == t.clause[at]
        and (i == 0 or t.words[i - 1] not in _DETERMINERS)  # "the only option may be ..."
        for i in range(start, at)
    )


_DETERMINERS = frozenset(words("the a an your our my their his her its this that"))


#: Words after "we hope" that make it a courtesy ("we hope to see you soon").
COURTESY_HOPES = (("to", "see"), ("to", "welcome"), ("to", "hear"), ("you", "enjoy"))


def opens_clause(t: Tokens, at: int) -> bool:
    return at == 0 or t.initial[at] or t.clause[at - 1] != t.clause[at]


#: What follows a "should" that opens a clause as its verb, not its subject.
NOT_SUBJECTS = frozenset(words("be have not also always still just never"))


def gerund(word: str) -> bool:
    """Whether `word` is an -ing form ("replacing"), not "nothing" or "something"."""
    return word.endswith("ing") and not word.endswith("thing") and len(word) > 5


def ends_clause(t: Tokens, at: int) -> bool:
    return at + 1 >= len(t.words) or t.clause[at + 1] != t.clause[at]


def normal(t: Tokens, at: int) -> bool:
    """Whether "expected" at word `at` says what is normal, not what is forecast: it ends
    its clause after "is" or "are" ("a little redness is expected.")."""
    return (
        at > 0
        and t.words[at - 1] in ("is", "are", "be", "perfectly", "completely", "quite")
        and ends_clause(t, at)
    )
