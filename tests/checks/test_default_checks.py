"""A case that names no checks: free-text answers are judged by `facts`, JSON and tool
calls by `similarity` at 80, as before. Letters move with every rewording of free text and
hardly with a changed fact, so they are no default for it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite
from migrate_check.checks import build_check, default_registry
from migrate_check.checks.registry import DefaultCheck
from migrate_check.core.case import Case, CheckSpec
from migrate_check.core.completion import Completion, ToolCall
from migrate_check.core.results import Outcome
from migrate_check.judging.engine import judge_case

HERE = Path(__file__).parent
REFUND = "Your refund of $40 was issued on Thursday and reaches your card within 5 days."
REWORDED = "We issued your $40 refund on Thursday; it will be on your card within 5 days."
REDATED = REFUND.replace("Thursday", "Tuesday")
(DEFAULT,) = default_registry().checks_for(Case("s", "c", {}, ()), HERE)


def case(request: dict[str, Any] | None = None) -> Case:
    return Case("s", "c", request or {}, (), file=HERE / "s.yaml")


def answer(text: str = "", **fields: Any) -> list[Completion]:
    return [Completion(model="m", text=text, **fields)]


def verdict(baseline: list[Completion], candidate: list[Completion]) -> tuple[str, Outcome]:
    the_case = case()
    checks = default_registry().checks_for(the_case, HERE)
    first = judge_case(the_case, baseline, candidate, checks).checks[0]
    return first.check, first.outcome


def test_free_text_is_judged_by_its_facts_not_its_letters() -> None:
    # Letters, the old default, flag the rewording and pass the changed day.
    letters = build_check(CheckSpec("similarity", {"min": 80}), HERE)
    assert letters.judge(answer(REFUND), answer(REWORDED)).outcome is Outcome.CHANGED
    assert letters.judge(answer(REFUND), answer(REDATED)).outcome is Outcome.SAME
    assert verdict(answer(REFUND), answer(REWORDED)) == ("facts", Outcome.SAME)
    assert verdict(answer(REFUND), answer(REDATED)) == ("facts", Outcome.CHANGED)
    # A bare number or a quoted string parses as JSON but is still free text.
    assert verdict(answer("42"), answer("43"))[0] == "facts"
    assert verdict(answer('"yes"'), answer("No."))[0] == "facts"


def test_json_or_tool_calls_on_either_side_keep_similarity_at_80() -> None:
    ticket = answer('{"queue": "billing", "priority": "high"}')
    check, outcome = verdict(ticket, answer('{"queue": "refunds", "priority": "low"}'))
    assert (check, outcome) == ("similarity", Outcome.CHANGED)
    assert verdict(answer("The queue is billing."), ticket)[0] == "similarity"
    assert verdict(answer("[1, 2]"), answer("[1, 2]")) == ("similarity", Outcome.SAME)
    call = (ToolCall("refund", {"order": 7}),)
    assert verdict(answer(tool_calls=call), answer(REFUND))[0] == "similarity"
    changed = judge_case(case(), ticket, answer('{"queue": "refunds"}'), [DEFAULT]).checks[0]
    assert changed.evidence["min"] == 80  # as before


@pytest.mark.parametrize(
    ("request_body", "label"),
    [
        ({"messages": [{"role": "user", "content": "hi"}]}, "facts"),
        ({"response_format": {"type": "json_object"}}, "similarity"),
        ({"response_format": {"type": "json_schema", "json_schema": {}}}, "similarity"),
        ({"response_format": {"type": "text"}}, "facts"),
        ({"text": {"format": {"type": "json_schema"}}}, "similarity"),
        ({"text": "plain"}, "facts"),
        ({"tools": [{"type": "function", "function": {"name": "f"}}]}, "similarity"),
    ],
)
def test_before_any_answer_a_failed_call_is_named_by_what_the_request_asks(
    request_body: dict[str, Any], label: str
) -> None:
    the_case = case(request_body)
    (default,) = default_registry().checks_for(the_case, HERE)
    assert isinstance(default, DefaultCheck) and default.label == label
    failed = [Completion(model="gpt-4.1-mini", error="no recording for this request")]
    result = judge_case(the_case, answer("hi"), failed, [default])
    assert (result.checks[0].check, result.checks[0].outcome) == (label, Outcome.ERROR)


def test_a_case_that_names_checks_gets_only_those() -> None:
    named = Case("s", "c", {}, (CheckSpec("similarity", {"min": 90}),), file=HERE / "s.yaml")
    (check,) = default_registry().checks_for(named, HERE)
    assert not isinstance(check, DefaultCheck) and check.label == "similarity"


def test_through_pytest_recorded_and_replayed_offline(
    pytester: pytest.Pytester,
    live: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    plugin_args: tuple[str, ...],
) -> None:
    write_suite(
        pytester.path,
        "defaults",
        """
        suite: defaults
        request: {temperature: 0}
        cases:
          - id: reworded
            messages:
              - role: user
                content: "Tell the customer. [answer:text=REFUND:baseline] [answer:text=REWORDED]"
          - id: redated
            messages:
              - role: user
                content: "Tell the customer. [answer:text=REFUND:baseline] [answer:text=REDATED]"
          - id: ticket
            request: {response_format: {type: json_object}}
            messages: [{role: user, content: "Route as JSON: my card was charged twice."}]
        """.replace("REFUND", REFUND)
        .replace("REWORDED", REWORDED)
        .replace("REDATED", REDATED),
    )
    pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", *plugin_args)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    pytester.runpytest("--model-pair", PAIR, *plugin_args).assert_outcomes(passed=3)
    report = json.loads((pytester.path / "migrate-check-report" / "report.json").read_text())
    checks = {
        c["id"]: (c["checks"][0]["check"], c["checks"][0]["outcome"]) for c in report["cases"]
    }
    assert checks == {
        "reworded": ("facts", "same"),
        "redated": ("facts", "changed"),
        "ticket": ("similarity", "same"),
    }
