"""Recording through the Batch API: submit the missing exchanges, poll, write cassettes.

Per model, the requests the selected cases lack go into JSONL files within the API's
limits (50,000 lines, 200 MB), uploaded with the Files API and run as batches
(`completion_window: 24h`). Their ids go into the state file beside the cassettes
(`batch_state`) as soon as each batch exists, so a run that stops polls them next time
instead of submitting again. Each result becomes an ordinary exchange in its case's
cassette: the request as the SDK sends it live (URI, method, the headers a live call
keeps, the JSON body), the response body as the batch returned it, and one response
header, `openai-batch-id`, which marks the exchange as batch-recorded so reports price
it at batch rates. Offline replay reads such a cassette like any other.

Batch output is someone else's bytes: files are read in chunks, each line within a
bound, each line parsed on its own, and nothing in a line is trusted beyond its shape.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate_check.cassettes.recording import (
    CassetteLoadError,
    case_cassette_path,
    write_interactions,
)
from migrate_check.core.case import Case
from migrate_check.core.paths import shown_path
from migrate_check.safety.log_scrubbing import scrub_secrets
from migrate_check.sending.batch_state import BatchState, OpenBatch
from migrate_check.sending.progress import BatchProgress
from migrate_check.sending.sdk_request import api_path, request_body

log = logging.getLogger("migrate_check")

MAX_LINES = 50_000  # requests per batch (the API's limit)
MAX_FILE_BYTES = 200 * 1024 * 1024  # bytes per input file (the API's limit)
MAX_RESULT_LINE_BYTES = 16 * 1024 * 1024  # one result line; a real one is kilobytes
MAX_RESULT_FILE_BYTES = 4 * 1024 * 1024 * 1024  # one output or error file
BATCH_HEADER = "openai-batch-id"
ENDED = frozenset({"completed", "failed", "expired", "cancelled"})
#: Lines the API did not run because the batch expired or was cancelled: missing, not failed.
NOT_RUN = frozenset({"batch_expired", "batch_cancelled"})
#: One model's answers to one case: the case as that side sends it, and the model.
Job = tuple[Case, str]
SDK_HEADERS = {"accept": ["application/json"], "content-type": ["application/json"]}


class ResultFileError(Exception):
    """A batch's output or error file broke a bound; the message says which."""


@dataclass(frozen=True)
class Target:
    """Where requests go, as the SDK addresses them: OpenAI's base URL, or an Azure
    endpoint and API version (deployments in the path)."""

    base_url: str = "https://api.openai.com/v1"
    azure_endpoint: str | None = None
    api_version: str | None = None

    def uri(self, case: Case, model: str) -> str:
        """The URI a live call of this case records."""
        operation = api_path(case).lstrip("/")
        if self.azure_endpoint is None:
            return f"{self.base_url.rstrip('/')}/{operation}"
        root = f"{self.azure_endpoint.rstrip('/')}/openai"
        path = "responses" if case.api == "responses" else f"deployments/{model}/{operation}"
        return f"{root}/{path}?api-version={self.api_version}"

    def endpoint(self, case: Case) -> str:
        """A batch's `endpoint` (and its lines' `url`): Azure's have no `/v1`."""
        operation = api_path(case)
        return operation if self.azure_endpoint is not None else f"/v1{operation}"


@dataclass
class Wanted:
    """A case on a model whose samples (all, or the ones its cassette lacks) go to a batch."""

    case: Case
    model: str
    path: Path
    body: dict[str, Any]
    custom_ids: list[str]
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (body, batch)
    failure: str | None = None
    running: str | None = None  # a batch still running when the run stopped waiting
    written: bool = False  # in its cassette already (answers then let go)

    def settled(self) -> bool:
        return len(self.answers) == len(self.custom_ids)


def sdk_body(case: Case, model: str) -> dict[str, Any]:
    """`request_body` in the order the SDK serialises it (`model` first)."""
    body = request_body(case, model)
    return {"model": model, **{k: v for k, v in body.items() if k != "model"}}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def custom_id(case: Case, model: str, body: dict[str, Any], sample: int) -> str:
    """Stable across runs for the same case, model, request and sample; a changed prompt
    gets a new id, so an old batch's answer never lands on it."""
    request = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return f"mc-{_digest(case.key)}-{_digest(model + chr(0) + request)}-{sample}"


def recorded_count(path: Path, case: Case, body: dict[str, Any]) -> int:
    """How many recorded exchanges in `path` answer this request (0 without a cassette)."""
    from migrate_check.cassettes.replay import matching_answers

    return len(matching_answers(path, case, body))


def wanted(jobs: Sequence[Job], record_mode: str, cassette_dir: Path) -> list[Wanted]:
    """What a batch must bring for each (case, model): `once` records cases without a
    cassette, `new_episodes` the samples a cassette lacks, `all` every sample again."""
    found = []
    for case, model in jobs:
        path = case_cassette_path(cassette_dir, case, model)
        body = sdk_body(case, model)
        have = 0
        if record_mode == "once" and path.exists():
            continue
        if record_mode == "new_episodes":
            try:
                have = recorded_count(path, case, body)
            except CassetteLoadError:
                continue  # replay names the unreadable file
        ids = [custom_id(case, model, body, s) for s in range(have, case.samples)]
        if ids:
            found.append(Wanted(case, model, path, body, ids))
    return found


def input_line(custom: str, url: str, body: dict[str, Any]) -> bytes:
    line = {"custom_id": custom, "method": "POST", "url": url, "body": body}
    return (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def split(
    groups: Iterable[list[bytes]], max_lines: int = MAX_LINES, max_bytes: int = MAX_FILE_BYTES
) -> list[list[bytes]]:
    """Lines into files within both limits; a group (one case's samples) stays whole.

    A group larger than one file's limits alone is refused (ValueError): no batch can
    hold it.
    """
    files: list[list[bytes]] = []
    current: list[bytes] = []
    size = 0
    for group in groups:
        group_size = sum(map(len, group))
        if len(group) > max_lines or group_size > max_bytes:
            raise ValueError(
                f"{len(group)} requests of {group_size} bytes exceed one batch file's limits"
            )
        if current and (len(current) + len(group) > max_lines or size + group_size > max_bytes):
            files.append(current)
            current, size = [], 0
        current += group
        size += group_size
    if current:
        files.append(current)
    return files


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


def _api_message(error: Any) -> str:
    if isinstance(error, dict):
        code, message = error.get("code"), error.get("message")
        text = str(message or "")[:500]
        return f"{code}: {text}" if code else text or "no detail"
    return str(error)[:500] if error else "no detail"


class BatchRecorder:
    """Submits, polls and collects the batches of one run, through one SDK client."""

    def __init__(
        self,
        client: Any,
        target: Target,
        cassette_dir: Path,
        record_mode: str,
        *,
        poll_s: float,
        wait_s: float,
        secrets: Sequence[str | None] = (),
    ) -> None:
        self.client = client
        self.target = target
        self.cassette_dir = cassette_dir
        self.record_mode = record_mode
        self.poll_s = poll_s
        self.wait_s = wait_s
        self.secrets = list(secrets)
        self.state = BatchState(cassette_dir)
        self.submitted: list[str] = []  # batch ids this run created

    async def record(self, jobs: Sequence[Job]) -> dict[tuple[str, str], str]:
        """Bring what each (case, model) lacks through batches into its cassette; returns
        the errors of those whose lines failed or whose batch still runs, by (case key,
        model)."""
        todo = wanted(jobs, self.record_mode, self.cassette_dir)
        models = list(dict.fromkeys(model for _, model in jobs))
        if not todo:
            return {}
        by_id = {cid: w for w in todo for cid in w.custom_ids}
        ours = {self._relative(w.path) for w in todo}
        running = [b for b in self.state.batches() if any(c in by_id for c in b.lines)]
        pending = {c for b in running for c in b.lines}
        with BatchProgress(sum(len(w.custom_ids) for w in todo)) as progress:
            for model in models:
                fresh = [w for w in todo if w.model == model and not pending & set(w.custom_ids)]
                running += await self._submit(model, fresh)
            await self._follow(running, by_id, ours, progress)
        errors = {}
        for item in todo:
            if item.failure or item.running:
                errors[(item.case.key, item.model)] = item.failure or item.running or ""
        return errors

    # ---------------------------------------------------------------- submitting
    def _relative(self, path: Path) -> str:
        return path.relative_to(self.cassette_dir).as_posix()

    async def _submit(self, model: str, todo: list[Wanted]) -> list[OpenBatch]:
        if not todo:
            return []
        by_endpoint: dict[str, list[Wanted]] = {}
        for item in todo:
            by_endpoint.setdefault(self.target.endpoint(item.case), []).append(item)
        created = []
        for endpoint, items in by_endpoint.items():
            groups = [[input_line(c, endpoint, w.body) for c in w.custom_ids] for w in items]
            owners = {c: self._relative(w.path) for w in items for c in w.custom_ids}
            for number, lines in enumerate(split(groups), start=1):
                ids = [json.loads(line)["custom_id"] for line in lines]
                name = f"migrate-check-{model}-{number}.jsonl"
                upload = await self.client.files.create(
                    file=(name, b"".join(lines)), purpose="batch"
                )
                batch = await self.client.batches.create(
                    input_file_id=upload.id,
                    endpoint=endpoint,
                    completion_window="24h",
                    metadata={"created_by": "migrate-check", "model": model[:512]},
                )
                entry = OpenBatch(batch.id, model, endpoint, {c: owners[c] for c in ids})
                self.state.add(entry)  # at once: a stop after this resumes, never resubmits
                self.submitted.append(batch.id)
                created.append(entry)
        return created

    # ---------------------------------------------------------------- following
    async def _follow(
        self,
        batches: list[OpenBatch],
        by_id: dict[str, Wanted],
        ours: set[str],
        progress: BatchProgress,
    ) -> None:
        import openai

        deadline = time.monotonic() + self.wait_s
        open_batches = list(batches)
        while open_batches:
            for entry in list(open_batches):
                try:
                    batch = await self.client.batches.retrieve(entry.id)
                except openai.NotFoundError:
                    self._forget(entry, by_id, ours)  # another key's or endpoint's batch
                    open_batches.remove(entry)
                    continue
                progress.update(entry.id, batch.status, batch.request_counts)
                if batch.status in ENDED:
                    await self._collect(entry, batch, by_id, ours)
                    open_batches.remove(entry)
            if not open_batches:
                return
            if time.monotonic() >= deadline:
                for entry in open_batches:
                    note = (
                        f"batch {entry.id} is still running; run again with --batch to "
                        "collect its answers (nothing is submitted twice)"
                    )
                    for cid in entry.lines:
                        if cid in by_id and by_id[cid].failure is None:
                            by_id[cid].running = note
                return
            await asyncio.sleep(self.poll_s)

    def _forget(self, entry: OpenBatch, by_id: dict[str, Wanted], ours: set[str]) -> None:
        """A batch the API does not know (another key, another endpoint): its cases say so,
        and the state lets it go, so the next run submits them anew."""
        note = (
            f"batch {entry.id} (from {self.state.path.name}) is unknown to this API key and "
            "endpoint; run again with --batch to submit its requests anew"
        )
        for cid in entry.lines:
            if cid in by_id and by_id[cid].failure is None:
                by_id[cid].failure = note
        self.state.settle(entry.id, {c for c, owner in entry.lines.items() if owner in ours})

    async def _collect(
        self, entry: OpenBatch, batch: Any, by_id: dict[str, Wanted], ours: set[str]
    ) -> None:
        """Read a finished batch's results into its cases' cassettes, then forget it."""
        started = time.perf_counter()
        touched = {id(by_id[c]): by_id[c] for c in entry.lines if c in by_id}
        problem = None
        if batch.status == "failed":
            detail = (
                "; ".join(_api_message(e.model_dump()) for e in (batch.errors.data or [])[:1])
                if batch.errors
                else ""
            )
            problem = f"batch {entry.id} failed validation: {detail or 'no detail'}"
        for file_id in (batch.output_file_id, batch.error_file_id):
            if not file_id or problem:
                continue
            try:
                await self._read_results(file_id, entry, by_id)
            except (ResultFileError, ValueError) as exc:
                problem = f"batch {entry.id}'s results could not be read: {exc}"
        for item in touched.values():
            if problem and item.failure is None:
                item.failure = scrub_secrets(problem, self.secrets)
            self._write(item)
        self.state.settle(entry.id, {c for c, owner in entry.lines.items() if owner in ours})
        answers = sum(len(item.answers) for item in touched.values() if item.written)
        log.info(
            "batch %s (%s): %d answers into %d cassettes in %.3f s",
            entry.id,
            batch.status,
            answers,
            len(touched),
            time.perf_counter() - started,
        )

    async def _read_results(self, file_id: str, entry: OpenBatch, by_id: dict[str, Wanted]) -> None:
        async with self.client.files.with_streaming_response.content(file_id) as response:
            async for raw in result_lines(response.iter_bytes()):
                self._take(raw, entry, by_id)

    def _take(self, raw: bytes, entry: OpenBatch, by_id: dict[str, Wanted]) -> None:
        """One result line: an answer, a failure with its cause, or a line not run."""
        try:
            line = json.loads(raw)
        except ValueError:
            return  # a garbled line answers nothing; its case stays missing
        if not isinstance(line, dict):
            return
        cid = line.get("custom_id")
        if not isinstance(cid, str) or cid not in entry.lines:
            return
        item = by_id.get(cid)
        if item is None or cid in item.answers:
            return
        response = line.get("response") if isinstance(line.get("response"), dict) else None
        status = response.get("status_code") if response else None
        body = response.get("body") if response else None
        error = line.get("error")
        if error is None and isinstance(status, int) and 200 <= status < 300:
            if isinstance(body, dict):
                text = json.dumps(body, ensure_ascii=False, indent=2)
                item.answers[cid] = (text, entry.id)
                if item.settled():  # every sample in: write now, keep memory flat
                    self._write(item)
            return
        if isinstance(error, dict) and error.get("code") in NOT_RUN:
            return  # expired or cancelled before it ran: missing, recorded next time
        cause = _api_message(error) if error else None
        if cause is None and isinstance(body, dict):
            cause = f"API error {status}: {_api_message(body.get('error'))}"
        where = f"batch {entry.id} line {cid}"
        message = f"{where} failed: {cause or f'status {status}'}"
        if item.failure is None:
            item.failure = scrub_secrets(message, self.secrets)

    # ---------------------------------------------------------------- writing
    def _write(self, item: Wanted) -> None:
        """What arrived into the cassette, by the record mode's rule: `new_episodes` adds
        what arrived; `once` and `all` write a case only when every sample arrived (`all`
        keeps the earlier recording otherwise)."""
        answers = [item.answers[c] for c in item.custom_ids if c in item.answers]
        if not answers or item.written:
            return
        whole = len(answers) == len(item.custom_ids)
        if self.record_mode != "new_episodes" and not whole:
            return
        exchanges = self._earlier(item) if self.record_mode == "new_episodes" else []
        request = {
            "method": "POST",
            "uri": self.target.uri(item.case, item.model),
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

    @staticmethod
    def _earlier(item: Wanted) -> list[dict[str, Any]]:
        from vcr.persisters.filesystem import CassetteNotFoundError
        from vcr.serializers import yamlserializer

        from migrate_check.cassettes.recording import AtomicPersister

        try:
            requests, responses, *_ = AtomicPersister.load_cassette(item.path, yamlserializer)
        except CassetteNotFoundError:
            return []
        return [
            {"request": r._to_dict(), "response": s}
            for r, s in zip(requests, responses, strict=False)
        ]
