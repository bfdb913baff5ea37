"""The Batch API: a JSONL file of requests answered later, as `POST /v1/batches` does.

Each line is answered by the same logic as the live endpoint (`respond.run`),
so a line's body equals a first live call's with the same request, ids and
timestamps aside. Nothing runs in the background: a batch advances when it is
read, by the clock, along the timeline its `BatchPlan` gives:

    created ── validating_s ──> in_progress ── in_progress_s ──> finalizing
            ── finalizing_s ──> completed

Lines finish one by one, evenly spread over `in_progress_s`, so polls see
`request_counts.completed` grow. A line whose body contains `[batch:fail]`
fails (status 500, in the error file); one the live endpoint would reject
fails with the live 400. Two markers spoil a line's result as written, so a
reader's bounds can be tested: `[batch:pad=N]` adds N bytes (at most 64 MiB)
to its response body, `[batch:garble]` writes only its first half (not JSON).
`expire_after_s` (from creation) cut short makes the batch `expired`;
`POST /v1/batches/{id}/cancel` makes it `cancelling`, then `cancelled` after
`cancelling_s`. Either way, lines finished by then keep
their results in the output file and the rest go to the error file with
`batch_expired` / `batch_cancelled`; `request_counts` counts only finished lines.

Creation answers 400 for an unknown endpoint or completion window and an
input file not uploaded with `purpose=batch`; `batch_input.py` checks the
file itself (mixed models: 400; bad lines: the batch turns `failed`).
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devtools.local_openai.batch_input import Line, checked_metadata, one_model, read, required
from devtools.local_openai.errors import ApiError
from devtools.local_openai.files import FileStore, StoredFile, cursor_page
from devtools.local_openai.respond import ENDPOINTS

JsonObj = dict[str, Any]
# (api, request body, whether any model name goes, as on Azure) -> (HTTP status, response body)
LineRunner = Callable[[str, JsonObj, bool], tuple[int, JsonObj]]

FAIL_MARKER = "[batch:fail]"
GARBLE_MARKER = "[batch:garble]"
PAD_MARKER = re.compile(r"\[batch:pad=(\d{1,8})\]")
MAX_PAD = 64 * 1024 * 1024
COMPLETION_WINDOW_S = 24 * 3600
TERMINAL = frozenset(("completed", "failed", "expired", "cancelled"))
CANCELLABLE = frozenset(("validating", "in_progress"))
EXPIRED_LINE = {
    "code": "batch_expired",
    "message": "This request could not be executed before the completion window expired.",
}
CANCELLED_LINE = {
    "code": "batch_cancelled",
    "message": "This request was not executed because the batch was cancelled.",
}
FAILED_LINE_BODY = {
    "error": {
        "message": "The server had an error while processing your request. Sorry about that!",
        "type": "server_error",
        "param": None,
        "code": None,
    }
}


@dataclass(frozen=True)
class BatchPlan:
    """How long a batch spends in each status, and when it expires; taken at creation."""

    validating_s: float = 0.0
    in_progress_s: float = 0.0
    finalizing_s: float = 0.0
    cancelling_s: float = 0.0
    expire_after_s: float = COMPLETION_WINDOW_S
    max_lines: int = 50_000

    def __post_init__(self) -> None:
        durations = (self.validating_s, self.in_progress_s, self.finalizing_s, self.cancelling_s)
        if min(durations) < 0 or self.expire_after_s < 0:
            raise ValueError(f"batch durations must not be negative: {self!r}")
        if not 1 <= self.max_lines <= 50_000:
            raise ValueError(f"max_lines {self.max_lines} is not between 1 and 50,000")


@dataclass
class Batch:
    """A batch and everything needed to advance it."""

    id: str
    endpoint: str
    api: str
    input_file_id: str
    metadata: JsonObj | None
    created_at: float
    plan: BatchPlan
    lines: list[Line]
    model: str | None
    errors: list[JsonObj] = field(default_factory=list)
    azure: bool = False
    status: str = "validating"
    times: dict[str, float] = field(default_factory=dict)
    cancel_at: float | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None

    @property
    def started(self) -> float:
        return self.created_at + self.plan.validating_s

    @property
    def ran(self) -> float:
        return self.started + self.plan.in_progress_s

    @property
    def expires(self) -> float:
        return self.created_at + self.plan.expire_after_s

    def due(self, index: int) -> float:
        """When line `index` (from 0) finishes: evenly spread over the in-progress time."""
        return self.started + self.plan.in_progress_s * (index + 1) / len(self.lines)


class BatchStore:
    """Batches by id, advanced on every read; thread-safe."""

    def __init__(
        self,
        files: FileStore,
        runner: LineRunner,
        new_id: Callable[[str], str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._files = files
        self._run = runner
        self._new_id = new_id
        self._clock = clock
        self._lock = threading.Lock()
        self._batches: dict[str, Batch] = {}
        self.lines_run = 0

    # ------------------------------------------------------------ the endpoints

    def create(
        self,
        request: JsonObj,
        plan: BatchPlan,
        model_for: Callable[[str], str],
        *,
        azure: bool = False,
    ) -> JsonObj:
        """`POST /v1/batches`; on Azure, `model_for` maps a line's deployment to its model."""
        input_file_id = required(request, "input_file_id")
        endpoint = required(request, "endpoint")
        window = required(request, "completion_window")
        if endpoint not in ENDPOINTS:
            shown = ", ".join(f"'{e}'" for e in ENDPOINTS if e.startswith("/v1/"))
            raise ApiError.invalid(
                f"Invalid value: '{endpoint}'. Supported values are: {shown}.",
                param="endpoint",
                code="invalid_value",
            )
        if window != "24h":
            raise ApiError.invalid(
                f"Invalid value: '{window}'. Supported values are: '24h'.",
                param="completion_window",
                code="invalid_value",
            )
        metadata = checked_metadata(request.get("metadata"))
        source = self._files.get(input_file_id)
        if source.purpose != "batch":
            raise ApiError.invalid(
                f"The input file {input_file_id} has purpose '{source.purpose}'; a batch needs "
                "a file uploaded with purpose 'batch'.",
                param="input_file_id",
            )
        lines, errors = read(source, ENDPOINTS[endpoint], plan.max_lines)
        for line in lines:
            if isinstance(line.body.get("model"), str):
                line.body = {**line.body, "model": model_for(line.body["model"])}
        model = one_model(lines)
        batch = Batch(
            id=self._new_id("batch"),
            endpoint=endpoint,
            api=ENDPOINTS[endpoint],
            input_file_id=input_file_id,
            metadata=metadata,
            created_at=self._clock(),
            plan=plan,
            lines=[] if errors else lines,
            model=model,
            errors=errors,
            azure=azure,
        )
        with self._lock:
            self._batches[batch.id] = batch
            return self._json(batch)

    def get(self, batch_id: str) -> JsonObj:
        with self._lock:
            batch = self._find(batch_id)
            self._advance(batch)
            return self._json(batch)

    def cancel(self, batch_id: str) -> JsonObj:
        """`POST /v1/batches/{id}/cancel`: `cancelling` now, `cancelled` after `cancelling_s`."""
        with self._lock:
            batch = self._find(batch_id)
            self._advance(batch)
            if batch.status == "cancelling":
                return self._json(batch)
            if batch.status not in CANCELLABLE:
                raise ApiError.invalid(
                    f"Cannot cancel a batch with status '{batch.status}'.", status=409
                )
            batch.cancel_at = self._clock()
            self._advance(batch)
            return self._json(batch)

    def page(self, after: str | None, limit: int) -> JsonObj:
        """`GET /v1/batches`: newest first, a cursor page."""
        with self._lock:
            batches = list(self._batches.values())
            for batch in batches:
                self._advance(batch)
            items = [self._json(b) for b in reversed(batches)]
        return cursor_page(items, after, limit)

    # ------------------------------------------------------------ advancing

    def _find(self, batch_id: str) -> Batch:
        found = self._batches.get(batch_id)
        if found is None:
            raise ApiError.invalid(f"No batch found with id '{batch_id}'.", status=404)
        return found

    def _advance(self, batch: Batch) -> None:
        """Bring a batch to where the clock says it is: run due lines, move its status."""
        if batch.status in TERMINAL:
            return
        now = self._clock()
        if batch.errors:
            if now >= batch.started:
                batch.status = "failed"
                batch.times["failed_at"] = batch.started
            return
        cut = batch.expires if batch.expires < batch.ran else math.inf
        stop = min(now, cut, batch.cancel_at if batch.cancel_at is not None else math.inf)
        self._run_due(batch, stop)
        if stop >= batch.started:
            batch.times["in_progress_at"] = batch.started
        if batch.cancel_at is not None:
            batch.times["cancelling_at"] = batch.cancel_at
            ends = batch.cancel_at + batch.plan.cancelling_s
            if now >= ends:
                self._finish(batch, "cancelled", ends, CANCELLED_LINE)
            else:
                batch.status = "cancelling"
            return
        if now >= cut:
            self._finish(batch, "expired", cut, EXPIRED_LINE)
            return
        if now >= batch.started:
            batch.status = "in_progress"
        if now >= batch.ran:
            batch.times["finalizing_at"] = batch.ran
            batch.status = "finalizing"
        if now >= batch.ran + batch.plan.finalizing_s:
            self._finish(batch, "completed", batch.ran + batch.plan.finalizing_s, None)

    def _run_due(self, batch: Batch, stop: float) -> None:
        for index, line in enumerate(batch.lines):
            if line.result is not None:
                continue
            due = batch.due(index)
            if due > stop:
                break
            line.done_at = due
            if FAIL_MARKER in json.dumps(line.body, ensure_ascii=False).lower():
                status, body = 500, FAILED_LINE_BODY
            else:
                status, body = self._run(batch.api, line.body, batch.azure)
            line.result = {"status_code": status, "body": body}
            self.lines_run += 1

    def _finish(self, batch: Batch, status: str, at: float, unfinished: JsonObj | None) -> None:
        """Write the output and error files and settle the batch in a final status."""
        batch.status = status
        batch.times[f"{status}_at"] = at
        outputs: list[str] = []
        errors: list[str] = []
        for line in batch.lines:
            entry: JsonObj = {"id": self._new_id("batch_req"), "custom_id": line.custom_id}
            if line.result is None:
                if unfinished is None:  # cannot happen once every line is due
                    continue
                errors.append(_spoiled(line, {**entry, "response": None, "error": unfinished}))
                continue
            response = {
                "status_code": line.result["status_code"],
                "request_id": self._new_id("request"),
                "body": line.result["body"],
            }
            target = outputs if line.result["status_code"] == 200 else errors
            target.append(_spoiled(line, {**entry, "response": response, "error": None}))
        if outputs:
            batch.output_file_id = self._write(batch, "output", outputs, at).id
        if errors:
            batch.error_file_id = self._write(batch, "error", errors, at).id

    def _write(self, batch: Batch, kind: str, entries: list[str], at: float) -> StoredFile:
        text = "".join(e + "\n" for e in entries)
        return self._files.add(f"{batch.id}_{kind}.jsonl", "batch_output", text.encode(), at)

    # ------------------------------------------------------------ the batch object

    def _json(self, batch: Batch) -> JsonObj:
        finished = [line for line in batch.lines if line.result is not None]
        ok = [line for line in finished if line.result and line.result["status_code"] == 200]
        counted = batch.status != "validating" and batch.status != "failed"

        def at(name: str) -> int | None:
            value = batch.times.get(name)
            return None if value is None else int(value)

        return {
            "id": batch.id,
            "object": "batch",
            "endpoint": batch.endpoint,
            "model": batch.model,
            "errors": {"object": "list", "data": batch.errors} if batch.errors else None,
            "input_file_id": batch.input_file_id,
            "completion_window": "24h",
            "status": batch.status,
            "output_file_id": batch.output_file_id,
            "error_file_id": batch.error_file_id,
            "created_at": int(batch.created_at),
            "in_progress_at": at("in_progress_at"),
            "expires_at": int(batch.expires),
            "finalizing_at": at("finalizing_at"),
            "completed_at": at("completed_at"),
            "failed_at": at("failed_at"),
            "expired_at": at("expired_at"),
            "cancelling_at": at("cancelling_at"),
            "cancelled_at": at("cancelled_at"),
            "request_counts": {
                "total": len(batch.lines) if counted else 0,
                "completed": len(ok),
                "failed": len(finished) - len(ok),
            },
            "usage": _usage(ok),
            "metadata": batch.metadata,
        }


def _spoiled(line: Line, entry: JsonObj) -> str:
    """A result line as written: padded by `[batch:pad=N]`, cut by `[batch:garble]`."""
    request = json.dumps(line.body, ensure_ascii=False).lower()
    pad = PAD_MARKER.search(request)
    response = entry.get("response")
    if pad and isinstance(response, dict):
        padding = "." * min(int(pad.group(1)), MAX_PAD)
        entry = {**entry, "response": {**response, "body": {**response["body"], "pad": padding}}}
    text = json.dumps(entry, ensure_ascii=False)
    return text[: len(text) // 2] if GARBLE_MARKER in request else text


def _usage(lines: list[Line]) -> JsonObj:
    """Token use of the successful lines, in the Batch object's shape."""
    tokens_in = tokens_out = cached = 0
    for line in lines:
        usage = (line.result or {}).get("body", {}).get("usage") or {}
        tokens_in += int(usage.get("prompt_tokens", usage.get("input_tokens", 0)) or 0)
        tokens_out += int(usage.get("completion_tokens", usage.get("output_tokens", 0)) or 0)
        details = usage.get("prompt_tokens_details") or usage.get("input_tokens_details") or {}
        cached += int(details.get("cached_tokens", 0) or 0)
    return {
        "input_tokens": tokens_in,
        "input_tokens_details": {"cached_tokens": cached},
        "output_tokens": tokens_out,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": tokens_in + tokens_out,
    }
