"""Imports keep the model they were recorded with, and land where pytest reads them.

Real cassettes of three models from the shared corpus, imported from another folder
than the project's; then the printed next step, run as printed, calls only the model
that was never recorded."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pytest
import yaml
from devtools.local_openai import LocalServer

from migrate_check.cli import main

SOURCES = {
    "gpt-4o-mini": [
        "crewAIInc__crewAI/lib__crewai__tests__cassettes__test_usage_info_non_streaming_with_call.yaml",
        "crewAIInc__crewAI/lib__crewai__tests__cassettes__test_usage_info_streaming_with_call.yaml",
    ],
    "gpt-4.1-mini": [
        "crewAIInc__crewAI/lib__crewai__tests__cassettes__agents__test_agent_execution.yaml",
    ],
    "gpt-4o": [
        "crewAIInc__crewAI/lib__crewai__tests__cassettes__test_handle_streaming_tool_calls.yaml",
    ],
}


def test_a_mixed_folder_becomes_one_suite_per_recorded_model(
    pytester: pytest.Pytester,
    live: LocalServer,
    corpus: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = pytester.path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\nmigrate_check_cassette_dir = "recordings"\n'
    )
    sources = pytester.path / "downloads"
    sources.mkdir()
    for names in SOURCES.values():
        for name in names:
            shutil.copy(corpus / name, sources / Path(name).name)
    elsewhere = pytester.path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the import runs from another folder than the project

    assert main(["import", str(sources), "--suite", str(project / "suites" / "app.yaml")]) == 0
    printed = capsys.readouterr().out

    suites = {p.name: yaml.safe_load(p.read_text()) for p in (project / "suites").glob("*.yaml")}
    assert set(suites) == {"app-gpt-4o-mini.yaml", "app-gpt-4.1-mini.yaml", "app-gpt-4o.yaml"}
    for model in SOURCES:
        suite = suites[f"app-{model}.yaml"]
        assert suite["suite"] == f"app-{model}"
        for case in suite["cases"]:
            assert case["recorded_with"] == model
            assert "interaction" in str(case["origin"])  # the file and interaction it came from
        recorded = list((project / "recordings" / f"app-{model}").rglob("*.yaml"))
        assert {p.name for p in recorded} == {f"{model}.yaml"}
    assert not (elsewhere / "cassettes").exists()  # nothing where pytest would not read it

    next_steps = [line.split("next: ", 1)[1] for line in printed.splitlines() if "next: " in line]
    assert len(next_steps) == 3
    step = next(s for s in next_steps if "app-gpt-4o-mini.yaml" in s)
    assert "--model-pair gpt-4o-mini:gpt-4.1-mini" in step  # runnable as printed
    command = shlex.split(step.split("  (")[0])
    result = pytester.runpytest(*command[1:], "-p", "no:cacheprovider")
    assert result.ret in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)
    assert live.stats.by_model == {"gpt-4.1-mini": 2}  # the baseline replayed, never re-sent

    # The whole folder under the same pair: cases recorded with another model send nothing.
    live.stats.reset()
    everything = pytester.runpytest(
        str(project / "suites"),
        "--model-pair",
        "gpt-4o-mini:gpt-4.1-mini",
        "--record-mode",
        "once",
        "-p",
        "no:cacheprovider",
        "-rs",
    )
    assert live.stats.by_model == {}
    everything.stdout.fnmatch_lines(
        ["*recorded with gpt-4o, not gpt-4o-mini: run it with --model-pair gpt-4o:gpt-4.1-mini*"]
    )
    everything.stdout.fnmatch_lines(
        [
            "*recorded with gpt-4.1-mini, not gpt-4o-mini: "
            "run it with --model-pair gpt-4.1-mini:*"  # the candidate: pytest_plugin's choice
        ]
    )
    live.stats.reset()
    pytester.runpytest(
        str(project / "suites" / "app-gpt-4o.yaml"),
        "--model-pair",
        "gpt-4o-mini:gpt-4.1-mini",
        "--record-mode",
        "once",
        "-p",
        "no:cacheprovider",
        "--record-baseline",
    )
    assert live.stats.by_model == {"gpt-4o-mini": 1, "gpt-4.1-mini": 1}  # asked for: recorded


def test_an_imported_case_s_origin_is_in_every_report(
    pytester: pytest.Pytester, live: LocalServer, corpus: Path
) -> None:
    source = pytester.path / "downloads"
    source.mkdir()
    name = SOURCES["gpt-4o-mini"][0]
    shutil.copy(corpus / name, source / Path(name).name)
    assert main(["import", str(source), "--suite", str(pytester.path / "suites" / "app.yaml")]) == 0
    pytester.runpytest("--model-pair", "gpt-4o-mini:gpt-4.1-mini", "--record-mode", "once")
    reports = pytester.path / "migrate-check-report"
    origin = f"{Path(name).name}: interaction"
    (case,) = json.loads((reports / "report.json").read_text())["cases"]
    assert origin in case["origin"][0] and case["recorded_with"] == ["gpt-4o-mini"]
    assert origin in (reports / "report.html").read_text()
    if case["status"] != "same":  # report.md lists cases that are not unchanged
        assert origin in (reports / "report.md").read_text()
