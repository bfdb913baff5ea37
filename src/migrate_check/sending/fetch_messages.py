"""What a case's `error` says when its answer could not be fetched, and what to run next.

Each message names the case, the model and the cassette, and ends with the command
that records (or re-records) it; API errors are reduced to one line without secrets.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from migrate_check.cassettes.recording import CassetteLoadError
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion
from migrate_check.core.paths import shown_path

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
    return (
        f"the recording of case {case.key!r} on model {model!r} ({shown_path(path)}) does not "
        f"match the case's request ({reason}); the case changed since it was recorded. "
        f"Record it again with: {hint(case, model, 'all')}"
    )


def kept_note(completion: Completion, arrived: int, samples: int, path: Path) -> Completion:
    if completion.error is None:
        return completion
    completion.error += (
        f" ({arrived} of {samples} samples arrived, so the earlier recording "
        f"{shown_path(path)} was kept unchanged; run --record-mode all again to re-record it)"
    )
    return completion


def partial_note(completion: Completion, arrived: int, samples: int) -> Completion:
    if completion.error is None:
        return completion
    completion.error += (
        f" ({arrived} of {samples} samples were recorded; "
        "--record-mode new_episodes records the rest)"
    )
    return completion


def unreadable(exc: CassetteLoadError, model: str) -> Completion:
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
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            code = error.get("code") or error.get("type")
            return str(code) if code else None
    return getattr(exc, "code", None)
