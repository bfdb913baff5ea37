"""Streamed cases' time to first token and tokens per second reach every report: recorded
live against the local server (which streams the candidate faster), replayed offline,
across xdist workers too; a cassette without timing says "not recorded"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite
from migrate_check.report.writers import json_report

SUITE = """
    suite: feel
    request:
      stream: true
      stream_options: {include_usage: true}
    cases:
      - id: parcel
        messages: [{role: user, content: "Summarise: the parcel arrived late and crushed."}]
      - id: refund
        messages: [{role: user, content: "Summarise: the refund took three weeks."}]
      - id: plain
        request: {stream: false}
        messages: [{role: user, content: "Say hello to the team."}]
"""
SUITE_RESPONSES = """
    suite: feel-responses
    api: responses
    cases:
      - id: parcel
        request: {stream: true}
        input: "Summarise: the parcel arrived late and crushed."
"""


def _record(pytester: pytest.Pytester, live: LocalServer) -> None:
    write_suite(pytester.path, "feel", SUITE)
    write_suite(pytester.path, "feel-responses", SUITE_RESPONSES)
    live.set_stream_pace(first_token_ms=300, token_ms=5)
    try:
        result = pytester.runpytest("--model-pair", PAIR, "--record-mode", "once")
    finally:
        live.set_stream_pace(0, 0)
    result.assert_outcomes(passed=4)


def _replay(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[str, dict[str, Any]]:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    result = pytester.runpytest("--model-pair", PAIR, "-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=4)
    folder = pytester.path / "migrate-check-report"
    document = json.loads((folder / "report.json").read_text())
    jsonschema.Draft202012Validator(json_report.schema()).validate(document)
    return result.stdout.str(), document


@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_streamed_figures_are_recorded_replayed_and_reported(
    pytester: pytest.Pytester,
    live: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    workers: tuple[str, ...],
) -> None:
    _record(pytester, live)
    terminal, document = _replay(pytester, monkeypatch, *workers)
    models = document["aggregates"]["models"]
    base, cand = models["baseline"]["stream"], models["candidate"]["stream"]
    for side in (base, cand):
        assert side["streamed"] == side["timed"] == 3 and side["not_recorded"] == 0
        assert side["tokens_per_second_median"] > 0
        assert side["first_token_median_ms"] <= side["first_token_p95_ms"]
    # Paced at 300 ms before the first event, the candidate at 0.8 of that.
    assert base["first_token_median_ms"] >= 300
    assert cand["first_token_median_ms"] < base["first_token_median_ms"]
    # The figures are the cassettes' own, not measured again in replay.
    cassette = pytester.path / "cassettes" / "feel" / "parcel" / "gpt-4o-mini.yaml"
    kept = yaml.safe_load(cassette.read_text())["metadata"]["migrate_check"]["stream_timing"]
    (figures,) = kept.values()
    (case,) = [c for c in document["cases"] if c["suite"] == "feel" and c["id"] == "parcel"]
    timing = case["baseline"]["completions"][0]["stream_timing"]
    assert timing["time_to_first_token_ms"] == figures["time_to_first_token_ms"]
    (plain,) = [c for c in document["cases"] if c["id"] == "plain"]
    assert "stream_timing" not in plain["baseline"]["completions"][0]
    claim = next(c for c in document["aggregates"]["claims"] if c["claim"] == "faster (streamed)")
    assert claim["finding"] == "holds" and claim["baseline"] == base["first_token_median_ms"]
    summary = terminal[terminal.index("migrate-check ===") :]
    assert "gpt-4o-mini streamed: first token p50" in summary
    report_md = (pytester.path / "migrate-check-report" / "report.md").read_text()
    assert "first token median (streamed)" in report_md
    assert "tokens per second p95 (slow end)" in report_md


def test_cassettes_without_timing_report_not_recorded(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _record(pytester, live)
    for path in (pytester.path / "cassettes").rglob("*.yaml"):  # as made before timing
        data = yaml.safe_load(path.read_text())
        if data.pop("metadata", None) is not None:
            path.write_text(yaml.safe_dump(data))
    terminal, document = _replay(pytester, monkeypatch)
    for role in ("baseline", "candidate"):
        stream = document["aggregates"]["models"][role]["stream"]
        assert stream["streamed"] == 3 and stream["timed"] == 0
        assert stream["not_recorded"] == 3 and stream["first_token_median_ms"] is None
    claim = next(c for c in document["aggregates"]["claims"] if c["claim"] == "faster (streamed)")
    assert claim["finding"] == "no data"
    assert "not recorded" in terminal[terminal.index("migrate-check ===") :]


def test_a_run_without_streamed_cases_leaves_the_claim_not_exercised(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_suite(pytester.path, "plain", SUITE.replace("stream: true", "stream: false"))
    pytester.runpytest("--model-pair", PAIR, "--record-mode", "once").assert_outcomes(passed=3)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    pytester.runpytest("--model-pair", PAIR, "-p", "no:cacheprovider").assert_outcomes(passed=3)
    path = Path(pytester.path / "migrate-check-report" / "report.json")
    document = json.loads(path.read_text())
    claim = next(c for c in document["aggregates"]["claims"] if c["claim"] == "faster (streamed)")
    assert claim["finding"] == "not exercised"
    assert document["aggregates"]["models"]["baseline"]["stream"]["streamed"] == 0
