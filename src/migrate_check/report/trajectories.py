"""Loop cases' paths in the reports: one line per case, and the two paths step by step.

A loop case's `trajectory` check keeps both paths in its evidence (each side's steps,
tool calls with their results and errors, repeated calls, where it stopped) and the
first step where they part. report.md and the terminal say a case's path in one line
(`summary_line`); report.html shows the two paths side by side, a row per step
(`viewer_paths`). The evidence is read as untrusted data: it may have come back from
report.json or a worker, and a check that errored leaves none, so every field is
checked, and every name, argument and result is cut short: a case's rows stay small
however long its tools' answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from migrate_check.core.results import CaseResult, CheckResult
from migrate_check.report.display import clip, compact

#: The check whose evidence holds both paths (always on for loop cases).
CHECK = "trajectory"
#: Characters kept of a tool's name, a call's arguments (as one-line JSON), a result
#: or an error, and of the whole summary line.
NAME_CHARS = 48
ARGUMENT_CHARS = 120
RESULT_CHARS = 120
LINE_CHARS = 300
#: Tools (or repeated calls, or errors) a summary line names before "and N more".
NAMED = 3
#: Calls shown in one step's cell, and in one side's path; the rest are counted.
CALLS_PER_STEP = 8
CALLS_PER_SIDE = 40
#: Rows at most (`max_steps` is at most 100 already).
MAX_ROWS = 100
#: The prefix `trajectory` puts on the reason of its worst sample (linear: no nesting).
_SAMPLE = re.compile(r"sample (\d{1,6}) of (\d{1,6}): ")


def path_check(result: CaseResult) -> CheckResult | None:
    """A loop case's `trajectory` result; None for a case without a loop."""
    if result.case.loop is None:
        return None
    return next((check for check in result.checks if check.check == CHECK), None)


def case_line(result: CaseResult) -> str | None:
    """A loop case's path in one line; None for a case without a loop."""
    if result.case.loop is None:
        return None
    check = path_check(result)
    if check is None:
        return "paths not compared: no trajectory result"
    return summary_line(check)


def summary_line(check: CheckResult) -> str:
    """`candidate: 4 steps (+1), search_flights called twice; baseline: 3 steps; paths
    part at step 3`, or `same path: 3 steps, tools get_weather, search_flights`, or why
    the paths were not compared (a side's call failed, the check errored)."""
    sides = _sides(check.evidence)
    if sides is None:
        return clip(f"paths not compared: {check.reason}", LINE_CHARS)
    before, after = sides
    sample = _SAMPLE.match(check.reason)
    prefix = f"sample {sample.group(1)} of {sample.group(2)}: " if sample else ""
    parted = _step_number(check.evidence.get("parted_at"))
    drift = check.evidence.get("tool_drift")
    drifted = (
        f"; tool drift: {_count(len(drift), 'call')} now answered otherwise than recorded"
        if isinstance(drift, list) and drift
        else ""
    )
    if _same(before, after, parted):
        return clip(f"{prefix}same path: {_shape(after)}{drifted}", LINE_CHARS)
    delta = _steps(after) - _steps(before)
    changes = _tool_changes(before, after)
    candidate = _side_notes(after, before, changes, delta)
    baseline = _side_notes(before, after, [], 0)
    parts = [f"candidate: {candidate}", f"baseline: {baseline}"]
    if parted is not None:
        parts.append(f"paths part at step {parted}")
    return clip(prefix + "; ".join(parts) + drifted, LINE_CHARS)


def viewer_paths(result: CaseResult) -> dict[str, Any] | None:
    """What report.html shows of a loop case's paths, in short keys: `l` the summary
    line, `p` the step where they part (or null), `s` a row per step as `[baseline,
    candidate]`, `h` the steps left out past `MAX_ROWS`. A cell is null where that
    side's path had ended, `[]` for a step that answered with no tool call, else its
    calls as `[call, outcome, kind]` (kind: result, error, unrun or more). None for a
    case without a loop."""
    line = case_line(result)
    if line is None:
        return None
    check = path_check(result)
    sides = _sides(check.evidence) if check is not None else None
    if check is None or sides is None:
        return {"l": line, "p": None, "s": [], "h": 0}
    before, after = sides
    steps = max(_steps(before), _steps(after))
    rows = min(steps, MAX_ROWS)
    cells = (_cells(before, rows), _cells(after, rows))
    return {
        "l": line,
        "p": _step_number(check.evidence.get("parted_at")),
        "s": [[cells[0][n], cells[1][n]] for n in range(rows)],
        "h": steps - rows,
    }


def _sides(evidence: Any) -> tuple[Mapping[str, Any], Mapping[str, Any]] | None:
    """The two sides' summaries from the evidence, or None when it holds no paths."""
    if not isinstance(evidence, Mapping):
        return None
    before, after = evidence.get("baseline"), evidence.get("candidate")
    if not isinstance(before, Mapping) or not isinstance(after, Mapping):
        return None
    return before, after


def _step_number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _steps(side: Mapping[str, Any]) -> int:
    return _step_number(side.get("steps")) or 0


def _calls(side: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    calls = side.get("calls")
    if not isinstance(calls, list):
        return []
    return [call for call in calls if isinstance(call, Mapping)]


def _name(value: Any) -> str:
    return clip(str(value), NAME_CHARS)


def _hit_limit(side: Mapping[str, Any]) -> bool:
    return side.get("stopped") == "step_limit"


def _tools(side: Mapping[str, Any]) -> list[str]:
    """The tools a side called, each once, in the order first called."""
    return list(dict.fromkeys(_name(call.get("name")) for call in _calls(side)))


def _errors(side: Mapping[str, Any]) -> list[str]:
    """`get_weather failed at step 2`, for each call whose tool failed."""
    return [
        f"{_name(call.get('name'))} failed at step {_step_number(call.get('step')) or '?'}"
        for call in _calls(side)
        if call.get("error") is not None
    ]


def _repeats(side: Mapping[str, Any], other: Mapping[str, Any]) -> list[str]:
    """`search_flights called twice`, for calls this side repeats more than the other."""
    mine, theirs = side.get("repeated"), other.get("repeated")
    mine = mine if isinstance(mine, Mapping) else {}
    theirs = theirs if isinstance(theirs, Mapping) else {}
    found = []
    for call, times in mine.items():
        if not isinstance(times, int) or times <= _times_of(theirs.get(call)):
            continue
        name = _name(str(call).partition("(")[0])
        found.append(f"{name} called {'twice' if times == 2 else f'{times} times'}")
    return list(dict.fromkeys(found))


def _times_of(value: Any) -> int:
    return value if isinstance(value, int) else 1


def _same(before: Mapping[str, Any], after: Mapping[str, Any], parted: int | None) -> bool:
    return (
        parted is None
        and _steps(before) == _steps(after)
        and _hit_limit(before) == _hit_limit(after)
        and _errors(before) == _errors(after)
    )


def _shape(side: Mapping[str, Any]) -> str:
    """`3 steps, tools get_weather, search_flights`, with the step limit and errors."""
    notes = [_count(_steps(side), "step")]
    if _hit_limit(side):
        notes.append(f"stopped at the step limit ({side.get('max_steps')})")
    tools = _tools(side)
    notes.append(f"tools {_named(tools)}" if tools else "no tool called")
    notes += _first(_errors(side))
    return ", ".join(notes)


def _tool_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """What the candidate calls that the baseline did not, and what it no longer calls."""
    old, new = _tools(before), _tools(after)
    added = [name for name in new if name not in old]
    dropped = [name for name in old if name not in new]
    found = [f"also calls {_named(added)}"] if added else []
    return found + ([f"no longer calls {_named(dropped)}"] if dropped else [])


def _side_notes(
    side: Mapping[str, Any], other: Mapping[str, Any], changes: list[str], delta: int
) -> str:
    """One side's part of a summary line: its steps (with the difference), the step
    limit, then `changes`, its own repeated calls and its tools' errors."""
    notes = [_count(_steps(side), "step") + (f" ({delta:+d})" if delta else "")]
    if _hit_limit(side):
        notes.append(f"stopped at the step limit ({side.get('max_steps')})")
    notes += changes
    notes += _first(_repeats(side, other))
    notes += _first(_errors(side))
    return ", ".join(notes)


def _first(items: list[str]) -> list[str]:
    """At most `NAMED` items, then how many more."""
    if len(items) <= NAMED:
        return items
    return [*items[:NAMED], f"and {len(items) - NAMED} more"]


def _named(names: list[str]) -> str:
    return ", ".join(_first(names))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _cells(side: Mapping[str, Any], rows: int) -> list[list[list[str]] | None]:
    """One side's cell per step: null past its last step, its calls (bounded) else."""
    steps = _steps(side)
    by_step: list[list[list[str]]] = [[] for _ in range(rows)]
    counted = [0] * rows
    shown = 0
    for call in _calls(side):
        step = _step_number(call.get("step"))
        if step is None or step > rows:
            continue
        counted[step - 1] += 1
        if len(by_step[step - 1]) < CALLS_PER_STEP and shown < CALLS_PER_SIDE:
            by_step[step - 1].append(_call_cell(call, _hit_limit(side) and step == steps))
            shown += 1
    for number, cell in enumerate(by_step):
        if counted[number] > len(cell):
            more = counted[number] - len(cell)
            cell.append([f"and {more} more {'call' if more == 1 else 'calls'}", "", "more"])
    return [cell if number < steps else None for number, cell in enumerate(by_step)]


def _call_cell(call: Mapping[str, Any], last_at_limit: bool) -> list[str]:
    """`[name(arguments), outcome, kind]`, each cut short."""
    arguments = call.get("arguments")
    shown = compact(arguments, ARGUMENT_CHARS) if arguments is not None else ""
    text = f"{_name(call.get('name'))}({shown})"
    error = call.get("error")
    if error is not None:
        return [text, "error: " + clip(str(error), RESULT_CHARS), "error"]
    if call.get("answered") is False:
        why = "the step limit came first" if last_at_limit else "no result sent"
        return [text, f"not run: {why}", "unrun"]
    result = str(call.get("result") or "")
    return [text, "→ " + (clip(result, RESULT_CHARS) if result else "(empty result)"), "result"]
