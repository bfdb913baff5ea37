"""The bundled example's tool-loop suite (`suites/trip_planner.yaml`): each model runs its
own loop, the weather from the team's function (`suites/example_app/trips.py`), flights
from fixed results. Replayed offline from the committed cassettes and tools files, each
case gives the outcome it was written to show without calling the team's tool; recorded
afresh against the local server, it sends the same steps and gives the same outcomes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from devtools.local_openai import LocalServer
from example_project import copy_example, reported_cases, run_example

from conftest import REPO

SUITE = "suites/trip_planner.yaml"
CASSETTES = REPO / "cassettes" / "trip-planner"
MODELS = ("gpt-4o-mini", "gpt-4.1-mini")
#: Each case's outcome and its trajectory check's.
EXPECTED = {
    "weather-lookup": ("same", "same"),
    "extra-search": ("changed", "changed"),
    "weather-first": ("changed", "changed"),
    "stops-early": ("changed", "changed"),
    "never-answers": ("regressed", "regressed"),
}
#: Replaces the team's tool in a copied project: a call leaves a file behind.
TRIPWIRE = """
from pathlib import Path

def get_weather(**arguments):
    Path(__file__).with_name("called.txt").write_text(repr(arguments))
    raise RuntimeError("the team's tool ran")
"""


def _trajectory(case: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in case["checks"] if c["check"].split()[0] == "trajectory")


def _outcomes(cases: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {key: (case["outcome"], _trajectory(case)["outcome"]) for key, case in cases.items()}


def _bodies(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(i["request"]["body"]) for i in yaml.safe_load(path.read_text())["interactions"]
    ]


def test_the_loop_example_replays_offline_without_calling_the_teams_tool(
    pytester: pytest.Pytester, offline: None
) -> None:
    copy_example(pytester.path, "trip-planner")
    (pytester.path / "suites" / "example_app" / "trips.py").write_text(TRIPWIRE)
    result = run_example(pytester, SUITE, "--record-mode", "none")
    result.assert_outcomes(passed=4, failed=1)  # a changed path is to review
    # The failing case's text leads with its path in one line.
    result.stdout.fnmatch_lines(["*path: candidate: 4 steps (+2), stopped at the step limit (4)*"])
    cases = reported_cases(pytester)
    assert _outcomes(cases) == EXPECTED
    assert not (pytester.path / "suites" / "example_app" / "called.txt").exists()
    paths = {key: _trajectory(case) for key, case in cases.items()}
    same = paths["weather-lookup"]["evidence"]
    for side in ("baseline", "candidate"):
        assert same[side]["tools"] == ["get_weather"] and same[side]["steps"] == 2
        # The recorded result of the team's function went back to the model.
        assert json.loads(same[side]["calls"][0]["result"])["conditions"] == "snow"
    assert "called twice with the same arguments" in paths["extra-search"]["reason"]
    assert paths["extra-search"]["evidence"]["parted_at"] == 2
    assert "candidate also calls get_weather" in paths["weather-first"]["reason"]
    assert "candidate no longer calls get_weather" in paths["stops-early"]["reason"]
    endless = paths["never-answers"]["evidence"]["candidate"]
    assert (endless["steps"], endless["stopped"], endless["max_steps"]) == (4, "step_limit", 4)
    assert paths["never-answers"]["reason"].startswith("candidate stopped at the step limit (4)")


def test_every_step_is_in_the_cassette_and_each_tool_result_beside_it() -> None:
    """Each step sends the previous one's messages, the model's calls and their results;
    every tool's result is in tools.<model>.yaml beside it, one entry per call."""
    for case in EXPECTED:
        for model in MODELS:
            bodies = _bodies(CASSETTES / case / f"{model}.yaml")
            for before, after in zip(bodies, bodies[1:], strict=False):
                assert after["messages"][: len(before["messages"])] == before["messages"]
                assert after["messages"][len(before["messages"])]["role"] == "assistant"
                assert after["messages"][-1]["role"] == "tool"
            sent = [m for body in bodies for m in body["messages"] if m["role"] == "tool"]
            tools = CASSETTES / case / f"tools.{model}.yaml"
            assert tools.exists() == bool(sent)  # none for a side that called no tool
            if not sent:
                continue
            calls = yaml.safe_load(tools.read_text())
            # Every result the steps sent, once each: the last step's is in no request.
            assert len(calls["calls"]) >= len({m["tool_call_id"] for m in sent})
            assert {call["name"] for call in calls["calls"]} <= {"get_weather", "search_flights"}


def test_the_loop_example_records_against_the_local_server_as_committed(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    """A fresh recording calls the team's tool with the model's arguments and sends the
    same steps as the committed cassettes, with the same outcomes."""
    copy_example(pytester.path, None)
    result = run_example(pytester, SUITE, "--record-mode", "once")
    result.assert_outcomes(passed=4, failed=1)
    assert _outcomes(reported_cases(pytester)) == EXPECTED
    for case in EXPECTED:
        for model in MODELS:
            fresh = pytester.path / "cassettes" / "trip-planner" / case
            assert _bodies(fresh / f"{model}.yaml") == _bodies(CASSETTES / case / f"{model}.yaml")
            tools = fresh / f"tools.{model}.yaml"
            assert tools.exists() == (CASSETTES / case / f"tools.{model}.yaml").exists()
            if tools.exists():
                for call in yaml.safe_load(tools.read_text())["calls"]:
                    if call["name"] == "get_weather":  # called with what the model sent
                        assert json.loads(call["result"])["city"] == call["arguments"]["city"]
