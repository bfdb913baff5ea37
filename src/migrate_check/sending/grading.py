"""The grader's calls (embeddings, the judge), sent through the SDK and recorded per case.

Checks that need a model to grade (`embedding`, `judge`) say which requests they need
(`GraderCall`s) once both answers of a case are known; this module gets the answers and
checks read them. Grader exchanges are recorded like the pair's, beside them:
`cassettes/<suite>/<case>/grader.<model>.yaml`, one plain vcrpy cassette per case per
grader model, matched on method, endpoint and JSON body, scrubbed and written atomically
by `recording`. So a changed output or rubric is a missing recording, never a stale
verdict.

Offline (`--record-mode none`) the cassettes are read directly with vcrpy's matchers, no
HTTP and no key; a missing one is an error naming the case, the grader model and the
command that records it. With another mode the calls of all cases go out concurrently,
`--concurrency` in flight per grader model, through the recording cassettes: `once`
records the grader cassettes a case lacks and replays the rest; `all` replaces a grader
cassette only when every call of the case arrived (as the pair's), so a judge order that
failed never leaves a recording with fewer exchanges than it had.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from migrate_check.cassettes.answers import chat_usage, endpoint_of
from migrate_check.cassettes.files import AtomicPersister, CassetteLoadError, open_case_cassette
from migrate_check.cassettes.matching import matchers
from migrate_check.cassettes.paths import case_cassette_path
from migrate_check.cassettes.recording import (
    discard_case_cassette,
    recording_session,
    release_case_cassette,
    use_case_cassette,
)
from migrate_check.core.case import Case
from migrate_check.core.completion import Usage
from migrate_check.core.paths import shown_path
from migrate_check.safety import secrets as secret_values
from migrate_check.safety.bodies import BodyTooLarge, decode_response
from migrate_check.safety.log_scrubbing import scrub_secrets, scrubbed_logs
from migrate_check.sending import failures
from migrate_check.sending.deadline import deadline_client
from migrate_check.sending.failures import RecordHint
from migrate_check.sending.settings import RunnerSettings, api_key

Endpoint = Literal["embeddings", "chat.completions"]
EMBEDDINGS: Endpoint = "embeddings"
CHAT: Endpoint = "chat.completions"
_PATHS: dict[str, str] = {EMBEDDINGS: "embeddings", CHAT: "chat/completions"}
_REPLAY_BASE = "https://api.openai.com/v1"
#: A grader's answer body is read only up to this size (an embedding of 2,048 inputs at
#: 3,072 dimensions in base64 is about 34 MB; real cases send a handful).
MAX_REPLY_CHARS = 48 * 1024 * 1024
GRADER_PREFIX = "grader."


@dataclass(frozen=True)
class GraderCall:
    """One request a check needs: the grader model, the endpoint and the JSON body."""

    model: str
    endpoint: Endpoint
    body: Mapping[str, Any]

    @property
    def key(self) -> str:
        """Identity of the request: equal bodies are one call, sent and paid once."""
        return json.dumps([self.endpoint, self.body], sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class GraderReply:
    """The grader's answer body (text), or why there is none; usage as recorded."""

    model: str
    text: str | None = None
    error: str | None = None
    usage: Usage = field(default_factory=Usage)

    def json(self) -> Any:
        """The body parsed; ValueError says why it cannot be."""
        if self.text is None:
            raise ValueError(self.error or "no answer")
        if len(self.text) > MAX_REPLY_CHARS:
            raise ValueError(f"the answer is over {MAX_REPLY_CHARS:,} characters")
        return json.loads(self.text)


Replies = Mapping[str, GraderReply]


def _usage_of(text: str) -> Usage:
    try:
        body = json.loads(text) if len(text) <= MAX_REPLY_CHARS else None
    except ValueError:
        return Usage()
    return chat_usage(body.get("usage")) if isinstance(body, dict) else Usage()


@dataclass(frozen=True)
class _GraderClient:
    """One grader model's SDK client, and how many of its calls may be in flight."""

    client: Any
    limit: asyncio.Semaphore


class Grader:
    """Gets the grader's answers for cases, recording or replaying them per case.

    `fetch` takes every case's calls at once (so live calls overlap); `replies(case)`
    then gives one case's answers by call key. `seconds` is the wall time spent fetching.
    """

    def __init__(self, settings: RunnerSettings, record_hint: RecordHint) -> None:
        self.settings = settings
        self.record_hint = record_hint
        self._replies: dict[str, dict[str, GraderReply]] = {}
        self._secrets = [os.environ.get(name) for name in secret_values.SECRET_ENV]
        self.write_errors: list[tuple[Path, OSError]] = []
        self.seconds = 0.0

    def replies(self, case: Case) -> dict[str, GraderReply]:
        return self._replies.get(case.key, {})

    def has(self, case: Case, calls: Iterable[GraderCall]) -> bool:
        known = self._replies.get(case.key, {})
        return all(call.key in known for call in calls)

    def fetch(self, jobs: Sequence[tuple[Case, Sequence[GraderCall]]]) -> None:
        """Answers to every job's calls (each distinct call once), kept per case."""
        todo: list[tuple[Case, str, list[GraderCall]]] = []
        for case, calls in jobs:
            known = self._replies.setdefault(case.key, {})
            by_model: dict[str, dict[str, GraderCall]] = {}
            for call in calls:
                if call.key not in known:
                    by_model.setdefault(call.model, {})[call.key] = call
            todo += [(case, model, list(found.values())) for model, found in by_model.items()]
        if not todo:
            return
        started = time.perf_counter()
        try:
            if self.settings.record_mode == "none":
                for case, model, calls in todo:
                    self._replies[case.key].update(self._read(case, model, calls))
            else:
                with scrubbed_logs(self._secrets):
                    asyncio.run(self._fetch_live(todo))
        finally:
            self.seconds += time.perf_counter() - started

    # -- offline ----------------------------------------------------------------------
    def _path(self, case: Case, model: str) -> Path:
        return case_cassette_path(self.settings.cassette_dir, case, model, GRADER_PREFIX)

    def _missing(self, case: Case, model: str, path: Path) -> str:
        return (
            f"no recording of the grader {model!r} for case {case.key!r} (looked for "
            f"{shown_path(path)}); record it with: {self.record_hint(case, model, 'once')}"
        )

    def _lacking(self, case: Case, model: str, path: Path, reason: str) -> str:
        return (
            f"the grader recording {shown_path(path)} of case {case.key!r} has no answer of "
            f"{model!r} to this request ({reason}: an output or the check's options changed "
            f"since it was recorded); record it with: "
            f"{self.record_hint(case, model, 'new_episodes')}"
        )

    def _read(self, case: Case, model: str, calls: list[GraderCall]) -> dict[str, GraderReply]:
        """Offline: match each call in the grader cassette, no HTTP."""
        from vcr.matchers import requests_match
        from vcr.persisters.filesystem import CassetteNotFoundError
        from vcr.request import Request
        from vcr.serializers import yamlserializer

        path = self._path(case, model)
        try:
            requests, responses, *_ = AtomicPersister.load_cassette(path, yamlserializer)
        except CassetteNotFoundError:
            return {
                c.key: GraderReply(model, error=self._missing(case, model, path)) for c in calls
            }
        except CassetteLoadError as exc:
            shown = CassetteLoadError(shown_path(exc.path), exc.reason)
            error = f"{shown}; delete it and record again"
            return {c.key: GraderReply(model, error=error) for c in calls}
        used = matchers()
        found: dict[str, GraderReply] = {}
        for call in calls:
            url = f"{_REPLAY_BASE}/{_PATHS[call.endpoint]}"
            live = Request("POST", url, json.dumps(call.body).encode(), {})
            reply = GraderReply(model, error=self._lacking(case, model, path, "no match"))
            for stored, response in zip(requests, responses, strict=False):
                same = stored.method == "POST" and endpoint_of(stored.path) == endpoint_of(url)
                if not (same and _stored_json(stored.body) == call.body) and not requests_match(
                    live, stored, used
                ):
                    continue
                reply = _reply_from(model, response, path)
                break
            found[call.key] = reply
        return found

    # -- live -------------------------------------------------------------------------
    async def _fetch_live(self, todo: list[tuple[Case, str, list[GraderCall]]]) -> None:
        import openai

        grader_clients: dict[str, _GraderClient] = {}
        key = api_key()
        for _, model, _ in todo:
            if model not in grader_clients:
                client = openai.AsyncOpenAI(
                    api_key=key,
                    base_url=self.settings.base_url,
                    max_retries=self.settings.max_retries,
                    timeout=self.settings.timeout_s,
                    http_client=deadline_client(self.settings.timeout_s),
                )
                grader_clients[model] = _GraderClient(
                    client, asyncio.Semaphore(self.settings.concurrency)
                )
        try:
            with recording_session() as router:
                self.write_errors = router.write_errors
                async with asyncio.TaskGroup() as group:
                    for case, model, calls in todo:
                        group.create_task(
                            self._fetch_case(grader_clients[model], router, case, model, calls)
                        )
        finally:
            for grader in grader_clients.values():
                await grader.client.close()

    async def _fetch_case(
        self, grader: _GraderClient, router: Any, case: Case, model: str, calls: list[GraderCall]
    ) -> None:
        path = self._path(case, model)
        try:
            cassette = open_case_cassette(path, self.settings.record_mode)
        except CassetteLoadError as exc:
            error = (
                f"{CassetteLoadError(shown_path(exc.path), exc.reason)}; delete it and record again"
            )
            self._replies[case.key].update({c.key: GraderReply(model, error=error) for c in calls})
            return

        async def one(call: GraderCall) -> GraderReply:
            async with grader.limit:
                with use_case_cassette(router, cassette):
                    return await self._send(grader.client, case, model, path, call)

        tasks = [asyncio.ensure_future(one(call)) for call in calls]
        try:
            replies = await asyncio.gather(*tasks)
        except asyncio.CancelledError:
            if not all(t.done() and not t.cancelled() and t.exception() is None for t in tasks):
                discard_case_cassette(router, cassette)  # part of a case: recorded whole later
            raise
        arrived = sum(reply.error is None for reply in replies)
        kept = arrived < len(calls) and self.settings.record_mode == "all" and path.exists()
        if kept:  # as the pair's: replaced only by a recording where every call arrived
            discard_case_cassette(router, cassette)
            note = (
                f" ({arrived} of {len(calls)} grader calls arrived, so the earlier recording "
                f"{shown_path(path)} was kept unchanged; run --record-mode all again to "
                "re-record it)"
            )
            replies = [replace(r, error=f"{r.error}{note}") if r.error else r for r in replies]
        self._replies[case.key].update(
            (call.key, reply) for call, reply in zip(calls, replies, strict=True)
        )
        if not kept:
            await release_case_cassette(router, cassette)  # saved now, atomically

    async def _send(
        self, client: Any, case: Case, model: str, path: Path, call: GraderCall
    ) -> GraderReply:
        import openai
        from vcr.errors import CannotOverwriteExistingCassetteException

        resource = client.embeddings if call.endpoint == EMBEDDINGS else client.chat.completions
        try:
            raw = await resource.with_raw_response.create(**call.body)
            content = await raw.http_response.aread()
        except Exception as exc:  # noqa: BLE001 - a failed grader call is that check's error
            miss = failures.cause_of(exc, CannotOverwriteExistingCassetteException)
            if miss is not None:
                return GraderReply(model, error=self._lacking(case, model, path, "no match"))
            if isinstance(exc, openai.APIStatusError):
                detail = scrub_secrets(failures.status_detail(exc), self._secrets)
                return GraderReply(model, error=f"API error {exc.status_code}: {detail}")
            lines = scrub_secrets(f"{type(exc).__name__}: {exc}", self._secrets).splitlines()
            return GraderReply(model, error=f"the grader call failed: {lines[0] if lines else ''}")
        text = content.decode("utf-8", errors="replace")
        return GraderReply(model, text=text, usage=_usage_of(text))


def _stored_json(raw: Any) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _reply_from(model: str, response: dict[str, Any], path: Path) -> GraderReply:
    headers = response.get("headers", {})
    if any(name.lower() == "content-encoding" for name in headers):
        try:
            response = decode_response(response)
        except BodyTooLarge as exc:
            return GraderReply(model, error=f"{shown_path(path)}: an answer is refused: {exc}")
    raw = response.get("body", {}).get("string", b"")
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
    return GraderReply(model, text=text, usage=_usage_of(text))
