"""The local server in a tool loop, through the real SDK: the application runs each call,
sends the result back, and the model goes on until it answers. It reads the results it
was sent, and `[loop:KIND]` markers script one side's path (another tool first, the same
tool again, a loop that never ends), on Chat Completions and the Responses API alike."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import openai
import pytest
from devtools.local_openai import LocalServer
from devtools.local_openai.loop_markers import LoopMarker, Plan, markers, scripted, step

BASELINE, CANDIDATE = "gpt-4o-mini", "gpt-4.1-mini"
FLIGHTS = "Search flights from Oslo to London on 2026-12-24."
HOTEL_AND_WEATHER = "Book a hotel in Vienna for 2 nights and tell me the weather there."
WEATHER = {"temperature_c": 4, "conditions": "light snow"}
FOUND = {"flights": 2, "cheapest": "NOK 1290 at 07:05"}
BOOKED = {"booking": "HV-2231", "hotel": "Hotel Sacher"}


def _function(name: str, description: str, properties: dict[str, Any]) -> dict[str, Any]:
    parameters = {"type": "object", "properties": properties, "required": list(properties)}
    return {"name": name, "description": description, "parameters": parameters}


FUNCTIONS = [
    _function("get_weather", "Get the current weather for a city.", {"city": {"type": "string"}}),
    _function(
        "search_flights",
        "Search flights between two cities on a date.",
        {
            "origin": {"type": "string"},
            "destination": {"type": "string"},
            "date": {"type": "string"},
        },
    ),
    _function(
        "book_hotel",
        "Book a hotel room in a city for a number of nights.",
        {"city": {"type": "string"}, "nights": {"type": "integer"}},
    ),
]
RESULTS: dict[str, Callable[[dict[str, Any]], str]] = {
    "get_weather": lambda _: json.dumps(WEATHER),
    "search_flights": lambda _: json.dumps(FOUND),
    "book_hotel": lambda _: json.dumps(BOOKED),
}


@dataclass
class Trajectory:
    """What one model did in a loop: the calls of each step, their ids, its final answer
    (None when the step limit ended it)."""

    steps: list[list[tuple[str, dict[str, Any]]]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    answer: str | None = None

    @property
    def names(self) -> list[list[str]]:
        return [[name for name, _ in calls] for calls in self.steps]


def chat_loop(
    client: openai.OpenAI,
    model: str,
    text: str,
    max_steps: int = 6,
    results: dict[str, Callable[[dict[str, Any]], str]] = RESULTS,
    **extra: Any,
) -> Trajectory:
    """An application's Chat Completions loop: assistant tool_calls -> role: tool messages."""
    tools: Any = [{"type": "function", "function": f} for f in FUNCTIONS]
    messages: Any = [{"role": "user", "content": text}]
    seen = Trajectory()
    for _ in range(max_steps):
        reply = client.chat.completions.create(model=model, messages=messages, tools=tools, **extra)
        message = reply.choices[0].message
        if not message.tool_calls:
            seen.answer = message.content
            return seen
        messages.append(message.model_dump(exclude_none=True))
        seen.steps.append([])
        for call in message.tool_calls:
            assert call.type == "function"
            arguments = json.loads(call.function.arguments)
            seen.steps[-1].append((call.function.name, arguments))
            seen.ids.append(call.id)
            output = results[call.function.name](arguments)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": output})
    return seen


def responses_loop(
    client: openai.OpenAI,
    model: str,
    text: str,
    max_steps: int = 6,
    results: dict[str, Callable[[dict[str, Any]], str]] = RESULTS,
    **extra: Any,
) -> Trajectory:
    """The same loop on the Responses API: function_call -> function_call_output items."""
    tools: Any = [{"type": "function", **f} for f in FUNCTIONS]
    items: Any = [{"role": "user", "content": text}]
    seen = Trajectory()
    for _ in range(max_steps):
        response = client.responses.create(model=model, input=items, tools=tools, **extra)
        called = [item for item in response.output if item.type == "function_call"]
        if not called:
            seen.answer = response.output_text
            return seen
        items += [item.model_dump(exclude_none=True) for item in response.output]
        seen.steps.append([])
        for call in called:
            arguments = json.loads(call.arguments)
            seen.steps[-1].append((call.name, arguments))
            seen.ids.append(call.call_id)
            output = results[call.name](arguments)
            items.append(
                {"type": "function_call_output", "call_id": call.call_id, "output": output}
            )
    return seen


LOOPS = {"chat": chat_loop, "responses": responses_loop}


@pytest.fixture
def client(server: LocalServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="sk-local", max_retries=0)


@pytest.fixture(params=sorted(LOOPS))
def loop(request: pytest.FixtureRequest) -> Callable[..., Trajectory]:
    return LOOPS[request.param]


def test_unmarked_loop_answers_from_the_result_it_was_sent(
    client: openai.OpenAI, loop: Callable[..., Trajectory]
) -> None:
    for model in (BASELINE, CANDIDATE):
        seen = loop(client, model, FLIGHTS, temperature=0)
        assert seen.names == [["search_flights"]]
        assert seen.steps[0][0][1]["date"] == "2026-12-24"
        assert seen.answer is not None and "cheapest is NOK 1290 at 07:05" in seen.answer


def test_two_tools_the_request_needs_are_called_one_step_each(
    client: openai.OpenAI, loop: Callable[..., Trajectory]
) -> None:
    seen = loop(client, BASELINE, HOTEL_AND_WEATHER)
    assert seen.names == [["book_hotel"], ["get_weather"]]
    assert seen.answer is not None
    assert "hotel is Hotel Sacher" in seen.answer and "conditions is light snow" in seen.answer
    parallel = loop(client, CANDIDATE, HOTEL_AND_WEATHER + " [drift:parallel]")
    assert parallel.names == [["book_hotel", "get_weather"]]
    assert parallel.answer is not None and "light snow" in parallel.answer
    assert "Hotel Sacher" in parallel.answer


@pytest.mark.parametrize(
    ("marker", "candidate"),
    [
        ("[loop:again=search_flights:candidate]", [["search_flights"], ["search_flights"]]),
        ("[loop:first=get_weather]", [["get_weather"], ["search_flights"]]),
        ("[loop:stop:candidate]", []),
        (
            "[loop:first=book_hotel] [loop:again=book_hotel]",
            [["book_hotel"]] * 2 + [["search_flights"]],
        ),
        ("[loop:again=no_such_tool] [loop:first=get_weather:baseline]", [["search_flights"]]),
    ],
    ids=["again", "first", "stop", "composed", "unknown-tool"],
)
def test_markers_script_the_candidates_path_and_leave_the_baselines(
    client: openai.OpenAI, loop: Callable[..., Trajectory], marker: str, candidate: list[list[str]]
) -> None:
    text = f"{FLIGHTS} {marker}"
    seen = loop(client, CANDIDATE, text)
    assert seen.names == candidate
    assert seen.answer is not None and "loop" not in seen.answer
    assert all("loop" not in json.dumps(args) for calls in seen.steps for _, args in calls)
    assert len(set(seen.ids)) == len(seen.ids)  # each step's calls have their own ids
    baseline = loop(client, BASELINE, text)
    if "baseline" in marker:
        assert baseline.names == [["get_weather"], ["search_flights"]]
    else:
        assert baseline.names == [["search_flights"]]
    if candidate.count(["search_flights"]) == 2:  # the extra search repeats the first one
        assert seen.steps[0] == seen.steps[1]
    if not candidate:
        assert "cheapest" not in (seen.answer or "")


def test_a_loop_that_never_ends_keeps_calling_until_the_limit(
    client: openai.OpenAI, loop: Callable[..., Trajectory]
) -> None:
    text = f"{FLIGHTS} [loop:forever:candidate]"
    endless = loop(client, CANDIDATE, text, max_steps=7)
    assert endless.answer is None and endless.names == [["search_flights"]] * 7
    assert len(set(endless.ids)) == 7
    assert loop(client, BASELINE, text, max_steps=7).names == [["search_flights"]]
    other = loop(client, CANDIDATE, f"{FLIGHTS} [loop:forever=get_weather]", max_steps=4)
    assert other.names == [["search_flights"]] + [["get_weather"]] * 3
    assert other.answer is None


def test_a_forced_tool_choice_forces_a_call_at_every_step(client: openai.OpenAI) -> None:
    """As the API does: `required` never lets the model answer in text."""
    forced = chat_loop(client, BASELINE, FLIGHTS, max_steps=4, tool_choice="required")
    assert forced.answer is None and forced.names == [["search_flights"]] * 4
    named = {"type": "function", "function": {"name": "get_weather"}}
    pinned = chat_loop(client, BASELINE, FLIGHTS, max_steps=3, tool_choice=named)
    assert pinned.names == [["get_weather"]] * 3
    assert chat_loop(client, BASELINE, FLIGHTS, tool_choice="none").names == []


def test_a_streamed_chat_loop_accumulates_each_steps_calls(client: openai.OpenAI) -> None:
    tools: Any = [{"type": "function", "function": f} for f in FUNCTIONS]
    messages: list[Any] = [{"role": "user", "content": f"{FLIGHTS} [loop:again=search_flights]"}]
    names: list[str] = []
    for _ in range(4):
        with client.chat.completions.stream(
            model=CANDIDATE, messages=messages, tools=tools
        ) as stream:
            message = stream.get_final_completion().choices[0].message
        if not message.tool_calls:
            break
        messages.append(message.model_dump(exclude_none=True))
        for call in message.tool_calls:
            assert call.type == "function"
            names.append(call.function.name)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(FOUND)})
    assert names == ["search_flights", "search_flights"]
    assert message.content is not None and "NOK 1290" in message.content


def test_an_error_result_is_read_back(
    client: openai.OpenAI, loop: Callable[..., Trajectory]
) -> None:
    """The model answers from what it was sent, an error's text included."""
    failing = dict(RESULTS, search_flights=lambda _: "Error: the flight service timed out.")
    seen = loop(client, CANDIDATE, FLIGHTS, results=failing)
    assert seen.names == [["search_flights"]]
    assert seen.answer is not None and "flight service timed out" in seen.answer


# ---------------------------------------------------------------- the markers alone


def test_steps_count_tool_results_with_parallel_calls_as_one_step() -> None:
    path = Plan((("a", "b"), ("c",)), repeat=None)
    assert [step(path, n) for n in range(5)] == [0, 1, 1, 2, 3]
    assert step(Plan((("a",),), repeat="a"), 5) == 5


def test_markers_apply_in_order_to_their_side_only() -> None:
    found = markers("x [loop:first=b] [LOOP:again=b:Both] [loop:stop:baseline]", "candidate")
    assert found == [LoopMarker("first", "b"), LoopMarker("again", "b")]
    assert markers("x [loop:stop:baseline]", "baseline") == [LoopMarker("stop", None)]
    plain = Plan((("a",),))
    assert scripted(plain, found, ("a", "b")) == Plan((("b",), ("b",), ("a",)))
    assert scripted(plain, [LoopMarker("forever", None)], ("a", "b")) == Plan((("a",),), "a")
    assert scripted(Plan(()), [LoopMarker("forever", None)], ("a", "b")) == Plan((), "a")


def test_finding_markers_stays_linear_in_a_hostile_message() -> None:
    hostile = "[loop:again=" + "a" * 200_000 + "[loop:first=" * 20_000
    started = time.perf_counter()
    assert markers(hostile, "candidate") == []
    assert time.perf_counter() - started < 1.0
