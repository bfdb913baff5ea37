"""The forked reader and the items split the cassettes when the reader is the slower."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from migrate_check.core.case import Case
from migrate_check.core.completion import Completion
from migrate_check.sending import forked_replay

MODELS = ("gpt-4o-mini", "gpt-4.1-mini")


class SlowChildRunner:
    """Reads a "cassette" in 20 ms in the forked child and at once in the parent, and
    says in each answer which process read it."""

    def __init__(self) -> None:
        self.parent = os.getpid()
        self.stale_exchanges: dict[Any, list[int]] = {}

    def replay_one(self, case: Case, model: str) -> list[Completion]:
        reader = "parent" if os.getpid() == self.parent else "child"
        if reader == "child":
            time.sleep(0.02)
        return [Completion(model=model, text=f"{case.key} {model} {reader}")]


@pytest.mark.skipif(not forked_replay.can_fork(), reason="needs fork and one thread")
def test_the_parent_reads_from_the_far_end_while_it_waits_and_every_case_arrives() -> None:
    cases = [Case("triage", f"c{i:02d}", {}, ()) for i in range(40)]
    jobs = [(case, model) for case in cases for model in MODELS]
    background = forked_replay.BackgroundReplay(SlowChildRunner(), jobs)
    readers: list[str] = []
    try:
        for case in cases:
            time.sleep(0.005)  # judging the case before
            taken = background.take(case)
            assert sorted(taken) == sorted((case.key, model) for model in MODELS)
            for (key, model), completions in taken.items():
                (text,) = (c.text for c in completions)
                assert text.startswith(f"{key} {model} ")
                readers.append(text.rsplit(" ", 1)[1])
    finally:
        background.close()
    assert len(readers) == len(jobs)
    # Waiting on a child that takes 20 ms a cassette, the parent reads the last ones.
    assert readers[-2:] == ["parent", "parent"]
