"""Offline replay (`--record-mode none`): a case's answers read from its cassette, no HTTP.

Nothing goes out: each cassette is read and its requests matched directly
(`cassettes.replay`), so a replay needs neither a key nor a network. A cassette that is
missing, unreadable or recorded for another request becomes the case's error, naming
the command that records it (`failures`). `forked_replay` runs the same reading in a
second process; `batch` uses it to read what its batches wrote.
"""

from __future__ import annotations

from pathlib import Path

from migrate_check.cassettes.paths import case_cassette_path
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion
from migrate_check.sending import failures
from migrate_check.sending.failures import RecordHint
from migrate_check.sending.sdk_request import request_body
from migrate_check.sending.settings import RunnerSettings


def replay_case(
    case: Case,
    model: str,
    settings: RunnerSettings,
    record_hint: RecordHint,
    stale_exchanges: dict[Path, list[int]],
) -> list[Completion]:
    """Every sample of one case on one model from its cassette; failures as errors.

    A cassette holding exchanges no current request matches is noted in
    `stale_exchanges` (its path -> their positions), for `--prune-recordings`.
    """
    from migrate_check.cassettes.replay import replay

    path = case_cassette_path(settings.cassette_dir, case, model)
    stale: list[int] = []
    try:
        completions = replay(path, case, model, request_body(case, model), stale)
        if stale:
            stale_exchanges[path] = stale
    except Exception as exc:  # noqa: BLE001 - one unreadable case must not stop the run
        completions = [failures.replay_failure(exc, case, model, path, record_hint)]
    if len(completions) < case.samples:
        completions = completions * case.samples
    if stands_for := dict(settings.azure_models).get(model):
        for completion in completions:
            completion.stands_for = stands_for
    return completions
