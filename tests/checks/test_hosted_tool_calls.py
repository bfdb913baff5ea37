"""Hosted tools' calls, read from Responses bodies as the API sends them (issue 28, item 7).

The tools the API runs itself (web and file search, code interpreter, image generation,
remote MCP, a shell in its container, a server-side tool search) are done when the answer
arrives: they make no `tool_calls` finish reason, no tool call for the `tool_calls` check
to lose, and no structured answer out of a prose one. A call the application must run
(a function, a custom tool, computer use, a local shell, apply-patch, a client-side tool
search) still is one. The path a recorded answer takes is `completions_from_body`, the
one the runner, replay and the importer share.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from migrate_check.cassettes.answers import RESPONSES_ENDPOINT, completions_from_body
from migrate_check.checks import CheckConfigError, build_check, default_registry
from migrate_check.checks.builtin.answer import answer_problem
from migrate_check.core.case import Case, CheckSpec
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult, Outcome
from migrate_check.judging.engine import judge_case

HERE = Path(__file__).parent
ANSWER = "It is 5 C and raining in Oslo today, with wind from the west."
SEARCH = {
    "id": "ws_68a1",
    "type": "web_search_call",
    "status": "completed",
    "action": {"type": "search", "query": "Oslo weather today"},
}
FUNCTION = {
    "id": "fc_68a1",
    "type": "function_call",
    "status": "completed",
    "call_id": "call_1",
    "name": "lookup_forecast",
    "arguments": '{"city": "Oslo"}',
}
#: The API's other hosted tools (API reference shapes), each run before it answers.
HOSTED: dict[str, dict[str, Any]] = {
    "file_search_call": {"queries": ["Oslo forecast"], "results": None},
    "code_interpreter_call": {"code": "print(5)", "container_id": "cntr_1", "outputs": None},
    "image_generation_call": {"result": "iVBORw0KGgo=", "revised_prompt": "Oslo in rain"},
    "mcp_call": {"name": "forecast", "server_label": "weather", "arguments": "{}", "output": "5"},
    "tool_search_call": {"arguments": {"query": "forecast"}, "execution": "server"},
    "shell_call": {
        "call_id": "call_2",
        "action": {"commands": ["date"]},
        "environment": {"type": "container_reference", "container_id": "cntr_1"},
    },
}
#: Calls the application must run, and answer before the conversation goes on.
THE_APPS: dict[str, dict[str, Any]] = {
    "custom_tool_call": {"call_id": "call_3", "name": "sql", "input": "SELECT 1"},
    "computer_call": {"call_id": "call_4", "action": {"type": "screenshot"}},
    "local_shell_call": {"call_id": "call_5", "action": {"type": "exec", "command": ["ls"]}},
    "shell_call": {"call_id": "call_6", "action": {"commands": ["ls"]}, "environment": None},
    "apply_patch_call": {"call_id": "call_7", "operation": {"type": "delete_file", "path": "a"}},
    "tool_search_call": {"arguments": {"query": "forecast"}, "execution": "client"},
}


def message(text: str = ANSWER, status: str = "completed") -> dict[str, Any]:
    part = {"type": "output_text", "annotations": [], "logprobs": [], "text": text}
    return {
        "id": "msg_68a1",
        "type": "message",
        "status": status,
        "role": "assistant",
        "content": [part],
    }


def response(*output: dict[str, Any], cut: bool = False) -> Completion:
    """A Responses answer as the API's JSON body, read as a recorded one is."""
    body = {
        "id": "resp_68a1",
        "object": "response",
        "created_at": 1754000000,
        "status": "incomplete" if cut else "completed",
        "error": None,
        "incomplete_details": {"reason": "max_output_tokens"} if cut else None,
        "model": "gpt-4.1-mini-2025-04-14",
        "output": list(output),
        "usage": {"input_tokens": 30, "output_tokens": 20, "total_tokens": 50},
    }
    (completion,) = completions_from_body(
        json.dumps(body), RESPONSES_ENDPOINT, streamed=False, model="gpt-4.1-mini", latency_ms=1
    )
    return completion


def item(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"{kind}_1", "type": kind, "status": "completed", **fields}


def judge(options: Any, baseline: Completion, candidate: Completion) -> CheckResult:
    result = build_check(CheckSpec("tool_calls", options), HERE).judge([baseline], [candidate])
    json.dumps(result.evidence)
    return result


def test_an_answer_after_a_search_stopped_because_it_answered() -> None:
    searched = response(SEARCH, message())
    assert searched.text == ANSWER
    assert [call.name for call in searched.tool_calls] == ["web_search_call"]  # still shown
    assert searched.finish_reason == "stop"
    cut = response(SEARCH, message(ANSWER[:20], "incomplete"), cut=True)
    assert cut.finish_reason == "length"
    called = response(SEARCH, FUNCTION)
    assert called.finish_reason == "tool_calls"


@pytest.mark.parametrize("kind", HOSTED)
def test_every_hosted_tool_is_run_by_the_api(kind: str) -> None:
    used = response(item(kind, HOSTED[kind]), message())
    assert used.finish_reason == "stop"
    assert len(used.tool_calls) == 1
    result = judge(None, used, response(message()))
    assert result.outcome is Outcome.CHANGED, result
    assert result.evidence["baseline_hosted"] == [used.tool_calls[0].name]


@pytest.mark.parametrize("kind", THE_APPS)
def test_a_call_the_application_runs_is_a_tool_call(kind: str) -> None:
    asked = response(item(kind, THE_APPS[kind]))
    assert asked.finish_reason == "tool_calls"
    result = judge(None, asked, response(message()))
    assert result.outcome is Outcome.REGRESSED, result
    assert result.reason.startswith("candidate makes no tool call where baseline called")


def test_a_hosted_tool_on_one_side_is_a_change_unless_the_suite_requires_it() -> None:
    searched, plain = response(SEARCH, message()), response(message())
    dropped = judge(None, searched, plain)
    assert dropped.outcome is Outcome.CHANGED
    assert dropped.reason == "candidate does not use hosted ['web_search_call']"
    added = judge(None, plain, searched)
    assert added.outcome is Outcome.CHANGED
    assert added.reason == "candidate uses hosted ['web_search_call']"
    required = judge({"hosted": "required"}, searched, plain)
    assert required.outcome is Outcome.REGRESSED
    assert required.reason == "candidate does not use hosted ['web_search_call'] (hosted: required)"
    assert judge({"hosted": "required"}, plain, searched).outcome is Outcome.CHANGED
    assert judge({"hosted": "ignore"}, searched, plain).outcome is Outcome.SAME
    # Which tools were used, not what they were asked: queries vary from run to run.
    other_query = dict(SEARCH, action={"type": "search", "query": "weather Oslo now"})
    both = judge(None, searched, response(other_query, SEARCH, message()))
    assert both.outcome is Outcome.SAME
    assert both.reason == "same no tool calls; both used hosted tools ['web_search_call']"


def test_function_calls_are_judged_as_before_beside_a_search() -> None:
    searched_and_called = response(SEARCH, FUNCTION)
    gone = judge(None, searched_and_called, response(SEARCH, message()))
    assert gone.outcome is Outcome.REGRESSED
    assert gone.reason == "candidate makes no tool call where baseline called ['lookup_forecast']"
    both_gone = judge(None, searched_and_called, response(message()))
    assert both_gone.outcome is Outcome.REGRESSED
    assert both_gone.reason == (
        "candidate makes no tool call where baseline called ['lookup_forecast']; "
        "candidate does not use hosted ['web_search_call']"
    )
    other_city = dict(FUNCTION, arguments='{"city": "Bergen"}')
    moved = judge(None, searched_and_called, response(other_city))
    assert moved.outcome is Outcome.CHANGED
    assert moved.reason == (
        "arguments differ in calls to ['lookup_forecast']; "
        "candidate does not use hosted ['web_search_call']"
    )


def test_a_function_named_like_a_hosted_tool_is_still_the_apps() -> None:
    named = dict(FUNCTION, name="web_search_call")
    asked = response(named)
    assert asked.finish_reason == "tool_calls"
    result = judge(None, asked, response(message()))
    assert result.outcome is Outcome.REGRESSED


def test_the_hosted_option_is_one_of_three_words() -> None:
    for wrong in ("requried", True, ["required"]):
        with pytest.raises(CheckConfigError, match="'hosted' must be one of compare, required"):
            build_check(CheckSpec("tool_calls", {"hosted": wrong}), HERE)


def test_a_prose_answer_after_a_search_is_free_text_and_a_search_alone_is_empty() -> None:
    case = Case("s", "c", {}, (), file=HERE / "s.yaml")
    checks = default_registry().checks_for(case, HERE)
    searched = response(SEARCH, message())
    judged = judge_case(case, [searched], [response(message())], checks).checks[0]
    assert (judged.check, judged.outcome) == ("facts", Outcome.SAME)
    # The app gets no text and no call to run: nothing.
    assert answer_problem(response(SEARCH)) == "is empty"
    assert answer_problem(response(FUNCTION)) == ""
