"""Team-style callables the check tests name by dotted path (`check_callables:route`)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from migrate_check.checks import Observation, SideBySideCheck
from migrate_check.core.completion import Completion


def route(content: str) -> str:
    """A downstream router as apps write it: parses the content, KeyError without a queue."""
    return f"queue:{json.loads(content)['queue']}"


def queue_and_priority(content: str) -> dict[str, Any]:
    ticket = json.loads(content)
    return {"queue": ticket["queue"], "priority": ticket.get("priority")}


def hang(output: Any) -> None:
    time.sleep(5)


def raises_timeout(output: Any) -> None:
    raise TimeoutError("upstream said no")


def no_pii(output: Any) -> None:
    assert "@" not in str(output), "output contains an email address"


def is_short(output: Any) -> bool:
    return len(str(output)) < 20


def finished(output: Any, completion: Completion) -> bool:
    return completion.finish_reason == "stop"


def with_option(output: Any, strict: bool = False) -> bool:
    return not strict


def explodes(output: Any) -> bool:
    raise ValueError("bad input")


def takes_nothing() -> None:
    return None


def takes_three(a: Any, b: Any, c: Any) -> None:
    return None


NOT_CALLABLE = 42


class NonEmptyCheck(SideBySideCheck):
    """A team's own check, shipped through the `migrate_check.checks` entry point group."""

    name = "test_non_empty"
    compares_values = False

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> NonEmptyCheck:
        return cls()

    def observe(self, completion: Completion) -> Observation:
        return Observation(bool(completion.text.strip()), problem="is empty")


# --- issue 31: large results, and callables that fight the time limit -------------------


def digits(content: str) -> list[int]:
    """Every digit of the answer, as a list: a result as long as the answer."""
    return [int(ch) for ch in content if ch.isdigit()]


def clears_the_alarm(output: Any) -> str:
    """Times a step of its own with `signal.alarm`, then cancels it (and with it any timer
    the process had), then works on past the check's limit."""
    import signal

    signal.alarm(30)
    signal.alarm(0)
    time.sleep(3)
    return "late"


def stops_the_interval_timer(output: Any) -> str:
    import signal

    signal.setitimer(signal.ITIMER_REAL, 0)
    time.sleep(3)
    return "late"


def keeps_its_own_alarm_handler(output: Any) -> str:
    """Installs a SIGALRM handler that does nothing and never restores the previous one."""
    import signal

    signal.signal(signal.SIGALRM, lambda signum, frame: None)
    signal.alarm(0)
    time.sleep(3)
    return "late"


def ignores_the_alarm(output: Any) -> str:
    """Ignores SIGALRM, then computes past the limit."""
    import signal

    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    end = time.monotonic() + 3
    while time.monotonic() < end:
        pass
    return "late"


class SlowRepr:
    """A result whose `__repr__` hangs (for 3 s here, so that a test of today's code ends)."""

    def __init__(self, queue: str) -> None:
        self.queue = queue

    def __repr__(self) -> str:
        time.sleep(3)
        return f"SlowRepr({self.queue!r})"


def slow_repr(content: str) -> SlowRepr:
    return SlowRepr(json.loads(content)["queue"])


class SlowProperty:
    """A result with a property that hangs: deepdiff reads properties when it compares."""

    def __init__(self, queue: str) -> None:
        self.queue = queue

    @property
    def summary(self) -> str:
        time.sleep(3)
        return self.queue


def slow_property(content: str) -> SlowProperty:
    return SlowProperty(json.loads(content)["queue"])


def ignores_the_alarm_and_sleeps(output: Any) -> str:
    """Ignores SIGALRM, then blocks in C code (a sleep) past the limit."""
    import signal

    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    time.sleep(3)
    return "late"


def ignores_every_signal_it_can(output: Any) -> str:
    """Ignores SIGALRM and SIGURG, then computes past the limit."""
    import signal

    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    signal.signal(signal.SIGURG, signal.SIG_IGN)
    end = time.monotonic() + 3
    while time.monotonic() < end:
        pass
    return "late"


def leaves_an_alarm_running(output: Any) -> str:
    """Sets an alarm it never cancels, with no handler of its own (SIGALRM's default ends
    the process): the run must outlive it."""
    import signal

    signal.setitimer(signal.ITIMER_REAL, 0.05)
    return "done"
