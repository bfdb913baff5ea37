"""The words `facts` reads claims by: opposites, modals, hedges, conditions, negations.

Each list is a closed class of English (the ways a text negates, hedges or conditions a
claim) or a table of opposites a team extends for its own domain (`opposites:` and
`modals:` in the suite). Words are matched by a light stem, so "approve", "approved"
and "approval" are one entry. Nothing here is tuned to an example: an entry earns its
place by being a general word of its class.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from migrate_check.checks.builtin.fact_opposites import OPPOSITES


def words(text: str) -> list[str]:
    """The words of a whitespace-separated list, as the lexicon writes its entries."""
    return text.split()


# --- stems ------------------------------------------------------------------------------

_SUFFIXES = (
    "ational",
    "ations",
    "ation",
    "ements",
    "ement",
    "ments",
    "ment",
    "ingly",
    "ings",
    "ing",
    "edly",
    "ies",
    "ied",
    "ed",
    "es",
    "s",
    "ly",
    "able",
    "ible",
    "al",
)
_DOUBLED = frozenset("bdfglmnprstz")


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix-stripped form, so inflections of one word compare equal."""
    w = word.casefold().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 3:
        return w
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    if len(w) > 3 and w[-1] in "ey":
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] in _DOUBLED:
        w = w[:-1]
    return w


# --- words that carry no claim of their own -----------------------------------------------

STOPWORDS = frozenset(
    words(
        """
        a an the this that these those it its it's is are was were be been being am do does did
        done have has had having will would shall can could may might must should ought i me my
        we us our you your yours he him his she her they them their there here what which who
        whom whose when where why how all any both each few more most other some such own same
        so than too very just also still even only again further then once and but or nor if of
        at by for with about against between into through during before after above below to
        from up down in out on off over under as until while because upon within across per via
        please thank thanks hi hello dear regards best kind sincerely team let know get got make
        made one ones s t ll re ve d m ok okay yes well now today really already yet soon not no
        never n't
        """
    )
)
#: Abbreviations whose full stop ends no sentence ("Dr. Patel", "Main St. 5").
ABBREVIATIONS = frozenset(
    words(
        """
        dr mr mrs ms mx prof st ave rd blvd no vs etc eg ie inc ltd co corp jr sr dept approx
        est fig min max mt ft apt ste
        """
    )
)
# --- negation ----------------------------------------------------------------------------

NEGATIONS = frozenset(
    words(
        """
        not no never none nobody nothing nowhere neither nor cannot without unable
        """
    )
)
#: Phrases that hold a negation word but negate no claim: a bound, a courtesy, an emphasis.
#: Each is a tuple of words starting with the negation word.
NOT_NEGATING = (
    ("no", "later", "than"),
    ("no", "earlier", "than"),
    ("no", "more", "than"),
    ("no", "fewer", "than"),
    ("no", "less", "than"),
    ("no", "sooner", "than"),
    ("not", "only"),
    ("not", "just"),
    ("not", "to", "mention"),
    ("no", "problem"),
    ("no", "worries"),
    ("no", "doubt"),
    ("no", "matter"),
    ("never", "mind"),
    ("none", "other", "than"),
    ("nothing", "but"),
    ("not", "hesitate"),
)
#: Words a negation reaches over to the word it negates ("did not yet fully receive").
NEGATION_SKIPS = frozenset(
    words(
        """
        be been being is are was were am do does did have has had will would can could may might
        must should shall yet currently always ever really also still even quite any the a an to
        able fully entirely necessarily longer
        """
    )
)
#: Words a modal reaches over to the verb it governs ("should try to stick").
MODAL_SKIPS = NEGATION_SKIPS | frozenset(
    words("try trying attempt always also please ideally usually normally generally definitely")
)
#: Words that negate without a negation word ("the receipt was missing", "the fee is
#: waived", "it fixes the hang", "unless you cancel", "we declined it"): a clause holding
#: one is not a plain statement of the claim, so a negation on the other side of the same
#: claim is not lost there. Verbs of lacking, ending, excepting and refusing.
IMPLICIT_NEGATIONS = frozenset(
    inflection
    for word in words(
        """missing absent lack lacking fail stop prevent waive exempt avoid refrain
        omit skip ignore free zero instead rather neither except excluding unable
        fix resolve cease until unless otherwise refuse decline reject deny"""
    )
    for inflection in (word, word + "s", word + "es", word + "ed", word + "d", word + "ing")
    + (word + "ped", word[:-1] + "ies", word[:-1] + "ied")
)
#: Prefixes that negate the word they start ("unavailable", "non-refundable"); read as a
#: negation only when the bare word is on the other side.
NEGATING_PREFIXES = ("non-", "non", "un", "in", "im", "il", "ir", "dis")

# --- conditions and hedges -----------------------------------------------------------------

#: Condition markers, as word tuples; the claim they condition is the rest of the clause.
CONDITIONS = (
    ("if",),
    ("unless",),
    ("provided",),
    ("providing",),
    ("as", "long", "as"),
    ("only", "when"),
    ("only", "if"),
    ("only", "after"),
    ("only", "for"),
    ("on", "condition"),
    ("in", "case"),
    ("assuming",),
    ("supposing",),
    ("whenever",),
    ("so", "long", "as"),
    ("in", "the", "event"),
    ("subject", "to"),
    ("except",),
    ("except", "for"),
)
#: Verbs of intention and forecast, in forms no noun takes: a claim said with one ("15
#: hires are planned") is no more certain than with a hedge ("we expect to hire 15").
INTENT = frozenset(
    words("planned planning intended intending aiming scheduled forecast forecasted targeted")
)
#: Verbs of wanting: a condition on one ("if you'd like to change") is an offer, not a
#: condition of a claim.
VOLITION = frozenset(stem(word) for word in words("like wish want prefer rather"))
#: Words that follow an inverted "should" as its subject ("should you need", "should
#: anything change"): a condition; a modal "should" is followed by its verb instead.
SUBJECTS = frozenset(
    words(
        """you we they he she it i there anything anyone anybody something someone somebody
        any the your our their this that these those a an no nobody none everyone everything
        each every"""
    )
)
#: Hedge markers: the claim is an expectation or a belief, not a statement of fact.
HEDGES = (
    ("probably",),
    ("likely",),
    ("unlikely",),
    ("possibly",),
    ("perhaps",),
    ("maybe",),
    ("expected",),
    ("anticipated",),
    ("we", "expect"),
    ("we", "hope"),
    ("i", "hope"),
    ("we're", "expecting"),
    ("we’re", "expecting"),
    ("we", "are", "expecting"),
    ("estimated",),
    ("appears", "to"),
    ("appear", "to"),
    ("seems", "to"),
    ("seem", "to"),
    ("we", "believe"),
    ("we", "think"),
    ("i", "believe"),
    ("i", "think"),
    ("we", "anticipate"),
    ("we're", "anticipating"),
    ("we’re", "anticipating"),
    ("we", "are", "anticipating"),
    ("hopefully",),
    ("tentatively",),
    ("tentative",),
    ("provisional",),
    ("provisionally",),
    ("preliminary",),
    ("chance",),
    ("chances",),
    ("possibility",),
    ("likelihood",),
)
#: Conditions a courtesy ends with ("if you have any questions"): its words are all here.
COURTESY = frozenset(
    stem(word)
    for word in [
        "question",
        "concern",
        "anything",
        "else",
        "further",
        "assistance",
        "help",
        "need",
        "query",
        "feedback",
        "other",
        "issue",
        "like",
        "detail",
        "information",
        "info",
        "unclear",
    ]
)
#: Verbs instructions start with: an imperative sentence that starts with one is a step.
IMPERATIVES = frozenset(
    words(
        """
        add allow apply ask attach back bring call cancel change check choose click close
        complete confirm connect contact copy create delete disconnect download drag drink eat
        email enable disable enter fill find follow forward go install keep leave let log make
        mark move note open pack paste pay pick place plug press print provide put read reboot
        refresh register reinstall remove rename renew reply request reset restart restore
        return review rinse run save scan schedule select send set share show sign start stop
        store submit switch take tap test turn type unplug update upload use verify visit wait
        wash write attend arrive book bring
        """
    )
)
#: Words that say a step follows another ("then", "next"); the verb after them starts it.
SEQUENCE_WORDS = frozenset(
    ["first", "then", "next", "finally", "afterwards", "lastly", "second", "third", "please"]
)
#: Modal strength: 1 may (permission, ability), 2 should (advice), 3 must (obligation).
MODALS: Mapping[tuple[str, ...], int] = {
    ("can",): 1,
    ("may",): 1,
    ("could",): 1,
    ("might",): 1,
    ("is", "allowed", "to"): 1,
    ("are", "allowed", "to"): 1,
    ("should",): 2,
    ("ought", "to"): 2,
    ("recommend",): 2,
    ("recommended",): 2,
    ("advise",): 2,
    ("advised",): 2,
    ("encouraged", "to"): 2,
    ("must",): 3,
    ("have", "to"): 3,
    ("has", "to"): 3,
    ("need", "to"): 3,
    ("needs", "to"): 3,
    ("required", "to"): 3,
    ("shall",): 3,
    ("obliged", "to"): 3,
}
MODAL_NAMES = {"can": 1, "may": 1, "should": 2, "must": 3}
#: Modals that hedge rather than permit when their subject is not the reader.
EPISTEMIC = frozenset({("may",), ("might",), ("could",)})
READER = frozenset({"you", "you'll", "you’ll", "please"})

# --- the lexicon one check reads by (its opposites are `fact_opposites`') -----------------


def inflections(word: str) -> set[str]:
    """A word and its regular inflections ("approve": approves, approved, approving), so
    the lexicon matches words exactly: a stem would make "week" the same as "weekly"."""
    forms = {word, word + "s", word + "es", word + "ed", word + "ing"}
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    if word.endswith("y") and len(word) > 3:
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if len(word) > 3 and word[-1] in "lpt" and word[-2] in "aeiou" and word[-3] not in "aeiou":
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}  # cancelled, dropped
    return forms


@dataclass(frozen=True)
class Lexicon:
    """The opposites and modals one check reads by, defaults plus the suite's own."""

    #: stem -> (axis number, pole number)
    poles: Mapping[str, tuple[int, int]]
    #: axis number -> how many poles it has
    axis_sizes: Sequence[int]
    #: axis number -> the words of each pole, for evidence
    axis_words: Sequence[tuple[tuple[str, ...], ...]]
    modals: Mapping[tuple[str, ...], int] = field(default_factory=lambda: dict(MODALS))
    #: Words that negate a claim: `IMPLICIT_NEGATIONS` and the words of a pole that is
    #: the negation of its axis's other pole ("prohibited": its pole holds "disallowed",
    #: a word of the other pole with a negating prefix)
    negating: frozenset[str] = IMPLICIT_NEGATIONS
    #: (axis, pole) of each pole that negates its axis's other pole
    negative: frozenset[tuple[int, int]] = frozenset()

    @classmethod
    def build(
        cls,
        extra_opposites: Iterable[Sequence[Sequence[str]]] = (),
        extra_modals: Mapping[str, int] | None = None,
    ) -> Lexicon:
        """The default lexicon; a suite's axes come first, so they win a shared word."""
        axes = [tuple(tuple(pole) for pole in axis) for axis in extra_opposites]
        axes += [tuple(tuple(pole) for pole in axis) for axis in OPPOSITES]
        poles: dict[str, tuple[int, int]] = {}
        for number, axis in enumerate(axes):
            for pole_number, pole in enumerate(axis):
                for word in pole:
                    for form in inflections(word.casefold()):
                        poles.setdefault(form, (number, pole_number))
        modals = dict(MODALS)
        for words, strength in (extra_modals or {}).items():
            modals[tuple(words.casefold().split())] = strength
        negating, negative = set(IMPLICIT_NEGATIONS), set()
        for number, axis in enumerate(axes):
            for pole_number, (pole, other) in enumerate(
                (axis, axis[::-1]) if len(axis) == 2 else ()
            ):
                bare = {word.casefold() for word in other}
                if any(_prefixed(word.casefold(), bare) for word in pole):
                    negating |= {form for word in pole for form in inflections(word.casefold())}
                    negative.add((number, pole_number))
        sizes = [len(axis) for axis in axes]
        return cls(poles, sizes, axes, modals, frozenset(negating), frozenset(negative))


def _prefixed(word: str, bare: set[str]) -> bool:
    """Whether `word` is one of `bare` with a negating prefix ("disallowed", "allowed")."""
    return any(word.startswith(p) and word[len(p) :] in bare for p in NEGATING_PREFIXES)


DEFAULT_LEXICON = Lexicon.build()
