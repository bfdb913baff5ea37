"""A fixed result keyed by `step:` answers only at that step of a side's loop (issue 26):
a recorded loop whose tool answered the same call otherwise at another step (a search
that found more the second time) replays each step's own answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from devtools.local_openai import LocalServer
from loop_project import (
    BASELINE,
    CANDIDATE,
    CHAT_TOOLS,
    cassette,
    go_offline,
    project,
    run,
    threaded,
)

from migrate_check.apps.loop_tools import fixed_answer
from migrate_check.core.loop import FixedResult, Loop, LoopTool
from migrate_check.pytest_plugin.worker_transfer import case_from_dict, case_to_dict
from migrate_check.suites.loading import parse_suite_text
from migrate_check.suites.suite import SuiteError

HEAD = """suite: trip
request:
  tools:
    - type: function
      function: {name: search_flights, parameters: {type: object, properties: {}}}
cases:
  - id: a
    messages: [{role: user, content: hi}]
    loop:
      tools:
        search_flights:
"""


def _loop(entries: str) -> Loop:
    (case,) = parse_suite_text(HEAD + entries, Path("trip.yaml")).cases
    assert case.loop is not None
    return case.loop


def test_a_step_keyed_result_is_read_and_crosses_to_xdist_workers_whole() -> None:
    loop = _loop(
        "          - {arguments: {q: x}, step: 2, result: second}\n"
        "          - {arguments: {q: x}, result: first}\n"
    )
    (tool,) = loop.tools
    assert tool.results == (
        FixedResult("second", {"q": "x"}, False, 2),
        FixedResult("first", {"q": "x"}, False),
    )
    (case,) = parse_suite_text(
        HEAD + "          - {step: 3, result: later}\n", Path("trip.yaml")
    ).cases
    assert case_from_dict(case_to_dict(case)) == case
    assert Loop.from_dict(loop.as_dict()) == loop


@pytest.mark.parametrize("value", ["0", "101", "two", "true", "1.5", "[1]"])
def test_a_bad_step_names_its_line(value: str) -> None:
    with pytest.raises(SuiteError) as raised:
        _loop(
            f"          - arguments: {{q: x}}\n            step: {value}\n            result: r\n"
        )
    message = str(raised.value)
    assert message.startswith("trip.yaml:13: case 'a': tool 'search_flights', result #1: ")
    assert "'step' must be a whole number from 1 to 100" in message


def test_a_step_keyed_result_answers_only_at_its_step() -> None:
    loop = Loop(
        tools=(
            LoopTool(
                "search_flights",
                results=(
                    FixedResult("second", {"q": "x"}, False, 2),
                    FixedResult("first", {"q": "x"}, False, 1),
                ),
            ),
        )
    )
    assert fixed_answer(loop, "search_flights", {"q": "x"}, 1).result == "first"
    assert fixed_answer(loop, "search_flights", {"q": "x"}, 2).result == "second"
    third = fixed_answer(loop, "search_flights", {"q": "x"}, 3)
    assert third.failed and "no fixed result of tool 'search_flights'" in third.result
    unnamed = fixed_answer(loop, "book_hotel", {}, 1)
    assert unnamed.failed and "'loop.tools' does not name it" in unnamed.result


SUITE = (
    "suite: trip\n"
    + CHAT_TOOLS
    + """
loop:
  tools:
    get_weather: travel_tools:get_weather
    search_flights:
      - {step: 2, result: "second search: 2 flights"}
      - {step: 1, result: "first search: no flights yet"}
cases:
  - id: extra-search
    messages:
      - role: user
        content: "Flights from OSL to LHR on 2026-12-24? [loop:again=search_flights:both]"
"""
)


def test_each_step_of_a_recorded_and_replayed_loop_gets_its_own_result(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    project(pytester, SUITE)
    run(pytester, "--record-mode", "once").assert_outcomes(passed=1)
    for model in (BASELINE, CANDIDATE):
        calls = threaded(cassette(pytester, "extra-search", model))
        assert [(c["step"], c["name"], c["result"]) for c in calls] == [
            (1, "search_flights", "first search: no flights yet"),
            (2, "search_flights", "second search: 2 flights"),
        ]
        assert calls[0]["arguments"] == calls[1]["arguments"]  # the same call, twice
    go_offline(monkeypatch)
    run(pytester, "--record-mode", "none").assert_outcomes(passed=1)
