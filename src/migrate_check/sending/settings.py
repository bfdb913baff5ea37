"""How one run sends and records: the settings every way of sending reads.

Kept apart from `runner`, which picks the way of sending, so each way (`live`,
`offline`, `batch`, `sharded`) and the grader's calls (`grading`) can read the settings
without importing the module that dispatches to them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from migrate_check.core.defaults import (
    DEFAULT_BATCH_POLL_S,
    DEFAULT_BATCH_WAIT_S,
    DEFAULT_CASSETTE_DIR,
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_RECORD_MODE,
    DEFAULT_TIMEOUT_S,
)
from migrate_check.sending.azure import AzureTarget

#: The key an offline client carries: cassettes hold no key, and nothing is sent.
REPLAY_API_KEY = "replay-without-key"


def api_key() -> str:
    """The key requests carry; offline, a placeholder (cassettes hold no key)."""
    return os.environ.get("OPENAI_API_KEY") or REPLAY_API_KEY


@dataclass(frozen=True)
class RunnerSettings:
    """How requests are sent and recorded for one run."""

    record_mode: str = DEFAULT_RECORD_MODE
    cassette_dir: Path = Path(DEFAULT_CASSETTE_DIR)
    concurrency: int = DEFAULT_CONCURRENCY
    max_retries: int = DEFAULT_MAX_RETRIES
    timeout_s: float = DEFAULT_TIMEOUT_S
    base_url: str | None = None
    batch: bool = False  # record through the Batch API (batch.py)
    batch_poll_s: float = DEFAULT_BATCH_POLL_S
    batch_wait_s: float = DEFAULT_BATCH_WAIT_S
    azure: AzureTarget | None = None  # send through the SDK's Azure client (azure.py)
    azure_models: tuple[tuple[str, str], ...] = ()  # deployment -> the model it stands for
    #: Processes a live recording is spread over (`--record-processes`); None: one per
    #: core once the run is big enough (sharded.py).
    processes: int | None = None
