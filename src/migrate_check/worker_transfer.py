"""Plain-data form of judged cases, so xdist workers can hand them to the controller."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate_check.case import Case, CheckSpec
from migrate_check.completion import Completion, ToolCall, Usage
from migrate_check.results import CaseResult, CheckResult, Outcome


def completion_to_dict(c: Completion) -> dict[str, Any]:
    return {
        "model": c.model,
        "text": c.text,
        "tool_calls": [{"name": t.name, "arguments": t.arguments} for t in c.tool_calls],
        "finish_reason": c.finish_reason,
        "usage": [c.usage.input_tokens, c.usage.cached_input_tokens, c.usage.output_tokens],
        "latency_ms": c.latency_ms,
        "response_model": c.response_model,
        "error": c.error,
        "refused": c.refused,
        "latency_source": c.latency_source,
        "choice": c.choice,
    }


def completion_from_dict(d: dict[str, Any]) -> Completion:
    return Completion(
        model=d["model"],
        text=d["text"],
        tool_calls=tuple(ToolCall(t["name"], t["arguments"]) for t in d["tool_calls"]),
        finish_reason=d["finish_reason"],
        usage=Usage(*d["usage"]),
        latency_ms=d["latency_ms"],
        response_model=d["response_model"],
        error=d["error"],
        refused=d.get("refused", False),
        latency_source=d.get("latency_source"),
        choice=d.get("choice", 0),
    )


def case_to_dict(case: Case) -> dict[str, Any]:
    return {
        "suite": case.suite,
        "id": case.id,
        "request": case.request,
        "checks": [[s.name, s.options, s.line] for s in case.checks],
        "api": case.api,
        "samples": case.samples,
        "file": str(case.file) if case.file else None,
        "line": case.line,
        "description": case.description,
        "recorded_with": list(case.recorded_with),
        "origin": list(case.origin),
    }


def case_from_dict(d: dict[str, Any]) -> Case:
    return Case(
        suite=d["suite"],
        id=d["id"],
        request=d["request"],
        checks=tuple(CheckSpec(n, o, line) for n, o, line in d["checks"]),
        api=d["api"],
        samples=d["samples"],
        file=Path(d["file"]) if d["file"] else None,
        line=d["line"],
        description=d["description"],
        recorded_with=tuple(d.get("recorded_with", ())),
        origin=tuple(d.get("origin", ())),
    )


def check_to_dict(c: CheckResult) -> dict[str, Any]:
    return {
        "check": c.check,
        "outcome": c.outcome.value,
        "reason": c.reason,
        "evidence": c.evidence,
        "baseline_ok": c.baseline_ok,
        "candidate_ok": c.candidate_ok,
        "approved": c.approved,
        "noise": c.noise,
        "approval": c.approval,
    }


def check_from_dict(d: dict[str, Any]) -> CheckResult:
    return CheckResult(**{**d, "outcome": Outcome(d["outcome"])})


def result_to_dict(r: CaseResult) -> dict[str, Any]:
    return {
        "case": case_to_dict(r.case),
        "baseline": [completion_to_dict(c) for c in r.baseline],
        "candidate": [completion_to_dict(c) for c in r.candidate],
        "checks": [check_to_dict(c) for c in r.checks],
    }


def result_from_dict(d: dict[str, Any]) -> CaseResult:
    return CaseResult(
        case=case_from_dict(d["case"]),
        baseline=[completion_from_dict(c) for c in d["baseline"]],
        candidate=[completion_from_dict(c) for c in d["candidate"]],
        checks=[check_from_dict(c) for c in d["checks"]],
    )
