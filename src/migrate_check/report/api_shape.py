"""Is "the only change is the model name" true? The two models' answers, shape by shape.

Vendors say a migration is a one-line change: the same fields, the same parameters.
This compares what the recordings hold for both models: the response fields each side
sent (walked to a bounded depth), their JSON types, finish reasons, usage details and
refusal fields, and every request parameter the suites send: whether each model took
it and whether its answers honoured it. A field only one model sends, or a type that
differs, is code that reads it breaking after the switch.

Cassettes keep only 2xx answers, so a parameter a model rejects shows as a live run's
case error (`API error 400: ... 'param'`), never as a recording.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from migrate_check.core.completion import Completion
from migrate_check.core.results import CaseResult
from migrate_check.report.claims import Claim, Finding

#: How deep and how wide one body is walked: answers are untrusted, so bounded.
MAX_DEPTH = 10
MAX_NODES = 4_000
MAX_ITEMS = 50
#: A skeleton keeps this many items of a list (`n` asks for at most 128 choices).
MAX_CHOICES = 128
#: Request keys that are the prompt or the model, not parameters.
_NOT_PARAMETERS = frozenset({"model", "messages", "input", "instructions"})
_MAX_TOKEN_KEYS = ("max_tokens", "max_completion_tokens", "max_output_tokens")
#: Finish reasons that mean "cut off at the token limit" (chat; Responses' incomplete reason).
LENGTH_REASONS = frozenset({"length", "max_output_tokens"})
_REJECTED = "API error 400"


@dataclass(frozen=True)
class ParameterRow:
    """One request parameter: on how many cases, and per side whether the model took it
    (answers, rejections) and honoured it (`honoured` of `checked`; 0 checked: no test)."""

    name: str
    cases: int
    baseline_answers: int
    baseline_rejected: int
    candidate_answers: int
    candidate_rejected: int
    baseline_honoured: int
    candidate_honoured: int
    checked_baseline: int
    checked_candidate: int
    #: What honouring means for this parameter ("" when an answer cannot show it).
    test: str

    def accepted(self, side: str) -> str:
        """ "yes", "rejected" (a 400 naming it) or "no answer" (only other errors)."""
        answers = self.baseline_answers if side == "baseline" else self.candidate_answers
        rejected = self.baseline_rejected if side == "baseline" else self.candidate_rejected
        return "rejected" if rejected else ("yes" if answers else "no answer")

    def honoured(self, side: str) -> str:
        done = self.baseline_honoured if side == "baseline" else self.candidate_honoured
        checked = self.checked_baseline if side == "baseline" else self.checked_candidate
        return f"{done}/{checked}" if checked else "not checkable"

    @property
    def differs(self) -> bool:
        same_take = self.accepted("baseline") == self.accepted("candidate")
        rate_b = self.baseline_honoured / self.checked_baseline if self.checked_baseline else 1
        rate_c = self.candidate_honoured / self.checked_candidate if self.checked_candidate else 1
        return not same_take or rate_c < rate_b


@dataclass(frozen=True)
class ShapeSide:
    """What one model's recorded bodies hold."""

    bodies: int
    finish_reasons: dict[str, int]
    usage_fields: tuple[str, ...]
    refusal_fields: tuple[str, ...]
    refusals: int


@dataclass(frozen=True)
class ApiShape:
    """Both models' response shapes and the suites' parameters, compared."""

    baseline: ShapeSide
    candidate: ShapeSide
    only_baseline: tuple[str, ...]
    only_candidate: tuple[str, ...]
    #: (field, baseline's types, candidate's types) where both sent a non-null value.
    type_differs: tuple[tuple[str, str, str], ...]
    parameters: tuple[ParameterRow, ...]

    def differences(self) -> list[str]:
        """Each way the candidate's API differs, in words; empty when it does not."""
        found = [f"field only {self_side}: {path}" for self_side, path in self._one_sided()]
        found += [f"type of {p}: {b} -> {c}" for p, b, c in self.type_differs]
        for row in self.parameters:
            if row.differs:
                found.append(
                    f"parameter {row.name}: accepted {row.accepted('baseline')} -> "
                    f"{row.accepted('candidate')}, honoured {row.honoured('baseline')} -> "
                    f"{row.honoured('candidate')}"
                )
        return found

    def _one_sided(self) -> list[tuple[str, str]]:
        return [("on the baseline", p) for p in self.only_baseline] + [
            ("on the candidate", p) for p in self.only_candidate
        ]

    @property
    def compared(self) -> str:
        """What was compared, for the claim row."""
        return (
            f"response fields and types of {self.baseline.bodies} + {self.candidate.bodies} "
            "recorded bodies, finish reasons, usage details, refusal fields and "
            f"{len(self.parameters)} request parameters"
        )

    def claim(self) -> Claim:
        """ "the only change is the model name": holds when nothing differs."""
        finding: Finding
        if not (self.baseline.bodies and self.candidate.bodies):
            finding = "no data"
        else:
            finding = "does not hold" if self.differences() else "holds"
        count = None if finding == "no data" else float(len(self.differences()))
        return Claim("same API", self.compared, "count", None, count, finding)

    def as_dict(self) -> dict[str, Any]:
        """For report.json (`aggregates.api_shape` in report.schema.json)."""

        def side(figures: ShapeSide) -> dict[str, Any]:
            return {
                "bodies": figures.bodies,
                "finish_reasons": figures.finish_reasons,
                "usage_fields": list(figures.usage_fields),
                "refusal_fields": list(figures.refusal_fields),
                "refusals": figures.refusals,
            }

        def taken(row: ParameterRow, name: str) -> dict[str, Any]:
            base = name == "baseline"
            return {
                "accepted": row.accepted(name),
                "answers": row.baseline_answers if base else row.candidate_answers,
                "rejected": row.baseline_rejected if base else row.candidate_rejected,
                "honoured": row.baseline_honoured if base else row.candidate_honoured,
                "checked": row.checked_baseline if base else row.checked_candidate,
            }

        return {
            "compared": self.compared,
            "differences": self.differences(),
            "fields_only_baseline": list(self.only_baseline),
            "fields_only_candidate": list(self.only_candidate),
            "type_differs": [
                {"field": p, "baseline": b, "candidate": c} for p, b, c in self.type_differs
            ],
            "baseline": side(self.baseline),
            "candidate": side(self.candidate),
            "parameters": [
                {
                    "name": row.name,
                    "cases": row.cases,
                    "test": row.test,
                    "baseline": taken(row, "baseline"),
                    "candidate": taken(row, "candidate"),
                }
                for row in self.parameters
            ],
        }


def _type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def walk(body: Any) -> dict[str, set[str]]:
    """Every field path in `body` (`choices[].message.content`) with its JSON types;
    at most `MAX_DEPTH` deep, `MAX_ITEMS` items of a list, `MAX_NODES` in all."""
    found: dict[str, set[str]] = {}
    stack: list[tuple[str, Any, int]] = [("", body, 0)]
    nodes = 0
    while stack and nodes < MAX_NODES:
        path, value, depth = stack.pop()
        nodes += 1
        if path:
            found.setdefault(path, set()).add(_type(value))
        if depth >= MAX_DEPTH:
            continue
        if isinstance(value, dict):
            for key, item in list(value.items())[:MAX_ITEMS]:
                stack.append((f"{path}.{key}" if path else str(key), item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}[]", item, depth + 1) for item in value[:MAX_ITEMS])
    return found


def skeleton(body: Any) -> Any:
    """`body` with every string emptied and every number zeroed (the response's own `id`
    kept), within the walk's bounds: all `walk` and the parameter tests read, small enough
    for an xdist worker to send."""
    budget = [MAX_NODES]

    def shape(value: Any, depth: int) -> Any:
        budget[0] -= 1
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, str):
            return ""
        if isinstance(value, (int, float)):
            return 0
        if depth >= MAX_DEPTH or budget[0] <= 0:
            return {} if isinstance(value, dict) else []
        if isinstance(value, dict):
            return {str(k): shape(v, depth + 1) for k, v in list(value.items())[:MAX_ITEMS]}
        return [shape(item, depth + 1) for item in list(value)[:MAX_CHOICES]]

    shaped = shape(body, 0)
    if isinstance(body, dict) and isinstance(body.get("id"), str) and isinstance(shaped, dict):
        shaped["id"] = body["id"][:200]
    return shaped


def _body(completion: Completion) -> dict[str, Any] | None:
    """The body as recorded, or the shape a worker sent of it."""
    body = completion.body if completion.body is not None else completion.body_shape
    return body if isinstance(body, dict) else None


def _fields(completions: Iterable[Completion]) -> tuple[dict[str, set[str]], int]:
    merged: dict[str, set[str]] = {}
    seen: set[Any] = set()
    for completion in completions:
        body = _body(completion)
        if body is None:
            continue
        # The samples of one `n` > 1 answer (and a baseline shared by variants) are one
        # body: known by the response's id, so a worker's copies count once too.
        key = body.get("id") if isinstance(body.get("id"), str) else id(body)
        if key in seen:
            continue
        seen.add(key)
        for path, types in walk(body).items():
            merged.setdefault(path, set()).update(types)
    return merged, len(seen)


def _side(completions: Sequence[Completion], fields: dict[str, set[str]], bodies: int) -> ShapeSide:
    answered = [c for c in completions if c.error is None]
    reasons = Counter(c.finish_reason or "none" for c in answered)
    return ShapeSide(
        bodies=bodies,
        finish_reasons=dict(sorted(reasons.items())),
        usage_fields=tuple(sorted(p for p in fields if p.startswith("usage."))),
        refusal_fields=tuple(sorted(p for p in fields if "refusal" in p.rsplit(".", 1)[-1])),
        refusals=sum(1 for c in answered if c.refused),
    )


def _max_tokens(value: Any, completion: Completion) -> bool | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return completion.usage.output_tokens <= value


def _choices(value: Any, completion: Completion) -> bool | None:
    body = _body(completion)
    if isinstance(value, bool) or not isinstance(value, int) or body is None:
        return None
    choices = body.get("choices")
    return isinstance(choices, list) and len(choices) == value


def _json_format(value: Any, completion: Completion) -> bool | None:
    kind = value.get("type") if isinstance(value, dict) else None
    if isinstance(value, dict) and isinstance(value.get("format"), dict):
        kind = value["format"].get("type")  # Responses: text.format
    if kind not in ("json_object", "json_schema"):
        return None
    return completion.refused or completion.parsed.ok  # a refusal is not JSON, by design


def _stop(value: Any, completion: Completion) -> bool | None:
    stops = [value] if isinstance(value, str) else value
    if not isinstance(stops, list) or not all(isinstance(s, str) and s for s in stops):
        return None
    return not any(s in completion.text for s in stops)


def _tool_choice(value: Any, completion: Completion) -> bool | None:
    if value == "none":
        return not completion.tool_calls
    if value == "required" or isinstance(value, dict):
        return bool(completion.tool_calls)
    return None


def _parallel(value: Any, completion: Completion) -> bool | None:
    return len(completion.tool_calls) <= 1 if value is False else None


#: How an answer shows that a parameter was honoured, and the test in words.
_TESTS = {
    **dict.fromkeys(_MAX_TOKEN_KEYS, (_max_tokens, "output tokens at most the limit")),
    "n": (_choices, "as many choices as asked"),
    "response_format": (_json_format, "the answer parses as JSON"),
    "text": (_json_format, "the answer parses as JSON"),
    "stop": (_stop, "no stop sequence in the answer"),
    "tool_choice": (_tool_choice, "tool called (or not) as asked"),
    "parallel_tool_calls": (_parallel, "at most one tool call"),
}


def _rejects(completion: Completion, name: str) -> bool:
    error = completion.error or ""
    return error.startswith(_REJECTED) and name in error


def _parameters(results: Sequence[CaseResult]) -> tuple[ParameterRow, ...]:
    tally: dict[str, Counter[str]] = {}
    for result in results:
        for side, completions in (("baseline", result.baseline), ("candidate", result.candidate)):
            request = result.case.request_for(side)  # type: ignore[arg-type]
            for name, value in request.items():
                if name in _NOT_PARAMETERS:
                    continue
                counts = tally.setdefault(name, Counter())
                counts[f"{side}:cases"] += 1
                test = _TESTS.get(name, (None, ""))[0]
                for completion in completions:
                    if completion.error is not None:
                        counts[f"{side}:rejected"] += _rejects(completion, name)
                        continue
                    counts[f"{side}:answers"] += 1
                    ok = None if test is None else test(value, completion)
                    if ok is not None:
                        counts[f"{side}:checked"] += 1
                        counts[f"{side}:honoured"] += ok
    return tuple(
        ParameterRow(
            name=name,
            cases=max(c["baseline:cases"], c["candidate:cases"]),
            baseline_answers=c["baseline:answers"],
            baseline_rejected=c["baseline:rejected"],
            candidate_answers=c["candidate:answers"],
            candidate_rejected=c["candidate:rejected"],
            baseline_honoured=c["baseline:honoured"],
            candidate_honoured=c["candidate:honoured"],
            checked_baseline=c["baseline:checked"],
            checked_candidate=c["candidate:checked"],
            test=_TESTS.get(name, (None, ""))[1],
        )
        for name, c in sorted(tally.items())
    )


def api_shape(results: Sequence[CaseResult]) -> ApiShape:
    """Both models' recorded answers to the same cases, compared field by field."""
    base_all = [c for r in results for c in r.baseline]
    cand_all = [c for r in results for c in r.candidate]
    base_fields, base_bodies = _fields(base_all)
    cand_fields, cand_bodies = _fields(cand_all)
    both = base_bodies and cand_bodies  # one side without bodies shows no field of its own
    only_base = sorted(set(base_fields) - set(cand_fields)) if both else []
    only_cand = sorted(set(cand_fields) - set(base_fields)) if both else []
    differ = []
    for path in sorted(set(base_fields) & set(cand_fields)):
        b, c = base_fields[path] - {"null"}, cand_fields[path] - {"null"}
        if b and c and b != c:
            differ.append((path, "/".join(sorted(b)), "/".join(sorted(c))))
    return ApiShape(
        baseline=_side(base_all, base_fields, base_bodies),
        candidate=_side(cand_all, cand_fields, cand_bodies),
        only_baseline=tuple(only_base),
        only_candidate=tuple(only_cand),
        type_differs=tuple(differ),
        parameters=_parameters(results),
    )
