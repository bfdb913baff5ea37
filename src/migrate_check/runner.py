"""Send each case to each model with the official SDK, inside that case's cassette.

All requests of a run go out concurrently (bounded per model), so a live run takes
about requests x latency / concurrency. Failures become a `Completion` with `error`
set: one case fails, the run goes on. Only an exhausted quota stops everything.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate_check import sanitize
from migrate_check import secrets as secret_values
from migrate_check.answers import completions_from_body, processing_ms
from migrate_check.case import Case
from migrate_check.completion import Completion, LatencySource
from migrate_check.deadline import deadline_client
from migrate_check.pacing import RateGate, response_hook
from migrate_check.progress import RequestProgress
from migrate_check.recording import (
    CassetteLoadError,
    cassette_path,
    endpoint_of,
    open_case_cassette,
    recording_session,
    release_case_cassette,
    use_case_cassette,
)
from migrate_check.sdk_request import create_arguments, request_body

REPLAY_API_KEY = "replay-without-key"
SECRET_ENV = secret_values.SECRET_ENV
_SDK_PREFIX = re.compile(r"^Error code: \d+( - )?")


# A secret header's value in a logged header list or dict: `(b'set-cookie', b'...')`
# (httpcore) or `'set-cookie': ['...']` (vcrpy).
_SECRET_HEADER = re.compile(
    r"""(?i)(b?['"](?:set-cookie|cookie|authorization|api-key|openai-organization|"""
    r"""openai-project)['"]\s*[,:]\s*\[?\s*b?['"])([^'"]*)"""
)


class SecretFilter(logging.Filter):
    """Scrubs keys, secret header values and known secrets from every log record.

    Attached to the root logger's handlers while a run fetches: the SDK, httpcore and
    vcrpy log headers and error bodies at DEBUG and INFO, and `--log-file` writes them.
    """

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def scrub(self, text: str) -> str:
        return scrub_secrets(_SECRET_HEADER.sub(r"\1[redacted]", text), self.secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's to report, not ours
            return True
        record.msg, record.args = self.scrub(message), None
        if record.exc_info:
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = self.scrub(text), None
        return True


@contextlib.contextmanager
def scrubbed_logs(secrets: Iterable[str | None]) -> Iterator[None]:
    """Every handler of the root logger drops secrets for the duration."""
    handlers = list(logging.getLogger().handlers)
    secret_filter = SecretFilter(secrets)
    for handler in handlers:
        handler.addFilter(secret_filter)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(secret_filter)


class QuotaExhausted(Exception):
    """The API said `insufficient_quota`: no further request can succeed, so the run stops."""


@dataclass(frozen=True)
class RunnerSettings:
    """How requests are sent and recorded for one run."""

    record_mode: str = "none"
    cassette_dir: Path = Path("cassettes")
    concurrency: int = 8
    max_retries: int = 4
    timeout_s: float = 60.0
    progress: bool = True
    replay_through_sdk: bool = False
    base_url: str | None = None
    api_key: str | None = None


RecordHint = Callable[[Case, str, str], str]  # (case, model, record mode) -> a command


@dataclass(frozen=True)
class _Lane:
    """One model's client and budgets: requests in flight, and cases with an open cassette."""

    client: Any
    limit: asyncio.Semaphore
    open_cases: asyncio.Semaphore
    gate: RateGate
    progress: RequestProgress


def scrub_secrets(text: str, secrets: Iterable[str | None] = ()) -> str:
    """An error message or log line without known secrets (those of the environment,
    OPENAI_BASE_URL's credentials and `secrets`) or anything shaped like a credential."""
    return secret_values.from_environment(extra=secrets).message(text)


def _find_cause(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


class Runner:
    """Fetches completions for cases on models, through per-case cassettes."""

    def __init__(self, settings: RunnerSettings, record_hint: RecordHint) -> None:
        self.settings = settings
        self.record_hint = record_hint
        self._secrets = [
            settings.api_key,
            *(os.environ.get(name) for name in SECRET_ENV),
        ]
        self.fetched: dict[tuple[str, str], list[Completion]] = {}
        #: Cassettes replayed offline that hold exchanges no current request matches: their
        #: positions, so `--prune-recordings` can drop exactly those.
        self.stale_exchanges: dict[Path, list[int]] = {}
        # Cassettes that could not be written, with why; the answers are kept regardless.
        self.write_errors: list[tuple[Path, OSError]] = []

    def fetch(
        self, cases: Sequence[Case], models: Sequence[str]
    ) -> dict[tuple[str, str], list[Completion]]:
        """Every sample of every case on every model, keyed by (case key, model).

        What finished stays in `self.fetched` also when the fetch is interrupted (Ctrl-C),
        so the caller can judge and report it.
        """
        self.fetched = {}
        if self.settings.record_mode == "none" and not self.settings.replay_through_sdk:
            return self._replay_all(cases, models, self.fetched)
        with scrubbed_logs(self._secrets):
            return asyncio.run(self._fetch_all(cases, models, self.fetched))

    def _replay_all(
        self,
        cases: Sequence[Case],
        models: Sequence[str],
        results: dict[tuple[str, str], list[Completion]],
    ) -> dict[tuple[str, str], list[Completion]]:
        """Offline: read each cassette and match its requests, with no HTTP in between."""
        for case in cases:
            for model in models:
                results[(case.key, model)] = self.replay_one(case, model)
        return results

    def replay_one(self, case: Case, model: str) -> list[Completion]:
        """Every sample of one case on one model from its cassette; failures as errors."""
        from migrate_check.replay import MissingRecording, RecordingMismatch, replay

        path = cassette_path(self.settings.cassette_dir, case.suite, case.id, model)
        stale: list[int] = []
        try:
            completions = replay(path, case, model, request_body(case, model), stale)
            if stale:
                self.stale_exchanges[path] = stale
        except MissingRecording:
            completions = [Completion(model=model, error=self._missing(case, model, path))]
        except CassetteLoadError as exc:
            completions = [_unreadable(exc, model)]
        except RecordingMismatch as exc:
            error = self._mismatch_text(case, model, path, str(exc))
            completions = [Completion(model=model, error=error)]
        except Exception as exc:  # one unreadable case must not stop the run
            error = f"cannot replay {_shown(path)}: {type(exc).__name__}: {exc}"
            completions = [Completion(model=model, error=error.splitlines()[0])]
        if len(completions) < case.samples:
            completions = completions * case.samples
        return completions

    async def _fetch_all(
        self,
        cases: Sequence[Case],
        models: Sequence[str],
        results: dict[tuple[str, str], list[Completion]],
    ) -> dict[tuple[str, str], list[Completion]]:
        live = self.settings.record_mode != "none"
        total = sum(case.samples for case in cases) * len(models)
        with RequestProgress(total, enabled=live and self.settings.progress) as progress:
            lanes = {model: self._lane(live, progress) for model in models}
            try:
                with recording_session() as router:
                    self.write_errors = router.write_errors  # filled until the session closes
                    async with asyncio.TaskGroup() as group:
                        for case in cases:
                            for model in models:
                                group.create_task(
                                    self._fetch_case(lanes[model], router, case, model, results)
                                )
            except* QuotaExhausted as quota:
                raise quota.exceptions[0] from None
            finally:
                for lane in lanes.values():
                    await lane.client.close()
        return results

    def _lane(self, live: bool, progress: RequestProgress) -> _Lane:
        """One model's client, concurrency budget and rate gate: limits are per model."""
        import openai

        api_key = self.settings.api_key or os.environ.get("OPENAI_API_KEY") or REPLAY_API_KEY
        gate = RateGate()
        http_client = None
        if live:
            hook = response_hook(gate, progress.answered)
            http_client = deadline_client(self.settings.timeout_s, event_hooks={"response": [hook]})
        client = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=self.settings.base_url,
            max_retries=self.settings.max_retries if live else 0,
            timeout=self.settings.timeout_s,
            http_client=http_client,
        )
        budget = self.settings.concurrency
        return _Lane(client, asyncio.Semaphore(budget), asyncio.Semaphore(budget), gate, progress)

    async def _fetch_case(
        self,
        lane: _Lane,
        router: Any,
        case: Case,
        model: str,
        results: dict[tuple[str, str], list[Completion]],
    ) -> None:
        # Only as many cassettes open as requests can be in flight: memory stays flat.
        async with lane.open_cases:
            path = cassette_path(self.settings.cassette_dir, case.suite, case.id, model)
            try:
                cassette = open_case_cassette(path, self.settings.record_mode)
            except CassetteLoadError as exc:
                results[(case.key, model)] = [_unreadable(exc, model)] * case.samples
                return
            if self.settings.record_mode == "none" and len(cassette) == 0:
                failure = Completion(model=model, error=self._missing(case, model, path))
                results[(case.key, model)] = [failure] * case.samples
                return

            async def one_sample() -> list[Completion]:
                async with lane.limit:
                    await lane.gate.wait()
                    with use_case_cassette(router, cassette):
                        completions = await self._send(lane.client, case, model, path, cassette)
                lane.progress.finished()
                return completions

            tasks = [asyncio.ensure_future(one_sample()) for _ in range(case.samples)]
            try:
                samples = await asyncio.gather(*tasks)
            except asyncio.CancelledError:
                if all(t.done() and not t.cancelled() and t.exception() is None for t in tasks):
                    # Every answer arrived: the router saves the cassette, keep the answers too.
                    results[(case.key, model)] = [c for t in tasks for c in t.result()]
                else:
                    # Some samples only: not saved, so the next run records the case whole.
                    router.children.pop(id(cassette), None)
                raise
            answers = [c for sample in samples for c in sample]
            arrived = sum(all(c.error is None for c in sample) for sample in samples)
            if arrived < case.samples and self.settings.record_mode == "all" and path.exists():
                # Re-recording replaces a cassette only with a whole new set of samples: an
                # earlier complete recording is worth more than part of a new one.
                router.children.pop(id(cassette), None)
                results[(case.key, model)] = [
                    _kept_note(c, arrived, case.samples, path) for c in answers
                ]
                return
            # Saved as soon as the case is done (atomically), not at the end of the run: a
            # run that is killed keeps every case it finished.
            release_case_cassette(router, cassette)
            if arrived < case.samples and arrived:
                answers = [_partial_note(c, arrived, case.samples) for c in answers]
            results[(case.key, model)] = answers

    async def _send(
        self, client: Any, case: Case, model: str, path: Path, cassette: Any
    ) -> list[Completion]:
        """One request's answers (one per choice), or one Completion saying why none came."""
        import openai
        from vcr.errors import CannotOverwriteExistingCassetteException

        resource = client.responses if case.api == "responses" else client.chat.completions
        started = time.perf_counter()
        played_before = cassette.play_count
        try:
            arguments = create_arguments(resource.create, case, model)
            raw = await resource.with_raw_response.create(**arguments)
            content = await raw.http_response.aread()
        except Exception as exc:
            cassette_miss = _find_cause(exc, CannotOverwriteExistingCassetteException)
            if cassette_miss is not None:
                return [
                    Completion(model=model, error=self._mismatch(case, model, path, cassette_miss))
                ]
            if isinstance(exc, openai.APIStatusError):
                code = _error_code(exc)
                message = scrub_secrets(_status_detail(exc), self._secrets)
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
            return [Completion(model=model, error=f"the call failed ({_shown(path)}): {lines[0]}")]
        elapsed_ms = (time.perf_counter() - started) * 1000
        latency = processing_ms(raw.headers.get("openai-processing-ms"))
        source: LatencySource | None = "openai-processing-ms" if latency is not None else None
        # Time measured around an answer the cassette played back is vcrpy's, not the
        # API's: only a call that went out has a measured latency.
        went_out = cassette.play_count == played_before
        if latency is None and self.settings.record_mode != "none" and went_out:
            latency, source = elapsed_ms, "measured"
        text = content.decode("utf-8", errors="replace")
        endpoint = endpoint_of(raw.http_request.url.path)
        streamed = bool(case.request.get("stream"))
        found = completions_from_body(text, endpoint, streamed, model, latency, source)
        return sanitize.completions(found, secret_values.from_environment(extra=self._secrets))

    def shutdown_dates(self, models: Sequence[str]) -> dict[str, str]:
        """`shutdown_date` of each model from the live models list; what fails is left out."""
        import openai

        client = openai.OpenAI(
            api_key=self.settings.api_key or os.environ.get("OPENAI_API_KEY") or REPLAY_API_KEY,
            base_url=self.settings.base_url,
            max_retries=1,
            timeout=10.0,
        )
        dates: dict[str, str] = {}
        with client, scrubbed_logs(self._secrets):
            for model in models:
                try:
                    raw = client.models.with_raw_response.retrieve(model)
                    date = json.loads(raw.http_response.text).get("shutdown_date")
                except (openai.OpenAIError, ValueError, AttributeError):
                    continue
                if isinstance(date, str) and date:
                    dates[model] = date
        return dates

    def _missing(self, case: Case, model: str, path: Path) -> str:
        return (
            f"no recording of case {case.key!r} on model {model!r} (looked for "
            f"{_shown(path)}); record it with: {self.record_hint(case, model, 'once')}"
        )

    def _mismatch(self, case: Case, model: str, path: Path, exc: Any) -> str:
        details = []
        for _request, _ok, failed in getattr(exc, "similar_requests", [])[:1]:
            details = [message for _name, message in failed]
        reason = "; ".join(d.splitlines()[0] for d in details if d) or "no recorded request matches"
        if getattr(exc, "reason", "") == "already_played":
            reason = "every recorded answer was already used (more samples than recorded?)"
        return self._mismatch_text(case, model, path, reason)

    def _mismatch_text(self, case: Case, model: str, path: Path, reason: str) -> str:
        return (
            f"the recording of case {case.key!r} on model {model!r} ({_shown(path)}) does not "
            f"match the case's request ({reason}); the case changed since it was recorded. "
            f"Record it again with: {self.record_hint(case, model, 'all')}"
        )


def _kept_note(completion: Completion, arrived: int, samples: int, path: Path) -> Completion:
    if completion.error is None:
        return completion
    completion.error += (
        f" ({arrived} of {samples} samples arrived, so the earlier recording "
        f"{_shown(path)} was kept unchanged; run --record-mode all again to re-record it)"
    )
    return completion


def _partial_note(completion: Completion, arrived: int, samples: int) -> Completion:
    if completion.error is None:
        return completion
    completion.error += (
        f" ({arrived} of {samples} samples were recorded; "
        "--record-mode new_episodes records the rest)"
    )
    return completion


def _unreadable(exc: CassetteLoadError, model: str) -> Completion:
    shown = CassetteLoadError(_shown(exc.path), exc.reason)
    return Completion(model=model, error=f"{shown}; delete it and record again")


def _shown(path: Path) -> Path:
    """A path as messages show it: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return path


def _status_detail(exc: Any) -> str:
    """An API error's message on one line, without the SDK's "Error code: 429 - " prefix.

    A body that is missing (a streamed request) or an HTML page (a proxy's 502) says
    nothing useful, so the HTTP reason phrase stands in for it.
    """
    text = _SDK_PREFIX.sub("", str(exc.message)).strip()
    if not text or text.startswith("<"):
        text = getattr(exc.response, "reason_phrase", "") or "no detail"
    return " ".join(text.split())


def _error_code(exc: Any) -> str | None:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            code = error.get("code") or error.get("type")
            return str(code) if code else None
    return getattr(exc, "code", None)
