"""Compact, readable failure text for a judged case, in the spirit of pytest's assertion diffs."""

from __future__ import annotations

import json
from typing import Any

from migrate_check.core.completion import Completion
from migrate_check.core.results import CaseResult, Outcome
from migrate_check.report import escaping, trajectories
from migrate_check.safety import secrets as secret_values

_MAX_EVIDENCE_CHARS = 600
_MAX_ANSWER_CHARS = 300


def _shorten(text: str, limit: int) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _evidence(evidence: Any) -> str:
    if evidence is None:
        return ""
    if isinstance(evidence, str):
        return _shorten(evidence, _MAX_EVIDENCE_CHARS)
    try:
        text = json.dumps(evidence, sort_keys=True, default=str)
    except (TypeError, ValueError):
        text = repr(evidence)
    return _shorten(text, _MAX_EVIDENCE_CHARS)


def _answer_text(completion: Completion) -> str:
    if completion.error:
        return f"ERROR {completion.error}"
    if completion.refused:
        return _shorten(f"REFUSED: {completion.text}", _MAX_ANSWER_CHARS)
    if completion.tool_calls:
        calls = ", ".join(
            f"{c.name}({json.dumps(c.arguments, sort_keys=True)})" for c in completion.tool_calls
        )
        return _shorten(f"{completion.text} [tool calls: {calls}]".strip(), _MAX_ANSWER_CHARS)
    return _shorten(completion.text, _MAX_ANSWER_CHARS)


def failure_lines(result: CaseResult, failing: frozenset[Outcome]) -> list[str]:
    """What a reader needs to see why a case failed: each non-same check, then both outputs."""
    case = result.case
    lines = [f"{case.key}: {result.outcome.value} ({len(result.checks)} checks)"]
    path = trajectories.case_line(result)  # a loop case's two paths, in one line
    if path:
        lines.append(f"  path: {path}")
    for check in result.checks:
        if check.outcome is Outcome.SAME:
            continue
        mark = ">" if check.outcome in failing and not check.approved else " "
        approved = " (approved)" if check.approved else ""
        lines.append(f"{mark} {check.outcome.value:<9} {check.check}: {check.reason}{approved}")
        if check.noise:
            lines.append(f"            noise: {check.noise}")
        evidence = _evidence(check.evidence)
        if evidence:
            lines.append(f"            evidence: {evidence}")
    if result.baseline:
        lines.append(f"  baseline  {result.baseline[0].model}: {_answer_text(result.baseline[0])}")
    if result.candidate:
        lines.append(
            f"  candidate {result.candidate[0].model}: {_answer_text(result.candidate[0])}"
        )
    # Answers and error bodies are untrusted: their control characters and escape
    # sequences are shown, never sent to the terminal (or the JUnit XML) raw, and a key
    # they quote (a tool's result, an echo) is replaced.
    scrub = secret_values.from_environment()
    return [escaping.terminal(scrub.text(line)) for line in lines]
