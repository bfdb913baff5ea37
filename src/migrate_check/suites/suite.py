"""What loading a suite file gives: a `Suite` of cases, or a `SuiteError` for its author.

Kept apart from the reading so every part of the reader can raise the one error type
and build the one result without importing the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from migrate_check.core.case import Case


class SuiteError(Exception):
    """A mistake in a suite file, located for its author."""

    def __init__(self, file: Path, line: int, message: str, case: str | None = None) -> None:
        self.file = file
        self.line = line
        self.case = case
        self.message = message
        where = f"{file}:{line}" if line else str(file)
        in_case = f" case {case!r}:" if case else ""
        super().__init__(f"{where}:{in_case} {message}")


@dataclass(frozen=True)
class Suite:
    """A loaded suite file: its name, where it lives, and its cases in file order."""

    name: str
    file: Path
    description: str
    cases: tuple[Case, ...]
    #: Named candidate variants (`variants:`), each with the suite's cases as it runs them.
    variants: dict[str, tuple[Case, ...]] = field(default_factory=dict)
