"""Live recording spread over forked processes, one per core.

One process's CPU caps a live run long before the API does: from about 32 requests in
flight per model, building requests, the HTTP pool and vcrpy take longer than the
answers do to arrive. Each shard is a forked process whose `LiveSender` (`live`) sends
its share of every model's cases with its share of that model's in-flight budget (the
shares add up to `--concurrency`), and the shards of one model pace themselves by one
rate gate in shared memory, so a 429 or a spent budget holds them all back, as in one
process.

Each shard saves its own cassettes as cases finish (atomically) and hands its answers
back when it ends. Ctrl-C, or an exhausted quota in one shard, stops every shard the way
a single process stops: what finished is kept and saved, the rest is not. A shard whose
parent died (`kill -9`) stops the same way and ends without answering: nobody would
read the answers, and a pipe nobody reads would hold it forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, cast

from migrate_check.core.completion import Completion, CompletionsByCase
from migrate_check.sending.forked_replay import can_fork
from migrate_check.sending.live import LiveSender
from migrate_check.sending.pacing import QuotaExhausted
from migrate_check.sending.progress import RequestProgress
from migrate_check.sending.sdk_request import Job

log = logging.getLogger("migrate_check")

#: Below this many requests per process, forking costs more than a second core saves.
MIN_REQUESTS_PER_SHARD = 100
#: How long stopped shards get to hand back what finished before they are killed.
STOP_GRACE_S = 15.0


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def shard_count(requests: int, concurrency: int, wanted: int | None) -> int:
    """How many processes record: `wanted` (`--record-processes`), else on Linux one per
    core once each gets `MIN_REQUESTS_PER_SHARD` requests (elsewhere forking is unsafe
    or missing, so only on request); never more than requests in flight, and one where
    forking is unsafe (another thread running, as under xdist)."""
    if wanted is None:
        linux = sys.platform.startswith("linux")
        wanted = min(cores(), requests // MIN_REQUESTS_PER_SHARD) if linux else 1
    shards = min(wanted, concurrency, requests)
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


#: How often a shard looks whether the parent asked it to stop.
STOP_POLL_S = 0.05


def parent_alive() -> bool:
    """Whether the process that forked this one still runs (True outside a shard): an
    orphan is adopted by another process at once, so its parent's pid changes."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    return parent is None or os.getppid() == parent.pid


def _record_shard(
    connection: Connection,
    inherited: list[Connection],
    live: LiveSender,
    jobs: list[Job],
    progress: RequestProgress,
    stop: Any,
) -> None:
    """In the forked shard: record `jobs`, then send back answers and what went wrong.

    A shard ignores SIGINT: a terminal's Ctrl-C reaches the parent too, which asks every
    shard to stop through `stop` (shared memory), so each is stopped exactly once, by
    cancelling its work the way asyncio.run handles one Ctrl-C, and always answers. It
    stops so too when its parent dies, and then answers nobody. The reading ends of the
    shards' pipes it inherited are closed first: only the parent holds them, so a write
    to a dead parent fails (BrokenPipeError) instead of waiting forever.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for receiver in inherited:
        receiver.close()
    results: CompletionsByCase = {}
    message: dict[str, Any] = {"quota": None, "failure": None}

    async def record() -> None:
        work = asyncio.ensure_future(live.fetch_live(jobs, results, progress))
        while not work.done():
            if (stop.value or not parent_alive()) and not work.cancelling():
                work.cancel()  # once: a second cancel would cut its clean-up short
            await asyncio.wait([work], timeout=STOP_POLL_S)
        if not work.cancelled():
            work.result()

    try:
        asyncio.run(record())
    except QuotaExhausted as exc:
        message["quota"] = str(exc)
    except BaseException as exc:  # noqa: BLE001 - said to the parent, which marks the cases
        message["failure"] = f"{type(exc).__name__}: {exc}".splitlines()[0]
    message["results"] = results
    message["write_errors"] = live.write_errors
    with contextlib.suppress(BrokenPipeError), connection:
        if parent_alive():
            connection.send(message)  # BrokenPipeError: the parent died while it read


@contextlib.contextmanager
def running_alongside(work: Callable[[], None] | None) -> Iterator[None]:
    """Run `work` in a thread while the shards send, and wait for it after.

    For the run's own small requests (the models list's shutdown dates), so they cost no
    time of their own. Only in the parent of shards: it must not fork after (a process
    that forks while another thread runs can deadlock), and its HTTP clients must not be
    patched by vcrpy, as a recording process's are (a request outside a case is refused).
    Cut short (Ctrl-C), the block does not wait: the thread is a daemon, and its work
    bounded by its own timeout.
    """
    if work is None:
        yield
        return
    thread = threading.Thread(target=quietly(work), name="migrate-check-alongside", daemon=True)
    # Started with SIGINT blocked, which the thread keeps: a Ctrl-C never lands on it.
    # (The main thread blocks SIGINT while it reads a shard's answers, and the signal
    # must then wait for it, not interrupt it through another thread.)
    with _sigint_blocked():
        thread.start()
    yield
    thread.join()


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def quietly(work: Callable[[], None]) -> Callable[[], None]:
    """`work`, its failure only logged: what runs beside the recording is extra."""

    def run() -> None:
        try:
            work()
        except Exception:  # noqa: BLE001 - what runs alongside is extra: a failure costs it only
            log.debug("work alongside the recording failed", exc_info=True)

    return run


def fetch_in_shards(
    live: LiveSender,
    jobs: Sequence[Job],
    results: CompletionsByCase,
    shards: int,
    alongside: Callable[[], None] | None = None,
) -> CompletionsByCase:
    """Record `jobs` in `shards` forked processes; their answers land in `results`.
    `alongside` runs in a thread of this process once every shard has forked.

    Raises KeyboardInterrupt or QuotaExhausted as a single process would, after every
    shard has handed back what it finished.
    """
    import multiprocessing

    import openai  # noqa: F401 - imported once, here: each shard inherits it (~0.8 s apiece)
    import vcr.stubs.httpx_stubs  # noqa: F401 - the same

    from migrate_check.sending.deadline import warm_up

    warm_up()
    # What exists now (the SDK's types, the items) is never garbage: frozen, the shards
    # do not copy its pages when a collection would touch them, and pytest's closing
    # collections skip it (about 0.1 s a run).
    gc.freeze()
    context = multiprocessing.get_context("fork")
    models = dict.fromkeys(model for _, model in jobs)
    live.shared_gates = {model: context.RawValue("d", 0.0) for model in models}
    budgets = split_budget(live.settings.concurrency, shards)
    log.info(
        "recording in %d processes, each with %s requests in flight per model",
        shards,
        "/".join(map(str, budgets)),
    )
    group = _Shards(context, shards, _Collected(live, results))
    with RequestProgress(sum(case.samples for case, _ in jobs)) as progress:
        try:
            for slot, (share, budget) in enumerate(
                zip(split_jobs(jobs, shards), budgets, strict=True)
            ):
                group.start(slot, live.for_shard(budget), share)
            with running_alongside(alongside):
                group.collect(progress)
        except KeyboardInterrupt:
            group.stop()
            group.collect(progress, grace_s=STOP_GRACE_S)
            raise
    if group.collected.quota is not None:
        raise QuotaExhausted(group.collected.quota)
    return results


@dataclasses.dataclass
class _Collected:
    """What the shards handed back, gathered into the parent's results and write errors."""

    live: LiveSender
    results: CompletionsByCase
    quota: str | None = None

    def take(self, message: dict[str, Any], share: list[Job]) -> None:
        self.results.update(message["results"])
        self.live.write_errors.extend(message["write_errors"])
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


class _Shards:
    """The running shards: how to start them, hear them out, and stop them."""

    def __init__(self, context: Any, shards: int, collected: _Collected) -> None:
        self._context = context
        self.collected = collected
        self._counts = context.RawArray("q", 2 * shards)
        self._stop = context.RawValue("b", 0)
        self._pending: dict[Connection, tuple[Any, list[Job]]] = {}

    def start(self, slot: int, live: LiveSender, share: list[Job]) -> None:
        receiver, sender = self._context.Pipe(duplex=False)
        readers = [*self._pending, receiver]  # the shard closes its copies of these
        process = self._context.Process(
            target=_record_shard,
            args=(sender, readers, live, share, _SharedCounts(self._counts, slot), self._stop),
            daemon=True,
        )
        process.start()
        sender.close()
        self._pending[receiver] = (process, share)

    def stop(self) -> None:
        """Ask every shard to stop as Ctrl-C would: each keeps and sends what finished."""
        self._stop.value = 1

    def collect(self, progress: RequestProgress, grace_s: float | None = None) -> None:
        """Every shard's answers, showing progress; with `grace_s`, shards that have not
        answered by then are killed and their cases become errors."""
        stop_at = None if grace_s is None else time.monotonic() + grace_s
        while self._pending:
            if stop_at is not None and time.monotonic() > stop_at:
                for process, share in self._pending.values():
                    process.kill()
                    self.collected.lost(
                        share, "the recording process was stopped before it answered"
                    )
                self._pending.clear()
                return
            for ready in wait(list(self._pending), timeout=0.2):
                self._hear(cast(Connection, ready))
                if self.collected.quota is not None and stop_at is None:
                    self.stop()  # an exhausted quota stops every shard, as in one process
                    stop_at = time.monotonic() + STOP_GRACE_S
            progress.set_counts(sum(self._counts[0::2]), sum(self._counts[1::2]))

    def _hear(self, connection: Connection) -> None:
        """One shard's answers. Ctrl-C waits until they are read whole and kept: cut short,
        the pipe would be left mid-message and the answers lost."""
        process, share = self._pending[connection]
        with _sigint_blocked():
            try:
                self.collected.take(connection.recv(), share)
            except (EOFError, OSError):  # killed (out of memory, say) before it answered
                process.join(timeout=5)
                code = process.exitcode
                self.collected.lost(share, f"the recording process ended (exit code {code})")
            del self._pending[connection]
            connection.close()
            process.join(timeout=5)
