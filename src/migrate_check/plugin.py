"""pytest wiring: options, collection of suite files, the run state, xdist and the summary.

Logic lives in plain modules (suite, runner, engine, report); this file only connects
them to pytest's hooks. Without `--model-pair` (or the ini `model_pair`) it does nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from migrate_check.items import CaseItem, SuiteFile, run_state_key
from migrate_check.recording import RECORD_MODES
from migrate_check.session import (
    FAIL_ON,
    ModelPairError,
    RunSettings,
    RunState,
    load_prices,
    parse_model_pair,
)
from migrate_check.suite import looks_like_suite

WORKER_OUTPUT_KEY = "migrate_check_results"


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("migrate-check", "migrate-check: compare two models on prompt suites")
    group.addoption(
        "--model-pair",
        metavar="BASELINE:CANDIDATE",
        help="Compare the two models on the suite files given, e.g. gpt-4o-mini:gpt-4.1-mini",
    )
    # pytest-recording may have registered the same option, with the same words and meanings.
    with contextlib.suppress(ValueError):
        group.addoption(
            "--record-mode",
            choices=RECORD_MODES,
            default=None,
            help="vcrpy record mode for cassettes; default 'none' never touches the network",
        )
    group.addoption(
        "--cassette-dir", metavar="DIR", help="Where cassettes live (default: cassettes)"
    )
    group.addoption(
        "--report-dir",
        metavar="DIR",
        help="Where reports are written (default: migrate-check-report)",
    )
    group.addoption(
        "--fail-on",
        choices=FAIL_ON,
        default=None,
        help="Fail a case on 'regressed' (and error, the default) or also on 'changed'",
    )
    group.addoption(
        "--samples",
        type=_positive_int,
        metavar="N",
        help="Sample each model N times per case to measure the noise floor",
    )
    group.addoption(
        "--concurrency",
        type=_positive_int,
        metavar="N",
        help="Requests in flight per model when recording or running live (default 8)",
    )
    group.addoption(
        "--max-retries",
        type=int,
        metavar="N",
        help="Retries of a failed live request, honouring retry-after (default 4)",
    )
    group.addoption(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="Seconds to wait for one live answer (default 60)",
    )
    group.addoption(
        "--accept",
        action="store_true",
        default=False,
        help="Approve the current changed and regressed results into the approvals file",
    )
    group.addoption("--accept-reason", metavar="TEXT", help="Why the accepted changes are fine")
    group.addoption(
        "--approvals", metavar="FILE", help="Approvals file (default: migrate-check-approvals.yaml)"
    )
    group.addoption(
        "--prices", metavar="FILE", help="A price table (JSON) overriding the shipped one"
    )
    group.addoption(
        "--no-report",
        action="store_true",
        default=False,
        help="Do not write the JSON, Markdown and HTML reports",
    )
    parser.addini(
        "model_pair", "Models compared when --model-pair is not given (BASELINE:CANDIDATE)"
    )
    parser.addini("migrate_check_cassette_dir", "Where cassettes live", default="cassettes")
    parser.addini("migrate_check_report_dir", "Where reports go", default="migrate-check-report")
    parser.addini(
        "migrate_check_approvals", "Approvals file", default="migrate-check-approvals.yaml"
    )
    parser.addini("migrate_check_prices", "A price table (JSON) overriding the shipped one")
    parser.addini("migrate_check_record_mode", "Default record mode", default="none")
    parser.addini(
        "migrate_check_price_overrides",
        "Prices per 1M tokens, one 'model = input/cached_input/output' a line",
        type="linelist",
        default=[],
    )


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from migrate_check import hooks

    pluginmanager.add_hookspecs(hooks)


def _path_option(config: pytest.Config, option: str, ini: str) -> Path:
    value = config.getoption(option) or config.getini(ini)
    path = Path(value)
    return path if path.is_absolute() else config.rootpath / path


def pytest_configure(config: pytest.Config) -> None:
    pair_text = config.getoption("model_pair") or config.getini("model_pair")
    if not pair_text:
        return
    try:
        pair = parse_model_pair(pair_text)
    except ModelPairError as exc:
        raise pytest.UsageError(f"--model-pair: {exc}") from None
    record_mode = config.getoption("record_mode") or config.getini("migrate_check_record_mode")
    record_mode = "all" if record_mode == "rewrite" else record_mode  # pytest-recording's word
    if record_mode not in RECORD_MODES:
        raise pytest.UsageError(
            f"migrate_check_record_mode: {record_mode!r} is not one of {', '.join(RECORD_MODES)}"
        )
    prices_file = config.getoption("prices") or config.getini("migrate_check_prices")
    try:
        prices = load_prices(
            Path(prices_file) if prices_file else None,
            config.getini("migrate_check_price_overrides"),
        )
    except ValueError as exc:
        raise pytest.UsageError(f"migrate-check prices: {exc}") from None
    settings = RunSettings(
        pair=pair,
        rootdir=config.rootpath,
        record_mode=record_mode,
        cassette_dir=_path_option(config, "cassette_dir", "migrate_check_cassette_dir"),
        report_dir=_path_option(config, "report_dir", "migrate_check_report_dir"),
        fail_on=config.getoption("fail_on") or "regressed",
        samples=config.getoption("samples"),
        concurrency=config.getoption("concurrency") or 8,
        max_retries=_max_retries(config.getoption("max_retries")),
        timeout_s=_timeout(config.getoption("timeout")),
        approvals_file=_path_option(config, "approvals", "migrate_check_approvals"),
        accept=config.getoption("accept"),
        accept_reason=config.getoption("accept_reason"),
        prices=prices,
        base_url=os.environ.get("OPENAI_BASE_URL") or None,
        write_reports=not config.getoption("no_report"),
    )
    state = RunState(settings)
    try:
        state.load_approvals()
    except ValueError as exc:
        raise pytest.UsageError(f"migrate-check approvals: {exc}") from None
    config.stash[run_state_key] = state
    config.hook.pytest_migrate_check_configure(config=config, register_check=_register_check())


def _max_retries(value: int | None) -> int:
    if value is None:
        return 4
    if value < 0:
        raise pytest.UsageError(f"--max-retries: {value!r} must be 0 or more")
    return value


def _timeout(value: float | None) -> float:
    from migrate_check.runner import timeout_from_env

    if value is None:
        return timeout_from_env()
    if not 0 < value < float("inf"):
        raise pytest.UsageError(f"--timeout: {value!r} must be a positive number of seconds")
    return value


def _register_check() -> Callable[[Any], Any]:
    from migrate_check.checks import register_check

    return register_check


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
    state.finish()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
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
    """
    state = request.config.stash.get(run_state_key, None)
    if state is None:
        raise pytest.UsageError(
            "the migrate_check_case fixture needs a model pair: "
            "pass --model-pair BASELINE:CANDIDATE or set the ini option model_pair"
        )
    suite = Path(request.node.path).stem
    return state.python_case_runner(suite, Path(request.node.path))
