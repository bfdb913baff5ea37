"""Collection: a suite file is a pytest `File`, each case one `Item` (the non-Python pattern)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from migrate_check.explain import failure_lines
from migrate_check.model import Case, CaseResult
from migrate_check.session import FAILING, RunState
from migrate_check.suite import SuiteError

run_state_key = pytest.StashKey[RunState]()


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
            suite = state.load_suite(self.path)
        except SuiteError as exc:
            raise self.CollectError(str(exc)) from None
        for case in suite.cases:
            yield CaseItem.from_parent(self, name=case.id, case=case)


class CaseItem(pytest.Item):
    """One case of a suite, run on both models and judged by its checks."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.result: CaseResult | None = None

    def runtest(self) -> None:
        state = self.config.stash[run_state_key]
        self.result = state.judge(self.case)
        if state.failing(self.result):
            raise CaseFailed(self.result)

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, CaseFailed):
            state = self.config.stash[run_state_key]
            failing = FAILING[state.settings.fail_on]
            return "\n".join(failure_lines(excinfo.value.result, failing))
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, max(self.case.line - 1, 0), f"case {self.case.key}"
