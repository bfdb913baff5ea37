"""Recording through the Batch API (`--batch`): submit what the cases lack, poll, collect.

Per model, the requests the selected cases lack (`batch_requests`) are uploaded with the
Files API and run as batches (`completion_window: 24h`). Their ids go into the state
file beside the cassettes (`batch_state`) as soon as each batch exists, so a run that
stops polls them next time instead of submitting again. Each finished batch's results
are read into its cases' cassettes (`batch_results`); then every batched case is read
back as offline replay reads it. Streamed cases go out live (`live`): a batch does not
stream.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from migrate_check.core.case import Case
from migrate_check.core.completion import Completion, CompletionsByCase
from migrate_check.safety.log_scrubbing import scrub_secrets
from migrate_check.sending.batch_requests import (
    BatchedCase,
    Target,
    cases_to_batch,
    input_line,
    split,
)
from migrate_check.sending.batch_results import (
    HEAD_BYTES,
    Overlong,
    Reading,
    ResultFileError,
    api_message,
    named_custom_id,
    result_lines,
    write_answers,
)
from migrate_check.sending.batch_state import BatchState, OpenBatch
from migrate_check.sending.live import LiveSender, sdk_client
from migrate_check.sending.progress import BatchProgress
from migrate_check.sending.sdk_request import Job

log = logging.getLogger("migrate_check")

ENDED = frozenset({"completed", "failed", "expired", "cancelled"})
#: Lines the API did not run because the batch expired or was cancelled: missing, not failed.
NOT_RUN = frozenset({"batch_expired", "batch_cancelled"})


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
        self.readings: dict[str, Reading] = {}  # batch id -> its result files as read

    async def record(self, jobs: Sequence[Job]) -> dict[tuple[str, str], str]:
        """Bring what each (case, model) lacks through batches into its cassette; returns
        the errors of those whose lines failed or whose batch still runs, by (case key,
        model)."""
        todo = cases_to_batch(jobs, self.record_mode, self.cassette_dir)
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

    async def _submit(self, model: str, todo: list[BatchedCase]) -> list[OpenBatch]:
        if not todo:
            return []
        by_endpoint: dict[str, list[BatchedCase]] = {}
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
        by_id: dict[str, BatchedCase],
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

    def _forget(self, entry: OpenBatch, by_id: dict[str, BatchedCase], ours: set[str]) -> None:
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
        self, entry: OpenBatch, batch: Any, by_id: dict[str, BatchedCase], ours: set[str]
    ) -> None:
        """Read a finished batch's results into its cases' cassettes; the state forgets
        the lines taken and keeps those not read (read again next time, never paid twice)."""
        started = time.perf_counter()
        touched = {id(by_id[c]): by_id[c] for c in entry.lines if c in by_id}
        reading = self.readings.setdefault(entry.id, Reading())
        problem = None
        if batch.status == "failed":
            detail = (
                "; ".join(api_message(e.model_dump()) for e in (batch.errors.data or [])[:1])
                if batch.errors
                else ""
            )
            problem = f"batch {entry.id} failed validation: {detail or 'no detail'}"
            reading.taken.update(entry.lines)  # nothing ran: submitted anew next time
        for file_id in (batch.output_file_id, batch.error_file_id):
            if not file_id or batch.status == "failed":
                continue
            try:
                await self._read_results(file_id, entry, by_id)
            except (ResultFileError, ValueError) as exc:
                problem = f"batch {entry.id}'s results could not be read: {exc}"
        for item in touched.values():
            if item.failure is None and not item.written:
                item.failure = self._unread(item, entry, reading, problem)
            self._write(item)
        self.state.settle(
            entry.id,
            {
                c
                for c, owner in entry.lines.items()
                if owner in ours and (c in reading.taken or c not in by_id)
            },
        )
        del self.readings[entry.id]
        answers = sum(len(item.answers) for item in touched.values() if item.written)
        log.info(
            "batch %s (%s): %d answers into %d cassettes in %.3f s",
            entry.id,
            batch.status,
            answers,
            len(touched),
            time.perf_counter() - started,
        )

    def _unread(
        self, item: BatchedCase, entry: OpenBatch, reading: Reading, problem: str | None
    ) -> str | None:
        """Why a case lacks answers its batch should have brought (None: not run, so
        missing): a line of its own not read, the batch's problem, or lines unnamed."""
        kept = (
            f"it stays in {self.state.path.name}, so the next --batch run reads it again "
            "instead of paying for it again"
        )
        lacking = [c for c in item.custom_ids if c not in item.answers]
        for cid in lacking:
            if cid in reading.unread:
                message = f"batch {entry.id} line {cid}: {reading.unread[cid]}; {kept}"
                return scrub_secrets(message, self.secrets)
        if problem:
            return scrub_secrets(problem, self.secrets)
        if reading.unnamed and any(c not in reading.taken for c in lacking):
            return (
                f"batch {entry.id} has {reading.unnamed} result line(s) that could not be "
                f"read nor told apart; {kept}"
            )
        return None

    async def _read_results(
        self, file_id: str, entry: OpenBatch, by_id: dict[str, BatchedCase]
    ) -> None:
        async with self.client.files.with_streaming_response.content(file_id) as response:
            async for raw in result_lines(response.iter_bytes()):
                self._take(raw, entry, by_id)

    def _take(self, raw: bytes | Overlong, entry: OpenBatch, by_id: dict[str, BatchedCase]) -> None:
        """One result line: an answer, a failure with its cause, a line not run, or one
        that cannot be read (kept for its case alone)."""
        reading = self.readings.setdefault(entry.id, Reading())
        if isinstance(raw, Overlong):
            why = f"its result is longer than {raw.limit} bytes ({raw.size} bytes)"
            return self._not_read(raw.custom_id, why, entry, reading)
        try:
            line = json.loads(raw)
        except (ValueError, RecursionError):
            return self._not_read(
                named_custom_id(raw[:HEAD_BYTES]), "its result is not JSON", entry, reading
            )
        cid = line.get("custom_id") if isinstance(line, dict) else None
        if not isinstance(cid, str):
            return self._not_read(None, "its result names no line", entry, reading)
        item = by_id.get(cid)
        if cid not in entry.lines or item is None or cid in item.answers:
            return None  # another batch's line, another run's case, or a repeat
        response = line.get("response") if isinstance(line.get("response"), dict) else None
        status = response.get("status_code") if response else None
        body = response.get("body") if response else None
        error = line.get("error")
        if error is None and isinstance(status, int) and 200 <= status < 300:
            if not isinstance(body, dict):
                return self._not_read(cid, "its response has no JSON body", entry, reading)
            reading.taken.add(cid)
            text = json.dumps(body, ensure_ascii=False, indent=2)
            item.answers[cid] = (text, entry.id)
            if item.settled():  # every sample in: write now, keep memory flat
                self._write(item)
            return None
        reading.taken.add(cid)  # failed, or not run: submitted anew next time
        if isinstance(error, dict) and error.get("code") in NOT_RUN:
            return None  # expired or cancelled before it ran: missing, recorded next time
        cause = api_message(error) if error else None
        if cause is None and isinstance(body, dict):
            cause = f"API error {status}: {api_message(body.get('error'))}"
        where = f"batch {entry.id} line {cid}"
        message = f"{where} failed: {cause or f'status {status}'}"
        if item.failure is None:
            item.failure = scrub_secrets(message, self.secrets)
        return None

    @staticmethod
    def _not_read(cid: str | None, why: str, entry: OpenBatch, reading: Reading) -> None:
        """A line that could not be read: its own case's, if it names one of the batch."""
        if cid is not None and cid in entry.lines:
            reading.unread.setdefault(cid, why)
        else:
            reading.unnamed += 1

    def _write(self, item: BatchedCase) -> None:
        """What arrived for `item` into its cassette, as far as the record mode allows."""
        write_answers(item, self.record_mode, self.target)


def fetch_through_batches(
    sender: LiveSender,
    replay_one: Callable[[Case, str], list[Completion]],
    jobs: Sequence[Job],
    results: CompletionsByCase,
) -> CompletionsByCase:
    """Record what the cases lack through batches (streamed cases live: a batch does
    not stream), then read every batched case's cassette with `replay_one`."""
    import openai

    settings = sender.settings
    streamed = [(c, m) for c, m in jobs if c.request.get("stream")]
    batched = [(c, m) for c, m in jobs if not c.request.get("stream")]
    azure = settings.azure
    target = Target(
        base_url=settings.base_url or Target.base_url,
        azure_endpoint=azure.endpoint if azure else None,
        api_version=azure.api_version if azure else None,
    )

    async def record() -> dict[tuple[str, str], str]:
        client = sdk_client(settings, None)
        try:
            recorder = BatchRecorder(
                client,
                target,
                settings.cassette_dir,
                settings.record_mode,
                poll_s=settings.batch_poll_s,
                wait_s=settings.batch_wait_s,
                secrets=sender.secrets,
            )
            return await recorder.record(batched)
        finally:
            await client.close()

    try:
        errors = asyncio.run(record()) if batched else {}
    except (ValueError, openai.OpenAIError) as exc:  # a broken state file, the API says no
        detail = scrub_secrets(f"{exc}".strip() or type(exc).__name__, sender.secrets)
        error = f"recording through batches failed: {detail.splitlines()[0][:500]}"
        errors = {(case.key, model): error for case, model in batched}
    if streamed:
        sender.fetch(streamed, results)
    for case, model in batched:
        results[(case.key, model)] = replay_one(case, model)
    for case, model in batched:
        if (case.key, model) in errors:
            failed = Completion(model=model, error=errors[(case.key, model)])
            results[(case.key, model)] = [failed] * case.samples
    return results
