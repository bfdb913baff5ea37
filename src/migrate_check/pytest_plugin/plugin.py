"""pytest wiring: options, collection of suite files, the run state, xdist and the summary.

Logic lives in plain modules (`run_state`, `fetching`, `case_judging`, `finishing`,
`worker_transfer`, and the stages below); this file only connects them to pytest's
hooks. Without `--model-pair` (or the ini `migrate_check_model_pair`) it does nothing
but say, when it sees suite files, how to run them.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

from migrate_check.checks import CheckConfigError, CheckRegistry
from migrate_check.core.paths import shown_path
from migrate_check.pytest_plugin.case_judging import python_case_runner
from migrate_check.pytest_plugin.fetching import prefetch
from migrate_check.pytest_plugin.finishing import finish_run, summary_lines
from migrate_check.pytest_plugin.first_contact import how_to_run, small_suite
from migrate_check.pytest_plugin.hookspecs import deprecated_register_check
from migrate_check.pytest_plugin.items import (
    CaseItem,
    SuiteFile,
    report_status,
    run_state_key,
)
from migrate_check.pytest_plugin.option_table import PAIR_INI
from migrate_check.pytest_plugin.options import add_options, add_record_mode, settings_from
from migrate_check.pytest_plugin.run_state import RunState
from migrate_check.pytest_plugin.worker_transfer import (
    WorkerOutput,
    merge_worker_output,
    worker_output,
)
from migrate_check.suites.loading import sniff_suite

WORKER_OUTPUT_KEY = "migrate_check_results"
UNPAIRED_OUTPUT_KEY = "migrate_check_unpaired_suite"
# Without a model pair: the first suite file collection passed over, to say how to run it.
unpaired_suite_key = pytest.StashKey[str]()


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    recording = not pluginmanager.is_blocked("recording") and bool(
        importlib.util.find_spec("pytest_recording")
    )
    add_options(parser, record_mode_elsewhere=recording)


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(parser: pytest.Parser) -> Generator[None]:
    """With pytest-recording installed, `--record-mode` waits until every plugin and initial
    conftest has added its options: pytest-recording fails when its own comes second."""
    try:
        return (yield)
    finally:
        add_record_mode(parser)  # no-op when pytest-recording (or we) already added it


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from migrate_check.pytest_plugin import hookspecs as hooks

    pluginmanager.add_hookspecs(hooks)


def pytest_configure(config: pytest.Config) -> None:
    settings = settings_from(config)
    if settings is None:
        return
    try:
        registry = CheckRegistry()
    except CheckConfigError as exc:
        raise pytest.UsageError(f"migrate-check checks: {exc}") from None
    try:
        state = RunState.open(settings, registry)
    except ValueError as exc:
        raise pytest.UsageError(f"migrate-check approvals: {exc}") from None
    config.stash[run_state_key] = state
    config.hook.pytest_migrate_check_configure(
        config=config,
        registry=registry,
        register_check=deprecated_register_check(config, registry),
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(run_state_key, None)
    if state is not None:
        state.close()


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Never look for suites among cassettes or reports (they are YAML too)."""
    state = config.stash.get(run_state_key, None)
    if state is not None and collection_path in state.settings.owned_dirs:
        return True
    return None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> SuiteFile | None:
    config = parent.config
    if run_state_key not in config.stash:
        if unpaired_suite_key not in config.stash and small_suite(file_path):
            config.stash[unpaired_suite_key] = os.path.relpath(
                file_path, config.invocation_params.dir
            )
        return None
    state = config.stash[run_state_key]
    sniffed = sniff_suite(file_path)
    if sniffed.unread is not None:  # never passed over silently: the summary names it
        shown = shown_path(file_path, state.settings.rootdir)
        state.partial_notes.append(f"{shown} was not read: {sniffed.unread}")
    if not sniffed.suite:
        return None
    state.suite_files_seen += 1
    state.suite_paths_seen.append(file_path)
    return SuiteFile.from_parent(parent, path=file_path)


def pytest_collection_finish(session: pytest.Session) -> None:
    state = session.config.stash.get(run_state_key, None)
    if state is not None and not _is_xdist_controller(session.config):
        state.note_unknown_variants()
        here = session.config.invocation_params.dir
        selected = [here / arg.split("::", 1)[0] for arg in session.config.args]
        state.note_unrun_suites(selected, last_failed=bool(session.config.getoption("lf", False)))


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
    from migrate_check.sending.pacing import QuotaExhausted

    try:
        prefetch(state, cases)
    except QuotaExhausted as exc:
        pytest.exit(f"migrate-check: {exc}", returncode=pytest.ExitCode.INTERRUPTED)


def pytest_report_teststatus(
    report: pytest.TestReport, config: pytest.Config
) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
    return report_status(report)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: unknown when xdist is not installed
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: merge what a worker judged."""
    state = node.config.stash.get(run_state_key, None)
    output = getattr(node, "workeroutput", {}) or {}
    if state is not None and WORKER_OUTPUT_KEY in output:
        merge_worker_output(state, WorkerOutput.from_dict(output[WORKER_OUTPUT_KEY]))
    if UNPAIRED_OUTPUT_KEY in output:
        node.config.stash.setdefault(unpaired_suite_key, output[UNPAIRED_OUTPUT_KEY])


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    state = config.stash.get(run_state_key, None)
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None and unpaired_suite_key in config.stash:
        workeroutput[UNPAIRED_OUTPUT_KEY] = config.stash[unpaired_suite_key]
    if state is None or config.option.collectonly:
        return
    if workeroutput is not None:
        workeroutput[WORKER_OUTPUT_KEY] = worker_output(state).as_dict()
        return
    status = finish_run(state, interrupted=exitstatus == pytest.ExitCode.INTERRUPTED)
    session.exitstatus = max(int(session.exitstatus), status)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    state = config.stash.get(run_state_key, None)
    if hasattr(config, "workerinput") or config.option.collectonly:
        return
    if state is None:
        if unpaired_suite_key in config.stash:
            suite = config.stash[unpaired_suite_key]
            terminalreporter.write_line(how_to_run(suite, config.invocation_params.args))
        return
    terminalreporter.section("migrate-check")
    for line in summary_lines(state):
        terminalreporter.write_line(line)


@pytest.fixture
def migrate_check_case(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """Run a case written in Python: `migrate_check_case(id=..., messages=[...], checks=[...])`.

    Returns the judged `CaseResult`; it joins the run's report like a YAML case.
    """
    state = request.config.stash.get(run_state_key, None)
    if state is None:
        pytest.skip(
            "migrate_check_case needs a model pair: pass --model-pair BASELINE:CANDIDATE "
            f"or set {PAIR_INI} in the ini file"
        )
    suite = Path(request.node.path).stem
    return python_case_runner(state, suite, Path(request.node.path))
