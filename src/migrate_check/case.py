"""What a suite asks: the model pair, and each case with its request and checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Api = Literal["chat", "responses"]


@dataclass(frozen=True)
class ModelPair:
    """The model a feature runs on now (baseline) and the one it moves to (candidate)."""

    baseline: str
    candidate: str

    def __str__(self) -> str:
        """As `--model-pair` takes it: `A,B` when a name holds ':' (fine-tunes)."""
        separator = "," if ":" in self.baseline + self.candidate else ":"
        return f"{self.baseline}{separator}{self.candidate}"


@dataclass(frozen=True)
class CheckSpec:
    """One check as written in a suite: its registered name and its options."""

    name: str
    options: Any
    line: int = 0


@dataclass(frozen=True)
class Case:
    """One prompt of a suite, with its merged request and checks."""

    suite: str
    id: str
    request: dict[str, Any]
    checks: tuple[CheckSpec, ...]
    api: Api = "chat"
    samples: int = 1
    file: Path | None = None
    line: int = 0
    description: str = ""
    #: Models whose answers the cassettes hold from an import (the suite's `recorded_with`).
    recorded_with: tuple[str, ...] = ()
    #: Where an imported case came from: source file and interaction.
    origin: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Stable identity across runs: `suite::case`."""
        return f"{self.suite}::{self.id}"
