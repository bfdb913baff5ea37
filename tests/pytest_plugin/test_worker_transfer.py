"""What an xdist worker hands the controller: plain data that execnet carries, read back
into the same results, so the reports the controller writes are the ones a serial run
writes. This holds every field; the `-n 2` integration tests (test_option_xdist and one
serial/xdist pair per option) show the hand-over end to end."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import execnet
from devtools.synthetic_runs import make_run

from migrate_check.checks import CheckRegistry
from migrate_check.core.case import Case, CheckSpec, ModelPair
from migrate_check.core.completion import Completion, ToolCall, Usage
from migrate_check.core.entry import EntryPoint, EntryRun, ModelCall
from migrate_check.core.loop import FixedResult, Loop, LoopTool, Step, ToolUse, Trajectory
from migrate_check.core.pricing import PriceTable
from migrate_check.core.results import CaseResult, CheckResult, GraderSpend, Outcome, RunResult
from migrate_check.pytest_plugin.run_state import RunState
from migrate_check.pytest_plugin.settings import RunSettings
from migrate_check.pytest_plugin.worker_transfer import (
    WorkerOutput,
    merge_worker_output,
    worker_output,
)
from migrate_check.report import RunReport, write_reports

NOW = "2026-11-20T10:00:00Z"


def _every_field_set() -> list[CaseResult]:
    """A Responses case with per-side requests and its variant, answers with every field a worker
    learns (tool calls, a refusal, a batch, a deployment's model), checks approved with a
    reason, with a noise figure and with a grader's spend."""
    case = Case(
        suite="notes",
        id="failover",
        request={"input": "Summarise.", "instructions": "Be brief.", "temperature": 0},
        checks=(CheckSpec("similarity", {"min": 80}, 7), CheckSpec("judge", {"rubric": "x"}, 8)),
        api="responses",
        samples=2,
        file=Path("suites/notes.yaml"),
        line=6,
        description="an outage note",
        recorded_with=("gpt-4o-mini",),
        origin=("cassettes/old.yaml", "interaction 3"),
        sides={"candidate": {"temperature": 0.2, "max_tokens": None}},
        entry=EntryPoint("app.notes:summarise", {"note": "x"}, handoff="env", handoff_name="M"),
        loop=Loop(
            tools=(
                LoopTool("search", "app.tools:search"),
                LoopTool("route", results=(FixedResult("ok", {"queue": "billing"}, False),)),
            ),
            max_steps=4,
            on_tool_error="error",
            timeout_s=5.0,
            allow_hosts=("geo.internal",),
        ),
    )
    variant = dataclasses.replace(case, variant="nano", variant_model="gpt-4.1-nano")
    baseline = [
        Completion(
            model="gpt-4o-mini",
            text="We fixed it.",
            finish_reason="stop",
            usage=Usage(120, 60, 30),
            latency_ms=812.0,
            response_model="gpt-4o-mini-2024-07-18",
            latency_source="openai-processing-ms",
            batch_id="batch_abc",
            stands_for="gpt-4o-mini",
            entry_run=EntryRun(
                {"summary": "fixed"},
                None,
                (ModelCall("responses", "gpt-4o-mini", tools=("search",), input_tokens=9),),
                3,
            ),
            trajectory=Trajectory(
                (
                    Step(
                        (ToolUse("search", {"q": "x"}, "call_1", "[]", "ValueError: x", "drift"),),
                        "",
                        "tool_calls",
                        50,
                        10,
                        5,
                        12.5,
                    ),
                    Step(text="We fixed it.", finish_reason="stop", input_tokens=70),
                ),
                4,
                "step_limit",
            ),
        ),
        Completion(model="gpt-4o-mini", text="", error="API error 500: upstream", choice=1),
    ]
    candidate = [
        Completion(
            model="gpt-4.1-mini",
            tool_calls=(ToolCall("route", {"queue": "billing", "ids": [1, 2]}),),
            finish_reason="tool_calls",
            usage=Usage(130, 0, 12),
            latency_ms=None,
        ),
        Completion(model="gpt-4.1-mini", text="I can't help with that.", refused=True, choice=1),
    ]
    checks = [
        CheckResult(
            "similarity",
            Outcome.CHANGED,
            "score 41 < 80",
            {"score": 41.0, "diff": ["-a", "+b"], "nested": {"k": [1, None, True]}},
            True,
            False,
            approved=True,
            noise="baseline varies by 12",
            approval={"reason": "tone only", "approved_on": "2026-11-19"},
        ),
        CheckResult(
            "judge",
            Outcome.REGRESSED,
            "the candidate drops the day",
            {"baseline_first": {"verdict": "worse"}},
            grader=[GraderSpend("gpt-4.1", 2, Usage(900, 0, 40))],
        ),
    ]
    variant_checks = [CheckResult("similarity", Outcome.SAME, "score 97 >= 80", None, True, True)]
    return [
        CaseResult(case, baseline, candidate, checks),
        CaseResult(variant, baseline, candidate[:1], variant_checks),
    ]


def _output(results: list[CaseResult]) -> WorkerOutput:
    return WorkerOutput(
        results=results,
        collected_cases=9,
        collected_variants={"nano": 3},
        suite_files_seen=3,
        suite_files_collected=2,
        partial_notes=["-k selected 9 of 12 cases"],
        suite_cases={"notes": ["failover", "plain"]},
        suite_variants={"notes": ["nano"]},
        stale_exchanges={Path("cassettes/notes/plain/gpt-4o-mini.yaml"): [1, 3]},
        shutdown_dates={"gpt-4o-mini": "2027-01-14"},
        write_error="cannot write cassettes/x.yaml: disk full",
    )


def _over_the_wire(output: WorkerOutput) -> WorkerOutput:
    # execnet.dumps refuses anything but builtins, as the worker's channel does.
    return WorkerOutput.from_dict(execnet.loads(execnet.dumps(output.as_dict())))


def test_a_worker_s_output_crosses_execnet_and_reads_back_unchanged() -> None:
    results = make_run(1, samples=2, hostile=True).cases + _every_field_set()
    output = _output(results)
    back = _over_the_wire(output)
    assert back == output
    # Not one field left at its default: a field added later without a transfer fails here.
    for name, value in dataclasses.asdict(output).items():
        assert value, name
    for result in _every_field_set():
        for field in dataclasses.fields(Case):
            if field.name not in ("variant", "variant_model"):
                assert getattr(result.case, field.name), field.name
    assert any(r.case.variant_model for r in back.results)


def test_reports_from_what_workers_hand_over_are_the_serial_run_s(tmp_path: Path) -> None:
    run = make_run(2, samples=2, hostile=True)
    run.cases += _every_field_set()
    merged = RunResult(
        pair=run.pair,
        cases=_over_the_wire(_output(run.cases)).results,
        record_mode=run.record_mode,
        started_at=run.started_at,
    )
    prices = PriceTable.default()
    serial = write_reports(RunReport.build(run, prices, NOW), tmp_path / "serial")
    parallel = write_reports(RunReport.build(merged, prices, NOW), tmp_path / "parallel")
    assert [p.name for p in parallel] == [p.name for p in serial]
    for one, other in zip(serial, parallel, strict=True):
        assert one.read_bytes() == other.read_bytes(), one.name
    report_json = serial[0].read_text()
    assert "tone only" in report_json and "notes::failover[nano]" in report_json


def test_the_controller_merges_each_worker_s_share_into_its_run_state(tmp_path: Path) -> None:
    settings = RunSettings(pair=ModelPair("gpt-4o-mini", "gpt-4.1-mini"), rootdir=tmp_path)
    controller, first, second = (RunState.open(settings, CheckRegistry()) for _ in range(3))
    results = _every_field_set()
    for worker, judged, error in ((first, results[:1], None), (second, results[1:], "disk full")):
        worker.results = {result.case.key: result for result in judged}
        # Every worker collects every suite: the counts agree, the controller keeps one.
        worker.collected_cases, worker.suite_files_seen, worker.suite_files_collected = 2, 3, 2
        worker.collected_variants["nano"] = 1
        worker.partial_notes.append("suite files beside those named were not run: b.yaml")
        worker.variants.by_suite["notes"] = {"nano"}
        worker.write_error = error
        merge_worker_output(controller, _over_the_wire(worker_output(worker)))
    assert sorted(controller.results) == sorted(result.case.key for result in results)
    assert (controller.collected_cases, controller.collected_variants["nano"]) == (2, 1)
    assert (controller.suite_files_seen, controller.suite_files_collected) == (3, 2)
    assert controller.partial_notes == ["suite files beside those named were not run: b.yaml"]
    assert controller.variants.by_suite == {"notes": {"nano"}}
    assert controller.write_error == "disk full"
