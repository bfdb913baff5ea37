"""A recorded tool loop made one loop case whose baseline replays offline, every step.

The case is the loop's first request; its `loop:` answers each tool with the results
the application sent back (fixed results, matched by name and arguments, keyed by
`step:` only where the same call was answered otherwise at another step). The
baseline's cassette holds every recorded step, each request after the first rewritten
as migrate-check's own loop sends it (`apps.loop_turns.next_body` from the previous
request, the recorded answer and the results `apps.loop_tools.fixed_answer` gives), so
an offline replay matches every step. Where the application's loop was not the plain
one (it ran only some calls, added a message after the results, changed settings), the
replay differs from the recording there, and the case's description says how.

The replay is simulated step by step with the runner's own code: a step it could not
read as the runner does (an error answer, a stream where the first request asked for
none) ends the case before it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from migrate_check.apps.loop_tools import fixed_answer
from migrate_check.apps.loop_turns import TurnError, asked_calls, next_body
from migrate_check.apps.value import as_text
from migrate_check.cassettes.answers import completions_from_body
from migrate_check.cassettes.tool_items import parse_arguments
from migrate_check.core.canonical import canonical_json
from migrate_check.core.completion import Completion
from migrate_check.core.loop import (
    DEFAULT_MAX_STEPS,
    MAX_STEPS_LIMIT,
    FixedResult,
    LoopTool,
    ToolUse,
)
from migrate_check.core.loop import Loop as LoopSpec
from migrate_check.importing.case_ids import slug
from migrate_check.importing.cassette_reader import Exchange
from migrate_check.importing.loops import Loop
from migrate_check.importing.suite_text import dump_suite
from migrate_check.safety import safe_yaml
from migrate_check.suites.loops import function_names


@dataclass(frozen=True)
class ImportedLoop:
    """What a loop case adds to its request: its `loop:` as the suite holds it, every step
    as the baseline's cassette holds it, and the start of its case id."""

    spec: dict[str, Any]
    steps: tuple[Exchange, ...]
    label: str
    description: str
    #: The cassette interactions it is made of; the others are imported one by one.
    indices: tuple[int, ...]


def imported_loop(loop: Loop, model: str) -> ImportedLoop | None:
    """The loop as a loop case recorded with `model` (a snapshot folded already), or None
    when fewer than two of its steps replay (its interactions are then cases alone)."""
    request = loop.first
    samples = request.get("n")
    if isinstance(samples, int) and samples > 1:
        return None  # a loop case follows one answer
    offered = set(function_names(request.get("tools")))
    notes: list[str] = []
    tools = _fixed_results(loop, offered, notes)
    if not tools:
        return None
    spec_loop = LoopSpec(
        tools=tuple(
            LoopTool(name, results=tuple(_fixed(entry) for entry in entries))
            for name, entries in tools.items()
        )
    )
    steps, ends_at_call = _replayed_steps(loop, {**request, "model": model}, spec_loop, notes)
    if len(steps) < 2:
        return None
    max_steps = len(steps) if ends_at_call else max(DEFAULT_MAX_STEPS, len(steps))
    if ends_at_call:
        notes.append(
            f"the imported steps end at a call: max_steps is {len(steps)}, so the replay "
            "stops there"
        )
    kept = replace(loop, steps=loop.steps[: len(steps)])
    first_tool = next((r.name for _, r in kept.results), "tool")
    label = f"loop-{slug(first_tool.replace('_', ' '))}-{len(steps)}steps"
    about = f"A recorded tool loop: {kept.summary()}."
    bends = [_replayed_note(note) for note in loop.notes] + notes
    if bends:
        about += " The replay differs from the recording: " + "; ".join(bends) + "."
    return ImportedLoop(
        {"tools": tools, "max_steps": max_steps}, tuple(steps), label, about, kept.indices
    )


def _replayed_note(note: str) -> str:
    """A bend `find_loops` noted, and what migrate-check's replay does there instead."""
    if "calls" in note and "answered" in note:
        return f"{note}, the replay answers every call (from the recorded results)"
    if "adds messages" in note:
        return f"{note}, the replay sends the results only"
    if "differs from the first step's" in note:
        return f"{note}, the replay keeps the first step's"
    if "also continues" in note:
        return f"{note} (imported as a case of its own)"
    return note


def _fixed_results(
    loop: Loop, offered: set[str], notes: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """Each tool's fixed results, in the order recorded: one entry per call (name and
    arguments) the tool answered alike at every step; where it answered the same call
    otherwise, one entry per step (`step:`), then the first result for other steps.
    Entries without arguments (the model's were no JSON object) go last: they answer any
    call of the tool at their step."""
    groups: dict[tuple[str, str], list[tuple[int, Any, str]]] = {}
    left_out: list[str] = []
    for n, result in loop.results:
        if result.name not in offered:
            if result.name not in left_out:
                left_out.append(result.name)
            continue
        key = (result.name, canonical_json(result.arguments))
        groups.setdefault(key, []).append((n + 1, result.arguments, result.result))
    if left_out:
        notes.append(
            f"the results of {', '.join(left_out)} are left out: the first request does not "
            "offer that tool"
        )
    keyed: dict[str, list[dict[str, Any]]] = {}
    plain: dict[str, list[dict[str, Any]]] = {}
    last: dict[str, list[dict[str, Any]]] = {}
    for (name, _), recorded in groups.items():
        arguments = recorded[0][1]
        with_arguments = isinstance(arguments, dict)
        given = {"arguments": arguments} if with_arguments else {}
        texts = {text for _, _, text in recorded}
        if len(texts) == 1 and with_arguments:
            plain.setdefault(name, []).append({**given, "result": _value(recorded[0][2])})
            continue
        seen: set[int] = set()
        target = keyed if with_arguments else last
        for step, _, text in recorded:
            if step not in seen:  # two calls alike in one step: the first result answers both
                seen.add(step)
                target.setdefault(name, []).append({"step": step, **given, "result": _value(text)})
        if with_arguments:
            plain.setdefault(name, []).append({**given, "result": _value(recorded[0][2])})
    tools: dict[str, list[dict[str, Any]]] = {}
    for part in (keyed, plain, last):
        for name, entries in part.items():
            tools.setdefault(name, []).extend(entries)
    return tools


def _value(text: str) -> Any:
    """A recorded result as the suite holds it: the JSON it is, when the runner would send
    that JSON back as the very same text (and YAML carries it unchanged), else the text."""
    if not text.lstrip().startswith(("{", "[")):
        return text
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return text
    if as_text(parsed) != text:
        return text
    try:
        again = safe_yaml.load(dump_suite(parsed))  # as the suite file will hold it
    except Exception:  # noqa: BLE001 - any doubt keeps the text
        return text
    return parsed if again == parsed and as_text(again) == text else text


def _fixed(entry: dict[str, Any]) -> FixedResult:
    return FixedResult(
        entry["result"], entry.get("arguments"), "arguments" not in entry, entry.get("step")
    )


def _replayed_steps(
    loop: Loop, first: dict[str, Any], spec: LoopSpec, notes: list[str]
) -> tuple[list[Exchange], bool]:
    """The steps as the baseline's cassette holds them, each request as the runner sends
    it; and whether the last asks for calls (the recording, or the replay, stops there)."""
    streamed = bool(first.get("stream"))
    body = first
    kept: list[Exchange] = []
    missing: list[str] = []
    ends_at_call = True
    for number, step in enumerate(loop.steps, 1):
        exchange = step.exchange
        answer, why = _answer(exchange, streamed, str(first["model"]))
        try:
            asked = asked_calls(loop.api, answer.body) if answer is not None else []
        except TurnError as exc:
            why = str(exc)
        if answer is None or why:
            notes.append(f"step {number} cannot replay ({why}): the case ends before it")
            break
        kept.append(replace(exchange, request=body, model=first["model"]))
        if not asked:
            if number < len(loop.steps):
                notes.append(f"step {number} asks for no function call: the case ends there")
            ends_at_call = False
            break
        if number == len(loop.steps):
            break
        if number == MAX_STEPS_LIMIT:
            notes.append(f"the replay keeps the first {MAX_STEPS_LIMIT} steps")
            break
        uses = []
        for call in asked:
            arguments = parse_arguments(call.arguments)
            given = fixed_answer(spec, call.name, arguments, number)
            if given.failed:
                missing.append(f"{call.name} at step {number}")
            uses.append(ToolUse(call.name, arguments, call.call_id, given.result))
        body = next_body(loop.api, body, answer.body, uses)
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        notes.append(
            f"no result was recorded for {', '.join(missing[:5])}{more}: the replay sends "
            "the no-match error there"
        )
    return kept, ends_at_call


def _answer(exchange: Exchange, streamed: bool, model: str) -> tuple[Completion | None, str]:
    """The step's answer as the runner reads it from the cassette, or why it cannot."""
    if exchange.completion is None or exchange.response_text is None or exchange.error:
        return None, exchange.error or "no answer recorded"
    found = completions_from_body(exchange.response_text, exchange.endpoint, streamed, model, None)
    answer = found[0] if found else None
    if answer is None or answer.error is not None or not isinstance(answer.body, dict):
        return None, (answer.error if answer is not None else None) or "no answer in its body"
    return answer, ""
