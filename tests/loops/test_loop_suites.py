"""How a suite says a case is a loop, and what it says when the `loop:` is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate_check.core.case import Case
from migrate_check.core.completion import Completion
from migrate_check.core.loop import FixedResult, Step, ToolUse, Trajectory, same_json
from migrate_check.pytest_plugin.worker_transfer import (
    case_from_dict,
    case_to_dict,
    completion_from_dict,
    completion_to_dict,
)
from migrate_check.suites.loading import parse_suite_text
from migrate_check.suites.suite import SuiteError

HEAD = """suite: trip
request:
  tools:
    - type: function
      function: {name: get_weather, parameters: {type: object, properties: {city: {type: string}}}}
    - type: function
      function: {name: search_flights, parameters: {type: object, properties: {}}}
"""


def _cases(text: str) -> list[Case]:
    return list(parse_suite_text(HEAD + text, Path("trip.yaml")).cases)


def test_the_suite_loop_is_inherited_and_a_case_overrides_it_key_by_key() -> None:
    first, second, plain = _cases(
        """loop:
  max_steps: 4
  timeout: 5
  tools:
    get_weather: myapp.tools:get_weather
cases:
  - id: a
    messages: [{role: user, content: "Weather in Oslo?"}]
  - id: b
    messages: [{role: user, content: "Flights?"}]
    loop:
      on_tool_error: error
      tools:
        search_flights:
          - arguments: {origin: OSL, date: "2026-12-24"}
            result: {flights: [SK815]}
          - result: no flights
  - id: c
    messages: [{role: user, content: "Weather in Oslo?"}]
    loop: {max_steps: 2}
"""
    )
    assert first.loop is not None and second.loop is not None and plain.loop is not None
    assert (first.loop.max_steps, first.loop.timeout_s, first.loop.on_tool_error) == (
        4,
        5.0,
        "send",
    )
    assert [(t.name, t.function) for t in first.loop.tools] == [
        ("get_weather", "myapp.tools:get_weather")
    ]
    assert (second.loop.max_steps, second.loop.on_tool_error) == (4, "error")
    weather, flights = second.loop.tools
    assert weather.function == "myapp.tools:get_weather"
    assert flights.results == (
        FixedResult({"flights": ["SK815"]}, {"origin": "OSL", "date": "2026-12-24"}, False),
        FixedResult("no flights"),
    )
    assert flights.results[0].matches({"date": "2026-12-24", "origin": "OSL"})
    assert not flights.results[0].matches({"origin": "OSL"})
    assert flights.results[1].matches({"anything": 1})
    assert plain.loop.max_steps == 2 and plain.loop.tools == first.loop.tools
    assert case_from_dict(case_to_dict(second)) == second  # across xdist workers
    assert second.request["messages"] == [{"role": "user", "content": "Flights?"}]


def test_a_case_without_loop_is_a_plain_request_case() -> None:
    (case,) = _cases("cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n")
    assert case.loop is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "loop: [get_weather]\ncases:\n  - id: a\n    messages: [{role: user, content: hi}]\n",
            "trip.yaml:8: 'loop' must be a mapping",
        ),
        (
            "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n    loop: {steps: 3}\n",
            "trip.yaml:11: case 'a': unknown key 'steps' in 'loop' (did you mean 'max_steps'?)",
        ),
        (
            "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n"
            "    loop: {max_steps: 2}\n",
            "trip.yaml:9: case 'a': 'loop' needs 'tools'",
        ),
        (
            "loop:\n  max_steps: 0\n  tools: {get_weather: m:f}\n"
            "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n",
            "trip.yaml:9: 'max_steps' must be a whole number from 1 to 100",
        ),
        (
            "loop:\n  on_tool_error: raise\n  tools: {get_weather: m:f}\n"
            "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n",
            "trip.yaml:9: 'on_tool_error' must be one of send, error, got 'raise'",
        ),
        (
            "loop:\n  tools:\n    get_wether: m:f\n"
            "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n",
            "trip.yaml:10: the suite's 'loop.tools' answers 'get_wether', which no case's "
            "request offers (did you mean 'get_weather'?)",
        ),
        (
            "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n"
            "    loop:\n      tools:\n        get_wether: m:f\n",
            "trip.yaml:13: case 'a': 'loop.tools' answers 'get_wether', which the request's "
            "'tools' do not offer (did you mean 'get_weather'?); offered: get_weather, "
            "search_flights",
        ),
        (
            "api: responses\nloop:\n  tools: {get_weather: m:f}\n"
            "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n",
            "trip.yaml:10: case 'a': 'loop.tools' answers 'get_weather', which the request "
            "offers in the form of the other API: the Responses API takes {type: function, "
            "name, parameters}",
        ),
        (
            "loop:\n  tools:\n    get_weather: not a path\n"
            "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n",
            "trip.yaml:10: tool 'get_weather': the function must be a dotted path",
        ),
        (
            "loop:\n  tools:\n    get_weather: []\n"
            "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n",
            "trip.yaml:10: tool 'get_weather' must be the team's function",
        ),
        (
            "loop:\n  tools:\n    get_weather:\n      - {arguments: {city: Oslo}}\n"
            "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n",
            "trip.yaml:11: tool 'get_weather', result #1 must be a mapping with 'result'",
        ),
        (
            "loop:\n  tools:\n    get_weather:\n      - {arguments: {day: 2026-12-24}, result: x}\n"
            "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n",
            "trip.yaml:11: tool 'get_weather', result #1 holds a value JSON cannot carry",
        ),
        (
            "loop:\n  tools:\n    get_weather:\n      - {arguments: [Oslo], result: x}\n"
            "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n",
            "trip.yaml:11: tool 'get_weather', result #1: 'arguments' must be a mapping",
        ),
        (
            "loop:\n  timeout: 0\n  tools: {get_weather: m:f}\n"
            "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n",
            "trip.yaml:9: 'loop.timeout' must be seconds",
        ),
        (
            "request: {n: 2}\nloop:\n  tools: {get_weather: m:f}\n"
            "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n",
            "case 'a': a loop case follows one answer: it cannot ask for 'n' > 1",
        ),
    ],
)
def test_a_wrong_loop_names_the_file_line_and_case(text: str, message: str) -> None:
    with pytest.raises(SuiteError) as caught:
        _cases(text)
    assert message in str(caught.value)


def test_a_suite_loop_answers_tools_some_cases_do_not_offer() -> None:
    """Cases of one suite offer different tools: the suite's `loop:` need only answer
    each tool some case offers; a case offering none of them is still a loop case."""
    weather, flights, none = list(
        parse_suite_text(
            """suite: trip
loop:
  tools:
    get_weather: myapp.tools:get_weather
    search_flights: [{result: no flights}]
cases:
  - id: weather
    request:
      tools:
        - {type: function, function: {name: get_weather, parameters: {type: object}}}
    messages: [{role: user, content: "Weather in Oslo?"}]
  - id: flights
    api: responses
    request: {tools: [{type: function, name: search_flights, parameters: {type: object}}]}
    messages: [{role: user, content: "Flights to Oslo?"}]
  - id: chat-only
    messages: [{role: user, content: "Hello"}]
""",
            Path("trip.yaml"),
        ).cases
    )
    assert weather.loop is not None and none.loop is not None and flights.api == "responses"
    assert [tool.name for tool in weather.loop.tools] == ["get_weather", "search_flights"]
    with pytest.raises(SuiteError, match="trip.yaml:5: the suite's 'loop.tools' answers"):
        parse_suite_text(
            "suite: trip\nloop:\n  tools:\n    get_weather: m:f\n    search_flights: m:g\n"
            "cases:\n  - id: a\n    request: {tools: [{type: function, function: "
            "{name: get_weather}}]}\n    messages: [{role: user, content: hi}]\n",
            Path("trip.yaml"),
        )


def test_an_entry_point_case_cannot_hold_a_loop() -> None:
    with pytest.raises(SuiteError, match="'loop' does not apply to an entry-point case"):
        _cases("cases:\n  - id: a\n    entry: myapp:run\n    loop: {tools: {get_weather: m:f}}\n")


def test_a_trajectory_crosses_to_the_controller_whole() -> None:
    """An xdist worker hands the controller each side's trajectory with its answer."""
    steps = (
        Step(
            calls=(ToolUse("get_weather", {"city": "Oslo"}, "call_1", '{"sky": "sunny"}'),),
            finish_reason="tool_calls",
            input_tokens=50,
            output_tokens=9,
            latency_ms=12.0,
        ),
        Step(text="Sunny in Oslo.", finish_reason="stop", input_tokens=70, output_tokens=5),
    )
    completion = Completion(
        model="gpt-4.1-mini",
        text="Sunny in Oslo.",
        trajectory=Trajectory(steps, 10, "answered"),
    )
    back = completion_from_dict(completion_to_dict(completion))
    assert back.trajectory == completion.trajectory
    assert back.trajectory is not None and back.trajectory.calls[0].arguments == {"city": "Oslo"}


def test_arguments_compare_as_parsed_json() -> None:
    assert same_json({"a": 1, "b": [1.0, "x"]}, {"b": [1, "x"], "a": 1.0})
    assert not same_json({"a": True}, {"a": 1})
    assert not same_json({"a": "1"}, {"a": 1})
    assert not same_json([1, 2], [2, 1])
