"""Applications that run tool loops, recorded with plain vcrpy around the real SDK against
the local server (which answers loops as models do): what the importer of loops reads."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openai
import pytest
import vcr
from devtools.local_openai import LocalServer

from migrate_check.importing import Exchange, read_cassette

BASELINE, CANDIDATE = "gpt-4o-mini", "gpt-4.1-mini"
FLIGHTS = "Search flights from Oslo to London on 2026-12-24."
HOTEL_AND_WEATHER = "Book a hotel in Vienna for 2 nights and tell me the weather there."
SYSTEM = "You are a travel assistant. Use the tools when they help."
RESULTS = {
    "get_weather": json.dumps({"temperature_c": 4, "conditions": "light snow"}),
    "search_flights": json.dumps({"flights": 2, "cheapest": "NOK 1290 at 07:05"}),
    "book_hotel": json.dumps({"booking": "HV-2231", "hotel": "Hotel Sacher"}),
}
NUDGE = "Analyze the tool result. If requirements are met, provide the Final Answer."


def _function(name: str, description: str, *names: str) -> dict[str, Any]:
    properties = {n: {"type": "integer" if n == "nights" else "string"} for n in names}
    parameters = {"type": "object", "properties": properties, "required": list(names)}
    return {"name": name, "description": description, "parameters": parameters}


FUNCTIONS = [
    _function("get_weather", "Get the current weather for a city.", "city"),
    _function(
        "search_flights",
        "Search flights between two cities on a date.",
        "origin",
        "destination",
        "date",
    ),
    _function(
        "book_hotel", "Book a hotel room in a city for a number of nights.", "city", "nights"
    ),
]
CHAT_TOOLS: Any = [{"type": "function", "function": f} for f in FUNCTIONS]
RESPONSES_TOOLS: Any = [{"type": "function", **f} for f in FUNCTIONS]


@pytest.fixture
def client(server: LocalServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="sk-local", max_retries=0)


def recorded(path: Path, app: Callable[[], None]) -> list[Exchange]:
    """Run the application under plain vcrpy, then read its cassette as the importer does."""
    with vcr.use_cassette(str(path), record_mode="all"):
        app()
    return read_cassette(path)


def chat_app(
    client: openai.OpenAI,
    model: str,
    text: str,
    *,
    first_only: bool = False,
    nudge: str | None = None,
    between: Callable[[], None] = lambda: None,
    results: Callable[[str, int], str] = lambda name, step: RESULTS[name],
) -> None:
    """An application's chat loop; `first_only` and `nudge` bend it as crewAI does (it runs
    the first of several calls only, and asks the model to analyse the result); `results`
    gives a tool's result at a step (1, 2, ...)."""
    messages: Any = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": text}]
    for step in range(1, 7):
        reply = client.chat.completions.create(model=model, messages=messages, tools=CHAT_TOOLS)
        message = reply.choices[0].message
        if not message.tool_calls:
            return
        calls = message.tool_calls[:1] if first_only else message.tool_calls
        sent = [call.model_dump() for call in calls]
        messages.append({"role": "assistant", "content": message.content, "tool_calls": sent})
        for call in calls:
            assert call.type == "function"
            result = results(call.function.name, step)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": result})
        if nudge is not None:
            messages.append({"role": "user", "content": nudge})
        between()


def responses_app(client: openai.OpenAI, model: str, text: str, *, stateful: bool = False) -> None:
    """The Responses loop: output items and `function_call_output` items sent back whole,
    or (`stateful`) only the outputs, leaning on `previous_response_id`."""
    response = client.responses.create(model=model, input=text, tools=RESPONSES_TOOLS)
    items: Any = [{"role": "user", "content": text}]
    for _ in range(6):
        called = [item for item in response.output if item.type == "function_call"]
        if not called:
            return
        outputs: Any = [
            {"type": "function_call_output", "call_id": c.call_id, "output": RESULTS[c.name]}
            for c in called
        ]
        if stateful:
            response = client.responses.create(
                model=model, previous_response_id=response.id, input=outputs, tools=RESPONSES_TOOLS
            )
            continue
        items += [item.model_dump(exclude_none=True) for item in response.output] + outputs
        response = client.responses.create(model=model, input=items, tools=RESPONSES_TOOLS)
