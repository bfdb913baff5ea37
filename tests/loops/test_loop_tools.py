"""What a loop does with the team's tools: errors sent back or made the case's, bounds on
time and size, a tool the suite does not answer, and drift between recording runs."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from devtools.local_openai import LocalServer
from loop_project import (
    BASELINE,
    CANDIDATE,
    CHAT_TOOLS,
    bodies,
    cassette,
    checks,
    go_offline,
    logged,
    project,
    recorded_tools,
    report,
    run,
    threaded,
    tool_log,
)

__all__ = ["tool_log"]  # the fixture, used by name


def _suite(loop: str) -> str:
    return (
        "suite: trip\n"
        + CHAT_TOOLS
        + loop
        + """
cases:
  - id: weather
    messages:
      - {role: user, content: "What is the weather in Oslo today?"}
"""
    )


def test_a_tool_that_raises_has_its_error_sent_back_as_the_application_would(
    pytester: pytest.Pytester, live: LocalServer, tool_log: Path
) -> None:
    project(pytester, _suite("loop:\n  tools:\n    get_weather: travel_tools:broken_weather\n"))
    run(pytester, "--record-mode", "once").assert_outcomes(passed=1)
    calls = threaded(cassette(pytester, "weather", CANDIDATE))
    assert calls[0]["result"] == "ConnectionError: weather service unavailable"
    assert logged(tool_log)[0] == {"name": "broken_weather", "arguments": calls[0]["arguments"]}
    trajectory = checks(report(pytester)["weather"])["trajectory"]
    assert trajectory["outcome"] == "same"  # both sides' tools failed the same way
    assert trajectory["evidence"]["candidate"]["errors"] == [
        "step 1: get_weather: ConnectionError: weather service unavailable"
    ]
    kept = recorded_tools(pytester, "weather", BASELINE)
    assert kept[0]["error"] == "ConnectionError: weather service unavailable"


def test_on_tool_error_error_makes_it_the_cases_error_and_records_nothing(
    pytester: pytest.Pytester, live: LocalServer, tool_log: Path
) -> None:
    loop = "loop:\n  on_tool_error: error\n  tools:\n    get_weather: travel_tools:broken_weather\n"
    project(pytester, _suite(loop))
    run(pytester, "--record-mode", "once").assert_outcomes(failed=1)
    case = report(pytester)["weather"]
    assert case["outcome"] == "error"
    error = case["candidate"]["completions"][0]["error"]
    assert error == (
        "step 1: tool get_weather failed: ConnectionError: weather service unavailable"
    )
    assert not cassette(pytester, "weather", CANDIDATE).exists()  # the next run records it


@pytest.mark.parametrize(
    ("tool", "message"),
    [
        (
            "slow_weather",
            "tool get_weather (travel_tools:slow_weather) at step 1 timed out after 0.5 s "
            "(raise loop.timeout in the suite)",
        ),
        (
            "huge_weather",
            "tool get_weather (travel_tools:huge_weather) at step 1 returned 200,000 "
            "characters, more than 100,000",
        ),
        ("no_such_tool", "tool get_weather: cannot import 'travel_tools:no_such_tool'"),
    ],
)
def test_a_tool_is_bounded_in_time_and_size(
    pytester: pytest.Pytester, live: LocalServer, tool_log: Path, tool: str, message: str
) -> None:
    project(
        pytester, _suite(f"loop:\n  timeout: 0.5\n  tools:\n    get_weather: travel_tools:{tool}\n")
    )
    run(pytester, "--record-mode", "once").assert_outcomes(failed=1)
    case = report(pytester)["weather"]
    assert case["outcome"] == "error"
    assert case["baseline"]["completions"][0]["error"].startswith(message)
    assert not cassette(pytester, "weather", BASELINE).exists()


def test_a_tool_the_loop_does_not_answer_gets_an_error_result(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    """The request offers get_weather, the loop answers search_flights only: the model's
    call of get_weather is answered with an error the trajectory shows."""
    loop = "loop:\n  tools:\n    search_flights:\n      - result: no flights\n"
    project(pytester, _suite(loop))
    run(pytester, "--record-mode", "once").assert_outcomes(passed=1)
    calls = threaded(cassette(pytester, "weather", CANDIDATE))
    assert calls[0]["name"] == "get_weather"
    assert calls[0]["result"] == "no answer for tool 'get_weather': 'loop.tools' does not name it"
    errors = checks(report(pytester)["weather"])["trajectory"]["evidence"]["baseline"]["errors"]
    assert errors[0].startswith("step 1: get_weather: no answer for tool 'get_weather'")


def test_tool_drift_is_said_and_the_recorded_result_replays(
    pytester: pytest.Pytester,
    live: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    tool_log: Path,
) -> None:
    """The tool returns something else than it did when the case was recorded: `once`
    replays the recorded case without calling it; `new_episodes` calls it, sends the
    recorded result, so every step still replays, and the trajectory says "tool drift";
    `all` records the new result."""
    project(pytester, _suite("loop:\n  tools:\n    get_weather: travel_tools:get_weather\n"))
    run(pytester, "--record-mode", "once").assert_outcomes(passed=1)
    sent = live.stats.completions
    path = cassette(pytester, "weather", BASELINE)
    recorded = path.read_text()
    monkeypatch.setenv("TRAVEL_WEATHER", "rainy")
    called = len(logged(tool_log))
    run(pytester, "--record-mode", "once").assert_outcomes(passed=1)
    assert len(logged(tool_log)) == called  # `once` replays a recorded case, tools too
    assert "drift" not in checks(report(pytester)["weather"])["trajectory"]["reason"]
    drifted = run(pytester, "--record-mode", "new_episodes")
    drifted.assert_outcomes(passed=1)
    assert len(logged(tool_log)) == 2 * called  # new_episodes calls the tools again
    # The path held, so the case is `same`; the summary still lists it, for its drift.
    drifted.stdout.fnmatch_lines(
        ["*trip::weather (same): same path: *; tool drift: 2 calls now answered otherwise*"]
    )
    assert live.stats.completions == sent  # and every step replayed
    assert path.read_text() == recorded
    assert json.loads(recorded_tools(pytester, "weather", BASELINE)[0]["result"])["sky"] == "sunny"
    trajectory = checks(report(pytester)["weather"])["trajectory"]
    assert trajectory["outcome"] == "same"
    assert 'tool drift: baseline: get_weather now returns \'{"city": "Oslo"' in trajectory["reason"]
    assert "rainy" in trajectory["reason"] and "sunny" in trajectory["reason"]
    assert len(trajectory["evidence"]["tool_drift"]) == 2  # one per side

    run(pytester, "--record-mode", "all").assert_outcomes(passed=1)
    assert live.stats.completions > sent  # recorded again, with the new result
    assert json.loads(recorded_tools(pytester, "weather", BASELINE)[0]["result"])["sky"] == "rainy"
    assert "rainy" in bodies(path)[1]["messages"][-1]["content"]

    go_offline(monkeypatch)
    monkeypatch.setenv("TRAVEL_WEATHER", "foggy")  # never read: offline calls no tool
    run(pytester).assert_outcomes(passed=1)
    trajectory = checks(report(pytester)["weather"])["trajectory"]
    assert trajectory["outcome"] == "same" and "drift" not in trajectory["reason"]


class _Geo(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        _Geo.hits += 1
        body = b"light snow"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def geo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The team's own weather service, on another host than the API (localhost)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Geo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Geo.hits = 0
    monkeypatch.setenv("TRAVEL_GEO_URL", f"http://localhost:{server.server_address[1]}/oslo")
    yield
    server.shutdown()


def test_a_tool_reaches_only_the_hosts_the_loop_allows_and_they_are_not_recorded(
    pytester: pytest.Pytester, live: LocalServer, geo: None
) -> None:
    allowed = (
        "loop:\n  allow_hosts: [localhost]\n  tools:\n    get_weather: travel_tools:geo_weather\n"
    )
    project(pytester, _suite(allowed))
    run(pytester, "--record-mode", "once").assert_outcomes(passed=1)
    assert _Geo.hits == 2  # once per side
    path = cassette(pytester, "weather", CANDIDATE)
    assert threaded(path)[0]["result"] == "Oslo: light snow"
    assert "localhost" not in path.read_text()  # only the OpenAI API is recorded

    blocked = allowed.replace("  allow_hosts: [localhost]\n", "")
    project(pytester, _suite(blocked))
    run(pytester, "--record-mode", "all").assert_outcomes(failed=1)
    error = report(pytester)["weather"]["candidate"]["completions"][0]["error"]
    assert error.startswith(
        "step 1: a tool sent a request to localhost, which migrate-check blocks"
    )
    assert "loop.allow_hosts" in error
    assert _Geo.hits == 2  # blocked before it left


def test_an_exhausted_quota_stops_the_run_with_one_line(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    suite = _suite("loop:\n  tools:\n    get_weather: travel_tools:get_weather\n")
    project(pytester, suite.replace("today?", "today? [fault:insufficient_quota:always]"))
    result = run(pytester, "--record-mode", "once")
    output = result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert "quota is exhausted (insufficient_quota)" in output
    assert "Traceback" not in output and "ExceptionGroup" not in output
