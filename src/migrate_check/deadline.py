"""`--request-timeout` bounds a whole answer, not just the gap between two bytes.

httpx's timeouts apply to each network operation, so a server that trickles its answer
one byte at a time, each within the read timeout, holds a request open for as long as
it likes. The client here puts one deadline on each attempt (connect, send, the whole
body), and an attempt past it fails as the SDK's own timeouts do: retried while retries
remain, then an `APITimeoutError`.
"""

from __future__ import annotations

import asyncio
from typing import Any


def deadline_client(timeout_s: float, **kwargs: Any) -> Any:
    """The SDK's default async HTTP client, each attempt bounded by `timeout_s` seconds."""
    import httpx2
    import openai

    class DeadlineClient(openai.DefaultAsyncHttpxClient):
        async def send(self, request: Any, **options: Any) -> Any:
            try:
                async with asyncio.timeout(timeout_s):
                    return await super().send(request, **options)
            except TimeoutError:
                raise httpx2.ReadTimeout(
                    f"no whole answer within {timeout_s:g} s", request=request
                ) from None

    return DeadlineClient(**kwargs)
