"""Deterministic LLM-judge answers, so the src side's judge checks can be tested offline.

A chat completion or Responses request whose structured output
(`response_format` / `text.format` of type `json_schema`) is named:

* `migrate_check_judge` (pairwise): the user message holds two texts, either
  `<first>A</first>` and `<second>B</second>` or `<baseline>A</baseline>` and
  `<candidate>B</candidate>`. When the message says "fenced by tags with the
  boundary X" (the check's first line), the tags carry it (`<first-X>` ...
  `</first-X>`) and only those tags count, so a text that tries to close its
  fence stays text. The answer lists the differences of the SECOND text from
  the FIRST:

  `{"differences": [{"kind", "first", "second", "reader_acts_differently"}],
  "reason": "..."}`

  - Facts are numbers (`12`, `4.2`, `2024`: kind `numbers`), weekdays
    (`weekdays`), capitalised month names (`dates`), compared as multisets per
    kind; a fact of one text that the other lacks is a difference a reader acts
    on, quoted on its side (paired with one the other text has instead, so
    Thursday -> Tuesday is one difference), the missing side empty.
  - Negations (`not`, `no`, `never`, `nor`, `cannot`, `n't`) are counted: a
    different count is one `negation` difference a reader acts on.
  - Texts whose facts agree but whose words differ get one difference of kind
    `other` a reader does not act on, quoting where the wording first differs.

  The rules are symmetric, so a consistent judge lists the same differences in
  both orders, with the quotes swapped. `[judge:flip]` anywhere in the user
  message gives the judge a position bias instead: it ignores the facts and
  finds a difference a reader acts on only when the second text is the longer
  one (or, as long, sorts after the first), so the two orders disagree.

* `migrate_check_rubric` (one side, pass/fail): `{"pass": bool, "reason": "..."}`,
  passing unless the user message contains `[rubric:fail]`. The text under
  review may be wrapped in `<output>...</output>` (or `<output-X>`); the reason
  quotes its start.

Markers and tags are matched case-insensitively. Texts are read from the last
user message, or from the whole conversation when the tags are not there.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass

from devtools.local_openai.prompt import Prompt

JUDGE_SCHEMA = "migrate_check_judge"
RUBRIC_SCHEMA = "migrate_check_rubric"
FLIP_MARKER = "[judge:flip]"
RUBRIC_FAIL_MARKER = "[rubric:fail]"
TAG_PAIRS: tuple[tuple[str, str], ...] = (("first", "second"), ("baseline", "candidate"))

_MARKERS = re.compile(r"\[(?:fault|drift|answer|batch|judge|rubric):[^\]]*\]", re.IGNORECASE)
_BOUNDARY = re.compile(r"fenced by tags with the boundary ([0-9A-Za-z]{1,64})")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Capitalised only, and not "May", which is mostly a verb.
_MONTHS = (
    "January", "February", "March", "April", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
_NEGATIONS = frozenset(("not", "no", "never", "cannot", "nor"))
_QUOTE_WORDS = 6


@dataclass(frozen=True)
class Facts:
    """What the judge compares: facts per kind (a multiset), and the negation words."""

    values: dict[str, Counter[str]]
    negations: tuple[str, ...]


def facts(text: str) -> Facts:
    """The numbers, weekdays, months and negations of a text (markers ignored)."""
    text = _MARKERS.sub(" ", text)
    words = _WORD.findall(text)
    values = {
        "numbers": Counter(n.replace(",", "") for n in _NUMBER.findall(text)),
        "weekdays": Counter(w.capitalize() for w in words if w.lower() in _WEEKDAYS),
        "dates": Counter(w for w in words if w in _MONTHS),
    }
    negations = tuple(w for w in words if w.lower() in _NEGATIONS or w.lower().endswith("n't"))
    return Facts(values, negations)


def _between(text: str, tag: str, mark: str) -> str | None:
    """The text inside `<tag-mark>`...`</tag-mark>` (`<tag>` without a mark), or None."""
    suffix = f"-{mark}" if mark else ""
    opening = re.search(re.escape(f"<{tag}{suffix}>"), text, re.IGNORECASE)
    if opening is None:
        return None
    closing = re.compile(re.escape(f"</{tag}{suffix}>"), re.IGNORECASE)
    end = closing.search(text, opening.end())
    return text[opening.end() : end.start()].strip() if end else None


def _mark(text: str) -> str:
    found = _BOUNDARY.search(text)
    return found.group(1) if found else ""


def pair(text: str) -> tuple[str, str, str] | None:
    """(first text, second text, what the second is called), or None without the tags."""
    mark = _mark(text)
    for first_tag, second_tag in TAG_PAIRS:
        first, second = _between(text, first_tag, mark), _between(text, second_tag, mark)
        if first is not None and second is not None:
            return first, second, second_tag
    return None


def _difference(kind: str, first: str, second: str, acts: bool = True) -> dict[str, object]:
    return {"kind": kind, "first": first, "second": second, "reader_acts_differently": acts}


def _listed(values: list[str]) -> str:
    return ", ".join(values)


def _wording(first: str, second: str) -> dict[str, object] | None:
    """Where the words first differ, quoted on both sides; None when they do not."""
    a, b = _WORD.findall(_MARKERS.sub(" ", first)), _WORD.findall(_MARKERS.sub(" ", second))
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x.lower() != y.lower()),
        min(len(a), len(b)),
    )
    if at == len(a) == len(b):
        return None
    quote_a, quote_b = " ".join(a[at : at + _QUOTE_WORDS]), " ".join(b[at : at + _QUOTE_WORDS])
    return _difference("other", quote_a, quote_b, acts=False)


def compare(first: str, second: str, name: str = "second") -> dict[str, object]:
    """The differences of the second text from the first, and a reason (see the docstring)."""
    a, b = facts(first), facts(second)
    differences: list[dict[str, object]] = []
    dropped: list[str] = []
    added: list[str] = []
    for kind in a.values:
        gone = sorted((a.values[kind] - b.values[kind]).elements())
        new = sorted((b.values[kind] - a.values[kind]).elements())
        dropped += gone
        added += new
        for old, now in itertools.zip_longest(gone, new, fillvalue=""):
            differences.append(_difference(kind, old, now))
    if len(a.negations) != len(b.negations):
        differences.append(_difference("negation", " ".join(a.negations), " ".join(b.negations)))
        change = "adds a negation" if len(b.negations) > len(a.negations) else "drops a negation"
        reason = f"The {name} text {change}, which reverses what it states."
    elif dropped and added:
        reason = f"The {name} text changes facts: {_listed(dropped)} became {_listed(added)}."
    elif dropped:
        reason = f"The {name} text leaves out {_listed(dropped)}."
    elif added:
        reason = f"The {name} text adds {_listed(added)}."
    else:
        kept = sorted(itertools.chain.from_iterable(c.elements() for c in a.values.values()))
        reason = "Both texts state the same facts" + (f" ({_listed(kept)})." if kept else ".")
        worded = _wording(first, second)
        differences += [worded] if worded else []
    return {"differences": differences, "reason": reason}


def pairwise(message: str) -> dict[str, object]:
    """The pairwise judge's answer to a user message."""
    found = pair(message)
    if found is None:
        return {
            "differences": [],
            "reason": "No texts to compare: expected <first>/<second> or <baseline>/<candidate>.",
        }
    first, second, name = found
    if FLIP_MARKER in message.lower():
        if (len(second), second) > (len(first), first):
            quote = " ".join(second.split()[:_QUOTE_WORDS])
            return {
                "differences": [_difference("other", "", quote)],
                "reason": "The first text is clearer and more complete.",
            }
        return {"differences": [], "reason": "The first text is clear and complete."}
    return compare(first, second, name)


def rubric(message: str) -> dict[str, object]:
    """The rubric judge's answer: pass unless `[rubric:fail]` is in the message."""
    output = _between(message, "output", _mark(message))
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
