"""Faults from the API: a recording run under injected faults loses nothing and records no
partial exchange; `--record-mode new_episodes` then records only what is missing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from devtools.local_openai import FaultPlan, LocalServer

from conftest import PAIR, write_suite
from helpers.recording_runs import assert_complete_cassette

MODELS = ("gpt-4o-mini", "gpt-4.1-mini")
# Words that start the cause of every failed call the runner can report.
CAUSES = ("API error ", "API timeout", "connection error", "malformed response body")
# Long enough for a slow answer (1 s), far shorter than a hanging one (30 s).
TIMEOUT_S = "1.2"


def flaky_suite(chat: int = 8, streamed: int = 2, responses: int = 2) -> str:
    """Plain, streamed and Responses API cases, so every fault meets every body shape."""
    lines = ["suite: flaky", "request: {temperature: 0}", "checks: [{similarity: {min: 0}}]"]
    lines.append("cases:")
    for i in range(chat):
        lines += [
            f"  - id: chat{i:02d}",
            f'    messages: [{{role: user, content: "Q{i} refund?"}}]',
        ]
    for i in range(streamed):
        lines += [
            f"  - id: stream{i:02d}",
            "    request: {stream: true, stream_options: {include_usage: true}}",
            f'    messages: [{{role: user, content: "Streamed question {i}"}}]',
        ]
    for i in range(responses):
        lines += [f"  - id: resp{i:02d}", "    api: responses", f'    input: "Responses {i}"']
    return "\n".join(lines) + "\n"


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        "--model-pair", PAIR, "-p", "no:cacheprovider", "--max-retries", "1", *args
    )


def cassette_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "cassettes").rglob("*"))
        if p.is_file()
    }


def report_cases(root: Path) -> dict[str, dict[str, Any]]:
    report = json.loads((root / "migrate-check-report" / "report.json").read_text())
    return {case["id"]: case for case in report["cases"]}


@pytest.mark.parametrize(("rate", "seed"), [(0.1, 11), (0.2, 2), (0.5, 3)])
def test_a_faulty_recording_loses_nothing_and_new_episodes_completes_it(
    pytester: pytest.Pytester,
    live: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    rate: float,
    seed: int,
) -> None:
    monkeypatch.setenv("MIGRATE_CHECK_TIMEOUT_S", TIMEOUT_S)
    write_suite(pytester.path, "flaky", flaky_suite())
    live.set_faults(FaultPlan(rate=rate, seed=seed))
    first = _run(pytester, "--record-mode", "once")
    output = first.stdout.str() + first.stderr.str()
    assert "Traceback" not in output
    assert first.ret in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED), output
    assert sum(live.stats.faults.values()) > 0, "the plan injected no fault"

    cases = report_cases(pytester.path)
    assert len(cases) == 12
    missing = []
    for case_id, case in cases.items():
        for side, model in zip(("baseline", "candidate"), MODELS, strict=True):
            (completion,) = case[side]["completions"]
            cassette = pytester.path / "cassettes" / "flaky" / case_id / f"{model}.yaml"
            if completion["error"] is None:
                assert cassette.is_file(), f"{case_id} answered on {model} but was not recorded"
            else:
                assert completion["error"].startswith(CAUSES), completion["error"]
                assert "\n" not in completion["error"]
                assert not cassette.exists(), f"failed call recorded in {cassette}"
                missing.append(cassette)
        if case["outcome"] == "error":
            assert all(
                check["reason"].startswith(("baseline", "candidate")) for check in case["checks"]
            )
    errored = [c for c in cases.values() if c["outcome"] == "error"]
    print(f"rate {rate} seed {seed}: faults {live.stats.faults}, {len(errored)} cases error")
    first.assert_outcomes(failed=len(errored), passed=len(cases) - len(errored))
    for path in (pytester.path / "cassettes").rglob("*.yaml"):
        assert assert_complete_cassette(path) == 1
    assert not list((pytester.path / "cassettes").rglob("*.tmp"))

    before = cassette_files(pytester.path)
    live.set_faults(FaultPlan())
    requests_before = sum(live.stats.by_model.values())
    second = _run(pytester, "--record-mode", "new_episodes")
    second.assert_outcomes(passed=len(cases))
    assert sum(live.stats.by_model.values()) - requests_before == len(missing)
    after = cassette_files(pytester.path)
    assert {name: after[name] for name in before} == before  # what was recorded is untouched
    assert len(after) == len(cases) * 2
    for path in missing:
        assert assert_complete_cassette(path) == 1


FAULT_CAUSES = {
    "429": "API error 429: Rate limit reached",
    "500": "API error 500: The server had an error",
    "502": "API error 502",
    "503": "API error 503: The engine is currently overloaded",
    "reset": "connection error:",
    "timeout": "API timeout",
    "cut_body": "connection error:",
    "bad_json": "malformed response body",
}
FAULT_CASES = (*FAULT_CAUSES, "slow_stream")


def test_every_kind_of_fault_is_an_error_naming_its_cause_and_nothing_is_recorded(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIGRATE_CHECK_TIMEOUT_S", TIMEOUT_S)
    cases = [
        f"  - id: f-{kind}\n    messages: [{{role: user, content: 'Hi [fault:{kind}:always]'}}]"
        for kind in FAULT_CASES
    ]
    write_suite(pytester.path, "faults", "suite: faults\ncases:\n" + "\n".join(cases) + "\n")
    result = _run(pytester, "--record-mode", "once")
    assert "Traceback" not in result.stdout.str()
    cases_by_id = report_cases(pytester.path)
    for kind, cause in FAULT_CAUSES.items():
        case = cases_by_id[f"f-{kind}"]
        assert case["outcome"] == "error", kind
        (check,) = case["checks"]
        assert cause in check["reason"], (kind, check["reason"])
        assert "\n" not in check["reason"], (kind, check["reason"])
    # A slow stream is slow, not broken: recorded whole.
    assert cases_by_id["f-slow_stream"]["outcome"] != "error"
    recorded = sorted(
        p.relative_to(pytester.path).as_posix()
        for p in (pytester.path / "cassettes").rglob("*.yaml")
    )
    assert recorded == [f"cassettes/faults/f-slow_stream/{m}.yaml" for m in sorted(MODELS)]
    result.assert_outcomes(failed=len(FAULT_CAUSES), passed=1)


def test_a_first_attempt_fault_is_retried_and_recorded_once(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    lines = [
        f"  - id: once-{kind}\n    messages: [{{role: user, content: 'Hi [fault:{kind}]'}}]"
        for kind in ("429", "500", "502", "503", "reset", "cut_body")
    ]
    write_suite(pytester.path, "retry", "suite: retry\ncases:\n" + "\n".join(lines) + "\n")
    result = _run(pytester, "--record-mode", "once")
    result.assert_outcomes(passed=6)
    assert sum(live.stats.by_model.values()) == 24  # each of 12 calls failed once, then answered
    paths = list((pytester.path / "cassettes").rglob("*.yaml"))
    assert len(paths) == 12
    for path in paths:
        assert assert_complete_cassette(path) == 1


def test_an_exhausted_quota_stops_the_run_with_one_line_and_keeps_what_was_recorded(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    write_suite(
        pytester.path,
        "quota",
        """
        suite: quota
        cases:
          - id: fine
            messages: [{role: user, content: "Hello"}]
          - id: broke
            messages: [{role: user, content: "Hello [fault:insufficient_quota:always]"}]
        """,
    )
    result = _run(pytester, "--record-mode", "once", "--concurrency", "1")
    output = result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert "quota is exhausted (insufficient_quota)" in output
    assert "Traceback" not in output
    assert live.stats.faults.get("insufficient_quota") in (1, 2)  # never retried
    for path in (pytester.path / "cassettes").rglob("*.yaml"):
        assert assert_complete_cassette(path) == 1


def test_re_recording_under_faults_never_replaces_a_whole_recording_with_part_of_one(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIGRATE_CHECK_TIMEOUT_S", TIMEOUT_S)
    write_suite(pytester.path, "flaky", flaky_suite(chat=10, streamed=2, responses=2))
    _run(pytester, "--record-mode", "once", "--samples", "2").assert_outcomes(passed=14)
    before = cassette_files(pytester.path)
    live.set_faults(FaultPlan(rate=0.3, seed=5))
    again = _run(pytester, "--record-mode", "all", "--samples", "2", "--max-retries", "0")
    assert sum(live.stats.faults.values()) > 0, "the plan injected no fault"
    after = cassette_files(pytester.path)
    assert set(after) == set(before)
    replaced = [name for name in after if after[name] != before[name]]
    kept = [name for name in after if after[name] == before[name]]
    assert replaced and kept, (len(replaced), len(kept))
    for name in after:  # each is whole: the new set of samples, or the old one untouched
        assert assert_complete_cassette(pytester.path / name) == 2, name
    cases = report_cases(pytester.path)
    notes = [
        completion["error"]
        for case in cases.values()
        for side in ("baseline", "candidate")
        for completion in case[side]["completions"]
        if completion["error"]
    ]
    assert notes and all("was kept unchanged; run --record-mode all again" in n for n in notes)
    assert "Traceback" not in again.stdout.str()


def test_all_rewrites_a_cassette_to_the_case_s_current_request(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    suite = "suite: flaky\ncases:\n  - id: q\n    messages: [{role: user, content: '%s'}]\n"
    write_suite(pytester.path, "flaky", suite % "First wording")
    _run(pytester, "--record-mode", "once")
    write_suite(pytester.path, "flaky", suite % "Second wording")
    _run(pytester, "--record-mode", "all").assert_outcomes(passed=1)
    for model in MODELS:
        path = pytester.path / "cassettes" / "flaky" / "q" / f"{model}.yaml"
        assert assert_complete_cassette(path) == 1  # pytest-recording's `rewrite`
        assert "Second wording" in path.read_text() and "First wording" not in path.read_text()
