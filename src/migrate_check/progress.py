"""A progress bar for live runs on a terminal: requests done, retries and the rate."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any


class RequestProgress:
    """Counts requests; draws a rich progress bar only when stderr is a terminal."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        self.total = total
        self.done = 0
        self.retries = 0
        self._progress: Any = None
        self._task: Any = None
        self._enabled = enabled and sys.stderr.isatty()

    def __enter__(self) -> RequestProgress:
        if self._enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                TextColumn("migrate-check requests"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("retries {task.fields[retries]}"),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("requests", total=self.total, retries=0, rate="")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def answered(self, status: int) -> None:
        """One HTTP answer: a retryable failure counts as a retry, anything else as done."""
        if status == 429 or status >= 500:
            self.retries += 1
        self._refresh()

    def finished(self) -> None:
        self.done += 1
        self._refresh()

    def _refresh(self) -> None:
        if self._progress is None:
            return
        elapsed = self._progress.tasks[0].elapsed or 0.0
        rate = f"{self.done / elapsed:.1f} req/s" if elapsed > 0 else ""
        self._progress.update(self._task, completed=self.done, retries=self.retries, rate=rate)


class BatchProgress:
    """Batches on their way: requests done and failed, and each status; a rich bar only
    when stderr is a terminal."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        self.total = total
        self.statuses: dict[str, str] = {}
        self.counts: dict[str, tuple[int, int]] = {}  # batch id -> (completed, failed)
        self._progress: Any = None
        self._task: Any = None
        self._enabled = enabled and sys.stderr.isatty()

    def __enter__(self) -> BatchProgress:
        if self._enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                TextColumn("migrate-check batches"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("failed {task.fields[failed]}"),
                TextColumn("{task.fields[statuses]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(
                "batches", total=self.total, failed=0, statuses=""
            )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    @property
    def done(self) -> int:
        return sum(c for c, _ in self.counts.values())

    @property
    def failed(self) -> int:
        return sum(f for _, f in self.counts.values())

    def update(self, batch_id: str, status: str, counts: Any) -> None:
        """A poll's answer: the batch's status and `request_counts` (may be None)."""
        self.statuses[batch_id] = status
        completed = int(getattr(counts, "completed", 0) or 0)
        failed = int(getattr(counts, "failed", 0) or 0)
        self.counts[batch_id] = (completed, failed)
        if self._progress is None:
            return
        tally: dict[str, int] = {}
        for seen in self.statuses.values():
            tally[seen] = tally.get(seen, 0) + 1
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(tally.items()))
        self._progress.update(
            self._task, completed=self.done + self.failed, failed=self.failed, statuses=statuses
        )
