"""`[loop:KIND]` markers: a tool loop scripted per side, for tests and the example.

In a tool loop the last user message stays the conversation's first one (what follows
is assistant tool calls and tool results), so a marker there applies at every step: the
model plans its path once, from the user message, and the number of tool results already
in the conversation says how far along it is (`tool_loop.py`). A marker changes one
family's path (see `answers.family`): `[loop:KIND]` or `[loop:KIND:candidate]` the
candidate's, `[loop:KIND:baseline]` the baseline's, `[loop:KIND:both]` both. Markers apply
in the order written, each to the path the earlier ones made; the model never "reads"
them (`prompt.py` strips them). NAME is a tool of the request (`[A-Za-z0-9_-]`, at most
64 characters, as the API allows); a marker naming a tool the request does not offer
changes nothing. Kinds:

* `first=NAME`: the model calls NAME first, on its own step, then goes on as it would
  (NAME leaves the later steps): another tool first;
* `again=NAME`: right after its first call of NAME, the model calls NAME once more, with
  the same arguments (an extra search); nothing changes when it would not call NAME;
* `stop`: the model answers at once, from what it has, without calling a tool (a model
  that guesses rather than looks up; a forced `tool_choice` still forces a call);
* `forever` or `forever=NAME`: after its path the model keeps calling NAME (else the last
  tool of its path, else the request's first tool), one call a step, and never answers:
  a loop that only a step limit ends.

Example: `Search flights from Oslo to London on 2026-12-24.
[loop:again=search_flights:candidate] [loop:first=get_weather:baseline]`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SIDES = ("candidate", "baseline", "both")
_LOOP_MARKER = re.compile(
    r"\[loop:(stop|forever(?:=[\w-]{1,64})?|(?:first|again)=[\w-]{1,64})"
    r"(?::(both|baseline|candidate))?\]",
    re.IGNORECASE,
)

Rounds = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Plan:
    """A model's planned tool calls: one tuple of tool names per step (more than one name
    is a parallel call), then, if set, `repeat` called on every later step."""

    rounds: Rounds
    repeat: str | None = None


@dataclass(frozen=True)
class LoopMarker:
    """One marker meant for this family: its kind and the tool it names, if any."""

    kind: str
    name: str | None


def markers(raw_user: str, family: str) -> list[LoopMarker]:
    """The `[loop:...]` markers of the user message meant for `family`, in order."""
    found: list[LoopMarker] = []
    for match in _LOOP_MARKER.finditer(raw_user):
        sides = (match.group(2) or "candidate").lower()
        if sides != "both" and sides != family:
            continue
        kind, _, name = match.group(1).partition("=")
        found.append(LoopMarker(kind.lower(), name or None))
    return found


def scripted(path: Plan, marks: list[LoopMarker], tools: tuple[str, ...]) -> Plan:
    """The path after the markers, applied in order; names not among `tools` change nothing."""
    for mark in marks:
        if mark.name is not None and mark.name not in tools:
            continue
        rounds = path.rounds
        if mark.kind == "stop":
            path = Plan(())
        elif mark.kind == "first" and mark.name is not None:
            rest = tuple(kept for r in rounds if (kept := tuple(n for n in r if n != mark.name)))
            path = Plan(((mark.name,), *rest), path.repeat)
        elif mark.kind == "again" and mark.name is not None:
            at = next((i for i, r in enumerate(rounds) if mark.name in r), None)
            if at is not None:
                path = Plan((*rounds[: at + 1], (mark.name,), *rounds[at + 1 :]), path.repeat)
        elif mark.kind == "forever":
            last = rounds[-1][-1] if rounds else None
            path = Plan(rounds, mark.name or last or (tools[0] if tools else None))
    return path


def step(path: Plan, results: int) -> int:
    """How many of the path's steps are behind the model, given the number of tool results
    in the conversation: a step counts once any of its calls has a result."""
    done, start = 0, 0
    for names in path.rounds:
        if start >= results:
            return done
        done, start = done + 1, start + len(names)
    return done + max(0, results - start)
