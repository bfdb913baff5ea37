"""Recording a run: one vcrpy context for the whole run, one cassette file per case.

vcrpy patches the HTTP client globally, so one cassette context serves a whole run. To
record concurrent requests into per-case files, the context holds a `RoutingCassette`
that hands every request to the child cassette of the case whose asyncio task sent it
(a context variable names the case). Each child is an ordinary vcrpy `Cassette` with its
own file, record mode and matching, so per-file vcrpy semantics hold unchanged.

Where a cassette lives is `paths`, what it keeps is `scrubbing`, how a request finds its
answer is `matching`, and reading and writing one file is `files`.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from migrate_check.cassettes import stream_timing
from migrate_check.cassettes.files import (
    deferred_writes,
)

# `release_case_cassette` looks `write_atomic` up here, so a test can slow down the writes
# of released cases (the writes a run makes as it closes go through `files`).
from migrate_check.core.atomic import write_atomic

__all__ = [
    "RECORD_MODES",
    "current_cassette",
    "discard_case_cassette",
    "recording_session",
    "release_case_cassette",
    "sole_case_cassette",
    "use_case_cassette",
]

RECORD_MODES = ("none", "once", "new_episodes", "all")

#: The cassette of the case whose asyncio task is running: where `RoutingCassette` sends.
current_cassette: contextvars.ContextVar[Any] = contextvars.ContextVar("migrate_check_cassette")


def _routing_cassette_class() -> Any:
    from vcr.cassette import Cassette

    class RoutingCassette(Cassette):  # type: ignore[misc]
        """The one patched cassette; every call goes to the current task's case cassette."""

        def _load(self) -> None:
            self.children: dict[int, Any] = {}
            self.write_errors: list[tuple[Path, OSError]] = []

        @property
        def _child(self) -> Any:
            child = current_cassette.get(None)
            if child is None:  # (a cassette with no interaction yet is falsy: no `or`)
                child = _sole_cassette
            if child is None:
                raise RuntimeError("migrate-check: an HTTP request was sent outside a case")
            return child

        @property
        def write_protected(self) -> bool:
            return bool(self._child.write_protected)

        def can_play_response_for(self, request: Any) -> bool:
            return bool(self._child.can_play_response_for(request))

        def play_response(self, request: Any) -> Any:
            return self._child.play_response(request)

        def append(self, request: Any, response: Any) -> None:
            child = self._child
            # An entry point's or a loop's case cassette is vcrpy's own inside an
            # ObservedCassette: the timing goes into the vcrpy cassette's metadata.
            held_in = getattr(child, "inner", child)
            held = len(held_in.data)
            child.append(request, response)
            if len(held_in.data) > held:  # recorded (not filtered out): keep how it streamed
                recorded_request, recorded = held_in.data[-1]
                stream_timing.note_recorded(held_in, recorded_request, recorded)

        def filter_request(self, request: Any) -> Any:
            return self._child.filter_request(request)

        def find_requests_with_most_matches(self, request: Any) -> Any:
            return self._child.find_requests_with_most_matches(request)

        def _save(self, force: bool = False) -> None:
            for child in list(self.children.values()):
                try:
                    child._save(force=force)
                except OSError as exc:  # a full disk or read-only folder: say so, keep going
                    self.write_errors.append((Path(child._path), exc))

    return RoutingCassette


@contextlib.contextmanager
def recording_session() -> Iterator[Any]:
    """Patch HTTP clients once for a run; yields the routing cassette.

    Cassettes opened with `use_case_cassette` inside it are saved when it closes,
    also on an interrupt (each file atomically, so none is left half-written).
    """
    routing_cassette = _routing_cassette_class()
    with routing_cassette.use(path="<migrate-check run>") as router:
        yield router


@contextlib.contextmanager
def use_case_cassette(router: Any, cassette: Any) -> Iterator[None]:
    """Route the HTTP requests of the current task to `cassette`."""
    router.children.setdefault(id(cassette), cassette)
    token = current_cassette.set(cassette)
    try:
        yield
    finally:
        current_cassette.reset(token)


#: The one case cassette of a run that runs one case at a time (a team's sync function):
#: where requests from threads the case started go, which carry no context variable.
_sole_cassette: Any = None


@contextlib.contextmanager
def sole_case_cassette(router: Any, cassette: Any) -> Iterator[None]:
    """`use_case_cassette`, and the cassette of requests sent from threads meanwhile: for
    a case that runs alone, so nothing else's requests can be sent then."""
    global _sole_cassette
    with use_case_cassette(router, cassette):
        _sole_cassette = cassette
        try:
            yield
        finally:
            _sole_cassette = None


def discard_case_cassette(router: Any, cassette: Any) -> None:
    """Forget a case's cassette unsaved: what it holds on disk stays as it was."""
    router.children.pop(id(cassette), None)


async def release_case_cassette(router: Any, cassette: Any) -> None:
    """Save a finished case's cassette now and stop holding it: memory stays flat.

    The YAML is made here; the write (a temporary file, an fsync, a rename) runs in a
    worker thread, so the event loop keeps sending meanwhile. Only system calls run in
    that thread: Python work there would take the GIL from the loop. The write is
    shielded: a run cancelled meanwhile (Ctrl-C, an exhausted quota) still finishes it,
    since asyncio.run waits for its executor's queued work. A cassette that cannot be
    written (full disk, read-only folder) is noted in `router.write_errors`; the answers
    stay with the caller, for the report.
    """
    router.children.pop(id(cassette), None)
    with deferred_writes() as writes:
        cassette._save()
    loop = asyncio.get_running_loop()
    for path, text in writes:
        write = loop.run_in_executor(None, write_atomic, path, text)
        write.add_done_callback(functools.partial(_note_failed_write, router, path))
        with contextlib.suppress(OSError):  # noted by the callback
            await asyncio.shield(write)


def _note_failed_write(router: Any, path: Path, write: asyncio.Future[None]) -> None:
    if not write.cancelled() and isinstance(write.exception(), OSError):
        router.write_errors.append((path, write.exception()))
