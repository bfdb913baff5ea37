"""Each model takes its own path through a loop: an extra search, a loop that never ends,
several samples and a named variant, each judged by `trajectory` and replayed offline.

The local server's `[loop:...]` markers script a side's path (see
`devtools/local_openai/loop_markers.py`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from devtools.local_openai import LocalServer
from loop_project import (
    CANDIDATE,
    CHAT_TOOLS,
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

PATHS = (
    "suite: trip\n"
    + CHAT_TOOLS
    + """
loop:
  max_steps: 4
  tools:
    get_weather: travel_tools:get_weather
    search_flights:
      - result: {flights: [SK815]}
cases:
  - id: extra-search
    messages:
      - {role: user, content: "Flights from OSL to LHR on 2026-12-24? [loop:again=search_flights]"}
  - id: endless
    messages:
      - {role: user, content: "What is the weather in Oslo today? [loop:forever]"}
"""
)


def test_an_extra_search_changes_and_an_endless_loop_regresses_at_the_limit(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch, tool_log: Path
) -> None:
    project(pytester, PATHS)
    run(pytester, "--record-mode", "once").assert_outcomes(passed=1, failed=1)
    first = report(pytester)
    extra = checks(first["extra-search"])["trajectory"]
    assert extra["outcome"] == "changed"
    assert "called twice with the same arguments" in extra["reason"]
    assert extra["reason"].startswith("candidate: ")
    assert extra["evidence"]["candidate"]["steps"] == extra["evidence"]["baseline"]["steps"] + 1
    endless = checks(first["endless"])["trajectory"]
    assert endless["outcome"] == "regressed"
    assert endless["reason"].startswith(
        "candidate stopped at the step limit (4) where the baseline"
    )
    assert first["endless"]["outcome"] == "regressed"
    path = cassette(pytester, "endless", CANDIDATE)
    assert len(bodies(path)) == 4  # the limit: four model calls
    assert len(threaded(path)) == 3  # the fourth step's call is never run
    steps = [e["step"] for e in recorded_tools(pytester, "endless", CANDIDATE)]
    assert steps == [1, 2, 3]
    called = len(logged(tool_log))

    go_offline(monkeypatch)
    run(pytester).assert_outcomes(passed=1, failed=1)
    assert len(logged(tool_log)) == called
    again = report(pytester)
    assert {k: checks(v)["trajectory"]["reason"] for k, v in again.items()} == {
        k: checks(v)["trajectory"]["reason"] for k, v in first.items()
    }


SAMPLES = (
    "suite: trip\n"
    + CHAT_TOOLS
    + """
samples: 2
loop:
  tools:
    get_weather: travel_tools:get_weather
cases:
  - id: weather
    messages:
      - {role: user, content: "What is the weather in Oslo today?"}
variants:
  no-tools-first:
    messages:
      - {role: user, content: "What is the weather in Oslo today? [loop:stop]"}
"""
)


def test_samples_and_variants_each_run_and_replay_their_own_loop(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch, tool_log: Path
) -> None:
    project(pytester, SAMPLES)
    run(pytester, "--record-mode", "once").assert_outcomes(passed=2)
    path = cassette(pytester, "weather", CANDIDATE)
    assert len(bodies(path)) == 4  # two samples of two steps
    kept = recorded_tools(pytester, "weather", CANDIDATE)
    assert [(e["sample"], e["step"]) for e in kept] == [(1, 1), (2, 1)]
    variant = path.with_name(f"variant.no-tools-first.{CANDIDATE}.yaml")
    assert len(bodies(variant)) == 2  # it answers at once, in both samples
    assert not path.with_name(f"variant.no-tools-first.tools.{CANDIDATE}.yaml").exists()
    cases = report(pytester)
    assert checks(cases["weather"])["trajectory"]["outcome"] == "same"
    changed = checks(cases["weather[no-tools-first]"])["trajectory"]
    assert changed["outcome"] == "changed"
    assert "candidate no longer calls get_weather" in changed["reason"]
    called = len(logged(tool_log))

    go_offline(monkeypatch)
    run(pytester).assert_outcomes(passed=2)
    assert len(logged(tool_log)) == called
    # A sample the tools file lacks is a missing result, named with its sample.
    tools_file = path.with_name(f"tools.{CANDIDATE}.yaml")
    data = yaml.safe_load(tools_file.read_text())
    tools_file.write_text(yaml.safe_dump({**data, "calls": data["calls"][:1]}))
    run(pytester).assert_outcomes(failed=1, passed=1)  # the variant has its own files
    error = report(pytester)["weather"]["candidate"]["completions"][1]["error"]
    assert "no recorded result of tool get_weather at step 1 (sample 2)" in error


STREAMED = (
    "suite: trip\n"
    + CHAT_TOOLS.replace("request:\n", "request:\n  stream: true\n")
    + """
loop:
  tools:
    get_weather: travel_tools:get_weather
    search_flights:
      - result: {flights: [SK815]}
cases:
  - id: weather
    messages:
      - {role: user, content: "Weather in Oslo, flights OSL to LHR on 2026-12-24? [drift:parallel]"}
"""
)


def test_a_streamed_loop_follows_the_reassembled_answers(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch, tool_log: Path
) -> None:
    """Streamed answers are put back together as the SDK would, tool calls included, so
    the loop sends each call's result back by its id."""
    project(pytester, STREAMED)
    run(pytester, "--record-mode", "once").assert_outcomes(passed=1)
    path = cassette(pytester, "weather", CANDIDATE)
    assert all(body["stream"] is True for body in bodies(path))
    calls = threaded(path)
    assert {c["name"] for c in calls if c["step"] == 1} == {"get_weather", "search_flights"}
    go_offline(monkeypatch)
    called = len(logged(tool_log))
    run(pytester).assert_outcomes(passed=1)
    assert len(logged(tool_log)) == called
