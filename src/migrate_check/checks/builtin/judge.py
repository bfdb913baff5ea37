"""`judge`: a model lists what differs between the two answers, asked in both orders.

Would a reader act differently on the candidate's answer than on the baseline's? The
judge model gets the case's request (its system and user messages; Responses:
`instructions` and `input`), the rubric, and both answers as `<first>` and `<second>`
(neutral names: it is not told which model is new), and answers with structured outputs
(a strict json_schema named `migrate_check_judge`): a list of differences, each with its
kind (numbers, quantities, amounts, percentages, dates, weekdays, times, identifiers,
emails, urls, entities, polarity, modality, negation, conditions, hedges, steps, other),
a quote from each text (empty where that text lacks it) and whether a reader would act
differently, plus a one-sentence reason. It is asked twice, baseline first and candidate
first, at temperature 0, because judges prefer a position. The outcome follows from the
two lists, never from a verdict the judge states:

| a difference a reader acts on | outcome |
|---|---|
| in neither order | same |
| in both orders | regressed |
| in one order only | changed: the orders disagree, both lists shown |

So a changed fact is never `improved`; pairwise judging does not give `improved` at all.
Differences a reader would not act on are shown in the evidence and do not count. The
evidence names the judge model asked for (`model`) and the one that answered
(`answered_by`, the response's `model`), and maps each quote to its side.

Options: `{rubric: TEXT, per_side: false, model: gpt-4.1, max_chars: 8000}`. `rubric`
(facts, decisions, tone, format rules) goes into the prompt. With `per_side: true` the
rubric is also graded pass/fail on each answer (json_schema `migrate_check_rubric`):
only the candidate failing is `regressed`, only the baseline `improved`, both `broken`;
the case takes the worse of the two verdicts. Everything sent is bounded and fenced
(judge_prompt.py): the request cut per message and in total, each answer at `max_chars`,
every cut saying how much, every text between tags whose boundary is a hash of the texts,
so nothing inside a text can close its fence and replay sends the same request. The
judge's JSON is read within bounds (quotes cut, at most a few differences shown per
order); a malformed judge answer is this check's `error`. What it cannot see: anything
its model cannot, and it is a model, so the verdict is evidence, not proof. With several
samples it judges the first sample of each side. Identical answers are `same` without a
call.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate_check.checks import option_values as opts
from migrate_check.checks.base import CheckConfigError
from migrate_check.checks.builtin.judge_prompt import (
    JUDGE_SCHEMA,
    KINDS,
    PAIRWISE_FORMAT,
    PAIRWISE_SYSTEM,
    RUBRIC_FORMAT,
    RUBRIC_SCHEMA,
    RUBRIC_SYSTEM,
    Request,
    request_of,
    user_message,
)
from migrate_check.checks.graded import GradedCheck
from migrate_check.checks.outcome_rules import pass_fail_outcome
from migrate_check.checks.outputs import comparable_text
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult, Outcome, worst
from migrate_check.sending.grading import CHAT, GraderCall, GraderReply, Replies

DEFAULT_MODEL = "gpt-4.1"
DEFAULT_MAX_CHARS = 8000
MAX_RUBRIC_CHARS = 4000
#: The judge's message content is read only up to this length; reasons, quotes and model
#: names shown up to the next ones, and at most so many differences per order.
MAX_ANSWER_CHARS = 16000
MAX_REASON_CHARS = 500
MAX_QUOTE_CHARS = 160
MAX_MODEL_CHARS = 100
MAX_SHOWN_DIFFERENCES = 8
NO_REQUEST = Request()
SEES = (
    "a model's reading of both answers against the request: evidence, not proof; it sees "
    "only what the texts say, judged on the first sample of each side"
)


class JudgeCheck(GradedCheck):
    name = "judge"

    def __init__(
        self,
        rubric: str,
        per_side: bool,
        model: str,
        max_chars: int,
        request: Request = NO_REQUEST,
    ) -> None:
        self.rubric = rubric
        self.per_side = per_side
        self.model = model
        self.max_chars = max_chars
        self.request = request

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> JudgeCheck:
        mapping = opts.as_mapping(cls.name, options, shorthand="rubric")
        opts.reject_unknown(cls.name, mapping, ("rubric", "per_side", "model", "max_chars"))
        rubric = opts.text(cls.name, mapping, "rubric") if "rubric" in mapping else ""
        if len(rubric) > MAX_RUBRIC_CHARS:
            raise CheckConfigError(
                f"judge: 'rubric' is {len(rubric):,} characters; at most {MAX_RUBRIC_CHARS:,}"
            )
        per_side = opts.flag(cls.name, mapping, "per_side", False)
        if per_side and not rubric:
            raise CheckConfigError("judge: 'per_side' grades the rubric; give a 'rubric'")
        model = opts.text(cls.name, {"model": mapping.get("model", DEFAULT_MODEL)}, "model")
        max_chars = opts.number(cls.name, mapping, "max_chars", DEFAULT_MAX_CHARS, 1, 10**6)
        assert max_chars is not None
        return cls(rubric, per_side, model, int(max_chars))

    def for_case(self, case: Case) -> JudgeCheck:
        """This check with the case's request, which the judge sees beside the answers."""
        return JudgeCheck(self.rubric, self.per_side, self.model, self.max_chars, request_of(case))

    # -- the requests -----------------------------------------------------------------
    def _texts(
        self, baseline: Sequence[Completion], candidate: Sequence[Completion]
    ) -> tuple[str, str]:
        return comparable_text(baseline[0]), comparable_text(candidate[0])

    def _chat(self, system: str, user: str, response_format: dict[str, Any]) -> GraderCall:
        body = {
            "model": self.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "temperature": 0,
            "response_format": response_format,
        }
        return GraderCall(self.model, CHAT, body)

    def pairwise_call(self, first: str, second: str) -> GraderCall:
        texts = [("first", first), ("second", second)]
        user = user_message(self.request, self.rubric, texts, answer_chars=self.max_chars)
        return self._chat(PAIRWISE_SYSTEM, user, PAIRWISE_FORMAT)

    def rubric_call(self, text: str) -> GraderCall:
        user = user_message(
            self.request, self.rubric, [("output", text)], answer_chars=self.max_chars
        )
        return self._chat(RUBRIC_SYSTEM, user, RUBRIC_FORMAT)

    def grader_calls(
        self, baseline: Sequence[Completion], candidate: Sequence[Completion]
    ) -> list[GraderCall]:
        if not baseline or not candidate:
            return []
        a, b = self._texts(baseline, candidate)
        calls = [] if a == b else [self.pairwise_call(a, b), self.pairwise_call(b, a)]
        if self.per_side:
            calls += [self.rubric_call(a), self.rubric_call(b)]
        return calls

    # -- the verdict ------------------------------------------------------------------
    def judge_graded(
        self, baseline: Sequence[Completion], candidate: Sequence[Completion], replies: Replies
    ) -> CheckResult:
        if not baseline or not candidate:
            return CheckResult(self.label, Outcome.ERROR, "no answer to judge")
        a, b = self._texts(baseline, candidate)
        evidence: dict[str, Any] = {"model": self.model, "sees": SEES}
        answered: set[str] = set()
        if self.rubric:
            evidence["rubric"] = self.rubric
        if max(len(a), len(b)) > self.max_chars:
            evidence["cut_at_chars"] = self.max_chars
        evidence["request_messages"] = len(self.request.messages)
        if self.request.cut_chars:
            evidence["request_cut_chars"] = self.request.cut_chars
        try:
            if a == b:
                pair_outcome, reason = Outcome.SAME, "identical answers (no judge call)"
            else:
                first = _pairwise(replies, self.pairwise_call(a, b), "baseline", answered)
                second = _pairwise(replies, self.pairwise_call(b, a), "candidate", answered)
                evidence["orders"] = {
                    "baseline_first": first.shown,
                    "candidate_first": second.shown,
                }
                pair_outcome, reason = _outcome(first, second)
                evidence["agreed"] = pair_outcome is not Outcome.CHANGED
            if self.per_side:
                base_ok, base_why = _rubric(replies, self.rubric_call(a), answered)
                cand_ok, cand_why = _rubric(replies, self.rubric_call(b), answered)
        except _JudgeError as exc:
            _answered_by(evidence, answered)
            return CheckResult(self.label, Outcome.ERROR, str(exc), evidence)
        _answered_by(evidence, answered)
        if not self.per_side:
            return CheckResult(self.label, pair_outcome, reason, evidence)
        evidence["per_side"] = {
            "baseline": {"pass": base_ok, "reason": base_why},
            "candidate": {"pass": cand_ok, "reason": cand_why},
        }
        side_outcome = pass_fail_outcome(base_ok, cand_ok)
        outcome = worst([pair_outcome, side_outcome])
        if side_outcome is not Outcome.SAME and outcome is side_outcome:
            failing = [s for s, ok in (("baseline", base_ok), ("candidate", cand_ok)) if not ok]
            reason = f"rubric fails on the {' and '.join(failing)}: " + (
                cand_why if not cand_ok else base_why
            )
        return CheckResult(
            self.label, outcome, reason, evidence, baseline_ok=base_ok, candidate_ok=cand_ok
        )


class _JudgeError(Exception):
    """No usable judge answer; the message says why."""


@dataclass(frozen=True)
class _Order:
    """What the judge listed in one order: how many differences a reader acts on, the
    first of them described, and the list as the evidence shows it (quotes by side)."""

    acting: int
    first_acting: str
    shown: dict[str, Any]


def _answered_by(evidence: dict[str, Any], answered: set[str]) -> None:
    """The model(s) that answered, as the responses name them, beside the one asked."""
    if answered:
        evidence["answered_by"] = ", ".join(sorted(answered))


def _content(reply: GraderReply | None, schema: str, answered: set[str]) -> dict[str, Any]:
    if reply is None:
        raise _JudgeError("no answer from the judge (not fetched)")
    if reply.error is not None:
        raise _JudgeError(reply.error)
    try:
        body = reply.json()
        message = body["choices"][0]["message"]
    except (ValueError, KeyError, IndexError, TypeError, RecursionError) as exc:
        raise _JudgeError(f"the judge's answer is not a chat completion ({exc})") from None
    if isinstance(body.get("model"), str):
        answered.add(_flat(body["model"], MAX_MODEL_CHARS))
    if not isinstance(message, dict):
        raise _JudgeError("the judge's answer has no message")
    if message.get("refusal"):
        refusal = str(message["refusal"])[:MAX_REASON_CHARS]
        raise _JudgeError(f"the judge refused ({schema}): {refusal}")
    content = message.get("content")
    if not isinstance(content, str):
        raise _JudgeError(f"the judge's answer has no text ({schema})")
    if len(content) > MAX_ANSWER_CHARS:
        raise _JudgeError(
            f"the judge's answer is {len(content):,} characters, over {MAX_ANSWER_CHARS:,}"
        )
    try:
        data = json.loads(content)
    except (ValueError, RecursionError) as exc:
        raise _JudgeError(f"the judge's answer is not JSON ({schema}): {exc}") from None
    if not isinstance(data, dict):
        raise _JudgeError(f"the judge's answer is not a JSON object ({schema})")
    if not isinstance(data.get("reason"), str):
        raise _JudgeError(f"the judge's answer has no 'reason' string ({schema})")
    return data


def _pairwise(replies: Replies, call: GraderCall, first_side: str, answered: set[str]) -> _Order:
    """One order's list of differences; `first_side` is the side the judge saw first."""
    data = _content(replies.get(call.key), JUDGE_SCHEMA, answered)
    listed = data.get("differences")
    if not isinstance(listed, list):
        raise _JudgeError(f"the judge's answer has no 'differences' list ({JUDGE_SCHEMA})")
    second_side = "candidate" if first_side == "baseline" else "baseline"
    acting: list[dict[str, Any]] = []
    minor: list[dict[str, Any]] = []
    for number, item in enumerate(listed, 1):
        problem = _malformed(item)
        if problem:
            raise _JudgeError(f"the judge's difference {number} {problem} ({JUDGE_SCHEMA})")
        shown = {
            "kind": item["kind"],
            first_side: _flat(item["first"], MAX_QUOTE_CHARS),
            second_side: _flat(item["second"], MAX_QUOTE_CHARS),
        }
        (acting if item["reader_acts_differently"] else minor).append(shown)
    kept = acting[:MAX_SHOWN_DIFFERENCES]
    kept += minor[: MAX_SHOWN_DIFFERENCES - len(kept)]
    order: dict[str, Any] = {
        "acting": [_sided(d) for d in kept[: len(acting)]],
        "not_acting": [_sided(d) for d in kept[len(acting) :]],
        "reason": _flat(data["reason"], MAX_REASON_CHARS),
    }
    if len(listed) > len(kept):
        order["more"] = len(listed) - len(kept)
    described = _described(acting[0]) if acting else ""
    if len(acting) > 1:
        described += f" (and {len(acting) - 1} more)"
    return _Order(len(acting), described, order)


def _malformed(item: Any) -> str:
    """What is wrong with one listed difference ("" when nothing is)."""
    if not isinstance(item, dict):
        return "is not an object"
    if item.get("kind") not in KINDS:
        return f"has kind {str(item.get('kind'))[:40]!r}, not one of the kinds"
    for key in ("first", "second"):
        if not isinstance(item.get(key), str):
            return f"has no {key!r} quote"
    if not isinstance(item.get("reader_acts_differently"), bool):
        return "has no 'reader_acts_differently' true or false"
    return ""


def _sided(shown: dict[str, Any]) -> dict[str, Any]:
    """Baseline's quote before the candidate's, whichever the judge saw first."""
    return {"kind": shown["kind"], "baseline": shown["baseline"], "candidate": shown["candidate"]}


def _described(shown: dict[str, Any]) -> str:
    kind, base, cand = shown["kind"], shown["baseline"], shown["candidate"]
    if base and cand:
        return f'{kind}: "{base}" in the baseline, "{cand}" in the candidate'
    if base:
        return f'{kind}: "{base}" only in the baseline'
    if cand:
        return f'{kind}: "{cand}" only in the candidate'
    return str(kind)


def _rubric(replies: Replies, call: GraderCall, answered: set[str]) -> tuple[bool, str]:
    data = _content(replies.get(call.key), RUBRIC_SCHEMA, answered)
    passed = data.get("pass")
    if not isinstance(passed, bool):
        raise _JudgeError(f"the rubric grade's 'pass' is not true or false ({RUBRIC_SCHEMA})")
    return passed, _flat(data["reason"], MAX_REASON_CHARS)


def _flat(text: str, limit: int) -> str:
    flat = " ".join(text[: limit * 4].split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _outcome(first: _Order, second: _Order) -> tuple[Outcome, str]:
    """Baseline-first and candidate-first lists: acting differences in both orders regress,
    in one order only the orders disagree, in neither the answers are the same."""
    if first.acting and second.acting:
        return (
            Outcome.REGRESSED,
            f"the judge finds a difference a reader acts on in both orders: {first.first_acting}",
        )
    if not first.acting and not second.acting:
        minor = len(first.shown["not_acting"]) + first.shown.get("more", 0)
        note = f" ({minor} that do not matter)" if minor else ""
        return (
            Outcome.SAME,
            f"the judge finds no difference a reader acts on in either order{note}: "
            f"{first.shown['reason']}",
        )
    found, none = ("baseline", "candidate") if first.acting else ("candidate", "baseline")
    listed = first if first.acting else second
    quiet = second if first.acting else first
    return (
        Outcome.CHANGED,
        f"the judge's two orders disagree: {found} first, a difference a reader acts on "
        f"({listed.first_acting}); {none} first, none ({quiet.shown['reason']})",
    )
