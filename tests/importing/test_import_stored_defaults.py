"""What the API reports as its own defaults on every stored object is taken as not sent.

A stored completion or response says `temperature: 1.0` and `top_p: 1.0` whether the
application sent them or not (a response also says `max_output_tokens: null`). A case
that sent them would make a reasoning candidate (gpt-5-mini, the o-series) reject the
call, and a team's `--set` could never fill them. The SDK stores the traffic on the local
server and the import reads it back over HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml
from devtools.local_openai import LocalServer

from migrate_check.cli import main

SYSTEM = {"role": "system", "content": "Classify the ticket: refund, login or other."}


@pytest.fixture
def client(live: LocalServer, pytester: pytest.Pytester) -> Iterator[openai.OpenAI]:
    """The SDK pointed at the server, nothing stored; a project to import into."""
    pytester.makepyprojecttoml("[tool.pytest.ini_options]\n")
    live.clear_stored()
    with openai.OpenAI() as made:
        yield made
    live.clear_stored()


def _import(*args: str) -> int:
    return main(["import", "--suite", "suites/app.yaml", *args])


def _cases() -> dict[str, dict[str, Any]]:
    """The suite's cases by their last message's (or input's) text."""
    suite = yaml.safe_load(Path("suites/app.yaml").read_text())
    by_text = {}
    for case in suite["cases"]:
        case["request"] = {**suite.get("request", {}), **case.get("request", {})}
        last = (case.get("messages") or case.get("input"))[-1]
        by_text[last["content"]] = case
    return by_text


def _requests(model: str) -> list[dict[str, Any]]:
    """The request bodies in `model`'s cassettes, as sent (or, for a baseline, rebuilt)."""
    found = []
    for path in Path("cassettes").rglob(f"{model}.yaml"):
        for interaction in yaml.safe_load(path.read_text())["interactions"]:
            found.append(json.loads(interaction["request"]["body"]))
    return found


def test_chat_sampling_at_the_api_s_defaults_is_not_sent_and_a_default_fills_it(
    pytester: pytest.Pytester, client: openai.OpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    def ask(text: str, **extra: Any) -> None:
        messages: Any = [SYSTEM, {"role": "user", "content": text}]
        client.chat.completions.create(model="gpt-4o-mini", messages=messages, store=True, **extra)

    ask("Plain")  # the API stores temperature 1.0, top_p 1.0, penalties 0
    ask("Warm", temperature=0.7, top_p=0.9, presence_penalty=0.5, tool_choice="none")
    ask("Sent the defaults", temperature=1, top_p=1.0, frequency_penalty=0)

    assert _import("--stored-completions", "--set", "temperature=0") == 0
    out = capsys.readouterr().out
    cases = _cases()
    assert cases["Plain"]["request"] == {"temperature": 0}  # the default, not the API's 1.0
    assert cases["Sent the defaults"]["request"] == {"temperature": 0}
    warm = cases["Warm"]["request"]
    assert warm == {"temperature": 0.7, "top_p": 0.9, "presence_penalty": 0.5}  # none: default
    assert "from --set and --request-defaults: temperature (2 cases)" in out
    assert "the default went unused: temperature (1 case)\n" in out
    assert "top_p" not in out  # the stored objects say it: not lacked
    assert "max_completion_tokens (3 cases)" in out  # never stored

    run = pytester.runpytest(
        "suites",
        "--model-pair",
        "gpt-4o-mini:gpt-5-mini",
        "--record-mode",
        "once",
        "-p",
        "no:cacheprovider",
        "--no-report",
    )
    assert run.parseoutcomes().get("error", 0) == 0, run.stdout.str()
    sent = {r["messages"][-1]["content"]: r for r in _requests("gpt-5-mini")}
    assert len(sent) == 3
    assert sent["Plain"]["temperature"] == 0 and "top_p" not in sent["Plain"]
    assert sent["Warm"]["top_p"] == 0.9  # only the case that sent its own
    assert not any("top_p" in r for t, r in sent.items() if t != "Warm")


def test_responses_defaults_reach_cases_whose_stored_limit_is_null(
    client: openai.OpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = client.responses.create(model="gpt-4o-mini", input="Plain question")
    limited = client.responses.create(
        model="gpt-4o-mini", input="Limited question", max_output_tokens=200, temperature=0.5
    )
    assert plain.max_output_tokens is None and plain.temperature == 1.0  # as the API stores
    Path("ids.txt").write_text(f"{plain.id}\n{limited.id}\n")

    assert _import("--stored-responses", "ids.txt") == 0
    out = capsys.readouterr().out
    assert "so the cases send none: max_output_tokens (1 case);" in out  # null: none sent
    assert _cases()["Plain question"]["request"] == {}

    args = ["--stored-responses", "ids.txt", "--force", "--set", "max_output_tokens=99"]
    assert _import(*args, "--set", "top_p=0.8") == 0
    out = capsys.readouterr().out
    assert "from --set and --request-defaults: max_output_tokens (1 case), top_p (2 cases)" in out
    assert "the default went unused: max_output_tokens (1 case)\n" in out
    assert "not held by the stored objects" not in out
    cases = _cases()
    assert cases["Plain question"]["request"] == {"max_output_tokens": 99, "top_p": 0.8}
    limited_request = cases["Limited question"]["request"]
    assert limited_request == {"max_output_tokens": 200, "temperature": 0.5, "top_p": 0.8}
    (baseline,) = [
        r for r in _requests("gpt-4o-mini") if r["input"][0]["content"] == "Plain question"
    ]
    assert baseline["max_output_tokens"] == 99 and "temperature" not in baseline
