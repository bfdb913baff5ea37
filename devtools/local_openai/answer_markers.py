"""`[answer:KIND]` markers: an answer that is not the plain one, for tests and the example.

A marker in the last user message changes one family's answer (see `answers.family`):
`[answer:KIND]` or `[answer:KIND:candidate]` the candidate's, `[answer:KIND:baseline]` the
baseline's, `[answer:KIND:both]` both. Markers apply in the order written, so a later
one works on what an earlier one made; the model never "reads" them (`prompt.py` strips
them from the text it answers), and a judge request is never marked. Kinds:

* `refuse`, `empty`, `filter`, `truncate`: a refusal, an empty answer, a content-filter
  stop, the text cut in half with `finish_reason` `length`;
* `web_search`: a hosted web search call (Responses API); `model=NAME`: the model the
  answer says answered;
* `redate`, `negate`, `reword`: one fact of free text changes and every other word stays
  (the first weekday moves two days back, Thursday -> Tuesday; the first
  "is"/"was"/"will"/"can" gains a "not"), or a paraphrase that keeps every word (the two
  clauses around the first ", and " swap): what letter- and embedding-based similarity
  barely see;
* `text=TEXT`: the answer is exactly TEXT (surrounding whitespace stripped, inner line
  breaks kept; no tool calls, `finish_reason` `stop`, output tokens counted from TEXT).
  A case scripts what each side says with one marker per side, so an example can show a
  chosen rewording or change of meaning on real answers:
  `[answer:text=Your refund of $1,200 is approved.:baseline]`
  `[answer:text=Your refund of USD 1200 is approved.:candidate]`.
  TEXT holds no `]` and at most `MAX_TEXT` characters (a longer one is no marker, and the
  plain answer stays).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from devtools.local_openai import extract

if TYPE_CHECKING:
    from devtools.local_openai.answers import Answer
    from devtools.local_openai.prompt import Prompt

ANSWER_KINDS = (
    "refuse", "empty", "filter", "truncate", "web_search", "model", "redate", "negate",
    "reword", "text",
)  # fmt: skip
#: The longest scripted `text=` answer, so finding markers stays linear in the message.
MAX_TEXT = 4000
SIDES = ("candidate", "baseline", "both")
_ANSWER_MARKER = re.compile(
    r"\[answer:(refuse|empty|filter|truncate|web_search|redate|negate|reword|model=[\w.:-]+"
    rf"|text=[^\]]{{0,{MAX_TEXT}}}?)(?::(both|baseline|candidate))?\]",
    re.IGNORECASE,
)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAY_NAMES) + r")\b")
_AFFIRMED = re.compile(r"\b(is|was|will|can)\b(?! not\b)")
REFUSAL = "I'm sorry, but I can't help with that request."


def with_markers(reply: Answer, prompt: Prompt) -> Answer:
    """Apply the `[answer:KIND]` markers meant for this model's family, in order."""
    for match in _ANSWER_MARKER.finditer(prompt.raw_user):
        kind, sides = match.group(1), (match.group(2) or "candidate").lower()
        if sides != "both" and sides != reply.family:
            continue
        name = kind.lower()
        if name == "refuse":
            reply = replace(reply, text=None, tool_calls=(), refusal=REFUSAL, finish_reason="stop")
        elif name == "empty":
            reply = replace(reply, text="", tool_calls=(), finish_reason="stop")
        elif name == "filter":
            reply = replace(reply, text="", tool_calls=(), finish_reason="content_filter")
        elif name == "truncate" and reply.text:
            reply = replace(reply, text=reply.text[: len(reply.text) // 2], finish_reason="length")
        elif name == "redate" and reply.text:
            reply = replace(reply, text=_WEEKDAY.sub(_two_days_back, reply.text, count=1))
        elif name == "negate" and reply.text:
            reply = replace(reply, text=_AFFIRMED.sub(r"\1 not", reply.text, count=1))
        elif name == "reword" and reply.text:
            reply = replace(reply, text=_swap_clauses(reply.text))
        elif name == "web_search":
            reply = replace(reply, web_search=prompt.user[:80])
        elif name.startswith("model="):
            reply = replace(reply, model=kind.split("=", 1)[1])
        elif name.startswith("text="):
            reply = _scripted(reply, kind.split("=", 1)[1].strip())
    return reply


def _scripted(reply: Answer, text: str) -> Answer:
    """The answer a case wrote for this side, as a plain finished text answer."""
    return replace(
        reply,
        text=text,
        tool_calls=(),
        refusal=None,
        finish_reason="stop",
        completion_tokens=extract.count_tokens(text),
    )


def _two_days_back(match: re.Match[str]) -> str:
    return _WEEKDAY_NAMES[(_WEEKDAY_NAMES.index(match.group(1)) - 2) % 7]


def _swap_clauses(text: str) -> str:
    """`Opener: A, and B.` -> `Opener: B, and a.` (unchanged without ", and ")."""
    head, colon, body = text.partition(": ")
    if not colon:
        head, body = "", text
    first, sep, rest = body.partition(", and ")
    if not sep or not first or not rest:
        return text
    second, end = rest.rstrip("."), "." if rest.endswith(".") else ""
    swapped = f"{second[:1].upper()}{second[1:]}, and {first[:1].lower()}{first[1:]}{end}"
    return f"{head}{colon}{swapped}"
