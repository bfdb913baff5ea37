"""Load any vcrpy cassette file into uniform raw interactions.

Cassettes in the wild come in several serializations: vcrpy's YAML and JSON
(`version: 1`), the pre-1.0 list format with `!!python/object` tags, the layout vcrpy's
httpx stubs wrote before 4.x (`status_code` and `content` in the response, which vcrpy
still replays), pydantic-ai's serializer that stores JSON bodies as `parsed_body`
mappings, and any of them gzipped whole (`.yaml.gz`, as langchain stores them). This
module flattens them all into `RawInteraction`, without interpreting any body. A file
that is no cassette raises; an interaction that cannot be read is an `Unreadable`, so
the rest of its file still imports.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlunsplit

import yaml

from migrate_check.cassettes.files import MAX_CASSETTE_BYTES
from migrate_check.importing.errors import CassetteReadError
from migrate_check.safety import bodies, safe_yaml

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


@dataclass(frozen=True)
class Unreadable:
    """An interaction that cannot be read, and why (its file's other interactions can).

    Its request's body and headers are kept when it has a request: the model it asked
    for says which suite its skipped line belongs under."""

    reason: str
    request_headers: dict[str, list[str]] = field(default_factory=dict)
    request_body: Body = None


#: A whole cassette gzipped: `name.yaml.gz` is read as `name.yaml`.
GZIP_SUFFIX = ".gz"


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


def load_raw(path: Path) -> list[RawInteraction | Unreadable]:
    """Every interaction of the cassette at `path`, in recorded order."""
    try:
        text = _read_text(path)
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
    return [_interaction(item, pre_1_0_list) for item in items]


def cassette_suffix(path: Path) -> str:
    """`.yaml`, `.yml` or `.json`, lower-case, also for a gzipped `name.yaml.gz`."""
    if path.suffix.lower() == GZIP_SUFFIX:
        return path.with_suffix("").suffix.lower()
    return path.suffix.lower()


def _read_text(path: Path) -> str:
    """The file's text within `MAX_CASSETTE_BYTES`, inflated first when gzipped: a gzip
    bomb is refused once it passes the bound, never inflated whole."""
    if path.suffix.lower() != GZIP_SUFFIX:
        return safe_yaml.read_text(path, MAX_CASSETTE_BYTES)
    limit = MAX_CASSETTE_BYTES
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise CassetteReadError(path, f"larger than {limit >> 20} MiB; refused without reading it")
    try:
        inflated = bodies.gunzip(data, limit)
    except bodies.BodyTooLarge:
        raise CassetteReadError(
            path, f"inflates beyond {limit >> 20} MiB (a compression bomb?); refused"
        ) from None
    except (OSError, EOFError, zlib.error) as exc:
        raise CassetteReadError(path, f"not a gzip file that decompresses ({exc})") from None
    return inflated.decode("utf-8")


def _parse(path: Path, text: str) -> Any:
    suffix = cassette_suffix(path)
    if suffix == ".json" or text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as exc:
            if suffix == ".json":
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


def _interaction(item: Any, pre_1_0_list: bool) -> RawInteraction | Unreadable:
    if not _looks_interaction(item):
        return _unreadable("no request or no response recorded", item)
    request, response = item["request"], item["response"]
    if not isinstance(request, dict) or not isinstance(response, dict):
        return _unreadable("request and response must be mappings", item)
    uri = _pre_1_0_uri(request) if pre_1_0_list else request.get("uri")
    if not isinstance(uri, str) or not uri:
        return _unreadable("request has no uri", item)
    # vcrpy's httpx stubs before 4.x wrote `status_code: 200` (and `content:`, see `_body`).
    status = response["status"] if "status" in response else response.get("status_code")
    code = status.get("code") if isinstance(status, dict) else status
    if not isinstance(code, int) or isinstance(code, bool):
        shown = repr(status)[:80]
        return _unreadable(f"response status {shown} has no integer code", item)
    return RawInteraction(
        method=str(request.get("method", "GET")).upper(),
        uri=uri,
        request_headers=normalize_headers(request.get("headers")),
        request_body=_body(request, is_response=False),
        status=code,
        response_headers=normalize_headers(response.get("headers")),
        response_body=_body(response, is_response=True),
    )


def _unreadable(reason: str, item: Any) -> Unreadable:
    """Why, with the request's body and headers when there is a request to keep."""
    request = item.get("request") if isinstance(item, dict) else None
    if not isinstance(request, dict):
        return Unreadable(reason)
    return Unreadable(
        reason, normalize_headers(request.get("headers")), _body(request, is_response=False)
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
