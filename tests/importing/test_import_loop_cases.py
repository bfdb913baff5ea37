"""`migrate-check import` makes each recorded tool loop one loop case (issue 26, item 5):
the first request, the tool results as fixed results, and every recorded step in the
baseline's cassette, each request as migrate-check's own loop sends it, so the baseline
replays the whole loop offline, with no key and no network.

Loops are recorded with plain vcrpy around the real SDK against the local server; the
shared corpus's real agent cassettes are imported too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

import openai
import pytest
import yaml
from devtools.local_openai import LocalServer
from loop_apps import (
    BASELINE,
    CANDIDATE,
    FLIGHTS,
    HOTEL_AND_WEATHER,
    NUDGE,
    RESULTS,
    SYSTEM,
    chat_app,
    client,
    recorded,
    responses_app,
)

from migrate_check.apps.loops import run_loop_jobs
from migrate_check.cli import main
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion
from migrate_check.core.loop import FixedResult
from migrate_check.sending.settings import RunnerSettings
from migrate_check.suites.loading import load_suite

__all__ = ["client"]  # the fixture, used by name

PAIR = f"{BASELINE}:{CANDIDATE}"
T = TypeVar("T")


def _cases(suite: Path) -> dict[str, Case]:
    return {case.id: case for case in load_suite(suite).cases}


def _one(cases: dict[str, T], prefix: str) -> T:
    """The one item whose id starts with `prefix` (an id's hash varies, its label not)."""
    (case,) = [c for i, c in cases.items() if i.startswith(prefix)]
    return case


def replay_baseline(suite: Path, cassettes: Path, model: str) -> dict[str, Completion]:
    """Every loop case of a suite replayed on `model` from its cassettes, as the plugin's
    offline run does (`--record-mode none`): each case's one sample, by case id."""
    cases = [case for case in load_suite(suite).cases if case.loop is not None]
    settings = RunnerSettings(record_mode="none", cassette_dir=cassettes)
    results = run_loop_jobs([(c, model) for c in cases], settings, lambda *_: "record it")
    return {case.id: results[(case.key, model)][0] for case in cases}


def _import(folder: Path, suite: Path) -> int:
    """`migrate-check import` of `folder/rec`, its cassettes under `folder/cassettes`."""
    cassettes = str(folder / "cassettes")
    return main(["import", str(folder / "rec"), "--suite", str(suite), "--cassette-dir", cassettes])


def _bodies(path: Path) -> list[dict[str, Any]]:
    interactions = yaml.safe_load(path.read_text())["interactions"]
    return [json.loads(i["request"]["body"]) for i in interactions]


def test_recorded_loops_import_as_loop_cases_whose_baseline_replays_every_step(
    pytester: pytest.Pytester,
    live: LocalServer,
    client: openai.OpenAI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def hello() -> None:  # another call of the application, between the loop's steps
        client.chat.completions.create(model=BASELINE, messages=[{"role": "user", "content": "Hi"}])

    folder = pytester.path / "recorded"
    again = f"{FLIGHTS} [loop:again=search_flights:both]"
    recorded(folder / "chat.yaml", lambda: chat_app(client, BASELINE, again, between=hello))
    first = f"{FLIGHTS} [loop:first=get_weather:both]"
    recorded(folder / "responses.yaml", lambda: responses_app(client, BASELINE, first))
    assert main(["import", "recorded", "--suite", "suites/app.yaml"]) == 0

    cases = _cases(pytester.path / "suites" / "app.yaml")
    chat = _one(cases, "loop-search-flights-3steps-")
    responses = _one(cases, "loop-get-weather-3steps-")
    hi = _one(cases, "hi-")
    assert len(cases) == 3 and hi.loop is None and hi.samples == 2
    assert chat.origin == ("recorded/chat.yaml: interactions 0, 2, 4",)
    assert chat.request["messages"] == [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": again},
    ]
    assert chat.loop is not None and chat.loop.max_steps == 10
    (search,) = chat.loop.tools
    (fixed,) = search.results  # the same search twice, answered alike: one entry
    assert fixed.result == json.loads(RESULTS["search_flights"]) and fixed.step is None
    assert fixed.arguments["date"] == "2026-12-24" and not fixed.any_arguments
    assert responses.api == "responses" and responses.request["input"] == first
    assert responses.loop is not None
    assert [t.name for t in responses.loop.tools] == ["get_weather", "search_flights"]
    assert not any(check.name == "tool_calls" for check in chat.checks)

    cassette = pytester.path / "cassettes" / "app" / chat.id / f"{BASELINE}.yaml"
    before = cassette.read_bytes()
    live.stats.reset()
    args = ["suites", "--model-pair", PAIR, "-p", "no:cacheprovider", "--report-dir", "report"]
    once = pytester.runpytest(*args, "--record-mode", "once")
    assert once.parseoutcomes().get("error", 0) == 0, once.stdout.str()
    assert set(live.stats.by_model) == {CANDIDATE}  # the baseline replayed every step
    assert cassette.read_bytes() == before

    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    offline = pytester.runpytest(*args, "--record-mode", "none")
    assert offline.parseoutcomes().get("error", 0) == 0, offline.stdout.str()
    report = json.loads((pytester.path / "report" / "report.json").read_text())
    paths = {
        case["id"]: next(c for c in case["checks"] if c["check"].startswith("trajectory"))
        for case in report["cases"]
        if case["id"] != hi.id
    }
    assert paths[chat.id]["evidence"]["baseline"]["tools"] == ["search_flights"] * 2
    assert paths[responses.id]["evidence"]["baseline"]["tools"] == [
        "get_weather",
        "search_flights",
    ]
    for path in paths.values():
        baseline, candidate = path["evidence"]["baseline"], path["evidence"]["candidate"]
        assert (baseline["steps"], baseline["stopped"]) == (3, "answered")
        assert candidate["steps"] == 3 and path["outcome"] == "same"


def test_a_bent_loop_imports_with_the_replay_s_differences_noted(
    client: openai.OpenAI, tmp_path: Path, offline: None
) -> None:
    """crewAI's way: of two parallel calls the application runs the first, then nudges.
    The replay answers both (the other with no recorded result: an error message) and
    sends no nudge; the cassette holds that, so the baseline replays as imported."""
    text = f"{HOTEL_AND_WEATHER} [drift:parallel]"
    recorded(
        tmp_path / "rec" / "bent.yaml",
        lambda: chat_app(client, CANDIDATE, text, first_only=True, nudge=NUDGE),
    )
    suite = tmp_path / "suites" / "bent.yaml"
    cassettes = tmp_path / "cassettes"
    assert _import(tmp_path, suite) == 0
    (case,) = _cases(suite).values()
    assert case.id.startswith("loop-book-hotel-2steps-")
    assert case.description == (
        "A recorded tool loop: 2 steps, book_hotel called once. The replay differs from the "
        "recording: step 1: the application answered 1 of its 2 calls, the replay answers "
        "every call (from the recorded results); the application adds messages after the "
        "tool results (steps 1), the replay sends the results only; no result was recorded "
        "for get_weather at step 1: the replay sends the no-match error there."
    )
    second = _bodies(cassettes / "bent" / case.id / f"{CANDIDATE}.yaml")[1]["messages"]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "tool", "tool"]
    assert second[3]["content"] == RESULTS["book_hotel"]
    assert second[4]["content"] == "no answer for tool 'get_weather': 'loop.tools' does not name it"

    replayed = replay_baseline(suite, cassettes, CANDIDATE)[case.id]
    assert replayed.error is None and replayed.trajectory is not None
    first, last = replayed.trajectory.steps
    assert [(c.name, c.error is None) for c in first.calls] == [
        ("book_hotel", True),
        ("get_weather", False),
    ]
    assert not last.calls and last.text and replayed.trajectory.stopped == "answered"


def test_the_same_call_answered_otherwise_at_another_step_is_keyed_by_step(
    client: openai.OpenAI, tmp_path: Path, offline: None
) -> None:
    """The second search found flights the first did not: each step replays its own
    result. A result JSON would re-encode otherwise (compact) stays the recorded text."""
    found = {1: json.dumps({"flights": 0}), 2: '{"flights":2}'}
    recorded(
        tmp_path / "rec" / "again.yaml",
        lambda: chat_app(
            client,
            BASELINE,
            f"{FLIGHTS} [loop:again=search_flights:both]",
            results=lambda name, step: found[step],
        ),
    )
    suite = tmp_path / "suites" / "again.yaml"
    assert _import(tmp_path, suite) == 0
    (case,) = _cases(suite).values()
    assert case.loop is not None
    (search,) = case.loop.tools
    arguments = search.results[0].arguments
    assert search.results == (
        FixedResult({"flights": 0}, arguments, False, 1),
        FixedResult('{"flights":2}', arguments, False, 2),
        FixedResult({"flights": 0}, arguments, False),  # any other step: the first result
    )
    replayed = replay_baseline(suite, tmp_path / "cassettes", BASELINE)[case.id]
    assert replayed.error is None and replayed.trajectory is not None
    assert [c.result for c in replayed.trajectory.calls] == [found[1], found[2]]


def test_the_same_loop_recorded_twice_is_one_case_with_two_samples(
    client: openai.OpenAI, tmp_path: Path, offline: None
) -> None:
    text = f"{FLIGHTS} [loop:first=get_weather:both]"
    for name in ("a.yaml", "b.yaml"):
        recorded(tmp_path / "rec" / name, lambda: chat_app(client, BASELINE, text))
    suite = tmp_path / "suites" / "twice.yaml"
    assert _import(tmp_path, suite) == 0
    (case,) = _cases(suite).values()
    assert case.samples == 2 and case.id.startswith("loop-get-weather-3steps-")
    assert [o.rsplit("/", 1)[-1] for o in case.origin] == [
        "a.yaml: interactions 0-2",
        "b.yaml: interactions 0-2",
    ]
    cassettes = tmp_path / "cassettes"
    assert len(_bodies(cassettes / "twice" / case.id / f"{BASELINE}.yaml")) == 6
    settings = RunnerSettings(record_mode="none", cassette_dir=cassettes)
    samples = run_loop_jobs([(case, BASELINE)], settings, lambda *_: "")[(case.key, BASELINE)]
    assert [s.error for s in samples] == [None, None]
    assert [len(s.trajectory.steps) for s in samples if s.trajectory] == [3, 3]


def test_a_stateful_chain_stays_skipped_with_its_reason(
    client: openai.OpenAI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded(
        tmp_path / "rec" / "chain.yaml",
        lambda: responses_app(client, BASELINE, FLIGHTS, stateful=True),
    )
    suite = tmp_path / "suites" / "chain.yaml"
    assert _import(tmp_path, suite) == 0
    out = capsys.readouterr().out
    assert "chain.yaml: interaction 1: a stateful Responses chain (previous_response_id): " in out
    assert "not a loop case" in out
    (case,) = _cases(suite).values()  # the first request, alone: a request case
    assert case.loop is None
    (origin,) = case.origin
    assert origin.endswith("rec/chain.yaml: interaction 0")


# ---------------------------------------------------------------- the shared corpus


@pytest.fixture(scope="module")
def corpus_suites(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    root = tmp_path_factory.mktemp("corpus-loops")
    suite = root / "suites" / "corpus.yaml"
    cassettes = root / "cassettes"
    assert (
        main(["import", str(corpus), "--suite", str(suite), "--cassette-dir", str(cassettes)]) == 0
    )
    return root


def test_the_corpus_agent_loops_import_as_loop_cases_that_replay_offline(
    corpus_suites: Path, offline: None
) -> None:
    replayed: dict[str, Completion] = {}
    held: dict[str, int] = {}
    for suite in sorted((corpus_suites / "suites").glob("*.yaml")):
        model = load_suite(suite).cases[0].recorded_with[0]
        for case_id, answer in replay_baseline(suite, corpus_suites / "cassettes", model).items():
            replayed[case_id] = answer
            cassette = corpus_suites / "cassettes" / suite.stem / case_id / f"{model}.yaml"
            held[case_id] = len(_bodies(cassette))
    assert len(replayed) == 17  # every loop the corpus holds (test_import_loops)
    for case_id, answer in replayed.items():
        assert answer.error is None, f"{case_id}: {answer.error}"
        assert answer.trajectory is not None
        assert len(answer.trajectory.steps) == held[case_id], case_id
        assert f"-{held[case_id]}steps-" in case_id
    crew = _one(replayed, "loop-iterating-tool-6steps-")
    assert crew.trajectory is not None and crew.trajectory.stopped == "answered"
    steps = crew.trajectory.steps
    assert [len(step.calls) for step in steps] == [5, 1, 1, 1, 1, 0]  # all 5 asked at first
    assert [c.arguments for c in steps[0].calls] == [
        {"input_text": f"Iteration {n}"} for n in range(1, 6)
    ]
    assert steps[0].calls[0].result == "Iteration Iteration 1"
    assert "usage limit" in steps[4].calls[0].result
    assert crew.text.startswith("Iteration Iteration 1\nIteration Iteration 2")  # as recorded
