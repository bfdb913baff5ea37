"""Offline replay reads cassettes directly, with no HTTP: what it gives must be what the
application gets from the SDK for the same recorded answers."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from devtools.local_openai import LocalServer
from openai.types.chat import ChatCompletion

from conftest import PAIR, write_suite
from migrate_check.cassettes.paths import case_cassette_path
from migrate_check.core.case import Case
from migrate_check.core.completion import CompletionsByCase
from migrate_check.sending.runner import Runner
from migrate_check.sending.settings import RunnerSettings
from migrate_check.suites.loading import load_suite

ROOT = Path(__file__).resolve().parents[2]
MODELS = ["gpt-4o-mini", "gpt-4.1-mini"]


def _example_cases() -> list[Case]:
    """The example's single-request cases. Entry-point cases send what the team's function
    builds, not a request of their own: tests/e2e/test_example_app.py replays those; loop
    cases send a request per step: tests/e2e/test_example_loops.py replays those."""
    cases: list[Case] = []
    for path in sorted((ROOT / "suites").glob("*.yaml")):
        suite = load_suite(path)
        cases.extend(case for case in suite.cases if case.entry is None and case.loop is None)
        for variant in suite.variants.values():
            cases.extend(variant)
    return cases


def _replay(cases: list[Case]) -> CompletionsByCase:
    """Each side's answers, as the run asks for them: the case as that side sends it."""
    settings = RunnerSettings(cassette_dir=ROOT / "cassettes", base_url="http://127.0.0.1:9/v1")
    runner = Runner(settings, lambda case, model, mode: f"record {case.key} on {model}")
    jobs = [(case.on_side("candidate"), case.variant_model or MODELS[1]) for case in cases]
    jobs += [(case.on_side("baseline"), MODELS[0]) for case in cases if not case.variant]
    return runner.fetch_jobs(jobs)


def _recorded(case: Case, model: str) -> list[dict[str, Any]]:
    """What the SDK makes of each recorded answer, read straight from the cassette file."""
    path = case_cassette_path(ROOT / "cassettes", case, model)
    expected = []
    for interaction in yaml.safe_load(path.read_text())["interactions"]:
        body = interaction["response"]["body"]["string"]
        headers = interaction["response"]["headers"]
        latency = float(headers["openai-processing-ms"][0])
        if interaction["request"]["uri"].endswith("/responses"):
            # The SDK builds Responses without validating them (`construct_type`); its
            # `output_text` joins the message outputs' text parts.
            data = json.loads(body)
            text = "".join(
                part["text"]
                for item in data["output"]
                if item["type"] == "message"
                for part in item["content"]
                if part["type"] == "output_text"
            )
            usage = data["usage"]
            calls = [
                (item["name"], json.loads(item["arguments"]))
                for item in data["output"]
                if item["type"] == "function_call"
            ]
            expected.append(
                {
                    "content": text,
                    "model": data["model"],
                    "tokens": (usage["input_tokens"], usage["output_tokens"]),
                    "cached": usage["input_tokens_details"]["cached_tokens"],
                    "tool_calls": calls,
                    "refused": False,
                    "latency_ms": latency,
                }
            )
            continue
        completion = ChatCompletion.model_validate_json(body)
        assert completion.usage is not None
        details = completion.usage.prompt_tokens_details
        for choice in completion.choices:
            calls = [
                (call.function.name, json.loads(call.function.arguments))
                for call in choice.message.tool_calls or []
                if call.type == "function"
            ]
            expected.append(
                {
                    "content": choice.message.content,
                    "model": completion.model,
                    "tokens": (completion.usage.prompt_tokens, completion.usage.completion_tokens),
                    "cached": details.cached_tokens if details and details.cached_tokens else 0,
                    "finish_reason": choice.finish_reason,
                    "tool_calls": calls,
                    "refused": choice.message.refusal is not None,
                    "latency_ms": latency,
                }
            )
    return expected


def test_replay_gives_what_the_sdk_reads_from_the_bundled_recordings(
    no_openai_env: None,
) -> None:
    cases = _example_cases()
    replayed = _replay(cases)
    assert len(replayed) == len(cases) + sum(not case.variant for case in cases) >= 60
    seen_tool_calls = seen_responses = seen_revised = 0
    for case in cases:
        seen_revised += case.differs_by_side
        seen_responses += case.api == "responses"
        for model in MODELS[1:] if case.variant else MODELS:
            got = replayed[(case.key, model)]
            assert all(c.error is None for c in got), case.key
            expected = _recorded(case, model)
            assert len(got) == case.samples == len(expected), case.key
            for completion, wanted in zip(got, expected, strict=True):
                seen_tool_calls += bool(wanted["tool_calls"])
                assert completion.content == wanted["content"], (case.key, model)
                assert completion.response_model == wanted["model"]
                usage = completion.usage
                assert (usage.input_tokens, usage.output_tokens) == wanted["tokens"]
                assert usage.cached_input_tokens == wanted["cached"]
                assert [(c.name, c.arguments) for c in completion.tool_calls] == wanted[
                    "tool_calls"
                ]
                assert completion.refused is wanted["refused"]
                assert completion.latency_ms == wanted["latency_ms"]
                assert completion.latency_source == "openai-processing-ms"
                if "finish_reason" in wanted:
                    assert completion.finish_reason == wanted["finish_reason"]
    # The example covers what this compares: tool calls, the Responses API, revised prompts.
    assert seen_tool_calls >= 5 and seen_responses >= 2 and seen_revised >= 2


def test_a_stale_or_missing_recording_is_named_with_the_command_that_records_it(
    no_openai_env: None,
) -> None:
    case = _example_cases()[0]
    stale = replace(case, request={**case.request, "temperature": 0.5})
    missing = replace(case, id="never-recorded")
    result = _replay([stale, missing])
    stale_error = result[(stale.key, MODELS[0])][0].error or ""
    missing_error = result[(missing.key, MODELS[0])][0].error or ""
    assert "does not match the case's request (request body differs in temperature)" in stale_error
    assert missing_error.startswith(f"no recording of case {missing.key!r} on model 'gpt-4o-mini'")
    assert f"record {missing.key} on gpt-4o-mini" in missing_error


# Replays of MIN_CASES (200) cases and more are read in a forked child. The subprocess run
# below lowers that bound in its own process (a conftest.py): the same forked path, with
# several batches streamed back through the pipe, on a fifth of the cases to record.
FEW_CASES = 40


def test_a_large_replay_read_in_a_second_process_reports_what_a_serial_one_does(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from migrate_check.sending import forked_replay

    count = FEW_CASES + 5
    cases = "".join(
        f'  - id: c{n}\n    messages: [{{role: user, content: "Refund order {n}, please."}}]\n'
        + ("    checks: [{assert: team_checks:is_baseline}]\n" if n % 9 == 0 else "")
        for n in range(count)
    )
    write_suite(pytester.path, "big", "suite: big\nchecks: [{similarity: 20}]\ncases:\n" + cases)
    pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", "--no-report")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    # In-process, the session's server thread is running, so replay stays serial here;
    # a subprocess has one thread and reads the cassettes in a forked child.
    serial = pytester.runpytest("--model-pair", PAIR, "--report-dir", "serial")
    assert count < forked_replay.MIN_CASES  # lowered in the subprocess only, just below
    pytester.makeconftest(
        f"from migrate_check.sending import forked_replay\nforked_replay.MIN_CASES = {FEW_CASES}\n"
    )
    forked = pytester.runpytest_subprocess(
        "--model-pair", PAIR, "--report-dir", "forked", "--log-cli-level=INFO"
    )
    forked.stdout.fnmatch_lines([f"*reading {count} cases' cassettes in a second process*"])
    expected = {"passed": count - 5, "failed": 5}  # c0, c9, ..., c36 regress
    assert serial.parseoutcomes() == expected
    assert forked.parseoutcomes() == expected

    def report(folder: str) -> dict[str, object]:
        data: dict[str, object] = json.loads((pytester.path / folder / "report.json").read_text())
        data.pop("generated_at")
        return data

    assert report("forked") == report("serial")


def test_a_loop_or_entry_case_asked_of_the_runner_is_an_error_not_its_first_step(
    no_openai_env: None,
) -> None:
    """Loop and entry-point cases are many requests the team's code drives; asked of the
    sending stage as one request, they would replay their first step as the answer."""
    loops = load_suite(ROOT / "suites" / "trip_planner.yaml").cases[:1]
    entries = load_suite(ROOT / "suites" / "support_replies.yaml").cases[:1]
    replayed = _replay([*loops, *entries])
    for case, kind in ((loops[0], "a loop case"), (entries[0], "an entry-point case")):
        for model in MODELS:
            (answer,) = replayed[(case.key, model)]
            assert answer.error is not None and answer.text == ""
            assert answer.error.startswith(f"{case.key} is {kind}: run it with")
