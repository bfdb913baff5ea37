"""Calling the team's feature function once per model, every OpenAI call it makes recorded.

Each (case, model) runs the function under that case's cassette for that model: recording
runs send its calls and keep them, offline replay answers them from the cassette with no
key and no network. The function is called the way its application calls it (keyword
arguments, its own SDK client, the model handed over as the suite says), within its time
limit, with what it prints kept off the terminal. Its return value, copied into plain
data within the limit, is what the case's checks compare; an exception it raises is its
outcome too (`EntryRun.raised`), not a failed case. What the run could not do (a missing
recording, a blocked host, a time-out) is the case's error, naming the step.

Sync functions run one after another (`run_in_process`): vcrpy patches the HTTP clients
for the whole process, so the case running is the one every request belongs to, from
threads the function starts too. Async functions run side by side (`concurrent`).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from migrate_check.apps.calls import model_call
from migrate_check.apps.handoff import handed_model
from migrate_check.apps.loading import limit_note, load_function, prepared_inputs
from migrate_check.apps.value import Printed, Returned, as_text, call_function, kept_off
from migrate_check.cassettes.files import CassetteLoadError, open_case_cassette
from migrate_check.cassettes.observed import ObservedCassette
from migrate_check.cassettes.paths import case_cassette_path
from migrate_check.cassettes.recording import (
    discard_case_cassette,
    recording_session,
    sole_case_cassette,
)
from migrate_check.checks.base import CheckConfigError, CheckRunError
from migrate_check.checks.builtin.answer import same_model
from migrate_check.checks.time_limits import call_with_timeout
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion, CompletionsByCase, LatencySource, Usage
from migrate_check.core.entry import EntryPoint, EntryRun, ModelCall
from migrate_check.core.paths import shown_path
from migrate_check.safety import secrets as secret_values
from migrate_check.safety.log_scrubbing import scrubbed_logs
from migrate_check.sending import failures
from migrate_check.sending.failures import RecordHint
from migrate_check.sending.sdk_request import Job
from migrate_check.sending.settings import REPLAY_API_KEY, RunnerSettings

#: The longest return value, as text, a case keeps; more is the case's error.
MAX_RETURN_CHARS = 1_000_000
#: Endpoints whose requests name the model that migrates.
_MIGRATING = ("chat.completions", "responses")


#: Cassettes that could not be written, with why (the answers are kept regardless).
WriteErrors = list[tuple[Path, OSError]]


def run_in_process(
    jobs: Sequence[Job],
    settings: RunnerSettings,
    record_hint: RecordHint,
    write_errors: WriteErrors | None = None,
) -> CompletionsByCase:
    """Every sample of each entry-point (case, model) job, run in this process, keyed by
    (case key, model); cassettes that could not be written go to `write_errors`."""
    results: CompletionsByCase = {}
    if not jobs:
        return results
    with app_session(settings, write_errors) as (router, _):
        for case, model in jobs:
            results[(case.key, model)] = _run_case(router, case, model, settings, record_hint)
    return results


@contextlib.contextmanager
def app_session(
    settings: RunnerSettings, write_errors: WriteErrors | None, *, quiet: bool = False
) -> Iterator[tuple[Any, list[str | None]]]:
    """What running the team's code needs around it: secrets scrubbed from log lines, the
    run's routing cassette, a key for clients the code makes, and (`quiet`) what it
    prints kept off the terminal. Yields the router and the secret values; cassettes that
    could not be written go to `write_errors`, also when the run is cut short."""
    secrets = [os.environ.get(name) for name in secret_values.SECRET_ENV]
    with contextlib.ExitStack() as stack:
        stack.enter_context(scrubbed_logs(secrets))
        router = stack.enter_context(recording_session())
        stack.enter_context(replay_key(settings))
        if quiet:
            stack.enter_context(kept_off(Printed()))
        try:
            yield router, secrets
        finally:
            if write_errors is not None:
                write_errors.extend(router.write_errors)


@contextlib.contextmanager
def replay_key(settings: RunnerSettings) -> Iterator[None]:
    """A placeholder key when none is set, so a function that makes its own client can
    make it: replayed calls need no key (under any record mode), and a call that would go
    out without one was held back before (`sending.preflight`), unless `OPENAI_BASE_URL`
    names a server, which takes any key."""
    if os.environ.get("OPENAI_API_KEY"):
        yield
        return
    os.environ["OPENAI_API_KEY"] = REPLAY_API_KEY
    try:
        yield
    finally:
        os.environ.pop("OPENAI_API_KEY", None)


def api_hosts(settings: RunnerSettings) -> frozenset[str]:
    """Where the OpenAI API answers (`host:port`): recorded, and replayed from cassettes.
    Another service on the same host but another port is another host."""
    urls = [settings.base_url, os.environ.get("OPENAI_BASE_URL"), "https://api.openai.com"]
    if settings.azure is not None:
        urls.append(getattr(settings.azure, "endpoint", None))
    found = set()
    for url in urls:
        if not url:
            continue
        parts = urlsplit(url)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            continue
        if parts.hostname:
            found.add(f"{parts.hostname.lower()}:{port}")
    return frozenset(found)


def open_case(
    router: Any, case: Case, model: str, settings: RunnerSettings, hint: RecordHint
) -> ObservedCassette | Completion:
    """The case's cassette on `model`, routed to; or, when it cannot be, the case's error."""
    entry = case.entry
    assert entry is not None, "only entry-point cases run here"
    path = case_cassette_path(settings.cassette_dir, case, model)
    if settings.record_mode == "none" and not path.is_file():
        return Completion(model=model, error=failures.missing(case, model, path, hint))
    try:
        inner = open_case_cassette(path, settings.record_mode)
    except CassetteLoadError as exc:
        return failures.unreadable(exc, model)
    return ObservedCassette(inner, api_hosts(settings), frozenset(entry.allow_hosts))


def close_case(router: Any, cassette: ObservedCassette, samples: list[Completion]) -> None:
    """Save the case's cassette when every sample ran; else leave what is on disk alone."""
    if any(sample.error is not None for sample in samples):
        discard_case_cassette(router, cassette)
        return
    router.children.pop(id(cassette), None)
    try:
        cassette._save()
    except OSError as exc:
        router.write_errors.append((Path(cassette._path), exc))


def _run_case(
    router: Any, case: Case, model: str, settings: RunnerSettings, hint: RecordHint
) -> list[Completion]:
    assert case.entry is not None, "only entry-point cases run here"
    try:  # a path that does not import says so before any recording is looked for
        load_function(case.entry.function)
    except CheckConfigError as exc:
        return [Completion(model=model, error=str(exc))]
    cassette = open_case(router, case, model, settings, hint)
    if isinstance(cassette, Completion):
        return [cassette]
    live = settings.record_mode != "none"
    with sole_case_cassette(router, cassette):
        samples = [_one_run(start(case, model, cassette, hint, live)) for _ in range(case.samples)]
    close_case(router, cassette, samples)
    return samples


@dataclass
class Attempt:
    """One call of the team's function on one model: what it needs, and where the
    cassette stood when it began (so only its own exchanges are read after)."""

    case: Case
    entry: EntryPoint
    model: str
    cassette: ObservedCassette
    hint: RecordHint
    live: bool
    function: Any
    kwargs: dict[str, Any]
    seen: tuple[int, int, int] = (0, 0, 0)
    played: int = 0
    started: float = 0.0

    @property
    def what(self) -> str:
        return f"the entry point {self.entry.function} on {self.model}"


def start(
    case: Case, model: str, cassette: ObservedCassette, hint: RecordHint, live: bool
) -> Attempt | Completion:
    """An attempt about to call the function; its configuration error as the answer."""
    entry = case.entry
    assert entry is not None, "only entry-point cases run here"
    try:
        function = load_function(entry.function)
        kwargs = prepared_inputs(entry)
    except CheckConfigError as exc:
        return Completion(model=model, error=str(exc))
    seen = len(cassette.exchanges), len(cassette.blocked), len(cassette.missing)
    return Attempt(
        case, entry, model, cassette, hint, live, function, kwargs, seen,
        cassette.play_count, time.perf_counter(),
    )  # fmt: skip


def _one_run(attempt: Attempt | Completion) -> Completion:
    """A sync function's call, on this thread, within its time limit."""
    if isinstance(attempt, Completion):
        return attempt
    printed = Printed()
    try:
        with handed_model(attempt.entry, attempt.model, attempt.kwargs), kept_off(printed):
            result: Returned = call_with_timeout(
                lambda: call_function(attempt.function, attempt.kwargs),
                attempt.entry.timeout_s,
                attempt.what,
            )
    except CheckRunError as exc:
        return Completion(model=attempt.model, error=limit_note(str(exc)))
    return finished(attempt, result, printed.chars)


def finished(attempt: Attempt, result: Returned, printed: int) -> Completion:
    """The attempt's answer: what the function returned or raised, and the calls it made;
    or the error that makes it say nothing (a blocked host, a missing recording, ...)."""
    elapsed_ms = (time.perf_counter() - attempt.started) * 1000
    cassette, model = attempt.cassette, attempt.model
    calls = tuple(model_call(r, response) for r, response in cassette.exchanges[attempt.seen[0] :])
    path = Path(cassette._path)
    problem = _run_problem(attempt.case, model, cassette, attempt.seen, calls, attempt.hint, path)
    if problem is not None:
        return Completion(model=model, error=problem)
    returned, raised = result
    text = "" if raised is not None else as_text(returned)
    if len(text) > MAX_RETURN_CHARS:
        return Completion(
            model=model,
            error=f"{attempt.what} returned {len(text):,} characters, more than "
            f"{MAX_RETURN_CHARS:,}",
        )
    went_out = attempt.live and cassette.play_count == attempt.played
    latency, source = _latency(calls, elapsed_ms, went_out)
    return Completion(
        model=model,
        text=text,
        finish_reason="stop",
        usage=Usage(
            sum(c.input_tokens for c in calls),
            sum(c.cached_input_tokens for c in calls),
            sum(c.output_tokens for c in calls),
        ),
        latency_ms=latency,
        latency_source=source,
        response_model=None,
        entry_run=EntryRun(returned, raised, calls, printed),
    )


def _run_problem(
    case: Case,
    model: str,
    cassette: ObservedCassette,
    seen: tuple[int, int, int],
    calls: tuple[ModelCall, ...],
    hint: RecordHint,
    path: Path,
) -> str | None:
    """Why this run says nothing about the function: a blocked host, a missing recording,
    or requests that never named the model it was handed."""
    blocked = cassette.blocked[seen[1] :]
    if blocked:
        return (
            f"the entry point sent a request to {', '.join(blocked)}, which migrate-check "
            "blocks: only the OpenAI API is recorded; name the host in entry.allow_hosts "
            "to let it through (it is never recorded)"
        )
    missing = cassette.missing[seen[2] :]
    if missing:
        step = len(calls) + 1
        return (
            f"no recording of call {step} ({missing[0]}) of case {case.key!r} on model "
            f"{model!r} in {shown_path(path)}; record it with: "
            f"{hint(case, model, 'all')}"
        )
    named = {c.model for c in calls if c.endpoint in _MIGRATING}
    if named and model not in named:
        return (
            f"the entry point's requests named {', '.join(sorted(named))}, not {model}: it did "
            "not use the model it was handed (see entry.pass_model; `rewrite` moves a model "
            "read at import or written in the code)"
        )
    for step, call in enumerate(calls, 1):
        if call.endpoint in _MIGRATING and not same_model(model, call.answered_by):
            return (
                f"call {step} of the entry point was answered by {call.answered_by!r}, not by "
                f"{model!r} that it asked for (a deployment or gateway routing by its own "
                "name: see entry.pass_model)"
            )
    return None


def _latency(
    calls: tuple[ModelCall, ...], elapsed_ms: float, went_out: bool
) -> tuple[float | None, LatencySource | None]:
    """The API's own time summed over the calls; else, when every call went out, the time
    the function took (a replayed call's time is vcrpy's, not the API's)."""
    if calls and all(c.latency_ms is not None for c in calls):
        return sum(c.latency_ms or 0.0 for c in calls), "openai-processing-ms"
    if went_out:
        return elapsed_ms, "measured"
    return None, None
