"""An answer that names no model is no proof the model asked answered it (issue 31).

A proxy that blanks or drops the response's `model` field would otherwise pass the
"answered by another model" check whatever answered. Recorded live against the local
server, the candidate's recorded response then loses its model, and the offline replay
(real vcrpy, real SDK) must make each such case an error that says so.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite

SUITE = """
    suite: answered
    checks:
      - similarity: {min: 0}
    cases:
      - id: blank
        messages: [{role: user, content: "Say hello to the team."}]
      - id: dropped
        messages: [{role: user, content: "Say hello to the team."}]
      - id: not-text
        messages: [{role: user, content: "Say hello to the team."}]
      - id: streamed
        messages: [{role: user, content: "Say hello to the team."}]
        request: {stream: true}
      - id: named
        messages: [{role: user, content: "Say hello to the team."}]
"""


def _set_model(body: dict[str, Any], case: str) -> None:
    if case == "blank":
        body["model"] = ""
    elif case == "dropped":
        del body["model"]
    elif case == "not-text":
        body["model"] = {"name": "gpt-4.1-mini"}


def _rewrite_candidate(root: Path, case: str) -> None:
    """The candidate's recorded response as a proxy would have passed it on."""
    path = root / "cassettes" / "answered" / case / "gpt-4.1-mini.yaml"
    cassette = yaml.safe_load(path.read_text())
    (exchange,) = cassette["interactions"]
    text = exchange["response"]["body"]["string"]
    if case == "streamed":
        events = []
        for line in text.splitlines():
            if line.startswith("data: {"):
                event = json.loads(line[len("data: ") :])
                event["model"] = "  "
                line = "data: " + json.dumps(event)
            events.append(line)
        text = "\n".join(events) + "\n"
    else:
        body = json.loads(text)
        _set_model(body, case)
        text = json.dumps(body)
    exchange["response"]["body"]["string"] = text
    path.write_text(yaml.safe_dump(cassette))


def test_an_answer_that_names_no_model_is_an_error_that_says_so(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_suite(pytester.path, "answered", SUITE)
    recorded = pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", "--no-report")
    recorded.assert_outcomes(passed=5)
    for case in ("blank", "dropped", "not-text", "streamed"):
        _rewrite_candidate(pytester.path, case)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    replayed = pytester.runpytest("--model-pair", PAIR, "-p", "no:cacheprovider")
    replayed.assert_outcomes(passed=1, failed=4)
    report = json.loads((pytester.path / "migrate-check-report" / "report.json").read_text())
    cases = {case["id"]: case for case in report["cases"]}
    assert cases["named"]["outcome"] == "same"
    for case in ("blank", "dropped", "not-text", "streamed"):
        assert cases[case]["outcome"] == "error", case
        (answer,) = [c for c in cases[case]["checks"] if c["check"] == "answer"]
        assert "the candidate's answer names no model" in answer["reason"], answer["reason"]
        assert "not proof that 'gpt-4.1-mini' answered" in answer["reason"]
        assert answer["evidence"]["asked"] == "gpt-4.1-mini"
