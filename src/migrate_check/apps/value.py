"""What a run of the team's function gave, made safe to keep, and kept quiet meanwhile.

Everything here that touches the team's objects runs inside the run's time limit: the
call, a coroutine run to its end, the return value made plain data, and an exception's
traceback (whose `__str__` is the team's too). What the app returns is read as the app
would read it: a pydantic model as its `model_dump(mode="json")`, a dataclass as
`asdict`, anything else copied by `checks.result_snapshot`. An exception migrate-check
caused (a request from a thread of an async run, an endless iterator) is the case's
error, never the function's outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
import io
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from migrate_check.checks.base import CheckRunError
from migrate_check.checks.callables import MAX_RESULT_ITEMS, materialized
from migrate_check.checks.result_snapshot import snapshot
from migrate_check.safety import secrets as secret_values

#: How much of a traceback an exception on one side shows.
TRACEBACK_LINES = 6
MAX_TRACEBACK_CHARS = 2_000
#: How deep the chain of an exception's causes is searched for one of migrate-check's.
MAX_CAUSES = 20
#: What migrate-check's own refusals start with (`recording.RoutingCassette`).
OURS = "migrate-check:"


class Returned(NamedTuple):
    """A run's result: the value as plain data, or the exception's last traceback lines."""

    value: Any = None
    raised: str | None = None


def call_function(function: Callable[..., Any], kwargs: dict[str, Any]) -> Returned:
    """The function called with `kwargs` (a coroutine run to its end), made plain; to be
    run within the time limit. Raises `CheckRunError` for what migrate-check caused."""
    try:
        result = function(**kwargs)
        if inspect.isawaitable(result):
            result = asyncio.run(_awaited(result))
    except Exception as exc:  # noqa: BLE001 - the function raising is its outcome on this side
        return raised_by(exc)
    return Returned(plain(result))


def raised_by(exc: BaseException) -> Returned:
    """The function's exception as its outcome, unless migrate-check caused it."""
    ours = our_fault(exc)
    if ours is not None:
        raise CheckRunError(ours)
    return Returned(None, traceback_tail(exc))


def plain(result: Any) -> Any:
    """What the function returned, as plain data the checks read."""
    dump = getattr(type(result), "model_dump", None)
    if callable(dump) and hasattr(type(result), "model_fields"):  # a pydantic model
        if not isinstance(result, type):
            result = result.model_dump(mode="json")
    elif dataclasses.is_dataclass(result) and not isinstance(result, type):
        result = dataclasses.asdict(result)
    try:
        items = materialized(result, MAX_RESULT_ITEMS)
    except ValueError as exc:  # an endless iterator
        raise CheckRunError(f"the entry point {exc}") from None
    return snapshot(items)


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def our_fault(exc: BaseException) -> str | None:
    """Why migrate-check, not the function, made this exception (a request sent from a
    thread it cannot route to the case), or None."""
    seen: BaseException | None = exc
    for _ in range(MAX_CAUSES):
        if seen is None:
            return None
        if isinstance(seen, RuntimeError) and str(seen.args[0] if seen.args else "").startswith(
            OURS
        ):
            return (
                "the entry point sent a request from a thread of an async run, which "
                "migrate-check cannot tell apart from another case's: make it from the "
                "event loop (await the async client), or make the function sync"
            )
        seen = seen.__cause__ or seen.__context__
    return None


def traceback_tail(exc: BaseException) -> str:
    """The exception's last traceback lines, bounded, without any secret."""
    lines = "".join(traceback.format_exception(exc)).rstrip().splitlines()
    tail = "\n".join(lines[-TRACEBACK_LINES:])[-MAX_TRACEBACK_CHARS:]
    return secret_values.from_environment().text(tail)


def as_text(value: Any) -> str:
    """The return value as the checks read text: a string as it is, anything else as JSON."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError, RecursionError):
        return repr(value)


class Printed(io.TextIOBase):
    """Where the function's prints go: counted, not shown."""

    def __init__(self) -> None:
        super().__init__()
        self.chars = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


@contextlib.contextmanager
def kept_off(sink: Printed) -> Iterator[None]:
    """Within it, nothing the function writes reaches the terminal: `print` goes to
    `sink`, and the process's stdout and stderr (a logging handler made at import,
    `os.write(1, ...)`, `sys.__stdout__`) go to the null device."""
    with _descriptors_to_null(), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        yield


@contextlib.contextmanager
def _descriptors_to_null() -> Iterator[None]:
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            stream.flush()  # type: ignore[union-attr]
    try:
        saved = [os.dup(1), os.dup(2)]
    except OSError:  # no descriptors to save (an embedded interpreter): Python level only
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        yield
    finally:
        for stream in (sys.__stdout__, sys.__stderr__):
            with contextlib.suppress(Exception):
                stream.flush()  # type: ignore[union-attr]
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for descriptor in (*saved, null):
            os.close(descriptor)
