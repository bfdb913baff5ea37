"""From an app's own cassettes to a migration suite: only the candidate needs calling."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from devtools.local_openai import LocalServer

from migrate_check.cli import main

# Real recordings of gpt-4o-mini (chat completions, one streamed) from public projects.
SOURCES = [
    "crewAIInc__crewAI/lib__crewai__tests__cassettes__test_usage_info_non_streaming_with_call.yaml",
    "crewAIInc__crewAI/lib__crewai__tests__cassettes__test_usage_info_streaming_with_call.yaml",
]


def test_imported_suite_replays_the_baseline_and_records_only_the_candidate(
    pytester: pytest.Pytester, live: LocalServer, corpus: Path
) -> None:
    sources = pytester.path / "recorded"
    sources.mkdir()
    for name in SOURCES:
        shutil.copy(corpus / name, sources / Path(name).name)
    code = main(["import", str(sources), "--suite", str(pytester.path / "suites" / "app.yaml")])
    assert code == 0
    baseline_files = sorted((pytester.path / "cassettes").rglob("gpt-4o-mini.yaml"))
    assert len(baseline_files) == 2
    before = {p: p.read_bytes() for p in baseline_files}

    result = pytester.runpytest(
        "--model-pair", "gpt-4o-mini:gpt-4.1-mini", "--record-mode", "once", "suites"
    )
    assert result.ret in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)
    assert result.parseoutcomes().get("error", 0) == 0
    assert live.stats.by_model == {"gpt-4.1-mini": 2}
    assert {p: p.read_bytes() for p in baseline_files} == before
    candidate_files = sorted((pytester.path / "cassettes").rglob("gpt-4.1-mini.yaml"))
    assert len(candidate_files) == 2
    streamed = [p for p in candidate_files if "text/event-stream" in p.read_text()]
    assert len(streamed) == 1, "the streamed case must be recorded as a stream"
    report = json.loads((pytester.path / "migrate-check-report" / "report.json").read_text())
    sides = [
        completion
        for case in report["cases"]
        for side in ("baseline", "candidate")
        for completion in case[side]["completions"]
    ]
    assert len(sides) == 4
    assert all(c["error"] is None and (c["text"] or c["tool_calls"]) for c in sides), sides
