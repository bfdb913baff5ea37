"""What one case sends through the SDK: the JSON body, which cassettes match on, and the
SDK's own request options (`extra_headers`, `extra_query`, `extra_body`, `timeout`),
which a suite may give in `request:` and which travel beside the body, not in it.

`extra_body`'s keys do go into the body the API receives, so they are part of the match;
headers, the query and the timeout are not.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from typing import Any

from migrate_check.case import Case

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


@functools.cache
def _sdk_parameters(function: Any) -> frozenset[str]:
    return frozenset(inspect.signature(function).parameters)


def create_arguments(method: Any, case: Case, model: str) -> dict[str, Any]:
    """Keyword arguments for `client.chat.completions.create` (or `responses.create`).

    API parameters the SDK knows go as themselves; any it does not (newer than the SDK)
    ride in `extra_body`, with the suite's own `extra_body`, so the body is the same.
    """
    known = _sdk_parameters(getattr(method, "__func__", method)) - set(SDK_OPTIONS)
    body = {k: v for k, v in case.request.items() if k not in SDK_OPTIONS}
    body["model"] = model
    arguments = {k: v for k, v in body.items() if k in known}
    extra_body = {k: v for k, v in body.items() if k not in known}
    given = case.request.get("extra_body")
    if given is not None:
        if not isinstance(given, Mapping):
            raise RequestOptionError(f"request option 'extra_body' must be a mapping: {given!r}")
        extra_body.update(given)
    if extra_body:
        arguments["extra_body"] = extra_body
    for name in ("extra_headers", "extra_query"):
        value = case.request.get(name)
        if value is not None and not isinstance(value, Mapping):
            raise RequestOptionError(f"request option {name!r} must be a mapping: {value!r}")
        if value:
            arguments[name] = {str(k): str(v) for k, v in value.items()}
    timeout = case.request.get("timeout")
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise RequestOptionError(f"request option 'timeout' must be seconds: {timeout!r}")
        arguments["timeout"] = float(timeout)
    return arguments
