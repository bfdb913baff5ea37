"""A value that took another's place between the same two words ("holds one standard
bike" and "holds two standard bikes"; "directed to Paul" and "directed to Hannah"): a
change even where each value alone would not count (a weak "one", a name said elsewhere
too)."""

from __future__ import annotations

import re

from migrate_check.checks.builtin.fact_letter_labels import relabelled
from migrate_check.checks.builtin.fact_lexicon import stem
from migrate_check.checks.builtin.fact_records import Fact, Facts

MAX_IN_PLACE = 24
_LAST_WORD = re.compile(r"([^\W\d_]++)[^\w]*+$")
_FIRST_WORD = re.compile(r"[^\w]*+([^\W\d_]++)")


def in_place(
    weak: list[Fact], others: list[Fact], base: Facts, cand: Facts
) -> list[tuple[Fact, Fact]]:
    """Each weak value lost ("one") with the value that took its place, if one did."""
    found = []
    for was in weak:
        now = next(
            (f for f in others if f.kind == was.kind and changed_in_place(was, f, base, cand)),
            None,
        )
        if now is not None:
            found.append((was, now))
    return found


def renamed_in_place(
    before: list[Fact], after: list[Fact], base: Facts, cand: Facts
) -> list[tuple[Fact, Fact]]:
    """Names one side gives where the other gives another, between the same two words,
    when both are named elsewhere too (so neither is lost as a name)."""
    only_before = [f for f in before if all(f.value != o.value for o in after)]
    only_after = [f for f in after if all(f.value != o.value for o in before)]
    found = []
    for was in only_before[:MAX_IN_PLACE]:
        for now in only_after[:MAX_IN_PLACE]:
            if not set(was.value.split()) & set(now.value.split()) and changed_in_place(
                was, now, base, cand
            ):
                found.append((was, now))
                break
    return found


def changed_in_place(was: Fact, now: Fact, base: Facts, cand: Facts) -> bool:
    """Whether a value became another between the same two words on each side ("holds one
    standard bike" and "holds two standard bikes"): a change even of a weak value, which
    a rewording otherwise drops or spells out ("one")."""
    if relabelled(was, now):
        return True  # "Room B" and "Room D": the label is the place
    places = {_beside(f, base) for f in base.of(was.kind) if f.value == was.value}
    places.discard(None)
    return bool(places) and any(
        _beside(f, cand) in places
        for f in [f for f in cand.of(now.kind) if f.value == now.value][:MAX_IN_PLACE]
    )


def _beside(fact: Fact, facts: Facts) -> tuple[str, str] | None:
    text = facts.tokens.text
    before = _LAST_WORD.search(text[max(0, fact.start - 30) : fact.start])
    after = _FIRST_WORD.match(text[fact.end : fact.end + 30])
    if before is None or after is None:
        return None
    return stem(before.group(1).casefold()), stem(after.group(1).casefold())
