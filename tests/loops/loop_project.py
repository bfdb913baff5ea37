"""A pytester project of loop cases: the suite, the team's tools beside it, and what to read.

Each test writes a suite whose request offers `get_weather` and `search_flights`, with
`travel_tools.py` (the team's tools, real functions) copied beside it, and runs the
plugin in-process: recording against the local server, then replaying with the network
gone and no key.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import PAIR, write_suite
from migrate_check.cassettes.answers import completions_from_body, endpoint_of

TOOLS = Path(__file__).with_name("travel_tools.py")
BASELINE, CANDIDATE = PAIR.split(":")

#: The request's tools, in Chat Completions' form and in the Responses API's.
CHAT_TOOLS = """
request:
  tools:
    - type: function
      function:
        name: get_weather
        description: Current weather in a city
        parameters: {type: object, properties: {city: {type: string}}, required: [city]}
    - type: function
      function:
        name: search_flights
        description: Find flights between two airports on a date
        parameters:
          type: object
          properties: {origin: {type: string}, destination: {type: string}, date: {type: string}}
"""
RESPONSES_TOOLS = """
api: responses
request:
  tools:
    - type: function
      name: get_weather
      description: Current weather in a city
      parameters: {type: object, properties: {city: {type: string}}, required: [city]}
    - type: function
      name: search_flights
      description: Find flights between two airports on a date
      parameters:
        type: object
        properties: {origin: {type: string}, destination: {type: string}, date: {type: string}}
"""


def project(pytester: pytest.Pytester, suite: str) -> None:
    """The suite (its tool definitions first) and the team's tools beside it."""
    write_suite(pytester.path, "trip", suite)
    shutil.copy(TOOLS, pytester.path / "suites" / "travel_tools.py")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        "--model-pair", PAIR, "-p", "no:cacheprovider", "--report-dir", "report", "-rA", *args
    )


def go_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def report(pytester: pytest.Pytester) -> dict[str, Any]:
    """report.json's cases by id, a named variant's as `id[variant]`."""
    data = json.loads((pytester.path / "report" / "report.json").read_text())
    cases = {case["id"]: case for case in data["cases"]}
    for variant in data.get("variants", {}).get("candidates", []):
        cases.update({f"{c['id']}[{variant['name']}]": c for c in variant["cases"]})
    return cases


def checks(case: dict[str, Any]) -> dict[str, Any]:
    """A case's check results by check name."""
    return {c["check"].split()[0]: c for c in case["checks"]}


def cassette(pytester: pytest.Pytester, case: str, model: str) -> Path:
    return pytester.path / "cassettes" / "trip" / case / f"{model}.yaml"


def bodies(path: Path) -> list[dict[str, Any]]:
    """The request bodies a cassette holds, parsed, in order: one per step."""
    interactions = yaml.safe_load(path.read_text())["interactions"]
    return [json.loads(i["request"]["body"]) for i in interactions]


def answers(path: Path) -> list[dict[str, Any]]:
    """The response bodies a cassette holds, parsed, in order (a stream put back together
    as migrate-check reads it)."""
    found = []
    for interaction in yaml.safe_load(path.read_text())["interactions"]:
        text = interaction["response"]["body"]["string"]
        if not text.lstrip().startswith("data:"):
            found.append(json.loads(text))
            continue
        endpoint = endpoint_of(interaction["request"]["uri"])
        body = completions_from_body(text, endpoint, True, "", None)[0].body
        assert body is not None
        found.append(body)
    return found


def recorded_tools(pytester: pytest.Pytester, case: str, model: str) -> list[dict[str, Any]]:
    """The tool results recorded beside a case's cassette."""
    path = pytester.path / "cassettes" / "trip" / case / f"tools.{model}.yaml"
    calls: list[dict[str, Any]] = yaml.safe_load(path.read_text())["calls"]
    return calls


@pytest.fixture
def tool_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the team's tools log each call (read with `travel_tools.logged_calls`)."""
    path = tmp_path / "tool-calls.jsonl"
    monkeypatch.setenv("TRAVEL_TOOLS_LOG", str(path))
    return path


def logged(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def asked_calls(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The function calls one recorded answer asks for: id, name and parsed arguments."""
    if "output" in answer:
        items = [item for item in answer["output"] if item.get("type") == "function_call"]
        return [
            {"id": i["call_id"], "name": i["name"], "arguments": json.loads(i["arguments"])}
            for i in items
        ]
    message = answer["choices"][0]["message"]
    return [
        {
            "id": c["id"],
            "name": c["function"]["name"],
            "arguments": json.loads(c["function"]["arguments"]),
        }
        for c in message.get("tool_calls") or []
    ]


def threaded(path: Path) -> list[dict[str, Any]]:
    """Every tool call a cassette's loop asked for, with the result the next step sent
    back, after checking that each step's request is the previous one, then the answer,
    then one result per call, matched by its id (Chat: `tool_call_id`, Responses:
    `call_id`), in the order asked."""
    steps, replies = bodies(path), answers(path)
    found = []
    for number in range(1, len(steps)):
        before, after, answer = steps[number - 1], steps[number], replies[number - 1]
        calls = asked_calls(answer)
        assert calls, f"step {number} asked for no tool, yet step {number + 1} was sent"
        if "input" in after:
            given = before["input"]
            previous = [{"role": "user", "content": given}] if isinstance(given, str) else given
            sent = after["input"]
            assert sent[: len(previous)] == previous
            rest = sent[len(previous) :]
            assert rest[: len(answer["output"])] == answer["output"]
            results = rest[len(answer["output"]) :]
            assert [r["call_id"] for r in results] == [c["id"] for c in calls]
            texts = [r["output"] for r in results]
        else:
            previous, sent = before["messages"], after["messages"]
            assert sent[: len(previous)] == previous
            assistant, *results = sent[len(previous) :]
            assert [c["id"] for c in assistant["tool_calls"]] == [c["id"] for c in calls]
            assert all(r["role"] == "tool" for r in results)
            assert [r["tool_call_id"] for r in results] == [c["id"] for c in calls]
            texts = [r["content"] for r in results]
        found += [
            {**call, "step": number, "result": text}
            for call, text in zip(calls, texts, strict=True)
        ]
    return found


def all_cassettes(pytester: pytest.Pytester) -> list[Path]:
    """Every case cassette (not the recorded tool results) of the project."""
    folder = pytester.path / "cassettes"
    return sorted(p for p in folder.rglob("*.yaml") if not p.name.startswith("tools."))
