"""report.json: valid against the shipped schema, complete, and deterministic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from devtools.synthetic_runs import HOSTILE, make_run

from migrate_check.core.case import ModelPair
from migrate_check.core.pricing import PriceTable
from migrate_check.core.results import CheckResult, Outcome, RunResult
from migrate_check.report import RunReport, write_reports
from migrate_check.report.writers import json_report

PRICES = PriceTable.default()


def document(run: RunResult, generated_at: str = "2026-11-20T10:00:00Z") -> dict[str, Any]:
    return json_report.build_document(RunReport.build(run, PRICES, generated_at))


def validate(doc: dict[str, Any]) -> None:
    schema = json_report.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(doc)


@pytest.mark.parametrize("samples", [1, 3])
def test_report_validates_against_the_shipped_schema(samples: int) -> None:
    doc = json.loads(json_report.render(document(make_run(2, samples=samples, hostile=True))))
    validate(doc)
    assert doc["format"] == "migrate-check-report" and doc["version"] == 2


def test_the_schema_rejects_what_it_should() -> None:
    doc = document(make_run(1))
    doc["cases"][0]["status"] = "fine"
    with pytest.raises(jsonschema.ValidationError):
        validate(doc)


def test_every_case_carries_requests_outputs_checks_and_figures() -> None:
    doc = document(make_run(1, hostile=True))
    case = next(c for c in doc["cases"] if c["status"] == "regressed")
    assert case["request"]["baseline"] == {
        "model": "gpt-4o-mini",
        "temperature": 0,
        "response_format": "json_schema:ticket",
    }
    assert case["request"]["candidate"]["model"] == "gpt-4.1-mini"
    assert case["prompt"][0]["role"] == "system"
    schema_check = next(c for c in case["checks"] if c["check"] == "schema")
    assert schema_check["outcome"] == "regressed" and schema_check["baseline_ok"] is True
    assert "priority" in json.dumps(schema_check["evidence"])
    completion = case["candidate"]["completions"][0]
    assert set(completion["usage"]) == {"input_tokens", "cached_input_tokens", "output_tokens"}
    assert case["candidate"]["figures"]["cost_usd"] > 0
    assert any(HOSTILE in c["candidate"]["completions"][0]["text"] for c in doc["cases"])
    approved = next(c for c in doc["cases"] if c["status"] == "approved")
    assert approved["outcome"] == "same" and approved["approved"] is True
    assert doc["prices"]["date"] == "2026-11"
    assert [w["role"] for w in doc["warnings"]] == ["baseline", "candidate"]
    assert doc["aggregates"]["models"]["baseline"]["latency_p95_ms"] is not None


def test_odd_evidence_is_made_json() -> None:
    run = make_run(1, statuses=("same",))
    run.cases[0].checks.append(
        CheckResult(
            "equal",
            Outcome.SAME,
            "ok",
            {"set": {3, 1}, "nan": float("nan"), (1, 2): "tuple key", "obj": object},
        )
    )
    doc = json.loads(json_report.render(document(run)))
    validate(doc)
    evidence = doc["cases"][0]["checks"][-1]["evidence"]
    assert evidence["(1, 2)"] == "tuple key" and evidence["obj"] == "<class 'object'>"
    run.cases[0].checks[-1].evidence = {"set": {3, 1}, "nan": float("nan")}
    evidence = document(run)["cases"][0]["checks"][-1]["evidence"]
    assert evidence == {"set": [1, 3], "nan": "NaN"}


def test_evidence_nested_without_end_is_cut_and_every_report_still_renders(
    tmp_path: Path,
) -> None:
    run = make_run(1)
    deep: Any = "bottom"
    for _ in range(5000):  # far past Python's recursion limit
        deep = [deep]
    run.cases[0].checks[-1].evidence = {"nested": deep, "as_tuple": tuple(deep)}
    key, check = run.cases[0].case.key, run.cases[0].checks[-1].check
    paths = write_reports(RunReport.build(run, PRICES, "2026-11-20T10:00:00Z"), tmp_path)
    doc = json.loads(paths[0].read_text())
    validate(doc)
    [case] = [c for c in doc["cases"] if c["key"] == key]
    [evidence] = [c["evidence"] for c in case["checks"] if c["check"] == check]
    text = json.dumps(evidence)
    assert "nested deeper than 64 levels" in text and "bottom" not in text
    assert all(path.stat().st_size < 5_000_000 for path in paths)


def test_two_runs_differ_only_in_generated_at(tmp_path: Path) -> None:
    run = make_run(3, samples=2)
    shuffled = RunResult(run.pair, list(reversed(run.cases)), run.record_mode, "later")
    first = write_reports(RunReport.build(run, PRICES, "2026-11-20T10:00:00Z"), tmp_path / "a")
    second = write_reports(
        RunReport.build(shuffled, PRICES, "2026-11-21T09:00:00Z"), tmp_path / "b"
    )
    a, b = first[0].read_text(), second[0].read_text()
    assert a != b
    assert a.replace("2026-11-20T10:00:00Z", "X") == b.replace("2026-11-21T09:00:00Z", "X")


@pytest.mark.parametrize(
    "run",
    [
        RunResult(ModelPair("gpt-4o-mini", "gpt-4.1-mini")),
        make_run(1, statuses=("same", "changed"), pair=ModelPair("local-a", "local-b")),
    ],
    ids=["no-cases", "unpriced-pair"],
)
def test_edge_runs_still_validate(run: RunResult) -> None:
    doc = json.loads(json_report.render(document(run)))
    validate(doc)
    if not run.cases:
        assert doc["cases"] == [] and doc["verdict"]["decision"] == "REVIEW"
    else:
        assert doc["prices"]["models"] == {"local-a": None, "local-b": None}
        assert doc["aggregates"]["models"]["candidate"]["cost_usd"] is None
