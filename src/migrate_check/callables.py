"""Importing the team's own functions named in suites ("myapp.triage:route"), and calling
them with a time limit.

Errors are found when the check is built, not on the first case: a typo in a dotted
path is a configuration error with the path quoted.
"""

from __future__ import annotations

import importlib
import inspect
import queue
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from migrate_check.checks.base import CheckConfigError, CheckRunError
from migrate_check.checks.outputs import output_value
from migrate_check.model import Completion

_SHAPE = "a check callable takes (output) or (output, completion)"


def import_callable(path: str) -> Callable[..., Any]:
    """The object at `pkg.mod:attr` (or `pkg.mod.attr`), which must be callable."""
    if not isinstance(path, str) or not path.strip():
        raise CheckConfigError(
            f"a callable path must look like 'pkg.module:function', got {path!r}"
        )
    module_name, _, attribute = path.partition(":") if ":" in path else path.rpartition(".")
    if not module_name or not attribute:
        raise CheckConfigError(f"{path!r} must look like 'pkg.module:function'")
    try:
        target: object = importlib.import_module(module_name)
        for part in attribute.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as exc:
        raise CheckConfigError(f"cannot import {path!r}: {exc}") from exc
    except Exception as exc:  # the team's module failed while importing (SyntaxError, ...)
        raise CheckConfigError(
            f"cannot import {path!r}: {type(exc).__name__}: {exc}".splitlines()[0]
        ) from exc
    if not callable(target):
        raise CheckConfigError(f"{path!r} is not callable")
    return target


@dataclass(frozen=True)
class CheckCallable:
    """A team's function and how to call it: with the output, or the output and completion."""

    path: str
    function: Callable[..., Any]
    wants_completion: bool

    def __call__(self, completion: Completion) -> Any:
        output = output_value(completion)
        if self.wants_completion:
            return self.function(output, completion)
        return self.function(output)


def load_check_callable(path: str) -> CheckCallable:
    """Import `path` and decide from its signature whether it also takes the completion."""
    function = import_callable(path)
    return CheckCallable(path, function, _wants_completion(path, function))


def _wants_completion(path: str, function: Callable[..., Any]) -> bool:
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):  # some builtins have no signature: assume (output)
        return False
    positional = [
        p
        for p in parameters
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    required = [p for p in positional if p.default is inspect.Parameter.empty]
    variadic = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters)
    if not positional and not variadic:
        raise CheckConfigError(f"{path!r} takes 0 arguments; {_SHAPE}")
    if len(required) > 2:
        raise CheckConfigError(f"{path!r} takes {len(required)} arguments; {_SHAPE}")
    # A second parameter with a default (`strict=False`) is the team's, not ours.
    return len(required) == 2 or any(p.name == "completion" for p in positional[1:2])


class _Worker:
    """One daemon thread that runs calls one at a time, reused until a call hangs.

    A daemon thread, not a thread pool: a call that never returns must not keep the
    test process from exiting (pool threads are joined at exit). A hung worker is
    abandoned and the next call gets a fresh one; starting a thread per call would
    cost more than most checks.
    """

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        threading.Thread(target=self._loop, name="migrate-check callables", daemon=True).start()

    def _loop(self) -> None:
        while True:
            call, future = self.jobs.get()
            try:
                future.set_result(call())
            except BaseException as exc:
                future.set_exception(exc)


_workers = threading.local()


class _Alarm(BaseException):
    """Raised into a call by SIGALRM when its time is up; a BaseException, so a team's
    `except Exception` cannot swallow it and return a value as if nothing happened."""


def _on_main_thread_with_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _call_with_alarm(call: Callable[[], Any], timeout: float, what: str) -> Any:
    """The main thread's way: an interval timer interrupts the call, no thread hand-off.

    The previous SIGALRM handler and timer (pytest-timeout's, say) are restored after.
    """

    def ring(signum: int, frame: Any) -> None:
        raise _Alarm

    previous = signal.signal(signal.SIGALRM, ring)
    old_delay, _interval = signal.setitimer(signal.ITIMER_REAL, timeout)
    started = time.monotonic()
    try:
        return call()
    except _Alarm:
        raise CheckRunError(f"{what} timed out after {timeout:g} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if old_delay:
            left = old_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


def call_with_timeout(call: Callable[[], Any], timeout: float, what: str) -> Any:
    """Run `call`, giving up after `timeout` seconds.

    On the main thread an interval timer interrupts it; elsewhere it runs on this
    thread's worker thread.
    """
    if _on_main_thread_with_alarm():
        return _call_with_alarm(call, timeout, what)
    worker: _Worker | None = getattr(_workers, "worker", None)
    if worker is None:
        worker = _workers.worker = _Worker()
    future: Future[Any] = Future()
    worker.jobs.put((call, future))
    try:
        return future.result(timeout=timeout)
    except FutureTimeout:
        if future.done():  # the callable itself raised TimeoutError: that is its answer
            raise
        _workers.worker = None  # this worker is stuck in the call; never reuse it
        raise CheckRunError(f"{what} timed out after {timeout:g} s") from None
