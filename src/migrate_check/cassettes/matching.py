"""How a live request finds its recorded answer: same method, endpoint and JSON body.

Bodies are compared as JSON, not as bytes, so a re-serialized request still replays,
while a changed prompt is a missing recording rather than a stale answer.
"""

from __future__ import annotations

import json
from typing import Any

from migrate_check.cassettes.answers import endpoint_of


def _endpoint_matcher(r1: Any, r2: Any) -> None:
    if endpoint_of(r1.path) != endpoint_of(r2.path):
        raise AssertionError(f"{r1.path} != {r2.path}")


def _json_of(body: Any) -> Any:
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body


def _json_body_matcher(r1: Any, r2: Any) -> None:
    """Bodies equal as JSON: a changed prompt is a missing recording, never a stale answer."""
    left, right = _json_of(r1.body), _json_of(r2.body)
    if left != right:
        raise AssertionError(_body_difference(left, right))


def _body_difference(left: Any, right: Any) -> str:
    if isinstance(left, dict) and isinstance(right, dict):
        keys = sorted(k for k in set(left) | set(right) if left.get(k) != right.get(k))
        return f"request body differs in {', '.join(keys)}"
    return "request body differs"


def matchers() -> list[Any]:
    """vcrpy's `match_on` for every cassette: method, endpoint, then body as JSON."""
    from vcr import matchers

    return [matchers.method, _endpoint_matcher, _json_body_matcher]
