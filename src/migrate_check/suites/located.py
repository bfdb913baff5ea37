"""YAML that remembers where each mapping, list and key starts in the file.

A suite's author needs the line of a mistake, which plain YAML loading throws away.
Plain documents (nearly all suites) are built quickly straight from the parsed nodes;
anything else goes through the careful loader, which bounds aliases and names errors.
"""

from __future__ import annotations

from typing import Any, cast

import yaml

from migrate_check.safety import safe_yaml


class Located(dict[str, Any]):
    """A YAML mapping that remembers the line it starts on and each key's line."""

    line: int = 0
    key_lines: dict[str, int]


class LocatedList(list[Any]):
    """A YAML list that remembers the line it starts on."""

    line: int = 0


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LocatedLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """Safe YAML (libyaml's parser when present) that keeps line numbers for errors."""


def _construct_mapping(loader: LocatedLoader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    result = Located()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"keys must be strings, got {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: LocatedLoader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


LocatedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
LocatedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class _QuickBuilder(safe_yaml.PlainBuilder):
    """What `LocatedLoader` constructs from a plain document, built straight from its
    nodes (see `safe_yaml.PlainBuilder`), with each mapping's and list's lines kept. Keys
    must be strings: anything else is left to the careful loader, which says so."""

    def key(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode) or node.tag != safe_yaml.STR_TAG:
            raise safe_yaml.NotPlain  # a merge key, or a key that is not a string
        return node.value

    def new_mapping(self, node: yaml.MappingNode) -> dict[Any, Any]:
        located = Located()
        located.line = node.start_mark.line + 1
        located.key_lines = {}
        return located

    def put(self, mapping: dict[Any, Any], key_node: yaml.Node, item: Any) -> None:
        name = self.key(key_node)
        mapping[name] = item
        cast(Located, mapping).key_lines[name] = key_node.start_mark.line + 1

    def new_list(self, node: yaml.SequenceNode) -> list[Any]:
        items = LocatedList()
        items.line = node.start_mark.line + 1
        return items


def load_located(text: str) -> Any:
    """The document with lines kept: built quickly when it is plain (see `_QuickBuilder`),
    else, or on any problem, by the careful loader, which bounds aliases and names errors."""
    loader = LocatedLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _QuickBuilder(loader).build(node)[0]
    except Exception:  # noqa: BLE001, S110 - the careful loader below says what is wrong
        pass
    finally:
        loader.dispose()
    return safe_yaml.load(text, LocatedLoader)  # a SafeLoader, refusing alias bombs


def located(value: Any, line: int = 0) -> Any:
    """Plain data as the loader builds it from a file, every line `line`: data made in
    Python (an import's cases) goes through the same reader as a file, without YAML."""
    if isinstance(value, dict):
        mapping = Located((key, located(item, line)) for key, item in value.items())
        mapping.line = line
        mapping.key_lines = dict.fromkeys(value, line)
        return mapping
    if isinstance(value, list):
        items = LocatedList(located(item, line) for item in value)
        items.line = line
        return items
    return value


def line_of(value: Any, default: int) -> int:
    """The line a located value starts on, or `default` for a scalar (which keeps none)."""
    return getattr(value, "line", 0) or default


def plain(value: Any) -> Any:
    """Strip the line-tracking types so cases hold ordinary dicts and lists."""
    if isinstance(value, dict):  # YAML gives no other mappings
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
