"""A run's settings, resolved once from options and ini values (defaults: `core/defaults.py`).

`options.py` reads the command line and ini file, as `option_table.py` declares them, into
one `RunSettings`; the runner's own settings are built from it, so no default is written
twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from migrate_check.cassettes.paths import file_key, safe_name
from migrate_check.core.case import ModelPair
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
)
from migrate_check.core.pricing import PriceTable
from migrate_check.core.results import Outcome
from migrate_check.core.volume import MonthlyVolume
from migrate_check.sending.azure import AzureTarget
from migrate_check.sending.settings import RunnerSettings

FAIL_ON = ("regressed", "changed")
FAILING = {
    "regressed": frozenset({Outcome.REGRESSED, Outcome.ERROR}),
    "changed": frozenset({Outcome.REGRESSED, Outcome.ERROR, Outcome.CHANGED}),
}


#: The words usage lines put where model names go.
PLACEHOLDERS = frozenset({"BASELINE", "CANDIDATE"})


class ModelPairError(ValueError):
    """A `--model-pair` value that does not name two models."""


def parse_model_pair(text: str) -> ModelPair:
    """`BASELINE:CANDIDATE`; models whose names hold ':' (fine-tunes) use ',' instead."""
    raw = text.strip()
    if "," in raw:
        parts = raw.split(",")
    elif raw.count(":") == 1:
        parts = raw.split(":")
    else:
        raise ModelPairError(
            f"{text!r} is not BASELINE:CANDIDATE, e.g. gpt-4o-mini:gpt-4.1-mini "
            "(for model names that contain ':' write BASELINE,CANDIDATE)"
        )
    baseline, candidate = (p.strip() for p in parts) if len(parts) == 2 else ("", "")
    if not baseline or not candidate:
        raise ModelPairError(f"{text!r} is not BASELINE:CANDIDATE, e.g. gpt-4o-mini:gpt-4.1-mini")
    for name in (baseline, candidate):
        if name.upper() in PLACEHOLDERS:  # `candidate` too: no model is called that
            # Run as printed, a usage line would record a model called CANDIDATE.
            raise ModelPairError(
                f"{text!r}: {name} stands for a model in BASELINE:CANDIDATE and is not one; "
                "name the two models, e.g. gpt-4o-mini:gpt-4.1-mini"
            )
    if baseline == candidate:
        raise ModelPairError(f"{text!r} compares {baseline!r} with itself; name two models")
    if file_key(baseline) == file_key(candidate):
        raise ModelPairError(
            f"{baseline!r} and {candidate!r} would share one cassette file "
            f"({safe_name(baseline)}.yaml: names differ only in letter case or in characters "
            "a file name cannot hold); name the models so their file names differ"
        )
    return ModelPair(baseline, candidate)


@dataclass(frozen=True)
class RunSettings:
    """Everything a run needs to know, resolved from options and ini values."""

    @property
    def owned_dirs(self) -> frozenset[Path]:
        """Folders the plugin writes YAML into, which collection must not read as suites."""
        return frozenset({self.cassette_dir, self.report_dir})

    pair: ModelPair
    rootdir: Path
    record_mode: str = DEFAULT_RECORD_MODE
    cassette_dir: Path = Path(DEFAULT_CASSETTE_DIR)
    report_dir: Path = Path(DEFAULT_REPORT_DIR)
    fail_on: str = DEFAULT_FAIL_ON
    samples: int | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    record_processes: int | None = None  # None: one per core for a big enough recording
    max_retries: int = DEFAULT_MAX_RETRIES
    timeout_s: float = DEFAULT_TIMEOUT_S
    approvals_file: Path = Path(DEFAULT_APPROVALS)
    accept: bool = False
    accept_reason: str | None = None
    #: Whether an accept run approves regressions too: a deliberate act, so only with a
    #: reason (`options.py` decides); changes it always approves.
    accept_regressions: bool = False
    #: Who accepts (`--approved-by`); None: git's configured user, looked up when saving.
    approved_by: str | None = None
    #: A team's price table file (`--prices`), hashed into report.json's inputs.
    prices_file: Path | None = None
    prices: PriceTable = field(default_factory=PriceTable.default)
    base_url: str | None = None
    write_reports: bool = True
    record_baseline: bool = False  # record the baseline for cases imported from another model
    prune_recordings: bool = False  # remove stale cassettes and exchanges at the end
    batch: bool = False  # record through the Batch API (sending/batch.py)
    batch_poll_s: float = DEFAULT_BATCH_POLL_S
    batch_wait_s: float = DEFAULT_BATCH_WAIT_S
    azure: AzureTarget | None = None  # AZURE_OPENAI_ENDPOINT's resource, when set
    #: What model each name in the pair stands for (`migrate_check_azure_models`).
    azure_models: tuple[tuple[str, str], ...] = ()
    #: Candidate variants to judge (`--variant`); None: every variant defined.
    variants: tuple[str, ...] | None = None
    #: Variants for every suite from the ini file: (name, model).
    ini_variants: tuple[tuple[str, str], ...] = ()
    #: The team's cases a month per suite (`--monthly-volume`): (suite, cases).
    monthly_cases: tuple[tuple[str, int], ...] = ()
    #: Or the baseline's tokens a month (`--monthly-tokens`); None: not given.
    monthly_tokens: int | None = None

    @property
    def volume(self) -> MonthlyVolume:
        """The monthly volume the reports project costs at (empty: none given)."""
        return MonthlyVolume(self.monthly_cases, self.monthly_tokens)

    def wants_variant(self, name: str) -> bool:
        return self.variants is None or name in self.variants

    @property
    def failing(self) -> frozenset[Outcome]:
        """The outcomes that fail a case's test item under `--fail-on`."""
        return FAILING[self.fail_on]

    def runner_settings(self) -> RunnerSettings:
        """What the runner needs of these settings."""
        return RunnerSettings(
            record_mode=self.record_mode,
            cassette_dir=self.cassette_dir,
            concurrency=self.concurrency,
            processes=self.record_processes,
            max_retries=self.max_retries,
            timeout_s=self.timeout_s,
            base_url=self.base_url,
            batch=self.batch,
            batch_poll_s=self.batch_poll_s,
            batch_wait_s=self.batch_wait_s,
            azure=self.azure,
            azure_models=self.azure_models,
        )
