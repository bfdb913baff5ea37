"""Calling a team's code within a time limit, whatever the code does to resist it.

Three ways, from cheapest to strongest:
- On the main thread a signal, sent by a watchdog thread at the deadline (`deadlines`),
  interrupts the call: the call cannot cancel it with `signal.alarm(0)`, and one that
  replaces the handlers is interrupted by an exception raised into the thread instead. A
  call that swallows the interruption (`except:` in a retry loop) is then interrupted at
  every line it runs until it gives up, through a trace function installed only after
  the deadline.
- Elsewhere the call runs on a reused daemon thread, abandoned if it hangs.
- With `isolate: true` the call runs in a child process that is killed at the deadline,
  so not even `os._exit` or a crash in C code can end the run.

A `BaseException` that is not an interrupt (`SystemExit`, say) ends the check as an
error instead of ending the run.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from types import FrameType
from typing import Any

from migrate_check.checks import deadlines
from migrate_check.checks.base import CheckRunError
from migrate_check.checks.deadlines import Alarm as _Alarm

#: `signal.signal` without converting each handler to and from an Enum (4 µs of the 8 a
#: timed call costs); a previous handler goes back as it came.
_set_handler: Callable[[int, Any], Any] = importlib.import_module("_signal").signal

#: Seconds a child process may take to start and import the callable's module.
CHILD_START_TIMEOUT = 60.0


def _base_exception_error(exc: BaseException, what: str) -> CheckRunError:
    detail = f": {exc}" if str(exc) else ""
    return CheckRunError(f"{what} raised {type(exc).__name__}{detail}".splitlines()[0][:300])


def call_with_timeout(call: Callable[[], Any], timeout: float, what: str) -> Any:
    """Run `call`, giving up after `timeout` seconds with `CheckRunError`.

    Ordinary exceptions from the call propagate; a non-interrupt BaseException becomes
    `CheckRunError`.
    """
    try:
        if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
            return _call_with_alarm(call, timeout, what)
        return _call_on_worker(call, timeout, what)
    except (Exception, KeyboardInterrupt):
        raise
    except _Alarm:  # an interruption that arrived as the call ended: its time was up
        raise CheckRunError(f"{what} timed out after {timeout:g} s") from None
    except BaseException as exc:  # noqa: BLE001 - SystemExit, GeneratorExit, pytest's outcomes...
        raise _base_exception_error(exc, what) from None


def _call_with_alarm(call: Callable[[], Any], timeout: float, what: str) -> Any:
    """The main thread's way: a signal interrupts the call, no thread hand-off.

    The deadline is kept by a watchdog thread (`deadlines`), not by the process's interval
    timer, so a call that sets and cancels its own `signal.alarm` (or `setitimer`) cannot
    cancel it. From the deadline on the watchdog rings every 20 ms, and each ring also
    installs a trace function that raises at the next line the call runs: a handler that
    swallows one interruption (`except: continue`) is interrupted again inside the handler,
    which no `try` of its own catches. (CPython removes a trace function that raises, hence
    the repeats.) The previous handlers, interval timer and trace function are restored
    after; an outer timer (pytest-timeout's) waits during the call, and one the call left
    running is cancelled.
    """
    own_frame = sys._getframe()
    previous_trace = sys.gettrace()
    rang = finishing = False
    deadline = time.monotonic() + timeout

    def keep_interrupting(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line" and not finishing and frame.f_code is not ring.__code__:
            raise _Alarm
        return keep_interrupting

    def ring(signum: int, frame: FrameType | None) -> None:
        nonlocal rang
        if finishing or frame is own_frame or time.monotonic() < deadline:
            return  # not this call's deadline (a stray alarm of the call's), or no call
        rang = True
        sys.settrace(keep_interrupting)
        while frame is not None and frame is not own_frame:
            frame.f_trace = keep_interrupting
            frame = frame.f_back
        raise _Alarm

    previous = [(signum, _set_handler(signum, ring)) for signum in deadlines.RING_SIGNALS]
    old_delay, _interval = signal.setitimer(signal.ITIMER_REAL, 0)
    timed = deadlines.Timed(deadline, threading.get_ident(), ring)
    watchdog = deadlines.watchdog()
    watchdog.watch(timed)
    try:
        return call()
    except _Alarm:
        raise CheckRunError(f"{what} timed out after {timeout:g} s") from None
    except KeyboardInterrupt:
        raise
    except BaseException:
        if timed.fired:  # whatever the interrupted call raised on its way out
            raise CheckRunError(f"{what} timed out after {timeout:g} s") from None
        raise
    finally:
        finishing = True
        try:
            timed.stopped.acquire()  # from here on the watchdog sends nothing
            deadlines.raise_pending()
        except _Alarm:
            pass  # raised here instead: the call is over all the same
        watchdog.forget(timed)
        if rang:
            sys.settrace(previous_trace)
        signal.setitimer(signal.ITIMER_REAL, 0)  # an alarm the call left running
        for signum, handler in previous:
            _set_handler(signum, handler)
        if old_delay:
            left = old_delay - (time.monotonic() - (deadline - timeout))
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


class _Worker:
    """One daemon thread that runs calls one at a time, reused until a call hangs.

    A daemon thread, not a thread pool: a call that never returns must not keep the
    test process from exiting (pool threads are joined at exit).
    """

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        threading.Thread(target=self._loop, name="migrate-check callables", daemon=True).start()

    def _loop(self) -> None:
        while True:
            call, future = self.jobs.get()
            try:
                future.set_result(call())
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, which decides
                future.set_exception(exc)


_workers = threading.local()


def _call_on_worker(call: Callable[[], Any], timeout: float, what: str) -> Any:
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


# -- a child process -------------------------------------------------------------------


def _serve(connection: Any, call: Callable[[str, tuple[Any, ...]], Any]) -> None:
    """The child: run calls by name (`call` imports each once), send back what happened."""
    import pickle

    connection.send(("ready", None))
    while True:
        try:
            path, args = connection.recv()
        except EOFError:
            return
        try:
            reply: tuple[str, Any] = ("ok", call(path, args))
        except BaseException as exc:  # noqa: BLE001 - every outcome goes back to the parent, which decides
            reply = ("raised", exc)
        try:
            connection.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            kind = "result" if reply[0] == "ok" else "exception"
            connection.send(("unpicklable", f"its {kind} cannot leave the process: {exc}"))


def _import_context() -> tuple[tuple[str, ...], str]:
    """What decides which module a dotted path names: `sys.path` and the working folder."""
    return tuple(sys.path), os.getcwd()


class _Child:
    """A spawned process serving calls; replaced when a call hangs, the process dies, or
    the parent now imports from elsewhere (the child keeps the `sys.path` it started with
    and every module it imported, so a later run or test would get its modules)."""

    def __init__(self, call: Callable[[str, tuple[Any, ...]], Any]) -> None:
        self.imports_from = _import_context()
        self.call = call  # what it serves: a child serves one kind of call
        # spawn, not fork: forking a process that runs threads (the SDK's, a server's) can
        # copy a held lock into the child.
        context = multiprocessing.get_context("spawn")
        self.connection, child_end = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child_end, call), name="migrate-check callable"
        )
        self.process.daemon = True
        self.process.start()
        child_end.close()
        if not self.connection.poll(CHILD_START_TIMEOUT):
            self.stop()
            raise CheckRunError("the child process for isolated callables did not start")
        self.connection.recv()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


_child: _Child | None = None


def call_in_child(
    call: Callable[[str, tuple[Any, ...]], Any],
    path: str,
    args: tuple[Any, ...],
    timeout: float,
    what: str,
) -> Any:
    """`call(path, args)` in a child process, within `timeout` seconds.

    `call` is a module-level function (the child is spawned, so it goes by name) that
    imports the callable at `path` and runs it.
    """
    global _child
    child = _child
    if child is not None and (child.imports_from != _import_context() or child.call is not call):
        child.stop()
        child = None
    if child is None or not child.process.is_alive():
        child = _child = _Child(call)
    try:
        child.connection.send((path, args))
    except (OSError, ValueError, TypeError) as exc:  # an input that cannot be pickled
        raise CheckRunError(f"{what}: cannot hand the output to its process: {exc}") from None
    if not child.connection.poll(timeout):
        child.stop()
        _child = None
        raise CheckRunError(f"{what} timed out after {timeout:g} s (its process was killed)")
    try:
        kind, value = child.connection.recv()
    except EOFError:
        child.process.join(timeout=5)
        _child = None
        code = child.process.exitcode
        raise CheckRunError(f"{what} ended its process (exit code {code})") from None
    if kind == "ok":
        return value
    if kind == "unpicklable":
        raise CheckRunError(f"{what}: {value}")
    if isinstance(value, Exception):
        raise value
    raise _base_exception_error(value, what)
