"""Read a `multipart/form-data` body, as `POST /v1/files` receives it from the SDK.

Standard library only; `cgi` is gone from Python 3.13 and `email` would copy
the whole upload again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_PARAM = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


class MultipartError(ValueError):
    """The body is not the multipart form its Content-Type announces."""


@dataclass(frozen=True)
class Part:
    """One form field: its name, a filename for file fields, and its bytes."""

    name: str
    filename: str | None
    content_type: str
    data: bytes


def boundary(content_type: str) -> str:
    """The boundary a `multipart/form-data` Content-Type names."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise MultipartError("expected a multipart/form-data body")
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise MultipartError("the multipart Content-Type names no boundary")
    return match.group(1)


def parse(body: bytes, content_type: str) -> list[Part]:
    """The parts of a multipart body, in order."""
    delimiter = b"--" + boundary(content_type).encode()
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise MultipartError("the multipart body is cut short")
    parts: list[Part] = []
    for chunk in chunks[1:-1]:
        chunk = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise MultipartError("a multipart part has no header end")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        params = dict(_PARAM.findall(headers.get("content-disposition", "")))
        if "name" not in params:
            raise MultipartError("a multipart part has no name")
        parts.append(
            Part(
                name=params["name"],
                filename=params.get("filename"),
                content_type=headers.get("content-type", "text/plain"),
                data=data,
            )
        )
    return parts
