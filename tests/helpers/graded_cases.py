"""Grading known pairs of answers through the real grader client: the real `openai` SDK and
vcrpy over HTTP to the local server, recorded into grader cassettes, then replayed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from migrate_check.checks.graded import GradedCheck
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult
from migrate_check.sending.grading import Grader
from migrate_check.sending.settings import RunnerSettings

CLOSED_PORT = "http://127.0.0.1:9/v1"


def hint(case: Case, model: str, mode: str) -> str:
    return f"pytest {case.suite}.yaml::{case.id} --record-mode {mode}"


def answers(texts: Sequence[str], model: str) -> list[Completion]:
    return [Completion(model=model, text=text) for text in texts]


def case(case_id: str, request: Mapping[str, Any] | None = None) -> Case:
    return Case("pairs", case_id, dict(request or {}), ())


def grade(
    check: GradedCheck,
    pairs: Mapping[str, tuple[Sequence[str], Sequence[str]]],
    cassettes: Path,
    *,
    base_url: str,
    record_mode: str = "once",
    concurrency: int = 8,
    requests: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[dict[str, CheckResult], Grader]:
    """Each pair's verdict (baseline texts, candidate texts), all cases fetched at once;
    `requests` gives a case its request (by case id), which the check sees via `for_case`."""
    settings = RunnerSettings(
        record_mode=record_mode,
        cassette_dir=cassettes,
        base_url=base_url,
        concurrency=concurrency,
        max_retries=0,
    )
    grader = Grader(settings, hint)
    jobs = {}
    for case_id, (base, cand) in pairs.items():
        request = (requests or {}).get(case_id)
        jobs[case_id] = (
            case(case_id, request),
            answers(base, "gpt-4o-mini"),
            answers(cand, "gpt-4.1-mini"),
        )
    grader.fetch([(c, check.for_case(c).grader_calls(b, k)) for c, b, k in jobs.values()])
    return {
        case_id: check.for_case(c).judge_with(b, k, grader.replies(c))
        for case_id, (c, b, k) in jobs.items()
    }, grader
