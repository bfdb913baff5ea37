"""Send each case to each model with the official SDK, inside that case's cassette.

All requests of a run go out concurrently (bounded per model), so a live run takes
about requests x latency / concurrency. Failures become a `Completion` with `error`
set: one case fails, the run goes on. Only an exhausted quota stops everything.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate_check.cassettes.answers import completions_from_body, endpoint_of, processing_ms
from migrate_check.cassettes.recording import (
    CassetteLoadError,
    case_cassette_path,
    discard_case_cassette,
    open_case_cassette,
    recording_session,
    release_case_cassette,
    use_case_cassette,
)
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion, CompletionsByCase, LatencySource
from migrate_check.core.defaults import (
    DEFAULT_BATCH_POLL_S,
    DEFAULT_BATCH_WAIT_S,
    DEFAULT_CASSETTE_DIR,
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_RECORD_MODE,
    DEFAULT_TIMEOUT_S,
)
from migrate_check.core.paths import shown_path
from migrate_check.safety import sanitize
from migrate_check.safety import secrets as secret_values
from migrate_check.safety.log_scrubbing import scrub_secrets, scrubbed_logs
from migrate_check.sending import fetch_messages
from migrate_check.sending.azure import AzureTarget
from migrate_check.sending.deadline import deadline_client
from migrate_check.sending.fetch_messages import RecordHint
from migrate_check.sending.pacing import QuotaExhausted, RateGate, response_hook
from migrate_check.sending.progress import RequestProgress
from migrate_check.sending.sdk_request import Post, RequestOptionError, post_for, request_body

REPLAY_API_KEY = "replay-without-key"
SECRET_ENV = secret_values.SECRET_ENV


#: One model's answers to one case: the case as that side sends it, and the model.
Job = tuple[Case, str]

__all__ = ["Job", "QuotaExhausted", "Runner", "RunnerSettings"]


@dataclass(frozen=True)
class RunnerSettings:
    """How requests are sent and recorded for one run."""

    record_mode: str = DEFAULT_RECORD_MODE
    cassette_dir: Path = Path(DEFAULT_CASSETTE_DIR)
    concurrency: int = DEFAULT_CONCURRENCY
    max_retries: int = DEFAULT_MAX_RETRIES
    timeout_s: float = DEFAULT_TIMEOUT_S
    base_url: str | None = None
    batch: bool = False  # record through the Batch API (batch.py)
    batch_poll_s: float = DEFAULT_BATCH_POLL_S
    batch_wait_s: float = DEFAULT_BATCH_WAIT_S
    azure: AzureTarget | None = None  # send through the SDK's Azure client (azure.py)
    azure_models: tuple[tuple[str, str], ...] = ()  # deployment -> the model it stands for
    #: Processes a live recording is spread over (`--record-processes`); None: one per
    #: core once the run is big enough (sharded_recording.py).
    processes: int | None = None


#: Connections per HTTP client. httpx's pool scans all of its connections on every
#: request and every release, so one pool of 128 costs more per request than 32 of 4.
CONNECTIONS_PER_CLIENT = 4
#: Cases open (cassette loaded) per request a model may have in flight. More than one: a
#: case saving its cassette (an fsync, now and then a slow one) must not keep the next
#: case from taking the connection it freed.
OPEN_CASES_PER_REQUEST = 2


@dataclass(frozen=True)
class _Lane:
    """One model's clients and budgets: requests in flight, and cases with an open cassette.

    `free` holds one entry per request the model may have in flight: a client with a
    connection to spare. Taking one is the concurrency budget; no pool ever queues.
    """

    clients: tuple[Any, ...]
    free: asyncio.Queue[Any]
    open_cases: asyncio.Semaphore
    gate: RateGate
    progress: RequestProgress


class Runner:
    """Fetches completions for cases on models, through per-case cassettes."""

    def __init__(self, settings: RunnerSettings, record_hint: RecordHint) -> None:
        self.settings = settings
        self.record_hint = record_hint
        self._secrets = [os.environ.get(name) for name in SECRET_ENV]
        self.fetched: CompletionsByCase = {}
        #: Cassettes replayed offline that hold exchanges no current request matches: their
        #: positions, so `--prune-recordings` can drop exactly those.
        self.stale_exchanges: dict[Path, list[int]] = {}
        # Cassettes that could not be written, with why; the answers are kept regardless.
        self.write_errors: list[tuple[Path, OSError]] = []
        #: Each model's rate gate's resume time, shared by recording processes.
        self.shared_gates: dict[str, Any] = {}

    @property
    def api_key(self) -> str:
        """The key requests carry; offline, a placeholder (cassettes hold no key)."""
        return os.environ.get("OPENAI_API_KEY") or REPLAY_API_KEY

    @property
    def secrets(self) -> list[str | None]:
        """Values no log line, error or cassette may show."""
        return list(self._secrets)

    def fetch(self, cases: Sequence[Case], models: Sequence[str]) -> CompletionsByCase:
        """Every sample of every case on every model, keyed by (case key, model)."""
        return self.fetch_jobs([(case, model) for case in cases for model in models])

    def fetch_jobs(
        self, jobs: Sequence[Job], alongside: Callable[[], None] | None = None
    ) -> CompletionsByCase:
        """Every sample of each (case, model) job, keyed by (case key, model).

        A job's case is as that side sends it (`Case.on_side`), so each model's cassette
        matches its own request. What finished stays in `self.fetched` also when the fetch
        is interrupted (Ctrl-C), so the caller can judge and report it. A live fetch also
        runs `alongside`: in a thread while recording processes send, else once this
        process has sent everything (while it records, vcrpy patches its HTTP clients).
        """
        from migrate_check.sending import sharded as sharded_recording

        self.fetched = {}
        if self.settings.record_mode == "none":
            return self._replay_all(jobs, self.fetched)
        with scrubbed_logs(self._secrets):
            shards = sharded_recording.shard_count(
                sum(case.samples for case, _ in jobs),
                self.settings.concurrency,
                self.settings.processes,
            )
            if shards > 1 and not self.settings.batch:
                sharded_recording.fetch_in_shards(self, jobs, self.fetched, shards, alongside)
                return self._stands_for(self.fetched)
            if self.settings.batch:
                fetched = self._through_batches(jobs, self.fetched)
            else:
                fetched = self._stands_for(asyncio.run(self._fetch_all(jobs, self.fetched)))
            if alongside is not None:
                sharded_recording.quietly(alongside)()
            return fetched

    def _through_batches(
        self, jobs: Sequence[Job], results: CompletionsByCase
    ) -> CompletionsByCase:
        """Record what the cases lack through batches (streamed cases live: a batch does
        not stream), then read every cassette as offline replay does."""
        import openai

        from migrate_check.sending.batch import BatchRecorder, Target

        streamed = [(c, m) for c, m in jobs if c.request.get("stream")]
        batched = [(c, m) for c, m in jobs if not c.request.get("stream")]
        azure = self.settings.azure
        target = Target(
            base_url=self.settings.base_url or Target.base_url,
            azure_endpoint=azure.endpoint if azure else None,
            api_version=azure.api_version if azure else None,
        )

        async def record() -> dict[tuple[str, str], str]:
            client = self._client(None)
            try:
                recorder = BatchRecorder(
                    client,
                    target,
                    self.settings.cassette_dir,
                    self.settings.record_mode,
                    poll_s=self.settings.batch_poll_s,
                    wait_s=self.settings.batch_wait_s,
                    secrets=self._secrets,
                )
                return await recorder.record(batched)
            finally:
                await client.close()

        try:
            errors = asyncio.run(record()) if batched else {}
        except (ValueError, openai.OpenAIError) as exc:  # a broken state file, the API says no
            detail = scrub_secrets(f"{exc}".strip() or type(exc).__name__, self._secrets)
            error = f"recording through batches failed: {detail.splitlines()[0][:500]}"
            errors = {(case.key, model): error for case, model in batched}
        if streamed:
            asyncio.run(self._fetch_all(streamed, results))
        self._replay_all(batched, results)
        for case, model in batched:
            if (case.key, model) in errors:
                failed = Completion(model=model, error=errors[(case.key, model)])
                results[(case.key, model)] = [failed] * case.samples
        return self._stands_for(results)

    def _stands_for(self, results: CompletionsByCase) -> CompletionsByCase:
        """Each answer says what model its name stands for (an Azure deployment's)."""
        models = dict(self.settings.azure_models)
        if models:
            for completions in results.values():
                for completion in completions:
                    completion.stands_for = models.get(completion.model)
        return results

    def for_shard(self, concurrency: int) -> Runner:
        """A runner for one recording process: this one's settings with its share of the
        in-flight budget, pacing by the same shared rate gates."""
        shard = Runner(
            dataclasses.replace(self.settings, concurrency=concurrency), self.record_hint
        )
        shard.shared_gates = self.shared_gates
        return shard

    def _client(self, http_client: Any) -> Any:
        """The SDK's client: `AsyncAzureOpenAI` with Azure settings, else `AsyncOpenAI`."""
        import openai

        if self.settings.azure is not None:
            from migrate_check.sending.azure import async_client

            return async_client(
                self.settings.azure,
                max_retries=self.settings.max_retries,
                timeout=self.settings.timeout_s,
                http_client=http_client,
            )
        return openai.AsyncOpenAI(
            api_key=self.api_key,
            base_url=self.settings.base_url,
            max_retries=self.settings.max_retries,
            timeout=self.settings.timeout_s,
            http_client=http_client,
        )

    def _replay_all(self, jobs: Sequence[Job], results: CompletionsByCase) -> CompletionsByCase:
        """Offline: read each cassette and match its requests, with no HTTP in between."""
        for case, model in jobs:
            results[(case.key, model)] = self.replay_one(case, model)
        return results

    def replay_one(self, case: Case, model: str) -> list[Completion]:
        """Every sample of one case on one model from its cassette; failures as errors."""
        from migrate_check.cassettes.replay import MissingRecording, RecordingMismatch, replay

        path = case_cassette_path(self.settings.cassette_dir, case, model)
        stale: list[int] = []
        try:
            completions = replay(path, case, model, request_body(case, model), stale)
            if stale:
                self.stale_exchanges[path] = stale
        except MissingRecording:
            completions = [
                Completion(
                    model=model, error=fetch_messages.missing(case, model, path, self.record_hint)
                )
            ]
        except CassetteLoadError as exc:
            completions = [fetch_messages.unreadable(exc, model)]
        except RecordingMismatch as exc:
            error = fetch_messages.mismatch_text(case, model, path, str(exc), self.record_hint)
            completions = [Completion(model=model, error=error)]
        except Exception as exc:  # noqa: BLE001 - one unreadable case must not stop the run
            error = f"cannot replay {shown_path(path)}: {type(exc).__name__}: {exc}"
            completions = [Completion(model=model, error=error.splitlines()[0])]
        if len(completions) < case.samples:
            completions = completions * case.samples
        if stands_for := dict(self.settings.azure_models).get(model):
            for completion in completions:
                completion.stands_for = stands_for
        return completions

    async def _fetch_all(
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
        lanes = {model: self._lane(progress, model) for model in dict.fromkeys(m for _, m in jobs)}
        try:
            with recording_session() as router:
                self.write_errors = router.write_errors  # filled until the session closes
                async with asyncio.TaskGroup() as group:
                    for case, model in jobs:
                        group.create_task(
                            self._fetch_case(lanes[model], router, case, model, results)
                        )
        except* QuotaExhausted as quota:
            raise quota.exceptions[0] from None
        finally:
            for lane in lanes.values():
                for client in lane.clients:
                    await client.close()
        return results

    def _lane(self, progress: RequestProgress, model: str) -> _Lane:
        """One model's clients, concurrency budget and rate gate: limits are per model."""
        gate = RateGate(shared=self.shared_gates.get(model))
        hook = response_hook(gate, progress.answered)
        budget = self.settings.concurrency
        sizes = [
            min(CONNECTIONS_PER_CLIENT, budget - start)
            for start in range(0, budget, CONNECTIONS_PER_CLIENT)
        ]
        free: asyncio.Queue[Any] = asyncio.Queue()
        clients = []
        for size in sizes:
            http_client = deadline_client(
                self.settings.timeout_s, connections=size, event_hooks={"response": [hook]}
            )
            client = self._client(http_client)
            clients.append(client)
            for _ in range(size):
                free.put_nowait(client)
        open_cases = asyncio.Semaphore(OPEN_CASES_PER_REQUEST * budget)
        return _Lane(tuple(clients), free, open_cases, gate, progress)

    async def _fetch_case(
        self,
        lane: _Lane,
        router: Any,
        case: Case,
        model: str,
        results: CompletionsByCase,
    ) -> None:
        # Cassettes open in proportion to requests in flight: memory stays flat.
        async with lane.open_cases:
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
                results[(case.key, model)] = [fetch_messages.unreadable(exc, model)] * case.samples
                return

            async def one_sample() -> list[Completion]:
                client = await lane.free.get()
                try:
                    await lane.gate.wait()
                    with use_case_cassette(router, cassette):
                        completions = await self._send(client, post, case, model, path, cassette)
                finally:
                    lane.free.put_nowait(client)
                lane.progress.finished()
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
                    fetch_messages.kept_note(c, arrived, case.samples, path) for c in answers
                ]
                return
            if arrived < case.samples and arrived:
                answers = [fetch_messages.partial_note(c, arrived, case.samples) for c in answers]
            results[(case.key, model)] = answers
            # Saved as soon as the case is done (atomically), not at the end of the run: a
            # run that is killed keeps every case it finished.
            await release_case_cassette(router, cassette)

    async def _send(
        self, client: Any, post: Post, case: Case, model: str, path: Path, cassette: Any
    ) -> list[Completion]:
        """One request's answers (one per choice), or one Completion saying why none came."""
        import httpx2
        import openai
        from vcr.errors import CannotOverwriteExistingCassetteException

        started = time.perf_counter()
        played_before = cassette.play_count
        try:
            # The SDK's client sends it (auth, retries, errors); the answer's bytes are read.
            response = await client.post(
                post.path, cast_to=httpx2.Response, body=post.body, options=post.options
            )
            content = response.content
        except Exception as exc:  # noqa: BLE001 - any failure of the call is this case's error
            cassette_miss = fetch_messages.cause_of(exc, CannotOverwriteExistingCassetteException)
            if cassette_miss is not None:
                return [
                    Completion(
                        model=model,
                        error=fetch_messages.mismatch(
                            case, model, path, cassette_miss, self.record_hint
                        ),
                    )
                ]
            if isinstance(exc, openai.APIStatusError):
                code = fetch_messages.error_code(exc)
                message = scrub_secrets(fetch_messages.status_detail(exc), self._secrets)
                if code == "insufficient_quota":
                    raise QuotaExhausted(
                        f"the API key's quota is exhausted (insufficient_quota) on {model}: "
                        f"{message}. Add credit or use another key, then run again."
                    ) from None
                return [Completion(model=model, error=f"API error {exc.status_code}: {message}")]
            if isinstance(exc, openai.APITimeoutError):
                error = f"API timeout: no whole answer within {self.settings.timeout_s:g} s"
                return [Completion(model=model, error=f"{error} (--request-timeout)")]
            if isinstance(exc, openai.APIConnectionError):
                cause = exc.__cause__ or exc
                detail = scrub_secrets(f"{type(cause).__name__}: {cause}", self._secrets)
                return [Completion(model=model, error=f"connection error: {detail}")]
            # Anything else (a recorded header that is not ASCII, say) fails this call only.
            lines = scrub_secrets(f"{type(exc).__name__}: {exc}", self._secrets).splitlines()
            return [
                Completion(model=model, error=f"the call failed ({shown_path(path)}): {lines[0]}")
            ]
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
        return sanitize.completions(found, secret_values.from_environment(extra=self._secrets))
