"""Per-side requests: the candidate may send a revised prompt, and prompts may live in files."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite
from migrate_check.sending.sdk_request import request_body
from migrate_check.suites.loading import load_suite
from migrate_check.suites.suite import SuiteError


def _suite(folder: Path, text: str, files: dict[str, str] | None = None) -> Path:
    for name, body in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(body)
    path = folder / "s.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_each_side_sends_its_own_request(tmp_path: Path) -> None:
    path = _suite(
        tmp_path,
        """
        suite: s
        request: {temperature: 0, max_tokens: 100}
        candidate:
          system: {file: prompts/v2.md}
          request: {max_tokens: null, max_completion_tokens: 300}
        cases:
          - id: a
            messages:
              - {role: system, content: {file: prompts/v1.md}}
              - {role: user, content: hi}
          - id: b
            messages: [{role: user, content: no system message here}]
            candidate:
              request: {temperature: 0.3}
          - id: c
            messages: [{role: user, content: same on both sides}]
            baseline:
              messages: [{role: user, content: the old wording}]
        """,
        {"prompts/v1.md": "Old prompt.\n", "prompts/v2.md": "Revised prompt.\n"},
    )
    a, b, c = load_suite(path).cases
    assert a.request["messages"][0] == {"role": "system", "content": "Old prompt.\n"}
    base, cand = (
        request_body(a.on_side("baseline"), "m1"),
        request_body(a.on_side("candidate"), "m2"),
    )
    assert base["messages"][0]["content"] == "Old prompt.\n" and base["max_tokens"] == 100
    assert cand["messages"] == [
        {"role": "system", "content": "Revised prompt.\n"},
        {"role": "user", "content": "hi"},
    ]
    assert "max_tokens" not in cand and cand["max_completion_tokens"] == 300
    assert a.differs_by_side
    # No system message to patch: the revised prompt goes first; the case's own change
    # lands on top of the suite's.
    cand_b = b.request_for("candidate")
    assert cand_b["messages"][0] == {"role": "system", "content": "Revised prompt.\n"}
    assert cand_b["temperature"] == 0.3 and b.request_for("baseline")["temperature"] == 0
    assert c.request_for("baseline")["messages"] == [{"role": "user", "content": "the old wording"}]
    assert c.request_for("candidate")["messages"][1:] == [
        {"role": "user", "content": "same on both sides"}
    ]


def test_responses_sides_change_instructions_and_input(tmp_path: Path) -> None:
    path = _suite(
        tmp_path,
        """
        cases:
          - id: r
            api: responses
            input: Summarise the release.
            candidate:
              system: Be brief.
              input: Summarise the release in one sentence.
        """,
    )
    (case,) = load_suite(path).cases
    assert case.request_for("baseline") == {"input": "Summarise the release."}
    from devtools.synthetic_runs import make_run

    from migrate_check.core.pricing import PriceTable
    from migrate_check.report import RunReport, write_reports

    run = make_run(1)
    run.cases = run.cases[:1]
    run.cases[0].case = case
    written = write_reports(RunReport.build(run, PriceTable.default(), "now"), tmp_path / "out")
    (reported,) = json.loads(written[0].read_text())["cases"]
    assert reported["candidate_prompt"] == {
        "instructions": "Be brief.",
        "input": "Summarise the release in one sentence.",
    }
    assert case.request_for("candidate") == {
        "input": "Summarise the release in one sentence.",
        "instructions": "Be brief.",
    }


def test_a_responses_prompt_in_input_is_patched_there_and_files_load_in_input(
    tmp_path: Path,
) -> None:
    path = _suite(
        tmp_path,
        """
        request: {stop: null}
        cases:
          - id: r
            api: responses
            input:
              - {role: developer, content: {file: old.md}}
              - {role: user, content: Summarise the release.}
            candidate:
              system: {file: new.md}
              request: {temperature: 1}
        """,
        {"old.md": "Old.", "new.md": "New."},
    )
    (case,) = load_suite(path).cases
    assert case.request_for("baseline")["input"][0] == {"role": "developer", "content": "Old."}
    candidate = case.request_for("candidate")
    assert candidate["input"][0] == {"role": "developer", "content": "New."}
    assert "instructions" not in candidate  # one prompt, not the old one plus a new one
    # A shared `null` is the suite's own value: a side with changes still sends it.
    assert candidate["stop"] is None and "stop" in case.request_for("baseline")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("candidate: [1]\n", 1, "'candidate' must be a mapping"),
        ("candidate:\n  sytem: x\n", 2, "did you mean 'system'"),
        ("candidate:\n  request: {model: gpt-4o}\n", 2, "'model' is set by --model-pair"),
        ("candidate:\n  system: {file: ../outside.md}\n", 2, "outside the suite's folder"),
        ("candidate:\n  system: {file: missing.md}\n", 2, "cannot read the prompt file"),
        ("candidate:\n  system: {path: x.md}\n", 2, "must be text or {file:"),
        ("candidate:\n  input: hi\n", 2, "'input' is for 'api: responses'"),
    ],
)
def test_a_mistake_in_a_side_names_file_line_and_case(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    (tmp_path / "outside.md").write_text("a private file")
    folder = tmp_path / "suites"
    folder.mkdir()
    body = "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n"
    path = _suite(folder, text + body)
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    assert info.value.line == line
    assert words in info.value.message
    assert "a private file" not in str(info.value)


def test_a_prompt_file_that_links_out_of_the_suite_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("private")
    folder = tmp_path / "suites"
    folder.mkdir()
    (folder / "prompt.md").symlink_to(tmp_path / "secret.txt")
    path = _suite(
        folder, "cases:\n  - id: a\n    messages: [{role: user, content: {file: prompt.md}}]\n"
    )
    with pytest.raises(SuiteError, match="outside the suite's folder"):
        load_suite(path)


SIDES_SUITE = """
    suite: notes
    request: {temperature: 0}
    candidate:
      system: {file: prompts/notes-v2.md}
    cases:
      - id: outage
        messages:
          - {role: system, content: {file: prompts/notes-v1.md}}
          - role: user
            content: >-
              Summarise for customers: a failover took 14 minutes.
              Some calls failed. No data was lost.
"""


def test_each_side_records_and_replays_its_own_prompt(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Serially: a case's sides cross from an xdist worker with it (test_worker_transfer),
    # and per-side prompts from files record and replay under -n 2 in test_variants.
    suite = write_suite(pytester.path, "notes", SIDES_SUITE)
    prompts = suite.parent / "prompts"
    prompts.mkdir()
    (prompts / "notes-v1.md").write_text("You write release notes.")
    (prompts / "notes-v2.md").write_text("You write release notes. Keep every fact.")
    pytester.runpytest("--model-pair", PAIR, "--record-mode", "once")
    cassettes = pytester.path / "cassettes" / "notes" / "outage"

    def system_prompt(model: str) -> str:
        data = yaml.safe_load((cassettes / f"{model}.yaml").read_text())
        body = yaml.safe_load(data["interactions"][0]["request"]["body"])
        return str(body["messages"][0]["content"])

    assert system_prompt("gpt-4o-mini") == "You write release notes."
    assert system_prompt("gpt-4.1-mini") == "You write release notes. Keep every fact."
    # The reports say what each side sent.
    report = json.loads((pytester.path / "migrate-check-report" / "report.json").read_text())
    (case,) = report["cases"]
    assert case["prompt"][0]["content"] == "You write release notes."
    assert case["candidate_prompt"][0]["content"] == "You write release notes. Keep every fact."
    page = (pytester.path / "migrate-check-report" / "report.html").read_text()
    assert "candidate sends:" in page and "Keep every fact." in page
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    replayed = pytester.runpytest("--model-pair", PAIR, "--no-report")
    replayed.assert_outcomes(passed=1)
    # Revising the candidate's prompt file is a missing recording for the candidate only.
    (prompts / "notes-v2.md").write_text("You write release notes. Keep every fact, briefly.")
    edited = pytester.runpytest("--model-pair", PAIR, "--no-report")
    edited.assert_outcomes(failed=1)
    edited.stdout.fnmatch_lines(["*candidate call to gpt-4.1-mini failed*does not match*"])
    edited.stdout.no_fnmatch_line("*baseline call to gpt-4o-mini failed*")
