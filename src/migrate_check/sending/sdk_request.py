"""What one case sends through the SDK: the JSON body, which cassettes match on, and the
SDK's own request options (`extra_headers`, `extra_query`, `extra_body`, `timeout`),
which a suite may give in `request:` and which travel beside the body, not in it.

`extra_body`'s keys do go into the body the API receives, so they are part of the match;
headers, the query and the timeout are not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from migrate_check.core.case import Case

#: One (case, model) to send: the case as its side sends it (`Case.on_side`), and the
#: model. Each model's cassette then matches that model's own request.
Job = tuple[Case, str]

#: Keys of a suite's `request:` that are the SDK's per-request options, not API parameters.
SDK_OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout")


class RequestOptionError(ValueError):
    """An SDK option of the wrong shape; the message names it."""


def request_body(case: Case, model: str) -> dict[str, Any]:
    """The JSON body the API receives for a case on a model (what cassettes match on)."""
    body = {k: v for k, v in case.request.items() if k not in SDK_OPTIONS}
    extra = case.request.get("extra_body")
    if isinstance(extra, Mapping):
        body.update(extra)
    return {**body, "model": model}


#: The path each API posts to, relative to the client's base URL.
API_PATHS = {"chat": "/chat/completions", "responses": "/responses"}


def api_path(case: Case) -> str:
    """Where a case's request goes: `/chat/completions` or `/responses`."""
    return API_PATHS.get(case.api, API_PATHS["chat"])


@dataclass(frozen=True)
class Post:
    """One case's request on one model, built once and sent for each sample."""

    path: str
    body: dict[str, Any]
    options: dict[str, Any]  # the SDK's `RequestOptions`: headers, params, timeout


def post_for(case: Case, model: str) -> Post:
    """What `client.post` sends for a case on a model: the very body the cassettes match
    on (`request_body`), with the suite's SDK options as the SDK's request options.

    The SDK's resource methods (`chat.completions.create`) would run the body through
    their typed-dict transform first; a suite's body is plain JSON already, so posting
    it as it is sends the same bytes without that cost (most of a request's CPU).
    """
    given = case.request.get("extra_body")
    if given is not None and not isinstance(given, Mapping):
        raise RequestOptionError(f"request option 'extra_body' must be a mapping: {given!r}")
    # The API key as a bearer token only, as `create()` sends it (never an admin key).
    options: dict[str, Any] = {"security": {"bearer_auth": True}}
    for name, option in (("extra_headers", "headers"), ("extra_query", "params")):
        value = case.request.get(name)
        if value is not None and not isinstance(value, Mapping):
            raise RequestOptionError(f"request option {name!r} must be a mapping: {value!r}")
        if value:
            options[option] = {str(k): str(v) for k, v in value.items()}
    timeout = case.request.get("timeout")
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise RequestOptionError(f"request option 'timeout' must be seconds: {timeout!r}")
        options["timeout"] = float(timeout)
    return Post(api_path(case), request_body(case, model), options)
