"""Finishing a run: one `RunReport` built from what the run found, then the files.

On the controller only, once: stale recordings found (and pruned when asked), the
approvals file settled, the report files written, and the exit status the run's outcome
calls for. The terminal summary then only reads the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from migrate_check.core.paths import shown_path
from migrate_check.core.results import Outcome, RunResult
from migrate_check.judging.approvals import Audit
from migrate_check.pytest_plugin.case_judging import judge
from migrate_check.pytest_plugin.run_state import RunState
from migrate_check.report.run_report import RunReport

#: `finish_run`'s exit statuses, pytest's own numbers (`ExitCode.OK`, `ExitCode.TESTS_FAILED`).
PASSED, FAILED = 0, 1


def run_result(state: RunState) -> RunResult:
    """The judged cases and what the run collected, as the report reads them."""
    cases = sorted(state.results.values(), key=lambda r: r.case.key)
    return RunResult(
        pair=state.settings.pair,
        cases=cases,
        record_mode=state.settings.record_mode,
        started_at=state.started_at,
        collected_cases=state.collected_cases,
        collected_variants=dict(state.collected_variants),
        partial_notes=tuple(state.partial_notes),
    )


def finish_run(state: RunState, interrupted: bool = False) -> int:
    """Make the run's report, save accepted approvals and write the report files (the
    controller only, once); the exit status the run's outcome calls for.

    1 when a file could not be written (the summary then says which), or when
    `--fail-on changed` meets a verdict other than GO that no failed item carries (a
    check broken in every case: REVIEW, though each item passed); else 0.
    """
    from migrate_check.report import write_reports

    settings = state.settings
    if state.background is not None:
        state.background.close()
        state.stale_exchanges.update(state.background.stale_exchanges)
    if interrupted:
        _judge_unjudged(state)
    run = _with_stale_recordings(state, run_result(state))
    report = RunReport.build(
        run,
        settings.prices,
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        shutdown_dates=state.shutdown_dates,
        fail_on_changed=settings.fail_on == "changed",
        stale_note=state.stale_note,
        volume=settings.volume,
    )
    try:
        report = replace(report, approvals=_settle_approvals(state, report))
        report = state.report = replace(report, inputs=_inputs(state, report))
        if settings.write_reports:
            state.report_paths = write_reports(report, settings.report_dir)
    except OSError as exc:
        state.report = report
        where = f" {exc.filename}" if exc.filename else ""
        state.write_error = f"could not write{where}: {exc.strerror or exc}"
        return FAILED
    ran = [c.verdict for c in report.candidates if c.run.cases] or [report.verdict]
    strict = settings.fail_on == "changed" and any(v.decision != "GO" for v in ran)
    # A cassette that could not be written fails the run too.
    return FAILED if state.write_error is not None or strict else PASSED


def _inputs(state: RunState, report: RunReport) -> dict[str, Any]:
    """Every file the verdict rests on, hashed (after an accept run saved its approvals),
    and the options that change judging: what `migrate-check verify` re-checks."""
    from migrate_check import __version__
    from migrate_check.report.inputs import build_inputs

    settings = state.settings
    options = {
        "pair": {"baseline": settings.pair.baseline, "candidate": settings.pair.candidate},
        "record_mode": settings.record_mode,
        "fail_on": settings.fail_on,
        "failing_outcomes": sorted(o.value for o in settings.failing),
        "samples": settings.samples,
        "variants": list(settings.variants) if settings.variants is not None else None,
        "accept": settings.accept,
        "price_overrides": list(settings.prices.overrides),
    }
    return build_inputs(
        root=settings.rootdir,
        cases=[result.case for result in report.all_cases],
        cassette_dir=settings.cassette_dir,
        approvals_file=settings.approvals_file,
        prices_file=settings.prices_file,
        report_dir=settings.report_dir,
        version=__version__,
        options=options,
        prices={name: price.as_dict() for name, price in sorted(settings.prices.models.items())},
    )


def _with_stale_recordings(state: RunState, run: RunResult) -> RunResult:
    """Find (and with `--prune-recordings` remove) recordings no current case uses."""
    from migrate_check.cassettes.stale import StaleRecordings, prune, stale_cassettes

    settings = state.settings
    stale = StaleRecordings(
        stale_cassettes(settings.cassette_dir, state.suite_cases, state.variants.by_suite),
        dict(state.stale_exchanges),
    )
    if not stale:
        return run
    state.stale_note = stale.summary(pruned=settings.prune_recordings)
    if settings.prune_recordings:
        problems = prune(stale)
        if problems:
            state.write_error = state.write_error or problems[0]
    return replace(
        run,
        stale_cassettes=tuple(shown_path(p, settings.rootdir).as_posix() for p in stale.cassettes),
        stale_exchanges=stale.exchange_count,
        stale_pruned=settings.prune_recordings,
    )


def _settle_approvals(state: RunState, report: RunReport) -> Audit:
    """Sort the file's approvals into used, stale and unchecked; an accept run then drops
    the stale ones, records what it approved and saves the file."""
    from migrate_check.judging.approvals import Accepted, audit

    settings = state.settings
    store, cases = state.approvals, report.all_cases
    found = audit(store, cases, complete=not report.aggregates.coverage.partial)
    if not settings.accept:
        return found
    store.remove(found.stale)
    added: dict[str, int] = {}
    signed = state.signature()
    for result in cases:
        for outcome in store.record(
            result, settings.accept_reason, dt.date.today(), state.accepted_outcomes, signed
        ):
            added[outcome.value] = added.get(outcome.value, 0) + 1
    left = sum(
        1
        for result in cases
        for check in result.checks
        if check.outcome is Outcome.REGRESSED and not check.approved
    )
    replaced = sum(1 for s in found.stale if (s.case, s.check) in store)
    store.save(settings.approvals_file)
    accepted = Accepted(added, settings.accept_reason, len(found.stale) - replaced, left)
    return replace(found, accepted=accepted)


def _judge_unjudged(state: RunState) -> None:
    """After an interrupt, judge the cases whose answers both arrived, for the report."""
    for key, case in state.fetched_cases.items():
        if key in state.results:
            continue
        both = (state.baseline_key(case), state.candidate_key(case))
        if all(answer in state.completions for answer in both):
            judge(state, case, state.build_checks(case, state.display(case)))


def summary_lines(state: RunState) -> list[str]:
    """The terminal summary: verdict, counts per check, cost and latency, report paths."""
    from migrate_check.report import summary_lines as report_summary_lines
    from migrate_check.sending.preflight import not_sent_line

    error = [f"migrate-check: {state.write_error}"] if state.write_error else []
    if state.report is None or not state.report.all_cases:
        return error or ["no case was judged"]
    held = not_sent_line(
        completion.error
        for result in state.report.all_cases
        for completion in (*result.baseline, *result.candidate)
    )
    if held is None and state.preflight is not None and state.preflight.grader_held:
        # Only grader calls needed recording (this process saw it: not an xdist worker's).
        held = f"grader calls needed recording and none was sent: {state.preflight.problem()}"
    first = [f"migrate-check: {held}"] if held else []
    # Relative to where pytest was started (the user's shell), absolute from outside it.
    paths = [shown_path(p) for p in state.report_paths]
    from migrate_check.safety import secrets as secret_values

    scrub = secret_values.from_environment()  # the loop paths' lines quote tools' results
    return [
        scrub.text(line) for line in (*first, *report_summary_lines(state.report, paths), *error)
    ]
