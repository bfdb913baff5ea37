"""A claim said two ways, for `fact_comparison`: a negation said by a negating word or a
zero instead of "not", a word negated by a prefix, a condition said as a hypothetical, a
hedge by "may" said by "can" or as an intention ("planned"), a compound with or without
its hyphens.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from migrate_check.checks.builtin.fact_equivalents import zero_said
from migrate_check.checks.builtin.fact_lexicon import INTENT, stem
from migrate_check.checks.builtin.fact_matching import says_the_same
from migrate_check.checks.builtin.fact_records import Fact, Facts
from migrate_check.checks.builtin.fact_text import REACH

_POSSIBILITY = frozenset({"may", "might", "could"})
_EMPTY: set[str] = set()
#: Verbs of intention that are nouns too, read as verbs before "to" ("we aim to").
_INTENDS = frozenset({"aim", "aims", "plan", "plans", "intend", "intends", "expect", "expects"})


def prefixed_there(fact: Fact, other: Facts) -> bool:
    """Whether the other side negates the same word by a prefix ("not available" against
    "unavailable")."""
    return any(bare in fact.window for bare in other.prefixed)


def plainly_said(
    negation: Fact, own: Facts, other: Facts, answered: dict[int, tuple[int, ...]]
) -> bool:
    """Whether the other side makes the negated claim with no negation: some clause makes
    it unnegated (`Tokens.stands`), no word negates it by a prefix, no zero says it ("£0
    to pay" for "nothing to pay"), and no clause there says it negated in other words
    ("the receipt was missing" for "the receipt wasn't attached": a clause with a
    negating word that holds two of its words, or all but the word negated) unless this
    side says that clause too ("the form was missing" on both sides answers no new "do
    not attach the form"). `answered` keeps, per clause there, the clauses here that
    say it (two at most), so each is looked for once."""
    tokens = other.tokens
    if not tokens.stands(negation.window, negation.head, "negation"):
        return False
    if prefixed_there(negation, other) or zero_said(negation, other):
        return False
    if _until_follows(negation, own) and "until" not in other.tokens.plain_words():
        return False  # "it doesn't open until 10" and "it opens at 10": a bound in time
    needed = min(2, len(negation.window))
    subject = negation.window - {negation.head}
    clauses = tokens.clause_stems()
    mine = _clause_of(negation, own)
    window = negation.window
    beside: set[str] | None = None  # what the other negations of its clause are about
    for number in tokens.marked.get("negation", ()):
        found = clauses.get(number, _EMPTY)
        if len(window & found) >= needed or (subject and subject <= found):
            if beside is None:
                beside = {
                    f.head
                    for f in own.of("negation")
                    if f is not negation and _clause_of(f, own) == mine
                }
            if beside and _negated_as_here(number, other, beside):
                continue  # "at no extra charge" on both sides: not this claim negated
            here = answered.get(number)
            if here is None:
                here = answered[number] = _negated_here(found, own)
            if not here or here == (mine,):
                return False
    return True


def double_negatives(negations: list[Fact], own: Facts) -> list[Fact]:
    """Negations left unanswered, less those of a double negative: two in one clause
    that are both unanswered ("cars may not be taken without approval" against "taking a
    car requires approval") cancel out, where one answered leaves the other a change."""
    clauses = [_clause_of(fact, own) for fact in negations]
    count: dict[int, int] = {}
    for clause in clauses:
        count[clause] = count.get(clause, 0) + 1
    return [fact for fact, clause in zip(negations, clauses, strict=True) if count[clause] != 2]


def _clause_of(fact: Fact, own: Facts) -> int:
    """The clause number of the word a claim starts at."""
    t = own.tokens
    at = bisect_left(t.starts, fact.start)
    return t.clause[at] if at < len(t.clause) else -1


def _negated_as_here(number: int, other: Facts, heads: set[str]) -> bool:
    """Whether the negations of clause `number` there are all about what other
    negations of the clause here are about: that clause is negated as this one is."""
    there = [f for f in other.of("negation") if _clause_of(f, other) == number]
    return bool(there) and all(f.head in heads for f in there)


def _until_follows(negation: Fact, own: Facts) -> bool:
    """Whether the clause of a negation is followed at once by an "until" clause."""
    t = own.tokens
    at = bisect_left(t.starts, negation.start)
    if at >= len(t.words):
        return False
    index, stop = at + 1, min(len(t.words), at + REACH)
    while index < stop and t.clause[index] == t.clause[at]:
        index += 1
    return index < stop and t.words[index] == "until" and t.sentence[index] == t.sentence[at]


def _negated_here(stems: set[str], own: Facts) -> tuple[int, ...]:
    """Up to two clauses of this side that are negated and hold `stems` (two of them,
    or all): one of them may be the negation's own."""
    tokens = own.tokens
    clauses = tokens.clause_stems()
    needed = min(2, len(stems))
    found: list[int] = []
    for number in tokens.marked.get("negation", ()):
        if len(stems & clauses.get(number, set())) >= needed:
            found.append(number)
            if len(found) == 2:
                break
    return tuple(found)


def bare_only(bare: str, fact: Fact, own: Facts, other: Facts, other_negations: list[Fact]) -> bool:
    """Whether the other side says the bare word ("refundable") without negating it,
    where this side said it with a negating prefix ("non-refundable"), nor says the
    prefixed word itself in another form ("unloading" and "unload")."""
    return (
        bare in other.tokens.stems
        and bare not in other.prefixed
        and stem(fact.raw) not in other.tokens.stems
        and not any(bare in f.window for f in other_negations)
        and _said_of_the_same(bare, fact, own, other)
    )


def _said_of_the_same(bare: str, fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether the other side says the bare word in a sentence about what the prefixed
    word was said of (another word of its sentence), not elsewhere ("delivery address:
    unchanged" and "changed your mind?")."""
    sentences = own.tokens.sentence_stems()
    mine = sentences[fact.sentence] if fact.sentence < len(sentences) else frozenset()
    about = mine - {bare, stem(fact.raw)}
    if not about:
        return True
    return any(bare in stems and stems & about for stems in other.tokens.sentence_stems())


def hypothetical(condition: Fact, own: Facts, other: Facts) -> bool:
    """Whether a condition of a hypothetical ("if you paid $100 more, you'd finish
    sooner") is said there as a hypothetical without "if" ("paying $100 more would
    finish it sooner"): the other side's sentence most like its own holds "would" and a
    word of the condition's clause."""
    tokens = own.tokens
    if condition.sentence not in _would(own):
        return False
    stems = tokens.sentence_stems()
    mine = stems[condition.sentence] if condition.sentence < len(stems) else frozenset()
    theirs = other.tokens.sentence_stems()
    best = max(range(len(theirs)), key=lambda n: len(mine & theirs[n]), default=-1)
    at = min(bisect_left(tokens.starts, condition.start), len(tokens.clause) - 1)
    clause = tokens.clause_stems().get(tokens.clause[at], set())
    return best in _would(other) and bool(clause & theirs[best])


def _would(facts: Facts) -> set[int]:
    """The sentences that hold "would" (or "'d"): hypotheticals."""
    tokens = facts.tokens
    if "would" not in tokens.marked:
        tokens.marked["would"] = {
            tokens.sentence[at]
            for at, word in enumerate(tokens.words)
            if word == "would" or word.endswith(("'d", "’d"))
        }
    return tokens.marked["would"]


def said(stems: frozenset[str], other: Facts) -> int:
    """How many of `stems` the other side says, a compound with or without its hyphens
    ("weekday-morning" and "weekday morning")."""
    missing = stems - other.tokens.stems
    if not missing:
        return len(stems)
    parts = other.tokens.part_stems()
    return len(stems) - sum(
        1
        for s in missing
        if s not in parts and not ("-" in s and all(stem(p) in parts for p in s.split("-") if p))
    )


def intended(hedge: Fact, other: Facts) -> bool:
    """Whether the other side makes a hedged claim as an intention or a forecast ("we
    expect to hire 15" and "15 hires are planned"): a clause with a word of intention,
    the hedge's head and two of its words (or all)."""
    tokens = other.tokens
    if "intent" not in tokens.marked:
        words = tokens.words
        tokens.marked["intent"] = {  # not "as planned": that says it is certain
            tokens.clause[at]
            for at, word in enumerate(words)
            if (word in INTENT and not (at and words[at - 1] == "as"))
            or (word in _INTENDS and words[at + 1 : at + 2] == ["to"])  # "we aim to"
        }
    needed = min(2, len(hedge.window))
    clauses = tokens.clause_stems()
    for number in tokens.marked["intent"]:
        stems = clauses.get(number, set())
        if (not hedge.head or hedge.head in stems) and len(hedge.window & stems) >= needed:
            return needed > 0
    return False


def possible(hedge: Fact, other: Facts) -> bool:
    """Whether a hedge by "may", "might" or "could" is said on the other side by "can" on
    the same verb: "which may take ten days" and "which can take ten days" both say it is
    possible, "members may bring guests" and "members can bring guests" both permit."""
    return hedge.value in _POSSIBILITY and any(
        modal.head == hedge.head and modal.value == "1" for modal in other.of("modality")
    )


def turned_at_a_time(one: Fact, other: Fact, base: Facts, cand: Facts) -> bool:
    """Whether two opposites say one thing of a time: "open until 4pm" is "closes at
    4pm", "closed until 10am" is "opens at 10am"."""
    for fact, own, their_fact, theirs in ((one, base, other, cand), (other, cand, one, base)):
        until = _time_after(fact, own, _UNTIL)
        if until is not None and until == _time_after(their_fact, theirs, _AT):
            return True
    return False


def _time_after(fact: Fact, facts: Facts, joined: re.Pattern[str]) -> str | None:
    """The time just after an opposite in its sentence, joined to it as `joined` says
    ("open until 4pm", "closes at 4pm")."""
    for time in facts.of("times"):
        if time.sentence == fact.sentence and 0 < time.start - fact.end <= 30:
            between = facts.tokens.text[fact.end : time.start].casefold()
            return time.value if joined.search(between) else None
    return None


_UNTIL = re.compile(r"\b(?:until|till|til)\b")
_AT = re.compile(r"\b(?:at|from)\s*+$")


#: Stems of words that hedge in any part of speech ("the estimate", "est.", "expecting").
_HEDGE_WORDS = frozenset(
    stem(word)
    for word in ("estimate", "est", "expect", "anticipate", "hope", "likely", "probably")
    + ("possibly", "perhaps", "maybe")
)


def hedge_worded_there(hedge: Fact, own: Facts, other: Facts) -> bool:
    """Whether the other side's sentence that says the same as the hedge's (all of a short
    one's stems will do) hedges it with a word its own sentence lacks, in another part
    of speech ("Estimated total: £5,640" and "the estimate comes to £5640", "(est. 85
    pages)" and "(estimated at 85 pages)")."""
    mine, theirs = own.tokens.sentence_stems(), other.tokens.sentence_stems()
    if hedge.sentence >= len(mine):
        return False
    own_words = own.per_sentence("hedge words", _hedge_words)[hedge.sentence]
    own_words -= {stem(hedge.raw.split()[-1])}
    stems = mine[hedge.sentence]
    for number, words in enumerate(other.per_sentence("hedge words", _hedge_words)):
        if number >= len(theirs) or not words - own_words:
            continue
        if says_the_same(stems, theirs[number], short=True):
            return True
    return False


def _hedge_words(text: str) -> frozenset[str]:
    return frozenset(stem(word) for word in _LETTERS.findall(text.casefold())) & _HEDGE_WORDS


_LETTERS = re.compile(r"[a-z]++")


def bound_before(one: Fact, other: Fact, base: Facts, cand: Facts) -> bool:
    """Whether "up to" a time before a start and "at least" that time before it hold the
    same notice: "free up to 24 hours before" is "free if at least 24 hours before"."""
    bounds = {one.raw.casefold(), other.raw.casefold()}
    if not (bounds & _UNTIL_BOUNDS and bounds & _LEAST_BOUNDS):
        return False
    ahead = _notice(one, base)
    return ahead is not None and ahead == _notice(other, cand)


_UNTIL_BOUNDS = frozenset({"up to", "until"})
_LEAST_BOUNDS = frozenset({"at least", "no less than", "a minimum of", "minimum"})


def _notice(bound: Fact, facts: Facts) -> str | None:
    """The duration a bound takes when "before" or "in advance" follows it."""
    for quantity in facts.of("quantities"):
        if quantity.sentence == bound.sentence and 0 <= quantity.start - bound.end <= 2:
            after = facts.tokens.text[quantity.end : quantity.end + 16].casefold()
            return quantity.value if _AHEAD.match(after) else None
    return None


_AHEAD = re.compile(r"\s*+(?:before|ahead|in\sadvance|prior|beforehand)\b")
