"""A value that took another's place between the same two words ("holds one standard
bike" and "holds two standard bikes"; "directed to Paul" and "directed to Hannah"): a
change even where each value alone would not count (a weak "one", a name said elsewhere
too)."""

from __future__ import annotations

import re

from migrate_check.checks.builtin.fact_letter_labels import relabelled
from migrate_check.checks.builtin.fact_lexicon import stem
from migrate_check.checks.builtin.fact_records import Fact, Facts

#: Occurrences of one value tried on each side for a change in place, so pairing stays small.
MAX_IN_PLACE = 24
#: Weak values lost (and the values that may have taken their place) tried at most.
MAX_WEAK = 200
_LAST_WORD = re.compile(r"([^\W\d_]++)[^\w]*+$")
_FIRST_WORD = re.compile(r"[^\w]*+([^\W\d_]++)")


def in_place(
    weak: list[Fact], others: list[Fact], base: Facts, cand: Facts
) -> list[tuple[Fact, Fact]]:
    """Each weak value lost ("one") with the value that took its place, if one did; the
    first `MAX_WEAK` of each, so a text of thousands of them is paired in bounded time."""
    found = []
    places = Places()
    others = others[:MAX_WEAK]
    for was in weak[:MAX_WEAK]:
        now = next(
            (
                f
                for f in others
                if f.kind == was.kind and changed_in_place(was, f, base, cand, places)
            ),
            None,
        )
        if now is not None:
            found.append((was, now))
    return found


def weak_changes(
    lost: list[Fact],
    new: list[Fact],
    surplus: list[Fact],
    deficit: list[Fact],
    base: Facts,
    cand: Facts,
) -> list[tuple[Fact, Fact]]:
    """Weak values lost, or gained, that another value took the place of: each pair once
    ("Room B" and "Room D" are found both ways)."""
    found = in_place([f for f in lost if f.weak], [*new, *surplus], base, cand)
    paired = {(id(was), id(now)) for was, now in found}
    turned = in_place([f for f in new if f.weak], [*lost, *deficit], cand, base)
    return found + [(was, now) for now, was in turned if (id(was), id(now)) not in paired]


def renamed_in_place(
    before: list[Fact], after: list[Fact], base: Facts, cand: Facts
) -> list[tuple[Fact, Fact]]:
    """Names one side gives where the other gives another, between the same two words,
    when both are named elsewhere too (so neither is lost as a name); not two parts of
    one name ("Contact Paul" and "Contact Jessop" for Paul Jessop)."""
    values_before, values_after = {f.value for f in before}, {f.value for f in after}
    only_before = [f for f in before if f.value not in values_after][:MAX_IN_PLACE]
    only_after = [f for f in after if f.value not in values_before][:MAX_IN_PLACE]
    if not (only_before and only_after):
        return []
    # the names that hold a word of a name given on one side only: "paul jessop" for "paul"
    wanted = {word for fact in only_before for word in fact.value.split()}
    holding: dict[str, list[set[str]]] = {}
    for value in values_before | values_after:
        words = set(value.split())
        for word in words & wanted:
            holding.setdefault(word, []).append(words)
    found = []
    places = Places()
    for was in only_before:
        mine = set(was.value.split())
        for now in only_after:
            theirs = set(now.value.split())
            both = mine | theirs
            one_name = any(both <= name for word in mine for name in holding.get(word, ()))
            if mine & theirs or one_name or not changed_in_place(was, now, base, cand, places):
                continue
            found.append((was, now))
            break
    return found


def changed_in_place(
    was: Fact, now: Fact, base: Facts, cand: Facts, places: Places | None = None
) -> bool:
    """Whether a value became another between the same two words on each side ("holds one
    standard bike" and "holds two standard bikes"): a change even of a weak value, which
    a rewording otherwise drops or spells out ("one")."""
    if relabelled(was, now):
        return True  # "Room B" and "Room D": the label is the place
    places = places or Places()
    before = places.of(base, was.kind, was.value)
    return bool(before) and not before.isdisjoint(places.of(cand, now.kind, now.value))


class Places:
    """Where each value stands on one side (the words before and after its first
    `MAX_IN_PLACE` occurrences), worked out once per value for the pairs tried."""

    def __init__(self) -> None:
        self._values: dict[tuple[int, str], dict[str, list[Fact]]] = {}
        self._found: dict[tuple[int, str, str], frozenset[tuple[str, str]]] = {}

    def of(self, facts: Facts, kind: str, value: str) -> frozenset[tuple[str, str]]:
        key = (id(facts), kind, value)
        if key not in self._found:
            if (id(facts), kind) not in self._values:
                by_value: dict[str, list[Fact]] = {}
                for fact in facts.of(kind):
                    by_value.setdefault(fact.value, []).append(fact)
                self._values[id(facts), kind] = by_value
            occurrences = self._values[id(facts), kind].get(value, [])[:MAX_IN_PLACE]
            found = {_beside(fact, facts) for fact in occurrences}
            self._found[key] = frozenset(place for place in found if place is not None)
        return self._found[key]


def _beside(fact: Fact, facts: Facts) -> tuple[str, str] | None:
    text = facts.tokens.text
    before = _LAST_WORD.search(text[max(0, fact.start - 30) : fact.start])
    after = _FIRST_WORD.match(text[fact.end : fact.end + 30])
    if before is None or after is None:
        return None
    return stem(before.group(1).casefold()), stem(after.group(1).casefold())
