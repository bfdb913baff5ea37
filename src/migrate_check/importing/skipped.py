"""What an import left out, and why: its own module, so the suite text (which lists it)
and the readers (which find it) need not import each other."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Skipped:
    """An input left out, and why; `model` and `source` (the file, as origins name it)
    place it under the suite it belongs to."""

    origin: str
    reason: str
    model: str | None = None
    source: str | None = None

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"
