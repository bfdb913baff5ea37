"""YAML from other people's files, loaded safely and within bounds.

Safe loaders never run code, but aliases still let a few hundred bytes stand for a
billion nodes ("billion laughs"): loading shares them cheaply, then the first copy, walk
or `json.dumps` of the data exhausts memory. Documents are composed first, their size
with every alias expanded is counted without expanding anything, and a document over
`MAX_NODES` (or one whose alias refers to itself) is refused before it is constructed.
Files are read only up to a size bound.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_NODES = 1_000_000  # expanded; a 10,000-case suite is about 200,000
MAX_FILE_BYTES = 64 * 1024 * 1024

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlBombError(yaml.MarkedYAMLError):
    """A document whose aliases expand beyond the bound, or refer to themselves."""

    def __init__(self, message: str, mark: Any = None) -> None:
        super().__init__(problem=message, problem_mark=mark)


class FileTooLarge(OSError):
    """A file beyond the size a loader reads."""


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """A UTF-8 file's text; `FileTooLarge` beyond `limit` bytes, before reading it all."""
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(
            f"{path.name} is larger than {limit // (1024 * 1024)} MiB; refused without reading it"
        )
    return data.decode("utf-8")


def expanded_size(root: yaml.Node, limit: int = MAX_NODES) -> int:
    """The number of nodes with every alias expanded, counted once per distinct node.

    Raises `YamlBombError` beyond `limit`, or when an alias refers to a node that
    contains it (such data has no end).
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    # Iterative post-order walk: a deeply nested document must not exhaust the stack.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            if total > limit:
                raise YamlBombError(
                    f"the YAML expands to more than {limit:,} nodes through its aliases "
                    "(an alias bomb?); refused",
                    node.start_mark,
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YamlBombError("a YAML alias refers to a node that contains it", node.start_mark)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def load(text: str, loader_class: type[yaml.SafeLoader] = SafeLoader) -> Any:
    """One document, like `yaml.load(text, Loader=loader_class)`, refusing alias bombs."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _plain_constructors(loader_class):
            try:
                return PlainBuilder(loader).build(node)[0]
            except NotPlain:
                pass  # PyYAML's own constructor below, after the bound
        if "&" in text:  # no anchor, no alias: nothing can expand (saves a walk per file)
            expanded_size(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


MAP_TAG = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
SEQ_TAG = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
STR_TAG = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
#: Scalar tags whose safe constructor is a plain function of the node (no generator).
PLAIN_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "binary", "timestamp")
)
_SAFE_CONSTRUCTORS = yaml.SafeLoader.yaml_constructors


def _plain_constructors(loader_class: type[yaml.SafeLoader]) -> bool:
    """Whether the loader builds mappings, lists and strings as the safe loader does."""
    own = loader_class.yaml_constructors
    return all(own.get(tag) is _SAFE_CONSTRUCTORS[tag] for tag in (MAP_TAG, SEQ_TAG, STR_TAG))


class NotPlain(Exception):
    """A node `PlainBuilder` leaves to PyYAML's constructor."""


class PlainBuilder:
    """What a safe loader constructs from a composed document, built straight from its nodes.

    PyYAML's constructor dispatches every node through generic machinery (a generator
    per collection, state per node); plain data (mappings, lists, scalars of the safe
    tags) needs none of it, and this builds the same values several times faster. An
    aliased node is built once and shared, as PyYAML does; the size with every alias
    expanded is counted on the way, and a document beyond `MAX_NODES`, an alias inside
    the node it refers to, merge keys or any other tag raise `NotPlain`, for PyYAML's
    constructor (behind `expanded_size`) to handle or refuse.
    """

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.built: dict[int, tuple[Any, int]] = {}  # node id -> (value, expanded size)
        self.on_path: set[int] = set()

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise NotPlain
        if node.tag == STR_TAG:
            return node.value
        if node.tag not in PLAIN_SCALAR_TAGS:
            raise NotPlain
        return self.loader.yaml_constructors[node.tag](self.loader, node)

    def key(self, node: yaml.Node) -> Any:
        """A mapping key's value (a subclass may allow fewer kinds)."""
        return self.scalar(node)

    def new_mapping(self, node: yaml.MappingNode) -> dict[Any, Any]:
        return {}

    def put(self, mapping: dict[Any, Any], key_node: yaml.Node, item: Any) -> None:
        mapping[self.key(key_node)] = item

    def new_list(self, node: yaml.SequenceNode) -> list[Any]:
        return []

    def build(self, node: yaml.Node) -> tuple[Any, int]:
        """The node's value and its size with every alias expanded."""
        key = id(node)
        done = self.built.get(key)
        if done is not None:
            return done
        if key in self.on_path:
            raise NotPlain  # an alias inside the node it refers to
        value: Any
        size = 1
        if isinstance(node, yaml.MappingNode) and node.tag == MAP_TAG:
            self.on_path.add(key)
            mapping = self.new_mapping(node)
            for key_node, value_node in node.value:
                item, item_size = self.build(value_node)
                self.put(mapping, key_node, item)
                size += 1 + item_size
            self.on_path.discard(key)
            value = mapping
        elif isinstance(node, yaml.SequenceNode) and node.tag == SEQ_TAG:
            self.on_path.add(key)
            items = self.new_list(node)
            for child in node.value:
                item, item_size = self.build(child)
                items.append(item)
                size += item_size
            self.on_path.discard(key)
            value = items
        else:
            value = self.scalar(node)
        if size > MAX_NODES:
            raise NotPlain
        self.built[key] = (value, size)
        return value, size
