"""A deterministic synthetic run: every status, realistic outputs, hostile text on request.

Tests and the benchmark build reports from it, and it previews the reports without a run.
"""

from __future__ import annotations

import json
import random
from typing import Any

from migrate_check.core.case import Case, CheckSpec, ModelPair
from migrate_check.core.completion import Completion, ToolCall, Usage
from migrate_check.core.results import CaseResult, CheckResult, Outcome, RunResult

STATUSES = ("same", "changed", "regressed", "improved", "broken", "error", "approved")
HOSTILE = "</script><script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>"
_QUEUES = ("billing", "refunds", "shipping", "technical", "account")
_WORDS = (
    "the",
    "customer",
    "asks",
    "about",
    "an",
    "order",
    "that",
    "arrived",
    "late",
    "and",
    "wants",
    "a",
    "refund",
    "for",
    "the",
    "damaged",
    "item",
    "while",
    "keeping",
    "the",
    "rest",
    "of",
    "the",
    "delivery",
    "please",
    "route",
    "this",
    "ticket",
    "to",
    "the",
    "right",
    "team",
)


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def _ticket(rng: random.Random, queue: str, words: int) -> dict[str, Any]:
    return {
        "queue": queue,
        "priority": rng.choice(["low", "normal", "high"]),
        "summary": _text(rng, words),
    }


def _completion(
    rng: random.Random, model: str, payload: Any, *, fast: bool, error: str | None = None
) -> Completion:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    base = 500 if fast else 700
    return Completion(
        model=model,
        text="" if error else text,
        finish_reason=None if error else "stop",
        usage=Usage(
            input_tokens=(inp := rng.randint(250, 700)),
            cached_input_tokens=rng.choice([0, 0, inp // 2]),
            output_tokens=0 if error else rng.randint(30, 220),
        ),
        latency_ms=None if error else float(round(rng.gauss(base, base / 4)) or 1),
        response_model=f"{model}-2025-04-14",
        error=error,
    )


def _checks(status: str, queue_b: str, queue_c: str) -> list[CheckResult]:
    same = CheckResult(
        "similarity", Outcome.SAME, "score 97 >= 85", {"score": 97.0, "min": 85}, True, True
    )
    schema_ok = CheckResult("schema", Outcome.SAME, "valid on both", None, True, True)
    checks = [schema_ok, same]
    diff = {"values_changed": {"root['queue']": {"old_value": queue_b, "new_value": queue_c}}}
    if status in ("changed", "approved"):
        checks.append(
            CheckResult(
                "equal $.queue",
                Outcome.CHANGED,
                "$.queue differs",
                diff,
                approved=status == "approved",
            )
        )
    elif status == "regressed":
        checks[0] = CheckResult(
            "schema",
            Outcome.REGRESSED,
            "candidate output fails the schema",
            {"candidate": {"error": "'priority' is a required property", "path": "$"}},
            True,
            False,
        )
    elif status == "improved":
        checks.append(
            CheckResult(
                "assert myapp.checks:no_pii",
                Outcome.IMPROVED,
                "no_pii passes on the candidate only",
                {"baseline": "email address in summary"},
                False,
                True,
            )
        )
    elif status == "broken":
        checks.append(
            CheckResult(
                "assert myapp.checks:no_pii",
                Outcome.BROKEN,
                "no_pii fails on both",
                {"baseline": "phone number", "candidate": "phone number"},
                False,
                False,
            )
        )
    elif status == "error":
        checks.append(
            CheckResult(
                "downstream myapp.triage:route",
                Outcome.ERROR,
                "myapp.triage:route raised on the candidate",
                {"exception": "KeyError: 'queue'"},
            )
        )
    else:
        checks.append(
            CheckResult(
                "assert myapp.checks:no_pii",
                Outcome.SAME,
                "no_pii passes on both",
                None,
                True,
                True,
            )
        )
    return checks


def make_case(
    index: int,
    status: str,
    pair: ModelPair,
    rng: random.Random,
    *,
    words: int = 40,
    samples: int = 1,
    hostile: bool = False,
) -> CaseResult:
    """One case ending in `status` (an outcome, or `approved`)."""
    suite = ("support-triage", "summaries", "extraction")[index % 3]
    queue_b = rng.choice(_QUEUES)
    queue_c = (
        queue_b
        if status not in ("changed", "approved")
        else (_QUEUES[(_QUEUES.index(queue_b) + 1) % len(_QUEUES)])
    )
    base_ticket = _ticket(rng, queue_b, words)
    cand_ticket = dict(base_ticket, queue=queue_c)
    if status != "same":
        cand_ticket["summary"] = base_ticket["summary"].replace("refund", "reimbursement", 1) + (
            " " + _text(rng, 5)
        )
    if status == "regressed":
        del cand_ticket["priority"]
    if hostile:
        cand_ticket["summary"] = HOSTILE + " " + cand_ticket["summary"]
    case = Case(
        suite=suite,
        id=f"case-{index:05d}" + ("-hostile" if hostile else ""),
        request={
            "messages": [
                {"role": "system", "content": "Classify the ticket. Reply in JSON."},
                {"role": "user", "content": _text(rng, 20)},
            ],
            "temperature": 0,
            "response_format": {"type": "json_schema", "json_schema": {"name": "ticket"}},
        },
        checks=(CheckSpec("schema", "schemas/ticket.json"), CheckSpec("similarity", {"min": 85})),
        samples=samples,
        line=10 + index,
    )
    error = "APIStatusError: 500 upstream failure" if status == "error" else None
    baseline = [_completion(rng, pair.baseline, base_ticket, fast=False) for _ in range(samples)]
    candidate = [
        _completion(rng, pair.candidate, cand_ticket, fast=True, error=error if s == 0 else None)
        for s in range(samples)
    ]
    if status == "improved":
        candidate[0].tool_calls = (ToolCall("route", {"queue": queue_c}),)
    checks = _checks(status, queue_b, queue_c)
    if hostile:
        checks.append(
            CheckResult(
                "assert myapp.checks:no_pii", Outcome.SAME, HOSTILE, {"html": HOSTILE}, True, True
            )
        )
    return CaseResult(case, baseline, candidate, checks)


def make_run(
    per_status: int = 1,
    *,
    statuses: tuple[str, ...] = STATUSES,
    pair: ModelPair | None = None,
    words: int = 40,
    samples: int = 1,
    hostile: bool = False,
    seed: int = 7,
) -> RunResult:
    """`per_status` cases of each status, interleaved; one hostile case when asked."""
    pair = pair or ModelPair("gpt-4o-mini", "gpt-4.1-mini")
    rng = random.Random(seed)
    cases = [
        make_case(i * len(statuses) + j, status, pair, rng, words=words, samples=samples)
        for i in range(per_status)
        for j, status in enumerate(statuses)
    ]
    if hostile:
        cases.append(make_case(len(cases), "changed", pair, rng, hostile=True))
    return RunResult(pair=pair, cases=cases, record_mode="none", started_at="2026-11-20T10:00:00Z")
