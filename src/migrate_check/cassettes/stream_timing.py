"""How a streamed answer arrived: time to first token and tokens per second, kept in the
cassette as migrate-check's own metadata.

vcrpy reads a whole answer inside the patched transport before the SDK sees a byte, so
the SDK cannot tell when the first token came. The clock here sits under vcrpy, on the
connection pool: it notes when each chunk of the event stream arrives and when the first
and last content deltas were in it. When vcrpy records the answer, the figures go into
the cassette's `metadata` (vcrpy's own place for a tool's values, next to the
interactions), keyed by a hash of the recorded body, never as a made-up response header.
Replay reads them back; a cassette recorded without them says "not recorded".
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import hashlib
import json
import math
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from migrate_check.core.completion import Completion, StreamTiming

#: The cassette metadata key migrate-check keeps its own values under.
METADATA_KEY = "migrate_check"
TIMINGS_KEY = "stream_timing"
#: An event larger than this (a runaway delta) stops the clock: no figure, no memory spike.
MAX_EVENT_CHARS = 1024 * 1024
#: Figures past these are not timings (a hand-edited cassette): read as not recorded.
MAX_MS = 24 * 3600 * 1000.0
MAX_TOKENS_PER_SECOND = 1_000_000.0
_CONTENT_EVENT_SUFFIXES = (".delta",)


class _Clock:
    """The arrival times of one streamed answer's content deltas, relative to sending."""

    def __init__(self, started: float, encoding: str) -> None:
        self.started = started
        self.first_ms: float | None = None
        self.last_ms: float | None = None
        self.failed = False
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._inflate: Any = None
        if encoding in ("gzip", "deflate"):
            self._inflate = zlib.decompressobj(wbits=47)  # gzip or zlib, told by the header
        elif encoding not in ("", "identity"):
            self.failed = True  # br, zstd: not decoded here, so not timed
        self._pending = ""

    def feed(self, chunk: bytes) -> None:
        """Note one chunk's arrival: the time of any content delta it completes."""
        if self.failed or not chunk:
            return
        now_ms = (time.perf_counter() - self.started) * 1000
        try:
            data = self._inflate.decompress(chunk, MAX_EVENT_CHARS) if self._inflate else chunk
        except zlib.error:
            self.failed = True
            return
        if self._inflate is not None and self._inflate.unconsumed_tail:
            self.failed = True  # a chunk inflating past the bound: not timed
            return
        self._pending = (self._pending + self._text.decode(data)).replace("\r\n", "\n")
        *events, self._pending = self._pending.split("\n\n")
        if len(self._pending) > MAX_EVENT_CHARS:
            self.failed = True
            return
        if any(_has_content(event) for event in events):
            if self.first_ms is None:
                self.first_ms = now_ms
            self.last_ms = now_ms


def _has_content(block: str) -> bool:
    """Whether an SSE event carries answer content: a chat delta with text, a refusal or
    tool-call arguments, or a Responses `*.delta` event with a non-empty delta."""
    data = "\n".join(
        line[5:].removeprefix(" ") for line in block.split("\n") if line.startswith("data:")
    )
    if not data or data.strip() == "[DONE]":
        return False
    try:
        event = json.loads(data)
    except (ValueError, RecursionError):
        return False
    if not isinstance(event, dict):
        return False
    kind = event.get("type")
    if isinstance(kind, str) and kind.endswith(_CONTENT_EVENT_SUFFIXES):
        return bool(event.get("delta"))
    for choice in event.get("choices") or ():
        delta = choice.get("delta") if isinstance(choice, dict) else None
        if isinstance(delta, dict) and (
            delta.get("content") or delta.get("refusal") or delta.get("tool_calls")
        ):
            return True
    return False


class _TimedStream:
    """An httpcore response stream that feeds each chunk to a clock as it arrives."""

    def __init__(self, stream: Any, clock: _Clock) -> None:
        self._stream = stream
        self._clock = clock

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            self._clock.feed(chunk)
            yield chunk

    async def aclose(self) -> None:
        if hasattr(self._stream, "aclose"):
            await self._stream.aclose()


@dataclass
class Watch:
    """One request's clock (its latest attempt's) and, once recorded, its figures."""

    clock: _Clock | None = None
    entry: dict[str, float] | None = None


_watch: contextvars.ContextVar[Watch | None] = contextvars.ContextVar(
    "migrate_check_stream_watch", default=None
)


@contextlib.contextmanager
def watching() -> Iterator[Watch]:
    """Time the streams the current task receives meanwhile (one request)."""
    watch = Watch()
    token = _watch.set(watch)
    try:
        yield watch
    finally:
        _watch.reset(token)


class _TimedPool:
    """An httpcore connection pool whose answers are timed for the watching task."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)

    async def handle_async_request(self, request: Any) -> Any:
        watch = _watch.get()
        if watch is None:
            return await self._pool.handle_async_request(request)
        started = time.perf_counter()
        response = await self._pool.handle_async_request(request)
        headers = {bytes(k).lower(): bytes(v) for k, v in response.headers}
        if b"event-stream" not in headers.get(b"content-type", b"").lower():
            return response
        encoding = headers.get(b"content-encoding", b"").decode("latin-1").strip().lower()
        watch.clock = _Clock(started, encoding)  # a retried attempt replaces the failed one
        response.stream = _TimedStream(response.stream, watch.clock)
        return response


def time_streams(http_client: Any) -> None:
    """Time the event streams `http_client` receives (under vcrpy, which patches the
    transport above the pool); a client of another shape is left untimed."""
    transport: Any = getattr(http_client, "_transport", None)
    pool = getattr(transport, "_pool", None)
    if pool is not None and not isinstance(pool, _TimedPool):
        transport._pool = _TimedPool(pool)


def body_key(body: Any) -> str:
    """The key a recorded body's timing is kept under: its hash, so the figures follow
    the exact answer they were measured on whatever becomes of the interaction order."""
    raw = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
    return hashlib.sha256(raw).hexdigest()[:32]


def _output_tokens(text: str, endpoint: str) -> int | None:
    from migrate_check.cassettes.answers import completions_from_sse

    try:
        found = completions_from_sse(text, endpoint, "", None)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    tokens = sum(c.usage.output_tokens for c in found)
    return tokens or None


def figures(clock: _Clock, output_tokens: int | None) -> dict[str, float] | None:
    """What the cassette keeps of one stream: None when no content delta was timed."""
    if clock.failed or clock.first_ms is None or clock.last_ms is None:
        return None
    entry = {
        "time_to_first_token_ms": round(clock.first_ms, 1),
        "last_token_ms": round(clock.last_ms, 1),
    }
    spread_s = (clock.last_ms - clock.first_ms) / 1000
    if output_tokens and spread_s > 0:
        entry["output_tokens"] = output_tokens
        entry["tokens_per_second"] = round(output_tokens / spread_s, 2)
    return entry


def note_recorded(cassette: Any, request: Any, response: dict[str, Any]) -> None:
    """Keep the watching task's stream timing in `cassette`'s metadata, for the
    interaction vcrpy just recorded (`response`, scrubbed as it is written)."""
    from migrate_check.cassettes.answers import endpoint_of

    watch = _watch.get()
    if watch is None or watch.clock is None:
        return
    body = response.get("body", {}).get("string", b"")
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else str(body)
    entry = figures(watch.clock, _output_tokens(text, endpoint_of(str(request.uri))))
    watch.clock = None
    if entry is None:
        return
    watch.entry = entry
    try:
        mine = cassette.get_metadata(METADATA_KEY, {})
    except Exception:  # noqa: BLE001 - vcrpy's MissingMetadataError: a write-protected cassette
        return
    mine.setdefault(TIMINGS_KEY, {})[body_key(body)] = entry
    cassette.dirty = True


def prune(cassette_dict: dict[str, Any]) -> dict[str, Any]:
    """The cassette to write, its timings kept only for bodies it still holds (a
    re-recorded or dropped answer takes its figures with it)."""
    metadata = cassette_dict.get("metadata")
    if not isinstance(metadata, dict):
        return cassette_dict
    mine = metadata.get(METADATA_KEY)
    if not isinstance(mine, dict) or not isinstance(mine.get(TIMINGS_KEY), dict):
        return cassette_dict
    held = {body_key(r.get("body", {}).get("string", b"")) for r in cassette_dict["responses"]}
    timings = {k: v for k, v in mine[TIMINGS_KEY].items() if k in held}
    kept_mine = (
        {**mine, TIMINGS_KEY: timings}
        if timings
        else {k: v for k, v in mine.items() if k != TIMINGS_KEY}
    )
    kept = {k: v for k, v in metadata.items() if k != METADATA_KEY}
    if kept_mine:
        kept[METADATA_KEY] = kept_mine
    return {**cassette_dict, "metadata": kept}


def _number(value: Any, limit: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) and 0 <= number <= limit else None


def recorded_timing(metadata: Any, body: Any) -> StreamTiming | None:
    """The timing a cassette's metadata keeps for a recorded body; None when it keeps
    none (recorded before migrate-check kept it, imported, or not a number)."""
    mine = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
    timings = mine.get(TIMINGS_KEY) if isinstance(mine, dict) else None
    entry = timings.get(body_key(body)) if isinstance(timings, dict) else None
    return timing_of(entry)


def timing_of(entry: Any) -> StreamTiming | None:
    """A metadata entry as a `StreamTiming`, its figures bounded."""
    if not isinstance(entry, dict):
        return None
    first = _number(entry.get("time_to_first_token_ms"), MAX_MS)
    if first is None:
        return None
    return StreamTiming(first, _number(entry.get("tokens_per_second"), MAX_TOKENS_PER_SECOND))


def attach(completions: list[Completion], timing: StreamTiming | None) -> None:
    """Give a stream's timing to its first sample (the one carrying the stream's usage),
    so a stream with several choices counts once in the medians."""
    if timing is not None and completions and completions[0].streamed:
        completions[0].stream_timing = timing
