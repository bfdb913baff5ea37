"""`--request-timeout` bounds a whole answer, not just the gap between two bytes.

httpx's timeouts apply to each network operation, so a server that trickles its answer
one byte at a time, each within the read timeout, holds a request open for as long as
it likes. The client here puts one deadline on each attempt (connect, send, the whole
body), and an attempt past it fails as the SDK's own timeouts do: retried while retries
remain, then an `APITimeoutError`.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any


@functools.cache
def _ssl_context() -> Any:
    """The TLS settings every client of a run shares: building them takes ~40 ms each."""
    import httpx2

    return httpx2.create_ssl_context()


def warm_up() -> None:
    """Build what every client shares before processes fork, so each inherits it."""
    _ssl_context()


@functools.cache
def _client_class() -> Any:
    """The SDK's default async client with a deadline per attempt (built once: a run
    makes a client per few connections)."""
    import httpx2
    import openai

    class DeadlineClient(openai.DefaultAsyncHttpxClient):
        deadline_s: float

        async def send(self, request: Any, **options: Any) -> Any:
            try:
                async with asyncio.timeout(self.deadline_s):
                    return await super().send(request, **options)
            except TimeoutError:
                raise httpx2.ReadTimeout(
                    f"no whole answer within {self.deadline_s:g} s", request=request
                ) from None

    return DeadlineClient


def deadline_client(timeout_s: float, connections: int | None = None, **kwargs: Any) -> Any:
    """The SDK's default async HTTP client, each attempt bounded by `timeout_s` seconds,
    with at most `connections` open connections (the SDK's default pool without)."""
    import httpx2

    if connections is not None:
        kwargs["limits"] = httpx2.Limits(
            max_connections=connections, max_keepalive_connections=connections
        )
    client = _client_class()(verify=_ssl_context(), **kwargs)
    client.deadline_s = timeout_s
    return client
