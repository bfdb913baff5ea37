"""Which way a run's cases are sent, and their answers, keyed by (case key, model).

`Runner` is what the plugin and the importer hold. It only decides the way, and each
way lives in its own module:

- offline replay (`--record-mode none`): `offline`, each cassette read, no HTTP;
- live, in this process: `live`, where every recorded request goes out;
- live, spread over forked processes when the run is big enough: `sharded`;
- through the Batch API (`--batch`): `batch`.

Failures become a `Completion` with `error` set: one case fails, the run goes on. Only
an exhausted quota (`QuotaExhausted`) stops everything.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from migrate_check.core.case import Case
from migrate_check.core.completion import Completion, CompletionsByCase
from migrate_check.safety import secrets as secret_values
from migrate_check.safety.log_scrubbing import scrubbed_logs
from migrate_check.sending.azure import mark_deployment_models
from migrate_check.sending.failures import RecordHint
from migrate_check.sending.live import LiveSender
from migrate_check.sending.offline import replay_case
from migrate_check.sending.sdk_request import Job
from migrate_check.sending.settings import RunnerSettings, api_key

__all__ = ["Runner"]


class Runner:
    """Fetches completions for cases on models, through per-case cassettes."""

    def __init__(self, settings: RunnerSettings, record_hint: RecordHint) -> None:
        self.settings = settings
        self.record_hint = record_hint
        self._secrets = [os.environ.get(name) for name in secret_values.SECRET_ENV]
        self.fetched: CompletionsByCase = {}
        #: Cassettes replayed offline that hold exchanges no current request matches: their
        #: positions, so `--prune-recordings` can drop exactly those.
        self.stale_exchanges: dict[Path, list[int]] = {}
        #: Sends the live requests, in this process or in the recording processes.
        self.live = LiveSender(settings, record_hint, self._secrets)

    @property
    def api_key(self) -> str:
        """The key requests carry; offline, a placeholder (cassettes hold no key)."""
        return api_key()

    @property
    def secrets(self) -> list[str | None]:
        """Values no log line, error or cassette may show."""
        return list(self._secrets)

    @property
    def write_errors(self) -> list[tuple[Path, OSError]]:
        """Cassettes that could not be written, with why; the answers are kept regardless."""
        return self.live.write_errors

    def fetch(self, cases: Sequence[Case], models: Sequence[str]) -> CompletionsByCase:
        """Every sample of every case on every model, keyed by (case key, model)."""
        return self.fetch_jobs([(case, model) for case in cases for model in models])

    def fetch_jobs(
        self, jobs: Sequence[Job], alongside: Callable[[], None] | None = None
    ) -> CompletionsByCase:
        """Every sample of each (case, model) job, keyed by (case key, model).

        A job's case is as that side sends it (`Case.on_side`), so each model's cassette
        matches its own request. What finished stays in `self.fetched` also when the fetch
        is interrupted (Ctrl-C), so the caller can judge and report it. A live fetch also
        runs `alongside`: in a thread while recording processes send, else once this
        process has sent everything (while it records, vcrpy patches its HTTP clients).
        """
        from migrate_check.sending import sharded

        self.fetched = {}
        # A loop or entry-point case is many requests the team's code drives: the apps
        # stage runs it (`migrate_check.apps.jobs`, as the pytest plugin does); sent from
        # here as one request, it would replay its first step and call that the answer.
        for case, model in [job for job in jobs if _driven(job[0])]:
            self.fetched[(case.key, model)] = [_driven_elsewhere(case, model)] * case.samples
        jobs = [job for job in jobs if not _driven(job[0])]
        if self.settings.record_mode == "none":
            for case, model in jobs:
                self.fetched[(case.key, model)] = self.replay_one(case, model)
            return self.fetched
        deployments = self.settings.azure_models
        with scrubbed_logs(self._secrets):
            shards = sharded.shard_count(
                sum(case.samples for case, _ in jobs),
                self.settings.concurrency,
                self.settings.processes,
            )
            if shards > 1 and not self.settings.batch:
                sharded.fetch_in_shards(self.live, jobs, self.fetched, shards, alongside)
                return mark_deployment_models(self.fetched, deployments)
            if self.settings.batch:
                from migrate_check.sending.batch import fetch_through_batches

                fetched = fetch_through_batches(self.live, self.replay_one, jobs, self.fetched)
            else:
                fetched = self.live.fetch(jobs, self.fetched)
            fetched = mark_deployment_models(fetched, deployments)
            if alongside is not None:
                sharded.quietly(alongside)()
            return fetched

    def replay_one(self, case: Case, model: str) -> list[Completion]:
        """Every sample of one case on one model from its cassette; failures as errors."""
        return replay_case(case, model, self.settings, self.record_hint, self.stale_exchanges)


def _driven_elsewhere(case: Case, model: str) -> Completion:
    kind = "a loop case" if case.loop is not None else "an entry-point case"
    return Completion(
        model=model,
        error=(
            f"{case.key} is {kind}: run it with migrate_check.apps.jobs (the pytest "
            "plugin does), not as one request"
        ),
    )


def _driven(case: Case) -> bool:
    return case.loop is not None or case.entry is not None
