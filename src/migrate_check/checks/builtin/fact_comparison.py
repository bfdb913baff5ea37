"""Two answers' facts compared kind by kind, each difference a finding that quotes both.

Values (numbers, amounts, dates, names, ...) are compared as multisets: a value on one
side only is missing or added, and one occurrence that became another ("Tuesday" twice
became "Tuesday" and "Thursday") is changed even though both values occur on both sides.
A value repeated more or fewer times, with nothing new beside it, is a rewording. A number
whose unit or currency one side leaves out ("90 minutes" against "90") is the same number.

Claims are compared by what they are about: a negation with the words it negates, a
modal with its verb, a condition or hedge with its clause. A negation whose claim is still
there on the other side without it is lost (or gained); one that moved to another claim
is both. An opposite that turned ("accepted" to "declined") is changed; a modal that got
stronger or weaker on the same verb is changed; a condition without a counterpart is
dropped or added; a hedge whose claim stays but turned certain (or the reverse) is
changed. A step of instructions whose words are mostly gone is dropped.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable

from migrate_check.checks.builtin.fact_claim_forms import (
    bare_only,
    bound_before,
    double_negatives,
    hedge_worded_there,
    hypothetical,
    intended,
    plainly_said,
    possible,
    said,
    turned_at_a_time,
)
from migrate_check.checks.builtin.fact_equivalents import Equivalents
from migrate_check.checks.builtin.fact_findings import Finding, cut, shown
from migrate_check.checks.builtin.fact_in_place import (
    Places,
    changed_in_place,
    renamed_in_place,
    weak_changes,
)
from migrate_check.checks.builtin.fact_lexicon import Lexicon
from migrate_check.checks.builtin.fact_matching import (
    first_of,
    has_counterpart,
    name_kept,
    pair,
    rescued,
    reworded_negations,
    sentences_alike,
)
from migrate_check.checks.builtin.fact_records import CLAIM_KINDS, VALUE_KINDS, Fact, Facts
from migrate_check.checks.builtin.fact_scopes import (
    clause_values,
    contrast,
    hedged_negatively,
    negated_in_list,
    only_if,
    other_branch_said,
    otherwise_said,
    values_by_sentence,
)

#: A step counts as kept when this share of its content words is on the other side.
STEP_KEPT = 0.5
#: A hedge's claim counts as still there when this share of its words is on the other side.
CLAIM_KEPT = 0.5
_SAME_DAY = frozenset({"today", "tonight"})
#: Kinds lost or added only from a sentence the other side still says ("has_counterpart").
_IN_PLACE = frozenset({"entities"})


class _Comparison:
    def __init__(self, base: Facts, cand: Facts, lexicon: Lexicon):
        self.base, self.cand, self.lexicon = base, cand, lexicon
        self.findings: list[Finding] = []

    # --- quoting ------------------------------------------------------------------------

    def quotes(self, fact: Fact, on_base: bool) -> tuple[str, str]:
        """(baseline sentence, candidate sentence): the fact's own, and the other side's
        sentence that shares most words with it."""
        own, other = (self.base, self.cand) if on_base else (self.cand, self.base)
        mine = own.quote(fact)
        stems = own.tokens.sentence_stems()
        words = stems[fact.sentence] if fact.sentence < len(stems) else frozenset()
        theirs = other.tokens.sentence_stems()
        best = max(range(len(theirs)), key=lambda n: len(words & theirs[n]), default=0)
        counterpart = other.tokens.sentence_text(best) if theirs else ""
        return (mine, counterpart) if on_base else (counterpart, mine)

    def add(self, kind: str, change: str, was: Fact | None, now: Fact | None) -> None:
        if was is not None and now is not None:
            quotes = (self.base.quote(was), self.cand.quote(now))
        elif was is not None:
            quotes = self.quotes(was, on_base=True)
        else:
            assert now is not None
            quotes = self.quotes(now, on_base=False)
        shown_was = shown(was) if was else ""
        shown_now = shown(now) if now else ""
        worded = not any(char.isdigit() for fact in (was, now) if fact for char in fact.raw)
        self.findings.append(Finding(kind, change, shown_was, shown_now, *quotes, worded))

    # --- values -------------------------------------------------------------------------

    def values(self, kinds: Iterable[str]) -> None:
        lost: list[Fact] = []
        new: list[Fact] = []
        replaced: list[tuple[Fact, Fact]] = []
        surplus: list[Fact] = []  # more (fewer) occurrences of a value than the other side has
        deficit: list[Fact] = []
        for kind in kinds:
            before, after = self.base.of(kind), self.cand.of(kind)
            if not before and not after:
                continue
            if kind == "entities":
                gone = [f for f in before if not name_kept(f, self.base, self.cand, after)]
                lost += gone
                if gone:  # a name only added is a greeting or a sign-off, not a change
                    new += [f for f in after if not name_kept(f, self.cand, self.base, before)]
                else:  # "directed to Paul" and "directed to Hannah", both named elsewhere
                    replaced += renamed_in_place(before, after, self.base, self.cand)
                continue
            values_before, values_after = [f.value for f in before], [f.value for f in after]
            if sorted(values_before) == sorted(values_after):
                continue  # the same values as often: none lost, new or replaced
            b, a = Counter(values_before), Counter(values_after)
            lost += first_of(before, lambda v, a=a: v not in a)  # type: ignore[misc]
            new += first_of(after, lambda v, b=b: v not in b)  # type: ignore[misc]
            fewer = first_of(before, lambda v, a=a, b=b: 0 < a[v] < b[v])  # type: ignore[misc]
            more = first_of(after, lambda v, a=a, b=b: 0 < b[v] < a[v])  # type: ignore[misc]
            replaced += list(zip(fewer, more, strict=False))
            surplus, deficit = surplus + more, deficit + fewer
        lost, new = rescued(lost, new)
        said = Equivalents(self.base, self.cand).said
        lost = [fact for fact in lost if not said(fact, True)]
        new = [fact for fact in new if not said(fact, False)]
        replaced += weak_changes(lost, new, surplus, deficit, self.base, self.cand)
        for kind in kinds if lost or new else ():
            gone = [f for f in lost if f.kind == kind and not f.weak]
            came = [f for f in new if f.kind == kind and not f.weak]
            if kind == "dates" and not (gone and came):
                # "today" said or left out is a rewording ("this morning"); "today"
                # becoming "tomorrow", or "tomorrow" left out, is not
                gone = [f for f in gone if f.value not in _SAME_DAY]
                came = [f for f in came if f.value not in _SAME_DAY]
            for was, now in zip(gone, came, strict=False):
                self.add(kind, "changed", was, now)
            for was in gone[len(came) :]:
                if kind not in _IN_PLACE or has_counterpart(was, self.base, self.cand):
                    self.add(kind, "missing", was, None)
            for now in came[len(gone) :]:
                if kind not in _IN_PLACE or has_counterpart(now, self.cand, self.base):
                    self.add(kind, "added", None, now)
        places = Places()
        for was, now in replaced:
            if not (was.weak or now.weak) or changed_in_place(
                was, now, self.base, self.cand, places
            ):
                self.add(was.kind, "changed", was, now)

    # --- claims -------------------------------------------------------------------------

    def negations(self) -> None:
        before, after = self.base.of("negation"), self.cand.of("negation")
        before_left, after_left = pair(before, after, _same_head)
        before_left, after_left = pair(before_left, after_left, _same_claim)
        for match in reworded_negations(self.base, self.cand, self.lexicon):
            before_left, after_left = pair(before_left, after_left, match)
        # two negations of one clause gone together ("not taken without approval" and
        # "taking it requires approval") cancel: the claim was positive all along
        before_left = double_negatives(before_left, self.base)
        after_left = double_negatives(after_left, self.cand)
        answered: tuple[dict[int, tuple[int, ...]], ...] = ({}, {})
        for fact in before_left:
            if plainly_said(fact, self.base, self.cand, answered[0]) and not self.unsaid(
                fact, True
            ):
                self.add("negation", "lost", fact, None)
        for fact in after_left:
            if plainly_said(fact, self.cand, self.base, answered[1]) and not self.unsaid(
                fact, False
            ):
                self.add("negation", "gained", None, fact)
        for bare, fact in self.base.prefixed.items():
            if bare_only(bare, fact, self.base, self.cand, after):
                self.add("negation", "lost", fact, None)
        for bare, fact in self.cand.prefixed.items():
            if bare_only(bare, fact, self.cand, self.base, before):
                self.add("negation", "gained", None, fact)

    def unsaid(self, negation: Fact, on_base: bool) -> bool:
        """Whether a negation left over negates no claim, or the other side negates its
        claim in a list or with a hedge that holds a negation ("unlikely")."""
        own, other = (self.base, self.cand) if on_base else (self.cand, self.base)
        return (
            contrast(negation, own)
            or negated_in_list(negation, other)
            or hedged_negatively(negation, other)
            or only_if(negation, own, other)
            or otherwise_said(negation, own, other)
        )

    def polarity(self) -> None:
        before, after = self.base.of("polarity"), self.cand.of("polarity")
        counts_before = Counter(f.value for f in before)
        counts_after = Counter(f.value for f in after)
        surplus_before = first_of(before, lambda v: counts_before[v] > counts_after[v])
        surplus_after = first_of(after, lambda v: counts_after[v] > counts_before[v])
        reported: set[int] = set()

        def against(was: Fact, now: Fact) -> bool:
            return (
                _contradicts(was.value, now.value)
                and not turned_at_a_time(was, now, self.base, self.cand)
                and not bound_before(was, now, self.base, self.cand)
            )

        for was in surplus_before:
            now = next((f for f in surplus_after if against(was, f) and _bound(was, f)), None)
            if now is not None:
                self.add("polarity", "changed", was, now)
                surplus_after.remove(now)
                reported.add(id(was))
        # An opposite that moved: "accepted A, declined B" against "declined A, accepted B".
        on_axis: dict[str, list[Fact]] = {}  # only readings of one axis can contradict
        for fact in after:
            on_axis.setdefault(fact.value.partition(":")[0], []).append(fact)
        for was in before:
            subject = was.window - {was.head}
            if id(was) in reported or not subject:
                continue
            axis = on_axis.get(was.value.partition(":")[0], [])
            same = max((len(f.window & subject) for f in axis if f.value == was.value), default=0)
            turned = [f for f in axis if against(was, f) and len(f.window & subject) > max(same, 1)]
            if turned:
                self.add("polarity", "changed", was, turned[0])

    def modality(self) -> None:
        before, after = self.base.of("modality"), self.cand.of("modality")
        # a verb with the same strength on both sides pairs off first: a second modal on
        # it ("it needs replacing; we recommend replacing it") then changes nothing
        before, after = pair(
            before, after, lambda one, other: (one.head, one.value) == (other.head, other.value)
        )
        mine, theirs = self.base.tokens.sentence_stems(), self.cand.tokens.sentence_stems()
        for was in before:
            same_verb = [f for f in after if f.head and f.head == was.head]
            # the same verb of another claim ("you can cut a wire", "fruit should be cut")
            same_verb = [f for f in same_verb if _aligned(was, f, mine, theirs)]
            if same_verb and all(f.value != was.value for f in same_verb):
                self.add("modality", "changed", was, same_verb[0])

    def qualifiers(self, kind: str) -> None:
        """Conditions and hedges without a counterpart on the other side. A condition is
        dropped (or added) when what it depends on is not said on the other side; a
        hedge is made certain (or added) when its claim stands there without one."""
        before, after = self.base.of(kind), self.cand.of(kind)
        before_left, after_left = pair(before, after, _overlapping)
        if kind == "conditions":  # a condition reworded whole still pairs with one
            paired = min(len(before_left), len(after_left))
            before_left, after_left = before_left[paired:], after_left[paired:]
        else:  # a hedge reworded whole pairs with one of the same sentence
            matcher = sentences_alike(self.base, self.cand)
            before_left, after_left = pair(before_left, after_left, matcher)
        values: dict[int, set[tuple[str, str]]] = {}  # each side's values, once asked
        ordered: dict[int, tuple[list[int], list[Fact]]] = {}
        for fact, other, on_base in (
            *((f, self.cand, True) for f in before_left),
            *((f, self.base, False) for f in after_left),
        ):
            own = self.base if on_base else self.cand
            if kind == "conditions":
                # its values count as its words: "if you book by 31 Jan" and "until 31 Jan"
                mine = clause_values(fact, own, ordered)
                if id(other) not in values:
                    values[id(other)] = {(f.kind, f.value) for f in other.facts}
                kept = said(fact.window, other) + len(mine & values[id(other)])
                if (fact.window or mine) and kept >= CLAIM_KEPT * (len(fact.window) + len(mine)):
                    continue
                if hypothetical(fact, own, other) or other_branch_said(fact, own, other):
                    continue
                change = "dropped" if on_base else "added"
            else:
                if not other.tokens.stands(fact.window, fact.head, "hedges"):
                    continue
                if possible(fact, other) or intended(fact, other):
                    continue
                if hedge_worded_there(fact, own, other):
                    continue
                change = "made certain" if on_base else "hedged"
            self.add(kind, change, fact if on_base else None, None if on_base else fact)

    def steps(self) -> None:
        for own, other, change in (
            (self.base, self.cand, "dropped"),
            (self.cand, self.base, "added"),
        ):
            if len(own.steps) < 2:
                continue
            values = values_by_sentence(own)
            theirs = {(f.kind, f.value) for f in other.facts}
            for step in own.steps:
                if len(step.stems) < 2:
                    continue
                # its values count as its words: "4 hours" said is part of the step said
                mine = values.get(step.sentence, set())
                kept = said(step.stems, other) + len(mine & theirs)
                if kept < STEP_KEPT * (len(step.stems) + len(mine)):
                    was, now = (step.text, "") if change == "dropped" else ("", step.text)
                    quote = own.tokens.sentence_text(step.sentence)
                    quotes = (quote, "") if change == "dropped" else ("", quote)
                    self.findings.append(Finding("steps", change, cut(was), cut(now), *quotes))


def compare(base: Facts, cand: Facts, kinds: Iterable[str], lexicon: Lexicon) -> list[Finding]:
    """Every difference between two answers' facts, in the kinds asked for."""
    wanted = set(kinds)
    comparison = _Comparison(base, cand, lexicon)
    comparison.values([kind for kind in VALUE_KINDS if kind in wanted])
    for kind in CLAIM_KINDS:
        if kind not in wanted:
            continue
        if kind == "negation":
            comparison.negations()
        elif kind == "polarity":
            comparison.polarity()
        elif kind == "modality":
            comparison.modality()
        elif kind == "steps":
            comparison.steps()
        else:
            comparison.qualifiers(kind)
    return comparison.findings


# --- helpers ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)  # two short values; asked for every pair of opposites
def _contradicts(one: str, other: str) -> bool:
    """Whether two readings of one axis of opposites say opposite things: "approved"
    against "declined" or "not approved"; "not approved" and "declined" agree."""
    axis, pole, negated = (one.split(":") + [""])[:3]
    other_axis, other_pole, other_negated = (other.split(":") + [""])[:3]
    if axis != other_axis or one == other:
        return False
    if pole == other_pole:
        return negated != other_negated
    return negated == other_negated


def _bound(one: Fact, other: Fact) -> bool:
    """Whether two claims are about the same thing: their clauses share a word, or
    neither says anything else ("Accepted." against "Declined.")."""
    return bool(one.window & other.window) or not (one.window or other.window)


def _aligned(
    one: Fact, other: Fact, mine: list[frozenset[str]], theirs: list[frozenset[str]]
) -> bool:
    """Whether two claims share a word besides their head, or stand in sentences that
    share a content word besides it (or one of them says little else)."""
    if (one.window & other.window) - {one.head}:
        return True
    if one.sentence >= len(mine) or other.sentence >= len(theirs):
        return True
    stems, their_stems = mine[one.sentence] - {one.head}, theirs[other.sentence] - {one.head}
    # a short sentence says too little else to tell ("You must pay in cash", "You can pay
    # by card": the same claim, its strength changed)
    return min(len(stems), len(their_stems)) < 3 or bool(stems & their_stems)


def _same_claim(one: Fact, other: Fact) -> bool:
    """Two negations of one claim: their clauses share two words (or all of the shorter
    one's, when it has one), or they negate the same word with nothing else said."""
    shared = len(one.window & other.window)
    if shared and shared >= min(2, len(one.window), len(other.window)):
        return True
    if not one.window and not other.window:
        return True
    return (
        bool(one.head) and one.head == other.head and not (one.window ^ other.window) - {one.head}
    )


def _same_head(one: Fact, other: Fact) -> bool:
    """Two negations of the same word that share something else or say nothing else."""
    if not one.head or one.head != other.head:
        return False
    rest, other_rest = one.window - {one.head}, other.window - {other.head}
    return bool(rest & other_rest) or not rest or not other_rest


def _overlapping(one: Fact, other: Fact) -> bool:
    return bool(one.window & other.window) or (one.head != "" and one.head == other.head)
