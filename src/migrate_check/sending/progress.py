"""Progress bars on a terminal: live requests (done, retries, rate) and batches (done,
failed, statuses). Nothing is drawn when stderr is not a terminal (CI logs, pytester)."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any


class _TerminalBar:
    """A rich progress bar with a title and extra text fields, or nothing off a terminal."""

    def __init__(self, title: str, total: int, fields: dict[str, object], enabled: bool) -> None:
        self.title, self.total, self.fields = title, total, fields
        self._enabled = enabled and sys.stderr.isatty()
        self._progress: Any = None
        self._task: Any = None

    def start(self) -> None:
        if not self._enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn(f"migrate-check {self.title}"),
            BarColumn(),
            MofNCompleteColumn(),
            *(TextColumn(f"{{task.fields[{name}]}}") for name in self.fields),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task(self.title, total=self.total, **self.fields)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()

    @property
    def elapsed(self) -> float:
        return (self._progress.tasks[0].elapsed or 0.0) if self._progress is not None else 0.0

    def show(self, completed: int, **fields: object) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=completed, **fields)


class _Progress:
    """What both progress kinds share: a bar started and stopped as a context manager."""

    bar: _TerminalBar

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.bar.stop()


class RequestProgress(_Progress):
    """Counts live requests: answers, retries (429 and 5xx) and the rate."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        self.total = total
        self.done = 0
        self.retries = 0
        self.bar = _TerminalBar("requests", total, {"retries": "retries 0", "rate": ""}, enabled)

    def __enter__(self) -> RequestProgress:
        self.bar.start()
        return self

    def answered(self, status: int) -> None:
        """One HTTP answer: a retryable failure counts as a retry, anything else as done."""
        if status == 429 or status >= 500:
            self.retries += 1
        self._refresh()

    def finished(self) -> None:
        self.done += 1
        self._refresh()

    def set_counts(self, done: int, retries: int) -> None:
        """Counts kept elsewhere (recording processes): shown as they are."""
        self.done, self.retries = done, retries
        self._refresh()

    def _refresh(self) -> None:
        elapsed = self.bar.elapsed
        rate = f"{self.done / elapsed:.1f} req/s" if elapsed > 0 else ""
        self.bar.show(self.done, retries=f"retries {self.retries}", rate=rate)


class BatchProgress(_Progress):
    """Batches on their way: requests done and failed, and how many batches are in which
    status."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        self.total = total
        self.statuses: dict[str, str] = {}
        self.counts: dict[str, tuple[int, int]] = {}  # batch id -> (completed, failed)
        self.bar = _TerminalBar("batches", total, {"failed": "failed 0", "statuses": ""}, enabled)

    def __enter__(self) -> BatchProgress:
        self.bar.start()
        return self

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
        tally: dict[str, int] = {}
        for seen in self.statuses.values():
            tally[seen] = tally.get(seen, 0) + 1
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(tally.items()))
        self.bar.show(self.done + self.failed, failed=f"failed {self.failed}", statuses=statuses)
