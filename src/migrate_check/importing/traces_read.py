"""OTLP/JSON read within bounds: a file's documents, their spans and log records, every
AnyValue decoded to plain values.

A file is one `{"resourceSpans": [...]}` object (an SDK's or a backend's JSON export), or
one such object a line, as the OpenTelemetry Collector's file exporter writes, whatever
the file's name ends in (its lines may mix `resourceSpans` and `resourceLogs`). A
document that is not OTLP/JSON is a `SourceError` naming the file and the line; a span
whose own data is malformed or too large carries a `problem` instead, so the one span is
skipped (naming it) and the rest of the file still imports.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate_check.importing.errors import SourceError

#: One document: a whole `.json` file, or one line of the collector's file exporter (its
#: batches of 8,192 spans stay well under this even with prompts captured).
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
#: Attributes of one span, event or log record (SDKs keep 128 unless told otherwise).
MAX_ATTRIBUTES = 65_536
#: Events of one span.
MAX_EVENTS = 10_000
#: One string value: a prompt, or a JSON attribute holding all the messages.
MAX_VALUE_CHARS = 16 * 1024 * 1024
#: arrayValue / kvlistValue nesting (a message list with tool schemas is ~10).
MAX_ANY_DEPTH = 32
_BOM = b"\xef\xbb\xbf"
#: What a span id is written with: hex (OTLP/JSON), or base64 (protobuf's own JSON).
_ID_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/=")


class Malformed(ValueError):
    """What is wrong with one span's (or record's) own data; it is skipped, saying so."""


@dataclass
class Span:
    """One span: `where` names it in the file (`span 5fb397be34d26b51`, with the line of
    a file of lines); `problem` says why it cannot be read, when it cannot."""

    where: str
    span_id: str
    name: str
    start_ns: int | None = None
    end_ns: int | None = None
    error: str | None = None  # the status message of a span whose status is ERROR
    attributes: dict[str, Any] = field(default_factory=dict)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    problem: str | None = None


@dataclass
class LogEvent:
    """A log record that is a GenAI event (`gen_ai.user.message`, `gen_ai.choice`, ...),
    with the span it belongs to."""

    span_id: str
    name: str
    body: Any
    attributes: dict[str, Any]


def documents(path: Path) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """(line label or None, object) for each OTLP document of the file."""
    try:
        size = path.stat().st_size
        if size <= MAX_DOCUMENT_BYTES:
            raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc}") from None
    if size <= MAX_DOCUMENT_BYTES:
        text = _text(path, raw.removeprefix(_BOM), None)
        try:
            whole = json.loads(text)
        except RecursionError:
            raise SourceError(path, "nested too deep to read") from None
        except ValueError as exc:
            if not getattr(exc, "msg", "").startswith("Extra data"):
                raise SourceError(path, f"not JSON: {exc}") from None
        else:
            yield None, _object(path, whole, None)
            return
    yield from _lines(path, size)


def _lines(path: Path, size: int) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """One document a line, each line read alone within `MAX_DOCUMENT_BYTES`."""
    limit = MAX_DOCUMENT_BYTES >> 20
    with path.open("rb") as handle:
        number = 0
        while True:
            raw = handle.readline(MAX_DOCUMENT_BYTES + 1)
            if not raw:
                return
            number += 1
            where = f"line {number}"
            if len(raw) > MAX_DOCUMENT_BYTES:
                raise SourceError(
                    path, f"longer than {limit} MiB; refused without reading it", where
                )
            if number == 1:
                raw = raw.removeprefix(_BOM)
            if not raw.strip():
                continue
            try:
                value = json.loads(_text(path, raw, where))
            except RecursionError:
                raise SourceError(path, "nested too deep to read", where) from None
            except ValueError as exc:
                if number == 1 and size > MAX_DOCUMENT_BYTES:
                    raise SourceError(
                        path,
                        f"larger than {limit} MiB and not one OTLP object a line "
                        "(as the collector's file exporter writes); refused",
                    ) from None
                raise SourceError(path, f"not JSON: {exc}", where) from None
            yield where, _object(path, value, where)


def _text(path: Path, raw: bytes, where: str | None) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"not UTF-8 ({exc.reason} at byte {exc.start})", where) from None


def _object(path: Path, value: Any, where: str | None) -> dict[str, Any]:
    if not isinstance(value, dict) or not ("resourceSpans" in value or "resourceLogs" in value):
        raise SourceError(
            path,
            "not an OTLP/JSON export (an object with 'resourceSpans' or 'resourceLogs')",
            where,
        )
    return value


def contents(path: Path, doc: dict[str, Any], line: str | None) -> Iterator[Span | LogEvent]:
    """The spans and GenAI log events of one document, in order."""
    for kind, items in (("Spans", "spans"), ("Logs", "logRecords")):
        for r, resource in enumerate(_list(path, doc, f"resource{kind}", line)):
            at = f"resource{kind}[{r}]"
            scopes = _list(path, resource, f"scope{kind}", line, at)
            if kind == "Spans" and not scopes:  # collectors before OTLP 0.19 wrote this
                scopes = _list(path, resource, "instrumentationLibrarySpans", line, at)
            for s, scope in enumerate(scopes):
                inner = f"{at}.scope{kind}[{s}]"
                for n, item in enumerate(_list(path, scope, items, line, inner)):
                    if not isinstance(item, dict):
                        place = f"{inner}.{items}[{n}]"
                        raise SourceError(path, f"{place} is not an object", line)
                    if kind == "Spans":
                        yield span(item, line, f"{inner}.spans[{n}]")
                    else:
                        event = log_event(item)
                        if event is not None:
                            yield event


def _list(path: Path, holder: Any, key: str, line: str | None, at: str | None = None) -> list[Any]:
    if not isinstance(holder, dict):
        raise SourceError(path, f"{at or 'the document'} is not an object", line)
    value = holder.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise SourceError(path, f"'{key}' of {at or 'the document'} is not a list", line)
    return value


def span(raw: dict[str, Any], line: str | None, position: str) -> Span:
    """A span, named by its id (its position when it has none); its attributes and events
    decoded, or the reason they cannot be."""
    raw_id = raw.get("spanId")
    span_id = raw_id if isinstance(raw_id, str) and _valid_id(raw_id) else position
    label = position if span_id == position else f"span {span_id}"
    found = Span(
        where=f"{line}, {label}" if line else label,
        span_id=span_id,
        name=str(raw.get("name") or "")[:200],
    )
    try:
        found.start_ns = _int_field(raw.get("startTimeUnixNano"))
        found.end_ns = _int_field(raw.get("endTimeUnixNano"))
        status = raw.get("status") or {}
        if isinstance(status, dict) and status.get("code") in (2, "STATUS_CODE_ERROR"):
            found.error = str(status.get("message") or "no message")[:500]
        found.attributes = attributes(raw.get("attributes"))
        events = raw.get("events") or []
        if not isinstance(events, list):
            raise Malformed("'events' is not a list")
        if len(events) > MAX_EVENTS:
            raise Malformed(f"more than {MAX_EVENTS:,} events")
        for event in events:
            if not isinstance(event, dict):
                raise Malformed("an event is not an object")
            found.events.append((str(event.get("name") or ""), attributes(event.get("attributes"))))
    except Malformed as exc:
        found.problem = str(exc)
    return found


def log_event(raw: dict[str, Any]) -> LogEvent | None:
    """A log record that is a GenAI event of a span, or None (any other record, or one
    whose data cannot be read: it has no span to be skipped under)."""
    span_id = raw.get("spanId")
    if not _valid_id(span_id):
        return None
    try:
        attrs = attributes(raw.get("attributes"))
        name = raw.get("eventName") or attrs.get("event.name")
        if not isinstance(name, str) or not name.startswith("gen_ai."):
            return None
        body = any_value(raw.get("body"), 0)
    except Malformed:
        return None
    return LogEvent(span_id, name, body, attrs)  # type: ignore[arg-type]


def attributes(raw: Any) -> dict[str, Any]:
    """A KeyValue list as a dict of plain values; the last of a repeated key wins."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise Malformed("'attributes' is not a list")
    if len(raw) > MAX_ATTRIBUTES:
        raise Malformed(f"more than {MAX_ATTRIBUTES:,} attributes")
    found: dict[str, Any] = {}
    for pair in raw:
        if not isinstance(pair, dict) or not isinstance(pair.get("key"), str):
            raise Malformed("an attribute is not a {key, value} object")
        key = pair["key"]
        try:
            found[key] = any_value(pair.get("value"), 0)
        except Malformed as exc:
            raise Malformed(f"attribute {key[:200]!r}: {exc}") from None
    return found


def any_value(raw: Any, depth: int) -> Any:
    """An OTLP AnyValue as a plain value: str, bool, int, float, list, dict or None
    (bytes stay the base64 text JSON holds them as)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise Malformed("a value is not an AnyValue object")
    if depth >= MAX_ANY_DEPTH:
        raise Malformed(f"values nested deeper than {MAX_ANY_DEPTH} levels")
    for key, value in raw.items():
        if key in ("stringValue", "bytesValue"):
            if not isinstance(value, str):
                raise Malformed(f"{key} is not a string")
            if len(value) > MAX_VALUE_CHARS:
                raise Malformed(f"longer than {MAX_VALUE_CHARS >> 20} MiB")
            return value
        if key == "boolValue":
            return bool(value)
        if key == "intValue":
            return _int_field(value)
        if key == "doubleValue":
            return _double(value)
        if key == "arrayValue":
            items = value.get("values") if isinstance(value, dict) else None
            return [any_value(item, depth + 1) for item in items or []]
        if key == "kvlistValue":
            items = value.get("values") if isinstance(value, dict) else None
            return {
                str(pair.get("key")): any_value(pair.get("value"), depth + 1)
                for pair in items or []
                if isinstance(pair, dict)
            }
    return None  # an empty AnyValue, or only fields OTLP/JSON says to ignore


def _int_field(value: Any) -> int | None:
    """OTLP/JSON writes 64-bit integers as strings (or numbers)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise Malformed("an integer is a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and 0 < len(value) <= 20 and value.lstrip("-").isdigit():
        return int(value)
    raise Malformed(f"not an integer: {str(value)[:40]!r}")


def _double(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if value in ("NaN", "Infinity", "-Infinity"):
        return float(value)
    raise Malformed(f"not a number: {str(value)[:40]!r}")


def _valid_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 64 and set(value) <= _ID_CHARS


def looks_like_otlp(path: Path) -> bool:
    """Whether a file starts as an OTLP/JSON export does: `{"resourceSpans"` (or
    `resourceLogs`), the first key of what SDKs, backends and the collector write. Only
    its first bytes are read."""
    try:
        with path.open("rb") as handle:
            head = handle.read(256)
    except OSError:
        return False
    text = head.removeprefix(_BOM).lstrip()
    if not text.startswith(b"{"):
        return False
    return text[1:].lstrip().startswith((b'"resourceSpans"', b'"resourceLogs"'))
