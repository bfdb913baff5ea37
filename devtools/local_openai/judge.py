"""Deterministic LLM-judge answers, so the src side's judge checks can be tested offline.

A chat completion or Responses request whose structured output
(`response_format` / `text.format` of type `json_schema`) is named:

* `migrate_check_judge` (pairwise): the user message holds two texts, either
  `<baseline>A</baseline>` and `<candidate>B</candidate>`, or, for the probe in
  swapped order, `<first>B</first>` and `<second>A</second>`. The answer is
  `{"verdict": "same" | "worse" | "better", "reason": "..."}` and always says
  how the SECOND text (candidate, or second) compares with the FIRST:

  - "same": the facts agree. Facts are numbers (`12`, `4.2`, `2024`), weekdays,
    month names and negations (`not`, `no`, `never`, `n't`, `cannot`);
    wording may differ freely.
  - "worse": the second text drops a fact, changes one (Thursday -> Tuesday,
    12 -> 13), or has a negation more or fewer than the first.
  - "better": the second keeps every fact of the first and adds some.

  Dropping and adding mirror each other, so a consistent judge asked both ways
  gives "worse" one way and "better" the other. A changed fact or negation is
  "worse" both ways: the judge holds whichever text comes first as the
  reference, so both orders blame the second text.

  `[judge:flip]` anywhere in the user message gives the judge a position bias:
  it prefers whichever text comes first and answers "worse" in every order, so
  asking both ways disagrees.

* `migrate_check_rubric` (one side, pass/fail): `{"pass": bool, "reason": "..."}`,
  passing unless the user message contains `[rubric:fail]`. The text under
  review may be wrapped in `<output>...</output>`; the reason quotes its start.

Markers and tags are matched case-insensitively. Texts are read from the last
user message, or from the whole conversation when the tags are not there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from devtools.local_openai.prompt import Prompt

JUDGE_SCHEMA = "migrate_check_judge"
RUBRIC_SCHEMA = "migrate_check_rubric"
FLIP_MARKER = "[judge:flip]"
RUBRIC_FAIL_MARKER = "[rubric:fail]"
TAG_PAIRS: tuple[tuple[str, str], ...] = (("baseline", "candidate"), ("first", "second"))

_MARKERS = re.compile(r"\[(?:fault|drift|answer|batch|judge|rubric):[^\]]*\]", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Capitalised only, and not "May", which is mostly a verb.
_MONTHS = (
    "January", "February", "March", "April", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
_NEGATIONS = frozenset(("not", "no", "never", "cannot", "nor"))


@dataclass(frozen=True)
class Facts:
    """What the judge compares: facts as labelled strings, and how many negations."""

    values: frozenset[str]
    negations: int


def facts(text: str) -> Facts:
    """The numbers, weekdays, months and negation count of a text (markers ignored)."""
    text = _MARKERS.sub(" ", text)
    values = {n.replace(",", "") for n in _NUMBER.findall(text)}
    words = _WORD.findall(text)
    values |= {w.capitalize() for w in words if w.lower() in _WEEKDAYS}
    values |= {w for w in words if w in _MONTHS}
    negations = sum(1 for w in words if w.lower() in _NEGATIONS or w.lower().endswith("n't"))
    return Facts(frozenset(values), negations)


def _between(text: str, tag: str) -> str | None:
    match = re.search(rf"<{tag}>(.*?)</{tag}>", text, re.IGNORECASE | re.DOTALL)
    return match.group(1).strip() if match else None


def pair(text: str) -> tuple[str, str, str] | None:
    """(first text, second text, what the second is called), or None without the tags."""
    for first_tag, second_tag in TAG_PAIRS:
        first, second = _between(text, first_tag), _between(text, second_tag)
        if first is not None and second is not None:
            return first, second, second_tag
    return None


def _listed(values: set[str] | frozenset[str]) -> str:
    return ", ".join(sorted(values))


def compare(first: str, second: str, name: str = "second") -> tuple[str, str]:
    """(verdict, reason) for the second text against the first (see the module docstring)."""
    a, b = facts(first), facts(second)
    dropped, added = a.values - b.values, b.values - a.values
    if b.negations != a.negations:
        change = "adds a negation" if b.negations > a.negations else "drops a negation"
        return "worse", f"The {name} text {change}, which reverses what it states."
    if dropped and added:
        return (
            "worse",
            f"The {name} text changes facts: {_listed(dropped)} became {_listed(added)}.",
        )
    if dropped:
        return "worse", f"The {name} text leaves out {_listed(dropped)}."
    if added:
        return "better", f"The {name} text keeps every fact and adds {_listed(added)}."
    kept = f" ({_listed(a.values)})" if a.values else ""
    return "same", f"Both texts state the same facts{kept}."


def pairwise(message: str) -> dict[str, str]:
    """The pairwise judge's answer to a user message."""
    found = pair(message)
    if found is None:
        return {
            "verdict": "same",
            "reason": "No texts to compare: expected <baseline>/<candidate> or <first>/<second>.",
        }
    first, second, name = found
    if FLIP_MARKER in message.lower():
        return {"verdict": "worse", "reason": "The first text is clearer and more complete."}
    verdict, reason = compare(first, second, name)
    return {"verdict": verdict, "reason": reason}


def rubric(message: str) -> dict[str, object]:
    """The rubric judge's answer: pass unless `[rubric:fail]` is in the message."""
    output = _between(message, "output")
    shown = " ".join(_MARKERS.sub(" ", output if output is not None else message).split())[:60]
    if RUBRIC_FAIL_MARKER in message.lower():
        return {"pass": False, "reason": f"The output does not meet the rubric: {shown!r}."}
    return {"pass": True, "reason": f"The output meets the rubric: {shown!r}."}


def reply(prompt: Prompt) -> str | None:
    """The judge's JSON text for a judge request, None for any other request."""
    if prompt.output.kind != "json_schema":
        return None
    if prompt.output.name not in (JUDGE_SCHEMA, RUBRIC_SCHEMA):
        return None
    message = prompt.raw_user
    if prompt.output.name == JUDGE_SCHEMA:
        if pair(message) is None:
            message = prompt.all_text
        return json.dumps(pairwise(message), ensure_ascii=False)
    return json.dumps(rubric(message), ensure_ascii=False)
