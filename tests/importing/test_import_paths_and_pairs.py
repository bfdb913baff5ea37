"""What an import writes and prints, as a team commits and runs it (issue 28, items 2, 5, 6).

Origins and the description name files from the rootdir; suite YAML has no aliases;
recordings of a dated snapshot replay as their model's baseline; the printed `next:`
command names a real candidate and runs as printed.
"""

from __future__ import annotations

import datetime
import json
import shlex
from pathlib import Path

import pytest
import yaml
from devtools.local_openai import LocalServer
from imported_cassettes import interaction, write_cassette

from migrate_check.cli import main
from migrate_check.importing.suite_text import dump_suite
from migrate_check.pytest_plugin.settings import parse_model_pair
from migrate_check.suites.loading import load_suite

SNAPSHOT = "gpt-4o-mini-2024-07-18"


def _next_commands(out: str) -> list[list[str]]:
    return [
        shlex.split(line.split("next: ", 1)[1].split("  (")[0])
        for line in out.splitlines()
        if "next: " in line
    ]


def _pair(command: list[str]) -> str:
    return command[command.index("--model-pair") + 1]


def test_origins_and_description_name_files_from_the_rootdir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    (project / "tests" / "cassettes").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.pytest.ini_options]\n")
    write_cassette(project / "tests" / "cassettes" / "a.yaml", interaction("gpt-4o-mini", "A", "a"))
    write_cassette(tmp_path / "downloads" / "b.yaml", interaction("gpt-4o-mini", "B", "b"))

    monkeypatch.chdir(project / "tests" / "cassettes")  # typed from inside the cassette folder
    assert main(["import", ".", "--suite", "../../suites/inside.yaml"]) == 0
    monkeypatch.chdir(tmp_path)  # absolute paths, from outside the project
    suite = project / "suites" / "outside.yaml"
    cassettes = project / "tests" / "cassettes"
    assert main(["import", str(cassettes), str(tmp_path / "downloads"), "--suite", str(suite)]) == 0
    capsys.readouterr()

    inside = load_suite(project / "suites" / "inside.yaml")
    assert [c.origin for c in inside.cases] == [("tests/cassettes/a.yaml: interaction 0",)]
    assert inside.description == (
        "Imported by migrate-check from cassettes in tests/cassettes/a.yaml."
    )
    outside = load_suite(suite)
    assert [c.origin for c in outside.cases] == [
        ("tests/cassettes/a.yaml: interaction 0",),
        ("../downloads/b.yaml: interaction 0",),  # beside the project: still from its root
    ]
    assert outside.description == "Imported by migrate-check from cassettes in 2 files under ../."
    for written in (project / "suites").glob("*.yaml"):
        assert str(tmp_path) not in written.read_text()  # no path of this machine
    assert sorted(p.parent.name for p in (project / "cassettes").rglob("*.yaml")) == sorted(
        c.id for c in [*inside.cases, *outside.cases]
    )


def test_the_description_names_the_recordings_folder_not_the_cassette_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_cassette(tmp_path / "tests" / "cassettes" / "a.yaml", interaction("m", "A", "a"))
    write_cassette(tmp_path / "tests" / "cassettes" / "more" / "b.yaml", interaction("m", "B", "b"))
    assert main(["import", "tests/cassettes", "--suite", "suites/app.yaml"]) == 0
    about = yaml.safe_load((tmp_path / "suites" / "app.yaml").read_text())["description"]
    assert about == "Imported by migrate-check from cassettes in 2 files under tests/cassettes/."
    assert (tmp_path / "cassettes" / "app").is_dir()  # where they were copied to: not named


def test_suite_yaml_never_holds_anchors_or_aliases() -> None:
    schema = {"type": "object", "properties": {"x": {"type": "string"}}}
    day = datetime.date(2024, 7, 18)
    pair = ("a", "b")
    case = {"request": {"s": schema, "d": day, "p": pair}}
    doc = {"checks": [{"schema": schema}], "cases": [case, case]}  # the same objects, twice
    text = dump_suite(doc)
    assert "&" not in text and "*" not in text, text
    loaded = yaml.safe_load(text)
    assert (
        loaded["cases"][0]
        == loaded["cases"][1]
        == {"request": {"s": schema, "d": day, "p": ["a", "b"]}}
    )


@pytest.mark.parametrize(
    ("ini", "recorded", "pair"),
    [
        ("", "gpt-4o-mini", "gpt-4o-mini:gpt-4.1-mini"),  # the headline candidate
        (
            'migrate_check_model_pair = "gpt-4o-mini:gpt-4.1-nano"\n',
            "gpt-4o",
            "gpt-4o:gpt-4.1-nano",
        ),
        ('addopts = "--model-pair gpt-4o-mini,o4-mini"\n', "gpt-4o-mini", "gpt-4o-mini:o4-mini"),
        ("", "gpt-4.1-mini", "gpt-4.1-mini:gpt-5-mini"),  # never a model against itself
        ('migrate_check_model_pair = "gpt-4.1:gpt-5"\n', None, "gpt-4.1:gpt-5"),  # no model
        ('migrate_check_model_pair = "not a pair"\n', None, "gpt-4o-mini:gpt-4.1-mini"),
    ],
)
def test_the_next_line_names_a_candidate_the_run_takes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    ini: str,
    recorded: str | None,
    pair: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\n" + ini)
    if recorded:
        write_cassette(tmp_path / "rec" / "a.yaml", interaction(recorded, "Say a", "A."))
    else:
        (tmp_path / "rec").mkdir()
        (tmp_path / "rec" / "evals.jsonl").write_text('{"input": "Say a", "ideal": "A."}\n')
    assert main(["import", "rec", "--suite", "suites/app.yaml"]) == 0
    out = capsys.readouterr().out
    [command] = _next_commands(out)
    assert "CANDIDATE" not in out and "BASELINE" not in out
    assert _pair(command) == pair
    parse_model_pair(_pair(command))  # what --model-pair takes


def test_the_next_line_runs_as_printed_and_records_only_the_ini_s_candidate(
    pytester: pytest.Pytester, live: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\nmigrate_check_model_pair = "gpt-4o-mini:gpt-4.1-nano"\n'
    )
    write_cassette(pytester.path / "rec" / "a.yaml", interaction("gpt-4o-mini", "Say a", "A."))
    assert main(["import", "rec", "--suite", "suites/app.yaml"]) == 0
    [command] = _next_commands(capsys.readouterr().out)
    assert command[0] == "pytest"
    result = pytester.runpytest(*command[1:], "-p", "no:cacheprovider")
    assert result.parseoutcomes().get("error", 0) == 0, result.stdout.str()
    assert live.stats.by_model == {"gpt-4.1-nano": 1}  # the baseline replayed, never sent


def _snapshot_recordings(folder: Path) -> None:
    """`Say a` recorded with the model and with its snapshot; `Say b` with the snapshot."""
    write_cassette(folder / "alias.yaml", interaction("gpt-4o-mini", "Say a", "A."))
    write_cassette(
        folder / "dated.yaml",
        interaction(SNAPSHOT, "Say a", "A again.", answered_by=SNAPSHOT),
        interaction(SNAPSHOT, "Say b", "B.", answered_by=SNAPSHOT),
    )


def test_snapshot_recordings_replay_as_their_model_s_baseline(
    pytester: pytest.Pytester, offline: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _snapshot_recordings(pytester.path / "rec")
    assert main(["import", "rec", "--suite", "suites/app.yaml"]) == 0
    out = capsys.readouterr().out
    assert [p.name for p in (pytester.path / "suites").iterdir()] == ["app.yaml"]  # no split
    assert "recordings: 2 cassettes under cassettes/app: gpt-4o-mini (2 cases)" in out
    cases = {
        c.request["messages"][0]["content"]: c
        for c in load_suite(pytester.path / "suites/app.yaml").cases
    }
    assert cases["Say a"].samples == 2 and cases["Say b"].samples == 1
    assert {c.recorded_with for c in cases.values()} == {("gpt-4o-mini",)}
    assert cases["Say a"].origin == (
        "rec/alias.yaml: interaction 0",
        f"rec/dated.yaml: interaction 0 (recorded with {SNAPSHOT})",
    )
    assert cases["Say b"].origin == (f"rec/dated.yaml: interaction 1 (recorded with {SNAPSHOT})",)

    result = pytester.runpytest(
        "suites", "--model-pair", "gpt-4o-mini:gpt-4.1-mini", "--record-mode", "none"
    )
    assert result.parseoutcomes().get("skipped", 0) == 0  # not "recorded with another model"
    report = json.loads((pytester.path / "migrate-check-report" / "report.json").read_text())
    by_prompt = {case["id"].rsplit("-", 1)[0]: case for case in report["cases"]}
    assert set(by_prompt) == {"say-a", "say-b"}
    for prompt, texts in {"say-a": ["A.", "A again."], "say-b": ["B."]}.items():
        baseline = by_prompt[prompt]["baseline"]["completions"]
        assert [c["error"] for c in baseline] == [None] * len(texts), baseline
        assert [c["text"] for c in baseline] == texts
        candidate = by_prompt[prompt]["candidate"]["completions"]
        assert candidate and all(c["error"] for c in candidate)  # never recorded: offline


def test_keep_snapshots_keeps_a_snapshot_s_recordings_in_a_suite_of_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _snapshot_recordings(tmp_path / "rec")
    assert main(["import", "rec", "--suite", "suites/app.yaml", "--keep-snapshots"]) == 0
    pairs = sorted(_pair(c) for c in _next_commands(capsys.readouterr().out))
    assert pairs == ["gpt-4o-mini-2024-07-18:gpt-4.1-mini", "gpt-4o-mini:gpt-4.1-mini"]
    dated = load_suite(tmp_path / "suites" / f"app-{SNAPSHOT}.yaml")
    assert {c.recorded_with for c in dated.cases} == {(SNAPSHOT,)} and len(dated.cases) == 2


def test_each_suite_s_description_counts_the_files_its_cases_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not every file the import read: gpt-4.1-mini's one case came from one file."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "tests" / "cassettes"
    write_cassette(folder / "a.yaml", interaction("gpt-4o-mini", "A", "a"))
    write_cassette(folder / "b.yaml", interaction("gpt-4o-mini", "B", "b"))
    write_cassette(folder / "sub" / "c.yaml", interaction("gpt-4.1-mini", "C", "c"))
    (tmp_path / "tests" / "log.jsonl").write_text(  # an unrecorded gpt-4o-mini request
        json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "D"}]}) + "\n"
    )
    assert main(["import", "tests", "--suite", "suites/app.yaml"]) == 0

    def about(model: str) -> str:
        text = (tmp_path / "suites" / f"app-{model}.yaml").read_text()
        return str(yaml.safe_load(text)["description"])

    assert about("gpt-4o-mini") == (
        "Imported by migrate-check from cassettes and logged requests in 3 files under tests/."
    )
    assert about("gpt-4.1-mini") == (
        "Imported by migrate-check from cassettes in tests/cassettes/sub/c.yaml."
    )
