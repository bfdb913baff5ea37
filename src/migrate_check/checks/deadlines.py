"""The deadline of a team's call on the main thread, kept where the call cannot reach it.

The process's interval timer is the call's to set and cancel too (`signal.alarm(0)`
cancels it), so a watchdog thread keeps the deadline instead: at the deadline, and every
20 ms after until the call is over, it sends the main thread a signal whose handler
(`ring`, installed by `time_limits` for the call) raises `Alarm`. SIGURG first, which
applications leave alone and whose default is to ignore it (so one arriving late harms
nothing), else SIGALRM. A call that replaced both handlers (its own, or SIG_IGN) gets
`Alarm` raised into its thread at the next line of Python it runs, and a handler of its
own is run so that a blocking wait returns.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable

#: The signals `ring` is installed for, the first one sent while it is still installed.
RING_SIGNALS: tuple[int, ...] = tuple(
    getattr(signal, name) for name in ("SIGURG", "SIGALRM") if hasattr(signal, name)
)
#: After the deadline the watchdog rings again this often, until the call gives up.
REPEAT_S = 0.02


class Alarm(BaseException):
    """Raised into a call when its time is up; a BaseException, so `except Exception` in a
    team's code cannot swallow it and return a value as if nothing happened."""


def raise_into(thread: int, exc: type[BaseException]) -> None:
    """Raise `exc` in `thread` at the next line of Python it runs."""
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exc))


def raise_pending() -> None:
    """Entering a function raises an exception sent to this thread and not yet raised.

    (Withdrawing it instead, `PyThreadState_SetAsyncExc(thread, NULL)`, leaves CPython
    3.11's eval breaker set: the next timed call hung in our tests.)
    """


class Timed:
    """One timed call on the main thread, as the watchdog sees it."""

    def __init__(self, deadline: float, thread: int, ring: Callable[..., None]) -> None:
        self.deadline = deadline
        self.thread = thread
        self.ring = ring
        self.stopped = threading.Lock()  # held by the caller once the call is over
        self.fired = False  # the deadline passed and the call was told

    def interrupt(self) -> bool:
        """Tell the call its time is up; False when it is already over."""
        if not self.stopped.acquire(blocking=False):
            return False
        try:
            self.fired = True
            handlers = [(signum, signal.getsignal(signum)) for signum in RING_SIGNALS]
            for signum, handler in handlers:
                if handler is self.ring:
                    signal.pthread_kill(self.thread, signum)
                    return True
            raise_into(self.thread, Alarm)
            for signum, handler in handlers:
                if callable(handler):  # the call's own: wakes a blocking wait to run it
                    signal.pthread_kill(self.thread, signum)
                    break
            return True
        finally:
            self.stopped.release()


class Watchdog:
    """One daemon thread that interrupts the main thread's timed call at its deadline.

    It sleeps until the deadline of the call it watches; a new call with a later deadline
    does not wake it, so back-to-back calls cost two lock round trips each.
    """

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.timed: Timed | None = None
        self.waking_at: float | None = None  # None: asleep until told
        self.pid = os.getpid()
        threading.Thread(target=self._loop, name="migrate-check deadlines", daemon=True).start()

    def watch(self, timed: Timed) -> None:
        with self.condition:
            self.timed = timed
            if self.waking_at is None or timed.deadline < self.waking_at:
                self.condition.notify()

    def forget(self, timed: Timed) -> None:
        with self.condition:
            if self.timed is timed:
                self.timed = None

    def _loop(self) -> None:
        with self.condition:
            while True:
                timed, now = self.timed, time.monotonic()
                if timed is None:
                    self.waking_at = None
                    self.condition.wait()
                elif now < timed.deadline:
                    self.waking_at = timed.deadline
                    self.condition.wait(timed.deadline - now)
                elif timed.interrupt():
                    self.waking_at = now + REPEAT_S
                    self.condition.wait(REPEAT_S)
                else:
                    self.timed = None


_the_watchdog: Watchdog | None = None


def watchdog() -> Watchdog:
    """This process's watchdog (a forked child starts its own)."""
    global _the_watchdog
    if _the_watchdog is None or _the_watchdog.pid != os.getpid():
        _the_watchdog = Watchdog()
    return _the_watchdog
