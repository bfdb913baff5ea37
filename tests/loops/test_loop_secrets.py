"""A tool that quotes the API key (a debug line, an echoed header) must not put it in any
report, terminal line, cassette or tools file; and a key the recording holds redacted is
no tool drift when the tool runs again."""

from __future__ import annotations

import pytest
from devtools.local_openai import LocalServer
from loop_project import BASELINE, CANDIDATE, CHAT_TOOLS, checks, project, report, run

KEY = "sk-test-local-0000"  # what the `live` fixture sets as OPENAI_API_KEY
LEAKY = """
import os

def get_weather(city):
    return f"debug: key={os.environ['OPENAI_API_KEY']} city={city}"

def fails(city):
    raise RuntimeError(f"bad key {os.environ['OPENAI_API_KEY']}")
"""
SUITE = (
    "suite: trip\n"
    + CHAT_TOOLS
    + """
loop:
  tools:
    get_weather: leaky_tools:get_weather
cases:
  - id: weather
    messages:
      - {role: user, content: "What is the weather in Oslo today? [loop:again=get_weather]"}
  - id: failing
    loop: {tools: {get_weather: leaky_tools:fails}}
    messages:
      - {role: user, content: "What is the weather in Oslo today?"}
"""
)


def _everything_written(pytester: pytest.Pytester) -> str:
    return "\n".join(
        path.read_text(errors="replace")
        for folder in ("report", "cassettes")
        for path in sorted((pytester.path / folder).rglob("*"))
        if path.is_file()
    )


def test_a_key_a_tool_returns_or_raises_is_in_no_report_line_or_file(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    project(pytester, SUITE)
    (pytester.path / "suites" / "leaky_tools.py").write_text(LEAKY)
    result = run(pytester, "--record-mode", "once")
    result.assert_outcomes(passed=2)  # the extra call is a change to review, no failure
    written = _everything_written(pytester)
    assert "report.html" in str(list((pytester.path / "report").iterdir()))
    assert KEY not in result.stdout.str() and KEY not in result.stderr.str()
    assert KEY not in written
    assert "debug: key=[redacted] city=Oslo" in written  # the result is there, redacted
    path = checks(report(pytester)["failing"])["trajectory"]["evidence"]
    assert path["baseline"]["errors"] == ["step 1: get_weather: RuntimeError: bad key [redacted]"]
    for model in (BASELINE, CANDIDATE):
        tools = pytester.path / "cassettes" / "trip" / "weather" / f"tools.{model}.yaml"
        assert "[redacted]" in tools.read_text()

    # Run again over the recordings: the tool quotes the key again, and the recording
    # holds it redacted; that is the same result, not drift.
    again = run(pytester, "--record-mode", "new_episodes")
    again.assert_outcomes(passed=2)
    trajectory = checks(report(pytester)["weather"])["trajectory"]
    assert "drift" not in trajectory["reason"] and "tool_drift" not in trajectory["evidence"]
    assert KEY not in again.stdout.str() and KEY not in _everything_written(pytester)
