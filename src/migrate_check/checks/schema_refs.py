"""Schemas resolved offline: `$ref`s reach files beside the suite, never the network.

jsonschema's deprecated automatic retrieval fetches any remote `$ref` over HTTP, in the
middle of an offline replay. Here a validator gets a `referencing` registry whose
retrieve function reads only files under the suite's folder, every `$ref` is followed
once when the check is built (so a remote or missing one is a located error at
collection, not a surprise while judging), and `pattern` / `patternProperties` search
with a time limit (see `bounded_regex`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import yaml
from jsonschema import ValidationError
from jsonschema.validators import extend
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from migrate_check.checks import bounded_regex
from migrate_check.checks.base import CheckConfigError
from migrate_check.safety import safe_yaml

MAX_SCHEMA_FILES = 200
MAX_SCHEMA_BYTES = 8 * 1024 * 1024


class _Refused(Exception):
    """A `$ref` the registry will not follow; the message says why."""


def _local_path(uri: str, relative_to: Path, folder: Path) -> Path:
    """The file a `$ref` URI names (a relative one from `relative_to`), if it is a file
    under `folder`; else `_Refused`."""
    parts = urlsplit(uri)
    if parts.scheme not in ("", "file"):
        raise _Refused(
            f"refers to the remote schema {uri!r}; migrate-check never fetches schemas "
            "(offline replays stay offline): save it beside the suite and refer to it by "
            "a relative path"
        )
    relative = unquote(parts.path)
    path = Path(relative) if parts.scheme == "file" else relative_to / relative
    resolved = path.resolve()
    root = folder.resolve()
    if resolved != root and root not in resolved.parents:
        raise _Refused(f"refers to {uri!r}, outside the suite's folder {str(root)!r}")
    return resolved


def _read(path: Path, shown: str) -> Any:
    try:
        text = safe_yaml.read_text(path, MAX_SCHEMA_BYTES)
    except OSError as exc:
        raise _Refused(f"refers to {shown!r}, which cannot be read ({exc})") from None
    except UnicodeDecodeError:
        raise _Refused(f"refers to {shown!r}, which is not UTF-8 text") from None
    try:
        return json.loads(text) if path.suffix == ".json" else safe_yaml.load(text)
    except (ValueError, RecursionError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _Refused(f"refers to {shown!r}, which does not parse: {first}") from None


def local_registry(relative_to: Path, folder: Path) -> Registry[Any]:
    """A registry that retrieves `$ref`s (relative ones from `relative_to`, the folder of
    the schema that holds them) from files under `folder` only."""

    def retrieve(uri: str) -> Resource[Any]:
        try:
            path = _local_path(uri, relative_to, folder)
            contents = _read(path, uri)
        except _Refused as exc:
            raise NoSuchResource(ref=uri) from exc  # type: ignore[call-arg]
        return Resource.from_contents(contents, default_specification=DRAFT202012)

    return Registry(retrieve=retrieve)  # type: ignore[call-arg]


def _refs(node: Any, base: str, where: str = "") -> Iterator[tuple[str, str, str]]:
    """(ref, the base it resolves against, its JSON pointer) for every `$ref` in a schema."""
    stack = [(node, base, where)]
    while stack:
        current, current_base, pointer = stack.pop()
        if isinstance(current, dict):
            if isinstance(current.get("$id"), str):
                current_base = urljoin(current_base, current["$id"])
            for key in ("$ref", "$dynamicRef"):
                if isinstance(current.get(key), str):
                    yield current[key], current_base, pointer or "/"
            stack.extend((v, current_base, f"{pointer}/{k}") for k, v in current.items())
        elif isinstance(current, list):
            stack.extend((v, current_base, f"{pointer}/{i}") for i, v in enumerate(current))


def check_refs(schema: Any, relative_to: Path, folder: Path, source: str) -> None:
    """Follow every `$ref` once, so a remote, missing or broken one fails at collection."""
    seen: set[str] = set()
    pending = [(schema, "", source)]
    while pending:
        document, document_base, shown = pending.pop()
        for ref, ref_base, pointer in _refs(document, document_base):
            target, _fragment = urldefrag(urljoin(ref_base, ref))
            if not target or target in seen:
                continue  # a fragment of the same document, or a file already followed
            seen.add(target)
            if len(seen) > MAX_SCHEMA_FILES:
                raise CheckConfigError(
                    f"schema: {source} refers to more than {MAX_SCHEMA_FILES} schema files"
                )
            try:
                path = _local_path(target, relative_to, folder)
                loaded = _read(path, ref)
            except _Refused as exc:
                raise CheckConfigError(f"schema: {shown} at {pointer}: $ref {exc}") from None
            pending.append((loaded, target, ref))


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not _search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Any, properties: dict[str, Any], instance: Any, schema: Any
) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in properties.items():
        for key, value in instance.items():
            if _search(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _search(pattern: str, text: str) -> bool:
    compiled = bounded_regex.compile_pattern(pattern)
    return bounded_regex.search(compiled, text, f"schema pattern {pattern!r}")


def bounded(validator_class: Any) -> Any:
    """The validator class with `pattern` and `patternProperties` searching in bounded time."""
    return extend(validator_class, {"pattern": _pattern, "patternProperties": _pattern_properties})
