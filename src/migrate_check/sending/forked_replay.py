"""Offline replay in a second process, overlapped with judging.

Reading two YAML cassettes per case costs about as much as pytest spends running the
case, and pytest uses one core. A forked child reads the cassettes in the order the
items will run and streams the completions back, so the parent judges case N while the
child reads case N+1: a replay takes about the longer of the two, not their sum.

Neither waits for the other: each cassette is claimed once, by whichever process gets
to it first. When the parent needs a case the child has not claimed yet (the child is
behind: a busy machine gives it less of a core), the parent reads it itself instead of
idling, and the child skips it; when the parent waits for a case the child holds, the
child sends what it has at once instead of filling its message, and the parent reads
cases from the far end of the list meanwhile (the child, which also pickles what it
reads, is the slower of the two on a quiet machine: left alone, the replay would run
at its pace).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from typing import Any

from migrate_check.core.case import Case
from migrate_check.core.completion import Completion, CompletionsByCase
from migrate_check.sending.sdk_request import Job

# Below this many cases a second process costs more than it saves.
MIN_CASES = 200
#: Answers the child sends in one message (fewer when the parent is waiting for one).
_ANSWERS_PER_MESSAGE = 25
#: Cases taken between two `gc.freeze()` calls (see `BackgroundReplay.take`).
_FREEZE_EVERY = 250

#: (case key, model): a job's key in `CompletionsByCase`.
JobKey = tuple[str, str]


def can_fork() -> bool:
    """Fork is safe only with one thread: another thread's locks would be copied held."""
    return (
        hasattr(os, "fork")
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


class _Claims:
    """Which jobs a process has taken on, shared by the parent and the forked child.

    No lock (a child killed holding one would hang the parent): in the rare race both
    processes read the same cassette, and the parent drops the child's copy.
    """

    def __init__(self, context: Any, count: int) -> None:
        self._taken = context.RawArray("b", count)
        #: Set while the parent waits for an answer the child holds.
        self.parent_waiting = context.RawValue("b", 0)

    def claim(self, index: int) -> bool:
        """Take job `index` on; False when the other process already has."""
        if self._taken[index]:
            return False
        self._taken[index] = 1
        return True


def _child(connection: Any, runner: Any, jobs: Sequence[Job], claims: _Claims) -> None:
    """In the forked child: read the jobs' cassettes in order, sending the answers back."""
    answers: list[tuple[JobKey, list[Completion]]] = []
    for index, (case, model) in enumerate(jobs):
        if not claims.claim(index):
            continue  # the parent got there first
        answers.append(((case.key, model), runner.replay_one(case, model)))
        if len(answers) >= _ANSWERS_PER_MESSAGE or claims.parent_waiting.value:
            connection.send(answers)
            answers = []
    connection.send(answers)
    connection.send({"stale_exchanges": runner.stale_exchanges})
    connection.send(None)
    connection.close()


class BackgroundReplay:
    """Completions a forked child is reading; `take` waits for the ones asked for."""

    def __init__(self, runner: Any, jobs: Sequence[Job]) -> None:
        """`jobs`: (case as its side sends it, model), in the order the items will run."""
        import migrate_check.cassettes.replay  # noqa: F401 - imported before forking, not in the child

        self._runner = runner
        self._job_list = list(jobs)
        self._jobs: dict[JobKey, Case] = {(case.key, model): case for case, model in jobs}
        self._index: dict[JobKey, int] = {}
        for index, (case, model) in enumerate(jobs):
            self._index.setdefault((case.key, model), index)
        self._keys: dict[str, list[JobKey]] = {}
        for key in self._jobs:
            self._keys.setdefault(key[0], []).append(key)
        self._ready: CompletionsByCase = {}
        # Taken by the items: a late copy from the child is dropped.
        self._handed: set[JobKey] = set()
        self._back = len(jobs) - 1  # the next job the parent reads from the far end
        self._taken = 0
        context = multiprocessing.get_context("fork")
        self._claims = _Claims(context, len(jobs))
        receiver, sender = context.Pipe(duplex=False)
        self._connection: Any = receiver
        self._process = context.Process(
            target=_child, args=(sender, runner, list(jobs), self._claims), daemon=True
        )
        # Everything alive now (modules, items, cases, checks) lives to the end of the run:
        # frozen, the cyclic collector stops walking it at every full collection of the
        # run and at pytest's two at exit (half the collecting time of a replay), and the
        # child's collections leave the pages it shares with this process alone (Python's
        # advice before a fork). It stays frozen (see `items._freeze_until_the_end`).
        gc.freeze()
        self._process.start()
        sender.close()
        self._done = False

    def take(self, case: Case) -> CompletionsByCase:
        """The completions of one case on every model, read by the child, or here when the
        child has not got to them (or died)."""
        self._taken += 1
        if self._taken % _FREEZE_EVERY == 0:
            # What a case leaves behind (its answers, verdicts, pytest's reports) is kept
            # to the end of the run, for the reports: frozen, each full collection stops
            # walking all of it again (at 2,000 cases, 0.3 s of collecting down to 0.07).
            # Garbage cycles alive at the moment (a few hundred objects) wait until exit, or
            # until this process runs pytest again (see `items._freeze_until_the_end`).
            gc.freeze()
        taken: CompletionsByCase = {}
        for key in self._keys.get(case.key, []):
            ready = self._ready.pop(key, None)
            if ready is None and (self._done or self._claims.claim(self._index[key])):
                ready = self._runner.replay_one(self._jobs[key], key[1])
            while ready is None and not self._done:
                if self._connection.poll(0) or not self._read_from_back():
                    self._receive()
                ready = self._ready.pop(key, None)
            if ready is None:  # the child died holding it: read it here, as that side sends it
                ready = self._runner.replay_one(self._jobs[key], key[1])
            taken[key] = ready
            self._handed.add(key)
        return taken

    def _read_from_back(self) -> bool:
        """Read one job the child has not claimed, from the end of the list (where the
        child gets last), while the child finishes the one waited for; False when the
        two have met."""
        self._claims.parent_waiting.value = 1  # the child sends the waited-for case at once
        while self._back >= 0:
            index = self._back
            self._back -= 1
            case, model = self._job_list[index]
            key = (case.key, model)
            if self._index[key] != index or key in self._handed or key in self._ready:
                continue
            if not self._claims.claim(index):
                self._back = -1  # the child has got this far: everything before is its
                return False
            self._ready[key] = self._runner.replay_one(case, model)
            return True
        return False

    def _receive(self) -> None:
        """Wait for the child's next message (telling it not to fill that message first)."""
        self._claims.parent_waiting.value = 1
        try:
            message = self._connection.recv()
        except (EOFError, OSError):
            message = None
        finally:
            self._claims.parent_waiting.value = 0
        if message is None:
            self._finish()
        elif isinstance(message, dict):  # what the child learnt besides the answers
            self._runner.stale_exchanges.update(message["stale_exchanges"])
        else:
            self._ready.update((key, ready) for key, ready in message if key not in self._handed)

    @property
    def stale_exchanges(self) -> dict[Any, list[int]]:
        """What the child found stale in the cassettes it read (see `Runner`)."""
        stale: dict[Any, list[int]] = self._runner.stale_exchanges
        return stale

    def _finish(self) -> None:
        self._done = True
        self._connection.close()
        self._process.join(timeout=5)

    def close(self) -> None:
        """Read what the child still has to say (it ends with what it learnt), then stop it."""
        deadline = time.monotonic() + 1.0  # a child still reading cases is not waited for
        while not self._done and self._connection.poll(max(deadline - time.monotonic(), 0)):
            try:
                message = self._connection.recv()
            except (EOFError, OSError):
                break
            if message is None:
                self._finish()
            elif isinstance(message, dict):
                self._runner.stale_exchanges.update(message["stale_exchanges"])
        if not self._done:
            self._process.kill()
            self._finish()
        gc.freeze()  # the run is over: pytest's two collections at exit skip what it made
