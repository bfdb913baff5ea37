"""Entry-point jobs of a run: async functions side by side (`concurrent`), others one
after another in this process (`run`), or in a child process when the suite says
`isolate: true` (`isolated`). Loop cases, whose loop migrate-check runs itself, run
side by side too (`loops`)."""

from __future__ import annotations

from collections.abc import Sequence

from migrate_check.apps.concurrent import run_concurrently, runs_concurrently
from migrate_check.apps.isolated import run_isolated
from migrate_check.apps.loops import run_loop_jobs
from migrate_check.apps.run import WriteErrors, run_in_process
from migrate_check.core.completion import CompletionsByCase
from migrate_check.sending.failures import RecordHint
from migrate_check.sending.sdk_request import Job
from migrate_check.sending.settings import RunnerSettings


def run_entry_jobs(
    jobs: Sequence[Job],
    settings: RunnerSettings,
    record_hint: RecordHint,
    write_errors: WriteErrors | None = None,
) -> CompletionsByCase:
    """Every sample of each entry-point or loop (case, model) job, keyed by (case key,
    model); cassettes that could not be written go to `write_errors`."""
    loops = [job for job in jobs if job[0].loop is not None]
    jobs = [job for job in jobs if job[0].loop is None]
    isolated = [job for job in jobs if job[0].entry is not None and job[0].entry.isolate]
    together = [job for job in jobs if runs_concurrently(job[0])]
    one_by_one = [job for job in jobs if job not in isolated and job not in together]
    results = run_in_process(one_by_one, settings, record_hint, write_errors)
    results.update(run_loop_jobs(loops, settings, record_hint, write_errors))
    results.update(run_concurrently(together, settings, record_hint, write_errors))
    for case, model in isolated:
        results[(case.key, model)] = run_isolated(case, model, settings, record_hint, write_errors)
    return results
