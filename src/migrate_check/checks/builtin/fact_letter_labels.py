"""Places and options labelled by one capital letter ("Room B", "Gate D", "Menu C",
"Option A"): identifiers, which no digit marks as one. Weak: a rewording says "Zones A
and C" or "in B", so one counts only when another stands in its place ("Room D")."""

from __future__ import annotations

from migrate_check.checks.builtin.fact_lexicon import words
from migrate_check.checks.builtin.fact_records import Fact
from migrate_check.checks.builtin.fact_text import Tokens

#: Nouns a single letter after labels: rooms, gates, menus, options, levels, ...
LABELLED = frozenset(
    words(
        """
        room rooms menu gate block zone hall court pitch bay door entrance wing option plan
        level floor platform terminal stand section area building studio table lane group
        unit ward tier band grade class category field arena ring site lot berth pontoon
        dock pier stage tent barn car coach carriage pen paddock kennel cabin lodge deck
        """
    )
)


def read_letter_labels(tokens: Tokens) -> list[Fact]:
    """Every labelled letter: "Room B" is `room B`, whatever the case of the label."""
    t = tokens
    found: list[Fact] = []
    if LABELLED.isdisjoint(t.words):
        return found  # no label noun at all: one scan in C, not a loop over words
    last = len(t.words) - 1
    for at, word in enumerate(t.words):
        if word not in LABELLED or at == last:
            continue
        letter = t.raw[at + 1]
        if len(letter) == 1 and "A" <= letter <= "Z" and letter != "I" and t.joined(at):
            start, end = t.starts[at], t.starts[at + 1] + 1
            raw = t.text[start:end]
            value = f"{word} {letter}"
            found.append(Fact("identifiers", value, raw, start, end, t.sentence[at], True))
    return found


def relabelled(was: Fact, now: Fact) -> bool:
    """Whether one labelled letter took another's place: "Room B" and "Room D"."""
    label, _, letter = was.value.rpartition(" ")
    other_label, _, other_letter = now.value.rpartition(" ")
    return (
        was.kind == now.kind == "identifiers"
        and label == other_label
        and label in LABELLED
        and len(letter) == len(other_letter) == 1
        and letter != other_letter
    )
