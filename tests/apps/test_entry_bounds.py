"""Entry-point cases at their edges: what the team's code does that an app's code does
(threads, pydantic results, its own key, Azure), what it should not (hang, exit, block
its event loop), and what migrate-check must tell apart from the function's outcome."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from devtools.local_openai import LocalServer
from entry_project import cassette as _cassette
from entry_project import checks, report
from entry_project import project as _project
from entry_project import run as _run

from conftest import PAIR


def _outcomes(pytester: pytest.Pytester) -> dict[str, Any]:
    return {key: checks(case) for key, case in report(pytester).items()}


APPS = """
    suite: app
    cases:
      - id: thread-pool
        entry: feature_app:threaded
        inputs: {ticket: "[answer:text=billing:both]"}
      - id: pydantic-result
        entry: feature_app:parsed
        inputs: {ticket: "My invoice is wrong."}
        checks: [{equal: $.category}]
      - id: flaky
        entry: feature_app:strict_category
        inputs: {ticket: "[fault:429][answer:text=billing:both]"}
      - id: own-key
        entry: feature_app:with_own_key
        inputs: {ticket: "Hello [fault:echo_auth:always]"}
      - id: azure
        entry: {function: feature_app:on_azure, pass_model: rewrite}
        inputs: {ticket: "Hello"}
"""


def test_the_ways_apps_are_written_record_and_replay(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A call from a thread pool lands in its case's cassette; a pydantic result is read
    as its fields; a 429 the SDK retried is no model call; a key the app loads itself is
    scrubbed like the environment's; an Azure deployment named in the code is moved."""
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure-key-for-the-test-0000")
    _project(pytester, APPS)
    _run(pytester, "--record-mode", "once").assert_outcomes(passed=5)
    outcomes = _outcomes(pytester)
    assert outcomes["thread-pool"]["calls"]["outcome"] == "same"
    assert (
        len(
            yaml.safe_load(_cassette(pytester, "thread-pool", "gpt-4o-mini").read_text())[
                "interactions"
            ]
        )
        == 1
    )
    assert outcomes["pydantic-result"]["equal"]["outcome"] != "broken"  # $.category is there
    flaky = outcomes["flaky"]["calls"]["evidence"]
    assert flaky["baseline"]["calls"] == flaky["candidate"]["calls"] == 1
    for model in ("gpt-4o-mini", "gpt-4.1-mini"):
        assert "TEAMKEY" not in _cassette(pytester, "own-key", model).read_text()
    azure = yaml.safe_load(_cassette(pytester, "azure", "gpt-4.1-mini").read_text())
    (interaction,) = azure["interactions"]
    assert "/deployments/gpt-4.1-mini/" in interaction["request"]["uri"]
    recorded = outcomes
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    _run(pytester).assert_outcomes(passed=5)
    assert {k: v["calls"]["outcome"] for k, v in _outcomes(pytester).items()} == {
        k: v["calls"]["outcome"] for k, v in recorded.items()
    }


FAULTS = """
    suite: app
    entry: {timeout: 2}
    cases:
      - id: endless
        entry: feature_app:endless
        inputs: {ticket: "x"}
      - id: stubborn
        entry: feature_app:stubborn_error
        inputs: {ticket: "x"}
      - id: bad-fixture
        entry: {function: feature_app:triage, inputs_from: feature_app:failing_inputs}
      - id: misspelt
        entry: feature_app:triage
        inputs: {tikcet: "My invoice is wrong."}
      - id: exits-on-import
        entry: exits_on_import:answer
        inputs: {ticket: "x"}
      - id: own-timeout
        entry: feature_app:own_timeout
        inputs: {ticket: "x"}
"""


def test_what_the_function_gets_wrong_is_an_error_naming_it_and_the_run_goes_on(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    _project(pytester, FAULTS)
    (pytester.path / "suites" / "exits_on_import.py").write_text(
        "import sys\nsys.exit('config missing')\n"
    )
    result = _run(pytester, "--record-mode", "once", "-rA")
    result.assert_outcomes(failed=6)
    result.stdout.fnmatch_lines_random(
        [
            "*returned an iterator of more than 10000 items*",
            "*stubborn_error on gpt-4o-mini timed out after 2 s (raise entry.timeout*",
            "*inputs_from feature_app:failing_inputs raised FileNotFoundError*",
            "*both models raised TypeError*tikcet*whichever model answers*",
            "*cannot import 'exits_on_import:answer'*sys.exit('config missing')*",
            "*both models raised TimeoutError*",
        ]
    )
    assert "INTERNALERROR" not in result.stdout.str()


def test_an_async_function_that_blocks_its_loop_is_named_and_its_cassette_kept_as_it_was(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    _project(
        pytester,
        """
        suite: app
        cases:
          - id: blocks
            entry: {function: feature_app:blocks_the_loop, timeout: 0.5}
            inputs: {ticket: "x"}
        """,
    )
    result = _run(pytester, "--record-mode", "once")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*unfinished: feature_app:blocks_the_loop*blocks its event loop*"])
    assert not (pytester.path / "cassettes" / "app" / "blocks").exists()


def test_another_port_of_the_api_host_is_another_host_and_isolated_write_errors_are_named(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    import http.server
    import threading

    class Service(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Length", "3")
            self.end_headers()
            self.wfile.write(b"Ada")

        def log_message(self, *args: Any) -> None:
            return

    service = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Service)
    threading.Thread(target=service.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{service.server_address[1]}/customers/42"
    try:
        _project(
            pytester,
            f"""
            suite: app
            cases:
              - id: same-host-other-port
                entry: feature_app:looked_up
                inputs: {{ticket: "Hi", crm: "{url}"}}
              - id: isolated
                entry: {{function: feature_app:triage, isolate: true}}
                inputs: {{ticket: "Hi"}}
            """,
        )
        in_the_way = _cassette(pytester, "isolated", "gpt-4.1-mini")
        in_the_way.mkdir(parents=True)
        result = _run(pytester, "--record-mode", "once")
    finally:
        service.shutdown()
    result.stdout.fnmatch_lines_random(
        [
            "*request to 127.0.0.1, which migrate-check blocks*allow_hosts*",
            "migrate-check: could not write the cassette cassettes/app/isolated/gpt-4.1-mini.yaml*",
        ]
    )


def test_output_past_print_stays_off_the_terminal_and_a_wrong_path_is_said_offline(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a real pytest process (its descriptors are the terminal's): what the function
    writes to descriptors 1 and 2 or to `sys.__stdout__` is not shown. Offline, a path
    that does not import is said as such, not as a missing recording."""
    _project(
        pytester,
        """
        suite: app
        cases:
          - id: noisy
            entry: feature_app:noisy
            inputs: {ticket: "x"}
          - id: misnamed
            entry: feature_app:no_such_function
            inputs: {ticket: "x"}
        """,
    )
    result = pytester.runpytest_subprocess(
        "--model-pair", PAIR, "-p", "no:cacheprovider", "--record-mode", "once", "-rA"
    )
    shown = result.stdout.str() + result.stderr.str()
    assert "NOISE" not in shown
    assert "noisy" in shown  # the run did report the case
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    offline = _run(pytester, "-rA")
    offline.stdout.fnmatch_lines(["*cannot import 'feature_app:no_such_function'*"])
    assert "no recording of case 'app::misnamed'" not in offline.stdout.str()
