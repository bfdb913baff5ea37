"""What a request's template is, and what of it is the user's own text.

A sample of production traffic should cover what the application does, not repeat its
most common call: requests are grouped by their template (the system prompt, or the
Responses `instructions`, the tool set and the response format) with the user's text
left out, and within a template two requests whose user text reads the same once
normalised (case, spacing, digits) are near duplicates. Both keys are hashes, so the
spool holds 32 bytes per request for each, however long the prompt.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

from migrate_check.core.canonical import canonical_json
from migrate_check.core.case import Api

#: Roles whose messages are the application's, not the user's.
TEMPLATE_ROLES = ("system", "developer")
#: Of a request's user text, this much is hashed and compared: enough to tell requests
#: apart, and a bound on the work for a prompt of megabytes.
MAX_USER_TEXT = 64 * 1024
#: Keys whose string values name a structure, not what anybody wrote.
_NOT_TEXT = frozenset({"role", "type", "id", "call_id", "tool_call_id", "status", "name"})
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def template_parts(api: Api, request: dict[str, Any]) -> dict[str, Any]:
    """The application's side of a request: its system text, tools and response format."""
    items = request.get("messages" if api == "chat" else "input")
    system = [
        item.get("content")
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict) and item.get("role") in TEMPLATE_ROLES
    ]
    if api == "responses" and request.get("instructions") is not None:
        system.insert(0, request["instructions"])
    tools = request.get("tools")
    if api == "chat":
        fmt = request.get("response_format")
    else:
        text = request.get("text")
        fmt = text.get("format") if isinstance(text, dict) else None
    return {"system": system, "tools": tools if isinstance(tools, list) else [], "format": fmt}


def template_key(api: Api, request: dict[str, Any]) -> bytes:
    """The template's hash: its system text normalised (a date or a count in it does not
    make a template of its own), its tools in any order, its response format."""
    parts = template_parts(api, request)
    system = normalised(" ".join(_strings(parts["system"])))
    tools = sorted(canonical_json(tool) for tool in parts["tools"])
    text = canonical_json([api, system, tools, parts["format"]])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def user_text(api: Api, request: dict[str, Any]) -> str:
    """The request's own text (its user and assistant turns, tool results), at most
    `MAX_USER_TEXT` characters of it."""
    items = request.get("messages" if api == "chat" else "input")
    if isinstance(items, str):
        return items[:MAX_USER_TEXT]
    turns = [
        item
        for item in (items if isinstance(items, list) else [])
        if not (isinstance(item, dict) and item.get("role") in TEMPLATE_ROLES)
    ]
    pieces: list[str] = []
    size = 0
    for piece in _strings(turns):
        pieces.append(piece)
        size += len(piece) + 1
        if size >= MAX_USER_TEXT:
            break
    return "\n".join(pieces)[:MAX_USER_TEXT]


def near_key(template: bytes, text: str) -> bytes:
    """Requests of one template whose user text normalises alike share this key."""
    return hashlib.sha256(template + normalised(text).encode("utf-8", "surrogatepass")).digest()


def normalised(text: str) -> str:
    """Lower case, every run of digits one `0`, every run of spaces one space."""
    return _SPACE.sub(" ", _DIGITS.sub("0", text.casefold())).strip()


def template_label(api: Api, request: dict[str, Any], width: int = 60) -> str:
    """A template in a few words, for the cases sampled from it: the start of its system
    text, its tools' names and its response format."""
    parts = template_parts(api, request)
    words: list[str] = []
    system = _SPACE.sub(" ", " ".join(_strings(parts["system"]))).strip()
    if system:
        short = system if len(system) <= width else system[: width - 1].rstrip() + "…"
        words.append(f'system "{short}"')
    names = [_tool_name(tool) for tool in parts["tools"]]
    if names:
        listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        words.append(f"tools {listed}")
    fmt = parts["format"]
    if isinstance(fmt, dict) and fmt.get("type"):
        spec = fmt.get("json_schema") if isinstance(fmt.get("json_schema"), dict) else fmt
        name = spec.get("name") if isinstance(spec, dict) else None
        words.append(f"format {fmt['type']}" + (f" {name}" if isinstance(name, str) else ""))
    return "; ".join(words) or "no system prompt, tools or response format"


def _tool_name(tool: Any) -> str:
    if not isinstance(tool, dict):
        return "?"
    function = tool.get("function")
    name = function.get("name") if isinstance(function, dict) else tool.get("name")
    return str(name) if isinstance(name, str) else str(tool.get("type", "?"))


def _strings(value: Any, depth: int = 0) -> Iterator[str]:
    """Every string a value holds that someone wrote (not the names of its structure)."""
    if isinstance(value, str):
        yield value
    elif depth > 100:
        return
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _NOT_TEXT:
                yield from _strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, depth + 1)
