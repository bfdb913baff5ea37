"""What the team's function sent the API, read from the exchanges its cassette saw.

Each exchange becomes a `ModelCall`: the endpoint, the model the request named, the
function tools the answer asked for, its tokens and its latency. An embeddings call or
any other endpoint counts as a call with its usage, without tools.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from migrate_check.cassettes.answers import completions_from_body, endpoint_of, processing_ms
from migrate_check.core.entry import ModelCall
from migrate_check.safety.bodies import decode_response


def model_call(request: Any, response: dict[str, Any]) -> ModelCall:
    """One exchange (a vcrpy request and response) as the call it was."""
    body = _json(request.body)
    named = body.get("model") if isinstance(body, dict) else None
    model = named if isinstance(named, str) else ""
    status_value = (response.get("status") or {}).get("code", 0)
    status = status_value if isinstance(status_value, int) else 0
    endpoint = endpoint_of(str(getattr(request, "path", "") or ""))
    text = _text(response)
    headers = {str(k).lower(): v for k, v in (response.get("headers") or {}).items()}
    latency = processing_ms(_first(headers.get("openai-processing-ms")))
    if endpoint in ("chat.completions", "responses") and 200 <= status < 300:
        streamed = isinstance(body, dict) and body.get("stream") is True
        found = completions_from_body(text, endpoint, streamed, model, latency)
        if found and found[0].error is None:
            usage = found[0].usage
            return ModelCall(
                endpoint=endpoint,
                model=model,
                status=status,
                tools=tuple(call.name for answer in found for call in answer.tool_calls),
                input_tokens=usage.input_tokens,
                cached_input_tokens=usage.cached_input_tokens,
                output_tokens=usage.output_tokens,
                latency_ms=latency,
                answered_by=found[0].response_model,
            )
    answer = _json(text)
    counted = answer.get("usage") if isinstance(answer, dict) else None
    tokens = (
        counted.get("prompt_tokens", counted.get("input_tokens", 0))
        if isinstance(counted, dict)
        else 0
    )
    return ModelCall(
        endpoint=endpoint,
        model=model,
        status=status,
        input_tokens=tokens if isinstance(tokens, int) and tokens >= 0 else 0,
        latency_ms=latency,
    )


def _text(response: dict[str, Any]) -> str:
    try:
        decoded = decode_response(copy.deepcopy(response))
    except Exception:  # noqa: BLE001 - an unreadable body is a call without figures
        return ""
    content = (decoded.get("body") or {}).get("string", "")
    if isinstance(content, bytes):
        return content.decode("utf-8", errors="replace")
    return content if isinstance(content, str) else ""


def _json(body: Any) -> Any:
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if not isinstance(body, str) or not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        return str(value[0]) if value else None
    return None if value is None else str(value)
