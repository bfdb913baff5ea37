"""What a suite asks: the model pair, and each case with its request and checks."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from migrate_check.core.entry import EntryPoint
from migrate_check.core.loop import Loop

Api = Literal["chat", "responses"]
#: The two sides of a comparison: the model a feature runs on now, and the one it moves to.
Side = Literal["baseline", "candidate"]
SIDES: tuple[Side, ...] = ("baseline", "candidate")


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
    #: What one side sends differently (the suite's `baseline:` / `candidate:`), as request
    #: keys that replace the shared request's; None removes a key (`max_tokens: null`).
    sides: dict[Side, dict[str, Any]] = field(default_factory=dict)
    #: A named candidate variant this case is judged for ("" for the pair's candidate as
    #: it is), and the model it runs on (None: the pair's candidate).
    variant: str = ""
    variant_model: str | None = None
    #: The team's function the case runs on each model, for an entry-point case (its
    #: `request` is then empty: the function builds its own requests).
    entry: EntryPoint | None = None
    #: How the case's tool calls are answered, for a loop case (`core.loop`): each model
    #: then runs until it answers without a tool call, or until the step limit.
    loop: Loop | None = None

    @property
    def key(self) -> str:
        """Stable identity across runs: `suite::case`, `suite::case[variant]` for a variant."""
        return f"{self.suite}::{self.name}"

    @property
    def name(self) -> str:
        """The case's item name: its id, with the variant in brackets (`refund[new-prompt]`)."""
        return f"{self.id}[{self.variant}]" if self.variant else self.id

    @staticmethod
    def variant_of(key: str) -> str:
        """The variant a case key names (`suite::case[variant]`), "" for the pair's own."""
        head, bracket, rest = key.rpartition("[")
        return rest[:-1] if bracket and rest.endswith("]") and "::" in head else ""

    @property
    def base_key(self) -> str:
        """The key of the case as the pair runs it: a variant shares its baseline's answers."""
        return f"{self.suite}::{self.id}"

    def candidate_model(self, pair: ModelPair) -> str:
        """The model the candidate side runs on: the variant's, else the pair's."""
        return self.variant_model or pair.candidate

    def plain(self) -> Case:
        """The case without its variant: what the baseline's answers belong to."""
        if not self.variant:
            return self
        return replace(self, variant="", variant_model=None)

    def request_for(self, side: Side) -> dict[str, Any]:
        """The request one side sends: the shared one, with that side's changes."""
        changes = self.sides.get(side)
        if not changes:
            return self.request
        merged = dict(self.request)
        for key, value in changes.items():
            if value is None:
                merged.pop(key, None)  # `max_tokens: null`: this side does not send it
            else:
                merged[key] = value
        return merged

    def on_side(self, side: Side) -> Case:
        """This case as one side sends it (what that side's cassette is matched against)."""
        if not self.sides:
            return self
        return replace(self, request=self.request_for(side), sides={})

    @property
    def differs_by_side(self) -> bool:
        """Whether the two sides send different requests (apart from the model)."""
        return self.request_for("baseline") != self.request_for("candidate")
