"""SDK options in a suite's request: passed to the SDK, outside the recorded match, offline."""

from __future__ import annotations

import json

import pytest
import yaml
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite
from migrate_check.cassettes.paths import cassette_path

SUITE = """
suite: options
request:
  temperature: 0
  extra_headers: {X-Team: payments}
  extra_query: {trace: "1"}
  extra_body: {metadata: {feature: refunds}}
  timeout: 20
cases:
  - id: refund
    messages: [{role: user, content: "Say hello."}]
"""


def test_sdk_options_record_and_replay_offline(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_suite(pytester.path, "options", SUITE)
    recorded = pytester.runpytest("--model-pair", PAIR, "--record-mode", "once")
    recorded.assert_outcomes(passed=1)
    report_file = pytester.path / "migrate-check-report" / "report.json"
    live_outcome = json.loads(report_file.read_text())["cases"][0]["outcome"]
    assert live_outcome != "error"
    path = cassette_path(pytester.path / "cassettes", "options", "refund", "gpt-4o-mini")
    (interaction,) = yaml.safe_load(path.read_text())["interactions"]
    body = json.loads(interaction["request"]["body"])
    assert body["metadata"] == {"feature": "refunds"}  # extra_body is part of what was sent
    assert not {"extra_headers", "extra_query", "extra_body", "timeout"} & set(body)
    assert "x-team" not in {h.lower() for h in interaction["request"]["headers"]}
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    replayed = pytester.runpytest("--model-pair", PAIR)
    replayed.assert_outcomes(passed=1)
    assert json.loads(report_file.read_text())["cases"][0]["outcome"] == live_outcome
