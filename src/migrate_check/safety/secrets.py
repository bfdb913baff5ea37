"""Secrets scrubbed by value from every byte the tool writes: cassettes, reports, logs.

The values are the ones the SDK reads from the environment (the API key, organization,
project, Azure's `api-key`) and the credentials inside `OPENAI_BASE_URL`
(`http://user:pass@host`), in the forms they take on the wire: as typed, percent-encoded
in a URL, JSON-escaped, and base64 in a `Basic` authorization header. Headers are not the
only place they show up: a proxy echoes a key in a response header, an error body quotes
a credential, a URL with user info lands in every recorded `uri` and DEBUG log line.

A value shorter than `MIN_SECRET_CHARS` is scrubbed only in its credential forms (the
`user:pass` pair and its base64), since replacing a short word such as "pass" everywhere
would garble every report.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

SECRET_ENV = (
    "OPENAI_API_KEY",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "OPENAI_ADMIN_KEY",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_AD_TOKEN",
)
URL_ENV = ("OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT")
REDACTED = "[redacted]"
MIN_SECRET_CHARS = 8

# Shapes of credentials in messages and logs, whatever their value: URL user info, an
# authorization scheme's token, a key (or a server's masked echo of one, `sk-abc***wxyz`).
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@'\"<>]+@")
_AUTH_TOKEN = re.compile(r"(?i)\b(Bearer|Basic)\s+[A-Za-z0-9._~+/\-=*]{4,}")
_KEY_LIKE = re.compile(r"\bsk-[A-Za-z0-9_\-*]{3,}")


# JSON's short escapes (`\/` is how some encoders write a slash); `\uXXXX` covers the rest.
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f"}
_SHORT_ESCAPES |= {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _hex_escape(code: int) -> str:
    """A pattern for `\\uXXXX` of one UTF-16 unit, its hex digits in either case."""
    digits = f"{code:04x}"
    return "\\\\u" + "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in digits)


def escaped_pattern(value: str) -> str:
    """A pattern for `value` with each character as written or JSON-escaped (`\\u0073k-`
    is `sk-` once a body is decoded); linear: every alternative is of fixed length and
    starts with the character itself or a backslash."""
    parts = []
    for char in value:
        code = ord(char)
        if code > 0xFFFF:  # a surrogate pair in JSON
            code -= 0x10000
            units = _hex_escape(0xD800 + (code >> 10)) + _hex_escape(0xDC00 + (code & 0x3FF))
        else:
            units = _hex_escape(code)
        forms = [re.escape(char), units]
        if char in _SHORT_ESCAPES:
            forms.append(re.escape(_SHORT_ESCAPES[char]))
        parts.append("(?:" + "|".join(forms) + ")")
    return "".join(parts)


class Scrubber:
    """Replaces known secret values with `[redacted]`, as written and in their decoded
    form (JSON escapes); cheap when there are none."""

    def __init__(self, values: Iterable[str]) -> None:
        unique = {v for v in values if v}
        # Longest first, so a value that contains another is replaced whole.
        self.values: tuple[str, ...] = tuple(sorted(unique, key=len, reverse=True))
        self._encoded = tuple(v.encode("utf-8", "surrogatepass") for v in self.values)
        pattern = "|".join(escaped_pattern(v) for v in self.values)
        self._escaped = re.compile(pattern) if pattern else None
        self._escaped_raw = (
            re.compile(pattern.encode("utf-8", "surrogatepass")) if pattern else None
        )

    def __bool__(self) -> bool:
        return bool(self.values)

    def text(self, text: str) -> str:
        """`text` with every known value replaced, also where JSON escapes spell it."""
        for value in self.values:
            if value in text:
                text = text.replace(value, REDACTED)
        if self._escaped is not None and ("\\u" in text or "\\/" in text):
            text = self._escaped.sub(REDACTED, text)
        return text

    def raw(self, data: bytes) -> bytes:
        """Bytes (a recorded body) with every known value replaced, also where JSON
        escapes spell it."""
        for value in self._encoded:
            if value in data:
                data = data.replace(value, REDACTED.encode())
        if self._escaped_raw is not None and (b"\\u" in data or b"\\/" in data):
            data = self._escaped_raw.sub(REDACTED.encode(), data)
        return data

    def message(self, text: str) -> str:
        """An error message or log line: known values, and anything shaped like a credential."""
        text = self.text(text)
        text = _USERINFO.sub(r"\1" + REDACTED + "@", text)
        text = _AUTH_TOKEN.sub(r"\1 " + REDACTED, text)
        return _KEY_LIKE.sub(REDACTED, text)

    def uri(self, uri: str) -> str:
        """A URL without user info, and without known values in its path or query."""
        return self.text(_USERINFO.sub(r"\1", uri))

    def data(self, value: Any) -> Any:
        """JSON-like data (a request, evidence) with known values replaced in every string."""
        if not self.values:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list | tuple):
            return type(value)(self.data(v) for v in value)
        if isinstance(value, dict):
            return {self.data(k): self.data(v) for k, v in value.items()}
        return value


def variants(value: str) -> set[str]:
    """The forms a secret takes when it travels: as is, percent-encoded, JSON-escaped."""
    if len(value) < MIN_SECRET_CHARS:
        return set()
    return {value, quote(value, safe=""), json.dumps(value)[1:-1]}


def url_credentials(url: str) -> set[str]:
    """What of a URL is secret: its user info (`user:pass`, its base64, a long password)
    and the values of its query (a signature or key an endpoint URL carries)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return set()
    query = {v for _name, value in parse_qsl(parts.query) for v in variants(value)}
    if "@" not in parts.netloc:
        return query
    raw_info = parts.netloc.rsplit("@", 1)[0]
    user, _, password = (unquote(p) for p in raw_info.partition(":"))
    pair = f"{user}:{password}"
    found = {raw_info, pair, base64.b64encode(pair.encode()).decode()} if raw_info else set()
    found |= variants(password) | variants(user) | query
    return {f for f in found if f and f != ":"}


def from_environment(
    environ: Mapping[str, str] | None = None, extra: Iterable[str | None] = ()
) -> Scrubber:
    """The scrubber for the secrets in `environ` (the process's by default) and `extra`."""
    env = os.environ if environ is None else environ
    values = tuple(env.get(name, "") for name in SECRET_ENV)
    urls = tuple(env.get(name, "") for name in URL_ENV)
    return _scrubber(values + tuple(v or "" for v in extra), urls)


@functools.lru_cache(maxsize=8)
def _scrubber(values: tuple[str, ...], urls: tuple[str, ...]) -> Scrubber:
    found: set[str] = set()
    for value in values:
        found |= variants(value)
    for url in urls:
        found |= url_credentials(url)
    return Scrubber(found)
