"""Offline replay reads cassettes directly; it must give what the SDK through vcrpy gives."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from migrate_check.model import Case, Completion
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
    return Runner(settings, lambda case, model: f"record {case.key} on {model}").fetch(cases, MODELS)


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
