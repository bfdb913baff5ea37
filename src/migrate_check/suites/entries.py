"""Entry-point cases in a suite: `entry:` names the team's function, `inputs:` its arguments.

```yaml
entry:
  function: example_app.support:answer_ticket
  pass_model: argument          # or {argument: llm}, {env: SUPPORT_MODEL}, rewrite
  allow_hosts: [geo.internal]   # other hosts it may reach (never recorded)
  timeout: 60
cases:
  - id: refund
    inputs: {ticket: "I was charged twice"}
```

A case's own `entry:` overrides the suite's keys one by one; `inputs_from` names a
function returning more keyword arguments, for values YAML cannot hold.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from migrate_check.core.entry import HANDOFFS, EntryPoint
from migrate_check.suites.fields import FieldReader
from migrate_check.suites.located import Located, located, plain

ENTRY_KEYS = ("function", "pass_model", "allow_hosts", "timeout", "isolate", "inputs_from")
#: What an entry-point case cannot hold: the function builds its own requests.
REQUEST_KEYS = ("messages", "input", "request", "api", "baseline", "candidate")
_DOTTED = re.compile(r"^[A-Za-z_][\w.]*(:[A-Za-z_][\w.]*)?$")
_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:]+\](:\d+)?$")
MAX_ENTRY_TIMEOUT_S = 3600.0


def read_entry(
    fields: FieldReader, node: Located, case: str | None, inherited: EntryPoint | None
) -> EntryPoint | None:
    """The suite's or a case's `entry:`, on top of what it inherits; None when neither."""
    if "entry" not in node:
        return inherited
    value = node["entry"]
    line = node.key_lines["entry"]
    if isinstance(value, str):
        value = located({"function": value}, line)
    if not isinstance(value, Located):
        raise fields.error(
            line, "'entry' must be a dotted path ('pkg.module:function') or a mapping", case
        )
    fields.check_keys(value, ENTRY_KEYS, "'entry'", case)
    base = inherited or EntryPoint(function="")
    changes: dict[str, Any] = {}
    if "function" in value:
        function = value["function"]
        if not isinstance(function, str) or not is_dotted(function):
            raise fields.error(
                value.key_lines["function"],
                f"'entry.function' must be a dotted path like 'pkg.module:function', "
                f"got {function!r}",
                case,
            )
        changes["function"] = function
    if "pass_model" in value:
        changes.update(_handoff(fields, value, case))
    if "allow_hosts" in value:
        changes["allow_hosts"] = read_hosts(fields, value, case)
    if "timeout" in value:
        changes["timeout_s"] = _timeout(fields, value, case)
    if "isolate" in value:
        if not isinstance(value["isolate"], bool):
            raise fields.error(value.key_lines["isolate"], "'isolate' must be true or false", case)
        changes["isolate"] = value["isolate"]
    if "inputs_from" in value:
        changes["inputs_from"] = _dotted(fields, value, "inputs_from", case)
    entry = replace(base, **changes)
    if not entry.function and case is not None:
        # A suite's `entry:` may hold only what its cases share (a timeout, hosts).
        raise fields.error(line, "'entry' needs a 'function' (a dotted path)", case)
    return entry


def entry_case_inputs(
    fields: FieldReader, node: Located, case: str, entry: EntryPoint
) -> EntryPoint:
    """The case's `inputs:` (keyword arguments) checked and set on its entry point."""
    for key in REQUEST_KEYS:
        if key in node:
            raise fields.error(
                node.key_lines[key],
                f"{key!r} does not apply to an entry-point case: its function "
                f"({entry.function}) builds its own requests; give it 'inputs'",
                case,
            )
    inputs = plain(fields.mapping(node, "inputs", case))
    where = node.key_lines.get("inputs", node.line)
    for name in inputs:
        if not isinstance(name, str) or not _IDENTIFIER.match(name):
            raise fields.error(where, f"'inputs' key {name!r} is not a keyword argument", case)
    if entry.handoff == "argument" and entry.handoff_name in inputs:
        raise fields.error(
            where,
            f"'inputs' sets {entry.handoff_name!r}, which migrate-check passes: the model "
            "comes from --model-pair",
            case,
        )
    try:
        json.dumps(inputs)
    except (TypeError, ValueError) as exc:
        raise fields.error(
            where, f"'inputs' holds a value JSON cannot carry ({exc}); use 'inputs_from'", case
        ) from None
    return replace(entry, inputs=inputs)


def _handoff(fields: FieldReader, node: Located, case: str | None) -> dict[str, Any]:
    value = node["pass_model"]
    line = node.key_lines["pass_model"]
    shapes = "argument, rewrite, {argument: NAME} or {env: VARIABLE}"
    if value in ("argument", "rewrite"):
        return {"handoff": value, "handoff_name": "model" if value == "argument" else ""}
    if isinstance(value, dict) and len(value) == 1:
        ((kind, name),) = value.items()
        if kind in HANDOFFS and kind != "rewrite" and isinstance(name, str):
            if not _IDENTIFIER.match(name):
                raise fields.error(line, f"'pass_model.{kind}' must be a name, got {name!r}", case)
            return {"handoff": kind, "handoff_name": name}
    raise fields.error(line, f"'pass_model' must be one of {shapes}, got {value!r}", case)


def read_hosts(
    fields: FieldReader, node: Located, case: str | None, what: str = "allow_hosts"
) -> tuple[str, ...]:
    """`allow_hosts`: a host name or a list of them, lower-cased (an entry's or a loop's)."""
    value = node["allow_hosts"]
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(h, str) and _HOST.match(h) for h in items):
        raise fields.error(
            node.key_lines["allow_hosts"],
            f"'{what}' must be a host name or a list of them (e.g. [geo.internal])",
            case,
        )
    return tuple(h.lower() for h in items)


def _timeout(fields: FieldReader, node: Located, case: str | None) -> float:
    value = node["timeout"]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= MAX_ENTRY_TIMEOUT_S
    ):
        raise fields.error(
            node.key_lines["timeout"],
            f"'timeout' must be seconds, more than 0 and at most {MAX_ENTRY_TIMEOUT_S:g}",
            case,
        )
    return float(value)


def _dotted(fields: FieldReader, node: Located, key: str, case: str | None) -> str:
    value = node[key]
    if not isinstance(value, str) or not is_dotted(value):
        raise fields.error(
            node.key_lines[key], f"{key!r} must be a dotted path, got {value!r}", case
        )
    return value


def is_dotted(path: str) -> bool:
    """`pkg.module:name`, `module:name` or `pkg.module.name`: what `pkgutil.resolve_name` reads."""
    return bool(_DOTTED.match(path)) and ("." in path or ":" in path)
