"""Running a loop case on one model: the model calls tools until it answers, every step kept.

The loop is the application's own, run by migrate-check through the SDK: send the case's
request, run each tool call the answer asks for (`loop_tools`), send the answer and the
results back (`loop_turns`), and go on until an answer asks for no tool, or until
`loop.max_steps` model calls (a clear outcome, "stopped at the step limit", not an
error). Each model takes its own path.

Every step is an exchange in the case's cassette for that model, in order, recorded and
replayed by the same routing as entry-point cases (`cassettes.observed`), so
`--record-mode` keeps its meanings per step: offline, a step the cassette lacks is a
missing recording naming the case, model and step. The results the tools gave are
recorded beside it (`tools.<model>.yaml`) when the cassette is saved; offline replay
sends those and never calls the team's tools.

The answer is the final step's `Completion`, so the case's other checks judge the final
answer, with its usage and latency summed over the steps and every step in
`Completion.trajectory`. Cases run side by side, up to `--concurrency` at a time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate_check.apps.loop_tools import (
    SidecarError,
    ToolAnswers,
    ToolFailure,
    ToolGate,
    read_sidecar,
    write_sidecar,
)
from migrate_check.apps.loop_turns import TurnError, asked_calls, next_body
from migrate_check.apps.run import WriteErrors, api_hosts, app_session
from migrate_check.cassettes.answers import completions_from_body, endpoint_of, processing_ms
from migrate_check.cassettes.files import CassetteLoadError, open_case_cassette
from migrate_check.cassettes.observed import ObservedCassette
from migrate_check.cassettes.paths import case_cassette_path
from migrate_check.cassettes.recording import (
    discard_case_cassette,
    use_case_cassette,
)
from migrate_check.cassettes.tool_items import parse_arguments
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion, CompletionsByCase, LatencySource, Usage
from migrate_check.core.loop import Loop, Step, Stopped, ToolUse, Trajectory
from migrate_check.core.paths import shown_path
from migrate_check.safety import sanitize
from migrate_check.safety import secrets as secret_values
from migrate_check.sending import failures
from migrate_check.sending.failures import RecordHint
from migrate_check.sending.pacing import QuotaExhausted
from migrate_check.sending.sdk_request import Job, Post, RequestOptionError, post_for
from migrate_check.sending.settings import RunnerSettings

#: The recorded tool results' file in the case's folder: `tools.<model>.yaml`.
TOOLS_PREFIX = "tools."


def tools_path(settings: RunnerSettings, case: Case, model: str) -> Path:
    """Where the results a case's tools gave on `model` are recorded."""
    return case_cassette_path(settings.cassette_dir, case, model, TOOLS_PREFIX)


def run_loop_jobs(
    jobs: Sequence[Job],
    settings: RunnerSettings,
    hint: RecordHint,
    write_errors: WriteErrors | None = None,
) -> CompletionsByCase:
    """Every sample of each loop (case, model) job, keyed by (case key, model); files
    that could not be written go to `write_errors`."""
    results: CompletionsByCase = {}
    if not jobs:
        return results
    with app_session(settings, write_errors, quiet=True) as (router, secrets):
        asyncio.run(_all(router, jobs, settings, hint, results, secrets))
    return results


async def _all(
    router: Any,
    jobs: Sequence[Job],
    settings: RunnerSettings,
    hint: RecordHint,
    results: CompletionsByCase,
    secrets: list[str | None],
) -> None:
    from migrate_check.sending.deadline import deadline_client
    from migrate_check.sending.live import sdk_client

    slots = asyncio.Semaphore(max(1, settings.concurrency))
    gate = ToolGate()  # a team's tool runs alone, no model call in flight
    http_client = deadline_client(settings.timeout_s, connections=max(1, settings.concurrency))
    client = sdk_client(settings, http_client)

    async def one(case: Case, model: str) -> None:
        async with slots:
            run = _CaseRun(router, client, case, model, settings, hint, secrets, gate)
            results[(case.key, model)] = await run.samples()

    try:
        async with asyncio.TaskGroup() as group:
            for case, model in jobs:
                group.create_task(one(case, model))
    except* QuotaExhausted as quota:  # no later call can succeed: the run stops, as live's
        raise quota.exceptions[0] from None
    finally:
        await client.close()


@dataclass
class _CaseRun:
    """One loop case on one model: its cassette, its tools' results, its samples."""

    router: Any
    client: Any
    case: Case
    model: str
    settings: RunnerSettings
    hint: RecordHint
    secrets: list[str | None]
    gate: ToolGate

    @property
    def loop(self) -> Loop:
        assert self.case.loop is not None, "only loop cases run here"
        return self.case.loop

    @property
    def path(self) -> Path:
        return case_cassette_path(self.settings.cassette_dir, self.case, self.model)

    def error(self, message: str) -> Completion:
        return Completion(model=self.model, error=message)

    async def samples(self) -> list[Completion]:
        mode = self.settings.record_mode
        path = self.path
        if mode == "none" and not path.is_file():
            return [self.error(failures.missing(self.case, self.model, path, self.hint))]
        try:
            post = post_for(self.case, self.model)
        except RequestOptionError as exc:
            return [self.error(f"cannot send {self.case.key}: {exc}")]
        try:
            inner = open_case_cassette(path, mode)
            recorded = read_sidecar(tools_path(self.settings, self.case, self.model))
        except CassetteLoadError as exc:
            return [failures.unreadable(exc, self.model)]
        except SidecarError as exc:
            return [self.error(f"{exc}; delete it and record the case again")]
        cassette = ObservedCassette(
            inner, api_hosts(self.settings), frozenset(self.loop.allow_hosts)
        )
        # `once` replays a case it has a cassette for, tools included (their recorded
        # results are sent, the team's tools never run); `new_episodes` runs them again
        # over the recording, to say where they drifted; `all` records them afresh.
        recorded_case = path.is_file()
        answers = ToolAnswers(
            self.loop,
            live=mode == "all" or (mode != "none" and not (mode == "once" and recorded_case)),
            prefer_recorded=mode == "new_episodes" and recorded_case,
            recorded=recorded,
            gate=self.gate,
        )
        done: list[Completion] = []
        try:
            with use_case_cassette(self.router, cassette):
                for sample in range(1, self.case.samples + 1):
                    done.append(await self.one(post, cassette, answers, sample))
        finally:
            if len(done) == self.case.samples:
                self.close(cassette, answers, done)
            else:  # cut short: what is on disk stays as it was
                discard_case_cassette(self.router, cassette)
        return done

    def close(
        self, cassette: ObservedCassette, answers: ToolAnswers, done: list[Completion]
    ) -> None:
        """Save the cassette and, beside it, the results the tools gave, when every sample
        ran; else leave what is on disk alone."""
        if any(sample.error is not None for sample in done):
            discard_case_cassette(self.router, cassette)
            return
        self.router.children.pop(id(cassette), None)
        path = tools_path(self.settings, self.case, self.model)
        try:
            cassette._save()
            if self.settings.record_mode != "none":
                write_sidecar(path, answers.given)
        except OSError as exc:
            self.router.write_errors.append((Path(exc.filename or path), exc))

    async def one(
        self, post: Post, cassette: ObservedCassette, answers: ToolAnswers, sample: int
    ) -> Completion:
        """One sample: steps until an answer without a tool call, or the step limit."""
        body = post.body
        steps: list[Step] = []
        answer: Completion | None = None
        limit = self.loop.max_steps
        for number in range(1, limit + 1):
            answer = await self.send(post, body, cassette, number)
            if answer.error is not None:
                return answer
            try:
                asked = asked_calls(self.case.api, answer.body)
            except TurnError as exc:
                return self.error(f"step {number}: {exc}")
            if not asked:
                steps.append(_step(answer, ()))
                return _final(answer, steps, limit, "answered")
            if number == limit:  # the limit is on model calls: these calls are not run
                unrun = tuple(
                    ToolUse(a.name, parse_arguments(a.arguments), a.call_id, answered=False)
                    for a in asked
                )
                steps.append(_step(answer, unrun))
                break
            blocked = len(cassette.blocked)
            try:
                uses = [await answers.answer(sample, number, call) for call in asked]
            except ToolFailure as exc:
                return self.error(self.tool_failure(str(exc)))
            if len(cassette.blocked) > blocked:
                return self.error(
                    f"step {number}: a tool sent a request to "
                    f"{', '.join(cassette.blocked[blocked:])}, which migrate-check blocks: only "
                    "the OpenAI API is recorded; name the host in loop.allow_hosts to let it "
                    "through (it is never recorded)"
                )
            steps.append(_step(answer, tuple(uses)))
            body = next_body(self.case.api, body, answer.body, uses)
        assert answer is not None
        return _final(answer, steps, limit, "step_limit")

    async def send(
        self, post: Post, body: dict[str, Any], cassette: ObservedCassette, number: int
    ) -> Completion:
        """One step's answer (choice 0), or its error naming the step."""
        import httpx2
        from vcr.errors import CannotOverwriteExistingCassetteException

        played, missing = cassette.play_count, len(cassette.missing)
        started = time.perf_counter()
        try:
            async with self.gate.model_call():
                response = await self.client.post(
                    post.path, cast_to=httpx2.Response, body=body, options=post.options
                )
                content = response.content
        except Exception as exc:  # noqa: BLE001 - any failure of the call is this side's error
            miss = failures.cause_of(exc, CannotOverwriteExistingCassetteException)
            if miss is not None or len(cassette.missing) > missing:
                return self.error(self.missing_step(number, miss))
            failed = failures.call_failure(
                exc,
                self.case,
                self.model,
                self.path,
                self.hint,
                secrets=self.secrets,
                timeout_s=self.settings.timeout_s,
                base_url=None if self.settings.azure else self.settings.base_url,
            )
            return self.error(f"step {number}: {failed.error}")
        elapsed_ms = (time.perf_counter() - started) * 1000
        latency = processing_ms(response.headers.get("openai-processing-ms"))
        source: LatencySource | None = "openai-processing-ms" if latency is not None else None
        if (
            latency is None
            and self.settings.record_mode != "none"
            and cassette.play_count == played
        ):
            latency, source = elapsed_ms, "measured"  # it went out: the time is the API's
        text = content.decode("utf-8", errors="replace")
        endpoint = endpoint_of(response.request.url.path)
        streamed = bool(body.get("stream"))
        found = completions_from_body(text, endpoint, streamed, self.model, latency, source)
        scrubber = secret_values.from_environment(extra=self.secrets)
        answer = sanitize.completions(found[:1], scrubber)[0]
        if answer.error is not None:
            return self.error(f"step {number}: {answer.error}")
        if stands_for := dict(self.settings.azure_models).get(self.model):
            answer.stands_for = stands_for
        return answer

    def tool_failure(self, message: str) -> str:
        """A tool's failure as the case's error; a result the recordings lack says where
        they are and how to record it, as a missing step does."""
        if not message.startswith("no recorded result"):
            return message
        where = shown_path(tools_path(self.settings, self.case, self.model))
        command = self.hint(self.case, self.model, "all")
        return (
            f"{message}: {where} does not hold it for case {self.case.key!r} on model "
            f"{self.model!r}; record it again with: {command}"
        )

    def missing_step(self, number: int, miss: Any) -> str:
        """A step the cassette does not hold: which, where, and how to record it."""
        details = []
        for _request, _ok, failed in getattr(miss, "similar_requests", [])[:1]:
            details = [str(message).splitlines()[0] for _name, message in failed if message]
        why = "; ".join(details) or "no recorded request matches"
        command = self.hint(self.case, self.model, "all")
        return (
            f"no recording of step {number} of case {self.case.key!r} on model {self.model!r} "
            f"in {shown_path(self.path)} ({why}): the case or its tools' results changed "
            f"since it was recorded; record it again with: {command}"
        )


def _step(answer: Completion, uses: tuple[ToolUse, ...]) -> Step:
    usage = answer.usage
    return Step(
        calls=uses,
        text=answer.text,
        finish_reason=answer.finish_reason,
        input_tokens=usage.input_tokens,
        cached_input_tokens=usage.cached_input_tokens,
        output_tokens=usage.output_tokens,
        latency_ms=answer.latency_ms,
    )


def _final(answer: Completion, steps: list[Step], limit: int, stopped: Stopped) -> Completion:
    """The last step's answer, its usage and latency summed over every step."""
    latencies = [step.latency_ms for step in steps]
    latency = None if None in latencies else sum(x or 0.0 for x in latencies)
    return dataclasses.replace(
        answer,
        usage=Usage(
            sum(s.input_tokens for s in steps),
            sum(s.cached_input_tokens for s in steps),
            sum(s.output_tokens for s in steps),
        ),
        latency_ms=latency,
        latency_source=answer.latency_source if latency is not None else None,
        trajectory=Trajectory(tuple(steps), limit, stopped),
    )
