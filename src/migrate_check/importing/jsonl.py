"""JSONL read a line at a time, each line bounded: a log of any length in flat memory.

Every problem is a `SourceError` naming the file and the line: too long, not UTF-8, not
JSON, nested beyond what a suite file can hold, or not an object.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from migrate_check.importing.errors import SourceError

#: A logged request with a few images inlined as base64 stays well under this.
MAX_LINE_BYTES = 16 * 1024 * 1024
#: Nesting a suite file can hold: PyYAML writes and reads it recursively, about three
#: Python frames a level, within the interpreter's limit of 1,000 (a deep schema is ~20).
MAX_DEPTH = 100
_BOM = b"\xef\xbb\xbf"


def records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line, read one line at a time."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc}") from None
    with handle:
        number = 0
        while True:
            try:
                raw = handle.readline(MAX_LINE_BYTES + 1)
            except OSError as exc:
                raise SourceError(path, f"cannot read: {exc}", f"line {number + 1}") from None
            if not raw:
                return
            number += 1
            where = f"line {number}"
            if len(raw) > MAX_LINE_BYTES:
                limit = MAX_LINE_BYTES // (1024 * 1024)
                raise SourceError(
                    path, f"longer than {limit} MiB; refused without reading it", where
                )
            if number == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            if raw.strip():
                yield number, _record(path, raw, where)


def _record(path: Path, raw: bytes, where: str) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"not UTF-8 ({exc.reason} at byte {exc.start})", where) from None
    try:
        record = json.loads(text)
    except RecursionError:
        raise SourceError(path, _too_deep(), where) from None
    except ValueError as exc:
        raise SourceError(path, f"not JSON: {exc}", where) from None
    if not isinstance(record, dict):
        raise SourceError(path, "each line must be a JSON object", where)
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and deeper_than(record, MAX_DEPTH):
        raise SourceError(path, _too_deep(), where)  # (fewer brackets cannot nest deeper)
    return record


def _too_deep() -> str:
    return f"nested deeper than {MAX_DEPTH} levels, more than a suite file holds"


def deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
