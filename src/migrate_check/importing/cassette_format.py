"""Load any vcrpy cassette file into uniform raw interactions.

Cassettes in the wild come in several serializations: vcrpy's YAML and JSON
(`version: 1`), the pre-1.0 list format with `!!python/object` tags, and
pydantic-ai's serializer that stores JSON bodies as `parsed_body` mappings.
This module flattens them all into `RawInteraction`, without interpreting
any body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlunsplit

import yaml

from migrate_check.cassettes.files import MAX_CASSETTE_BYTES
from migrate_check.importing.errors import CassetteReadError
from migrate_check.safety import safe_yaml

Body = str | bytes | dict[str, Any] | list[Any] | None


@dataclass(frozen=True)
class RawInteraction:
    """One recorded request/response pair, headers lower-cased to lists of strings."""

    method: str
    uri: str
    request_headers: dict[str, list[str]]
    request_body: Body
    status: int
    response_headers: dict[str, list[str]]
    response_body: Body


class CassetteLoader(yaml.SafeLoader):
    """A safe loader that also reads the tags vcrpy has written over the years.

    `!!binary` is already safe. Old vcrpy (before 1.0) tagged requests as
    `!!python/object:vcr.request.Request` and header sets as frozensets; Python 2
    runs wrote `!!python/unicode`. Those are read as plain data; any other
    Python tag stays an error, so loading never executes anything.
    """


def _plain_string(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


def _plain_tuple(loader: yaml.SafeLoader, node: yaml.Node) -> list[Any]:
    return loader.construct_sequence(node, deep=True)  # type: ignore[arg-type]


def _vcr_object(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[Any, Any]:
    if not suffix.startswith("vcr."):
        raise yaml.constructor.ConstructorError(
            None, None, f"unsupported YAML tag !!python/object:{suffix}", node.start_mark
        )
    return loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]


def _frozenset_apply(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> list[Any]:
    if suffix not in ("builtins.frozenset", "__builtin__.frozenset"):
        raise yaml.constructor.ConstructorError(
            None, None, f"unsupported YAML tag !!python/object/apply:{suffix}", node.start_mark
        )
    args = loader.construct_sequence(node, deep=True)  # type: ignore[arg-type]
    return list(args[0]) if args else []


for _tag in ("unicode", "str"):
    CassetteLoader.add_constructor(f"tag:yaml.org,2002:python/{_tag}", _plain_string)
CassetteLoader.add_constructor("tag:yaml.org,2002:python/tuple", _plain_tuple)
CassetteLoader.add_multi_constructor("tag:yaml.org,2002:python/object:", _vcr_object)
CassetteLoader.add_multi_constructor("tag:yaml.org,2002:python/object/apply:", _frozenset_apply)


def load_raw(path: Path) -> list[RawInteraction]:
    """Every interaction of the cassette at `path`, in recorded order."""
    try:
        text = safe_yaml.read_text(path, MAX_CASSETTE_BYTES)
    except (OSError, UnicodeDecodeError) as exc:
        raise CassetteReadError(path, f"cannot read: {exc}") from exc
    data = _parse(path, text)
    if isinstance(data, dict) and isinstance(data.get("interactions"), list):
        items: list[Any] = data["interactions"]
        pre_1_0_list = False
    elif isinstance(data, list) and data and all(_looks_interaction(i) for i in data):
        items, pre_1_0_list = data, True
    else:
        raise CassetteReadError(path, "not a vcrpy cassette (no 'interactions' list)")
    return [_interaction(path, n, item, pre_1_0_list) for n, item in enumerate(items)]


def _parse(path: Path, text: str) -> Any:
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as exc:
            if path.suffix.lower() == ".json":
                raise CassetteReadError(path, f"invalid JSON: {exc}") from exc
    try:
        return safe_yaml.load(text, CassetteLoader)  # a SafeLoader subclass; no alias bombs
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise CassetteReadError(path, f"invalid YAML{where}: {first}") from exc


def _looks_interaction(item: Any) -> bool:
    return isinstance(item, dict) and "request" in item and "response" in item


def _interaction(path: Path, index: int, item: Any, pre_1_0_list: bool) -> RawInteraction:
    where = f"interaction {index}"
    if not _looks_interaction(item):
        raise CassetteReadError(path, "interaction has no request/response", where)
    request, response = item["request"], item["response"]
    if not isinstance(request, dict) or not isinstance(response, dict):
        raise CassetteReadError(path, "request and response must be mappings", where)
    uri = _pre_1_0_uri(request) if pre_1_0_list else request.get("uri")
    if not isinstance(uri, str) or not uri:
        raise CassetteReadError(path, "request has no uri", where)
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else status
    if not isinstance(code, int):
        raise CassetteReadError(path, f"response status {status!r} has no integer code", where)
    return RawInteraction(
        method=str(request.get("method", "GET")).upper(),
        uri=uri,
        request_headers=normalize_headers(request.get("headers")),
        request_body=_body(request, is_response=False),
        status=code,
        response_headers=normalize_headers(response.get("headers")),
        response_body=_body(response, is_response=True),
    )


def _pre_1_0_uri(request: dict[str, Any]) -> str | None:
    """Pre-1.0 vcrpy stored protocol, host, port and path apart."""
    if "uri" in request:
        return str(request["uri"])
    try:
        scheme, host, port = request["protocol"], request["host"], int(request["port"])
    except (KeyError, TypeError, ValueError):
        return None
    netloc = host if port == {"https": 443, "http": 80}.get(scheme) else f"{host}:{port}"
    return urlunsplit((str(scheme), str(netloc), str(request.get("path", "/")), "", ""))


def _body(part: dict[str, Any], *, is_response: bool) -> Body:
    if "parsed_body" in part:
        parsed: dict[str, Any] | list[Any] = part["parsed_body"]
        return parsed
    body = part.get("body", part.get("content"))
    if is_response and isinstance(body, dict):
        body = body.get("string")
    if body is None or isinstance(body, str | bytes | dict | list):
        return body
    return str(body)


def normalize_headers(headers: Any) -> dict[str, list[str]]:
    """Header names lower-cased; values always lists of strings, whatever was stored."""
    result: dict[str, list[str]] = {}
    if isinstance(headers, dict):
        pairs: list[tuple[Any, Any]] = list(headers.items())
    elif isinstance(headers, list):
        pairs = [_header_pair(h) for h in headers]
    else:
        pairs = []
    for name, value in pairs:
        if name is None:
            continue
        values = value if isinstance(value, list) else [value]
        result.setdefault(str(name).strip().lower(), []).extend(
            str(v).strip() for v in values if v is not None
        )
    return result


def _header_pair(item: Any) -> tuple[Any, Any]:
    """A header stored as a list item: a `[name, value]` pair or a raw `Name: value\\r\\n` line."""
    if isinstance(item, list | tuple) and len(item) == 2:
        return item[0], item[1]
    if isinstance(item, str) and ":" in item:
        name, _, value = item.partition(":")
        return name, value.strip()
    return None, None
