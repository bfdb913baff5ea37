"""Errors of the importers: each names the file (and interaction or line) so a user can find it."""

from __future__ import annotations

from pathlib import Path


class SourceError(Exception):
    """An input file that cannot be imported; the message is one line, file first.

    `where` locates the problem inside the file: "interaction 3", "line 12". `path` may
    also be what the user gave, as typed ("rec, more.jsonl"), when no one file is at fault.
    """

    def __init__(self, path: Path | str, message: str, where: str | None = None) -> None:
        self.path = path
        self.where = where
        self.message = message
        located = f"{path}: {where}" if where else f"{path}"
        super().__init__(f"{located}: {message}")


class CassetteReadError(SourceError):
    """The file is not a cassette at all (not YAML/JSON, or no interactions)."""
