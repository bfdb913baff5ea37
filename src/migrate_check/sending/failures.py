"""What a case's `error` says when its answer could not be fetched, and what to run next.

Each message names the case, the model and the cassette, and ends with the command
that records (or re-records) it; API errors are reduced to one line without secrets.
`replay_failure` words a cassette that could not be replayed, `call_failure` a live
call that failed; the grader's calls (`grading`) reuse the pieces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from migrate_check.cassettes.files import CassetteLoadError
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion
from migrate_check.core.paths import shown_path
from migrate_check.safety.log_scrubbing import scrub_secrets
from migrate_check.sending.pacing import QuotaExhausted

RecordHint = Callable[[Case, str, str], str]  # (case, model, record mode) -> a command
_SDK_PREFIX = re.compile(r"^Error code: \d+( - )?")


def cause_of(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first exception of `kind` in `exc`'s chain of causes (the SDK wraps vcrpy's)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def missing(case: Case, model: str, path: Path, hint: RecordHint) -> str:
    """No cassette for the case on the model: where it was looked for, how to record it."""
    return (
        f"no recording of case {case.key!r} on model {model!r} (looked for "
        f"{shown_path(path)}); record it with: {hint(case, model, 'once')}"
    )


def mismatch(case: Case, model: str, path: Path, exc: Any, hint: RecordHint) -> str:
    """A vcrpy `CannotOverwriteExistingCassetteException`, as one line with its cause."""
    details = []
    for _request, _ok, failed in getattr(exc, "similar_requests", [])[:1]:
        details = [message for _name, message in failed]
    reason = "; ".join(d.splitlines()[0] for d in details if d) or "no recorded request matches"
    if getattr(exc, "reason", "") == "already_played":
        reason = "every recorded answer was already used (more samples than recorded?)"
    return mismatch_text(case, model, path, reason, hint)


def mismatch_text(case: Case, model: str, path: Path, reason: str, hint: RecordHint) -> str:
    """A cassette recorded for another request than the case sends now, and why."""
    return (
        f"the recording of case {case.key!r} on model {model!r} ({shown_path(path)}) does not "
        f"match the case's request ({reason}); the case changed since it was recorded. "
        f"Record it again with: {hint(case, model, 'all')}"
    )


def kept_note(completion: Completion, arrived: int, samples: int, path: Path) -> Completion:
    """A failed sample's error, saying the earlier whole recording was kept."""
    if completion.error is None:
        return completion
    completion.error += (
        f" ({arrived} of {samples} samples arrived, so the earlier recording "
        f"{shown_path(path)} was kept unchanged; run --record-mode all again to re-record it)"
    )
    return completion


def partial_note(completion: Completion, arrived: int, samples: int) -> Completion:
    """A failed sample's error, saying how many samples were recorded and how to add the rest."""
    if completion.error is None:
        return completion
    completion.error += (
        f" ({arrived} of {samples} samples were recorded; "
        "--record-mode new_episodes records the rest)"
    )
    return completion


def unreadable(exc: CassetteLoadError, model: str) -> Completion:
    """A cassette that cannot be read, as the case's error: delete it and record again."""
    shown = CassetteLoadError(shown_path(exc.path), exc.reason)
    return Completion(model=model, error=f"{shown}; delete it and record again")


def status_detail(exc: Any) -> str:
    """An API error's message on one line, without the SDK's "Error code: 429 - " prefix.

    A body that is missing (a streamed request) or an HTML page (a proxy's 502) says
    nothing useful, so the HTTP reason phrase stands in for it.
    """
    text = _SDK_PREFIX.sub("", str(exc.message)).strip()
    if not text or text.startswith("<"):
        text = getattr(exc.response, "reason_phrase", "") or "no detail"
    return " ".join(text.split())


def error_code(exc: Any) -> str | None:
    """An API error's `code` (else its `type`), from the body the SDK parsed."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            code = error.get("code") or error.get("type")
            return str(code) if code else None
    return getattr(exc, "code", None)


def replay_failure(
    exc: Exception, case: Case, model: str, path: Path, hint: RecordHint
) -> Completion:
    """Why a cassette could not be replayed: missing, unreadable, recorded for another
    request, or anything else that went wrong reading it (its first line)."""
    from migrate_check.cassettes.replay import MissingRecording, RecordingMismatch

    if isinstance(exc, MissingRecording):
        return Completion(model=model, error=missing(case, model, path, hint))
    if isinstance(exc, CassetteLoadError):
        return unreadable(exc, model)
    if isinstance(exc, RecordingMismatch):
        return Completion(model=model, error=mismatch_text(case, model, path, str(exc), hint))
    error = f"cannot replay {shown_path(path)}: {type(exc).__name__}: {exc}"
    return Completion(model=model, error=error.splitlines()[0])


def missing_v1(base_url: str | None) -> str | None:
    """The hint for a 404 from an OPENAI_BASE_URL whose path does not end in `/v1`
    (the SDK appends `/chat/completions` to it as given); None for any other URL."""
    if not base_url:
        return None
    path = urlsplit(base_url).path.rstrip("/")
    if path.endswith("/v1"):
        return None
    return (
        f"OPENAI_BASE_URL {base_url} does not end in /v1, where OpenAI-compatible servers "
        f"serve the API: try OPENAI_BASE_URL={base_url.rstrip('/')}/v1"
    )


def call_failure(
    exc: Exception,
    case: Case,
    model: str,
    path: Path,
    hint: RecordHint,
    *,
    secrets: Iterable[str | None],
    timeout_s: float,
    base_url: str | None = None,
) -> Completion:
    """Why a live call brought no answer, as its case's error, without secrets.

    `base_url`: OPENAI_BASE_URL, named in a 404's hint when it lacks `/v1`.
    Raises QuotaExhausted for an exhausted quota: no later call can succeed either.
    """
    import openai
    from vcr.errors import CannotOverwriteExistingCassetteException

    cassette_miss = cause_of(exc, CannotOverwriteExistingCassetteException)
    if cassette_miss is not None:
        return Completion(model=model, error=mismatch(case, model, path, cassette_miss, hint))
    if isinstance(exc, openai.APIStatusError):
        code = error_code(exc)
        message = scrub_secrets(status_detail(exc), secrets)
        if code == "insufficient_quota":
            raise QuotaExhausted(
                f"the API key's quota is exhausted (insufficient_quota) on {model}: "
                f"{message}. Add credit or use another key, then run again."
            ) from None
        error = f"API error {exc.status_code}: {message}"
        if exc.status_code == 404 and (v1 := missing_v1(base_url)):
            error += f" ({v1})"
        return Completion(model=model, error=error)
    if isinstance(exc, openai.APITimeoutError):
        error = f"API timeout: no whole answer within {timeout_s:g} s"
        return Completion(model=model, error=f"{error} (--request-timeout)")
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc
        detail = scrub_secrets(f"{type(cause).__name__}: {cause}", secrets)
        return Completion(model=model, error=f"connection error: {detail}")
    # Anything else (a recorded header that is not ASCII, say) fails this call only.
    lines = scrub_secrets(f"{type(exc).__name__}: {exc}", secrets).splitlines()
    return Completion(model=model, error=f"the call failed ({shown_path(path)}): {lines[0]}")
