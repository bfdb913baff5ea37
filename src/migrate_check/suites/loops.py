"""Loop cases in a suite: `loop:` says how the case's tool calls are answered.

```yaml
loop:
  max_steps: 10                      # model calls per side (default 10)
  on_tool_error: send                # a tool's exception sent back (default) | error
  timeout: 30                        # seconds per call of a team's tool
  tools:
    get_weather: myapp.tools:get_weather        # the team's function, called with the
                                                # parsed arguments as keyword arguments
    search_flights:                             # fixed results, for tools that cannot run
      - arguments: {origin: OSL, destination: LHR}   # the first that fits a call answers it
        step: 3                                 # only at step 3 of the side's loop
        result: {flights: []}
      - arguments: {origin: OSL, destination: LHR}
        result: {flights: [{number: SK815}]}
      - result: "no flights"                    # no arguments: any call of the tool
```

A suite's `loop:` applies to every case; a case's own `loop:` overrides its keys one by
one, and its `tools` replace the suite's of the same name.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import replace
from typing import Any

from migrate_check.core.case import SIDES, Case
from migrate_check.core.loop import (
    MAX_STEPS_LIMIT,
    ON_TOOL_ERROR,
    FixedResult,
    Loop,
    LoopTool,
)
from migrate_check.suites.entries import MAX_ENTRY_TIMEOUT_S, is_dotted, read_hosts
from migrate_check.suites.fields import FieldReader
from migrate_check.suites.located import Located, line_of, plain

LOOP_KEYS = ("tools", "max_steps", "on_tool_error", "timeout", "allow_hosts")
RESULT_KEYS = ("arguments", "result", "step")
#: What the API takes as a function's name.
_TOOL_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
#: Fixed results one tool may list: each call is matched against them in order.
MAX_FIXED_RESULTS = 1_000


def read_loop(
    fields: FieldReader, node: Located, case: str | None, inherited: Loop | None
) -> Loop | None:
    """The suite's or a case's `loop:`, on top of what it inherits; None when neither."""
    if "loop" not in node:
        return inherited
    value = node["loop"]
    line = node.key_lines["loop"]
    if not isinstance(value, Located):
        raise fields.error(line, "'loop' must be a mapping (tools, max_steps, ...)", case)
    fields.check_keys(value, LOOP_KEYS, "'loop'", case)
    base = inherited or Loop()
    changes: dict[str, Any] = {}
    if "tools" in value:
        own = _tools(fields, value, case)
        kept = tuple(tool for tool in base.tools if tool.name not in {t.name for t in own})
        changes["tools"] = kept + own
    if "max_steps" in value:
        steps = value["max_steps"]
        if (
            isinstance(steps, bool)
            or not isinstance(steps, int)
            or not 1 <= steps <= MAX_STEPS_LIMIT
        ):
            raise fields.error(
                value.key_lines["max_steps"],
                f"'max_steps' must be a whole number from 1 to {MAX_STEPS_LIMIT} (model calls "
                f"per side), got {steps!r}",
                case,
            )
        changes["max_steps"] = steps
    if "on_tool_error" in value:
        mode = value["on_tool_error"]
        if mode not in ON_TOOL_ERROR:
            raise fields.error(
                value.key_lines["on_tool_error"],
                f"'on_tool_error' must be one of {', '.join(ON_TOOL_ERROR)}, got {mode!r}",
                case,
            )
        changes["on_tool_error"] = mode
    if "timeout" in value:
        changes["timeout_s"] = _timeout(fields, value, case)
    if "allow_hosts" in value:
        changes["allow_hosts"] = read_hosts(fields, value, case, "loop.allow_hosts")
    return replace(base, **changes)


def loop_case(fields: FieldReader, case: Case, loop: Loop, suite_loop: Loop | None) -> Case:
    """The request case with its loop, checked against the tools its request offers.

    A tool the case's own `loop:` answers must be one its request offers; one the suite's
    `loop:` answers need not be (cases of a suite offer different tools; the suite checks
    that some case offers it). Either must be offered in the form of the case's API."""
    if not loop.tools:
        raise fields.error(
            case.line, "'loop' needs 'tools': how each tool call is answered", case.id
        )
    offered: set[str] = set()
    misshapen: set[str] = set()
    for side in SIDES:
        request = case.request_for(side)
        if int(request.get("n") or 1) > 1:
            raise fields.error(
                case.line, "a loop case follows one answer: it cannot ask for 'n' > 1", case.id
            )
        offered |= set(function_names(request.get("tools"), case.api))
        misshapen |= set(function_names(request.get("tools"), _OTHER_API[case.api]))
    for tool in loop.tools:
        if tool.name in misshapen - offered:
            raise fields.error(
                tool.line or case.line,
                f"'loop.tools' answers {tool.name!r}, which the request offers in the form "
                f"of the other API: {_TOOL_FORMS[case.api]}",
                case.id,
            )
        inherited = suite_loop is not None and tool in suite_loop.tools
        if tool.name not in offered and not inherited:
            close = difflib.get_close_matches(tool.name, sorted(offered), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            listed = ", ".join(sorted(offered)) or "none"
            raise fields.error(
                tool.line or case.line,
                f"'loop.tools' answers {tool.name!r}, which the request's 'tools' do not "
                f"offer{hint}; offered: {listed}",
                case.id,
            )
    return replace(case, loop=loop)


_OTHER_API = {"chat": "responses", "responses": "chat"}
_TOOL_FORMS = {
    "chat": "Chat Completions takes {type: function, function: {name, parameters}}",
    "responses": "the Responses API takes {type: function, name, parameters}",
}


def function_names(tools: Any, api: str | None = None) -> list[str]:
    """The function tools a request offers, in Chat Completions' form (`{type: function,
    function: {name}}`), the Responses API's (`{type: function, name}`), or either."""
    names = []
    for tool in tools if isinstance(tools, list) else []:
        if not isinstance(tool, dict) or tool.get("type", "function") != "function":
            continue
        function = tool.get("function")
        form = "chat" if isinstance(function, dict) else "responses"
        name = function.get("name") if isinstance(function, dict) else tool.get("name")
        if isinstance(name, str) and api in (None, form):
            names.append(name)
    return names


def check_suite_tools(fields: FieldReader, suite_loop: Loop | None, cases: list[Case]) -> None:
    """Each tool the suite's `loop:` answers is offered by some loop case's request: else
    it is a misspelling, or answers nothing."""
    offered = {
        name
        for case in cases
        if case.loop is not None
        for side in SIDES
        for name in function_names(case.request_for(side).get("tools"), case.api)
    }
    for tool in suite_loop.tools if suite_loop else ():
        if tool.name not in offered:
            close = difflib.get_close_matches(tool.name, sorted(offered), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise fields.error(
                tool.line or 0,
                f"the suite's 'loop.tools' answers {tool.name!r}, which no case's request "
                f"offers{hint}",
            )


def _tools(fields: FieldReader, node: Located, case: str | None) -> tuple[LoopTool, ...]:
    value = node["tools"]
    line = node.key_lines["tools"]
    if not isinstance(value, Located) or not value:
        raise fields.error(
            line,
            "'loop.tools' must map each tool's name to the team's function ('pkg.module:"
            "function') or to a list of fixed results",
            case,
        )
    tools = []
    for name, answer in value.items():
        where = value.key_lines[name]
        if not _TOOL_NAME.match(name):
            raise fields.error(where, f"{name!r} is not a function tool's name", case)
        if isinstance(answer, str):
            if not is_dotted(answer):
                raise fields.error(
                    where,
                    f"tool {name!r}: the function must be a dotted path like "
                    f"'pkg.module:function', got {answer!r}",
                    case,
                )
            tools.append(LoopTool(name, function=answer, line=where))
        elif isinstance(answer, list) and answer:
            tools.append(
                LoopTool(name, results=_results(fields, answer, where, name, case), line=where)
            )
        else:
            raise fields.error(
                where,
                f"tool {name!r} must be the team's function ('pkg.module:function') or a "
                "non-empty list of fixed results ('- {arguments: {...}, result: ...}')",
                case,
            )
    return tuple(tools)


def _results(
    fields: FieldReader, items: list[Any], line: int, name: str, case: str | None
) -> tuple[FixedResult, ...]:
    if len(items) > MAX_FIXED_RESULTS:
        raise fields.error(
            line, f"tool {name!r} lists more than {MAX_FIXED_RESULTS} fixed results", case
        )
    results = []
    for position, item in enumerate(items, 1):
        where = line_of(item, line)
        what = f"tool {name!r}, result #{position}"
        if not isinstance(item, Located) or "result" not in item:
            raise fields.error(
                where, f"{what} must be a mapping with 'result' (and 'arguments')", case
            )
        fields.check_keys(item, RESULT_KEYS, what, case)
        arguments, result = plain(item.get("arguments")), plain(item["result"])
        try:
            json.dumps([arguments, result])
        except (TypeError, ValueError) as exc:
            raise fields.error(
                where, f"{what} holds a value JSON cannot carry ({exc}); quote it", case
            ) from None
        if "arguments" in item and not isinstance(arguments, dict):
            raise fields.error(where, f"{what}: 'arguments' must be a mapping", case)
        step = _step(fields, item, what, case) if "step" in item else None
        results.append(FixedResult(result, arguments, "arguments" not in item, step))
    return tuple(results)


def _step(fields: FieldReader, item: Located, what: str, case: str | None) -> int:
    """A fixed result's `step`: the one model call of a side's loop it answers at."""
    step = item["step"]
    if isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= MAX_STEPS_LIMIT:
        raise fields.error(
            item.key_lines["step"],
            f"{what}: 'step' must be a whole number from 1 to {MAX_STEPS_LIMIT} (the model call "
            f"of the loop it answers at), got {plain(step)!r}",
            case,
        )
    return step


def _timeout(fields: FieldReader, node: Located, case: str | None) -> float:
    value = node["timeout"]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= MAX_ENTRY_TIMEOUT_S
    ):
        raise fields.error(
            node.key_lines["timeout"],
            f"'loop.timeout' must be seconds (per tool call), more than 0 and at most "
            f"{MAX_ENTRY_TIMEOUT_S:g}",
            case,
        )
    return float(value)
