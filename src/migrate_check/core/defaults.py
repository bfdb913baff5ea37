"""Every default of a run, written once: the option table (its help and its values when
nothing is given), `RunSettings` and the runner's settings all read them from here."""

from __future__ import annotations

DEFAULT_RECORD_MODE = "none"
DEFAULT_CASSETTE_DIR = "cassettes"
DEFAULT_REPORT_DIR = "migrate-check-report"
DEFAULT_APPROVALS = "migrate-check-approvals.yaml"
DEFAULT_FAIL_ON = "regressed"
DEFAULT_CONCURRENCY = 8
DEFAULT_MAX_RETRIES = 4
DEFAULT_TIMEOUT_S = 60.0
TIMEOUT_ENV = "MIGRATE_CHECK_TIMEOUT_S"
DEFAULT_BATCH_POLL_S = 30.0  # seconds between polls of running batches (--batch-poll)
DEFAULT_BATCH_WAIT_S = 25 * 3600.0  # a batch's 24-hour window and then some (--batch-wait)
#: The release that drops what is deprecated now (an old ini key, a hook argument), so
#: every deprecation warning names the same one.
DEPRECATIONS_REMOVED_IN = "0.3"
