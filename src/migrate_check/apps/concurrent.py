"""Async entry points run side by side: one event loop, each run in its own task.

vcrpy's routing cassette sends each request to the cassette of the task that sent it
(`recording.use_case_cassette` sets a context variable per task), so async functions
can run concurrently, up to `--concurrency` at a time, each still recorded into its own
case's cassette. A function that reads its model from the environment (`pass_model:
{env: ...}`) shares the process's environment, so it runs one at a time instead (`run`).

Each run has its own time limit (`asyncio.wait_for`); the whole loop has one more, the
sum of theirs, in case a function blocks the loop itself.
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import Sequence
from typing import Any

from migrate_check.apps.handoff import handed_model
from migrate_check.apps.run import (
    Attempt,
    Printed,
    WriteErrors,
    close_case,
    finished,
    imported,
    kept_off,
    limit_note,
    open_case,
    replay_key,
    start,
    traceback_tail,
)
from migrate_check.cassettes.recording import recording_session, use_case_cassette
from migrate_check.checks.base import CheckConfigError, CheckRunError
from migrate_check.checks.callables import MAX_RESULT_ITEMS, materialized
from migrate_check.checks.result_snapshot import snapshot
from migrate_check.checks.time_limits import call_with_timeout
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion, CompletionsByCase
from migrate_check.safety import secrets as secret_values
from migrate_check.safety.log_scrubbing import scrubbed_logs
from migrate_check.sending.failures import RecordHint
from migrate_check.sending.sdk_request import Job
from migrate_check.sending.settings import RunnerSettings

#: The longest a whole loop of async runs may take, whatever their own limits add up to.
MAX_LOOP_S = 6 * 3600.0


def runs_concurrently(case: Case) -> bool:
    """Whether the case's function is async and hands its model over without the
    process's environment (which concurrent runs would share)."""
    entry = case.entry
    if entry is None or entry.isolate or entry.handoff == "env":
        return False
    try:
        function = imported(entry.function)
    except CheckConfigError:
        return False  # said when it runs
    return inspect.iscoroutinefunction(function)


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
    secrets = [os.environ.get(name) for name in secret_values.SECRET_ENV]
    limits = [case.entry.timeout_s * case.samples for case, _ in jobs if case.entry]
    budget = min(MAX_LOOP_S, sum(limits))
    printed = Printed()
    with (
        scrubbed_logs(secrets),
        recording_session() as router,
        replay_key(settings),
        kept_off(printed),
    ):
        try:
            call_with_timeout(
                lambda: asyncio.run(_all(router, jobs, settings, hint, results)),
                budget,
                "the async entry points",
            )
        except CheckRunError as exc:
            for case, model in jobs:
                failed = Completion(model=model, error=limit_note(str(exc)))
                results.setdefault((case.key, model), [failed])
        finally:
            if write_errors is not None:
                write_errors.extend(router.write_errors)
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
            samples = []
            with use_case_cassette(router, cassette):
                for _ in range(case.samples):
                    samples.append(await _one_async(start(case, model, cassette, hint, live)))
            close_case(router, cassette, samples)
            results[(case.key, model)] = samples

    async with asyncio.TaskGroup() as group:
        for case, model in jobs:
            group.create_task(one(case, model))


async def _one_async(attempt: Attempt | Completion) -> Completion:
    if isinstance(attempt, Completion):
        return attempt
    raised: str | None = None
    returned: Any = None
    timeout = attempt.entry.timeout_s
    try:
        with handed_model(attempt.entry, attempt.model, attempt.kwargs):
            result = await asyncio.wait_for(attempt.function(**attempt.kwargs), timeout)
        returned = snapshot(materialized(result, MAX_RESULT_ITEMS))
    except TimeoutError:
        message = f"{attempt.what} timed out after {timeout:g} s"
        return Completion(model=attempt.model, error=limit_note(message))
    except Exception as exc:  # noqa: BLE001 - the function raising is its outcome on this side
        raised = traceback_tail(exc)
    return finished(attempt, returned, raised, 0)
