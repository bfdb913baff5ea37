"""Offline replay reads cassettes directly; it must give what the SDK through vcrpy gives."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite
from migrate_check.case import Case
from migrate_check.completion import Completion
from migrate_check.runner import Runner, RunnerSettings
from migrate_check.suite import load_suite

ROOT = Path(__file__).resolve().parents[1]
MODELS = ["gpt-4o-mini", "gpt-4.1-mini"]


def _example_cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted((ROOT / "suites").glob("*.yaml")):
        cases.extend(load_suite(path).cases)
    return cases


def _replay(cases: list[Case], through_sdk: bool) -> dict[tuple[str, str], list[Completion]]:
    settings = RunnerSettings(
        cassette_dir=ROOT / "cassettes",
        base_url="http://127.0.0.1:9/v1",
        replay_through_sdk=through_sdk,
    )
    return Runner(settings, lambda case, model, mode: f"record {case.key} on {model}").fetch(
        cases, MODELS
    )


def test_direct_replay_equals_replay_through_the_sdk_on_the_bundled_example(
    no_openai_env: None,
) -> None:
    cases = _example_cases()
    direct = _replay(cases, through_sdk=False)
    through_sdk = _replay(cases, through_sdk=True)
    assert len(direct) == len(cases) * 2 >= 60
    assert all(c.error is None for samples in direct.values() for c in samples)
    assert direct == through_sdk


@pytest.mark.parametrize("through_sdk", [False, True])
def test_both_paths_say_the_same_about_a_stale_or_missing_recording(
    no_openai_env: None, through_sdk: bool
) -> None:
    case = _example_cases()[0]
    stale = replace(case, request={**case.request, "temperature": 0.5})
    missing = replace(case, id="never-recorded")
    result = _replay([stale, missing], through_sdk)
    stale_error = result[(stale.key, MODELS[0])][0].error or ""
    missing_error = result[(missing.key, MODELS[0])][0].error or ""
    assert "does not match the case's request (request body differs in temperature)" in stale_error
    assert missing_error.startswith(f"no recording of case {missing.key!r} on model 'gpt-4o-mini'")
    assert f"record {missing.key} on gpt-4o-mini" in missing_error


def test_a_large_replay_read_in_a_second_process_reports_what_a_serial_one_does(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from migrate_check.forked_replay import MIN_CASES

    cases = "".join(
        f'  - id: c{n}\n    messages: [{{role: user, content: "Refund order {n}, please."}}]\n'
        + ("    checks: [{assert: team_checks:is_baseline}]\n" if n % 50 == 0 else "")
        for n in range(MIN_CASES + 10)
    )
    write_suite(pytester.path, "big", "suite: big\nchecks: [{similarity: 20}]\ncases:\n" + cases)
    pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", "--no-report")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    # In-process, the session's server thread is running, so replay stays serial here;
    # a subprocess has one thread and reads the cassettes in a forked child.
    serial = pytester.runpytest("--model-pair", PAIR, "--report-dir", "serial")
    forked = pytester.runpytest_subprocess(
        "--model-pair", PAIR, "--report-dir", "forked", "--log-cli-level=INFO"
    )
    forked.stdout.fnmatch_lines(
        [f"*reading {MIN_CASES + 10} cases' cassettes in a second process*"]
    )
    expected = {"passed": MIN_CASES + 10 - 5, "failed": 5}
    assert serial.parseoutcomes() == expected
    assert forked.parseoutcomes() == expected

    def report(folder: str) -> dict[str, object]:
        data = json.loads((pytester.path / folder / "report.json").read_text())
        data.pop("generated_at")
        return data

    assert report("forked") == report("serial")
