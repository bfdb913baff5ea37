"""Command-line and ini options, and turning them into one `RunSettings`.

Every value is read through `getoption` and `getini`, once; defaults come from
`defaults.py`. Paths follow pytest's convention: a path typed on the command line is
relative to where pytest was started, an ini path to the rootdir.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from migrate_check.cassettes.recording import RECORD_MODES
from migrate_check.core.defaults import (
    DEFAULT_APPROVALS,
    DEFAULT_BATCH_POLL_S,
    DEFAULT_BATCH_WAIT_S,
    DEFAULT_CASSETTE_DIR,
    DEFAULT_CONCURRENCY,
    DEFAULT_FAIL_ON,
    DEFAULT_MAX_RETRIES,
    DEFAULT_RECORD_MODE,
    DEFAULT_REPORT_DIR,
    DEFAULT_TIMEOUT_S,
    TIMEOUT_ENV,
)
from migrate_check.core.pricing import load_prices
from migrate_check.pytest_plugin.settings import (
    FAIL_ON,
    ModelPairError,
    RunSettings,
    parse_model_pair,
)
from migrate_check.sending.azure import AzureSettingsError, azure_target, parse_models


def _whole_number(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} must be at least {minimum}")
        return value

    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number of seconds")
    return value


GROUP = "migrate-check"
GROUP_TITLE = "migrate-check: compare two models on prompt suites"
RECORD_MODE_HELP = (
    "Record mode for cassettes, in vcrpy's words; default 'none' never touches the network"
)
PAIR_INI = "migrate_check_model_pair"
OLD_PAIR_INI = "model_pair"  # the first name of PAIR_INI, still read


def add_options(parser: pytest.Parser, *, record_mode_elsewhere: bool = False) -> None:
    """The `migrate-check` option group and its ini options.

    `record_mode_elsewhere`: pytest-recording is expected to add `--record-mode`, so this
    leaves it to `add_record_mode` later, and the group's title says where `pytest --help`
    lists it.
    """
    title = GROUP_TITLE
    if record_mode_elsewhere:
        title += " (also --record-mode, listed under recording)"
    group = parser.getgroup(GROUP, title)
    group.addoption(
        "--model-pair",
        metavar="BASELINE:CANDIDATE",
        help="Compare the two models on the suite files given, e.g. gpt-4o-mini:gpt-4.1-mini",
    )
    if not record_mode_elsewhere:
        add_record_mode(parser)
    group.addoption(
        "--cassette-dir",
        metavar="DIR",
        help=f"Where cassettes live (default: {DEFAULT_CASSETTE_DIR})",
    )
    group.addoption(
        "--report-dir",
        metavar="DIR",
        help=f"Where reports are written (default: {DEFAULT_REPORT_DIR})",
    )
    group.addoption(
        "--fail-on",
        choices=FAIL_ON,
        default=None,
        help="Fail a case on 'regressed' (and error, the default) or also on 'changed'",
    )
    group.addoption(
        "--samples",
        type=_whole_number(1),
        metavar="N",
        help="Sample each model N times per case to measure the noise floor",
    )
    group.addoption(
        "--concurrency",
        type=_whole_number(1),
        metavar="N",
        help=f"Requests in flight per model when recording (default {DEFAULT_CONCURRENCY})",
    )
    group.addoption(
        "--record-processes",
        type=_whole_number(1),
        metavar="N",
        help="Processes a live recording is spread over, sharing each model's --concurrency "
        "and rate limits (default: one per core once each gets 100 requests; 1: none)",
    )
    group.addoption(
        "--max-retries",
        type=_whole_number(0),
        metavar="N",
        help=f"Retries of a failed live request, honouring retry-after "
        f"(default {DEFAULT_MAX_RETRIES})",
    )
    group.addoption(
        "--request-timeout",
        type=_seconds,
        metavar="SECONDS",
        help=f"Seconds to wait for one live answer (default {DEFAULT_TIMEOUT_S:g}, "
        f"or ${TIMEOUT_ENV})",
    )
    group.addoption(
        "--accept",
        action="store_true",
        default=False,
        help="Approve the current changed results into the approvals file (regressions too, "
        "given --accept-reason)",
    )
    group.addoption(
        "--accept-reason",
        metavar="TEXT",
        help="Why the accepted results are fine, shown in the reports; required to approve "
        "regressions",
    )
    group.addoption(
        "--approvals", metavar="FILE", help=f"Approvals file (default: {DEFAULT_APPROVALS})"
    )
    group.addoption(
        "--prices", metavar="FILE", help="A price table (JSON) overriding the shipped one"
    )
    group.addoption(
        "--record-baseline",
        action="store_true",
        default=False,
        help="Record the pair's baseline also for cases imported as recorded with another model",
    )
    group.addoption(
        "--variant",
        action="append",
        metavar="NAME[,NAME]",
        help="Judge only these named candidate variants (a suite's 'variants:' or the ini's "
        "migrate_check_variants) beside the pair's candidate; default: every one defined",
    )
    group.addoption(
        "--prune-recordings",
        action="store_true",
        default=False,
        help="Remove stale recordings: cassettes of cases no suite has, and exchanges that "
        "no current request matches",
    )
    group.addoption(
        "--batch",
        action="store_true",
        default=False,
        help="Record the missing exchanges through the Batch API (half price, a day's "
        "window) instead of live calls; with a --record-mode that records",
    )
    group.addoption(
        "--batch-poll",
        type=_seconds,
        metavar="SECONDS",
        help=f"Seconds between polls of running batches (default {DEFAULT_BATCH_POLL_S:g})",
    )
    group.addoption(
        "--batch-wait",
        type=_seconds,
        metavar="SECONDS",
        help="Stop waiting for batches after SECONDS, leaving them to a later --batch run "
        f"(default {DEFAULT_BATCH_WAIT_S:g})",
    )
    group.addoption(
        "--no-report",
        action="store_true",
        default=False,
        help="Do not write the JSON, Markdown and HTML reports",
    )
    parser.addini(PAIR_INI, "Models compared when --model-pair is not given (BASELINE:CANDIDATE)")
    parser.addini(OLD_PAIR_INI, f"Former name of {PAIR_INI}, still read")
    parser.addini(
        "migrate_check_cassette_dir", "Where cassettes live", default=DEFAULT_CASSETTE_DIR
    )
    parser.addini("migrate_check_report_dir", "Where reports go", default=DEFAULT_REPORT_DIR)
    parser.addini("migrate_check_approvals", "Approvals file", default=DEFAULT_APPROVALS)
    parser.addini("migrate_check_prices", "A price table (JSON) overriding the shipped one")
    parser.addini("migrate_check_record_mode", "Default record mode", default=DEFAULT_RECORD_MODE)
    parser.addini(
        "migrate_check_request_timeout", "Seconds to wait for one live answer", default=""
    )
    parser.addini("migrate_check_batch", "Record through the Batch API (as --batch)", type="bool")
    parser.addini("migrate_check_batch_poll", "Seconds between polls of batches", default="")
    parser.addini("migrate_check_batch_wait", "Seconds to wait for batches", default="")
    parser.addini(
        "migrate_check_azure_models",
        "What model each deployment in the pair stands for, one 'deployment = model' a line",
        type="linelist",
        default=[],
    )
    parser.addini(
        "migrate_check_variants",
        "Candidate variants for every suite, one 'name = model' a line (e.g. nano = gpt-4.1-nano)",
        type="linelist",
        default=[],
    )
    parser.addini(
        "migrate_check_price_overrides",
        "Prices per 1M tokens, one 'model = input/cached_input/output' a line",
        type="linelist",
        default=[],
    )


def add_record_mode(parser: pytest.Parser) -> bool:
    """Add `--record-mode` to the group unless another plugin has it; True if added.

    pytest-recording registers the same option, with the same words and meanings, and
    fails if it comes second; so this runs after every plugin and initial conftest has
    added its options, and leaves theirs to serve both.
    """
    try:
        parser.getgroup(GROUP).addoption(
            "--record-mode", choices=RECORD_MODES, default=None, help=RECORD_MODE_HELP
        )
    except ValueError:
        return False
    return True


def _path(config: pytest.Config, option: str, ini: str) -> Path | None:
    """A command-line path from the invocation folder, else an ini path from the rootdir."""
    given = config.getoption(option)
    if given:
        return config.invocation_params.dir / str(given)
    value = config.getini(ini)
    return config.rootpath / str(value) if value else None


def _record_mode(config: pytest.Config) -> str:
    # Resolved through getoption only, so addopts and PYTEST_ADDOPTS count like the command
    # line. Ours defaults to None (not given: the ini decides). pytest-recording's own
    # `--record-mode`, when it owns the flag, defaults to "none", which then cannot be told
    # from a given "none": the ini decides there too.
    given = config.getoption("record_mode", None)
    recording_owns_flag = config.pluginmanager.hasplugin("recording")
    if given is None or (given == "none" and recording_owns_flag):
        mode = config.getini("migrate_check_record_mode") or DEFAULT_RECORD_MODE
    else:
        mode = str(given)
    mode = "all" if mode == "rewrite" else mode  # pytest-recording's word for it
    if mode not in RECORD_MODES:
        raise pytest.UsageError(
            f"migrate_check_record_mode: {mode!r} is not one of {', '.join(RECORD_MODES)}"
        )
    return mode


def _timeout(config: pytest.Config) -> float:
    given: float | None = config.getoption("request_timeout")
    if given is not None:
        return given
    for source, text in (
        ("migrate_check_request_timeout", config.getini("migrate_check_request_timeout")),
        (TIMEOUT_ENV, os.environ.get(TIMEOUT_ENV, "")),
    ):
        if text:
            try:
                return _seconds(text)
            except argparse.ArgumentTypeError as exc:
                raise pytest.UsageError(f"{source}: {exc}") from None
    return DEFAULT_TIMEOUT_S


def _ini_seconds(config: pytest.Config, option: str, ini: str, default: float) -> float:
    given: float | None = config.getoption(option)
    if given is not None:
        return given
    text = config.getini(ini)
    if not text:
        return default
    try:
        return _seconds(text)
    except argparse.ArgumentTypeError as exc:
        raise pytest.UsageError(f"{ini}: {exc}") from None


def _batch(config: pytest.Config, record_mode: str) -> bool:
    """Whether to record through batches: `--batch` needs a record mode that records; the
    ini's `migrate_check_batch` applies only when one does (CI replays stay offline)."""
    if config.getoption("batch"):
        if record_mode == "none":
            raise pytest.UsageError(
                "--batch records through the Batch API: add --record-mode once (or "
                "new_episodes, all)"
            )
        return True
    return bool(config.getini("migrate_check_batch")) and record_mode != "none"


def settings_from(config: pytest.Config) -> RunSettings | None:
    """The run's settings, or None without a model pair; mistakes are `UsageError`s."""
    pair_text = (
        config.getoption("model_pair") or config.getini(PAIR_INI) or config.getini(OLD_PAIR_INI)
    )
    if not pair_text:
        return None
    try:
        pair = parse_model_pair(pair_text)
    except ModelPairError as exc:
        if config.getoption("model_pair"):
            given = "--model-pair"
        else:
            given = PAIR_INI if config.getini(PAIR_INI) else OLD_PAIR_INI
        raise pytest.UsageError(f"{given}: {exc}") from None
    accept = config.getoption("accept")
    reason = config.getoption("accept_reason")
    if reason is not None and not accept:
        raise pytest.UsageError(
            "--accept-reason goes with --accept: add --accept to approve with this reason"
        )
    if reason is not None and not reason.strip():
        raise pytest.UsageError(
            "--accept-reason is empty: say why the results are fine, e.g. --accept-reason "
            '"refunds now go to billing", or leave it out to approve changes only'
        )
    try:
        prices = load_prices(
            _path(config, "prices", "migrate_check_prices"),
            config.getini("migrate_check_price_overrides"),
        )
    except ValueError as exc:
        raise pytest.UsageError(f"migrate-check prices: {exc}") from None
    retries = config.getoption("max_retries")
    record_mode = _record_mode(config)
    try:
        azure_models = parse_models(config.getini("migrate_check_azure_models"))
        azure = azure_target(records=record_mode != "none")
    except AzureSettingsError as exc:
        raise pytest.UsageError(f"migrate-check Azure: {exc}") from None
    return RunSettings(
        pair=pair,
        rootdir=config.rootpath,
        record_mode=record_mode,
        cassette_dir=_path(config, "cassette_dir", "migrate_check_cassette_dir")
        or config.rootpath / DEFAULT_CASSETTE_DIR,
        report_dir=_path(config, "report_dir", "migrate_check_report_dir")
        or config.rootpath / DEFAULT_REPORT_DIR,
        fail_on=config.getoption("fail_on") or DEFAULT_FAIL_ON,
        samples=config.getoption("samples"),
        concurrency=config.getoption("concurrency") or DEFAULT_CONCURRENCY,
        record_processes=config.getoption("record_processes"),
        max_retries=DEFAULT_MAX_RETRIES if retries is None else retries,
        timeout_s=_timeout(config),
        approvals_file=_path(config, "approvals", "migrate_check_approvals")
        or config.rootpath / DEFAULT_APPROVALS,
        accept=accept,
        accept_reason=reason.strip() if reason else None,
        accept_regressions=bool(reason),  # a written reason is what makes it deliberate
        prices=prices.with_aliases(azure_models),
        base_url=os.environ.get("OPENAI_BASE_URL") or None,
        write_reports=not config.getoption("no_report"),
        record_baseline=config.getoption("record_baseline"),
        prune_recordings=config.getoption("prune_recordings"),
        batch=_batch(config, record_mode),
        batch_poll_s=_ini_seconds(
            config, "batch_poll", "migrate_check_batch_poll", DEFAULT_BATCH_POLL_S
        ),
        batch_wait_s=_ini_seconds(
            config, "batch_wait", "migrate_check_batch_wait", DEFAULT_BATCH_WAIT_S
        ),
        azure=azure,
        azure_models=tuple(azure_models.items()),
        variants=_selected_variants(config),
        ini_variants=_ini_variants(config),
    )


def _selected_variants(config: pytest.Config) -> tuple[str, ...] | None:
    """`--variant a,b --variant c`: those names only; None (not given): every variant."""
    given: list[str] | None = config.getoption("variant")
    if not given:
        return None
    names = tuple(dict.fromkeys(n.strip() for value in given for n in value.split(",")))
    if not all(names):
        raise pytest.UsageError(f"--variant: an empty name in {given!r}")
    return names


def _ini_variants(config: pytest.Config) -> tuple[tuple[str, str], ...]:
    """`migrate_check_variants` lines, `name = model`; a mistake names the line."""
    found: dict[str, str] = {}
    for line in config.getini("migrate_check_variants"):
        name, sep, model = (part.strip() for part in str(line).partition("="))
        if not sep or not name or not model or not name.replace("-", "").replace("_", "").isalnum():
            raise pytest.UsageError(
                f"migrate_check_variants: {line!r} is not 'name = model', e.g. nano = gpt-4.1-nano"
            )
        found[name] = model
    return tuple(found.items())
