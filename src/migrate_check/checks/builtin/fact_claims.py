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

import dataclasses
import re
from collections.abc import Iterable
from itertools import compress

from migrate_check.checks.builtin.fact_claim_starts import (
    ASKING,
    CONDITION_STARTS,
    COURTESY_HOPES,
    HEDGE_STARTS,
    IS_ENDINGS,
    NEGATING_ENDINGS,
    NOT_ENDINGS,
    NOT_NEGATING_PAIRS,
    NOT_NEGATING_STARTS,
    NOT_SUBJECTS,
    PHRASE_STARTS,
    PHRASES_BY_START,
    TURNED,
    WH,
    ends_clause,
    expects,
    gerund,
    inverted,
    limited,
    longest,
    longest_unbroken,
    normal,
    number_sign,
    opens_clause,
    request,
    starts_at,
    words_of,
)
from migrate_check.checks.builtin.fact_lexicon import (
    CONDITIONS,
    COURTESY,
    EPISTEMIC,
    HEDGES,
    MODAL_SKIPS,
    MODALS,
    NEGATION_SKIPS,
    NEGATIONS,
    NOT_NEGATING,
    READER,
    SUBJECTS,
    VOLITION,
    Lexicon,
    stem,
)
from migrate_check.checks.builtin.fact_number_tables import SCALES, SMALL, TENS, small
from migrate_check.checks.builtin.fact_records import Fact
from migrate_check.checks.builtin.fact_text import REACH, WHOLLY_NEGATED, Tokens, content_stem
from migrate_check.checks.builtin.fact_units import UNIT_WORDS

_CONTRACTED_MODALS: dict[str, tuple[str, ...]] = {
    "can": ("can",),
    "could": ("could",),
    "should": ("should",),
    "must": ("must",),
    "need": ("need", "to"),
}


#: Claims read from one text at most; the rest of a hostile text is not read for claims.
MAX_CLAIMS = 2000


class _ClaimReader:
    def __init__(self, tokens: Tokens, lexicon: Lexicon):
        self.t = tokens
        self.lexicon = lexicon
        self.found: list[Fact] = []
        self.taken: set[int] = set()
        self.words = words_of(lexicon)
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
        if kind == "negation":  # what it reaches: the words after it in its clause
            t.negated.setdefault(t.clause[at], []).append(t.window(at, before=0, skip=end - at))

    def pole(self, at: int) -> tuple[tuple[int, int], int] | None:
        """((axis, pole), words taken) of an opposite at word `at`."""
        words = self.t.words
        if words[at] in PHRASE_STARTS:
            for phrase, word in PHRASES_BY_START[words[at]]:
                if starts_at(words, at, phrase):
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
        if word in NOT_NEGATING_STARTS and (phrase := longest(words, at, NOT_NEGATING)):
            return len(phrase)
        if word.endswith(NOT_ENDINGS) and ("not", *words[at + 1 : at + 3]) in NOT_NEGATING_PAIRS:
            return 1  # "don't hesitate"
        if word == "no" and number_sign(t, at):
            return 1  # "No. 5" and "Order no.: TM-88" are a number sign
        if word == "not" and at and words[at - 1] in ("if", "or") and ends_clause(t, at):
            return 1  # "if not, we close it": "otherwise", which negates no claim of its own
        target = at + 1
        while target < min(len(words), at + 8) and words[target] in NEGATION_SKIPS:
            if t.clause[target] != t.clause[at]:
                break
            target += 1
        # "not approved", "we don't have it in stock": a negation of the opposite it
        # reaches in its clause, which is then no opposite of its own
        stop, poles = min(len(words), at + REACH), self.lexicon.poles
        while target < stop and t.clause[target] == t.clause[at]:
            word = words[target]
            if word in NEGATIONS or (
                word in CONDITION_STARTS and longest(words, target, CONDITIONS)
            ):
                break
            if word not in poles and word not in PHRASE_STARTS:
                target += 1
                continue
            polar = self.pole(target)
            if polar is not None:
                self.taken.update(range(target, target + polar[1]))
                (axis, pole), taken = polar
                if (axis, pole) in self.lexicon.negative:  # "not out of stock": in stock
                    window = t.window(target, skip=taken)
                    value = f"{axis}:{1 - pole}"
                    self.add("polarity", value, target, target + taken, window, stem(words[target]))
                    return 1
                break
            target += 1
        after = t.window(at, skip=1)
        window, head = after, t.head(at, 1, NEGATION_SKIPS)
        if not window:  # "Cancellation fee: none": what is negated stands before it
            if self.negated_before(at):
                return 1  # "Outstanding balance: none" says "no outstanding balance"
            window = t.window(at, after=0, before=3, across=True)
            head = next(iter(window), "") if len(window) == 1 else head
        self.add("negation", "not", at, at + 1, window, head)
        if not after:
            before = {t.clause[i] for i in range(max(0, at - 4), at)}
            t.marked["negation"].update(before)
            t.marked.setdefault(WHOLLY_NEGATED, set()).update(before)
        return 1

    def negated_before(self, at: int) -> bool:
        """Whether the negation at word `at` ends a label whose opposite it turns, as "not"
        before it would ("Outstanding balance: none" as "no outstanding balance"): that
        opposite is then read as its other pole, and the negation says nothing more."""
        start = self.t.starts[at]
        for index in range(len(self.found) - 1, max(-1, len(self.found) - 4), -1):
            fact = self.found[index]
            if fact.kind != "polarity" or fact.sentence != self.t.sentence[at]:
                continue
            if not _LABEL_REST.fullmatch(self.t.text[fact.end : start]):
                continue  # only the label's other words and its colon stand between
            axis, _, pole = fact.value.partition(":")
            if (int(axis), int(pole)) in self.lexicon.negative:
                flipped = f"{axis}:{1 - int(pole)}"
                self.found[index] = dataclasses.replace(fact, value=flipped)
                return True
        return False

    def read(self) -> list[Fact]:
        words = self.t.words
        # the words read, and those ending in "n't" (looked at once per distinct word)
        positions = range(len(words))
        candidates: Iterable[int] = compress(positions, map(self.words.read.__contains__, words))
        nots = NEGATING_ENDINGS.of(words)
        if nots:
            candidates = sorted({*candidates, *compress(positions, map(nots.__contains__, words))})
        wholly = set(compress(self.t.clause, map(self.lexicon.negating.__contains__, words)))
        self.t.marked.setdefault("negation", set()).update(wholly)
        self.t.marked[WHOLLY_NEGATED] = wholly
        done, seconds, last = 0, self.words.seconds, len(words) - 1
        for index in candidates:
            if index >= done and index not in self.taken:
                after = seconds.get(words[index])
                if after is not None and (index == last or words[index + 1] not in after):
                    done = index + 1  # no phrase of it follows: read_at would read nothing
                    continue
                done = index + self.read_at(index)
            if len(self.found) >= MAX_CLAIMS:
                break
        self.questions()
        return self.found

    def questions(self) -> None:
        """A yes-no question an answer goes on after is a condition of what follows
        ("Need another slot? Call us": "if you need another slot, call us"); a last
        question ("Any questions?") conditions nothing; a question asked ("How should I
        store it?", "Can adults join?") is a heading: it conditions, hedges and obliges
        nothing."""
        t = self.t
        if "?" not in t.text:
            return
        first: dict[int, int] = {}
        last: dict[int, int] = {}
        for index, number in enumerate(t.sentence):
            first.setdefault(number, index)
            last[number] = index
        asked: set[int] = set()  # the sentences that ask "what", "how", ...
        for number, (start, end) in enumerate(t.sentence_spans):
            if number not in first or not t.text[start:end].rstrip().endswith("?"):
                continue
            opener = first[number]  # "What do you need?", "Can adults join?": no "if"
            if t.words[opener] in WH or t.words[opener] in ASKING:
                if ASKING.intersection(t.words[opener : opener + 3]):  # not "When you go, ..."
                    asked.add(number)
                continue
            if number + 1 not in first or len(self.found) >= MAX_CLAIMS:
                continue
            at, stop = first[number], min(last[number] + 1, first[number] + REACH)
            stems = (content_stem(word) for word in t.words[at:stop])
            window = frozenset(s for s in stems if s is not None) - _NOT_CONDITIONS
            if window and not window <= COURTESY:
                head = t.head(at, 0, MODAL_SKIPS)
                self.add("conditions", "?", at, last[number] + 1, window, head)
        if asked:  # "How should I store it?" asks; it hedges or obliges nothing
            self.found = [
                f for f in self.found if f.sentence not in asked or f.kind not in _NOT_ASKED
            ]

    def read_at(self, at: int) -> int:
        t, words = self.t, self.t.words
        word = words[at]
        if word.endswith(IS_ENDINGS) and word[:-2] in NEGATIONS:
            return self.negation(at)  # "nobody's home"
        if word in NEGATIONS and not (word in PHRASE_STARTS and self.pole(at)):
            if word == "cannot":
                self.modal(at, ("can",), 1, negated=True)
            return self.negation(at)
        if word.endswith(("n't", "n’t")):
            base = word[:-3]
            modal = _CONTRACTED_MODALS.get("can" if base == "ca" else base)
            if modal is not None:
                self.modal(at, modal, 1, negated=True)
            return self.negation(at)
        following = words[at + 1] if at + 1 < len(words) else ""
        if word == "shall" and following in ("i", "we"):
            return 1  # "shall we cancel it?": an offer, not an obligation
        if word in TURNED and following:
            subject = following in SUBJECTS or t.after_value(at + 1) or t.raw[at + 1][:1].isupper()
            # "...; should proof of ownership be needed": a "should" that opens a clause
            subject = subject or (opens_clause(t, at) and following not in NOT_SUBJECTS)
            if word == "should" and subject and inverted(t, at):
                return self.condition(at, ("should",))  # "should you need it": "if you need it"
            if word != "should" and gerund(following) and t.joined(at):
                return self.modal(at, ("need", "to"), 1)  # "it needs replacing": it must be
        if word in self.modal_starts and not (t.raw[at][:1].isupper() and not t.initial[at]):
            phrase = longest_unbroken(t, at, self.modal_phrases)
            if phrase:
                return self.modal(at, phrase, len(phrase))
        if word in CONDITION_STARTS:
            phrase = longest_unbroken(t, at, CONDITIONS)
            if phrase:
                return self.condition(at, phrase)
        if word in HEDGE_STARTS:
            phrase = longest_unbroken(t, at, HEDGES)
            if phrase == ("expected",) and normal(t, at):
                return 1  # "some redness is expected.": normal, no forecast
            if (
                phrase
                and phrase[-1] == "hope"
                and tuple(words[at + len(phrase) : at + len(phrase) + 2]) in COURTESY_HOPES
            ):
                return len(phrase)  # "we hope to see you soon": a courtesy
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
            if (axis, pole) in self.lexicon.negative:  # "out of stock": "not available"
                t.marked.setdefault("negation", set()).add(t.clause[at])
                t.marked.setdefault(WHOLLY_NEGATED, set()).add(t.clause[at])
            return taken
        return 1

    def condition(self, at: int, phrase: tuple[str, ...]) -> int:
        """A condition with what it depends on: the content words after it, less modals
        and numbers (said as values, or in words on one side only). Not one: a courtesy
        ("if you have any questions"), an offer ("if you'd like to"), a comparison ("three
        times as long as usual", "as long as ten days")."""
        t, taken = self.t, len(phrase)
        window = t.window(at, after=5, before=0, skip=taken) - _NOT_CONDITIONS
        head = t.head(at, taken, MODAL_SKIPS)
        if phrase == ("as", "long", "as") and _compares(t, at):
            return taken
        if not window <= COURTESY and head not in VOLITION:
            self.add("conditions", " ".join(phrase), at, at + taken, window, head)
        return taken

    def reports_modal(self, start: int) -> bool:
        """Whether a modal stands in the clause from word `start` on (within reach): what a
        verb such as "advised that" reports then carries the claim's strength."""
        t = self.t
        stop = min(len(t.words), start + REACH)
        return any(
            t.words[i] in self.modal_starts and t.clause[i] == t.clause[start]
            for i in range(start, stop)
        )

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
        if phrase in (("can",), ("could",)) and "so" in t.words[max(0, at - 3) : at]:
            return taken  # "so the crew can park": a purpose, not a permission
        if following == "that" and self.reports_modal(at + taken + 1):
            return taken  # "staff advised that the frontage must be glazed": the "must"
        if (phrase in EPISTEMIC or expects(t, at, phrase)) and not (
            (at and t.words[at - 1] in READER) or request(t, at) or limited(t, at)
        ):
            # "it may take longer": a hedge; against "must take" on the other side, a
            # modal as well, so the change of strength is seen too
            hedge = t.window(at, skip=taken)
            self.add("hedges", " ".join(phrase), at, at + len(phrase), hedge, head)
        self.add("modality", str(strength), at, at + len(phrase), window, head)
        return taken


#: Claims a question asked does not make: what it asks may or should be is not said.
_NOT_ASKED = frozenset({"hedges", "modality"})
#: Stems that say how or how much, not what a condition depends on: modals and the
#: words a modal reaches over ("if you ever need to make a claim" depends on a claim;
#: "if you can" and "if possible" on nothing), and numbers and units in words (in digits
#: they are values, blanked from the words).
_NOT_CONDITIONS = frozenset(
    stem(word)
    for word in [*MODAL_SKIPS, *(phrase[0] for phrase in MODALS), *SMALL, *TENS, *SCALES]
    + [*UNIT_WORDS, "possible", "necessary", "applicable"]
    + ["something", "anything", "someone", "anyone", "everything", "everyone"]
    + ["happen", "happens", "so"]  # "if that happens", "if so": the condition said before
) - {stem("quit")}  # "quite" is reached over, but "quit" is what "if you need to quit" asks
_MULTIPLES = frozenset({"times", "twice", "thrice", "half"})


def _compares(t: Tokens, at: int) -> bool:
    """Whether "as long as" at word `at` compares a length ("three times as long as
    usual", "as long as ten days") rather than sets a condition."""
    if at and t.words[at - 1] in _MULTIPLES:
        return True
    after = at + 3
    if after < len(t.words) and small(t.words[after]) is not None:
        return True
    index = t.starts[at + 2] + 2
    while index < len(t.text) and t.text[index] in " \t":
        index += 1
    return index < len(t.text) and t.blanked[index] == " "


#: What stands between a label's opposite and the "none" after its colon ("Outstanding
#: balance: none"): the label's other words and the colon, no value or other clause.
_LABEL_REST = re.compile(r"[A-Za-z' -]{0,30}+:\s{0,3}+")


def read_claims(tokens: Tokens, lexicon: Lexicon) -> list[Fact]:
    """Every negation, opposite, modal, condition and hedge in `tokens`."""
    return _ClaimReader(tokens, lexicon).read()
