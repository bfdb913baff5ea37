"""What a cassette keeps: harmless headers, no secret values, only whole 2xx answers.

Cassettes are meant to be committed, so everything vcrpy would record passes through
these filters first, whether it comes from a live run or from an importer.
"""

from __future__ import annotations

import json
from typing import Any

from migrate_check.safety import secrets
from migrate_check.safety.bodies import decode_response

# Request headers kept in a cassette; everything else (authorization, api-key,
# openai-organization, openai-project, cookie, the SDK's volatile x-stainless-* and
# user-agent) is dropped, so nothing secret lands and re-recording does not churn.
KEPT_REQUEST_HEADERS = frozenset({"content-type", "accept"})
# Response headers kept: only what replay, latency, cost and pacing read. An allow-list,
# so a header a proxy invents (one echoing the key, a cookie under a new name) never lands.
KEPT_RESPONSE_HEADERS = frozenset(
    {
        "content-type",
        "content-encoding",
        "openai-processing-ms",
        "openai-batch-id",  # marks an exchange recorded through the Batch API (batch.py)
        "retry-after",
        "retry-after-ms",
        *(
            f"x-ratelimit-{what}-{kind}"
            for what in ("limit", "remaining", "reset")
            for kind in ("requests", "tokens")
        ),
    }
)


def scrub_request(request: Any) -> Any:
    """Keep only harmless request headers, and no secret value in the URI or body; runs on
    live requests before matching too, so both sides of a match are scrubbed alike."""
    for name in list(request.headers):
        if name.lower() not in KEPT_REQUEST_HEADERS:
            del request.headers[name]
    scrubber = secrets.from_environment()
    request.uri = scrubber.uri(request.uri)
    if scrubber and isinstance(request.body, bytes):
        request.body = scrubber.raw(request.body)
    elif scrubber and isinstance(request.body, str):
        request.body = scrubber.text(request.body)
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any] | None:
    """Record only 2xx answers, decoded, without secret or volatile headers."""
    status = response.get("status", {}).get("code", 0)
    if not 200 <= int(status) < 300:
        return None
    response = decode_response(response)
    if not body_is_whole(response):
        return None  # a 200 whose body was cut or garbled: replaying it would fail forever
    scrubber = secrets.from_environment()
    headers = response.get("headers", {})
    response["headers"] = {
        name: [scrubber.text(str(v)) for v in value] if isinstance(value, list) else value
        for name, value in headers.items()
        if name.lower() in KEPT_RESPONSE_HEADERS
    }
    body = response.get("body", {})
    if scrubber and isinstance(body.get("string"), bytes):
        body["string"] = scrubber.raw(body["string"])
    elif scrubber and isinstance(body.get("string"), str):
        body["string"] = scrubber.text(body["string"])
    return response


def _header(headers: dict[str, Any], wanted: str) -> str:
    for name, value in headers.items():
        if name.lower() == wanted:
            return " ".join(map(str, value)) if isinstance(value, list) else str(value)
    return ""


def body_is_whole(response: dict[str, Any]) -> bool:
    """Whether a (decoded) answer's body is complete: JSON that parses, or an event stream
    whose every `data:` event parses. Bodies of other types are taken as they are."""
    content_type = _header(response.get("headers", {}), "content-type").lower()
    if "json" not in content_type and "event-stream" not in content_type:
        return True
    body = response.get("body", {}).get("string", "")
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else str(body)
        if "event-stream" not in content_type:
            json.loads(text)
            return True
        for block in text.replace("\r\n", "\n").split("\n\n"):
            data = "\n".join(
                line[5:].strip() for line in block.split("\n") if line.startswith("data:")
            )
            if data and data != "[DONE]":
                json.loads(data)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return False
    return True
