"""Reading one field of a suite or a case, and saying where it is wrong when it is.

Every part of the reader (the suite and its cases, the per-side blocks, the variants,
the prompts) checks its values through one `FieldReader`, so each mistake names the
file, the line and the case in the same words.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from migrate_check.core.case import Api, CheckSpec
from migrate_check.suites.located import Located, line_of, plain
from migrate_check.suites.suite import SuiteError

APIS: tuple[Api, ...] = ("chat", "responses")


def _unknown_key_message(key: str, allowed: tuple[str, ...], what: str) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {key!r} in {what}{hint}; allowed: {', '.join(allowed)}"


class FieldReader:
    """Checks the values of one suite file; `display` is the path its errors show."""

    def __init__(self, file: Path, display: Path) -> None:
        self.file = file
        self.display = display

    def error(self, line: int, message: str, case: str | None = None) -> SuiteError:
        return SuiteError(self.display, line, message, case)

    def check_keys(
        self, node: Located, allowed: tuple[str, ...], what: str, case: str | None
    ) -> None:
        for key in node:
            if key not in allowed:
                raise self.error(
                    node.key_lines[key], _unknown_key_message(key, allowed, what), case
                )

    def string(self, node: Located, key: str, case: str | None, default: str) -> str:
        value = node.get(key, default)
        if not isinstance(value, str):
            raise self.error(node.key_lines[key], f"{key!r} must be a string", case)
        return value

    def strings(self, node: Located, key: str, case: str | None) -> tuple[str, ...]:
        """A string or a list of strings (`recorded_with: gpt-4o-mini`)."""
        value = node.get(key)
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            raise self.error(
                node.key_lines[key], f"{key!r} must be a string or a list of strings", case
            )
        return tuple(items)

    def mapping(self, node: Located, key: str, case: str | None) -> dict[str, Any]:
        value = node.get(key, {})
        if not isinstance(value, dict):
            raise self.error(node.key_lines[key], f"{key!r} must be a mapping", case)
        return dict(value)

    def api(self, node: Located, case: str | None, default: Api) -> Api:
        value = node.get("api", default)
        for api in APIS:
            if value == api:
                return api
        raise self.error(
            node.key_lines.get("api", node.line),
            f"'api' must be one of {', '.join(APIS)}, got {value!r}",
            case,
        )

    def samples(self, node: Located, case: str | None, default: int) -> int:
        value = node.get("samples", default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.error(
                node.key_lines.get("samples", node.line),
                f"'samples' must be a whole number of at least 1, got {value!r}",
                case,
            )
        return value

    def checks(self, node: Located, case: str | None) -> tuple[CheckSpec, ...]:
        """The `checks:` list: each a check's name, alone or with its options."""
        if "checks" not in node:
            return ()
        items = node["checks"]
        line = node.key_lines["checks"]
        if not isinstance(items, list):
            raise self.error(line, "'checks' must be a list", case)
        specs = []
        for item in items:
            where = line_of(item, line)
            if isinstance(item, str):
                specs.append(CheckSpec(item, None, where))
            elif isinstance(item, dict) and len(item) == 1:
                ((name, options),) = item.items()
                specs.append(CheckSpec(name, plain(options), where))
            else:
                raise self.error(
                    where,
                    "each check is one 'name: options' pair, e.g. '- similarity: {min: 85}'",
                    case,
                )
        return tuple(specs)
