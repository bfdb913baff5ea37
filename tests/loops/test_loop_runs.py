"""Loop cases: each model calls tools until it answers, every step recorded, replayed offline.

The team's tools are real functions (`travel_tools.py`), called by migrate-check the way
the application calls them; the model is the local server over real HTTP, through the SDK.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from devtools.local_openai import LocalServer
from loop_project import (
    BASELINE,
    CANDIDATE,
    CHAT_TOOLS,
    RESPONSES_TOOLS,
    all_cassettes,
    answers,
    bodies,
    cassette,
    checks,
    go_offline,
    logged,
    project,
    recorded_tools,
    report,
    run,
    threaded,
    tool_log,
)

__all__ = ["tool_log"]  # the fixture, used by name

WEATHER = (
    "suite: trip\n"
    + CHAT_TOOLS
    + """
loop:
  tools:
    get_weather: travel_tools:get_weather
    search_flights:
      - arguments: {origin: OSL, destination: LHR, date: "2026-12-24"}
        result: {flights: [SK815]}
      - result: "no flights"
cases:
  - id: weather
    messages:
      - {role: user, content: "What is the weather in Oslo today?"}
  - id: stops-early
    messages:
      - {role: user, content: "What is the weather in Oslo today? [answer:text=I cannot tell.]"}
"""
)


def test_a_chat_loop_records_every_step_and_replays_without_calling_the_tools(
    pytester: pytest.Pytester,
    live: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    tool_log: Path,
    plugin_args: tuple[str, ...],
) -> None:
    project(pytester, WEATHER)
    run(pytester, *plugin_args, "--record-mode", "once").assert_outcomes(passed=2)
    recorded = all_cassettes(pytester)
    assert len(recorded) == 4
    assert live.stats.completions == sum(len(bodies(path)) for path in recorded)
    path = cassette(pytester, "weather", CANDIDATE)
    assert len(bodies(path)) >= 2
    calls = [call for p in recorded for call in threaded(p)]
    weather = [call for call in calls if call["name"] == "get_weather"]
    assert weather and all(call["arguments"]["city"] == "Oslo" for call in weather)
    # The team's function was called with exactly the arguments each model sent, once
    # per call, and what it returned went back JSON-encoded.
    assert logged(tool_log) == [
        {"name": "get_weather", "arguments": c["arguments"]} for c in weather
    ]
    assert json.loads(weather[0]["result"]) == {"city": "Oslo", "temperature": 21, "sky": "sunny"}
    kept = recorded_tools(pytester, "weather", CANDIDATE)
    assert [(e["step"], e["name"], e["arguments"], e["result"]) for e in kept] == [
        (c["step"], c["name"], c["arguments"], c["result"]) for c in threaded(path)
    ]
    # The candidate told to answer at once takes one step, asks for no tool.
    assert len(bodies(cassette(pytester, "stops-early", CANDIDATE))) == 1
    first = report(pytester)
    assert checks(first["weather"])["trajectory"]["outcome"] == "same"
    early = checks(first["stops-early"])["trajectory"]
    assert early["outcome"] == "changed"
    assert "candidate no longer calls get_weather" in early["reason"]
    assert early["evidence"]["parted_at"] == 1
    assert early["evidence"]["candidate"]["steps"] == 1
    final = first["weather"]["candidate"]["completions"][0]
    assert "Oslo" in final["text"] and final["tool_calls"] == []  # the final answer
    # Usage summed over the steps.
    spent = sum(answer["usage"]["prompt_tokens"] for answer in answers(path))
    assert final["usage"]["input_tokens"] == spent

    go_offline(monkeypatch)
    run(pytester, *plugin_args).assert_outcomes(passed=2)
    assert live.stats.completions == sum(len(bodies(p)) for p in recorded)  # nothing went out
    assert len(logged(tool_log)) == len(weather)  # and no tool was called
    again = report(pytester)
    assert {k: v["outcome"] for k, v in again.items()} == {
        k: v["outcome"] for k, v in first.items()
    }
    assert again["weather"]["candidate"]["completions"][0] == final


def test_a_missing_step_or_tool_result_offline_names_the_case_model_and_step(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch, tool_log: Path
) -> None:
    project(pytester, WEATHER.split("  - id: stops-early")[0])
    run(pytester, "--record-mode", "once").assert_outcomes(passed=1)
    calls_made = len(logged(tool_log))
    go_offline(monkeypatch)
    # The candidate's cassette loses its second step; the baseline's tool results go.
    path = cassette(pytester, "weather", CANDIDATE)
    data = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump({**data, "interactions": data["interactions"][:1]}))
    (path.parent / f"tools.{BASELINE}.yaml").unlink()
    result = run(pytester)
    result.assert_outcomes(failed=1)
    case = report(pytester)["weather"]
    candidate = case["candidate"]["completions"][0]["error"]
    assert candidate.startswith(
        f"no recording of step 2 of case 'trip::weather' on model '{CANDIDATE}'"
    )
    assert "--record-mode all" in candidate
    baseline = case["baseline"]["completions"][0]["error"]
    assert "no recorded result of tool get_weather at step 1" in baseline
    assert f"tools.{BASELINE}.yaml does not hold it for case 'trip::weather'" in baseline
    assert "record it again with:" in baseline and "--record-mode all" in baseline
    assert len(logged(tool_log)) == calls_made  # only the recording run called the tool


RESPONSES = (
    "suite: trip\n"
    + RESPONSES_TOOLS
    + """
loop:
  tools:
    get_weather: travel_tools:get_weather_text
    search_flights:
      - arguments: {origin: OSL, destination: LHR, date: "2026-12-24"}
        result: {flights: [SK815]}
      - result: "no flights"
cases:
  - id: parallel
    input: "Weather in Oslo, and flights from OSL to LHR on 2026-12-24? [drift:parallel]"
"""
)


def test_a_responses_loop_answers_parallel_calls_by_call_id(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch, tool_log: Path
) -> None:
    """The candidate asks for two tools in one step: both run, and the next request sends
    the answer's output items back with one `function_call_output` per `call_id`."""
    project(pytester, RESPONSES)
    run(pytester, "--record-mode", "once").assert_outcomes(passed=1)
    path = cassette(pytester, "parallel", CANDIDATE)
    calls = threaded(path)
    first_step = [call for call in calls if call["step"] == 1]
    assert {call["name"] for call in first_step} == {"get_weather", "search_flights"}
    by_name = {call["name"]: call["result"] for call in first_step}
    assert by_name["get_weather"] == "It is sunny in Oslo."  # a string goes back as it is
    flights = next(c for c in first_step if c["name"] == "search_flights")
    wanted = {"origin": "OSL", "destination": "LHR", "date": "2026-12-24"}
    # Fixed results: matched by the arguments as parsed JSON, else the catch-all.
    assert by_name["search_flights"] == (
        '{"flights": ["SK815"]}' if flights["arguments"] == wanted else "no flights"
    )
    threaded(cassette(pytester, "parallel", BASELINE))
    calls_made = len(logged(tool_log))
    assert calls_made == sum(
        c["name"] == "get_weather" for p in all_cassettes(pytester) for c in threaded(p)
    )
    go_offline(monkeypatch)
    run(pytester).assert_outcomes(passed=1)
    assert len(logged(tool_log)) == calls_made


LIMITED = (
    "suite: trip\n"
    + CHAT_TOOLS
    + """
loop:
  max_steps: 1
  tools:
    get_weather: travel_tools:get_weather
cases:
  - id: endless
    messages:
      - {role: user, content: "Weather in Oslo today? [answer:text=Ask later.:baseline]"}
"""
)


def test_the_step_limit_stops_a_loop_without_running_the_last_calls(
    pytester: pytest.Pytester, live: LocalServer, tool_log: Path
) -> None:
    """The baseline answers at once; the candidate asks for a tool at its one step allowed,
    which is a regression on the candidate, not an error: its call is never run."""
    project(pytester, LIMITED)
    run(pytester, "--record-mode", "once").assert_outcomes(failed=1)
    assert live.stats.completions == 2  # one model call per side: the limit
    assert len(bodies(cassette(pytester, "endless", CANDIDATE))) == 1
    assert logged(tool_log) == []  # the calls of the last step allowed are not run
    case = report(pytester)["endless"]
    assert case["outcome"] == "regressed"
    trajectory = checks(case)["trajectory"]
    assert trajectory["outcome"] == "regressed"
    assert trajectory["reason"].startswith(
        "candidate stopped at the step limit (1) where the baseline answered in 1 step"
    )
    assert trajectory["evidence"]["candidate"]["calls"][0]["answered"] is False
    assert case["candidate"]["completions"][0]["finish_reason"] == "tool_calls"
