"""OpenTelemetry traces of LLM calls -> cases: each LLM span a Chat Completions request,
its recorded answer the baseline's.

Reads OTLP/JSON (`traces_read`) in the spellings openllmetry, openinference and the GenAI
semantic conventions write (`traces_messages`, `traces_request`). A span whose prompt is
not in its attributes or span events (content capture was off, or the conventions' events
went out as log records) waits on disk until every file is read: its events may be log
records in another file of the import. What is not an LLM call is counted, once a file;
a call to another provider than OpenAI, or through the Responses API, is skipped saying
so (`traces_kinds`).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate_check.cassettes.answers import CHAT_ENDPOINT, completion_from_chat
from migrate_check.importing.cassette_reader import Exchange
from migrate_check.importing.origins import folded
from migrate_check.importing.skipped import Skipped
from migrate_check.importing.traces_kinds import not_a_call, other_provider, responses_call
from migrate_check.importing.traces_messages import (
    Choice,
    Event,
    Unusable,
    input_messages,
    output_choices,
    parse_json,
    redacted,
)
from migrate_check.importing.traces_read import LogEvent, Span, contents, documents
from migrate_check.importing.traces_request import model_named, settings, usage

#: Spans read from one file; the rest of a larger file is left out, saying so.
MAX_SPANS = 1_000_000
CHAT_URL = "https://api.openai.com/v1/chat/completions"
NO_CONTENT = (
    "no prompt captured (the tracer's content capture was off: TRACELOOP_TRACE_CONTENT, "
    "OPENINFERENCE_HIDE_INPUTS, OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT)"
)
_LEGACY_COMPLETION = "a legacy Completions call (a prompt string), not a chat request"


@dataclass(frozen=True)
class Call:
    """One LLM span as a request: what a `Prompt` of the Chat API is made of."""

    request: dict[str, Any]
    model: str | None
    origin: str
    answer: Exchange | None
    description: str
    source: str


def read_traces(
    files: list[tuple[Path, str]],
    fold: bool,
    skipped: list[Skipped],
    read: Callable[[Path, str], None],
) -> Iterator[Call]:
    """Every LLM call of the files ((path, its name in origins)), one at a time; what is
    left out goes to `skipped`; `read` is told of each file once it is read."""
    with _Pending() as pending:
        for path, source in files:
            yield from _file(path, source, fold, skipped, pending)
            read(path, source)
        for span, path, source in pending.spans():
            found = _call(span, pending.events(span), path, source, fold, final=True)
            if isinstance(found, Call):
                yield found
            elif found is not None:
                skipped.append(found)


def _file(
    path: Path, source: str, fold: bool, skipped: list[Skipped], pending: _Pending
) -> Iterator[Call]:
    ignored: Counter[str] = Counter()
    count = 0
    for line, doc in documents(path):
        for item in contents(path, doc, line):
            if isinstance(item, LogEvent):
                pending.add_event(item)
                continue
            count += 1
            if count > MAX_SPANS:
                reason = (
                    f"only its first {MAX_SPANS:,} spans were read; split it to import the rest"
                )
                skipped.append(Skipped(source, reason, source=source))
                _ignored(ignored, source, skipped)
                return
            if item.problem is not None:
                skipped.append(Skipped(f"{source}: {item.where}", item.problem, source=source))
                continue
            label = not_a_call(item.attributes)
            if label is not None:
                ignored[label] += 1
                continue
            found = _call(item, _span_events(item), path, source, fold, final=False)
            if isinstance(found, Call):
                yield found
            elif found is not None:
                skipped.append(found)
            else:
                pending.add_span(item, path, source)
    _ignored(ignored, source, skipped)


def _ignored(ignored: Counter[str], source: str, skipped: list[Skipped]) -> None:
    if ignored:
        kinds = ", ".join(f"{n:,} {label}" for label, n in ignored.most_common(3))
        more = ", ..." if len(ignored) > 3 else ""
        total = sum(ignored.values())
        what = "span that is not an LLM call" if total == 1 else "spans that are not LLM calls"
        reason = f"ignored: {total:,} {what} ({kinds}{more})"
        skipped.append(Skipped(source, reason, source=source))


def _call(
    span: Span, events: list[Event], path: Path, source: str, fold: bool, *, final: bool
) -> Call | Skipped | None:
    """The span as a request, or why it is none; None while its prompt may yet come in
    log records (`final`: no more will)."""
    attrs = span.attributes
    where = f"{source}: {span.where}"
    elsewhere = other_provider(attrs, model_named(attrs))
    if elsewhere is not None:
        return Skipped(where, elsewhere, source=source)
    try:
        found = settings(attrs)
    except Unusable as exc:
        return Skipped(where, str(exc), source=source)
    model, snapshot = folded(found.model, fold)
    origin = where + (f" (recorded with {snapshot})" if snapshot else "")
    if span.error is not None:
        return Skipped(origin, f"the call failed: {span.error}", model, source)
    responses = responses_call(span.name, attrs)
    if responses is not None:
        return Skipped(origin, responses, model, source)
    operation = (attrs.get("llm.request.type"), attrs.get("gen_ai.operation.name"))
    if operation[0] == "completion" or operation[1] == "text_completion":
        return Skipped(origin, _LEGACY_COMPLETION, model, source)
    try:
        messages = input_messages(attrs, events)
        choices = output_choices(attrs, events) if messages else []
    except Unusable as exc:
        return Skipped(origin, str(exc), model, source)
    if not any(m.get("content") or m.get("tool_calls") for m in messages):
        if any(key.startswith("llm.prompts.") for key in attrs):
            return Skipped(origin, _LEGACY_COMPLETION, model, source)
        return Skipped(origin, NO_CONTENT, model, source) if final else None
    if redacted(messages):
        return Skipped(origin, "the tracer hid the prompt (__REDACTED__)", model, source)
    notes = [*found.notes, *_link_calls(messages)]
    request: dict[str, Any] = {"messages": messages, **found.params}
    if found.tools:
        request["tools"] = found.tools
    answer = None
    if choices and model:
        body = _body(span, attrs, choices, found.response_model or model)
        answer = _exchange(path, span, {**request, "model": model}, model, body)
    elif not choices:
        notes.append("the trace holds no answer, so both models are recorded")
    return Call(request, model, origin, answer, "; ".join(notes), source)


def _link_calls(messages: list[dict[str, Any]]) -> list[str]:
    """Tool calls some tracers record without ids get ids, and the results that follow
    them their call's, so the API takes the conversation."""
    made = 0
    waiting: list[str] = []
    for message in messages:
        for call in message.get("tool_calls") or []:
            if "id" not in call:
                made += 1
                call["id"] = f"call_{made}"
                waiting.append(call["id"])
        if message.get("role") == "tool" and message.get("tool_call_id") is None and waiting:
            message["tool_call_id"] = waiting.pop(0)
    return [f"{made} tool call id(s) were not in the trace: made up"] if made else []


def _body(
    span: Span, attrs: Mapping[str, Any], choices: list[Choice], model: str
) -> dict[str, Any]:
    """The recorded answer as the `chat.completion` the API would have sent."""
    response_id = attrs.get("gen_ai.response.id")
    body: dict[str, Any] = {
        "id": response_id if isinstance(response_id, str) else f"chatcmpl-{span.span_id}",
        "object": "chat.completion",
        "created": (span.start_ns or 0) // 1_000_000_000,
        "model": model,
        "choices": [],
    }
    for index, choice in enumerate(choices):
        message = choice.message
        for number, call in enumerate(message.get("tool_calls") or []):
            call.setdefault("id", f"call_{span.span_id}_{number}")
        reason = choice.finish_reason or ("tool_calls" if message.get("tool_calls") else "stop")
        body["choices"].append({"index": index, "message": message, "finish_reason": reason})
    recorded = usage(attrs)
    if recorded is not None:
        body["usage"] = recorded
    return body


def _exchange(
    path: Path, span: Span, request: dict[str, Any], model: str, body: dict[str, Any]
) -> Exchange:
    """The recorded answer as the cassette reader gives one: the writer makes the
    baseline's cassette of it."""
    return Exchange(
        source=path,
        index=0,
        method="POST",
        endpoint=CHAT_ENDPOINT,
        request=request,
        model=model,
        status=200,
        stream=False,
        completion=completion_from_chat(body, model, None),
        error=None,
        uri=CHAT_URL,
        response_text=json.dumps(body, ensure_ascii=False),
        response_headers={"content-type": "application/json"},
    )


def _span_events(span: Span) -> list[Event]:
    """Span events with their body: some tracers put it in `gen_ai.event.content` (JSON)."""
    found: list[Event] = []
    for name, attrs in span.events:
        body = attrs.get("gen_ai.event.content")
        if body is not None:
            try:
                parsed = parse_json(body, "gen_ai.event.content")
            except Unusable:
                parsed = None
            if isinstance(parsed, dict):
                attrs = {**attrs, **parsed}
        found.append((name, attrs))
    return found


class _Pending:
    """Spans without their prompt, and every GenAI log record, on disk until all files are
    read (flat memory however many there are)."""

    def __init__(self) -> None:
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> _Pending:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, _: object
    ) -> None:
        folder = self._folder.name if self._folder is not None else tempfile.gettempdir()
        if self._db is not None:
            self._db.close()
        if self._folder is not None:
            self._folder.cleanup()
        if isinstance(exc, sqlite3.Error):  # a full disk, say: one line, as the spool says it
            raise OSError(
                f"the working copy of the traces in {folder} failed: {exc} "
                "(TMPDIR names another folder for it)"
            ) from exc

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            self._folder = tempfile.TemporaryDirectory(prefix="migrate-check-traces-")
            self._db = sqlite3.connect(Path(self._folder.name) / "pending.sqlite")
            self._db.executescript(
                "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                "CREATE TABLE spans (seq INTEGER PRIMARY KEY, data TEXT, path TEXT, source TEXT);"
                "CREATE TABLE events (seq INTEGER PRIMARY KEY, span TEXT, name TEXT, body TEXT);"
                "CREATE INDEX events_by_span ON events (span, seq);"
            )
        return self._db

    def add_span(self, span: Span, path: Path, source: str) -> None:
        data = [span.where, span.span_id, span.name, span.start_ns, span.attributes]
        self._open().execute(
            "INSERT INTO spans (data, path, source) VALUES (?, ?, ?)",
            (json.dumps(data), str(path), source),
        )

    def add_event(self, event: LogEvent) -> None:
        body = event.body
        if isinstance(body, str):
            try:
                body = parse_json(body, "an event's body")
            except Unusable:
                body = {"content": body}
        fields = {**event.attributes, **(body if isinstance(body, dict) else {})}
        self._open().execute(
            "INSERT INTO events (span, name, body) VALUES (?, ?, ?)",
            (event.span_id, event.name, json.dumps(fields)),
        )

    def spans(self) -> Iterator[tuple[Span, Path, str]]:
        if self._db is None:
            return
        rows = self._db.execute("SELECT data, path, source FROM spans ORDER BY seq")
        for data, path, source in _each(rows):
            where, span_id, name, start, attrs = json.loads(data)
            yield Span(where, span_id, name, start, attributes=attrs), Path(path), source

    def events(self, span: Span) -> list[Event]:
        assert self._db is not None
        rows = self._db.execute(
            "SELECT name, body FROM events WHERE span = ? ORDER BY seq", (span.span_id,)
        )
        return [(name, json.loads(body)) for name, body in rows]


def _each(rows: sqlite3.Cursor) -> Iterator[tuple[str, str, str]]:
    while batch := rows.fetchmany(256):
        yield from batch
