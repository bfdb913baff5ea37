"""Where a claim reaches, for `fact_comparison`: the values stated in a claim's clause or
a step's sentence (they count as its words, so a claim merged into another sentence with
its values is still said), and a "not" that sets one value against another rather than
negating a claim.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from migrate_check.checks.builtin.fact_matching import says_the_same
from migrate_check.checks.builtin.fact_records import VALUE_KINDS, Fact, Facts

#: Words of a clause looked at for the values it states.
MAX_CLAUSE_WORDS = 40


def contrast(negation: Fact, own: Facts) -> bool:
    """Whether a negation sets a value against another ("leaves at 2:35pm, not 12:10pm",
    "instead of 12:10pm"): "not" with only a value after it in its clause negates no
    claim."""
    if negation.head or negation.raw.casefold() != "not":
        return False
    text, blanked = own.tokens.text, own.tokens.blanked
    at = negation.end
    while at < len(text) and at < negation.end + 3 and text[at] in " \t":
        at += 1
    return at < len(text) and blanked[at] == " " and text[at] != " "


def clause_values(
    claim: Fact, own: Facts, known: dict[int, tuple[list[int], list[Fact]]]
) -> set[tuple[str, str]]:
    """The values (not weak) stated in a claim's clause, from its marker on; `known`
    keeps each side's values in text order, so each claim looks up only its own."""
    tokens = own.tokens
    at = bisect_left(tokens.starts, claim.start)
    if at >= len(tokens.starts):
        return set()
    stop, end = at, min(len(tokens.starts), at + MAX_CLAUSE_WORDS)
    while stop < end and tokens.clause[stop] == tokens.clause[at]:
        stop += 1
    until = tokens.starts[stop] if stop < len(tokens.starts) else len(tokens.text)
    if id(own) not in known:
        ordered = sorted(
            (f for f in own.facts if f.kind in VALUE_KINDS and not f.weak), key=lambda f: f.start
        )
        known[id(own)] = ([f.start for f in ordered], ordered)
    starts, ordered = known[id(own)]
    first, last = bisect_left(starts, claim.start), bisect_left(starts, until)
    return {(f.kind, f.value) for f in ordered[first:last]}


def values_by_sentence(facts: Facts) -> dict[int, set[tuple[str, str]]]:
    """The values (not weak) each sentence states, as (kind, value)."""
    found: dict[int, set[tuple[str, str]]] = {}
    for fact in facts.facts:
        if fact.kind in VALUE_KINDS and not fact.weak:
            found.setdefault(fact.sentence, set()).add((fact.kind, fact.value))
    return found


def negated_in_list(negation: Fact, other: Facts) -> bool:
    """Whether the other side says the claim of a negation in a clause that an "and" or
    an "or" cut from a negated one of its sentence ("Food and drink are not allowed" for
    "no food or drink may be taken in"): the items of one list share its negation."""
    tokens = other.tokens
    if "list" not in tokens.marked:  # clauses opened by "and" or "or"
        tokens.marked["list"] = {
            tokens.clause[at] for at, word in enumerate(tokens.words) if word in ("and", "or")
        }
    listed, negated = tokens.marked["list"], tokens.marked.get("negation", set())
    needed = min(2, len(negation.window))
    if not needed:
        return False
    for number, stems in tokens.clause_stems().items():
        if len(negation.window & stems) < needed or number in negated:
            continue
        if (number in listed and number - 1 in negated) or (
            number + 1 in listed and number + 1 in negated
        ):
            return True
    return False


#: Hedges that say "probably not": a negation of their claim on the other side says no more.
NEGATIVE_HEDGES = frozenset({"unlikely", "improbable", "doubtful"})


def hedged_negatively(negation: Fact, other: Facts) -> bool:
    """Whether the other side says the claim of a negation with a hedge that holds the
    negation ("it's unlikely the delay will affect it" for "it probably won't affect
    it"): two of its words (or all) in the hedge's clause."""
    needed = min(2, len(negation.window))
    return needed > 0 and any(
        len(negation.window & hedge.window) >= needed
        for hedge in other.of("hedges")
        if hedge.value in NEGATIVE_HEDGES
    )


#: What "only" is said on where "unless" was ("only if you ask", "only with approval").
_ONLY_ON = frozenset({"if", "when", "where", "with", "after", "once"})


def only_if(negation: Fact, own: Facts, other: Facts) -> bool:
    """Whether a negation with "unless" ("no need to call unless you have questions") is
    said on the other side as "only ... if", "only ... when" or "only ... with" ("you only
    need to call if you have questions"): the same rule, in a sentence sharing two words
    with its own."""
    spans = own.tokens.sentence_spans
    if negation.sentence >= len(spans):
        return False
    start, end = spans[negation.sentence]
    if "unless" not in own.tokens.text[start:end].casefold().split():
        return False
    mine = own.tokens.sentence_stems()[negation.sentence]
    for number, (start, end) in enumerate(other.tokens.sentence_spans):
        words = other.tokens.text[start:end].casefold().split()
        if "only" in words and _ONLY_ON.intersection(words):
            stems = other.tokens.sentence_stems()
            if number < len(stems) and len(stems[number] & mine) >= 2:
                return True
    return False


#: Words before a negation that make its clause a condition ("if you don't arrive").
_CONDITIONAL = frozenset({"if", "unless", "whenever"})
#: Words that say the other branch of a rule ("pay by Friday, otherwise ...", "or we ...").
_ELSE = r"\botherwise\b|\bor\selse\b|\bif\snot\b"
_OTHER_BRANCH = re.compile(
    _ELSE
    + r"|[,;]\s++or\b"
    + r"|\bor\s(?:the|we|you|your|it|they)\s(?:\w+\s)?(?:will|won't|is|are|may|must|can|get)\b"
)
_WORDS = re.compile(r"[a-z']++")


def otherwise_said(negation: Fact, own: Facts, other: Facts) -> bool:
    """Whether a negation in a condition ("if you don't arrive within 15 minutes, ...")
    is said on the other side as the rule and its other branch in a clause of its own
    ("arrive within 15 minutes, or ...", "give notice; otherwise ...", "if not, ..."),
    in a sentence that says the same."""
    text = own.tokens.text
    before = _WORDS.findall(text[max(0, negation.start - 40) : negation.start].casefold())
    if not _CONDITIONAL & set(before[-5:]):
        return False
    mine = own.tokens.sentence_stems()
    if negation.sentence >= len(mine):
        return False
    theirs = other.tokens.sentence_stems()
    for number, (start, end) in enumerate(other.tokens.sentence_spans):
        said = number < len(theirs) and says_the_same(mine[negation.sentence], theirs[number])
        if said and _OTHER_BRANCH.search(other.tokens.text[start:end].casefold()):
            return True
    return False


def other_branch_said(condition: Fact, own: Facts, other: Facts) -> bool:
    """Whether a condition that negates ("if we don't hear from you, ...") is said on
    the other side as the other branch of a rule ("reply by Friday - otherwise ..."), in
    a sentence that says the same."""
    spans = own.tokens.sentence_spans
    if condition.sentence >= len(spans):
        return False
    rest = own.tokens.text[condition.start : spans[condition.sentence][1]].casefold()
    clause = _CLAUSE_END.split(rest[:80], maxsplit=1)[0]  # the condition's own clause
    if not _NEGATED_CLAUSE.search(clause):
        return False
    mine = own.tokens.sentence_stems()[condition.sentence]
    theirs = other.tokens.sentence_stems()
    for number, (start, end) in enumerate(other.tokens.sentence_spans):
        said = other.tokens.text[start:end].casefold()
        if number < len(theirs) and _BRANCH.search(said) and len(mine & theirs[number]) >= 2:
            return True
    return False


_CLAUSE_END = re.compile(r"[,;:]|\bthen\b")
_NEGATED_CLAUSE = re.compile(r"\b(?:not|no|nobody|nothing|never)\b|n['’]t\b")
_BRANCH = re.compile(_ELSE + r"|\bfailing\sthat\b")
