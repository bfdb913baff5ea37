"""The graded checks in a pytest run: recorded beside the case's cassettes, replayed
offline with no key and no network, a missing grader recording named with the command
that records it, and judge recordings added later without calling the pair again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite

SUITE = """
    suite: notes
    request:
      temperature: 0
    checks:
      - embedding: {min: 0.5}
      - judge: {rubric: "Keep every number and day."}
    cases:
      - id: outage
        messages:
          - role: user
            content: >-
              Summarise this incident for customers: on Tuesday a failover took
              14 minutes, some API calls failed, and no data was lost.
      - id: pricing
        messages:
          - role: user
            content: >-
              Summarise this change for customers: the Team plan gets 10 more
              seats and annual billing gets a 15% discount.
"""
JUDGE_MODEL = "gpt-4.1"
EMBEDDING_MODEL = "text-embedding-3-small"


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--model-pair", PAIR, "-p", "no:cacheprovider", *args)


def _files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root / "cassettes")): p.read_text()
        for p in sorted((root / "cassettes").rglob("*.yaml"))
    }


def _checks(root: Path) -> dict[tuple[str, str], dict[str, Any]]:
    report = json.loads((root / "migrate-check-report" / "report.json").read_text())
    return {(c["id"], k["check"]): k for c in report["cases"] for k in c["checks"]}


def test_record_then_replay_offline_with_the_grader_cassettes(
    pytester: pytest.Pytester,
    plugin_args: tuple[str, ...],
    live: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_suite(pytester.path, "notes", SUITE)
    _run(pytester, *plugin_args, "--record-mode", "once")
    files = _files(pytester.path)
    assert sorted(files) == [
        f"notes/{case}/{name}.yaml"
        for case in ("outage", "pricing")
        for name in (
            "gpt-4.1-mini",
            "gpt-4o-mini",
            f"grader.{JUDGE_MODEL}",
            f"grader.{EMBEDDING_MODEL}",
        )
    ]
    assert live.stats.by_model.get(JUDGE_MODEL) == 4  # both orders, two cases
    for name, text in files.items():
        assert "sk-test-local" not in text and "authorization" not in text.lower(), name
    recorded = _checks(pytester.path)
    judged = recorded[("outage", "judge")]["evidence"]
    assert set(judged["orders"]) == {"baseline_first", "candidate_first"}
    assert judged["answered_by"] == "gpt-4.1-2025-04-14" and judged["request_messages"] == 1
    report = json.loads((pytester.path / "migrate-check-report" / "report.json").read_text())
    grading = report["grading"]
    assert {m["model"]: m["calls"] for m in grading["models"]} == {
        JUDGE_MODEL: 4,
        EMBEDDING_MODEL: 2,
    }
    assert grading["cost_usd"] > 0
    # The pair's cost is the pair's: the grader's tokens are not in it.
    pair_in = sum(
        report["aggregates"]["models"][r]["input_tokens"] for r in ("baseline", "candidate")
    )
    assert pair_in < sum(m["input_tokens"] for m in grading["models"])

    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    requests = live.stats.requests
    # Serially: the recording above put the grader's spend through the workers' hand-over.
    replayed = _run(pytester)
    assert live.stats.requests == requests
    assert "no recording" not in replayed.stdout.str()
    again = _checks(pytester.path)
    for key, check in recorded.items():
        assert (again[key]["outcome"], again[key]["reason"]) == (check["outcome"], check["reason"])
    assert _files(pytester.path) == files
    replayed.stdout.fnmatch_lines([f"*grading*{JUDGE_MODEL}*4 calls*"])


def test_judge_recordings_are_added_later_without_calling_the_pair_again(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_suite(pytester.path, "notes", SUITE.replace("- judge:", "- similarity: 10  #"))
    _run(pytester, "--record-mode", "once")
    models = {k: v for k, v in _files(pytester.path).items() if "grader." not in k}
    assert live.stats.by_model.get(JUDGE_MODEL) is None
    write_suite(pytester.path, "notes", SUITE)

    # Offline, the missing judge recording is an error naming the case, model and command.
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    missing = _run(pytester, "-k", "outage", "-rA")
    missing.assert_outcomes(failed=1, deselected=1)
    missing.stdout.fnmatch_lines(
        [
            f"*no recording of the grader '{JUDGE_MODEL}' for case 'notes::outage'*record it with: "
            f"OPENAI_API_KEY=... pytest suites/notes.yaml::outage --model-pair {PAIR} "
            "--record-mode once*"
        ]
    )

    monkeypatch.setenv("OPENAI_BASE_URL", live.base_url)
    pair_calls = {m: live.stats.by_model.get(m, 0) for m in PAIR.split(":")}
    _run(pytester, "--record-mode", "once")
    assert {m: live.stats.by_model.get(m, 0) for m in PAIR.split(":")} == pair_calls
    assert live.stats.by_model.get(JUDGE_MODEL) == 4
    after = _files(pytester.path)
    assert {k: v for k, v in after.items() if "grader." not in k} == models
    assert f"notes/outage/grader.{JUDGE_MODEL}.yaml" in after
