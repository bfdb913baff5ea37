"""pytest wiring: options, collection of suite files, the run state, xdist and the summary.

Logic lives in plain modules (suite, runner, engine, report); this file only connects
them to pytest's hooks. Without `--model-pair` (or the ini `migrate_check_model_pair`) it
does nothing but say, when it sees suite files, how to run them.
"""

from __future__ import annotations

import importlib.util
import os
import shlex
from collections.abc import Callable, Generator
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
from migrate_check.pytest_options import PAIR_INI, add_options, add_record_mode, settings_from
from migrate_check.session import RunState
from migrate_check.suite import looks_like_suite

WORKER_OUTPUT_KEY = "migrate_check_results"
UNPAIRED_OUTPUT_KEY = "migrate_check_unpaired_suite"
# Without a model pair: the first suite file collection passed over, to say how to run it.
unpaired_suite_key = pytest.StashKey[str]()
UNPAIRED_PEEK_BYTES = 64 * 1024


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
    state.partial_notes += selection_notes(config)
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
    if state is not None and collection_path in state.settings.owned_dirs:
        return True
    return None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> SuiteFile | None:
    config = parent.config
    if run_state_key not in config.stash:
        if unpaired_suite_key not in config.stash and _small_suite(file_path):
            config.stash[unpaired_suite_key] = os.path.relpath(
                file_path, config.invocation_params.dir
            )
        return None
    if not looks_like_suite(file_path):
        return None
    config.stash[run_state_key].suite_files_seen += 1
    return SuiteFile.from_parent(parent, path=file_path)


def _small_suite(file_path: Path) -> bool:
    """A suite file, among YAML files small enough to peek at on every run without a pair
    (large ones are mostly cassettes; one small suite is enough for the hint)."""
    if file_path.suffix not in (".yaml", ".yml"):
        return False
    try:
        small = file_path.stat().st_size <= UNPAIRED_PEEK_BYTES
    except OSError:
        return False
    return small and looks_like_suite(file_path)


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
        state.merge_worker_results(output[WORKER_OUTPUT_KEY])
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
        workeroutput[WORKER_OUTPUT_KEY] = state.worker_results()
        return
    if not state.finish(interrupted=exitstatus == pytest.ExitCode.INTERRUPTED):
        session.exitstatus = max(int(session.exitstatus), pytest.ExitCode.TESTS_FAILED)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    state = config.stash.get(run_state_key, None)
    if hasattr(config, "workerinput") or config.option.collectonly:
        return
    if state is None:
        if unpaired_suite_key in config.stash:
            terminalreporter.write_line(_how_to_run(config, config.stash[unpaired_suite_key]))
        return
    terminalreporter.section("migrate-check")
    for line in state.summary_lines():
        terminalreporter.write_line(line)


def _how_to_run(config: pytest.Config, suite: str) -> str:
    command = shlex.join(
        ["pytest", "--model-pair", "BASELINE:CANDIDATE", *config.invocation_params.args]
    )
    return f"migrate-check: prompt suites such as {suite} run only with a model pair: {command}"


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
    return state.python_case_runner(suite, Path(request.node.path))
