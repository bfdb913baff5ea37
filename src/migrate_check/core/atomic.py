"""Atomic file writes: a reader, or an interrupted run, never sees half a file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, TextIO, cast

_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process umask (reading it means setting it, so it is set straight back; under
    a lock, as cassettes are written from several threads)."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    """The permissions an ordinary write would leave: the existing file's, else 0666 less
    the umask (a temporary file is created 0600, which would lock a team's CI out)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


@contextlib.contextmanager
def naming(path: Path | str) -> Iterator[None]:
    """An OSError inside names `path` when it names no file, or only the temporary file
    an atomic write of `path` uses: a disk that is full fails `write()`, `flush()` or
    `fsync()`, whose errors carry no name, and a user never saw the temporary file."""
    try:
        yield
    except OSError as exc:
        named = str(exc.filename or "")
        temporary = Path(named).name.startswith(f".{Path(path).name}.") and named.endswith(".tmp")
        if not named or temporary:
            exc.filename, exc.filename2 = str(path), None
        raise


@contextlib.contextmanager
def _atomic_file(path: Path, binary: bool) -> Iterator[IO[Any]]:
    with naming(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = _mode_for(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            opened = open(fd, "wb") if binary else open(fd, "w", encoding="utf-8", newline="")  # noqa: SIM115
            with opened as handle:
                yield handle
                handle.flush()
                os.fchmod(handle.fileno(), mode)
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def atomic_text(path: Path) -> contextlib.AbstractContextManager[TextIO]:
    """A UTF-8 text file written atomically: into a temporary file beside `path` (with
    the permissions an ordinary write would leave), synced, then renamed over `path`;
    removed if anything fails. Lets a writer stream a large file a part at a time."""
    return cast(contextlib.AbstractContextManager[TextIO], _atomic_file(path, binary=False))


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`."""
    with _atomic_file(path, binary=isinstance(data, bytes)) as handle:
        handle.write(data)
