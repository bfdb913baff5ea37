"""Model-dependent answers: what a baseline-like and a candidate-like model reply.

Pure and deterministic given (model, prompt, sample), so tests and example
suites can rely on which cases change. Two families:

* baseline (`gpt-4o*`): looser about instructions, chattier, fences JSON-mode
  answers in ```json blocks on some prompts;
* candidate (everything else, e.g. `gpt-4.1*`): literal about instructions,
  terser free text, bare JSON, and on a stable subset of prompts (about a
  quarter, chosen by a hash of the user message, or forced with a
  `[drift:KIND]` marker) one structural habit differs: see `DRIFT_KINDS`.

`[answer:KIND]` markers (`answer_markers.py`) then change one family's answer on purpose:
a refusal, a changed fact, or a text the case scripts for each side. Tool calls, in one
request or across a tool loop, come from `tool_loop.py` (`[loop:KIND]` markers script a
side's path: `loop_markers.py`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from devtools.local_openai import extract, judge, tool_loop
from devtools.local_openai.answer_markers import with_markers
from devtools.local_openai.extract import count_tokens
from devtools.local_openai.fill import fill, implied_schema
from devtools.local_openai.prompt import Prompt
from devtools.local_openai.tool_loop import ToolCall, drift_shape

Family = Literal["baseline", "candidate"]
FinishReason = Literal["stop", "length", "tool_calls", "content_filter"]

SNAPSHOTS: dict[str, str] = {
    "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
    "gpt-4o": "gpt-4o-2024-08-06",
    "gpt-4.1-mini": "gpt-4.1-mini-2025-04-14",
    "gpt-4.1": "gpt-4.1-2025-04-14",
    "gpt-4.1-nano": "gpt-4.1-nano-2025-04-14",
}
# Reported (not slept) processing time relative to the configured latency.
LATENCY_FACTOR: dict[Family, float] = {"baseline": 1.0, "candidate": 0.8}
DRIFT_RATE = 25  # percent of prompts on which the candidate shows a structural drift
DRIFT_KINDS: tuple[str, ...] = (
    "enum",  # second-best enum value (structured outputs, JSON mode, tool args)
    "date",  # "March 5, 2024" where the baseline writes "2024-03-05"
    "drop_optional",  # an optional schema field left out (structured outputs)
    "rename",  # order_id -> orderId (JSON mode, or a schema without strict)
    "extra_arg",  # a tool call fills an optional argument the baseline leaves out
    "units",  # a tool argument "C" where the baseline writes "celsius"
    "parallel",  # two tool calls where the baseline makes one
)
_DRIFT_MARKER = re.compile(r"\[drift:([a-z_]+)\]", re.IGNORECASE)


@dataclass(frozen=True)
class Answer:
    """A model's reply, before it is dressed as a chat completion or a response."""

    model: str
    family: Family
    text: str | None
    tool_calls: tuple[ToolCall, ...]
    finish_reason: FinishReason
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int
    drift: str | None = None
    refusal: str | None = None
    web_search: str | None = None  # the query of a hosted web_search_call (Responses API)


def family(model: str) -> Family:
    """`gpt-4o*` answers like the baseline; any other model like the candidate."""
    return "baseline" if model.startswith("gpt-4o") else "candidate"


def snapshot(model: str) -> str:
    """The dated name the API echoes for an alias."""
    return SNAPSHOTS.get(model, model)


def bucket(text: str, salt: str) -> int:
    """A stable 0..99 number for a text, so subsets of prompts are reproducible."""
    digest = hashlib.sha256(f"{salt}\0{text}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100


def _json_tokens(text: str) -> int:
    return max(1, math.ceil(len(text) / 3.5))


# ---------------------------------------------------------------- drift choice


def _applicable(prompt: Prompt) -> list[str]:
    """The drift kinds that would visibly change this prompt's answer."""
    kinds: list[str] = []
    has_date = extract.date(prompt.user) is not None
    if prompt.tools and prompt.tool_result is None:
        params = json.dumps([t.parameters for t in prompt.tools])
        if '"enum"' in params:
            kinds.append("enum")
        if has_date and "date" in params.lower():
            kinds.append("date")
        if any(_optional(t.parameters) for t in prompt.tools):
            kinds.append("extra_arg")
        if '"unit' in params:
            kinds.append("units")
        if len(prompt.tools) > 1 and prompt.parallel_tool_calls:
            kinds.append("parallel")
        return kinds
    schema = prompt.output.schema
    if prompt.output.kind == "json_schema" and schema is not None:
        text = json.dumps(schema)
        if '"enum"' in text:
            kinds.append("enum")
        if has_date and "date" in text.lower():
            kinds.append("date")
        if _optional(schema):
            kinds.append("drop_optional")
        if not prompt.output.strict and any("_" in k for k in schema.get("properties", {})):
            kinds.append("rename")
    elif _wants_json(prompt):
        implied = implied_schema(f"{prompt.system}\n{prompt.user}")
        if any("enum" in p for p in implied["properties"].values()):
            kinds.append("enum")
        if any("_" in k for k in implied["properties"]):
            kinds.append("rename")
    return kinds


def _optional(schema: dict[str, Any]) -> list[str]:
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    return [name for name in properties if name not in required]


def drift_for(prompt: Prompt) -> str | None:
    """The structural habit the candidate shows on this prompt, if any."""
    if family(prompt.model) == "baseline":
        return None
    forced = _DRIFT_MARKER.search(prompt.raw_user)
    if forced:
        kind = forced.group(1).lower()
        return kind if kind in DRIFT_KINDS else None
    if bucket(prompt.user, "drift") >= DRIFT_RATE:
        return None
    kinds = _applicable(prompt)
    return kinds[bucket(prompt.user, "kind") % len(kinds)] if kinds else None


# ---------------------------------------------------------------- JSON


def _wants_json(prompt: Prompt) -> bool:
    if prompt.output.kind == "json_object":
        return True
    return prompt.output.kind == "text" and re.search(r"\bjson\b", prompt.system, re.I) is not None


def _json_text(prompt: Prompt, fam: Family, drift: str | None) -> str:
    if prompt.output.kind == "json_schema" and prompt.output.schema is not None:
        value = fill(prompt.output.schema, prompt.user, drift_shape(drift))
        return json.dumps(value, ensure_ascii=False)
    value = fill(implied_schema(f"{prompt.system}\n{prompt.user}"), prompt.user, drift_shape(drift))
    if fam == "candidate":
        return json.dumps(value, indent=2, ensure_ascii=False)
    body = json.dumps(value, ensure_ascii=False)
    if bucket(prompt.user, "fence") < 30:  # gpt-4o-mini's habit, even in JSON mode
        return f"```json\n{body}\n```"
    return body


# ---------------------------------------------------------------- free text

_ONE_SENTENCE = re.compile(r"\b(?:one|a single|1)\s+sentence\b", re.I)
_N_WORDS = re.compile(
    r"\b(?:in|under|at most|no more than|max(?:imum)?(?: of)?)\s+(\d+)\s+words\b", re.I
)
_BULLETS = re.compile(r"\bbullet(?:s|ed| points?| list)?\b|\bas a list\b", re.I)
_INSTRUCTION = re.compile(
    r"\s*\b(?:in (?:one|a single|1) sentence|in \d+ words|(?:use |in |as )?bullet points?"
    r"|(?:in |answer in )?(?:upper\s?case|all caps)|please)\b[.,]?",
    re.I,
)
_UPPER = re.compile(r"\b(?:upper\s?case|all caps|capital letters)\b", re.I)

_OPENERS: dict[Family, tuple[str, ...]] = {
    "baseline": (
        "Sure! Here's a summary:",
        "Certainly! Here's an overview:",
        "Of course! Here's what it says:",
        "Absolutely! Here's the gist:",
    ),
    "candidate": ("Here's a summary:", "Summary:", "In short:", "Overview:"),
}
_QUESTION_OPENERS: dict[Family, tuple[str, ...]] = {
    "baseline": ("Great question!", "Sure!", "Of course!", "Good question!"),
    "candidate": ("Short answer:", "In brief:", "Answer:", "Briefly:"),
}
_CLOSERS = (
    "Let me know if you'd like more detail!",
    "I hope this helps! Let me know if you have any other questions.",
    "Feel free to ask if you need anything else.",
)


def _material(user: str) -> str:
    """The text a request is about: what follows 'Summarize this:' and the like."""
    head, sep, tail = user.partition(":")
    if sep and len(extract.words(tail)) >= 8 and len(extract.words(head)) <= 15:
        return tail.strip()
    return user.strip()


def _key_sentences(material: str, limit: int) -> list[str]:
    found = extract.sentences(material)
    rank = sorted(range(len(found)), key=lambda i: -len(extract.content_stems(found[i])))
    keep = sorted(rank[:limit])
    return [found[i] if found[i][-1] in ".!?" else found[i] + "." for i in keep]


def _question_body(user: str) -> list[str]:
    found = extract.keywords(user, 3)
    topic = " ".join(found) or "this"
    return [
        f"When it comes to {topic}, the answer depends on the details.",
        f"In most cases it comes down to a few practical factors: {', '.join(found) or 'goals'}.",
        "Starting small and checking the results early usually works best.",
    ]


def _free_text(prompt: Prompt, fam: Family, sample: int) -> str:
    instructions = f"{prompt.system}\n{prompt.user}"
    if prompt.tool_result is not None:
        return tool_loop.followup(prompt, fam)
    material = _material(prompt.user)
    if material != prompt.user.strip() or len(extract.sentences(material)) >= 3:
        body = _key_sentences(material, 3)
    else:  # a question or a short request: answer about its topic
        body = _question_body(_INSTRUCTION.sub("", prompt.user).strip() or prompt.user)
    variant = bucket(prompt.user, fam) + (sample if prompt.temperature > 0 else 0)
    openers = _OPENERS[fam] if material != prompt.user.strip() else _QUESTION_OPENERS[fam]
    opener = openers[variant % len(openers)]
    closer = _CLOSERS[variant % len(_CLOSERS)]
    literal = fam == "candidate"

    if _ONE_SENTENCE.search(instructions):
        if literal:
            return _upper_if(instructions, body[0], whole=True)
        body = body[:2]
    if match := _N_WORDS.search(instructions):
        limit = int(match.group(1))
        flat = " ".join(body).split()
        cut = flat[: limit if literal else math.ceil(limit * 1.4)]
        text = " ".join(cut).rstrip(".,;") + "."
        return _upper_if(instructions, text if literal else f"{opener} {text}", whole=literal)
    if _BULLETS.search(instructions):
        points = "\n".join(f"- {s.rstrip('.')}" for s in body)
        text = points if literal else f"{opener}\n\n{points}\n\n{closer}"
        return _upper_if(instructions, text, whole=literal)
    text = f"{opener} {' '.join(body[:2])}" if literal else f"{opener} {' '.join(body)} {closer}"
    return _upper_if(instructions, text, whole=literal)


def _upper_if(instructions: str, text: str, *, whole: bool) -> str:
    """Literal models upper-case everything when asked; the baseline forgets its framing."""
    if not _UPPER.search(instructions):
        return text
    if whole:
        return text.upper()
    first, sep, rest = text.partition(" ")
    return f"{first}{sep}{rest.upper()}"


# ---------------------------------------------------------------- the answer


def answer(prompt: Prompt, sample: int = 0) -> Answer:
    """The reply of `prompt.model` to `prompt`.

    `sample` counts earlier answers to the identical request; it changes the
    wording only when `temperature` > 0, so repeated samples show a noise floor.
    """
    fam = family(prompt.model)
    judged = judge.reply(prompt)  # a judge request answers the same on every model
    drift = None if judged is not None else drift_for(prompt)
    calls: tuple[ToolCall, ...] = ()
    if judged is None:
        # In a tool loop the model keeps to the path it planned from the opening request.
        opening = drift if prompt.tool_result is None else drift_for(_opening(prompt))
        calls = tool_loop.calls(prompt, fam, opening)
        drift = opening if calls else drift
    text: str | None
    if judged is not None:
        text = judged
        completion = _json_tokens(text)
    elif calls:
        text = None
        completion = sum(_json_tokens(c.arguments) + 5 for c in calls)
    elif prompt.output.kind == "json_schema" or _wants_json(prompt):
        text = _json_text(prompt, fam, drift)
        # The candidate spends more output tokens on JSON, measured on real suites.
        completion = math.ceil(_json_tokens(text) * (1.2 if fam == "candidate" else 1.0))
    else:
        text = _free_text(prompt, fam, sample)
        completion = count_tokens(text)
    finish: FinishReason = "tool_calls" if calls else "stop"
    if text is not None and prompt.max_tokens is not None and completion > prompt.max_tokens:
        text = _truncate(text, prompt.max_tokens)
        completion, finish = prompt.max_tokens, "length"
    prompt_tokens = count_tokens(prompt.all_text) + 3
    cached = 0
    if prompt_tokens > 1024:  # the API caches prompt prefixes in 128-token steps past 1024
        cached = 1024 + (prompt_tokens - 1024) // 128 * 128
    plain = Answer(
        model=snapshot(prompt.model),
        family=fam,
        text=text,
        tool_calls=calls,
        finish_reason=finish,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion,
        cached_tokens=min(cached, prompt_tokens),
        drift=drift,
    )
    # `[answer:KIND]` markers are meant for the pair; a judge that sees the case's request
    # (and so its markers) answers as its rules say.
    return plain if judged is not None else with_markers(plain, prompt)


def _opening(prompt: Prompt) -> Prompt:
    """The request as the loop's first step sent it: no tool result yet."""
    return replace(prompt, tool_result=None, tool_results=())


def _truncate(text: str, max_tokens: int) -> str:
    """Cut as a length limit does: mid-thought, possibly mid-JSON."""
    if text.lstrip().startswith(("{", "[", "`")):
        return text[: max(1, int(max_tokens * 3.5))]
    kept = text.split(" ")[: max(1, int(max_tokens / 1.3))]
    return " ".join(kept)
