"""Live sending: where every request of a recording run goes out, in this process.

All requests go out concurrently through the official SDK, each inside its case's
cassette, so a live run takes about requests x latency / concurrency. Limits are per
model: each model has its own clients, its own in-flight budget and its own rate gate
(`pacing`). Failures become a `Completion` with `error` set (`failures` words them): one
case fails, the run goes on. Only an exhausted quota stops everything.

`sharded` runs this same sender in forked processes; `batch` uses it for the streamed
cases a batch cannot carry.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate_check.cassettes import stream_timing
from migrate_check.cassettes.answers import completions_from_body, endpoint_of, processing_ms
from migrate_check.cassettes.files import CassetteLoadError, open_case_cassette
from migrate_check.cassettes.paths import case_cassette_path
from migrate_check.cassettes.recording import (
    discard_case_cassette,
    recording_session,
    release_case_cassette,
    use_case_cassette,
)
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion, CompletionsByCase, LatencySource
from migrate_check.safety import sanitize
from migrate_check.safety import secrets as secret_values
from migrate_check.sending import failures
from migrate_check.sending.deadline import deadline_client
from migrate_check.sending.failures import RecordHint
from migrate_check.sending.pacing import QuotaExhausted, RateGate, response_hook
from migrate_check.sending.progress import RequestProgress
from migrate_check.sending.sdk_request import Job, Post, RequestOptionError, post_for
from migrate_check.sending.settings import RunnerSettings, api_key

#: Connections per HTTP client. httpx's pool scans all of its connections on every
#: request and every release, so one pool of 128 costs more per request than 32 of 4.
CONNECTIONS_PER_CLIENT = 4
#: Cases open (cassette loaded) per request a model may have in flight. More than one: a
#: case saving its cassette (an fsync, now and then a slow one) must not keep the next
#: case from taking the connection it freed.
OPEN_CASES_PER_REQUEST = 2


def sdk_client(settings: RunnerSettings, http_client: Any) -> Any:
    """The SDK's client: `AsyncAzureOpenAI` with Azure settings, else `AsyncOpenAI`."""
    import openai

    if settings.azure is not None:
        from migrate_check.sending.azure import async_client

        return async_client(
            settings.azure,
            max_retries=settings.max_retries,
            timeout=settings.timeout_s,
            http_client=http_client,
        )
    return openai.AsyncOpenAI(
        api_key=api_key(),
        base_url=settings.base_url,
        max_retries=settings.max_retries,
        timeout=settings.timeout_s,
        http_client=http_client,
    )


@dataclass(frozen=True)
class _ModelBudget:
    """What one model's requests draw on: clients, requests in flight, open cassettes.

    `free` holds one entry per request the model may have in flight: a client with a
    connection to spare. Taking one is the concurrency budget; no pool ever queues.
    """

    clients: tuple[Any, ...]
    free: asyncio.Queue[Any]
    open_cases: asyncio.Semaphore
    gate: RateGate
    progress: RequestProgress


class LiveSender:
    """Sends cases to models from this process, through per-case recording cassettes."""

    def __init__(
        self, settings: RunnerSettings, record_hint: RecordHint, secrets: list[str | None]
    ) -> None:
        self.settings = settings
        self.record_hint = record_hint
        #: Values no log line, error or cassette may show.
        self.secrets = secrets
        # Cassettes that could not be written, with why; the answers are kept regardless.
        self.write_errors: list[tuple[Path, OSError]] = []
        #: Each model's rate gate's resume time, shared by recording processes.
        self.shared_gates: dict[str, Any] = {}

    def for_shard(self, concurrency: int) -> LiveSender:
        """A sender for one recording process: this one's settings with its share of the
        in-flight budget, pacing by the same shared rate gates."""
        shard = LiveSender(
            dataclasses.replace(self.settings, concurrency=concurrency),
            self.record_hint,
            self.secrets,
        )
        shard.shared_gates = self.shared_gates
        return shard

    def fetch(self, jobs: Sequence[Job], results: CompletionsByCase) -> CompletionsByCase:
        """Send every job's samples in this process, showing progress on a terminal."""
        return asyncio.run(self._fetch_showing_progress(jobs, results))

    async def _fetch_showing_progress(
        self, jobs: Sequence[Job], results: CompletionsByCase
    ) -> CompletionsByCase:
        with RequestProgress(sum(case.samples for case, _ in jobs)) as progress:
            return await self.fetch_live(jobs, results, progress)

    async def fetch_live(
        self,
        jobs: Sequence[Job],
        results: CompletionsByCase,
        progress: RequestProgress,
    ) -> CompletionsByCase:
        """Send every job's samples in this process, counting them on `progress`."""
        budgets = {m: self._budget(progress, m) for m in dict.fromkeys(m for _, m in jobs)}
        try:
            with recording_session() as router:
                self.write_errors = router.write_errors  # filled until the session closes
                async with asyncio.TaskGroup() as group:
                    for case, model in jobs:
                        group.create_task(
                            self._fetch_case(budgets[model], router, case, model, results)
                        )
        except* QuotaExhausted as quota:
            raise quota.exceptions[0] from None
        finally:
            for budget in budgets.values():
                for client in budget.clients:
                    await client.close()
        return results

    def _budget(self, progress: RequestProgress, model: str) -> _ModelBudget:
        """One model's clients, concurrency budget and rate gate: limits are per model."""
        gate = RateGate(shared=self.shared_gates.get(model))
        hook = response_hook(gate, progress.answered)
        in_flight = self.settings.concurrency
        sizes = [
            min(CONNECTIONS_PER_CLIENT, in_flight - start)
            for start in range(0, in_flight, CONNECTIONS_PER_CLIENT)
        ]
        free: asyncio.Queue[Any] = asyncio.Queue()
        clients = []
        for size in sizes:
            http_client = deadline_client(
                self.settings.timeout_s, connections=size, event_hooks={"response": [hook]}
            )
            stream_timing.time_streams(http_client)  # under vcrpy, as the bytes arrive
            client = sdk_client(self.settings, http_client)
            clients.append(client)
            for _ in range(size):
                free.put_nowait(client)
        open_cases = asyncio.Semaphore(OPEN_CASES_PER_REQUEST * in_flight)
        return _ModelBudget(tuple(clients), free, open_cases, gate, progress)

    async def _fetch_case(
        self,
        budget: _ModelBudget,
        router: Any,
        case: Case,
        model: str,
        results: CompletionsByCase,
    ) -> None:
        # Cassettes open in proportion to requests in flight: memory stays flat.
        async with budget.open_cases:
            path = case_cassette_path(self.settings.cassette_dir, case, model)
            try:
                post = post_for(case, model)  # built once, sent for each sample
            except RequestOptionError as exc:
                error = Completion(model=model, error=f"cannot send {case.key}: {exc}")
                results[(case.key, model)] = [error] * case.samples
                return
            try:
                cassette = open_case_cassette(path, self.settings.record_mode)
            except CassetteLoadError as exc:
                results[(case.key, model)] = [failures.unreadable(exc, model)] * case.samples
                return

            async def one_sample() -> list[Completion]:
                client = await budget.free.get()
                try:
                    await budget.gate.wait()
                    with use_case_cassette(router, cassette):
                        completions = await self._send(client, post, case, model, path, cassette)
                finally:
                    budget.free.put_nowait(client)
                budget.progress.finished()
                return completions

            tasks = [asyncio.ensure_future(one_sample()) for _ in range(case.samples)]
            try:
                samples = await asyncio.gather(*tasks)
            except (asyncio.CancelledError, QuotaExhausted):
                if all(t.done() and not t.cancelled() and t.exception() is None for t in tasks):
                    # Every answer arrived: the router saves the cassette, keep the answers too.
                    results[(case.key, model)] = [c for t in tasks for c in t.result()]
                else:
                    # Some samples only: not saved, so the next run records the case whole
                    # (an exhausted quota in one sample leaves the others running: stop them).
                    discard_case_cassette(router, cassette)
                    for task in tasks:
                        task.cancel()
                raise
            answers = [c for sample in samples for c in sample]
            arrived = sum(all(c.error is None for c in sample) for sample in samples)
            if arrived < case.samples and self.settings.record_mode == "all" and path.exists():
                # Re-recording replaces a cassette only with a whole new set of samples: an
                # earlier complete recording is worth more than part of a new one.
                discard_case_cassette(router, cassette)
                results[(case.key, model)] = [
                    failures.kept_note(c, arrived, case.samples, path) for c in answers
                ]
                return
            if arrived < case.samples and arrived:
                answers = [failures.partial_note(c, arrived, case.samples) for c in answers]
            results[(case.key, model)] = answers
            # Saved as soon as the case is done (atomically), not at the end of the run: a
            # run that is killed keeps every case it finished.
            await release_case_cassette(router, cassette)

    async def _send(
        self, client: Any, post: Post, case: Case, model: str, path: Path, cassette: Any
    ) -> list[Completion]:
        """One request's answers (one per choice), or one Completion saying why none came."""
        import httpx2

        started = time.perf_counter()
        played_before = cassette.play_count
        try:
            # The SDK's client sends it (auth, retries, errors); the answer's bytes are read.
            with stream_timing.watching() as watch:
                response = await client.post(
                    post.path, cast_to=httpx2.Response, body=post.body, options=post.options
                )
            content = response.content
        except Exception as exc:  # noqa: BLE001 - any failure of the call is this case's error
            failure = failures.call_failure(
                exc,
                case,
                model,
                path,
                self.record_hint,
                secrets=self.secrets,
                timeout_s=self.settings.timeout_s,
                base_url=None if self.settings.azure else self.settings.base_url,
            )
            return [failure]
        elapsed_ms = (time.perf_counter() - started) * 1000
        latency = processing_ms(response.headers.get("openai-processing-ms"))
        source: LatencySource | None = "openai-processing-ms" if latency is not None else None
        # Time measured around an answer the cassette played back is vcrpy's, not the
        # API's: only a call that went out has a measured latency.
        went_out = cassette.play_count == played_before
        if latency is None and self.settings.record_mode != "none" and went_out:
            latency, source = elapsed_ms, "measured"
        text = content.decode("utf-8", errors="replace")
        endpoint = endpoint_of(response.request.url.path)
        streamed = bool(case.request.get("stream"))
        found = completions_from_body(text, endpoint, streamed, model, latency, source)
        # Timed as it arrived now, or as it did when the played-back answer was recorded.
        timing = stream_timing.timing_of(watch.entry) if went_out else None
        if not went_out and streamed:  # the played body is the recorded one, scrubbed
            timing = stream_timing.recorded_timing(getattr(cassette, "_metadata", None), content)
        stream_timing.attach(found, timing)
        return sanitize.completions(found, secret_values.from_environment(extra=self.secrets))
