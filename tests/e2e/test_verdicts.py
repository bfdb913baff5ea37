"""Verdicts a team can sign: suites whose right outcome is known by construction, recorded
against the local server and replayed offline (issue 10).

The team's functions here are written as applications write them: they get the message
content string from the SDK and call `json.loads` themselves.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from devtools.local_openai import LocalServer
from devtools.local_openai.answers import drift_for
from devtools.local_openai.prompt import from_chat

from conftest import PAIR, write_suite

APP = '''
import json
import os
import sys

from pydantic import BaseModel


class Ticket(BaseModel):
    queue: str
    priority: str
    summary: str


def route(content):
    """As the app does it: the SDK hands over a string, the app parses it."""
    ticket = json.loads(content)
    return {"team": ticket["queue"], "page": ticket["priority"] in ("high", "urgent")}


def route_parsed(ticket):
    return ticket["queue"]


def route_sdk(response):
    return json.loads(response.choices[0].message.content)["queue"]


def route_model(ticket):
    return ticket.queue


def short(content):
    return len(content) < 10_000


def exits(content):
    sys.exit(3)


def hard_exit(content):
    os._exit(7)


def stubborn(content):
    while True:  # a retry loop that swallows everything, the time limit included
        try:
            while True:
                pass
        except:  # noqa: E722
            continue


def endless(content):
    def numbers():
        n = 0
        while True:
            n += 1
            yield n
    return numbers()
'''

TICKET_SCHEMA = {
    "type": "json_schema",
    "json_schema": {
        "name": "ticket",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {
                "queue": {"type": "string", "enum": ["billing", "technical", "other"]},
                "priority": {"type": "string", "enum": ["low", "normal", "high"]},
                "summary": {"type": "string"},
            },
            "required": ["queue", "priority", "summary"],
            "additionalProperties": False,
        },
    },
}
STEADY_TICKET = "Please refund the duplicate payment on order 88."


def _record_and_replay(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, suite: str, *args: str
) -> tuple[dict[str, dict[str, Any]], pytest.RunResult]:
    """Record the suite live, then replay it with the network cut; the cases of the replay.

    Both runs must judge every case alike: offline replay is the CI gate.
    """
    write_suite(pytester.path, "verdicts", suite)
    (pytester.path / "suites" / "team_app.py").write_text(textwrap.dedent(APP))
    live = pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", *args)
    recorded = _cases(pytester.path)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    replay = pytester.runpytest("--model-pair", PAIR, *args)
    replayed = _cases(pytester.path)
    assert {k: c["outcome"] for k, c in replayed.items()} == {
        k: c["outcome"] for k, c in recorded.items()
    }, live.stdout.str()
    return replayed, replay


def _cases(root: Path) -> dict[str, dict[str, Any]]:
    report = json.loads((root / "migrate-check-report" / "report.json").read_text())
    return {case["id"]: case for case in report["cases"]}


def _check(case: dict[str, Any], prefix: str) -> dict[str, Any]:
    return next(c for c in case["checks"] if c["check"].startswith(prefix))


def _suite(cases: str, *, request: dict[str, Any] | None = None) -> str:
    """A suite YAML; the request defaults are written as JSON, which YAML reads as is."""
    defaults = json.dumps({"temperature": 0, **(request or {})})
    return f"suite: verdicts\nrequest: {defaults}\ncases:\n{textwrap.dedent(cases)}"


def test_the_steady_ticket_does_not_drift() -> None:
    """The fixtures below rely on this prompt answering alike on both models."""
    for model in ("gpt-4o-mini", "gpt-4.1-mini"):
        prompt = from_chat(
            {
                "model": model,
                "messages": [{"role": "user", "content": STEADY_TICKET}],
                "response_format": TICKET_SCHEMA,
            }
        )
        assert drift_for(prompt) is None


def test_team_code_gets_the_content_string_as_the_app_does(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite = _suite(
        f"""
        - id: steady
          messages: [{{role: user, content: "{STEADY_TICKET}"}}]
          checks:
            - downstream: team_app:route
            - downstream: {{callable: team_app:route_parsed, receives: json}}
            - downstream: {{callable: team_app:route_sdk, receives: completion}}
            - downstream: {{callable: team_app:route_model, receives: team_app:Ticket}}
            - schema: team_app:Ticket
        - id: renamed
          messages: [{{role: user, content: "{STEADY_TICKET} [drift:rename]"}}]
          request: {{response_format: {{type: json_object}}}}
          checks:
            - downstream: team_app:route
            - downstream: {{callable: team_app:route_model, receives: team_app:Ticket}}
        """,
        request={"response_format": TICKET_SCHEMA},
    )
    cases, _ = _record_and_replay(pytester, monkeypatch, suite)
    steady = cases["steady"]
    assert {c["check"]: c["outcome"] for c in steady["checks"]} == {
        "downstream team_app:route": "same",
        "downstream team_app:route_parsed": "same",
        "downstream team_app:route_sdk": "same",
        "downstream team_app:route_model": "same",
        "schema": "same",
        "answer": "same",
    }
    route = _check(steady, "downstream team_app:route")
    assert "returns" in route["reason"]  # it ran on both sides, it did not raise
    assert steady["outcome"] == "same"


def test_a_pydantic_model_that_rejects_the_candidate_is_a_regression(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite = _suite(
        """
        - id: fenced
          messages: [{role: user, content: "Reply in JSON with queue, priority and summary for: my card was charged twice."}]
          request: {response_format: {type: json_object}}
          checks:
            - downstream: {callable: team_app:route_model, receives: team_app:Ticket}
            - downstream: {callable: team_app:route_parsed, receives: json}
        """  # noqa: E501
    )
    cases, _ = _record_and_replay(pytester, monkeypatch, suite)
    checks = {c["check"]: c for c in cases["fenced"]["checks"]}
    model_check = checks["downstream team_app:route_model"]
    parsed = checks["downstream team_app:route_parsed"]
    # The server's baseline fences JSON-mode answers in ```json on some prompts and its
    # candidate answers bare JSON: whichever side fails to parse fails both forms alike.
    assert model_check["outcome"] == parsed["outcome"]
    if model_check["outcome"] != "same":
        assert "cannot get it as" in model_check["reason"]


NOT_WHOLE = {
    # marker: (the case's outcome, what the always-on check says)
    "[answer:truncate]": ("regressed", "was cut off (finish_reason 'length')"),
    "[answer:refuse]": ("regressed", "is a refusal"),
    "[answer:empty]": ("regressed", "is empty"),
    "[answer:filter]": ("regressed", "was stopped by the content filter"),
    "[answer:refuse:baseline]": ("improved", "is a refusal"),
    "[answer:truncate:both]": ("broken", "was cut off"),
}


def test_an_answer_that_is_not_whole_is_judged_without_naming_a_check(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite = _suite(
        "".join(
            f"""
        - id: note-{index}
          messages: [{{role: user, content: "Write three sentences about our office in Lisbon. {marker}"}}]
          checks: [{{similarity: {{min: 1}}}}]
        """  # noqa: E501
            for index, marker in enumerate(NOT_WHOLE)
        )
    )
    cases, _ = _record_and_replay(pytester, monkeypatch, suite)
    for index, (marker, (outcome, problem)) in enumerate(NOT_WHOLE.items()):
        note = cases[f"note-{index}"]
        answer = _check(note, "answer")
        assert (answer["outcome"], note["outcome"]) == (outcome, outcome), marker
        assert problem in answer["reason"], marker
        if "truncate" in marker:  # half the text still scores above the minimum
            assert _check(note, "similarity")["outcome"] == "same"


def test_a_refusal_is_marked_in_every_report(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite = _suite(
        """
        - id: refused
          messages: [{role: user, content: "Summarise our refund policy. [answer:refuse]"}]
        """
    )
    cases, _ = _record_and_replay(pytester, monkeypatch, suite)
    (candidate,) = cases["refused"]["candidate"]["completions"]
    assert candidate["refused"] is True
    (baseline,) = cases["refused"]["baseline"]["completions"]
    assert baseline["refused"] is False
    reports = pytester.path / "migrate-check-report"
    assert "refused" in (reports / "report.md").read_text().lower()
    assert "refused" in (reports / "report.html").read_text().lower()


def test_an_answer_from_another_model_is_an_error_priced_as_that_model(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite = _suite(
        """
        - id: fallback
          messages: [{role: user, content: "Say hello to the team. [answer:model=gpt-4o]"}]
        - id: snapshot
          messages: [{role: user, content: "Say hello to the team."}]
        """
    )
    cases, _ = _record_and_replay(pytester, monkeypatch, suite)
    fallback = cases["fallback"]
    assert fallback["outcome"] == "error"
    reason = _check(fallback, "answer")["reason"]
    assert "'gpt-4o'" in reason and "'gpt-4.1-mini'" in reason
    # The server answers with dated snapshots (gpt-4.1-mini-2025-04-14): the same model.
    assert cases["snapshot"]["outcome"] != "error"
    (answered,) = fallback["candidate"]["completions"]
    usage = answered["usage"]
    gpt_4o = (usage["input_tokens"] * 2.50 + usage["output_tokens"] * 10.00) / 1e6
    assert fallback["candidate"]["figures"]["cost_usd"] == pytest.approx(gpt_4o)


def test_every_choice_of_n_is_a_sample_and_hosted_tool_calls_count(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite = _suite(
        """
        - id: two-choices
          messages: [{role: user, content: "Suggest a name for a bakery."}]
          request: {n: 2}
          checks: [{similarity: {min: 1}}]
        - id: searched
          api: responses
          input: "What is the weather in Oslo today? [answer:web_search]"
          checks: [{tool_calls: {}}]
        """
    )
    cases, _ = _record_and_replay(pytester, monkeypatch, suite)
    two = cases["two-choices"]
    assert len(two["baseline"]["completions"]) == 2
    assert len(two["candidate"]["completions"]) == 2
    assert "n=2" in (_check(two, "similarity")["noise"] or "")
    searched = cases["searched"]
    calls = searched["candidate"]["completions"][0]["tool_calls"]
    assert [c["name"] for c in calls] == ["web_search_call"]
    assert calls[0]["arguments"]["action"]["type"] == "search"
    assert _check(searched, "tool_calls")["outcome"] in ("changed", "regressed")


HOSTILE = {
    # the downstream check: what its (error) reason says
    "{callable: team_app:exits}": "raised SystemExit: 3",
    "{callable: team_app:hard_exit, isolate: true}": "ended its process (exit code 7)",
    "{callable: team_app:stubborn, timeout: 0.3}": "timed out after 0.3 s",
}


def test_a_callable_cannot_end_the_run_quietly(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite = _suite(
        "".join(
            f"""
        - id: hostile-{index}
          messages: [{{role: user, content: "Say hello."}}]
          checks: [{{downstream: {check}}}]
        """
            for index, check in enumerate(HOSTILE)
        )
        + """
        - id: endless
          messages: [{role: user, content: "Say hello."}]
          checks: [{downstream: team_app:endless}]
        - id: after
          messages: [{role: user, content: "Say goodbye."}]
          checks: [{assert: team_app:short}]
        """
    )
    cases, replay = _record_and_replay(pytester, monkeypatch, suite)
    for index, reason in enumerate(HOSTILE.values()):
        downstream = _check(cases[f"hostile-{index}"], "downstream")
        assert downstream["outcome"] == "error", reason
        assert reason in downstream["reason"]
    endless = _check(cases["endless"], "downstream")
    assert endless["outcome"] == "broken"  # each side fails: its result has no end
    assert "more than 10000 items" in endless["reason"]
    assert cases["after"]["outcome"] == "same"  # the run went on, and reported every case
    replay.assert_outcomes(passed=2, failed=3)


def test_latency_is_measured_only_for_calls_that_went_out(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gateway without `openai-processing-ms`: recorded answers played back while a new
    case records carry no latency, rather than vcrpy's playback time called 'measured'."""
    live.set_processing_header(False)
    first = '- id: first\n  messages: [{role: user, content: "Say hello."}]\n'
    write_suite(pytester.path, "verdicts", _suite(first))
    pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", "--no-report")
    second = first + '- id: second\n  messages: [{role: user, content: "Say goodbye."}]\n'
    write_suite(pytester.path, "verdicts", _suite(second))
    pytester.runpytest("--model-pair", PAIR, "--record-mode", "once")
    cases = _cases(pytester.path)
    for side in ("baseline", "candidate"):
        (replayed,) = cases["first"][side]["completions"]
        assert (replayed["latency_ms"], replayed["latency_source"]) == (None, None)
        (called,) = cases["second"][side]["completions"]
        assert called["latency_source"] == "measured" and called["latency_ms"] > 0
