"""report.json: everything a machine needs, versioned and described by `report.schema.json`.

Keys are sorted and cases ordered by key, so two runs on the same recordings differ only
in `generated_at`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from importlib import resources
from typing import Any, TextIO

from migrate_check.core.canonical import canonical_json
from migrate_check.core.case import Case, Side
from migrate_check.core.completion import Completion
from migrate_check.core.paths import shown_path
from migrate_check.core.results import CaseResult, RunResult
from migrate_check.report import escaping, monthly_json
from migrate_check.report.aggregate import Aggregates
from migrate_check.report.case_figures import CaseRow, SideFigures
from migrate_check.report.display import jsonable, key_params
from migrate_check.report.grading_figures import GradingFigures
from migrate_check.report.model_figures import Rate, SideStats
from migrate_check.report.run_report import RunReport, VariantReport
from migrate_check.report.statuses import check_status
from migrate_check.report.tables import variant_findings

# Beside the report package, where the README says it ships, for tools that validate it.
_SCHEMA = resources.files("migrate_check.report").joinpath("report.schema.json")

FORMAT = "migrate-check-report"
VERSION = 2


def schema() -> dict[str, Any]:
    """The JSON Schema shipped with the package; `$id` names the version it describes."""
    text = _SCHEMA.read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def build_document(report: RunReport) -> dict[str, Any]:
    """report.json's content; named variants are each judged apart."""
    document = _head(report)
    document["cases"] = list(_cases(report.run, report.aggregates))
    return document


def _head(report: RunReport) -> dict[str, Any]:
    """Everything in report.json but its `cases`."""
    run, aggregates, decision = report.run, report.aggregates, report.verdict
    document = {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": report.generated_at,
        "pair": {"baseline": run.pair.baseline, "candidate": run.pair.candidate},
        "record_mode": run.record_mode,
        "verdict": {
            "decision": decision.decision,
            "scope": decision.scope,
            "rule": decision.rule,
            "reasons": list(decision.reasons),
        },
        "prices": _prices(aggregates),
        "warnings": [{"kind": "shutdown", **asdict(w)} for w in aggregates.warnings],
        "aggregates": _aggregates(aggregates),
    }
    if report.variants:
        document["variants"] = {
            "findings": variant_findings(report),
            "candidates": [_variant(v) for v in report.variants],
        }
    if report.approvals is not None:
        document["approvals"] = report.approvals.as_dict()
    if report.inputs is not None:
        document["inputs"] = report.inputs
    if aggregates.grading is not None:
        document["grading"] = _grading(aggregates.grading)
    if run.stale_cassettes or run.stale_exchanges:
        document["stale_recordings"] = {
            "cassettes": list(run.stale_cassettes),
            "exchanges": run.stale_exchanges,
            "pruned": run.stale_pruned,
        }
    return document


def _cases(run: RunResult, aggregates: Aggregates) -> Iterator[dict[str, Any]]:
    return (_case(run.cases[row.index], row, run) for row in aggregates.rows)


def write(out: TextIO, report: RunReport) -> None:
    """Write report.json to `out` as `render(build_document(report))` would, one case at
    a time: neither the cases' dicts nor the whole text are ever held at once."""
    head = _head(report)
    out.write("{\n")
    for n, key in enumerate(sorted([*head, "cases"])):
        if n:
            out.write(",\n")
        if key != "cases":
            out.write(f"{_dump(key)}:{_dump(head[key])}")
            continue
        out.write(f"{_dump(key)}:[")
        first = True
        for case in _cases(report.run, report.aggregates):
            out.write("\n" if first else ",\n")
            out.write(_dump(case))
            first = False
        out.write("]" if first else "\n]")
    out.write("\n}\n")


def _dump(value: Any) -> str:
    try:
        text = canonical_json(value, allow_nan=False)
    except ValueError:  # NaN or infinity (an overflowed cost): null, a figure not known
        text = canonical_json(jsonable(value, nulls=True))
    return escaping.no_surrogates(text)


def render(document: dict[str, Any]) -> str:
    """Compact JSON with one top-level key, and one case, per line: small, greppable, diffable."""
    lines = []
    for key in sorted(document):
        value = document[key]
        if key == "cases":
            body = ",\n".join(_dump(case) for case in value)
            lines.append(f"{_dump(key)}:[\n{body}\n]" if value else f"{_dump(key)}:[]")
        else:
            lines.append(f"{_dump(key)}:{_dump(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _prices(aggregates: Aggregates) -> dict[str, Any]:
    return {
        "date": aggregates.price_date,
        "source": aggregates.price_source,
        "overrides": list(aggregates.price_overrides),
        "models": {
            side.model: side.price.as_dict() if side.price else None
            for side in (aggregates.baseline, aggregates.candidate)
        },
    }


def _grading(grading: GradingFigures) -> dict[str, Any]:
    """The grader's calls and cost, apart from the pair's; the judge's calibration."""
    models = []
    for m in grading.models:
        data = asdict(m)
        data["cost_usd"] = data.pop("cost")
        models.append(data)
    calibration = grading.calibration
    return {
        "models": models,
        "cost_usd": grading.cost,
        "cost_complete": grading.cost_complete,
        "calibration": None
        if calibration is None
        else {
            "approved": calibration.approved,
            "agreed_with_approved": calibration.agreed_with_approved,
            "regressed": calibration.regressed,
            "agreed_with_regressed": calibration.agreed_with_regressed,
        },
    }


def _rate(rate: Rate) -> dict[str, Any]:
    return {"passed": rate.passed, "total": rate.total, "rate": rate.value}


def _side(side: SideStats) -> dict[str, Any]:
    data = asdict(side)
    data.pop("price")
    data["cost_usd"] = data.pop("cost")
    data["cost_per_1k_cases_usd"] = data.pop("cost_per_1k_cases")
    data["schema_valid"] = _rate(side.schema_valid)
    data["assertions_passed"] = _rate(side.assertions_passed)
    data["stream"] = {**asdict(side.stream), "not_recorded": side.stream.not_recorded}
    return data


def _aggregates(aggregates: Aggregates) -> dict[str, Any]:
    return {
        "cases": aggregates.total_cases,
        "coverage": {
            "judged": aggregates.coverage.judged,
            "collected": aggregates.coverage.collected,
            "partial": aggregates.coverage.partial,
            "notes": list(aggregates.coverage.notes),
        },
        "statuses": aggregates.statuses,
        "checks": aggregates.checks,
        "models": {
            "baseline": _side(aggregates.baseline),
            "candidate": _side(aggregates.candidate),
        },
        "ratios": aggregates.ratios,
        "claims": [asdict(claim) for claim in aggregates.claims],
        **({"api_shape": aggregates.api_shape.as_dict()} if aggregates.api_shape else {}),
        **({"limits": aggregates.limits.as_dict()} if aggregates.limits else {}),
        **_cost_at_volume(aggregates),
    }


def _cost_at_volume(aggregates: Aggregates) -> dict[str, Any]:
    found = monthly_json.cost_at_volume(aggregates.cost_at_volume, aggregates.pair.baseline)
    return {} if found is None else {"cost_at_volume": found}


def _figures(figures: SideFigures) -> dict[str, Any]:
    return {
        "samples": figures.samples,
        "errors": figures.errors,
        "input_tokens": figures.input_tokens,
        "cached_input_tokens": figures.cached_input_tokens,
        "output_tokens": figures.output_tokens,
        "cost_usd": figures.cost,
        "latency_ms": figures.latency_ms,
    }


def _completion(completion: Completion) -> dict[str, Any]:
    return {
        "model": completion.model,
        "response_model": completion.response_model,
        "text": completion.text,
        "tool_calls": [
            {"name": call.name, "arguments": jsonable(call.arguments)}
            for call in completion.tool_calls
        ],
        "finish_reason": completion.finish_reason,
        "usage": {
            "input_tokens": completion.usage.input_tokens,
            "cached_input_tokens": completion.usage.cached_input_tokens,
            "output_tokens": completion.usage.output_tokens,
        },
        "latency_ms": completion.latency_ms,
        "latency_source": completion.latency_source,
        "error": completion.error,
        "refused": completion.refused,
        **(_stream_timing(completion) if completion.streamed else {}),
    }


def _stream_timing(completion: Completion) -> dict[str, Any]:
    """A streamed answer's timing as recorded; null when its cassette keeps none."""
    timing = completion.stream_timing
    return {"stream_timing": asdict(timing) if timing is not None else None}


def _variant(variant: VariantReport) -> dict[str, Any]:
    """A named candidate: its model, verdict, figures and cases, as the pair's are."""
    agg, decision, run = variant.aggregates, variant.verdict, variant.run
    return {
        "name": variant.name,
        "model": variant.model,
        "verdict": {
            "decision": decision.decision,
            "scope": decision.scope,
            "rule": decision.rule,
            "reasons": list(decision.reasons),
        },
        "aggregates": _aggregates(agg),
        "cases": [_case(run.cases[row.index], row, run) for row in agg.rows],
    }


def _prompt(case: Case, side: Side) -> Any:
    """The messages (chat) or input (Responses), with the instructions when there are any."""
    request = case.request_for(side)
    prompt = jsonable(request.get("messages", request.get("input")))
    if "instructions" in request:
        return {"instructions": jsonable(request["instructions"]), "input": prompt}
    return prompt


def _prompts_differ(case: Case) -> bool:
    return case.differs_by_side and _prompt(case, "baseline") != _prompt(case, "candidate")


def _case(result: CaseResult, row: CaseRow, run: RunResult) -> dict[str, Any]:
    case = result.case
    return {
        "key": case.key,
        "suite": case.suite,
        "id": case.id,
        "file": shown_path(case.file).as_posix() if case.file else None,
        "line": case.line,
        "description": case.description,
        "origin": list(case.origin),
        "recorded_with": list(case.recorded_with),
        "api": case.api,
        "status": row.status,
        "outcome": result.outcome.value,
        "approved": result.approved,
        "prompt": _prompt(case, "baseline"),
        **({"candidate_prompt": _prompt(case, "candidate")} if _prompts_differ(case) else {}),
        "request": {
            "baseline": key_params(case.request_for("baseline"), run.pair.baseline),
            "candidate": key_params(case.request_for("candidate"), run.pair.candidate),
        },
        "baseline": {
            "completions": [_completion(c) for c in result.baseline],
            "figures": _figures(row.baseline),
        },
        "candidate": {
            "completions": [_completion(c) for c in result.candidate],
            "figures": _figures(row.candidate),
        },
        "checks": [
            {
                "check": check.check,
                "status": check_status(check),
                "outcome": check.outcome.value,
                "approved": check.approved,
                "reason": check.reason,
                "evidence": jsonable(check.evidence),
                "baseline_ok": check.baseline_ok,
                "candidate_ok": check.candidate_ok,
                "noise": check.noise,
                "approval": check.approval,
            }
            for check in result.checks
        ],
    }
