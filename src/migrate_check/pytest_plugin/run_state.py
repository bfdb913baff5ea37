"""The state of one run, every field declared, and the collection of suites into it.

One `RunState` lives in `config.stash`; the pytest hooks hand it to plain modules that do
what hooks must not: `fetching` (each case's answers), `case_judging` (its verdict),
`finishing` (the report and the exit status) and `worker_transfer` (an xdist worker's
share). Loading a suite happens here, because it fills the run's bookkeeping: suite
names, case ids, variants, the folders put on `sys.path`.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from migrate_check.cassettes.paths import file_key, safe_name
from migrate_check.checks import Check, CheckConfigError, CheckRegistry
from migrate_check.core.case import Case
from migrate_check.core.completion import CompletionsByCase
from migrate_check.core.paths import shown_path
from migrate_check.core.results import CaseResult, Outcome
from migrate_check.judging.approvals import ApprovalStore
from migrate_check.pytest_plugin.settings import RunSettings
from migrate_check.report.run_report import RunReport
from migrate_check.suites.loading import load_suite
from migrate_check.suites.suite import Suite, SuiteError
from migrate_check.suites.variant_selection import VariantSelection

if TYPE_CHECKING:
    from migrate_check.sending.forked_replay import BackgroundReplay
    from migrate_check.sending.grading import Grader
    from migrate_check.sending.preflight import Preflight


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass
class RunState:
    """Run-wide state shared by the hooks of one pytest session."""

    settings: RunSettings
    #: The checks this run can use; the team's conftest adds its own through the hook.
    registry: CheckRegistry
    #: The approvals file as it was when the run started (`open` reads it).
    approvals: ApprovalStore
    #: The variants suites define and the ones `--variant` chose.
    variants: VariantSelection
    started_at: str = field(default_factory=_now, init=False)

    # -- collection (on xdist, every worker collects every suite) --------------------------
    #: Suite files found, and those whose cases were read: the others were not named on
    #: the command line, or `--lf` skipped them.
    suite_files_seen: int = field(default=0, init=False)
    suite_files_collected: int = field(default=0, init=False)
    #: The suite files found, in the order collection came across them.
    suite_paths_seen: list[Path] = field(default_factory=list, init=False)
    #: Cases in the suite files collected, and of each variant.
    collected_cases: int = field(default=0, init=False)
    collected_variants: Counter[str] = field(default_factory=Counter, init=False)
    #: Each collected suite's case ids, for finding stale recordings.
    suite_cases: dict[str, list[str]] = field(default_factory=dict, init=False)
    #: Each suite's file by its cassette folder name: two suites must not share one.
    suite_files_by_folder: dict[str, Path] = field(default_factory=dict, init=False)
    #: Each suite file's path as messages show it (worked out once per file).
    shown_files: dict[Path, Path] = field(default_factory=dict, init=False)
    #: Suite folders this run put on `sys.path`, for `close` to take off.
    added_to_sys_path: list[str] = field(default_factory=list, init=False)

    # -- answers (see `fetching`) ---------------------------------------------------------
    #: Answers fetched and not yet judged, by (case key, model).
    completions: CompletionsByCase = field(default_factory=dict, init=False)
    #: Every case a fetch was started for, by key: an interrupted run judges those
    #: whose answers both arrived.
    fetched_cases: dict[str, Case] = field(default_factory=dict, init=False)
    #: How many collected cases (a case and its variants) still need each baseline answer.
    baseline_users: Counter[tuple[str, str]] = field(default_factory=Counter, init=False)
    #: A forked reader replaying a large offline run, and the case keys it still holds.
    background: BackgroundReplay | None = field(default=None, init=False)
    in_background: set[str] = field(default_factory=set, init=False)
    #: Sends the graded checks' calls; made at the first case that has any.
    grader: Grader | None = field(default=None, init=False)
    #: The check before sending (a key, the host answering): made once, when needed.
    preflight: Preflight | None = field(default=None, init=False)
    #: Each model's shutdown date, from the models list of a live run.
    shutdown_dates: dict[str, str] = field(default_factory=dict, init=False)
    #: Replayed cassettes' exchanges that no current request matches.
    stale_exchanges: dict[Path, list[int]] = field(default_factory=dict, init=False)

    # -- verdicts and the report (see `case_judging`, `finishing`) ------------------------
    results: dict[str, CaseResult] = field(default_factory=dict, init=False)
    #: Why the report covers less than the suites hold (`-k`, `--lf`, unknown variants).
    partial_notes: list[str] = field(default_factory=list, init=False)
    #: A file the run could not write (a cassette, a report): the summary says which,
    #: and the run fails.
    write_error: str | None = field(default=None, init=False)
    #: The stale recordings' line in the summary ("" when none are stale).
    stale_note: str = field(default="", init=False)
    #: What the run found, once `finishing.finish_run` made it (None before, and on
    #: xdist workers).
    report: RunReport | None = field(default=None, init=False)
    report_paths: list[Path] = field(default_factory=list, init=False)
    #: Who accepts in this run and when (`signature`), worked out once.
    signed: tuple[str | None, str | None] | None = field(default=None, init=False)

    @classmethod
    def open(cls, settings: RunSettings, registry: CheckRegistry) -> RunState:
        """A run's state; `ApprovalsError` (a ValueError) names the approvals file's mistake."""
        approvals = ApprovalStore.load(settings.approvals_file)
        variants = VariantSelection(settings.rootdir, settings.ini_variants, settings.variants)
        return cls(settings, registry, approvals, variants)

    def signature(self) -> tuple[str | None, str | None]:
        """Who accepts in this run and when: every approval it adds says the same."""
        if self.signed is None:
            from migrate_check.judging.approver import approver, now_utc

            self.signed = (approver(self.settings.approved_by, self.settings.rootdir), now_utc())
        return self.signed

    def close(self) -> None:
        """Undo what the run changed in the process: the suite folders put on `sys.path`."""
        for folder in self.added_to_sys_path:
            if folder in sys.path:
                sys.path.remove(folder)
        self.added_to_sys_path.clear()

    # -- suites -------------------------------------------------------------------------
    def load_suite(self, file: Path) -> list[tuple[Case, list[Check]]]:
        """A suite's cases, each with its prepared checks: every mistake surfaces at
        collection, and judging reuses the checks built here."""
        display = shown_path(file, self.settings.rootdir)
        suite = load_suite(file, display)
        other = self.suite_files_by_folder.setdefault(file_key(suite.name), file)
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
        cases = self.variants.cases_of(suite)
        if self.settings.samples is not None:
            cases = [replace(c, samples=self.settings.samples) for c in cases]
        folder = str(file.parent.resolve())
        if folder not in sys.path:
            # Dotted paths in a suite (`downstream: myapp.triage:route`) import from beside it;
            # `close` takes the folder off again.
            sys.path.insert(0, folder)
            self.added_to_sys_path.append(folder)
        for case in cases:
            self.baseline_users[self.baseline_key(case)] += 1
        # A suite's checks are shared by its cases (the same specs): built once each here.
        built: dict[tuple[int, Path], Check] = {}
        return [(case, self.build_checks(case, display, built)) for case in cases]

    def note_unknown_variants(self) -> None:
        """Once collection is over: say which `--variant` names nothing collected defines."""
        note = self.variants.unknown_note()
        if note is not None and self.suite_files_collected:
            self.partial_notes.append(note)

    def note_unrun_suites(self, selected: Sequence[Path], last_failed: bool) -> None:
        """Once collection is over: name the suite files found and not run, and why.

        `selected`: the paths the command line named (files or folders), which collection
        walks down to, coming across the suite files beside them; `last_failed`: `--lf`
        was given, so a suite among those selected was skipped for having no failures.
        """
        read = {path.resolve() for path in self.suite_files_by_folder.values()}
        named = [path.resolve() for path in selected]
        beside: dict[Path, list[str]] = {}
        skipped: dict[Path, list[str]] = {}
        for path in dict.fromkeys(p.resolve() for p in self.suite_paths_seen):
            if path in read:
                continue
            chosen = any(path == n or n in path.parents for n in named)
            (skipped if chosen else beside).setdefault(path.parent, []).append(path.name)
        for folder, names in beside.items():
            shown = self._folder(folder)
            self.partial_notes.append(f"other suites in {shown} were not run: {_some(names)}")
        for folder, names in skipped.items():
            # Without --lf, no cause is known: only what happened is said.
            lf = " without failures last time" if last_failed else ""
            asks = ", as --lf asks" if last_failed else ""
            shown = self._folder(folder)
            self.partial_notes.append(f"suites in {shown}{lf} were not run{asks}: {_some(names)}")

    def _folder(self, folder: Path) -> str:
        shown = shown_path(folder, self.settings.rootdir)
        return "the rootdir" if shown == Path(".") else f"{shown.as_posix()}/"

    def display(self, case: Case) -> Path:
        """The suite's path as messages show it (resolved once per file, not per case)."""
        if case.file is None:
            return Path(case.suite)
        shown = self.shown_files.get(case.file)
        if shown is None:
            shown = self.shown_files[case.file] = shown_path(case.file, self.settings.rootdir)
        return shown

    def build_checks(
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

    # -- answers ------------------------------------------------------------------------
    def candidate_key(self, case: Case) -> tuple[str, str]:
        """Where `completions` keeps the case's candidate answers."""
        return (case.key, case.candidate_model(self.settings.pair))

    def baseline_key(self, case: Case) -> tuple[str, str]:
        """Where `completions` keeps the baseline answers the case and its variants share."""
        return (case.base_key, self.settings.pair.baseline)

    def note_unsaved(self, errors: Sequence[tuple[Path, OSError]]) -> None:
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

    # -- verdicts -----------------------------------------------------------------------
    @property
    def accepted_outcomes(self) -> frozenset[Outcome]:
        """What this accept run approves: changes, and regressions only when deliberate."""
        if self.settings.accept_regressions:
            return frozenset({Outcome.CHANGED, Outcome.REGRESSED})
        return frozenset({Outcome.CHANGED})

    def failing(self, result: CaseResult) -> bool:
        """Whether a judged case fails its test item under `--fail-on`."""
        return result.outcome in self.settings.failing


def _some(names: list[str], most: int = 3) -> str:
    """`a.yaml, b.yaml and 4 more`: a few names, sorted, and how many others."""
    names = sorted(names)
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


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
