"""Each case's answers: the two models' completions and the grader's replies.

`prefetch` sends (or replays) every collected case at once, so requests overlap; a case
the prefetch did not cover (an xdist worker's, a case written in Python) is fetched
when it is judged. Answers wait in `RunState.completions` until `case_judging` takes
them.
"""

from __future__ import annotations

import dataclasses
import logging
import shlex
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from migrate_check.checks import Check
from migrate_check.core.case import Case, ModelPair
from migrate_check.core.completion import Completion
from migrate_check.core.paths import shown_path
from migrate_check.pytest_plugin.run_state import RunState
from migrate_check.pytest_plugin.settings import RunSettings
from migrate_check.suites.suite import SuiteError

if TYPE_CHECKING:
    from migrate_check.sending.grading import Grader, GraderCall, GraderReply
    from migrate_check.sending.preflight import Preflight
    from migrate_check.sending.runner import Runner
    from migrate_check.sending.sdk_request import Job

log = logging.getLogger("migrate_check")


def _record_hint_for(settings: RunSettings) -> Callable[[Case, str, str], str]:
    """What the messages of a missing (or stale) cassette end with: the command that
    records it, given the case, the model and the record mode."""

    def record_hint(case: Case, model: str, mode: str) -> str:
        target = case.key
        if case.file is not None:
            # From where the user stands, so it runs as printed from a subfolder too.
            target = f"{shown_path(case.file)}::{case.name}"
        return (
            f"OPENAI_API_KEY=... pytest {shlex.quote(target)} "
            f"--model-pair {shlex.quote(str(settings.pair))} --record-mode {mode}"
        )

    return record_hint


def recorded_elsewhere(settings: RunSettings, case: Case) -> str | None:
    """Why an imported case is not run: its recordings are of another baseline model.

    Running it would record a fresh baseline live (or, offline, miss one) for a case
    the team believes is recorded; unless `--record-baseline` asks for exactly that.
    """
    recorded = case.recorded_with
    pair = settings.pair
    if not recorded or pair.baseline in recorded or settings.record_baseline:
        return None
    # A runnable pair: the recorded model against the candidate (else the baseline).
    other = pair.candidate if pair.candidate != recorded[0] else pair.baseline
    return (
        f"recorded with {', '.join(recorded)}, not {pair.baseline}: run it with "
        f"--model-pair {shlex.quote(str(ModelPair(recorded[0], other)))} "
        f"(or add --record-baseline to record {pair.baseline} for it)"
    )


def prefetch(state: RunState, cases: Iterable[Case]) -> None:
    """Fetch every case not fetched yet, all at once, so requests overlap."""
    from migrate_check.sending.runner import Runner

    settings = state.settings
    todo = [
        c
        for c in cases
        if state.candidate_key(c) not in state.completions
        and c.key not in state.in_background
        and recorded_elsewhere(settings, c) is None
    ]
    if not todo:
        return
    pair = settings.pair
    state.fetched_cases.update((case.key, case) for case in todo)
    # Each side sends its own request (a suite's `baseline:` / `candidate:`), and a
    # case's variants share one baseline answer: asked (and recorded) once.
    jobs: list[Job] = []
    asked: set[tuple[str, str]] = set()
    for case in todo:
        baseline = state.baseline_key(case)
        if baseline not in state.completions and baseline not in asked:
            asked.add(baseline)
            jobs.append((case.plain().on_side("baseline"), pair.baseline))
        jobs.append((case.on_side("candidate"), case.candidate_model(pair)))
    hint = _record_hint_for(settings)
    # No key, or a host that does not answer: what needs sending is an error at once.
    jobs, held, runner_settings = _preflight(state).split(jobs, hint)
    state.completions.update(held)
    runner = Runner(runner_settings, hint)
    entry_jobs = [job for job in jobs if job[0].entry is not None or job[0].loop is not None]
    if entry_jobs:
        # Entry-point cases run the team's own function on each model, loop cases the
        # model's tool calls until it answers (apps.jobs).
        from migrate_check.apps.jobs import run_entry_jobs

        jobs = [job for job in jobs if job[0].entry is None and job[0].loop is None]
        unsaved: list[tuple[Path, OSError]] = []
        try:
            state.completions.update(run_entry_jobs(entry_jobs, runner.settings, hint, unsaved))
        finally:
            state.note_unsaved(unsaved)
    models = list(dict.fromkeys(model for _, model in jobs))
    variants = any(case.variant for case in todo)
    in_background = not variants and _replay_in_background(state, runner, jobs)
    if settings.record_mode == "none" and in_background:
        return
    dates: dict[str, str] = {}
    try:
        if jobs:
            state.completions.update(
                runner.fetch_jobs(jobs, _ask_shutdown_dates(state, runner, models, dates))
            )
        state.stale_exchanges.update(runner.stale_exchanges)
    except BaseException:
        # Ctrl-C or an exhausted quota: keep what finished, so the report shows it.
        state.completions.update(runner.fetched)
        raise
    finally:
        state.note_unsaved(runner.write_errors)
        state.shutdown_dates.update(dates)
    if settings.record_mode != "none":
        # Live grader calls of every case go out together once both answers are known.
        _prefetch_grades(state, todo)


def _preflight(state: RunState) -> Preflight:
    """The run's check before sending (one per process: an xdist worker checks its own)."""
    from migrate_check.sending.preflight import Preflight

    if state.preflight is None:
        state.preflight = Preflight(state.settings.runner_settings())
    return state.preflight


def _ask_shutdown_dates(
    state: RunState, runner: Runner, models: list[str], into: dict[str, str]
) -> Callable[[], None] | None:
    """What asks the models list for shutdown dates, beside the cases' requests where
    it can be (`Runner.fetch_jobs`): on live runs, once. Azure has no such list: the
    price table's dates serve."""
    from migrate_check.sending.preflight import credentials_problem

    live = state.settings.record_mode != "none" and state.settings.azure is None
    if not live or state.shutdown_dates or credentials_problem(runner.settings) is not None:
        return None  # nothing could be asked without a key: the price table's dates serve
    if _preflight(state).failed:
        return None
    from migrate_check.sending.shutdown_dates import shutdown_dates

    def ask() -> None:
        into.update(
            shutdown_dates(
                models,
                api_key=runner.api_key,
                base_url=state.settings.base_url,
                secrets=runner.secrets,
            )
        )

    return ask


def _replay_in_background(state: RunState, runner: Runner, jobs: list[Job]) -> bool:
    """Hand a large offline replay to a forked reader; False when that does not pay."""
    from migrate_check.sending import forked_replay

    cases = {case.key for case, _ in jobs}
    offline = state.settings.record_mode == "none"
    if not offline or len(cases) < forked_replay.MIN_CASES or not forked_replay.can_fork():
        return False
    state.background = forked_replay.BackgroundReplay(runner, jobs)
    state.in_background.update(cases)
    log.info("reading %d cases' cassettes in a second process", len(cases))
    return True


def take_answers(state: RunState, case: Case) -> tuple[list[Completion], list[Completion]]:
    """The case's baseline and candidate answers, fetched now if the prefetch did not.

    The candidate's leave the state at once; the baseline's stay until the last collected
    case that shares them (the case or one of its variants) has taken them. Counted at
    collection: on an xdist worker, items of one case arrive one by one, and the baseline
    is kept, not asked again, until the last of them is judged.
    """
    prefetch(state, [case])
    if state.background is not None and case.key in state.in_background:
        state.in_background.discard(case.key)
        state.completions.update(state.background.take(case))
    candidate = state.completions.pop(state.candidate_key(case))
    baseline_key = state.baseline_key(case)
    baseline = state.completions[baseline_key]
    state.baseline_users[baseline_key] -= 1
    if state.baseline_users[baseline_key] <= 0:  # no variant of the case still needs it
        del state.completions[baseline_key], state.baseline_users[baseline_key]
    return baseline, candidate


# -- the grader's replies (embedding, judge), recorded beside the case's answers ---------
def _grader(state: RunState, jobs: Sequence[tuple[Case, Sequence[GraderCall]]]) -> Grader:
    """The run's grader, replaying only (no HTTP) once the check before sending failed
    for calls that would be sent: their missing recordings are errors at once."""
    from migrate_check.sending.grading import Grader

    if state.grader is None:
        state.grader = Grader(state.settings.runner_settings(), _record_hint_for(state.settings))
    grader = state.grader
    mode = grader.settings.record_mode
    if mode == "none":
        return grader
    # `all` sends every call, the other modes a call with no recording; `new_episodes` may
    # send for a recording that lacks the call too, so it checks either way.
    lacking = mode == "all" or _grader_lacks_recordings(state, jobs)
    preflight = _preflight(state)
    if (lacking or mode == "new_episodes") and preflight.problem() is not None:
        grader.settings = dataclasses.replace(grader.settings, record_mode="none")
        preflight.grader_held = preflight.grader_held or lacking
    return grader


def _grader_lacks_recordings(
    state: RunState, jobs: Sequence[tuple[Case, Sequence[GraderCall]]]
) -> bool:
    from migrate_check.cassettes.paths import case_cassette_path
    from migrate_check.sending.grading import GRADER_PREFIX

    folder = state.settings.cassette_dir
    return any(
        not case_cassette_path(folder, case, call.model, GRADER_PREFIX).exists()
        for case, calls in jobs
        for call in calls
    )


def _grader_calls(
    checks: Iterable[Check], case: Case, baseline: list[Completion], candidate: list[Completion]
) -> list[GraderCall]:
    from migrate_check.checks.graded import GradedCheck

    graded = [check for check in checks if isinstance(check, GradedCheck)]
    answers = [*baseline, *candidate]
    if not graded or not baseline or not candidate or any(c.error for c in answers):
        return []  # no check runs on a case whose call failed
    return [
        call for check in graded for call in check.for_case(case).grader_calls(baseline, candidate)
    ]


def _prefetch_grades(state: RunState, cases: Iterable[Case]) -> None:
    jobs = []
    for case in cases:
        baseline = state.completions.get(state.baseline_key(case), [])
        candidate = state.completions.get(state.candidate_key(case), [])
        try:
            checks = state.build_checks(case, state.display(case))
        except SuiteError:
            continue  # said at collection
        calls = _grader_calls(checks, case, baseline, candidate)
        if calls:
            jobs.append((case, calls))
    if jobs:
        grader = _grader(state, jobs)
        grader.fetch(jobs)
        state.note_unsaved(grader.write_errors)


def grades(
    state: RunState,
    case: Case,
    checks: list[Check],
    baseline: list[Completion],
    candidate: list[Completion],
) -> dict[str, GraderReply]:
    """The grader's replies for this case's graded checks (fetched now if not yet)."""
    calls = _grader_calls(checks, case, baseline, candidate)
    if not calls:
        return {}
    grader = _grader(state, [(case, calls)])
    if not grader.has(case, calls):
        grader.fetch([(case, calls)])
        state.note_unsaved(grader.write_errors)
    return grader.replies(case)
