"""Paths the summary prints are where the user stands: pytest run from a subfolder prints
the report files relative to it, or absolute when they are outside it; and the model pair
refuses the placeholders of its own usage line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import PAIR

NAMES = ("report.json", "report.md", "report.html", "comment.md")


def _reports_line(result: pytest.RunResult) -> str:
    (line,) = [line for line in result.stdout.lines if line.startswith("reports: ")]
    return line


def test_reports_are_printed_from_where_pytest_runs(
    pytester: pytest.Pytester, recorded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\n")  # the rootdir stays the project, wherever pytest starts
    root = pytester.path
    monkeypatch.chdir(root / "suites")
    # Outside the working directory (the rootdir's report folder): absolute.
    outside = pytester.runpytest("--model-pair", PAIR, "triage.yaml")
    folder = (root / "migrate-check-report").resolve()
    assert _reports_line(outside) == "reports: " + ", ".join(str(folder / n) for n in NAMES)
    # Inside it (a report folder given from here): relative to here, not to the rootdir.
    inside = pytester.runpytest("--model-pair", PAIR, "triage.yaml", "--report-dir", "out")
    assert _reports_line(inside) == "reports: " + ", ".join(f"out/{n}" for n in NAMES)
    assert (Path.cwd() / "out" / "report.json").is_file()


def test_the_command_that_records_a_missing_case_runs_from_where_pytest_runs(
    pytester: pytest.Pytester, recorded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\n")
    (pytester.path / "cassettes" / "triage" / "login" / "gpt-4.1-mini.yaml").unlink()
    monkeypatch.chdir(pytester.path / "suites")
    result = pytester.runpytest("--model-pair", PAIR, "triage.yaml")
    result.stdout.fnmatch_lines(["*record it with: OPENAI_API_KEY=... pytest triage.yaml::login *"])


@pytest.mark.parametrize(
    ("pair", "placeholder"),
    [
        ("gpt-4o-mini:CANDIDATE", "CANDIDATE"),
        ("BASELINE,gpt-4.1-mini", "BASELINE"),
        ("gpt-4o-mini:candidate", "candidate"),
    ],
)
def test_the_usage_placeholders_are_no_model_names(
    pytester: pytest.Pytester, pair: str, placeholder: str
) -> None:
    result = pytester.runpytest("--model-pair", pair)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"ERROR: --model-pair: {pair!r}: {placeholder} stands for a model in "
            "BASELINE:CANDIDATE and is not one; name the two models, e.g. "
            "gpt-4o-mini:gpt-4.1-mini"
        ]
    )
