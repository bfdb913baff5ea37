"""The state of one run: settings, fetched completions, judged cases, and its report.

One `RunState` lives in `config.stash`; pytest hooks call into it, and it holds the
logic they must not (fetching, judging, failing rules, approvals). `finish()` turns
what the run found into one `RunReport`, which every output then only reads.
"""

from __future__ import annotations

import datetime as dt
import logging
import shlex
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migrate_check.cassettes.recording import file_key, safe_name
from migrate_check.checks import Check, CheckConfigError, CheckRegistry
from migrate_check.core.case import Case, ModelPair
from migrate_check.core.completion import Completion, CompletionsByCase
from migrate_check.core.paths import shown_path
from migrate_check.core.results import CaseResult, Outcome, RunResult
from migrate_check.judging.approvals import ApprovalStore, Audit
from migrate_check.pytest_plugin.settings import RunSettings
from migrate_check.pytest_plugin.worker_transfer import WorkerOutput
from migrate_check.report.run_report import RunReport
from migrate_check.suites.loading import Suite, SuiteError, load_suite

if TYPE_CHECKING:
    from migrate_check.sending.forked_replay import BackgroundReplay
    from migrate_check.sending.grading import Grader, GraderCall, GraderReply
    from migrate_check.sending.runner import Runner

log = logging.getLogger("migrate_check")

#: `finish`'s exit statuses, pytest's own numbers (`ExitCode.OK`, `ExitCode.TESTS_FAILED`).
PASSED, FAILED = 0, 1


@dataclass
class RunState:
    """Run-wide state shared by the hooks of one pytest session."""

    settings: RunSettings
    #: The checks this run can use; the team's conftest adds its own through the hook.
    registry: CheckRegistry
    #: The approvals file as it was when the run started (`open` reads it).
    approvals: ApprovalStore
    started_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())
    completions: CompletionsByCase = field(default_factory=dict)
    results: dict[str, CaseResult] = field(default_factory=dict)
    #: What the run found, once `finish` made it (None before, and on xdist workers).
    report: RunReport | None = None
    report_paths: list[Path] = field(default_factory=list)

    @classmethod
    def open(cls, settings: RunSettings, registry: CheckRegistry) -> RunState:
        """A run's state; `ApprovalsError` (a ValueError) names the approvals file's mistake."""
        return cls(settings, registry, ApprovalStore.load(settings.approvals_file))

    def __post_init__(self) -> None:
        self.shutdown_dates: dict[str, str] = {}
        self._fetched_cases: dict[str, Case] = {}
        self._shown_files: dict[Path, Path] = {}
        self._suite_files: dict[str, Path] = {}
        self.collected_cases = 0  # cases in the suite files collected (xdist: per worker)
        self.collected_variants: Counter[str] = Counter()  # and of each variant
        # Suite files found, and those whose cases were read: `--lf` skips the others.
        self.suite_files_seen = self.suite_files_collected = 0
        self.partial_notes: list[str] = []
        # For the stale-recordings report: each collected suite's case ids, and replayed
        # cassettes' exchanges that no current request matches.
        self.suite_cases: dict[str, list[str]] = {}
        self.stale_exchanges: dict[Path, list[int]] = {}
        self.stale_note = ""
        self.write_error: str | None = None
        self._background: BackgroundReplay | None = None
        self._in_background: set[str] = set()
        self._added_to_sys_path: list[str] = []
        self.variants_defined: set[str] = set()
        # Each variant name's model and the suite that named it first (names compared
        # without letter case: they become file names).
        self._variant_models: dict[str, tuple[str, str | None, Path]] = {}
        self.suite_variants: dict[str, set[str]] = {}  # for stale variant cassettes
        # How many fetched cases (a case and its variants) still need each baseline answer.
        self._baseline_users: Counter[tuple[str, str]] = Counter()
        self._grader: Grader | None = None

    # -- suites -------------------------------------------------------------------------
    def load_suite(self, file: Path) -> list[tuple[Case, list[Check]]]:
        """A suite's cases, each with its prepared checks: every mistake surfaces at
        collection, and judging reuses the checks built here."""
        display = shown_path(file, self.settings.rootdir)
        suite = load_suite(file, display)
        other = self._suite_files.setdefault(file_key(suite.name), file)
        if other != file:
            # Same name, same case keys, same cassettes: the two would overwrite each other.
            raise SuiteError(
                display,
                1,
                f"suite name {suite.name!r} is already used by "
                f"{shown_path(other, self.settings.rootdir)} (cassette folders compare without "
                "letter case); set 'suite:' in one of them",
            )
        _refuse_colliding_ids(suite, display)
        self.suite_cases[suite.name] = [case.id for case in suite.cases]
        cases = self._with_variants(suite)
        if self.settings.samples is not None:
            cases = [replace(c, samples=self.settings.samples) for c in cases]
        folder = str(file.parent.resolve())
        if folder not in sys.path:
            # Dotted paths in a suite (`downstream: myapp.triage:route`) import from beside it;
            # `close` takes the folder off again.
            sys.path.insert(0, folder)
            self._added_to_sys_path.append(folder)
        for case in cases:
            self._baseline_users[self._baseline_key(case)] += 1
        # A suite's checks are shared by its cases (the same specs): built once each here.
        built: dict[tuple[int, Path], Check] = {}
        return [(case, self._build_checks(case, display, built)) for case in cases]

    def _with_variants(self, suite: Suite) -> list[Case]:
        """Each case, followed by the selected variants of it (the suite's `variants:`,
        then the ini's `migrate_check_variants` it does not define itself)."""
        variants = dict(suite.variants)
        for name, model in self.settings.ini_variants:
            if name not in variants:
                variants[name] = tuple(
                    replace(case, variant=name, variant_model=model) for case in suite.cases
                )
        for name, runs in variants.items():
            chosen = runs[0].variant_model if runs else None
            first = self._variant_models.setdefault(name.casefold(), (name, chosen, suite.file))
            if first[:2] != (name, chosen):
                pair_candidate = "the pair's candidate"
                raise SuiteError(
                    shown_path(suite.file, self.settings.rootdir),
                    1,
                    f"variant {name!r} ({chosen or pair_candidate}) is also defined by "
                    f"{shown_path(first[2], self.settings.rootdir)} as {first[0]!r} "
                    f"({first[1] or pair_candidate}): one name, one model; rename one",
                )
        self.variants_defined.update(variants)
        self.suite_variants[suite.name] = set(variants)
        selected = [runs for name, runs in variants.items() if self.settings.wants_variant(name)]
        return [
            c
            for index, case in enumerate(suite.cases)
            for c in (case, *(runs[index] for runs in selected))
        ]

    def note_unknown_variants(self) -> None:
        """Say which `--variant` names no collected suite (nor the ini file) defines: a
        misspelt name judges nothing, and the verdict must not look complete."""
        unknown = [v for v in self.settings.variants or () if v not in self.variants_defined]
        if unknown and self.suite_files_collected:
            known = ", ".join(sorted(self.variants_defined)) or "none"
            self.partial_notes.append(
                f"--variant {', '.join(unknown)}: no suite collected defines it (known: {known})"
            )

    def close(self) -> None:
        """Undo what the run changed in the process: the suite folders put on `sys.path`."""
        for folder in self._added_to_sys_path:
            if folder in sys.path:
                sys.path.remove(folder)
        self._added_to_sys_path.clear()

    def _display(self, case: Case) -> Path:
        """The suite's path as messages show it (resolved once per file, not per case)."""
        if case.file is None:
            return Path(case.suite)
        shown = self._shown_files.get(case.file)
        if shown is None:
            shown = self._shown_files[case.file] = shown_path(case.file, self.settings.rootdir)
        return shown

    def _build_checks(
        self, case: Case, display: Path, built: dict[tuple[int, Path], Check] | None = None
    ) -> list[Check]:
        """The case's checks, from the registry; `built` remembers them by spec while the
        specs live (one suite's load), which saves the registry's key per case."""
        base_dir = case.file.parent if case.file else self.settings.rootdir
        checks = []
        for spec in case.checks:
            check = built.get((id(spec), base_dir)) if built is not None else None
            if check is None:
                try:
                    check = self.registry.build(spec, base_dir)
                except CheckConfigError as exc:
                    raise SuiteError(display, spec.line, str(exc), case.id) from None
                if built is not None:
                    built[(id(spec), base_dir)] = check
            checks.append(check)
        return checks or self.registry.checks_for(case, base_dir)

    # -- fetching -----------------------------------------------------------------------
    def record_hint(self, case: Case, model: str, mode: str = "once") -> str:
        """The command that records a missing (or re-records a stale) cassette."""
        target = case.key
        if case.file is not None:
            target = f"{shown_path(case.file, self.settings.rootdir)}::{case.name}"
        return (
            f"OPENAI_API_KEY=... pytest {shlex.quote(target)} "
            f"--model-pair {shlex.quote(str(self.settings.pair))} --record-mode {mode}"
        )

    def recorded_elsewhere(self, case: Case) -> str | None:
        """Why an imported case is not run: its recordings are of another baseline model.

        Running it would record a fresh baseline live (or, offline, miss one) for a case
        the team believes is recorded; unless `--record-baseline` asks for exactly that.
        """
        recorded = case.recorded_with
        pair = self.settings.pair
        if not recorded or pair.baseline in recorded or self.settings.record_baseline:
            return None
        other = pair.candidate if pair.candidate != recorded[0] else "CANDIDATE"
        return (
            f"recorded with {', '.join(recorded)}, not {pair.baseline}: run it with "
            f"--model-pair {shlex.quote(str(ModelPair(recorded[0], other)))} "
            f"(or add --record-baseline to record {pair.baseline} for it)"
        )

    def prefetch(self, cases: Iterable[Case]) -> None:
        """Fetch every case not fetched yet, all at once, so requests overlap."""
        from migrate_check.sending.runner import Runner

        todo = [
            c
            for c in cases
            if self._candidate_key(c) not in self.completions
            and c.key not in self._in_background
            and self.recorded_elsewhere(c) is None
        ]
        if not todo:
            return
        runner = Runner(self.settings.runner_settings(), self.record_hint)
        pair = self.settings.pair
        self._fetched_cases.update((case.key, case) for case in todo)
        # Each side sends its own request (a suite's `baseline:` / `candidate:`), and a
        # case's variants share one baseline answer: asked (and recorded) once.
        jobs: list[tuple[Case, str]] = []
        asked: set[tuple[str, str]] = set()
        for case in todo:
            baseline = self._baseline_key(case)
            if baseline not in self.completions and baseline not in asked:
                asked.add(baseline)
                jobs.append((case.plain().on_side("baseline"), pair.baseline))
            jobs.append((case.on_side("candidate"), case.candidate_model(pair)))
        models = list(dict.fromkeys(model for _, model in jobs))
        variants = any(case.variant for case in todo)
        in_background = not variants and self._replay_in_background(runner, jobs)
        if self.settings.record_mode == "none" and in_background:
            return
        dates: dict[str, str] = {}
        try:
            self.completions.update(
                runner.fetch_jobs(jobs, self._ask_shutdown_dates(runner, models, dates))
            )
            self.stale_exchanges.update(runner.stale_exchanges)
        except BaseException:
            # Ctrl-C or an exhausted quota: keep what finished, so the report shows it.
            self.completions.update(runner.fetched)
            raise
        finally:
            self._note_unsaved(runner.write_errors)
            self.shutdown_dates.update(dates)
        if self.settings.record_mode != "none":
            # Live grader calls of every case go out together once both answers are known.
            self._prefetch_grades(todo)

    def _ask_shutdown_dates(
        self, runner: Runner, models: list[str], into: dict[str, str]
    ) -> Callable[[], None] | None:
        """What asks the models list for shutdown dates, beside the cases' requests where
        it can be (`Runner.fetch_jobs`): on live runs, once. Azure has no such list: the
        price table's dates serve."""
        live = self.settings.record_mode != "none" and self.settings.azure is None
        if not live or self.shutdown_dates:
            return None
        from migrate_check.sending.shutdown_dates import shutdown_dates

        def ask() -> None:
            into.update(
                shutdown_dates(
                    models,
                    api_key=runner.api_key,
                    base_url=self.settings.base_url,
                    secrets=runner.secrets,
                )
            )

        return ask

    def _note_unsaved(self, errors: Sequence[tuple[Path, OSError]]) -> None:
        """Cassettes a full disk or read-only folder refused: one line naming path and cause.

        The answers were kept, so the items judge them and the reports show them.
        """
        if not errors or self.write_error:
            return
        path, exc = errors[0]
        more = f" (and {len(errors) - 1} more cassettes)" if len(errors) > 1 else ""
        self.write_error = (
            f"could not write the cassette {shown_path(path, self.settings.rootdir)}: "
            f"{exc.strerror or exc}{more}; the answers are in the report, record again once "
            "the folder is writable"
        )

    def _candidate_key(self, case: Case) -> tuple[str, str]:
        return (case.key, case.candidate_model(self.settings.pair))

    def _baseline_key(self, case: Case) -> tuple[str, str]:
        return (case.base_key, self.settings.pair.baseline)

    def _replay_in_background(self, runner: Runner, jobs: list[tuple[Case, str]]) -> bool:
        """Hand a large offline replay to a forked reader; False when that does not pay."""
        from migrate_check.sending import forked_replay

        cases = {case.key for case, _ in jobs}
        offline = self.settings.record_mode == "none"
        if not offline or len(cases) < forked_replay.MIN_CASES or not forked_replay.can_fork():
            return False
        self._background = forked_replay.BackgroundReplay(runner, jobs)
        self._in_background.update(cases)
        log.info("reading %d cases' cassettes in a second process", len(cases))
        return True

    # -- judging ------------------------------------------------------------------------
    def judge(self, case: Case, checks: list[Check]) -> CaseResult:
        """Judge one case with its prepared checks (fetching it first if the prefetch did not)."""
        from migrate_check.judging.engine import judge_case

        self.prefetch([case])
        if self._background is not None and case.key in self._in_background:
            self._in_background.discard(case.key)
            self.completions.update(self._background.take(case))
        candidate = self.completions.pop(self._candidate_key(case))
        baseline_key = self._baseline_key(case)
        baseline = self.completions[baseline_key]
        self._baseline_users[baseline_key] -= 1
        if self._baseline_users[baseline_key] <= 0:  # no variant of the case still needs it
            del self.completions[baseline_key], self._baseline_users[baseline_key]
        # (Counted at collection: on an xdist worker, items of one case arrive one by one,
        # and the baseline is kept, not asked again, until the last of them is judged.)
        replies = self._grades(case, checks, baseline, candidate)
        result = judge_case(case, baseline, candidate, checks, self.approvals, replies)
        if self.settings.accept:
            note = {
                "reason": self.settings.accept_reason,
                "approved_on": dt.date.today().isoformat(),
            }
            for check in result.checks:
                if not check.approved and check.outcome in self.accepted_outcomes:
                    check.approved = True
                    check.approval = dict(note)
        self.results[case.key] = result
        return result

    # -- grading (embedding, judge): the grader's calls, recorded beside the case's ------
    @property
    def grader(self) -> Grader:
        from migrate_check.sending.grading import Grader

        if self._grader is None:
            self._grader = Grader(self.settings.runner_settings(), self.record_hint)
        return self._grader

    def _grader_calls(
        self, checks: Iterable[Check], baseline: list[Completion], candidate: list[Completion]
    ) -> list[GraderCall]:
        from migrate_check.checks.graded import GradedCheck

        graded = [check for check in checks if isinstance(check, GradedCheck)]
        answers = [*baseline, *candidate]
        if not graded or not baseline or not candidate or any(c.error for c in answers):
            return []  # no check runs on a case whose call failed
        return [call for check in graded for call in check.grader_calls(baseline, candidate)]

    def _prefetch_grades(self, cases: Iterable[Case]) -> None:
        jobs = []
        for case in cases:
            baseline = self.completions.get(self._baseline_key(case), [])
            candidate = self.completions.get(self._candidate_key(case), [])
            try:
                checks = self._build_checks(case, self._display(case))
            except SuiteError:
                continue  # said at collection
            calls = self._grader_calls(checks, baseline, candidate)
            if calls:
                jobs.append((case, calls))
        if jobs:
            self.grader.fetch(jobs)
            self._note_unsaved(self.grader.write_errors)

    def _grades(
        self,
        case: Case,
        checks: list[Check],
        baseline: list[Completion],
        candidate: list[Completion],
    ) -> dict[str, GraderReply]:
        """The grader's answers for this case's graded checks (fetched now if not yet)."""
        calls = self._grader_calls(checks, baseline, candidate)
        if not calls:
            return {}
        if not self.grader.has(case, calls):
            self.grader.fetch([(case, calls)])
            self._note_unsaved(self.grader.write_errors)
        return self.grader.replies(case)

    @property
    def accepted_outcomes(self) -> frozenset[Outcome]:
        """What this accept run approves: changes, and regressions only when deliberate."""
        if self.settings.accept_regressions:
            return frozenset({Outcome.CHANGED, Outcome.REGRESSED})
        return frozenset({Outcome.CHANGED})

    def failing(self, result: CaseResult) -> bool:
        """Whether a judged case fails its test item under `--fail-on`."""
        return result.outcome in self.settings.failing

    def python_case_runner(self, suite: str, file: Path) -> Callable[..., CaseResult]:
        """A function that validates, fetches and judges a case written in Python."""
        from migrate_check.suites.loading import case_from_mapping

        def run_case(**mapping: Any) -> CaseResult:
            try:
                case = case_from_mapping(suite, mapping, file)
            except SuiteError as exc:
                raise ValueError(exc.message) from None
            if self.settings.samples is not None:
                case = replace(case, samples=self.settings.samples)
            return self.judge(case, self._build_checks(case, self._display(case)))

        return run_case

    # -- xdist --------------------------------------------------------------------------
    def worker_output(self) -> WorkerOutput:
        """What an xdist worker hands the controller: its judged cases and what it learnt."""
        return WorkerOutput(
            results=list(self.results.values()),
            collected_cases=self.collected_cases,
            collected_variants=dict(self.collected_variants),
            suite_files_seen=self.suite_files_seen,
            suite_files_collected=self.suite_files_collected,
            partial_notes=list(self.partial_notes),
            suite_cases=dict(self.suite_cases),
            suite_variants={suite: sorted(names) for suite, names in self.suite_variants.items()},
            stale_exchanges=dict(self.stale_exchanges),
            shutdown_dates=dict(self.shutdown_dates),
            write_error=self.write_error,
        )

    def merge_worker_output(self, output: WorkerOutput) -> None:
        """Take in one worker's share (the controller, once per worker)."""
        self.results.update((result.case.key, result) for result in output.results)
        # Every worker collects every suite; the items are then shared out among them.
        self.collected_cases = max(self.collected_cases, output.collected_cases)
        for name, count in output.collected_variants.items():
            self.collected_variants[name] = max(self.collected_variants[name], count)
        self.suite_files_seen = max(self.suite_files_seen, output.suite_files_seen)
        self.suite_files_collected = max(self.suite_files_collected, output.suite_files_collected)
        self.partial_notes += [n for n in output.partial_notes if n not in self.partial_notes]
        self.suite_cases.update(output.suite_cases)
        for suite, names in output.suite_variants.items():
            self.suite_variants.setdefault(suite, set()).update(names)
        self.stale_exchanges.update(output.stale_exchanges)
        self.shutdown_dates.update(output.shutdown_dates)
        self.write_error = self.write_error or output.write_error

    # -- finishing ----------------------------------------------------------------------
    def run_result(self) -> RunResult:
        cases = sorted(self.results.values(), key=lambda r: r.case.key)
        return RunResult(
            pair=self.settings.pair,
            cases=cases,
            record_mode=self.settings.record_mode,
            started_at=self.started_at,
            collected_cases=self.collected_cases,
            collected_variants=dict(self.collected_variants),
            partial_notes=tuple(self.partial_notes) + self._skipped_suite_files(),
        )

    def _skipped_suite_files(self) -> tuple[str, ...]:
        skipped = self.suite_files_seen - self.suite_files_collected
        if skipped <= 0:
            return ()
        return (f"{skipped} suite files were not read (--lf skips files without failures)",)

    def finish(self, interrupted: bool = False) -> int:
        """Make the run's report, save accepted approvals and write the report files (the
        controller only, once); the exit status the run's outcome calls for.

        1 when a file could not be written (the summary then says which), or when
        `--fail-on changed` meets a verdict other than GO that no failed item carries (a
        check broken in every case: REVIEW, though each item passed); else 0.
        """
        from migrate_check.report import write_reports

        if self._background is not None:
            self._background.close()
            self.stale_exchanges.update(self._background.stale_exchanges)
        if interrupted:
            self._judge_unjudged()
        run = self._with_stale_recordings(self.run_result())
        report = RunReport.build(
            run,
            self.settings.prices,
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            shutdown_dates=self.shutdown_dates,
            fail_on_changed=self.settings.fail_on == "changed",
            stale_note=self.stale_note,
        )
        try:
            report = self.report = replace(report, approvals=self._settle_approvals(report))
            if self.settings.write_reports:
                self.report_paths = write_reports(report, self.settings.report_dir)
        except OSError as exc:
            self.report = report
            where = f" {exc.filename}" if exc.filename else ""
            self.write_error = f"could not write{where}: {exc.strerror or exc}"
            return FAILED
        ran = [c.verdict for c in report.candidates if c.run.cases] or [report.verdict]
        strict = self.settings.fail_on == "changed" and any(v.decision != "GO" for v in ran)
        # A cassette that could not be written fails the run too.
        return FAILED if self.write_error is not None or strict else PASSED

    def _with_stale_recordings(self, run: RunResult) -> RunResult:
        """Find (and with `--prune-recordings` remove) recordings no current case uses."""
        from migrate_check.cassettes.stale import StaleRecordings, prune, stale_cassettes

        stale = StaleRecordings(
            stale_cassettes(self.settings.cassette_dir, self.suite_cases, self.suite_variants),
            dict(self.stale_exchanges),
        )
        if not stale:
            return run
        self.stale_note = stale.summary(pruned=self.settings.prune_recordings)
        if self.settings.prune_recordings:
            problems = prune(stale)
            if problems:
                self.write_error = self.write_error or problems[0]
        return replace(
            run,
            stale_cassettes=tuple(
                shown_path(p, self.settings.rootdir).as_posix() for p in stale.cassettes
            ),
            stale_exchanges=stale.exchange_count,
            stale_pruned=self.settings.prune_recordings,
        )

    def _settle_approvals(self, report: RunReport) -> Audit:
        """Sort the file's approvals into used, stale and unchecked; an accept run then drops
        the stale ones, records what it approved and saves the file."""
        from migrate_check.judging.approvals import Accepted, audit

        store, cases = self.approvals, report.all_cases
        found = audit(store, cases, complete=not report.aggregates.coverage.partial)
        if not self.settings.accept:
            return found
        store.remove(found.stale)
        added: dict[str, int] = {}
        for result in cases:
            for outcome in store.record(
                result, self.settings.accept_reason, dt.date.today(), self.accepted_outcomes
            ):
                added[outcome.value] = added.get(outcome.value, 0) + 1
        left = sum(
            1
            for result in cases
            for check in result.checks
            if check.outcome is Outcome.REGRESSED and not check.approved
        )
        replaced = sum(1 for s in found.stale if (s.case, s.check) in store)
        store.save(self.settings.approvals_file)
        accepted = Accepted(added, self.settings.accept_reason, len(found.stale) - replaced, left)
        return replace(found, accepted=accepted)

    def _judge_unjudged(self) -> None:
        """After an interrupt, judge the cases whose answers both arrived, for the report."""
        for key, case in self._fetched_cases.items():
            if key in self.results:
                continue
            both = (self._baseline_key(case), self._candidate_key(case))
            if all(answer in self.completions for answer in both):
                self.judge(case, self._build_checks(case, self._display(case)))

    def summary_lines(self) -> list[str]:
        """The terminal summary: verdict, counts per check, cost and latency, report paths."""
        from migrate_check.report import summary_lines

        error = [f"migrate-check: {self.write_error}"] if self.write_error else []
        if self.report is None or not self.report.all_cases:
            return error or ["no case was judged"]
        paths = [shown_path(p, self.settings.rootdir) for p in self.report_paths]
        return [*summary_lines(self.report, paths), *error]


def _refuse_colliding_ids(suite: Suite, display: Path) -> None:
    """Two case ids that map to one cassette folder would record over each other's answers
    (ids differing only in letter case collide on macOS and Windows)."""
    seen: dict[str, Case] = {}
    for case in suite.cases:
        first = seen.setdefault(file_key(case.id), case)
        if first is not case:
            raise SuiteError(
                display,
                case.line,
                f"case id {case.id!r} shares its cassette folder "
                f"{safe_name(case.id)!r} with case {first.id!r} (line {first.line}): "
                "ids must differ in more than letter case or characters a file name cannot "
                "hold; rename one",
                case.id,
            )
