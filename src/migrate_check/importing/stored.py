"""Stored completions and stored Responses, fetched through the official `openai` SDK.

Chat Completions sent with `store: true` are listed (`chat.completions.list`: model and
metadata filters, newest first, a page at a time) and each one's input messages fetched
(`chat.completions.messages.list`); stored Responses are read by id from a file of ids
(`responses.retrieve`, `responses.input_items.list`). `stored_prompts` makes each into a
`Prompt` whose recorded answer is the stored one.

Bounded: objects taken (`max_calls`), bytes per object (its messages included) and per
page, and total time. An API failure after the SDK's own retries, or a bound reached,
stops the fetch and keeps what came before it: `stop` says why and which flag resumes
from there (`--stored-after ID`: the last completion taken, as the list's cursor). What
is fetched is data only: read as JSON, written to the suite, never executed or rendered.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migrate_check.core.case import Api
from migrate_check.importing.origins import snapshot_base
from migrate_check.importing.skipped import Skipped
from migrate_check.importing.sources import Prompt
from migrate_check.importing.stored_ids import response_ids
from migrate_check.importing.stored_prompts import (
    CHAT_SOURCE,
    RESPONSES_SOURCE,
    Made,
    Tally,
    chat_prompt,
    response_problem,
    response_prompt,
)
from migrate_check.safety import secrets
from migrate_check.sending.failures import missing_v1

if TYPE_CHECKING:
    import openai

DEFAULT_MAX_CALLS = 10_000
DEFAULT_MAX_SECONDS = 3600.0
MAX_OBJECT_BYTES = 4 * 1024 * 1024  # a stored object with its messages or input items
MAX_PAGE_BYTES = 64 * 1024 * 1024  # one HTTP answer (a page of 100 objects)
PAGE_SIZE = 100  # the most the API lists at once
TIMEOUT_S = 60.0
MAX_RETRIES = 3
_SHOWN_ERROR = 300
_FIRST_SKIPPED = 3  # skipped objects an error names when none could be read


@dataclass(frozen=True)
class StoredQuery:
    """What to fetch, and the bounds of the fetch."""

    completions: bool = False
    responses_file: Path | None = None
    model: str | None = None
    metadata: tuple[tuple[str, str], ...] = ()
    since: int | None = None  # created at or after (unix seconds)
    until: int | None = None  # created before
    after: str | None = None  # resume the completions list after this id
    responses_after: str | None = None  # resume the ids file after this id
    max_calls: int = DEFAULT_MAX_CALLS
    max_seconds: float = DEFAULT_MAX_SECONDS
    max_object_bytes: int = MAX_OBJECT_BYTES
    page_size: int = PAGE_SIZE
    defaults: dict[Api, dict[str, Any]] = field(default_factory=dict)

    @property
    def asked(self) -> bool:
        return self.completions or self.responses_file is not None


@dataclass(frozen=True)
class Stop:
    """Why a fetch ended before its end: an API failure, or a bound. `resume` is the flag
    (and value) that fetches from where it stopped, None when it stopped before anything."""

    failed: bool
    reason: str
    resume: str | None


class PageTooLarge(Exception):
    """An API answer over `MAX_PAGE_BYTES` (an `OpenAIError` once raised in the SDK)."""


class _TooLarge(Exception):
    """A stored object with its messages over the bound: skipped, not a failure."""


def client_from_environment(what: str = CHAT_SOURCE) -> openai.OpenAI:
    """The SDK's client for `OPENAI_API_KEY` (and `OPENAI_BASE_URL`), its retries and a
    timeout; every answer bounded by its length. A missing key is a one-line error
    naming `what` was to be read. A local server needs a key too: the SDK sends one."""
    import openai

    key = os.environ.get("OPENAI_API_KEY", "").strip()
    if not key:
        raise ValueError(
            f"reading {what} needs OPENAI_API_KEY (and OPENAI_BASE_URL for another endpoint "
            "than api.openai.com; a local server takes any non-empty key)"
        )

    class _Refused(PageTooLarge, openai.OpenAIError):
        """Raised inside the SDK: an `OpenAIError` it passes on without retrying."""

    def bounded(response: Any) -> None:
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_PAGE_BYTES:
            response.close()
            raise _Refused(f"an answer of {length} bytes, over the {MAX_PAGE_BYTES} byte bound")

    return openai.OpenAI(
        api_key=key,
        base_url=os.environ.get("OPENAI_BASE_URL") or None,
        timeout=TIMEOUT_S,
        max_retries=MAX_RETRIES,
        http_client=openai.DefaultHttpxClient(event_hooks={"response": [bounded]}),
    )


class StoredFetch:
    """One fetch: `prompts()` yields as it fetches; what was skipped gathers in `skipped`
    (the caller takes it as it comes), how many were fetched in `fetched`."""

    def __init__(
        self,
        query: StoredQuery,
        client: Any,
        *,
        fold_snapshots: bool = True,
        scrubber: secrets.Scrubber | None = None,
        clock: Callable[[], float] = time.monotonic,
        base_url: str | None = None,
    ) -> None:
        self.query = query
        self.client = client
        self.fold_snapshots = fold_snapshots
        self.scrubber = scrubber or secrets.Scrubber(())
        self.clock = clock
        self.base_url = base_url  # OPENAI_BASE_URL: a 404's hint names it when it lacks /v1
        self.tally = Tally()
        self.skipped: list[Skipped] = []
        self.first_skipped: list[Skipped] = []  # what an error names when none was read
        self.fetched = {CHAT_SOURCE: 0, RESPONSES_SOURCE: 0}
        self.pages = 0
        self.stop: Stop | None = None
        self._deadline = 0.0

    @property
    def taken(self) -> int:
        return sum(self.fetched.values())

    def prompts(self) -> Iterator[Prompt]:
        """Every stored object asked for, a prompt at a time; the fetch stops at the first
        failure or bound (`stop`), keeping what came before."""
        import openai

        self._deadline = self.clock() + self.query.max_seconds
        try:
            if self.query.completions:
                yield from self._completions(openai)
            if self.stop is None and self.query.responses_file is not None:
                yield from self._responses(openai)
        finally:
            self.client.close()

    # -- stored completions -------------------------------------------------------------
    def _completions(self, openai: Any) -> Iterator[Prompt]:
        query = self.query
        params: dict[str, Any] = {"limit": query.page_size, "order": "desc"}
        if query.model:
            params["model"] = query.model
        if query.metadata:
            params["metadata"] = dict(query.metadata)
        if query.after:
            params["after"] = query.after
        done = query.after  # the last completion taken: where a resumed list goes on
        flag = "--stored-after"
        try:
            page = self.client.chat.completions.list(**params)
            while True:
                self.pages += 1
                for item in page.data:
                    if self._bounded(flag, done):
                        return
                    stored = item.to_dict()
                    created = stored.get("created")
                    if isinstance(created, int) and query.since and created < query.since:
                        return  # newest first: the rest are older still
                    if not self._wanted(stored, created):
                        done = item.id
                        continue
                    made = self._chat(stored, item.id)
                    done = item.id
                    yield from self._taken(made, CHAT_SOURCE)
                if not page.has_next_page():
                    return
                page = page.get_next_page()
        except openai.OpenAIError as exc:
            self._failed(exc, flag, done)

    def _wanted(self, stored: dict[str, Any], created: Any) -> bool:
        """In the window, and of the model asked for (the API filters too: this holds
        whatever its filter takes, a snapshot's name or its model's)."""
        if isinstance(created, int) and self.query.until and created >= self.query.until:
            return False
        model = stored.get("model")
        want = self.query.model
        return (
            not want or model == want or (isinstance(model, str) and snapshot_base(model) == want)
        )

    def _chat(self, stored: dict[str, Any], ident: str) -> Made:
        try:
            size = _size(stored)
            messages = []
            page = self.client.chat.completions.messages.list(
                ident, limit=self.query.page_size, order="asc"
            )
            while True:
                for message in page.data:
                    entry = message.to_dict()
                    size += _size(entry)
                    if size > self.query.max_object_bytes:
                        raise _TooLarge
                    messages.append(entry)
                if not page.has_next_page():
                    break
                page = page.get_next_page()
        except _TooLarge:
            return self._too_large("stored completion", ident, stored.get("model"), CHAT_SOURCE)
        return chat_prompt(
            self.scrubber.data(stored),
            self.scrubber.data(messages),
            self.query.defaults,
            self.tally,
            self.fold_snapshots,
        )

    # -- stored responses ---------------------------------------------------------------
    def _responses(self, openai: Any) -> Iterator[Prompt]:
        assert self.query.responses_file is not None
        ids = response_ids(self.query.responses_file, self.query.responses_after, self.scrubber)
        flag = "--stored-responses-after"
        done = self.query.responses_after
        try:
            for ident in ids:
                if self._bounded(flag, done):
                    return
                try:
                    stored = self.client.responses.retrieve(ident).to_dict()
                except (openai.NotFoundError, openai.BadRequestError) as exc:
                    reason = f"not read from the API: {self._error(exc)}"
                    self._skip(Skipped(f"stored response {ident}", reason, None, RESPONSES_SOURCE))
                    done = ident
                    continue
                made = self._response(stored, ident)
                done = ident
                yield from self._taken(made, RESPONSES_SOURCE)
        except openai.OpenAIError as exc:
            self._failed(exc, flag, done)

    def _response(self, stored: dict[str, Any], ident: str) -> Made:
        items: list[dict[str, Any]] = []
        if response_problem(stored) is None:  # a chain's input is not worth fetching
            try:
                size = _size(stored)
                page = self.client.responses.input_items.list(
                    ident, limit=self.query.page_size, order="asc"
                )
                while True:
                    for item in page.data:
                        entry = item.to_dict()
                        size += _size(entry)
                        if size > self.query.max_object_bytes:
                            raise _TooLarge
                        items.append(entry)
                    if not page.has_next_page():
                        break
                    page = page.get_next_page()
            except _TooLarge:
                model = stored.get("model")
                return self._too_large("stored response", ident, model, RESPONSES_SOURCE)
        return response_prompt(
            self.scrubber.data(stored),
            self.scrubber.data(items),
            self.query.defaults,
            self.tally,
            self.fold_snapshots,
        )

    # -- shared -------------------------------------------------------------------------
    def _taken(self, made: Made, source: str) -> Iterator[Prompt]:
        self.fetched[source] += 1
        if made.skipped is not None:
            self._skip(made.skipped)
        if made.prompt is not None:
            yield made.prompt

    def _skip(self, skipped: Skipped) -> None:
        """Kept to be listed, its origin and reason without a secret (an ids file's line
        may be anything the logs held, the key too)."""
        origin, reason = (self.scrubber.message(t) for t in (skipped.origin, skipped.reason))
        model = self.scrubber.text(skipped.model) if skipped.model else skipped.model
        clean = Skipped(origin, reason, model, skipped.source)
        self.skipped.append(clean)
        if len(self.first_skipped) < _FIRST_SKIPPED:
            self.first_skipped.append(clean)

    def _bounded(self, flag: str, done: str | None) -> bool:
        """True (with `stop` set) once the count or time bound is reached."""
        if self.taken >= self.query.max_calls:
            reason = f"reached --max-calls {self.query.max_calls}"
        elif self.clock() >= self._deadline:
            reason = f"reached --max-seconds {self.query.max_seconds:g}"
        else:
            return False
        self.stop = Stop(False, reason, self._resume(flag, done))
        return True

    def _failed(self, exc: Exception, flag: str, done: str | None) -> None:
        self.stop = Stop(True, self._error(exc), self._resume(flag, done))

    def _resume(self, flag: str, done: str | None) -> str | None:
        return self.scrubber.message(f"{flag} {done}") if done else None

    def _too_large(self, what: str, ident: str, model: Any, source: str) -> Made:
        mib = self.query.max_object_bytes / (1024 * 1024)
        reason = f"larger than {mib:g} MiB with its input, more than a case holds"
        shown = model if isinstance(model, str) else None
        return Made(None, Skipped(f"{what} {ident}", reason, shown, source))

    def _error(self, exc: Exception) -> str:
        """The API's error in one line, without a credential."""
        import openai

        cause = exc.__cause__ if isinstance(exc, openai.APIConnectionError) else None
        hint = ""
        if isinstance(exc, PageTooLarge):
            text = str(exc)
        elif isinstance(exc, openai.APIStatusError):
            text = f"HTTP {exc.status_code}: {_message(exc.body) or exc.message}"
            v1 = missing_v1(self.base_url) if exc.status_code == 404 else None
            hint = f" ({self.scrubber.message(v1)})" if v1 else ""  # after the text, never cut
        elif cause is not None:
            text = f"{type(exc).__name__}: {cause}"
        else:
            text = f"{type(exc).__name__}: {exc}"
        text = " ".join(self.scrubber.message(text).split())
        return text[:_SHOWN_ERROR] + ("..." if len(text) > _SHOWN_ERROR else "") + hint


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str))


def _message(body: Any) -> str:
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    if message is None and isinstance(body, dict):
        message = body.get("message")
    return message if isinstance(message, str) else ""
