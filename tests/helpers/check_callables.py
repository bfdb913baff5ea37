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


def digits(content: str) -> list[int]:
    """Every digit of the answer, as a list: a result as long as the answer."""
    return [int(ch) for ch in content if ch.isdigit()]
