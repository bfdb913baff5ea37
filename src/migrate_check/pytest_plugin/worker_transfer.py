"""What an xdist worker hands the controller, typed on both ends and plain data between
(execnet carries only builtins).

Each judged case crosses as one `marshal` string of its plain data: execnet's own
serializer spends dozens of bytes and a Python object on every small value, so a worker
handing over thousands of cases as nested dicts and lists peaks at twice its memory.
A case whose data `marshal` cannot carry goes as the dicts, which are builtins too.
`worker_output` packs a worker's share of the `RunState`; `merge_worker_output` takes
it in on the controller.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate_check.core.case import Case, CheckSpec
from migrate_check.core.completion import Completion, StreamTiming, ToolCall, Usage
from migrate_check.core.entry import EntryPoint, EntryRun
from migrate_check.core.loop import Loop, Trajectory
from migrate_check.core.results import CaseResult, CheckResult, GraderSpend, Outcome
from migrate_check.pytest_plugin.run_state import RunState
from migrate_check.report.api_shape import skeleton


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
        "batch_id": c.batch_id,
        "stands_for": c.stands_for,
        "entry_run": c.entry_run.as_dict() if c.entry_run is not None else None,
        "trajectory": c.trajectory.as_dict() if c.trajectory is not None else None,
        "streamed": c.streamed,
        "stream_timing": [
            c.stream_timing.time_to_first_token_ms,
            c.stream_timing.tokens_per_second,
        ]
        if c.stream_timing is not None
        else None,
        "body_shape": skeleton(c.body) if isinstance(c.body, dict) else c.body_shape,
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
        batch_id=d.get("batch_id"),
        stands_for=d.get("stands_for"),
        entry_run=EntryRun.from_dict(d["entry_run"]) if d.get("entry_run") else None,
        trajectory=Trajectory.from_dict(d["trajectory"]) if d.get("trajectory") else None,
        streamed=d.get("streamed", False),
        stream_timing=StreamTiming(*d["stream_timing"]) if d.get("stream_timing") else None,
        body_shape=d.get("body_shape"),
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
        "sides": case.sides,
        "variant": case.variant,
        "variant_model": case.variant_model,
        "entry": case.entry.as_dict() if case.entry is not None else None,
        "loop": case.loop.as_dict() if case.loop is not None else None,
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
        sides=d.get("sides", {}),
        variant=d.get("variant", ""),
        variant_model=d.get("variant_model"),
        entry=EntryPoint.from_dict(d["entry"]) if d.get("entry") else None,
        loop=Loop.from_dict(d["loop"]) if d.get("loop") else None,
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
        "grader": [
            [
                g.model,
                g.calls,
                g.usage.input_tokens,
                g.usage.cached_input_tokens,
                g.usage.output_tokens,
            ]
            for g in c.grader
        ],
    }


def check_from_dict(d: dict[str, Any]) -> CheckResult:
    grader = [GraderSpend(m, n, Usage(i, c, o)) for m, n, i, c, o in d.get("grader", [])]
    return CheckResult(**{**d, "outcome": Outcome(d["outcome"]), "grader": grader})


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


def encode_result(r: CaseResult) -> bytes | dict[str, Any]:
    """One judged case as one compact string (its plain dicts where marshal refuses them)."""
    data = result_to_dict(r)
    try:
        return marshal.dumps(data)
    except ValueError:  # marshal refused a value: execnet takes the dicts, or names the value
        return data


def decode_result(item: bytes | dict[str, Any]) -> CaseResult:
    data = marshal.loads(item) if isinstance(item, bytes) else item  # noqa: S302 - our own worker's
    return result_from_dict(data)


@dataclass
class WorkerOutput:
    """One worker's share of the run: its judged cases and what it learnt on the way."""

    results: list[CaseResult] = field(default_factory=list)
    #: Every worker collects every suite; the controller keeps the largest counts.
    collected_cases: int = 0
    collected_variants: dict[str, int] = field(default_factory=dict)
    suite_files_seen: int = 0
    suite_files_collected: int = 0
    partial_notes: list[str] = field(default_factory=list)
    suite_cases: dict[str, list[str]] = field(default_factory=dict)
    suite_variants: dict[str, list[str]] = field(default_factory=dict)
    stale_exchanges: dict[Path, list[int]] = field(default_factory=dict)
    shutdown_dates: dict[str, str] = field(default_factory=dict)
    write_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "results": [encode_result(r) for r in self.results],
            "collected_cases": self.collected_cases,
            "collected_variants": self.collected_variants,
            "suite_files": [self.suite_files_seen, self.suite_files_collected],
            "partial_notes": self.partial_notes,
            "suite_cases": self.suite_cases,
            "suite_variants": self.suite_variants,
            "stale_exchanges": [[str(p), v] for p, v in self.stale_exchanges.items()],
            "shutdown_dates": self.shutdown_dates,
            "write_error": self.write_error,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorkerOutput:
        seen, collected = data["suite_files"]
        return cls(
            results=[decode_result(item) for item in data["results"]],
            collected_cases=data["collected_cases"],
            collected_variants=dict(data["collected_variants"]),
            suite_files_seen=seen,
            suite_files_collected=collected,
            partial_notes=list(data["partial_notes"]),
            suite_cases=dict(data["suite_cases"]),
            suite_variants=dict(data["suite_variants"]),
            stale_exchanges={Path(p): list(v) for p, v in data["stale_exchanges"]},
            shutdown_dates=dict(data["shutdown_dates"]),
            write_error=data["write_error"],
        )


def worker_output(state: RunState) -> WorkerOutput:
    """What an xdist worker hands the controller: its judged cases and what it learnt."""
    return WorkerOutput(
        results=list(state.results.values()),
        collected_cases=state.collected_cases,
        collected_variants=dict(state.collected_variants),
        suite_files_seen=state.suite_files_seen,
        suite_files_collected=state.suite_files_collected,
        partial_notes=list(state.partial_notes),
        suite_cases=dict(state.suite_cases),
        suite_variants={suite: sorted(names) for suite, names in state.variants.by_suite.items()},
        stale_exchanges=dict(state.stale_exchanges),
        shutdown_dates=dict(state.shutdown_dates),
        write_error=state.write_error,
    )


def merge_worker_output(state: RunState, output: WorkerOutput) -> None:
    """Take in one worker's share (the controller, once per worker)."""
    state.results.update((result.case.key, result) for result in output.results)
    # Every worker collects every suite; the items are then shared out among them.
    state.collected_cases = max(state.collected_cases, output.collected_cases)
    for name, count in output.collected_variants.items():
        state.collected_variants[name] = max(state.collected_variants[name], count)
    state.suite_files_seen = max(state.suite_files_seen, output.suite_files_seen)
    state.suite_files_collected = max(state.suite_files_collected, output.suite_files_collected)
    state.partial_notes += [n for n in output.partial_notes if n not in state.partial_notes]
    state.suite_cases.update(output.suite_cases)
    for suite, names in output.suite_variants.items():
        state.variants.by_suite.setdefault(suite, set()).update(names)
    state.stale_exchanges.update(output.stale_exchanges)
    state.shutdown_dates.update(output.shutdown_dates)
    state.write_error = state.write_error or output.write_error
