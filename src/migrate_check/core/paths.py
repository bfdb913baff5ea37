"""Paths as messages and reports show them: relative where that is shorter and still true."""

from __future__ import annotations

from pathlib import Path


def shown_path(path: Path, root: Path | None = None) -> Path:
    """`path` relative to `root` (the working directory by default) when inside it."""
    try:
        return path.resolve().relative_to((root or Path.cwd()).resolve())
    except (ValueError, OSError):
        return path
