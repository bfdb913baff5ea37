"""--concurrency and its ini key, and pacing: bounded requests in flight, 429s honoured,
quota stops the run."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from devtools.local_openai import FaultPlan, LocalServer

from conftest import PAIR, write_suite
from migrate_check.sending.pacing import RateGate, parse_duration


def _suite(cases: int, samples: int = 1, marker: str = "") -> str:
    lines = [f"suite: many\nsamples: {samples}\nrequest: {{temperature: 0.7}}\ncases:\n"]
    for n in range(cases):
        lines.append(
            f"  - id: case-{n}\n"
            f'    messages: [{{role: user, content: "Question {n} about my invoice.{marker}"}}]\n'
        )
    return "".join(lines)


def test_requests_in_flight_stay_within_the_bound_per_model(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its own server: requests that other tests left hanging must not count here.
    with LocalServer(latency_ms=60) as own:
        monkeypatch.setenv("OPENAI_BASE_URL", own.base_url)
        write_suite(pytester.path, "many", _suite(24))
        result = pytester.runpytest(
            "--model-pair", PAIR, "--record-mode", "once", "--concurrency", "3", "--no-report"
        )
    result.assert_outcomes(passed=24)
    assert own.stats.completions == 48
    assert 4 <= own.stats.max_in_flight <= 6  # two models, three each


def test_the_ini_key_bounds_requests_and_the_command_line_overrides_it(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\nmigrate_check_concurrency = 2\n")
    write_suite(pytester.path, "many", _suite(16))
    record = ("--model-pair", PAIR, "--record-mode", "once", "--no-report")
    with LocalServer(latency_ms=60) as own:
        monkeypatch.setenv("OPENAI_BASE_URL", own.base_url)
        pytester.runpytest(*record).assert_outcomes(passed=16)
        from_ini = own.stats.max_in_flight
        own.stats.reset()
        shutil.rmtree(pytester.path / "cassettes")  # to record the same cases again
        pytester.runpytest(*record, "--concurrency", "1").assert_outcomes(passed=16)
    assert 3 <= from_ini <= 4  # two models, two each
    assert own.stats.max_in_flight <= 2  # one each


def test_each_cassette_holds_exactly_its_own_case_samples(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    live.set_latency(5)
    write_suite(pytester.path, "many", _suite(12, samples=3))
    result = pytester.runpytest(
        "--model-pair", PAIR, "--record-mode", "once", "--concurrency", "16", "--no-report"
    )
    result.assert_outcomes(passed=12)
    for n in range(12):
        for model in PAIR.split(":"):
            path = pytester.path / "cassettes" / "many" / f"case-{n}" / f"{model}.yaml"
            interactions = yaml.safe_load(path.read_text())["interactions"]
            assert len(interactions) == 3
            for interaction in interactions:
                body = json.loads(interaction["request"]["body"])
                assert body["model"] == model
                assert body["messages"][0]["content"] == f"Question {n} about my invoice."


def test_rate_limits_are_waited_out_not_failed(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    live.set_faults(FaultPlan(rate=0.3, seed=7, kinds=("429",), retry_after_s=0.02))
    write_suite(pytester.path, "many", _suite(16))
    result = pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", "--no-report")
    result.assert_outcomes(passed=16)
    assert live.stats.faults.get("429", 0) > 0
    assert live.stats.completions == 32 + live.stats.faults["429"]


def test_an_exhausted_quota_stops_the_run_without_retrying(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    write_suite(pytester.path, "many", _suite(1, marker=" [fault:insufficient_quota:always]"))
    result = pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", "--no-report")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*quota is exhausted (insufficient_quota)*"])
    assert live.stats.faults.get("insufficient_quota", 0) <= 2  # one per model, no retries


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("6m0s", 360.0), ("1.5s", 1.5), ("20ms", 0.02), ("1h2m", 3720.0), ("0.5", 0.5), ("", None)],
)
def test_reset_durations_parse(text: str, seconds: float | None) -> None:
    assert (
        parse_duration(text) == pytest.approx(seconds) if seconds else parse_duration(text) is None
    )


def test_a_spent_budget_or_a_429_holds_the_model_back() -> None:
    now = [100.0]
    gate = RateGate(clock=lambda: now[0])
    gate.observe(200, {"x-ratelimit-remaining-requests": "5", "x-ratelimit-reset-requests": "1s"})
    assert gate.delay() == 0
    gate.observe(200, {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "2s"})
    assert gate.delay() == pytest.approx(2.0)
    gate.observe(429, {"retry-after-ms": "5000"})
    assert gate.delay() == pytest.approx(5.0)
    now[0] += 5.0
    assert gate.delay() == 0


def test_progress_counts_answers_and_retries_without_a_terminal() -> None:
    from migrate_check.sending.progress import RequestProgress

    with RequestProgress(total=3, enabled=True) as progress:  # stderr is not a terminal here
        progress.answered(429)
        progress.answered(200)
        progress.finished()
        progress.answered(503)
        progress.answered(200)
        progress.finished()
    assert (progress.done, progress.retries, progress.total) == (2, 2, 3)
