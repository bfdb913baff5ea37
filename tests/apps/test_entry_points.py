"""Entry-point cases: the team's own function run on each model, recorded, replayed.

Each test writes a suite beside a copy of `feature_app.py` (a feature written as an app
writes it: its own SDK client, the model from an argument or its configuration) and runs
the plugin in-process: recording against the local server, then replaying with the
network gone and no key.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from devtools.local_openai import LocalServer
from entry_project import bodies as _bodies
from entry_project import checks as _checks
from entry_project import project as _project
from entry_project import report as _report
from entry_project import run as _run


def _go_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


TRIAGE = """
    suite: app
    entry: feature_app:triage
    checks:
      - equal: $.category
      - assert: feature_app:holds_a_category
    cases:
      - id: same-path
        inputs: {ticket: "My invoice is wrong."}
      - id: other-branch
        inputs: {ticket: "My invoice is wrong. [answer:text=billing:candidate]"}
"""


def test_a_sync_function_records_both_calls_and_replays_offline(
    pytester: pytest.Pytester,
    live: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    plugin_args: tuple[str, ...],
) -> None:
    """Two model calls per run, both in the case's cassette for that model; the
    candidate's first answer sends the second call down the other branch; replay with no
    key and no network gives the same verdicts; the team's assertion gets the dict."""
    _project(pytester, TRIAGE)
    recorded = _run(pytester, *plugin_args, "--record-mode", "once")
    recorded.assert_outcomes(passed=2)
    assert live.stats.completions == 8  # two calls per case per model
    assert "classified as" not in recorded.stdout.str()  # the app's print stayed off
    cassette = pytester.path / "cassettes" / "app" / "other-branch" / "gpt-4.1-mini.yaml"
    bodies = _bodies(cassette)
    assert len(bodies) == 2
    assert "billing" in bodies[1]["messages"][0]["content"]  # the branch the candidate took
    baseline = _bodies(cassette.with_name("gpt-4o-mini.yaml"))
    assert "technical" in baseline[1]["messages"][0]["content"]
    first = _report(pytester)
    assert first["same-path"]["outcome"] != "error"
    check = _checks(first["other-branch"])
    assert check["equal"]["outcome"] == "changed"
    assert "billing" in check["equal"]["reason"]
    assert check["assert"]["outcome"] == "same"  # both sides returned a dict with a category
    assert check["calls"]["outcome"] == "same"
    assert check["calls"]["evidence"]["candidate"]["endpoints"] == ["chat.completions"] * 2
    _go_offline(monkeypatch)
    replayed = _run(pytester, *plugin_args)
    replayed.assert_outcomes(passed=2)
    assert live.stats.completions == 8  # nothing went out
    again = _report(pytester)
    assert {k: v["outcome"] for k, v in again.items()} == {
        k: v["outcome"] for k, v in first.items()
    }
    # `once` with every call recorded replays too: no key needed, nothing sent.
    _run(pytester, *plugin_args, "--record-mode", "once").assert_outcomes(passed=2)
    assert live.stats.completions == 8


ASYNC_AND_APIS = """
    suite: app
    cases:
      - id: async
        entry: feature_app:triage_async
        inputs: {ticket: "Refund me. [answer:text=billing:candidate]"}
        checks: [{equal: $.category}]
      - id: streamed
        entry: feature_app:summary_streamed
        inputs: {text: "Summarise: the parcel left Leeds on Monday."}
      - id: responses
        entry: feature_app:summary_responses
        inputs: {text: "Summarise: the parcel left Leeds on Monday."}
"""


def test_async_streaming_and_responses_functions_record_and_replay(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(pytester, ASYNC_AND_APIS)
    _run(pytester, "--record-mode", "once").assert_outcomes(passed=3)
    first = _report(pytester)
    calls = {k: _checks(v)["calls"] for k, v in first.items()}
    assert calls["async"]["evidence"]["baseline"]["endpoints"] == ["chat.completions"]
    assert calls["streamed"]["evidence"]["candidate"]["endpoints"] == ["chat.completions"]
    assert calls["responses"]["evidence"]["candidate"]["endpoints"] == ["responses"]
    assert calls["responses"]["evidence"]["candidate"]["output_tokens"] > 0
    changed = _checks(first["async"])["equal"]
    assert changed["outcome"] == "changed"
    streamed = first["streamed"]["candidate"]["completions"][0]["text"]
    assert "Leeds" in streamed or "parcel" in streamed  # the joined deltas, not a chunk
    _go_offline(monkeypatch)
    _run(pytester).assert_outcomes(passed=3)
    assert {k: v["outcome"] for k, v in _report(pytester).items()} == {
        k: v["outcome"] for k, v in first.items()
    }


CONFIGURED = """
    suite: app
    cases:
      - id: from-env
        entry: {function: feature_app:triage_from_config, pass_model: {env: SUPPORT_MODEL}}
        inputs: {ticket: "My invoice is wrong."}
      - id: rewritten
        entry: {function: feature_app:triage_hard_coded, pass_model: rewrite}
        inputs: {ticket: "My invoice is wrong."}
      - id: not-handed
        entry: {function: feature_app:triage_hard_coded, pass_model: {env: SUPPORT_MODEL}}
        inputs: {ticket: "My invoice is wrong."}
"""


def test_a_function_that_reads_its_model_from_configuration_runs_unchanged(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    """The environment variable it reads, or its requests rewritten: each model's
    cassette names that model; a function that ignores the model it is handed is an
    error that says so, not a comparison of one model with itself."""
    _project(pytester, CONFIGURED)
    result = _run(pytester, "--record-mode", "once")
    result.assert_outcomes(passed=2, failed=1)
    root = pytester.path / "cassettes" / "app"
    for case in ("from-env", "rewritten"):
        for model in ("gpt-4o-mini", "gpt-4.1-mini"):
            assert [b["model"] for b in _bodies(root / case / f"{model}.yaml")] == [model]
    cases = _report(pytester)
    assert cases["not-handed"]["outcome"] == "error"
    result.stdout.fnmatch_lines(["*requests named gpt-4o-mini, not gpt-4.1-mini*pass_model*"])
    assert not (root / "not-handed" / "gpt-4.1-mini.yaml").exists()  # nothing kept of it
    assert "SUPPORT_MODEL" not in __import__("os").environ  # restored after the call


PATHS = """
    suite: app
    cases:
      - id: raises-on-candidate
        entry: feature_app:strict_category
        inputs: {ticket: "[answer:text=billing:baseline][answer:text=no idea:candidate]"}
      - id: one-call-more
        entry: feature_app:careful
        inputs: {ticket: "[answer:text=billing:baseline][answer:text=unsure:candidate]"}
      - id: other-host
        entry: feature_app:enriched
        inputs: {ticket: "Where is my parcel?"}
      - id: too-slow
        entry: {function: feature_app:slow, timeout: 0.5}
        inputs: {ticket: "x"}
"""


def test_paths_that_part_exceptions_hosts_and_time_limits(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    _project(pytester, PATHS)
    result = _run(pytester, "--record-mode", "once")
    result.assert_outcomes(failed=3, passed=1)  # a changed path is to review, not a failure
    cases = _report(pytester)
    calls = {k: _checks(v).get("calls") for k, v in cases.items()}
    raised = calls["raises-on-candidate"]
    assert raised is not None and raised["outcome"] == "regressed"
    assert "ValueError: unknown category: 'no idea'" in raised["reason"]
    assert "strict_category" in raised["evidence"]["candidate"]["raised"]  # the traceback
    # No value on the candidate's side: no other check reads "not JSON" or "empty" there.
    assert set(_checks(cases["raises-on-candidate"])) == {"calls"}
    more = calls["one-call-more"]
    assert more is not None and more["outcome"] == "changed"
    assert "candidate: 2 model calls (+1) against 1" in more["reason"]
    assert cases["other-host"]["outcome"] == "error"
    assert cases["too-slow"]["outcome"] == "error"
    result.stdout.fnmatch_lines(
        [
            "*request to crm.example.invalid*entry.allow_hosts*",
            "*timed out after 0.5 s (raise entry.timeout in the suite)*",
        ]
    )


def test_replay_names_the_case_model_and_call_it_lacks(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A missing cassette, and a cassette whose calls no longer match what the function
    sends (its inputs changed): each an error naming the case, the model, the call and
    the command that records it; never the SDK's "Connection error"."""
    _project(pytester, TRIAGE)
    _run(pytester, "--record-mode", "once").assert_outcomes(passed=2)
    (pytester.path / "cassettes" / "app" / "same-path" / "gpt-4.1-mini.yaml").unlink()
    suite = pytester.path / "suites" / "app.yaml"
    suite.write_text(suite.read_text().replace("wrong. [answer", "very wrong. [answer"))
    _go_offline(monkeypatch)
    result = _run(pytester)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines_random(
        [
            "*no recording of case 'app::same-path' on model 'gpt-4.1-mini'*record it with*",
            "*no recording of call 1 (POST /v1/chat/completions) of case 'app::other-branch' on "
            "model 'gpt-4o-mini'*record it with*--record-mode*",
        ]
    )
    assert "Connection error" not in result.stdout.str()


class _Crm(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        _Crm.hits += 1
        body = b"Ada Lovelace, premium customer"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def crm() -> Iterator[str]:
    """Another service the team's function reads, on a host that is not the API's."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Crm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Crm.hits = 0
    yield f"http://localhost:{server.server_address[1]}/customers/42"
    server.shutdown()


def test_allowed_hosts_go_out_unrecorded_isolated_runs_survive_and_embeddings_count(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch, crm: str
) -> None:
    _project(
        pytester,
        f"""
        suite: app
        cases:
          - id: allowed
            entry: {{function: feature_app:looked_up, allow_hosts: [localhost]}}
            inputs: {{ticket: "Where is my parcel?", crm: "{crm}"}}
          - id: process-ends
            entry: {{function: feature_app:exits_on_candidate, isolate: true}}
            inputs: {{ticket: "Where is my parcel?"}}
          - id: isolated
            entry: {{function: feature_app:triage, isolate: true}}
            inputs: {{ticket: "Where is my parcel?"}}
            checks: [{{equal: $.category}}]
          - id: embeds
            entry: feature_app:embeds_then_answers
            inputs: {{text: "Summarise: the parcel left Leeds on Monday."}}
          - id: from-python
            entry: {{function: feature_app:triage, inputs_from: feature_app:big_ticket}}
            checks: [{{equal: $.category}}]
        """,
    )
    result = _run(pytester, "--record-mode", "once")
    result.assert_outcomes(passed=4, failed=1)
    made = _bodies(pytester.path / "cassettes" / "app" / "from-python" / "gpt-4o-mini.yaml")
    assert "item 49" in made[0]["messages"][1]["content"]
    assert _Crm.hits == 2  # once per model
    allowed = pytester.path / "cassettes" / "app" / "allowed" / "gpt-4o-mini.yaml"
    assert "localhost" not in allowed.read_text()  # never recorded
    assert len(_bodies(allowed)) == 2
    result.stdout.fnmatch_lines(["*isolated*ended its process (exit code 3)*"])
    cases = _report(pytester)
    assert cases["isolated"]["outcome"] == "same"
    embeds = _checks(cases["embeds"])["calls"]["evidence"]["candidate"]
    assert embeds["endpoints"] == ["/v1/embeddings", "chat.completions"]
    assert embeds["input_tokens"] > 0
    embedded = _bodies(pytester.path / "cassettes" / "app" / "embeds" / "gpt-4.1-mini.yaml")
    assert embedded[0]["model"] == "text-embedding-3-small"  # not the migrating model
    _go_offline(monkeypatch)
    replayed = _run(pytester)
    replayed.assert_outcomes(passed=4, failed=1)
    assert _Crm.hits == 4  # an allowed host is reached in replay too: it is the team's
    assert live.stats.completions == 2 * 2 + 2 + 2 * 2 + 2 + 2 * 2  # nothing more went out
    suite = pytester.path / "suites" / "app.yaml"
    suite.write_text(suite.read_text().replace(", allow_hosts: [localhost]", ""))
    blocked = _run(pytester)
    blocked.assert_outcomes(passed=3, failed=2)
    blocked.stdout.fnmatch_lines(["*app::allowed*", "*request to localhost*allow_hosts*"])
    assert _Crm.hits == 4  # blocked before it left


def test_async_functions_run_side_by_side_each_into_its_own_cassette(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six async runs at once (the server holds each answer 200 ms): they overlap, and
    each case's cassette holds its own ticket only, on its own model."""
    live.set_latency(200)
    cases = "\n".join(
        f'  - id: t{i}\n    inputs: {{ticket: "Ticket number {i}."}}' for i in range(3)
    )
    _project(pytester, f"suite: app\nentry: feature_app:triage_async\ncases:\n{cases}\n")
    _run(pytester, "--record-mode", "once").assert_outcomes(passed=3)
    assert live.stats.max_in_flight > 1
    for i in range(3):
        for model in ("gpt-4o-mini", "gpt-4.1-mini"):
            path = pytester.path / "cassettes" / "app" / f"t{i}" / f"{model}.yaml"
            (body,) = _bodies(path)
            assert body["model"] == model
            assert body["messages"][1]["content"] == f"Ticket number {i}."
    live.set_latency(0)
    _go_offline(monkeypatch)
    _run(pytester).assert_outcomes(passed=3)


def test_a_cassette_that_cannot_be_written_is_named_and_the_answers_kept(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    _project(pytester, TRIAGE)
    in_the_way = pytester.path / "cassettes" / "app" / "same-path" / "gpt-4o-mini.yaml"
    in_the_way.mkdir(parents=True)  # a folder where the cassette's file goes
    result = _run(pytester, "--record-mode", "once")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["migrate-check: could not write the cassette cassettes/app/same-path/gpt-4o-mini.yaml*"],
    )
    assert _report(pytester)["same-path"]["outcome"] == "same"  # judged all the same
