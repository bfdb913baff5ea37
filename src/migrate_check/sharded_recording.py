"""Live recording spread over forked processes, one per core.

One process's CPU caps a live run long before the API does: from about 32 requests in
flight per model, building requests, the HTTP pool and vcrpy take longer than the
answers do to arrive. Each shard is a forked process that sends its share of every
model's cases with its share of that model's in-flight budget (the shares add up to
`--concurrency`), and the shards of one model pace themselves by one rate gate in
shared memory, so a 429 or a spent budget holds them all back, as in one process.

Each shard saves its own cassettes as cases finish (atomically) and hands its answers
back when it ends. Ctrl-C, or an exhausted quota in one shard, stops every shard the way
a single process stops: what finished is kept and saved, the rest is not.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import signal
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol, cast

from migrate_check.case import Case
from migrate_check.completion import Completion
from migrate_check.forked_replay import can_fork
from migrate_check.pacing import QuotaExhausted
from migrate_check.progress import RequestProgress

log = logging.getLogger("migrate_check")

#: Below this many requests per process, forking costs more than a second core saves.
MIN_REQUESTS_PER_SHARD = 100
#: How long stopped shards get to hand back what finished before they are killed.
STOP_GRACE_S = 15.0

Results = dict[tuple[str, str], list[Completion]]
Job = tuple[Case, str]  # the case as its side sends it, and the model


class Recorder(Protocol):
    """What a shard needs of the runner (runner.py): settings, gates, sending."""

    settings: Any
    shared_gates: dict[str, Any]
    write_errors: list[Any]

    def for_shard(self, concurrency: int) -> Recorder: ...

    async def fetch_live(
        self, jobs: Sequence[Job], results: Results, progress: RequestProgress
    ) -> Results: ...


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def shard_count(requests: int, concurrency: int, wanted: int | None) -> int:
    """How many processes record: `wanted` (`--record-processes`), else one per core once
    each gets `MIN_REQUESTS_PER_SHARD` requests; never more than requests in flight, and
    one where forking is unsafe (another thread running, as under xdist)."""
    shards = wanted if wanted is not None else min(cores(), requests // MIN_REQUESTS_PER_SHARD)
    shards = min(shards, concurrency, requests)
    return shards if shards > 1 and can_fork() else 1


def split_jobs(jobs: Sequence[Job], shards: int) -> list[list[Job]]:
    """Each model's jobs dealt round the shards, so every shard sends every model."""
    shares: list[list[Job]] = [[] for _ in range(shards)]
    dealt: dict[str, int] = {}
    for job in jobs:
        turn = dealt.get(job[1], 0)
        shares[turn % shards].append(job)
        dealt[job[1]] = turn + 1
    return shares


def split_budget(concurrency: int, shards: int) -> list[int]:
    """Requests in flight per model for each shard, adding up to `concurrency`."""
    return [concurrency // shards + (n < concurrency % shards) for n in range(shards)]


class _SharedCounts(RequestProgress):
    """A shard's progress: drawn by nobody, counted into memory the parent reads."""

    def __init__(self, counts: Any, slot: int) -> None:
        super().__init__(0, enabled=False)
        self._counts, self._slot = counts, slot

    def _refresh(self) -> None:
        self._counts[2 * self._slot] = self.done
        self._counts[2 * self._slot + 1] = self.retries


def _record_shard(
    connection: Connection, runner: Recorder, jobs: list[Job], progress: RequestProgress
) -> None:
    """In the forked shard: record `jobs`, then send back answers and what went wrong."""
    results: Results = {}
    message: dict[str, Any] = {"quota": None, "failure": None}
    try:
        asyncio.run(runner.fetch_live(jobs, results, progress))
    except QuotaExhausted as exc:
        message["quota"] = str(exc)
    except KeyboardInterrupt:
        pass  # stopped by the parent: what finished is in `results`
    except BaseException as exc:  # noqa: BLE001 - said to the parent, which marks the cases
        message["failure"] = f"{type(exc).__name__}: {exc}".splitlines()[0]
    message["results"] = results
    message["write_errors"] = runner.write_errors
    connection.send(message)
    connection.close()


def fetch_in_shards(
    runner: Recorder, jobs: Sequence[Job], results: Results, shards: int
) -> Results:
    """Record `jobs` in `shards` forked processes; their answers land in `results`.

    Raises KeyboardInterrupt or QuotaExhausted as a single process would, after every
    shard has handed back what it finished.
    """
    import multiprocessing

    import openai  # noqa: F401 - imported once, here: each shard inherits it (~0.8 s apiece)
    import vcr.stubs.httpx_stubs  # noqa: F401 - the same

    from migrate_check.deadline import warm_up

    warm_up()
    context = multiprocessing.get_context("fork")
    models = dict.fromkeys(model for _, model in jobs)
    runner.shared_gates = {model: context.RawValue("d", 0.0) for model in models}
    counts = context.RawArray("q", 2 * shards)
    shares = split_jobs(jobs, shards)
    budgets = split_budget(runner.settings.concurrency, shards)
    log.info(
        "recording in %d processes, each with %s requests in flight per model",
        shards,
        "/".join(map(str, budgets)),
    )
    pending: dict[Connection, tuple[Any, list[Job]]] = {}
    for slot, (share, budget) in enumerate(zip(shares, budgets, strict=True)):
        receiver, sender = context.Pipe(duplex=False)
        shard = runner.for_shard(budget)
        process = context.Process(
            target=_record_shard,
            args=(sender, shard, share, _SharedCounts(counts, slot)),
            daemon=True,
        )
        process.start()
        sender.close()
        pending[receiver] = (process, share)
    collected = _Collected(runner, results)
    total = sum(case.samples for case, _ in jobs)
    with RequestProgress(total) as progress:
        try:
            _collect(pending, collected, counts, progress, stop_at=None)
        except KeyboardInterrupt:
            _stop(pending)
            _collect(pending, collected, counts, progress, stop_at=time.monotonic() + STOP_GRACE_S)
            raise
    if collected.quota is not None:
        raise QuotaExhausted(collected.quota)
    return results


@dataclasses.dataclass
class _Collected:
    runner: Recorder
    results: Results
    quota: str | None = None

    def take(self, message: dict[str, Any], share: list[Job]) -> None:
        self.results.update(message["results"])
        self.runner.write_errors.extend(message["write_errors"])
        if message["quota"] is not None and self.quota is None:
            self.quota = message["quota"]
        if message["failure"] is not None:
            self.lost(share, f"the recording process failed: {message['failure']}")

    def lost(self, share: list[Job], why: str) -> None:
        """Cases a shard ended without answering: each is that case's error."""
        for case, model in share:
            if (case.key, model) not in self.results:
                failed = Completion(model=model, error=why)
                self.results[(case.key, model)] = [failed] * case.samples


def _collect(
    pending: dict[Connection, tuple[Any, list[Job]]],
    collected: _Collected,
    counts: Any,
    progress: RequestProgress,
    stop_at: float | None,
) -> None:
    """Wait for every shard's answers (until `stop_at`, then kill), showing progress."""
    while pending:
        if stop_at is not None and time.monotonic() > stop_at:
            for process, share in pending.values():
                process.kill()
                collected.lost(share, "the recording process was stopped before it answered")
            pending.clear()
            return
        for ready in wait(list(pending), timeout=0.2):
            connection = cast(Connection, ready)
            process, share = pending.pop(connection)
            try:
                collected.take(connection.recv(), share)
            except (EOFError, OSError):  # killed (out of memory, say) before it answered
                process.join(timeout=5)
                collected.lost(share, f"the recording process ended (exit code {process.exitcode})")
            connection.close()
            process.join(timeout=5)
            if collected.quota is not None and stop_at is None:
                _stop(pending)  # an exhausted quota stops every shard, as in one process
                stop_at = time.monotonic() + STOP_GRACE_S
        progress.set_counts(sum(counts[0::2]), sum(counts[1::2]))


def _stop(pending: dict[Connection, tuple[Any, list[Job]]]) -> None:
    """Ask every shard still running to stop as Ctrl-C would: it keeps what finished."""
    for process, _ in pending.values():
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGINT)
