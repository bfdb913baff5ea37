"""Per-side requests: what the baseline or the candidate sends differently from the case.

A migration often changes the prompt with the model, so a suite or a case may hold a
`baseline:` and a `candidate:` block (a system prompt, messages, input, instructions or
request parameters). Each is resolved here into plain request keys for that side, so
the rest of the run never reads the blocks themselves.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from migrate_check.core.case import SIDES, Case, Side
from migrate_check.suites.fields import FieldReader
from migrate_check.suites.located import Located, plain
from migrate_check.suites.prompts import read_input, read_messages, read_prompt

#: What a `baseline:` or `candidate:` block may change for its side.
SIDE_KEYS = ("system", "messages", "input", "instructions", "request")


def side_blocks(fields: FieldReader, node: Located, case: str | None) -> dict[Side, Located]:
    """The `baseline:` / `candidate:` blocks of a suite or a case, keys checked."""
    found: dict[Side, Located] = {}
    for side in SIDES:
        if side not in node:
            continue
        block = node[side]
        if not isinstance(block, Located):
            raise fields.error(
                node.key_lines[side],
                f"'{side}' must be a mapping of what that side sends differently "
                f"({', '.join(SIDE_KEYS)})",
                case,
            )
        fields.check_keys(block, SIDE_KEYS, f"'{side}'", case)
        found[side] = block
    return found


def with_sides(
    fields: FieldReader,
    case: Case,
    suite_sides: dict[Side, Located],
    case_sides: dict[Side, Located],
) -> Case:
    """The case with each side's changes resolved into plain request keys: the suite's
    block first, then the case's, each applied to the request as it stands so far."""
    sides: dict[Side, dict[str, Any]] = {}
    for side in SIDES:
        changes: dict[str, Any] = {}
        for block in (suite_sides.get(side), case_sides.get(side)):
            if block is not None:
                current = {**case.request, **changes}
                changes.update(side_changes(fields, block, current, case, side))
        if changes:
            sides[side] = changes
    if not sides:
        return case
    resolved = replace(case, sides=sides)
    for side in SIDES:
        if "model" in resolved.request_for(side):
            raise fields.error(case.line, f"'{side}' may not set 'model'", case.id)
    return resolved


def side_changes(
    fields: FieldReader, block: Located, current: dict[str, Any], case: Case, side: Side
) -> dict[str, Any]:
    """The request keys one block changes, given the request `current` it applies to."""
    changes: dict[str, Any] = {}
    if "request" in block:
        params = fields.mapping(block, "request", case.id)
        if "model" in params:
            raise fields.error(
                block.key_lines["request"], "'model' is set by --model-pair", case.id
            )
        changes.update(plain(params))
    chat = case.api == "chat"
    if "messages" in block:
        if not chat:
            raise fields.error(
                block.key_lines["messages"], "'messages' is for chat; use 'input'", case.id
            )
        changes["messages"] = read_messages(fields, block, case.id)
    if "input" in block:
        if chat:
            raise fields.error(block.key_lines["input"], "'input' is for 'api: responses'", case.id)
        changes["input"] = read_input(fields, block, case.id)
    if "instructions" in block:
        if chat:
            raise fields.error(
                block.key_lines["instructions"],
                "'instructions' is for 'api: responses'; use 'system'",
                case.id,
            )
        changes["instructions"] = read_prompt(fields, block, "instructions", case.id)
    if "system" in block:
        text = read_prompt(fields, block, "system", case.id)
        given = changes.get("input", current.get("input"))
        if chat:
            messages = changes.get("messages", current.get("messages", []))
            changes["messages"] = _with_system(messages, text)
        elif isinstance(given, list) and any(_is_system(m) for m in given):
            changes["input"] = _with_system(given, text)  # the prompt is in `input`
        else:
            changes["instructions"] = text
    try:
        json.dumps(changes)
    except (TypeError, ValueError) as exc:
        raise fields.error(
            block.line, f"'{side}' holds a value JSON cannot carry ({exc})", case.id
        ) from None
    return changes


def _is_system(message: Any) -> bool:
    return isinstance(message, dict) and message.get("role") in ("system", "developer")


def _with_system(messages: list[Any], text: str) -> list[Any]:
    """The messages with the first system (or developer) message's content replaced, or
    a system message put first when there is none."""
    patched = [dict(m) if isinstance(m, dict) else m for m in messages]
    for message in patched:
        if _is_system(message):
            message["content"] = text
            return patched
    return [{"role": "system", "content": text}, *patched]
