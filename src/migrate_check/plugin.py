"""pytest wiring: options, collection of suite files, the run state, xdist and the summary.

Logic lives in plain modules (suite, runner, engine, report); this file only connects
them to pytest's hooks. Without `--model-pair` (or the ini `model_pair`) it does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from migrate_check.items import (
    CaseItem,
    SuiteFile,
    report_status,
    run_state_key,
    selection_notes,
)
from migrate_check.options import PAIR_INI, add_options, add_record_mode, settings_from
from migrate_check.session import RunState
from migrate_check.suite import looks_like_suite

WORKER_OUTPUT_KEY = "migrate_check_results"


@pytest.hookimpl(trylast=True)  # after pytest-recording, whose --record-mode we then share
def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from migrate_check import hooks

    pluginmanager.add_hookspecs(hooks)


def pytest_configure(config: pytest.Config) -> None:
    settings = settings_from(config)
    if settings is None:
        return
    state = RunState(settings)
    try:
        state.load_approvals()
    except ValueError as exc:
        raise pytest.UsageError(f"migrate-check approvals: {exc}") from None
    config.stash[run_state_key] = state
    config.hook.pytest_migrate_check_configure(config=config, register_check=_register_check())


def pytest_unconfigure(config: pytest.Config) -> None:
    if run_state_key in config.stash:
        from migrate_check.checks import forget_team_checks

        forget_team_checks()  # a later session in this process registers its own again


def _register_check() -> Callable[[Any], Any]:
    from migrate_check.checks import register_check

    return register_check


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Never look for suites among cassettes or reports (they are YAML too)."""
    state = config.stash.get(run_state_key, None)
    state.partial_notes += selection_notes(config)
    if state is not None and collection_path in state.settings.owned_dirs:
        return True
    return None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> SuiteFile | None:
    if run_state_key not in parent.config.stash or not looks_like_suite(file_path):
        return None
    return SuiteFile.from_parent(parent, path=file_path)


def _is_xdist_controller(config: pytest.Config) -> bool:
    return getattr(config.option, "dist", "no") != "no" and not hasattr(config, "workerinput")


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    config = session.config
    state = config.stash.get(run_state_key, None)
    if state is None or config.option.collectonly or _is_xdist_controller(config):
        return
    if session.testsfailed and not config.option.continue_on_collection_errors:
        return  # pytest stops for the collection errors: send no request
    cases = [item.case for item in session.items if isinstance(item, CaseItem)]
    if hasattr(config, "workerinput"):
        return  # an xdist worker fetches lazily: it runs only the items sent to it
    from migrate_check.runner import QuotaExhausted

    try:
        state.prefetch(cases)
    except QuotaExhausted as exc:
        pytest.exit(f"migrate-check: {exc}", returncode=pytest.ExitCode.INTERRUPTED)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: unknown when xdist is not installed
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: merge what a worker judged."""
    state = node.config.stash.get(run_state_key, None)
    output = getattr(node, "workeroutput", {}) or {}
    if state is not None and WORKER_OUTPUT_KEY in output:
        state.merge_worker_results(output[WORKER_OUTPUT_KEY])


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    state = config.stash.get(run_state_key, None)
    if state is None or config.option.collectonly:
        return
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[WORKER_OUTPUT_KEY] = state.worker_results()
        return
    if not state.finish(interrupted=exitstatus == pytest.ExitCode.INTERRUPTED):
        session.exitstatus = max(int(session.exitstatus), pytest.ExitCode.TESTS_FAILED)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    state = config.stash.get(run_state_key, None)
    if state is None or hasattr(config, "workerinput") or config.option.collectonly:
        return
    terminalreporter.section("migrate-check")
    for line in state.summary_lines():
        terminalreporter.write_line(line)


@pytest.fixture
def migrate_check_case(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """Run a case written in Python: `migrate_check_case(id=..., messages=[...], checks=[...])`.

    Returns the judged `CaseResult`; it joins the run's report like a YAML case.
def pytest_report_teststatus(
    report: pytest.TestReport, config: pytest.Config
) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
    return report_status(report)


    """
    state = request.config.stash.get(run_state_key, None)
    if state is None:
        raise pytest.UsageError(
            "the migrate_check_case fixture needs a model pair: "
            "pass --model-pair BASELINE:CANDIDATE or set the ini option model_pair"
        )
    suite = Path(request.node.path).stem
    return state.python_case_runner(suite, Path(request.node.path))
