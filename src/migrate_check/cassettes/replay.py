"""Offline replay without HTTP: read a case's cassette with vcrpy and match its requests.

With no network to reach, sending each request through the SDK and vcrpy's patched
transport only to get the recorded bytes back is most of a replay's cost. Replay reads
the same plain vcrpy cassette with vcrpy's own deserializer and request matching, and
hands the recorded body to the same parser a live answer goes through, so both paths
judge identical completions (a test holds them to that).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from migrate_check.cassettes.answers import (
    CHAT_ENDPOINT,
    RESPONSES_ENDPOINT,
    completions_from_body,
    endpoint_of,
    processing_ms,
)
from migrate_check.cassettes.files import AtomicPersister, CassetteLoadError
from migrate_check.cassettes.matching import matchers
from migrate_check.cassettes.stream_timing import attach, recorded_timing
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion, LatencySource, StreamTiming
from migrate_check.safety import sanitize, secrets
from migrate_check.safety.bodies import BodyTooLarge, decode_response

# The URI a replayed request is matched with; host and port are not matched on.
_REPLAY_BASE = "https://api.openai.com/v1"


#: One recorded answer: its body, its `openai-processing-ms` and `openai-batch-id`
#: headers, and how it streamed (migrate-check's metadata; None when not recorded).
Answer = tuple[str, str | None, str | None, StreamTiming | None]


class MissingRecording(Exception):
    """No cassette, or an empty one, for a case on a model."""


class RecordingMismatch(Exception):
    """The cassette exists but holds no (or too few) answers to the case's request."""


def _live_request(case: Case, body: dict[str, Any]) -> Any:
    from vcr.request import Request

    endpoint = "responses" if case.api == "responses" else "chat/completions"
    return Request("POST", f"{_REPLAY_BASE}/{endpoint}", json.dumps(body).encode(), {})


def _stored_json(raw: Any) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _header(headers: dict[str, Any], wanted: str) -> str | None:
    for name, value in headers.items():
        if name.lower() == wanted:
            return str(value[0] if isinstance(value, list) and value else value)
    return None


def matching_answers(
    path: Path, case: Case, body: dict[str, Any], stale: list[int] | None = None
) -> list[Answer]:
    """Every recorded body answering this request, with its `openai-processing-ms` and
    `openai-batch-id` headers, in order; none without a cassette (CassetteLoadError for
    one that cannot be read)."""
    from vcr.persisters.filesystem import CassetteNotFoundError
    from vcr.serializers import yamlserializer

    try:
        requests, responses, *metadata = AtomicPersister.load_cassette(path, yamlserializer)
    except CassetteNotFoundError:
        return []
    return _answers(path, requests, responses, metadata, case, body, stale)


def _answers(
    path: Path,
    requests: list[Any],
    responses: list[Any],
    metadata: list[Any],
    case: Case,
    body: dict[str, Any],
    stale: list[int] | None,
) -> list[Answer]:
    from vcr.matchers import requests_match

    live = _live_request(case, body)
    match_on = matchers()
    answers = []
    for index, (stored, response) in enumerate(zip(requests, responses, strict=False)):
        # The common case, decided without re-serialising the live body for every match.
        plain_match = (
            stored.method == "POST"
            and endpoint_of(stored.path) == endpoint_of(live.path)
            and _stored_json(stored.body) == body
        )
        if not (plain_match or requests_match(live, stored, match_on)):
            if stale is not None:
                stale.append(index)
        else:
            if _header(response.get("headers", {}), "content-encoding"):
                try:
                    response = decode_response(response)
                except BodyTooLarge as exc:
                    raise CassetteLoadError(path, f"an answer is refused: {exc}") from None
            raw = response.get("body", {}).get("string", b"")
            text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
            headers = response.get("headers", {})
            answers.append(
                (
                    text,
                    _header(headers, "openai-processing-ms"),
                    _header(headers, "openai-batch-id"),
                    recorded_timing(metadata[0] if metadata else None, raw),
                )
            )
    return answers


def recorded_answers(
    path: Path, case: Case, body: dict[str, Any], stale: list[int] | None = None
) -> list[Answer]:
    """The recorded bodies (with `openai-processing-ms` and `openai-batch-id`) answering
    this request, one per sample.

    The positions of recorded exchanges that answer no current request (a prompt edited
    and recorded again beside its old answer) are appended to `stale`.
    Raises MissingRecording, RecordingMismatch or CassetteLoadError.
    """
    from vcr.matchers import get_matchers_results
    from vcr.persisters.filesystem import CassetteNotFoundError
    from vcr.serializers import yamlserializer

    try:
        requests, responses, *metadata = AtomicPersister.load_cassette(path, yamlserializer)
    except CassetteNotFoundError:
        raise MissingRecording(str(path)) from None
    if not requests:
        raise MissingRecording(str(path))
    answers = _answers(path, requests, responses, metadata, case, body, stale)
    if not answers:
        live = _live_request(case, body)
        _, failures = get_matchers_results(live, requests[0], matchers())
        reasons = [message.splitlines()[0] for _name, message in failures if message]
        raise RecordingMismatch("; ".join(reasons) or "no recorded request matches")
    if len(answers) < case.samples:
        raise RecordingMismatch(f"{len(answers)} recorded answer(s) for {case.samples} samples")
    return answers[: case.samples]


def replay(
    path: Path, case: Case, model: str, body: dict[str, Any], stale: list[int] | None = None
) -> list[Completion]:
    """Every sample of a case on a model, from its cassette (errors as exceptions); the
    positions of stale exchanges are appended to `stale`."""
    endpoint = RESPONSES_ENDPOINT if case.api == "responses" else CHAT_ENDPOINT
    streamed = bool(case.request.get("stream"))
    completions = []
    for text, header, batch_id, timing in recorded_answers(path, case, body, stale):
        latency = processing_ms(header)
        source: LatencySource | None = "openai-processing-ms" if latency is not None else None
        found = completions_from_body(text, endpoint, streamed, model, latency, source)
        for completion in found:
            completion.batch_id = batch_id
        attach(found, timing)
        completions += found
    return sanitize.completions(completions, secrets.from_environment())


__all__ = ["CassetteLoadError", "MissingRecording", "RecordingMismatch", "replay"]
