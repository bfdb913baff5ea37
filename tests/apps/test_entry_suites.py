"""How a suite names the team's function and its inputs, and what it says when it is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate_check.checks.builtin.calls import CallsCheck
from migrate_check.core.completion import Completion
from migrate_check.core.entry import EntryRun, ModelCall
from migrate_check.core.results import Outcome
from migrate_check.pytest_plugin.worker_transfer import (
    case_from_dict,
    case_to_dict,
    completion_from_dict,
    completion_to_dict,
)
from migrate_check.suites.loading import parse_suite_text
from migrate_check.suites.suite import SuiteError


def _suite(text: str) -> list:  # type: ignore[type-arg]
    return list(parse_suite_text(text, Path("app.yaml")).cases)


def test_the_suite_entry_is_inherited_and_a_case_overrides_it_key_by_key() -> None:
    first, second = _suite(
        """
suite: app
entry:
  function: myapp.support:answer
  pass_model: {env: SUPPORT_MODEL}
  allow_hosts: [geo.internal]
cases:
  - id: a
    inputs: {ticket: "hi", urgent: true}
  - id: b
    entry: {timeout: 5, pass_model: rewrite}
"""
    )
    assert first.request == {} and first.entry is not None
    assert first.entry.function == "myapp.support:answer"
    assert first.entry.inputs == {"ticket": "hi", "urgent": True}
    assert (first.entry.handoff, first.entry.handoff_name) == ("env", "SUPPORT_MODEL")
    assert first.entry.allow_hosts == ("geo.internal",)
    assert second.entry is not None
    assert second.entry.function == "myapp.support:answer"
    assert (second.entry.handoff, second.entry.timeout_s) == ("rewrite", 5.0)
    assert second.entry.allow_hosts == ("geo.internal",)
    assert case_from_dict(case_to_dict(second)) == second  # across xdist workers


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "suite: x\ncases:\n  - id: a\n    inputs: {q: 1}\n",
            "app.yaml:3: case 'a': 'inputs' are an entry-point case's arguments",
        ),
        (
            "suite: x\nentry: a.b:c\ncases:\n  - id: a\n    messages: [{role: user, content: x}]\n",
            "app.yaml:5: case 'a': 'messages' does not apply to an entry-point case",
        ),
        (
            "suite: x\nentry: {function: a.b:c, pass_model: keyword}\ncases:\n  - id: a\n",
            "app.yaml:2: 'pass_model' must be one of argument, rewrite",
        ),
        (
            "suite: x\nentry: a.b:c\ncases:\n  - id: a\n    inputs: {model: gpt-4o}\n",
            "'inputs' sets 'model', which migrate-check passes",
        ),
        (
            "suite: x\nentry: {function: 'a b'}\ncases:\n  - id: a\n",
            "'entry.function' must be a dotted path",
        ),
        (
            "suite: x\nentry: {function: a.b:c, timeout: 0}\ncases:\n  - id: a\n",
            "'timeout' must be seconds",
        ),
        (
            "suite: x\nentry: {function: a.b:c, allow_hosts: [1]}\ncases:\n  - id: a\n",
            "'allow_hosts' must be a host name",
        ),
        (
            "suite: x\nentry: a.b:c\nrequest: {temperature: 0}\ncases:\n  - id: a\n",
            "'request' does not apply to a suite of entry-point cases",
        ),
        (
            "suite: x\nentry: {function: a.b:c, run: fast}\ncases:\n  - id: a\n",
            "unknown key 'run' in 'entry'",
        ),
    ],
)
def test_a_wrong_entry_names_file_line_and_case(text: str, message: str) -> None:
    with pytest.raises(SuiteError) as caught:
        _suite(text)
    assert message in str(caught.value)


def _side(raised: str | None = None, *calls: ModelCall) -> list[Completion]:
    run = EntryRun(returned={"ok": True}, raised=raised, calls=calls)
    return [Completion(model="m", text='{"ok": true}', entry_run=run)]


CHAT = ModelCall("chat.completions", "m", tools=(), input_tokens=10, output_tokens=5)
SEARCH = ModelCall("chat.completions", "m", tools=("search",), input_tokens=10)


def test_calls_compares_paths_and_ignores_what_the_suite_says() -> None:
    check = CallsCheck()
    assert check.judge(_side(None, CHAT), _side(None, CHAT)).outcome is Outcome.SAME
    more = check.judge(_side(None, CHAT), _side(None, CHAT, CHAT))
    assert more.outcome is Outcome.CHANGED
    assert "candidate: 2 model calls (+1) against 1" in more.reason
    tools = check.judge(_side(None, SEARCH), _side(None, SEARCH, SEARCH))
    assert "search called once more" in tools.reason
    responses = ModelCall("responses", "m")
    assert "endpoints" in check.judge(_side(None, CHAT), _side(None, responses)).reason
    lenient = CallsCheck.from_options({"ignore": ["count", "tools"]}, Path())
    assert lenient.judge(_side(None, SEARCH), _side(None, SEARCH, SEARCH)).outcome is Outcome.SAME


def test_calls_judges_an_exception_on_one_side() -> None:
    check = CallsCheck()
    trace = "Traceback (most recent call last):\n  File \"app.py\"\nKeyError: 'label'"
    regressed = check.judge(_side(None, CHAT), _side(trace, CHAT))
    assert regressed.outcome is Outcome.REGRESSED
    assert regressed.reason == "candidate raised: KeyError: 'label'"
    assert regressed.evidence["candidate"]["raised"] == trace
    assert check.judge(_side(trace, CHAT), _side(None, CHAT)).outcome is Outcome.CHANGED
    assert check.judge(_side(trace, CHAT), _side(trace, CHAT)).outcome is Outcome.ERROR
    other = "Traceback\nValueError: no"
    assert check.judge(_side(trace, CHAT), _side(other, CHAT)).outcome is Outcome.CHANGED


def test_an_entry_run_crosses_to_the_controller_whole() -> None:
    (completion,) = _side("boom", SEARCH, CHAT)
    again = completion_from_dict(completion_to_dict(completion))
    assert again.entry_run == completion.entry_run


def test_calls_refuses_unknown_options_and_request_cases() -> None:
    with pytest.raises(ValueError, match="ignore"):
        CallsCheck.from_options({"ignore": ["latency"]}, Path())
    plain = [Completion(model="m", text="hi")]
    assert CallsCheck().judge(plain, plain).outcome is Outcome.ERROR


def test_calls_judges_every_sample_and_the_worst_stands() -> None:
    """Two samples a side: the candidate's second raised, so the case regressed, and the
    reason says which sample."""
    fine = _side(None, CHAT)[0]
    broke = _side("Traceback\nKeyError: 'label'", CHAT)[0]
    result = CallsCheck().judge([fine, fine], [fine, broke])
    assert result.outcome is Outcome.REGRESSED
    assert result.reason == "sample 2 of 2: candidate raised: KeyError: 'label'"
    assert CallsCheck().judge([fine, fine], [fine, fine]).outcome is Outcome.SAME
