"""The small typed data model every module shares: case, completion, check result, run result.

Reports render these objects; they never recompute what the engine decided.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

Api = Literal["chat", "responses"]


class Outcome(enum.StrEnum):
    """How one check (or a whole case) came out when the model changed."""

    SAME = "same"
    CHANGED = "changed"
    REGRESSED = "regressed"
    IMPROVED = "improved"
    BROKEN = "broken"
    ERROR = "error"

    @property
    def severity(self) -> int:
        """Higher is worse; a case takes the worst outcome of its checks."""
        return _SEVERITY[self]


_SEVERITY = {
    Outcome.SAME: 0,
    Outcome.IMPROVED: 1,
    Outcome.BROKEN: 2,
    Outcome.CHANGED: 3,
    Outcome.REGRESSED: 4,
    Outcome.ERROR: 5,
}


def worst(outcomes: list[Outcome]) -> Outcome:
    """The most severe outcome of several; `same` when there are none."""
    return max(outcomes, key=lambda o: o.severity, default=Outcome.SAME)


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


@dataclass(frozen=True)
class ToolCall:
    """A function call the model asked for; `arguments` is parsed JSON when it parses."""

    name: str
    arguments: Any


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class JsonParse:
    """Result of parsing an output as JSON: either a value or the parse error."""

    ok: bool
    value: Any = None
    error: str = ""


#: Where a latency figure comes from: the API's own `openai-processing-ms` header (kept in
#: recordings, so it means the same in replay), or the time measured around a live call.
LatencySource = Literal["openai-processing-ms", "measured"]


@dataclass
class Completion:
    """What one model answered to one case (one sample), or why it could not.

    `body` is the response object as the API sent it (a stream reassembled into the
    object the SDK would build), kept so a team's code can get the SDK's own types;
    `choice` is which of its choices this sample is (requests with `n` > 1).
    """

    model: str
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    latency_ms: float | None = None
    response_model: str | None = None
    error: str | None = None
    refused: bool = False  # the text is the model's refusal, not an answer
    latency_source: LatencySource | None = None
    body: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    choice: int = 0

    @property
    def content(self) -> str | None:
        """What the application reads from the SDK.

        Chat: `choices[i].message.content` (None for a refusal or tool calls only);
        Responses: `output_text` (the joined text parts, "" when there are none).
        """
        body = self.body
        if isinstance(body, dict) and isinstance(body.get("choices"), list):
            choices = [c for c in body["choices"] if isinstance(c, dict)]
            chosen = next((c for c in choices if c.get("index", 0) == self.choice), None)
            message = (chosen or {}).get("message") or {}
            content = message.get("content") if isinstance(message, dict) else None
            if content is None or isinstance(content, str):
                return content
            return self.text  # a proxy's list of text parts, joined
        if isinstance(body, dict) and "output" in body:
            return "" if self.refused else self.text
        if self.refused or (not self.text and self.tool_calls):
            return None
        return self.text

    @cached_property
    def parsed(self) -> JsonParse:
        """The text parsed as JSON, once; checks share it."""
        try:
            return JsonParse(True, json.loads(self.text))
        except (ValueError, TypeError, RecursionError) as exc:
            return JsonParse(False, error=f"not JSON: {exc}"[:500])


@dataclass
class CheckResult:
    """The judgement of one check on one case."""

    check: str
    outcome: Outcome
    reason: str
    evidence: Any = None
    baseline_ok: bool | None = None
    candidate_ok: bool | None = None
    approved: bool = False
    noise: str | None = None
    #: For an approved result: the approval's `reason` (None when none was given) and
    #: `approved_on` (an ISO date), for the reports.
    approval: dict[str, str | None] | None = None


@dataclass
class CaseResult:
    """Everything known about one case after both models answered and the checks ran."""

    case: Case
    baseline: list[Completion]
    candidate: list[Completion]
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def outcome(self) -> Outcome:
        """The worst outcome among checks that are not approved."""
        return worst([c.outcome for c in self.checks if not c.approved])

    @property
    def approved(self) -> bool:
        return any(c.approved for c in self.checks)


@dataclass
class RunResult:
    """One run: the pair, and every judged case in the order they ran."""

    pair: ModelPair
    cases: list[CaseResult] = field(default_factory=list)
    record_mode: str = "none"
    started_at: str = ""
    #: Cases in the suite files this run collected, selected or not (None: not counted).
    collected_cases: int | None = None
    #: Why the run judged only part of its suites (`--lf`, `-k`, `-x`, node ids...).
    partial_notes: tuple[str, ...] = ()
    #: Recordings no current case uses: cassette files (as shown) and exchanges inside
    #: replayed cassettes; `stale_pruned` when this run removed them.
    stale_cassettes: tuple[str, ...] = ()
    stale_exchanges: int = 0
    stale_pruned: bool = False
