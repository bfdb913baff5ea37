"""Collection: a suite file is a pytest `File`, each case one `Item` (the non-Python pattern)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from migrate_check.checks import Check
from migrate_check.core.case import Case
from migrate_check.core.results import CaseResult
from migrate_check.pytest_plugin.case_judging import judge
from migrate_check.pytest_plugin.failure_text import failure_lines
from migrate_check.pytest_plugin.fetching import recorded_elsewhere
from migrate_check.pytest_plugin.run_state import RunState
from migrate_check.report.statuses import case_status, check_status
from migrate_check.suites.suite import SuiteError

run_state_key = pytest.StashKey[RunState]()
_froze_this_run_key = pytest.StashKey[bool]()

#: The item's `user_properties` (and so the JUnit XML's properties) carry the outcomes.
OUTCOME_PROPERTY = "migrate_check.outcome"
CHECK_PROPERTY_PREFIX = "migrate_check.check."
# How each outcome shows in pytest's progress line and in `-v`: letter, word and colour.
_OUTCOME_MARKS: dict[str, tuple[str, str, dict[str, bool]]] = {
    "same": (".", "PASSED", {"green": True}),
    "approved": ("A", "APPROVED", {"green": True}),
    "improved": ("I", "IMPROVED", {"green": True}),
    "changed": ("C", "CHANGED", {"yellow": True}),
    "broken": ("B", "BROKEN", {"yellow": True}),
    "regressed": ("R", "REGRESSED", {"red": True}),
    "error": ("E", "ERROR", {"red": True}),
}


def report_status(
    report: pytest.TestReport,
) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
    """A case's outcome in pytest's own terms (`pytest_report_teststatus`).

    The category stays pytest's `passed` or `failed`, so counts, `--lf` and `-x` keep
    their meaning; the letter and word say which outcome it was.
    """
    if report.when != "call":
        return None
    status = next((str(v) for n, v in report.user_properties if n == OUTCOME_PROPERTY), None)
    if status not in _OUTCOME_MARKS:
        return None
    letter, word, markup = _OUTCOME_MARKS[status]
    return ("failed" if report.failed else "passed"), letter, (word, markup)


class CaseFailed(Exception):
    """Raised by a case item whose judged result fails under `--fail-on`."""

    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.case.key)
        self.result = result


class SuiteFile(pytest.File):
    """A suite YAML file; collecting it validates the whole suite."""

    def collect(self) -> Iterator[CaseItem]:
        state = self.config.stash[run_state_key]
        try:
            cases = state.load_suite(self.path)
        except SuiteError as exc:
            raise self.CollectError(str(exc)) from None
        state.collected_cases += sum(1 for case, _ in cases if not case.variant)
        state.collected_variants.update(case.variant for case, _ in cases if case.variant)
        state.suite_files_collected += 1
        _freeze_until_the_end(self.config)
        for case, checks in cases:
            yield CaseItem.from_parent(self, name=case.name, case=case, checks=checks)


def _freeze_until_the_end(config: pytest.Config) -> None:
    """Everything alive now (a suite's cases and checks, the items before them) lives to
    the end of the run: frozen, the cyclic collector stops walking it at every full
    collection, pytest's two at exit included (at 2,000 cases, `--collect-only` spends
    0.02 s collecting instead of 0.19).

    Nothing is unfrozen at the end (that would cost exit a full walk); instead, a process
    that runs pytest again (pytester) unfreezes and collects what the earlier run froze
    when it collects its first suite, so the garbage cycles of at most one run wait. A
    process that froze objects itself, before any run, keeps them frozen.
    """
    if _froze_this_run_key not in config.stash:
        config.stash[_froze_this_run_key] = True
        if _frozen_by_a_run and gc.get_freeze_count():  # not what the process froze itself
            gc.unfreeze()
            gc.collect()
    gc.freeze()
    _frozen_by_a_run[:] = [True]


#: Whether a run in this process froze (a list: set without `global`).
_frozen_by_a_run: list[bool] = []


class CaseItem(pytest.Item):
    """One case of a suite, run on both models and judged by its checks."""

    def __init__(self, *, case: Case, checks: list[Check], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.checks = checks  # built once at collection
        self.result: CaseResult | None = None

    def runtest(self) -> None:
        state = self.config.stash[run_state_key]
        elsewhere = recorded_elsewhere(state.settings, self.case)
        if elsewhere is not None:
            pytest.skip(elsewhere)
        self.result = judge(state, self.case, self.checks)
        self.user_properties.append((OUTCOME_PROPERTY, case_status(self.result)))
        self.user_properties.extend(
            (CHECK_PROPERTY_PREFIX + check.check, check_status(check))
            for check in self.result.checks
        )
        if state.failing(self.result):
            raise CaseFailed(self.result)

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, CaseFailed):
            state = self.config.stash[run_state_key]
            return "\n".join(failure_lines(excinfo.value.result, state.settings.failing))
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, max(self.case.line - 1, 0), f"case {self.case.key}"
