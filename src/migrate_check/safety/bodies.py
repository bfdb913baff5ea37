"""Compressed HTTP bodies inflated within a bound: a gzip bomb is refused, never inflated.

A cassette from elsewhere (or a hostile server while recording) can hold a few kilobytes
of gzip that inflate to gigabytes. Every decompression here stops at `MAX_BODY_BYTES`,
far above any real answer (a 100,000-token answer is under 1 MiB).
"""

from __future__ import annotations

import copy
import zlib
from typing import Any

MAX_BODY_BYTES = 32 * 1024 * 1024
_INFLATE_STEP_BYTES = 1024 * 1024  # checked against the bound after each step


class BodyTooLarge(ValueError):
    """A compressed body inflates beyond the bound."""

    def __init__(self, coding: str, limit: int) -> None:
        super().__init__(
            f"its {coding} body inflates beyond {limit // (1024 * 1024)} MiB "
            "(a compression bomb?); refused"
        )


def _inflate(data: bytes, wbits: int, coding: str, limit: int) -> bytes:
    """Every member of a (possibly multi-member) zlib, gzip or raw deflate stream."""
    out = bytearray()
    rest = data
    while rest:
        inflater = zlib.decompressobj(wbits)
        pending = rest
        while pending:
            out += inflater.decompress(pending, _INFLATE_STEP_BYTES)
            if len(out) > limit:
                raise BodyTooLarge(coding, limit)
            pending = inflater.unconsumed_tail
        out += inflater.flush()
        if len(out) > limit:
            raise BodyTooLarge(coding, limit)
        rest = inflater.unused_data if inflater.eof else b""
        if not inflater.eof:
            raise zlib.error(f"{coding} body is cut short")
    return bytes(out)


def gunzip(data: bytes, limit: int = MAX_BODY_BYTES) -> bytes:
    return _inflate(data, 16 + zlib.MAX_WBITS, "gzip", limit)


def inflate(data: bytes, limit: int = MAX_BODY_BYTES) -> bytes:
    """`deflate` as servers send it: zlib-wrapped, or (some servers) raw."""
    try:
        return _inflate(data, zlib.MAX_WBITS, "deflate", limit)
    except zlib.error:
        return _inflate(data, -zlib.MAX_WBITS, "deflate", limit)


DECODERS = {"gzip": gunzip, "x-gzip": gunzip, "deflate": inflate}


def decode_response(response: dict[str, Any], limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """vcrpy's `decode_response`, bounded: the body inflated, `content-encoding` dropped.

    Encodings other than gzip and deflate are left as they are. Raises `BodyTooLarge`;
    a body that does not inflate is left as it was, as vcrpy leaves it.
    """
    headers = response.get("headers") or {}
    name = next((n for n in headers if str(n).lower() == "content-encoding"), None)
    if name is None:
        return response
    value = headers[name]
    codings = value if isinstance(value, list) else [value]
    coding = str(codings[0]).strip().lower() if codings else ""
    decoder = DECODERS.get(coding)
    body = (response.get("body") or {}).get("string")
    if decoder is None or not isinstance(body, bytes):
        return response
    try:
        inflated = decoder(body, limit)
    except zlib.error:
        return response
    decoded = copy.deepcopy({k: v for k, v in response.items() if k != "body"})
    decoded["body"] = {**response["body"], "string": inflated}
    new_headers = dict(decoded.get("headers") or {})
    del new_headers[name]
    new_headers["content-length"] = [str(len(inflated))]
    decoded["headers"] = new_headers
    return decoded
