"""Turn a stored HTTP body into text: undo content-encoding, decode UTF-8.

Recorders that keep the raw bytes (`!!binary` with `content-encoding: gzip`)
store what came off the wire; everything downstream wants the JSON or SSE text.
"""

from __future__ import annotations

import importlib
import json
import zlib
from typing import Any

from migrate_check.safety import bodies

_GZIP_MAGIC = b"\x1f\x8b"


class BodyError(ValueError):
    """The body cannot be turned into text; the message says why."""


def body_text(body: str | bytes | dict[str, Any] | list[Any] | None, encoding: str) -> str | None:
    """The body as text, or None when nothing was recorded.

    `encoding` is the `content-encoding` header value ('' when absent). Mappings
    (pydantic-ai's `parsed_body`) are serialized back to compact JSON.
    """
    if body is None:
        return None
    if isinstance(body, dict | list):
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    if isinstance(body, str):
        return body
    raw = decompress(body, encoding)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyError(f"body is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def decompress(data: bytes, encoding: str) -> bytes:
    """Undo each content-encoding in reverse order; sniff gzip when the header was dropped."""
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
    if not codings and data.startswith(_GZIP_MAGIC):
        codings = ["gzip"]
    for coding in reversed(codings):
        if coding == "identity" or _looks_decoded(data):
            continue  # some recorders decode the body but keep the header
        if coding in ("gzip", "x-gzip"):
            data = _gunzip(data)
        elif coding == "deflate":
            data = _inflate(data)
        elif coding in _OPTIONAL_CODEC_MODULES:
            data = _optional_codec(coding, data)
        else:
            raise BodyError(f"unknown content-encoding {coding!r}")
    return data


def _looks_decoded(data: bytes) -> bool:
    head = data.lstrip()[:6]
    return head[:1] in (b"{", b"[") or head.startswith((b"data:", b"event:"))


def _gunzip(data: bytes) -> bytes:
    try:
        return bodies.gunzip(data)
    except bodies.BodyTooLarge as exc:
        raise BodyError(f"gzip body refused: {exc}") from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise BodyError(f"gzip body does not decompress: {exc}") from exc


def _inflate(data: bytes) -> bytes:
    try:
        return bodies.inflate(data)
    except bodies.BodyTooLarge as exc:
        raise BodyError(f"deflate body refused: {exc}") from exc
    except zlib.error:
        raise BodyError("deflate body does not decompress") from None


_OPTIONAL_CODEC_MODULES = {"br": ("brotli", "brotlicffi"), "zstd": ("zstandard",)}


def _optional_codec(coding: str, data: bytes) -> bytes:
    """Brotli and zstd need third-party modules; say which when none is installed."""
    for name in _OPTIONAL_CODEC_MODULES[coding]:
        try:
            module: Any = importlib.import_module(name)
        except ImportError:
            continue
        try:
            if coding == "zstd":
                return bytes(module.ZstdDecompressor().decompressobj().decompress(data))
            return bytes(module.decompress(data))
        except Exception as exc:  # codec modules raise their own error types
            raise BodyError(f"{coding} body does not decompress: {exc}") from exc
    needed = " or ".join(repr(n) for n in _OPTIONAL_CODEC_MODULES[coding])
    raise BodyError(f"content-encoding {coding} needs the {needed} package (pip install it)")
