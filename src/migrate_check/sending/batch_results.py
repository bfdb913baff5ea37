"""What comes back from a batch: its result files read within bounds, and the answers
written into cassettes as ordinary exchanges.

Batch output is someone else's bytes: files are read in chunks, each line within a
bound, the whole file within another, and nothing in a line is trusted beyond its
shape. A line past its bound, or not JSON, costs its own case only: the others are
read, and the state file keeps the lines not read (`Reading`), so no run pays twice.
Each answer becomes an exchange in its case's cassette: the request as the SDK
sends it live (URI, method, the headers a live call keeps, the JSON body), the response
body as the batch returned it, and one response header, `openai-batch-id`, which marks
the exchange as batch-recorded so reports price it at batch rates. Offline replay reads
such a cassette like any other.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from migrate_check.cassettes.files import write_interactions
from migrate_check.core.paths import shown_path
from migrate_check.sending.batch_requests import BatchedCase, Target

MAX_RESULT_LINE_BYTES = 16 * 1024 * 1024  # one result line; a real one is kilobytes
MAX_RESULT_FILE_BYTES = 4 * 1024 * 1024 * 1024  # one output or error file
HEAD_BYTES = 4096  # where a line names its custom_id (the API writes it second)
BATCH_HEADER = "openai-batch-id"
SDK_HEADERS = {"accept": ["application/json"], "content-type": ["application/json"]}
_CUSTOM_ID = re.compile(rb'"custom_id"[ \t]{0,16}:[ \t]{0,16}"([^"\\\x00-\x1f]{1,512})"')


class ResultFileError(Exception):
    """A batch's output or error file broke a bound; the message says which."""


@dataclass(frozen=True)
class Overlong:
    """A result line longer than the bound: not kept, but its start names its line."""

    head: bytes
    size: int
    limit: int

    @property
    def custom_id(self) -> str | None:
        return named_custom_id(self.head)


@dataclass
class Reading:
    """What one batch's result files gave: the lines taken (answered, failed or not run:
    the state file may forget them) and those that could not be read (it keeps them)."""

    taken: set[str] = field(default_factory=set)
    unread: dict[str, str] = field(default_factory=dict)  # custom_id -> why
    unnamed: int = 0  # unreadable lines that name no line of the batch


def named_custom_id(head: bytes) -> str | None:
    """The `custom_id` a line's start names, found without parsing it (it may be cut)."""
    found = _CUSTOM_ID.search(head[:HEAD_BYTES])
    if found is None:
        return None
    try:
        return found.group(1).decode("utf-8")
    except UnicodeDecodeError:
        return None


async def result_lines(
    chunks: AsyncIterator[bytes], max_line_bytes: int | None = None
) -> AsyncIterator[bytes | Overlong]:
    """Lines of a streamed file; a line over `max_line_bytes` (`MAX_RESULT_LINE_BYTES`)
    comes as an `Overlong` and reading goes on; the whole file within
    `MAX_RESULT_FILE_BYTES` (ResultFileError beyond)."""
    limit = MAX_RESULT_LINE_BYTES if max_line_bytes is None else max_line_bytes
    pending = bytearray()
    skipped: Overlong | None = None  # the line being skipped, past the bound
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > MAX_RESULT_FILE_BYTES:
            raise ResultFileError(f"the file is larger than {MAX_RESULT_FILE_BYTES} bytes")
        start = 0
        while start <= len(chunk):
            end = chunk.find(b"\n", start)
            piece = chunk[start:] if end < 0 else chunk[start:end]
            if skipped is not None:
                skipped = Overlong(skipped.head, skipped.size + len(piece), limit)
            else:
                pending += piece
                if len(pending) > limit:
                    skipped = Overlong(bytes(pending[:HEAD_BYTES]), len(pending), limit)
                    pending.clear()
            if end < 0:
                break
            if skipped is not None:
                yield skipped
            elif pending.strip():
                yield bytes(pending)
            pending.clear()
            skipped, start = None, end + 1
    if skipped is not None:
        yield skipped
    elif pending.strip():
        yield bytes(pending)


def api_message(error: Any) -> str:
    """An error object of the API (`code`, `message`) on one bounded line."""
    if isinstance(error, dict):
        code, message = error.get("code"), error.get("message")
        text = str(message or "")[:500]
        return f"{code}: {text}" if code else text or "no detail"
    return str(error)[:500] if error else "no detail"


def write_answers(item: BatchedCase, record_mode: str, target: Target) -> None:
    """What arrived into the cassette, by the record mode's rule: `new_episodes` adds
    what arrived; `once` and `all` write a case only when every sample arrived (`all`
    keeps the earlier recording otherwise)."""
    answers = [item.answers[c] for c in item.custom_ids if c in item.answers]
    if not answers or item.written:
        return
    whole = len(answers) == len(item.custom_ids)
    if record_mode != "new_episodes" and not whole:
        return
    exchanges = _recorded_exchanges(item) if record_mode == "new_episodes" else []
    request = {
        "method": "POST",
        "uri": target.uri(item.case, item.model),
        "body": json.dumps(item.body, ensure_ascii=False, separators=(",", ":")),
        "headers": SDK_HEADERS,
    }
    for text, batch_id in answers:
        response = {
            "status": {"code": 200, "message": "OK"},
            "headers": {"content-type": ["application/json"], BATCH_HEADER: [batch_id]},
            "body": {"string": text},
        }
        exchanges.append({"request": dict(request), "response": response})
    try:
        write_interactions(item.path, exchanges)
        item.written = True
        item.answers = dict.fromkeys(item.answers, ("", ""))  # counted, not kept
    except OSError as exc:
        item.failure = (
            f"could not write the cassette {shown_path(item.path)}: {exc.strerror or exc}"
        )


def _recorded_exchanges(item: BatchedCase) -> list[dict[str, Any]]:
    """The exchanges the case's cassette holds already (none without a cassette)."""
    from vcr.persisters.filesystem import CassetteNotFoundError
    from vcr.serializers import yamlserializer

    from migrate_check.cassettes.files import AtomicPersister

    try:
        requests, responses, *_ = AtomicPersister.load_cassette(item.path, yamlserializer)
    except CassetteNotFoundError:
        return []
    return [
        {"request": r._to_dict(), "response": s} for r, s in zip(requests, responses, strict=False)
    ]
