"""Every option of the plugin declared once: its flag, ini key, parser, default and help.

`options.py` registers this table with pytest (`addoption`, `addini`) and resolves it
into `RunSettings`, so a new setting is one entry here and the field it fills there. The
defaults themselves live in `core/defaults.py`, where the runner's settings read them too.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

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
    DEPRECATIONS_REMOVED_IN,
    TIMEOUT_ENV,
)
from migrate_check.core.volume import parse_count, parse_volume
from migrate_check.pytest_plugin.settings import FAIL_ON


def whole_number(minimum: int) -> Callable[[str], int]:
    """A parser of whole numbers from `minimum` up, quoting the text it refuses."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} must be at least {minimum}")
        return value

    return parse


def seconds(text: str) -> float:
    """A positive, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number of seconds")
    return value


@dataclass(frozen=True)
class DeprecatedIni:
    """A deprecated ini key that stands for a newer one; it warns, and `removed_in` drops it."""

    name: str
    removed_in: str


@dataclass(frozen=True)
class Option:
    """One setting, as `pytest --help` shows it and as `RunSettings` receives it.

    A value is looked up in order: the flag (with `addopts` and `PYTEST_ADDOPTS`), the
    ini key, its deprecated name, the environment variable, then `default`.
    """

    #: The flag, e.g. "--batch-poll"; None for a setting only an ini file holds.
    flag: str | None = None
    #: Help for the flag, a `str.format` template: `{default}` and `{env}` are filled in
    #: from this declaration, and a literal brace is written twice (`{{`).
    help: str = ""
    ini: str | None = None
    ini_help: str = ""
    ini_type: Literal["string", "bool", "linelist"] = "string"
    #: Text (from the flag, the ini file or the environment) to value; refusals raise
    #: `argparse.ArgumentTypeError`, which names the text. None keeps the text.
    parse: Callable[[str], Any] | None = None
    choices: tuple[str, ...] = ()
    default: Any = None
    metavar: str | None = None
    action: Literal["store", "store_true", "append"] = "store"
    env: str | None = None
    old_ini: DeprecatedIni | None = None
    #: A path: typed on the command line it is relative to where pytest was started, in
    #: the ini file (or as the default) to the rootdir, as pytest's own paths are.
    is_path: bool = False
    #: The `RunSettings` field the resolved value fills as is; None where settings
    #: building combines it with other values first.
    setting: str | None = None

    @property
    def dest(self) -> str:
        """The name `config.getoption` takes, as argparse derives it from the flag."""
        if self.flag is None:
            raise ValueError(f"{self.ini} has no flag")
        return self.flag.lstrip("-").replace("-", "_")

    @property
    def flag_help(self) -> str:
        return self.help.format(default=self.default, env=self.env)

    def parse_text(self, text: str) -> Any:
        """An ini or environment value as the flag would have given it."""
        if self.choices and text not in self.choices:
            raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(self.choices)}")
        return self.parse(text) if self.parse else text


PAIR_INI = "migrate_check_model_pair"
OLD_PAIR_INI = "model_pair"

MODEL_PAIR = Option(
    flag="--model-pair",
    metavar="BASELINE:CANDIDATE",
    help="Compare the two models on the suite files given, e.g. gpt-4o-mini:gpt-4.1-mini",
    ini=PAIR_INI,
    ini_help="Models compared when --model-pair is not given (BASELINE:CANDIDATE)",
    old_ini=DeprecatedIni(OLD_PAIR_INI, removed_in=DEPRECATIONS_REMOVED_IN),
)
RECORD_MODE = Option(
    flag="--record-mode",
    choices=RECORD_MODES,
    default=DEFAULT_RECORD_MODE,
    help="Record mode for cassettes, in vcrpy's words; default '{default}' never touches "
    "the network",
    ini="migrate_check_record_mode",
    ini_help="Default record mode",
)
CASSETTE_DIR = Option(
    flag="--cassette-dir",
    metavar="DIR",
    default=DEFAULT_CASSETTE_DIR,
    help="Where cassettes live (default: {default})",
    ini="migrate_check_cassette_dir",
    ini_help="Where cassettes live",
    is_path=True,
    setting="cassette_dir",
)
REPORT_DIR = Option(
    flag="--report-dir",
    metavar="DIR",
    default=DEFAULT_REPORT_DIR,
    help="Where reports are written (default: {default})",
    ini="migrate_check_report_dir",
    ini_help="Where reports go",
    is_path=True,
    setting="report_dir",
)
FAIL_ON_OPTION = Option(
    flag="--fail-on",
    choices=FAIL_ON,
    default=DEFAULT_FAIL_ON,
    help="Fail a case on 'regressed' (and error, the default) or also on 'changed'",
    ini="migrate_check_fail_on",
    ini_help="What fails a case: regressed (and error) or also changed (as --fail-on)",
    setting="fail_on",
)
SAMPLES = Option(
    flag="--samples",
    parse=whole_number(1),
    metavar="N",
    help="Sample each model N times per case to measure the noise floor",
    ini="migrate_check_samples",
    ini_help="Samples per model per case, in place of each suite's 'samples:' (as --samples)",
    setting="samples",
)
CONCURRENCY = Option(
    flag="--concurrency",
    parse=whole_number(1),
    metavar="N",
    default=DEFAULT_CONCURRENCY,
    help="Requests in flight per model when recording (default {default})",
    ini="migrate_check_concurrency",
    ini_help="Requests in flight per model when recording (as --concurrency)",
    setting="concurrency",
)
RECORD_PROCESSES = Option(
    flag="--record-processes",
    parse=whole_number(1),
    metavar="N",
    help="Processes a live recording is spread over, sharing each model's --concurrency "
    "and rate limits (default: one per core once each gets 100 requests; 1: none)",
    setting="record_processes",
)
MAX_RETRIES = Option(
    flag="--max-retries",
    parse=whole_number(0),
    metavar="N",
    default=DEFAULT_MAX_RETRIES,
    help="Retries of a failed live request, honouring retry-after (default {default})",
    ini="migrate_check_max_retries",
    ini_help="Retries of a failed live request (as --max-retries)",
    setting="max_retries",
)
REQUEST_TIMEOUT = Option(
    flag="--request-timeout",
    parse=seconds,
    metavar="SECONDS",
    default=DEFAULT_TIMEOUT_S,
    help="Seconds to wait for one live answer (default {default:g}, or ${env})",
    ini="migrate_check_request_timeout",
    ini_help="Seconds to wait for one live answer",
    env=TIMEOUT_ENV,
    setting="timeout_s",
)
ACCEPT = Option(
    flag="--accept",
    action="store_true",
    default=False,
    help="Approve the current changed results into the approvals file (regressions too, "
    "given --accept-reason)",
    setting="accept",
)
ACCEPT_REASON = Option(
    flag="--accept-reason",
    metavar="TEXT",
    help="Why the accepted results are fine, shown in the reports; required to approve regressions",
)
APPROVED_BY = Option(
    flag="--approved-by",
    metavar="NAME",
    help="Who accepts with --accept, recorded in each approval (default: git's user.name "
    "and user.email)",
    setting="approved_by",
)
APPROVALS = Option(
    flag="--approvals",
    metavar="FILE",
    default=DEFAULT_APPROVALS,
    help="Approvals file (default: {default})",
    ini="migrate_check_approvals",
    ini_help="Approvals file",
    is_path=True,
    setting="approvals_file",
)
PRICES = Option(
    flag="--prices",
    metavar="FILE",
    help="A price table (JSON) overriding the shipped one",
    ini="migrate_check_prices",
    ini_help="A price table (JSON) overriding the shipped one",
    is_path=True,
)
RECORD_BASELINE = Option(
    flag="--record-baseline",
    action="store_true",
    default=False,
    help="Record the pair's baseline also for cases imported as recorded with another model",
    setting="record_baseline",
)
VARIANT = Option(
    flag="--variant",
    action="append",
    metavar="NAME[,NAME]",
    help="Judge only these named candidate variants (a suite's 'variants:' or the ini's "
    "migrate_check_variants) beside the pair's candidate; default: every one defined",
)
PRUNE_RECORDINGS = Option(
    flag="--prune-recordings",
    action="store_true",
    default=False,
    help="Remove stale recordings: cassettes of cases no suite has, and exchanges that "
    "no current request matches",
    setting="prune_recordings",
)
BATCH = Option(
    flag="--batch",
    action="store_true",
    default=False,
    help="Record the missing exchanges through the Batch API (half price, a day's "
    "window) instead of live calls; with a --record-mode that records",
    ini="migrate_check_batch",
    ini_help="Record through the Batch API (as --batch)",
    ini_type="bool",
)
BATCH_POLL = Option(
    flag="--batch-poll",
    parse=seconds,
    metavar="SECONDS",
    default=DEFAULT_BATCH_POLL_S,
    help="Seconds between polls of running batches (default {default:g})",
    ini="migrate_check_batch_poll",
    ini_help="Seconds between polls of batches",
    setting="batch_poll_s",
)
BATCH_WAIT = Option(
    flag="--batch-wait",
    parse=seconds,
    metavar="SECONDS",
    default=DEFAULT_BATCH_WAIT_S,
    help="Stop waiting for batches after SECONDS, leaving them to a later --batch run "
    "(default {default:g})",
    ini="migrate_check_batch_wait",
    ini_help="Seconds to wait for batches",
    setting="batch_wait_s",
)
NO_REPORT = Option(
    flag="--no-report",
    action="store_true",
    default=False,
    help="Do not write the JSON, Markdown and HTML reports",
)
AZURE_MODELS = Option(
    ini="migrate_check_azure_models",
    ini_help="What model each deployment in the pair stands for, one 'deployment = model' a line",
    ini_type="linelist",
    default=(),
)
INI_VARIANTS = Option(
    ini="migrate_check_variants",
    ini_help="Candidate variants for every suite, one 'name = model' a line "
    "(e.g. nano = gpt-4.1-nano)",
    ini_type="linelist",
    default=(),
)
PRICE_OVERRIDES = Option(
    ini="migrate_check_price_overrides",
    ini_help="Prices per 1M tokens, one 'model = input/cached_input/output' a line",
    ini_type="linelist",
    default=(),
)
MONTHLY_VOLUME = Option(
    flag="--monthly-volume",
    parse=parse_volume,
    metavar="SUITE=CASES[,SUITE=CASES]",
    help="The team's cases a month per suite (e.g. support-triage=120000,release-notes=5k): "
    "the reports project each model's monthly cost at it",
    ini="migrate_check_monthly_volume",
    ini_help="Cases a month per suite, 'suite = cases' separated by commas or lines",
    setting="monthly_cases",
    default=(),
)
MONTHLY_TOKENS = Option(
    flag="--monthly-tokens",
    parse=parse_count,
    metavar="TOKENS",
    help="Tokens a month the baseline serves today (e.g. 100M), instead of "
    "--monthly-volume: the run's mix of suites stands for the traffic",
    ini="migrate_check_monthly_tokens",
    ini_help="Tokens a month on the baseline (as --monthly-tokens)",
    setting="monthly_tokens",
)

#: In the order `pytest --help` lists them. Every setting a team keeps for the project
#: has an ini key; the flags without one say what one run does (--accept, --variant,
#: --record-baseline, --prune-recordings, --no-report) or fit one machine
#: (--record-processes, which defaults to the cores there).
OPTIONS: tuple[Option, ...] = (
    MODEL_PAIR,
    RECORD_MODE,
    CASSETTE_DIR,
    REPORT_DIR,
    FAIL_ON_OPTION,
    SAMPLES,
    CONCURRENCY,
    RECORD_PROCESSES,
    MAX_RETRIES,
    REQUEST_TIMEOUT,
    ACCEPT,
    ACCEPT_REASON,
    APPROVED_BY,
    APPROVALS,
    PRICES,
    MONTHLY_VOLUME,
    MONTHLY_TOKENS,
    RECORD_BASELINE,
    VARIANT,
    PRUNE_RECORDINGS,
    BATCH,
    BATCH_POLL,
    BATCH_WAIT,
    NO_REPORT,
    AZURE_MODELS,
    INI_VARIANTS,
    PRICE_OVERRIDES,
)
