"""`migrate-check import --stored-completions / --stored-responses`: production traffic kept
by the API (`store: true`) becomes a suite whose stored answers are the baseline's.

The real SDK stores the traffic on the local server and the import reads it back with
the SDK's real list and retrieve calls over HTTP; the suite then records the candidate
against the server and replays with no key and no network.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml
from devtools.local_openai import LocalServer

from migrate_check.cli import main
from migrate_check.importing.stored_cli import parse_time, request_defaults

PAIR = "gpt-4o-mini:gpt-4.1-mini"
TRIAGE = {"feature": "triage"}
SYSTEM = {"role": "system", "content": "Classify the ticket: refund, login or other."}


@pytest.fixture
def stored(live: LocalServer, pytester: pytest.Pytester) -> Iterator[LocalServer]:
    """The server (the SDK pointed at it) with nothing stored; a project to import into."""
    pytester.makepyprojecttoml("[tool.pytest.ini_options]\n")
    live.clear_stored()
    yield live
    live.clear_stored()


@pytest.fixture
def client(stored: LocalServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI() as made:  # OPENAI_BASE_URL and OPENAI_API_KEY: the server's
        yield made


def _ticket(client: openai.OpenAI, text: str, model: str = "gpt-4o-mini", **extra: Any) -> str:
    messages: list[Any] = [SYSTEM, {"role": "user", "content": text}]
    made: Any = client.chat.completions.create(model=model, messages=messages, store=True, **extra)
    return str(made.id)


def _seed(server: LocalServer, count: int, metadata: dict[str, str], created: int) -> list[str]:
    requests = [
        {
            "model": "gpt-4o-mini",
            "messages": [SYSTEM, {"role": "user", "content": f"Ticket number {n}"}],
            "metadata": metadata,
        }
        for n in range(count)
    ]
    return server.add_stored("chat", requests, created=created)


def _import(*args: str) -> int:
    return main(["import", "--suite", "suites/app.yaml", *args])


def _cases(path: str = "suites/app.yaml") -> list[dict[str, Any]]:
    return list(yaml.safe_load(Path(path).read_text())["cases"])


def _origins_ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["origin"].split()[2] for c in cases]


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        "suites", "--model-pair", PAIR, "-p", "no:cacheprovider", "--no-report", *args
    )


def test_stored_completions_filtered_become_a_suite_that_records_then_replays_offline(
    pytester: pytest.Pytester,
    stored: LocalServer,
    client: openai.OpenAI,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    wanted = [_ticket(client, t, metadata=TRIAGE) for t in ("Refund order 12", "Cannot log in")]
    _ticket(client, "Other feature", metadata={"feature": "search"})
    _ticket(client, "Other model", model="gpt-4.1-mini", metadata=TRIAGE)
    _ticket(client, "No metadata")
    unstored: list[Any] = [SYSTEM]
    client.chat.completions.create(model="gpt-4o-mini", messages=unstored)  # no store: true
    _seed(stored, 3, TRIAGE, created=1_704_067_200)  # 2024: before the window

    code = _import(
        "--stored-completions",
        "--stored-model",
        "gpt-4o-mini",
        "--metadata",
        "feature=triage",
        "--since",
        "2025-01-01",
        "--set",
        "max_completion_tokens=300",
    )
    out = capsys.readouterr().out
    assert code == 0, out
    cases = _cases()
    assert sorted(_origins_ids(cases)) == sorted(wanted)
    assert "from 2 stored completions fetched" in out
    assert "from --set and --request-defaults: max_completion_tokens (2 cases)" in out
    for case in cases:
        assert case["messages"][0] == SYSTEM
        assert case["recorded_with"] == "gpt-4o-mini"  # the snapshot counts for its model
        assert "recorded with gpt-4o-mini-2024-07-18" in case["origin"]
        assert case["description"] == "metadata: feature=triage"
    suite = yaml.safe_load(Path("suites/app.yaml").read_text())
    assert suite["request"] == {"max_completion_tokens": 300}  # 1.0: the API's, never sent
    assert "stored completions read through the OpenAI API" in suite["description"]
    baselines = sorted(Path("cassettes").rglob("gpt-4o-mini.yaml"))
    assert len(baselines) == 2
    before = {p: p.read_bytes() for p in baselines}

    stored.stats.reset()
    recorded = _run(pytester, "--record-mode", "once")
    assert recorded.parseoutcomes().get("error", 0) == 0, recorded.stdout.str()
    assert stored.stats.by_model == {"gpt-4.1-mini": 2}  # the stored answers replayed
    assert {p: p.read_bytes() for p in baselines} == before

    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there
    stored.stats.reset()
    replayed = _run(pytester)
    assert replayed.parseoutcomes().get("error", 0) == 0, replayed.stdout.str()
    assert sum(replayed.parseoutcomes().get(k, 0) for k in ("passed", "failed")) == 2
    assert stored.stats.by_model == {}


def test_tools_and_response_format_come_with_the_stored_completion(
    pytester: pytest.Pytester, stored: LocalServer, client: openai.OpenAI
) -> None:
    tool: Any = {
        "type": "function",
        "function": {
            "name": "lookup_order",
            "parameters": {"type": "object", "properties": {"id": {"type": "string"}}},
        },
    }
    schema = {"type": "object", "properties": {"label": {"type": "string"}}}
    fmt: Any = {"type": "json_schema", "json_schema": {"name": "triage", "schema": schema}}
    _ticket(client, "Where is order 7?", tools=[tool], tool_choice="auto")
    _ticket(client, "Label this ticket", response_format=fmt)
    assert _import("--stored-completions") == 0
    by_text = {c["messages"][1]["content"]: c for c in _cases()}
    called = by_text["Where is order 7?"]
    assert called["request"]["tools"] == [tool]
    assert "tool_choice" not in called["request"]  # auto: the API's default with tools
    assert {"tool_calls": {}} in called["checks"]
    labelled = by_text["Label this ticket"]
    assert labelled["request"]["response_format"] == fmt
    assert {"schema": schema} in labelled["checks"]
    stored.stats.reset()
    recorded = _run(pytester, "--record-mode", "once")
    assert recorded.parseoutcomes().get("error", 0) == 0, recorded.stdout.str()
    assert stored.stats.by_model == {"gpt-4.1-mini": 2}  # both baselines replayed as stored


def test_cases_say_which_parameters_the_stored_objects_lacked(
    stored: LocalServer, client: openai.OpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    _ticket(client, "Refund", temperature=0.3)
    defaults = Path("defaults.yaml")
    defaults.write_text("temperature: 0\nmax_output_tokens: 64\n")
    assert _import("--stored-completions", "--request-defaults", str(defaults)) == 0
    out = capsys.readouterr().out
    assert "so the cases send none: max_completion_tokens (1 case);" in out
    assert "the default went unused: temperature (1 case)" in out  # the stored 0.3 holds
    (case,) = _cases()
    assert case["request"]["temperature"] == 0.3
    assert "max_output_tokens" not in case["request"]  # a Responses parameter


def test_stored_responses_by_ids_file(
    pytester: pytest.Pytester,
    stored: LocalServer,
    client: openai.OpenAI,
    capsys: pytest.CaptureFixture[str],
) -> None:
    schema = {
        "type": "object",
        "properties": {"label": {"type": "string"}},
        "required": ["label"],
        "additionalProperties": False,
    }
    fmt: Any = {"type": "json_schema", "name": "triage", "schema": schema, "strict": True}
    first = client.responses.create(
        model="gpt-4o-mini",
        instructions="Classify the ticket.",
        input="I want my money back",
        text={"format": fmt},
    )
    second = client.responses.create(
        model="gpt-4o-mini",
        input=[{"role": "user", "content": "Reset my password"}],
        max_output_tokens=200,
    )
    chained = client.responses.create(
        model="gpt-4o-mini", input="And then?", previous_response_id=second.id
    )
    ids = Path("ids.txt")
    ids.write_text(f"# from the app's logs\n{first.id}\n\n{second.id}\n{chained.id}\nresp_gone\n")

    assert _import("--stored-responses", str(ids)) == 0
    out = capsys.readouterr().out
    assert "from 3 stored responses fetched" in out  # resp_gone was not
    assert f"skipped stored response {chained.id}" in out
    assert "a stateful Responses chain (previous_response_id)" in out
    assert "skipped stored response resp_gone: not read from the API: HTTP 404" in out
    cases = {c["origin"].split()[2]: c for c in _cases()}
    assert set(cases) == {first.id, second.id}
    one = cases[first.id]
    assert one["api"] == "responses" and one["input"] == [
        {"role": "user", "content": "I want my money back"}
    ]
    assert one["request"]["instructions"] == "Classify the ticket."
    assert one["request"]["text"]["format"]["schema"] == schema
    assert {"schema": schema} in one["checks"]  # the structural check an import adds
    assert cases[second.id]["request"]["max_output_tokens"] == 200
    assert stored.stored_reads["input_items"] == 2  # never for the chain

    stored.stats.reset()
    recorded = _run(pytester, "--record-mode", "once")
    assert recorded.parseoutcomes().get("error", 0) == 0, recorded.stdout.str()
    assert stored.stats.by_model == {"gpt-4.1-mini": 2}


def test_more_than_one_page(stored: LocalServer, capsys: pytest.CaptureFixture[str]) -> None:
    made = _seed(stored, 230, {"batch": "pages"}, created=1_750_000_000)
    assert _import("--stored-completions", "--metadata", "batch=pages") == 0
    out = capsys.readouterr().out
    assert "fetched through the API: 230 stored completions (3 list pages)" in out
    assert sorted(_origins_ids(_cases())) == sorted(made)
    assert stored.stored_reads["list"] == 3 and stored.stored_reads["messages"] == 230


def test_a_failure_mid_list_keeps_what_came_and_says_how_to_resume(
    stored: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    made = _seed(stored, 150, {"batch": "cut"}, created=1_750_000_000)
    stored.fail_stored_reads("500", after=101)  # page 1 and its 100 messages; page 2 fails
    code = _import("--stored-completions", "--metadata", "batch=cut")
    out = capsys.readouterr().out
    assert code == 3, out
    first = _origins_ids(_cases())
    assert sorted(first) == sorted(made[50:])  # newest first: the 100 newest
    assert "stopped: the API failed (HTTP 500: The server had an error" in out
    resume = f"--stored-after {made[50]}"
    assert f"to fetch the rest: the same command with {resume} and another --suite" in out

    stored.fail_stored_reads(None)
    rest = main(
        ["import", "--suite", "suites/rest.yaml", "--stored-completions", "--metadata"]
        + ["batch=cut", *resume.split()]
    )
    assert rest == 0
    assert sorted(first + _origins_ids(_cases("suites/rest.yaml"))) == sorted(made)


def test_a_failure_before_anything_is_one_line(
    stored: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(stored, 2, {}, created=1_750_000_000)
    stored.fail_stored_reads("503")
    assert _import("--stored-completions") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "the API failed before any was fetched: HTTP 503" in err
    assert not Path("suites/app.yaml").exists()


def test_bounds_stop_the_fetch_and_say_where_it_stopped(
    stored: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    made = _seed(stored, 8, {}, created=1_750_000_000)
    assert _import("--stored-completions", "--max-calls", "5") == 0
    out = capsys.readouterr().out
    assert len(_cases()) == 5
    assert "stopped: reached --max-calls 5; more may be stored" in out
    assert f"--stored-after {made[3]}" in out  # the 5th newest
    assert _import("--stored-completions", "--until", "1750000000", "--force") == 2
    assert "none matched (stored completions, until 2025-06-15" in capsys.readouterr().err


def test_without_a_key_one_line_and_nothing_read(
    stored: LocalServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    assert _import("--stored-completions") == 2
    err = capsys.readouterr().err
    assert err == (
        "migrate-check: error: reading stored completions needs OPENAI_API_KEY (and "
        "OPENAI_BASE_URL for another endpoint than api.openai.com; a local server takes any "
        "non-empty key)\n"
    )
    assert sum(stored.stored_reads.values()) == 0
    assert _import() == 2
    assert "nothing to read: give PATHs" in capsys.readouterr().err


def test_the_key_is_never_printed_nor_written(
    pytester: pytest.Pytester,
    stored: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key = "sk-proj-Stored0Key0Never0Shown0123456789"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    with openai.OpenAI() as client:
        _ticket(client, f"my key is {key}, why does it fail?")  # a user pasted it
    assert _import("--stored-completions") == 0
    stored.fail_stored_reads("500")
    assert _import("--stored-completions", "--force") == 2
    printed = capsys.readouterr()
    assert key not in printed.out + printed.err
    written = [p for p in pytester.path.rglob("*") if p.is_file()]
    assert written and not any(key in p.read_text(errors="replace") for p in written)
    (case,) = _cases()
    assert "my key is [redacted]" in case["messages"][1]["content"]


def test_flag_values_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_time("2025-01-01", "--since") == 1_735_689_600
    assert parse_time("2025-01-01T01:00:00+01:00", "--since") == 1_735_689_600
    assert parse_time("1735689600", "--since") == 1_735_689_600
    with pytest.raises(ValueError, match="--until 'yesterday'"):
        parse_time("yesterday", "--until")
    both = request_defaults(None, ["temperature=0", "stop=[END]", "max_output_tokens=9"])
    assert both["chat"] == {"temperature": 0, "stop": ["END"]}
    assert both["responses"] == {"temperature": 0, "max_output_tokens": 9}
    for bad, message in (
        (["model=gpt-4o"], "never sets it"),
        (["temprature=0"], "neither Chat Completions nor Responses take it"),
        (["temperature"], "expected KEY=VALUE"),
        (["stop=2025-01-01"], "not a JSON value"),
    ):
        with pytest.raises(ValueError, match=message):
            request_defaults(None, bad)
    for flags, message in (
        (["--since", "2025-01-01"], "--since filters stored completions: add --stored-comp"),
        (["--set", "temperature=0"], "--set completes stored requests: add --stored-comp"),
        (["--stored-responses-after", "resp_1"], "resumes an ids file: add --stored-responses"),
        (["--stored-completions", "--max-calls", "0"], "--max-calls must be at least 1"),
    ):
        assert main(["import", "x.jsonl", "--suite", "s.yaml", *flags]) == 2
        assert message in capsys.readouterr().err
