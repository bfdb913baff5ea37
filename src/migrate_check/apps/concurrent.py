"""Async entry points run side by side: one event loop, each run in its own task.

vcrpy's routing cassette sends each request to the cassette of the task that sent it
(`recording.use_case_cassette` sets a context variable per task), so async functions
can run concurrently, up to `--concurrency` at a time, each still recorded into its own
case's cassette. A function that reads its model from the environment (`pass_model:
{env: ...}`) shares the process's environment, so it runs one at a time instead (`run`).

Each run has its own time limit (`asyncio.timeout`: a `TimeoutError` of the function's
own is its outcome, not ours). A function that blocks the loop itself (`time.sleep` in
async code) cannot be interrupted by it; the whole loop has a limit too, and the runs it
leaves unfinished are errors naming their function, their cassettes left as they were.
"""

from __future__ import annotations

import asyncio
import inspect
import math
from collections.abc import Sequence
from typing import Any

from migrate_check.apps.handoff import handed_model
from migrate_check.apps.loading import limit_note, load_function
from migrate_check.apps.run import (
    Attempt,
    WriteErrors,
    app_session,
    close_case,
    finished,
    open_case,
    start,
)
from migrate_check.apps.value import Returned, plain, raised_by
from migrate_check.cassettes.recording import (
    discard_case_cassette,
    use_case_cassette,
)
from migrate_check.checks.base import CheckConfigError, CheckRunError
from migrate_check.checks.time_limits import call_with_timeout
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion, CompletionsByCase
from migrate_check.sending.failures import RecordHint
from migrate_check.sending.sdk_request import Job
from migrate_check.sending.settings import RunnerSettings

#: The longest a whole loop of async runs may take, whatever their own limits add up to.
MAX_LOOP_S = 6 * 3600.0
#: Time the loop may take beyond its runs' own limits (starting, saving cassettes).
LOOP_MARGIN_S = 5.0


def runs_concurrently(case: Case) -> bool:
    """Whether the case's function is async and hands its model over without the
    process's environment (which concurrent runs would share)."""
    entry = case.entry
    if entry is None or entry.isolate or entry.handoff == "env":
        return False
    try:
        function = load_function(entry.function)
    except CheckConfigError:
        return False  # said when it runs
    return inspect.iscoroutinefunction(function)


def loop_limit(jobs: Sequence[Job], concurrency: int) -> float:
    """The whole loop's limit: the longest run's, once per round of `concurrency` runs."""
    runs = sum(case.samples for case, _ in jobs)
    longest = max((case.entry.timeout_s for case, _ in jobs if case.entry), default=0.0)
    rounds = math.ceil(runs / max(1, concurrency))
    return min(MAX_LOOP_S, longest * rounds + LOOP_MARGIN_S)


def run_concurrently(
    jobs: Sequence[Job],
    settings: RunnerSettings,
    hint: RecordHint,
    write_errors: WriteErrors | None = None,
) -> CompletionsByCase:
    """Every sample of each async entry-point job, keyed by (case key, model)."""
    results: CompletionsByCase = {}
    if not jobs:
        return results
    limit = loop_limit(jobs, settings.concurrency)
    with app_session(settings, write_errors, quiet=True) as (router, _):
        try:
            call_with_timeout(
                lambda: asyncio.run(_all(router, jobs, settings, hint, results)),
                limit,
                "the async entry points",
            )
        except CheckRunError as exc:
            unfinished = [(case, model) for case, model in jobs if (case.key, model) not in results]
            names = ", ".join(
                sorted({str(case.entry and case.entry.function) for case, _ in unfinished})
            )
            why = (
                f"{exc}; unfinished: {names} (an async function that blocks its event loop, "
                "with time.sleep or a long computation, cannot be stopped at its own limit)"
            )
            for case, model in unfinished:
                results[(case.key, model)] = [Completion(model=model, error=limit_note(why))]
    return results


async def _all(
    router: Any,
    jobs: Sequence[Job],
    settings: RunnerSettings,
    hint: RecordHint,
    results: CompletionsByCase,
) -> None:
    slots = asyncio.Semaphore(max(1, settings.concurrency))
    live = settings.record_mode != "none"

    async def one(case: Case, model: str) -> None:
        async with slots:
            cassette = open_case(router, case, model, settings, hint)
            if isinstance(cassette, Completion):
                results[(case.key, model)] = [cassette]
                return
            samples: list[Completion] = []
            try:
                with use_case_cassette(router, cassette):
                    for _ in range(case.samples):
                        samples.append(await _one_async(start(case, model, cassette, hint, live)))
            finally:
                if len(samples) == case.samples:
                    close_case(router, cassette, samples)
                else:  # cut short: the cassette on disk stays as it was
                    discard_case_cassette(router, cassette)
            results[(case.key, model)] = samples

    async with asyncio.TaskGroup() as group:
        for case, model in jobs:
            group.create_task(one(case, model))


async def _one_async(attempt: Attempt | Completion) -> Completion:
    if isinstance(attempt, Completion):
        return attempt
    limit = attempt.entry.timeout_s
    result: Returned | Completion
    try:
        with handed_model(attempt.entry, attempt.model, attempt.kwargs):
            async with asyncio.timeout(limit) as deadline:
                value = await attempt.function(**attempt.kwargs)
        result = Returned(plain(value))
    except TimeoutError as exc:
        if deadline.expired():
            message = f"{attempt.what} timed out after {limit:g} s"
            return Completion(model=attempt.model, error=limit_note(message))
        result = _raised(exc, attempt)
    except SystemExit as exc:
        message = f"{attempt.what} raised SystemExit({exc.code!r})"
        return Completion(model=attempt.model, error=message)
    except CheckRunError as exc:
        return Completion(model=attempt.model, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - the function raising is its outcome on this side
        result = _raised(exc, attempt)
    if isinstance(result, Completion):
        return result
    return finished(attempt, result, 0)


def _raised(exc: BaseException, attempt: Attempt) -> Returned | Completion:
    try:
        return raised_by(exc)
    except CheckRunError as ours:
        return Completion(model=attempt.model, error=str(ours))
