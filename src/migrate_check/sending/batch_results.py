"""What comes back from a batch: its result files read within bounds, and the answers
written into cassettes as ordinary exchanges.

Batch output is someone else's bytes: files are read in chunks, each line within a
bound, the whole file within another, and nothing in a line is trusted beyond its
shape. Each answer becomes an exchange in its case's cassette: the request as the SDK
sends it live (URI, method, the headers a live call keeps, the JSON body), the response
body as the batch returned it, and one response header, `openai-batch-id`, which marks
the exchange as batch-recorded so reports price it at batch rates. Offline replay reads
such a cassette like any other.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from migrate_check.cassettes.files import write_interactions
from migrate_check.core.paths import shown_path
from migrate_check.sending.batch_requests import BatchedCase, Target

MAX_RESULT_LINE_BYTES = 16 * 1024 * 1024  # one result line; a real one is kilobytes
MAX_RESULT_FILE_BYTES = 4 * 1024 * 1024 * 1024  # one output or error file
BATCH_HEADER = "openai-batch-id"
SDK_HEADERS = {"accept": ["application/json"], "content-type": ["application/json"]}


class ResultFileError(Exception):
    """A batch's output or error file broke a bound; the message says which."""


async def result_lines(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Lines of a streamed file, each within `MAX_RESULT_LINE_BYTES`, the whole within
    `MAX_RESULT_FILE_BYTES` (ResultFileError beyond)."""
    pending = b""
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > MAX_RESULT_FILE_BYTES:
            raise ResultFileError(f"the file is larger than {MAX_RESULT_FILE_BYTES} bytes")
        pending += chunk
        *lines, pending = pending.split(b"\n")
        if len(pending) > MAX_RESULT_LINE_BYTES:
            raise ResultFileError(f"a line is longer than {MAX_RESULT_LINE_BYTES} bytes")
        for line in lines:
            if line.strip():
                yield line
    if pending.strip():
        yield pending


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
