"""Any vcrpy cassette -> `Exchange`s: what was asked, of which model, and what came back.

Reading never stops at a bad interaction: an exchange that cannot be
understood carries an `error` saying why (and one that cannot even be read as an
interaction is not `readable`), so one odd recording does not hide the rest of a
file. Only a file that is not a cassette at all raises.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from migrate_check.cassettes.answers import (
    CHAT_ENDPOINT,
    RESPONSES_ENDPOINT,
    completion_from_chat,
    completion_from_responses,
    completion_from_sse,
    endpoint_of,
    error_message,
)
from migrate_check.core.completion import Completion
from migrate_check.importing.cassette_format import Body, RawInteraction, Unreadable, load_raw
from migrate_check.importing.errors import CassetteReadError
from migrate_check.importing.http_body import BodyError, body_text
from migrate_check.importing.jsonl import MAX_DEPTH, deeper_than

__all__ = ["CassetteReadError", "Exchange", "endpoint_of", "read_cassette"]


@dataclass(frozen=True)
class Exchange:
    """One recorded call, interpreted.

    `endpoint` is "chat.completions", "responses", or the URL path of anything
    else. `completion` is None when the status is not 2xx, the endpoint does not
    answer with a model output, or the body could not be read; `error` then says
    why. `response_text` is the decoded body (JSON or SSE), kept so an importer
    can re-record it; `response_headers` are lower-cased, first value only.
    """

    source: Path
    index: int
    method: str
    endpoint: str
    request: dict[str, Any] | None
    model: str | None
    status: int
    stream: bool
    completion: Completion | None
    error: str | None
    uri: str = ""
    response_text: str | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    #: False for an interaction that could not be read at all (`error` says why); its
    #: `model` is still the one its request names, when the request body reads.
    readable: bool = True

    @property
    def path(self) -> str:
        return urlsplit(self.uri).path

    @property
    def where(self) -> str:
        """`file: interaction N`, the way errors name an exchange."""
        return f"{self.source}: interaction {self.index}"


def read_cassette(path: Path) -> list[Exchange]:
    """Every exchange of a cassette, in recorded order.

    Raises CassetteReadError (naming the file) when `path` is not a cassette.
    """
    return [
        _unreadable(path, n, raw) if isinstance(raw, Unreadable) else _exchange(path, n, raw)
        for n, raw in enumerate(load_raw(path))
    ]


def _unreadable(path: Path, index: int, raw: Unreadable) -> Exchange:
    """Why it cannot be read, and the model its request asked for when the request body
    reads (its skipped line goes under that model's suite)."""
    request, _ = _request_json(raw.request_body, raw.request_headers)
    model = request.get("model") if request else None
    return Exchange(
        source=path,
        index=index,
        method="",
        endpoint="",
        request=None,
        model=model if isinstance(model, str) else None,
        status=0,
        stream=False,
        completion=None,
        error=raw.reason,
        readable=False,
    )


def _exchange(path: Path, index: int, raw: RawInteraction) -> Exchange:
    endpoint = endpoint_of(raw.uri)
    request, request_error = _request_json(raw.request_body, raw.request_headers)
    model = request.get("model") if request else None
    headers = {name: values[0] for name, values in raw.response_headers.items() if values}
    text, body_error = _response_text(raw, headers)
    is_sse = _is_sse(headers, text)
    stream = bool(request and request.get("stream") is True) or is_sse
    if body_error is None:
        completion, error = _interpret(
            endpoint, raw.status, text, is_sse, str(model or ""), _latency(headers)
        )
    else:
        completion, error = None, body_error
    error = error or request_error
    return Exchange(
        source=path,
        index=index,
        method=raw.method,
        endpoint=endpoint,
        request=request,
        model=model if isinstance(model, str) else None,
        status=raw.status,
        stream=stream,
        completion=completion,
        error=error,
        uri=raw.uri,
        response_text=text,
        response_headers=headers,
    )


def _response_text(raw: RawInteraction, headers: dict[str, str]) -> tuple[str | None, str | None]:
    try:
        return body_text(raw.response_body, headers.get("content-encoding", "")), None
    except BodyError as exc:
        return None, f"response body unreadable: {exc}"


def _request_json(
    body: Body, headers: dict[str, list[str]]
) -> tuple[dict[str, Any] | None, str | None]:
    encoding = (headers.get("content-encoding") or [""])[0]
    try:
        text = body_text(body, encoding)
    except BodyError as exc:
        return None, f"request body unreadable: {exc}"
    if text is None or not text.strip():
        return None, None
    try:
        parsed = json.loads(text)
    except RecursionError:
        return None, "request body nested too deep to read"
    except ValueError:
        return None, "request body is not JSON"
    # Python 3.13's decoder reads far deeper than 3.11's before RecursionError: the same
    # body is refused the same way on every version.
    if text.count("[") + text.count("{") > MAX_DEPTH and deeper_than(parsed, MAX_DEPTH):
        return None, "request body nested too deep to read"
    return (parsed, None) if isinstance(parsed, dict) else (None, "request body is not an object")


def _is_sse(headers: dict[str, str], text: str | None) -> bool:
    if "text/event-stream" in headers.get("content-type", ""):
        return True
    return text is not None and text.lstrip().startswith(("data:", "event:"))


def _interpret(
    endpoint: str, status: int, text: str | None, is_sse: bool, model: str, latency: float | None
) -> tuple[Completion | None, str | None]:
    """The completion, or why there is none."""
    if not 200 <= status < 300:
        return None, f"HTTP {status}: {_error_text(text)}"
    if endpoint not in (CHAT_ENDPOINT, RESPONSES_ENDPOINT):
        return None, f"not a model answer ({endpoint})"
    if text is None or not text.strip():
        return None, "no response body recorded"
    try:
        if is_sse:
            completion = completion_from_sse(text, endpoint, model, latency)
        else:
            body = json.loads(text)
            if not isinstance(body, dict):
                return None, "response body is not a JSON object"
            build = completion_from_chat if endpoint == CHAT_ENDPOINT else completion_from_responses
            completion = build(body, model, latency)
    except RecursionError:
        return None, "response body nested too deep to read"
    except ValueError as exc:
        return None, f"response body unreadable: {str(exc).splitlines()[0]}"
    return completion, completion.error


def _error_text(text: str | None) -> str:
    if not text:
        return "no body recorded"
    try:
        return error_message(json.loads(text))
    except (ValueError, RecursionError):
        return " ".join(text.split())[:200]


def _latency(headers: dict[str, str]) -> float | None:
    try:
        return float(headers["openai-processing-ms"])
    except (KeyError, ValueError):
        return None
