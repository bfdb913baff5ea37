"""The batches a run submitted and has not collected yet, kept beside the cassettes.

`<cassette dir>/.migrate-check-batches.json` lists each open batch: its id, model,
endpoint, and the lines it holds (`custom_id` -> the cassette it answers, relative to the
cassette folder). A run with `--batch` reads it first and polls those batches instead of
submitting their lines again, so a run that stops (Ctrl-C, a CI job's time limit) goes on
where it stopped. Every change is written atomically, under a lock where the platform has
one (xdist workers share the file); a batch leaves the file once its results are in the
cassettes.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate_check.core.atomic import write_atomic
from migrate_check.core.paths import shown_path

STATE_FILE = ".migrate-check-batches.json"
VERSION = 1
MAX_STATE_BYTES = 256 * 1024 * 1024  # ~ a million lines' ids; a real one is kilobytes


class BatchStateError(ValueError):
    """The state file exists but is not one this tool wrote; the message names it."""


@dataclass
class OpenBatch:
    """One submitted batch: what it is, and the lines it answers."""

    id: str
    model: str
    endpoint: str
    #: custom_id -> the cassette (relative to the cassette folder, POSIX) it answers
    lines: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "model": self.model, "endpoint": self.endpoint, "lines": self.lines}


def state_path(cassette_dir: Path) -> Path:
    return cassette_dir / STATE_FILE


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock beside the state file (POSIX); elsewhere, no lock."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _read(path: Path) -> list[OpenBatch]:
    if not path.is_file():
        return []
    shown = shown_path(path)
    try:
        if path.stat().st_size > MAX_STATE_BYTES:
            raise BatchStateError(f"{shown}: larger than {MAX_STATE_BYTES} bytes; not ours")
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        if isinstance(exc, BatchStateError):
            raise
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BatchStateError(f"{shown}: cannot read the batch state ({detail})") from None
    if not isinstance(data, dict) or not isinstance(data.get("batches"), list):
        raise BatchStateError(f"{shown}: not a batch state file (no 'batches' list)")
    batches = []
    for number, item in enumerate(data["batches"], start=1):
        try:
            lines = item["lines"]
            if not isinstance(lines, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in lines.items()
            ):
                raise TypeError("'lines' must map custom ids to cassette paths")
            batch = OpenBatch(str(item["id"]), str(item["model"]), str(item["endpoint"]), lines)
        except (KeyError, TypeError) as exc:
            raise BatchStateError(f"{shown}: batch {number} is malformed ({exc})") from None
        batches.append(batch)
    return batches


def _write(path: Path, batches: list[OpenBatch]) -> None:
    if not batches:
        path.unlink(missing_ok=True)
        return
    data = {"version": VERSION, "batches": [b.to_json() for b in batches]}
    write_atomic(path, json.dumps(data, indent=1, sort_keys=True) + "\n")


class BatchState:
    """The state file of one cassette folder; each change is read, applied and written
    back at once, so concurrent runs (xdist workers) keep each other's batches."""

    def __init__(self, cassette_dir: Path) -> None:
        self.path = state_path(cassette_dir)

    def batches(self) -> list[OpenBatch]:
        with _locked(self.path):
            return _read(self.path)

    def add(self, batch: OpenBatch) -> None:
        with _locked(self.path):
            found = [b for b in _read(self.path) if b.id != batch.id]
            _write(self.path, [*found, batch])

    def settle(self, batch_id: str, done: set[str]) -> None:
        """Forget the lines in `done` of a batch; the batch goes when none is left."""
        with _locked(self.path):
            kept = []
            for batch in _read(self.path):
                if batch.id == batch_id:
                    batch.lines = {k: v for k, v in batch.lines.items() if k not in done}
                    if not batch.lines:
                        continue
                kept.append(batch)
            _write(self.path, kept)
