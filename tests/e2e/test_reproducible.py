"""Reproducibility: offline runs of the same recordings write the same report.json, byte for
byte, apart from `generated_at`."""

from __future__ import annotations

import json
import re

import pytest
from devtools.local_openai import LocalServer

from conftest import PAIR, TRIAGE_SUITE, write_suite

MORE = """
suite: more
cases:
  - id: sampled
    samples: 2
    messages: [{role: user, content: "Name three colours."}]
  - id: streamed
    request: {stream: true, stream_options: {include_usage: true}}
    messages: [{role: user, content: "Summarise: the order shipped late."}]
  - id: responses
    api: responses
    input: "Reply in JSON with a field 'queue'."
    checks: [{schema: {type: object}}, {equal: {path: "$.queue"}}]
"""
GENERATED_AT = re.compile(rb'^"generated_at":"[^"]*",\n', re.MULTILINE)


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--model-pair", PAIR, "-p", "no:cacheprovider", *args)


def test_two_offline_runs_write_the_same_report_json_but_for_generated_at(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    write_suite(pytester.path, "more", MORE)
    _run(pytester, "--record-mode", "once", "--no-report")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    reports = []
    # Serially: a report merged from -n 2 workers equals the serial one in test_option_xdist,
    # and test_worker_transfer holds that what workers hand over renders the same bytes.
    for name in ("one", "two"):
        _run(pytester, "--report-dir", f"report-{name}")
        data = (pytester.path / f"report-{name}" / "report.json").read_bytes()
        assert len(GENERATED_AT.findall(data)) == 1, data[:300]
        reports.append(GENERATED_AT.sub(b"", data))
    one, two = reports
    assert one == two
    document = json.loads(one)
    assert len(document["cases"]) == 6
    assert document["record_mode"] == "none"
