"""Case ids people can read and that stay put: a slug of the prompt plus a short hash.

The slug says what the case is about (`refund-for-order-123`); the hash of the
whole request keeps it unique and stable, so re-importing the same recordings
gives the same ids and the same cassette paths.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from migrate_check.core.canonical import canonical_json

_WORD = re.compile(r"[a-z0-9]+")
MAX_WORDS = 5
MAX_SLUG = 40
MAX_WORD = 20  # a pasted token or base64 blob must not crowd out the rest


def request_hash(request: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(request).encode("utf-8")).hexdigest()


def slug(text: str) -> str:
    """The first few words, lower-case, joined by dashes; 'case' when there are none."""
    words: list[str] = []
    for word in (w[:MAX_WORD] for w in _WORD.findall(text.lower())):
        if len("-".join([*words, word])) > MAX_SLUG:
            break
        words.append(word)
        if len(words) == MAX_WORDS:
            break
    return "-".join(words) or "case"


def prompt_text(request: dict[str, Any]) -> str:
    """The first user message's text (chat `messages` or Responses `input`), else any text."""
    items = request.get("messages")
    if items is None:
        items = request.get("input")
    if isinstance(items, str):
        return items
    if isinstance(items, list):
        users = [m for m in items if isinstance(m, dict) and m.get("role") == "user"]
        for message in users or [m for m in items if isinstance(m, dict)]:
            text = _content_text(message.get("content"))
            if text.strip():
                return text
    return str(request.get("instructions") or "")


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict)]
        return " ".join(p for p in parts if isinstance(p, str))
    return ""


def id_source(api: str, request: dict[str, Any], loop: dict[str, Any] | None) -> dict[str, Any]:
    """What a case's id hashes: its API and request, and a loop case's `loop:` too (the
    same first request with other recorded results is another loop)."""
    source = {"api": api, **request}
    return source if loop is None else {**source, "loop": loop}


class IdAllocator:
    """Gives each distinct request its id, lengthening the hash only on a collision. A
    loop case's id starts with its label (`loop-search-flights-3steps`), not the prompt:
    it says which loop it is."""

    def __init__(self) -> None:
        self._taken: dict[str, str] = {}

    def allocate(self, request: dict[str, Any], label: str = "") -> str:
        digest = request_hash(request)
        base = label or slug(prompt_text(request))
        for length in (4, 6, 8, 12, 64):
            candidate = f"{base}-{digest[:length]}"
            owner = self._taken.setdefault(candidate, digest)
            if owner == digest:
                return candidate
        raise AssertionError("sha256 collision")  # pragma: no cover
