"""Load and validate suite files (`suites/**/*.yaml`) into cases.

Every mistake becomes one `SuiteError` line naming the file, the line and the case,
because a suite is written by hand and a traceback tells its author nothing.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import yaml

from migrate_check.core.case import SIDES, Api, Case, CheckSpec, Side
from migrate_check.safety import safe_yaml

SUITE_KEYS = (
    "suite",
    "description",
    "request",
    "checks",
    "cases",
    "samples",
    "api",
    "recorded_with",
    "baseline",
    "candidate",
    "variants",
)
CASE_KEYS = (
    "id",
    "description",
    "messages",
    "input",
    "request",
    "checks",
    "samples",
    "api",
    "recorded_with",
    "origin",
    "baseline",
    "candidate",
)
#: What a `baseline:` or `candidate:` block may change for its side.
SIDE_KEYS = ("system", "messages", "input", "instructions", "request")
#: What a named candidate variant may give: its model, and what it sends differently.
VARIANT_KEYS = ("model", *SIDE_KEYS)
#: A prompt read from a file beside the suite (`content: {file: prompts/triage-v2.md}`).
MAX_PROMPT_FILE_BYTES = 1024 * 1024
MESSAGE_ROLES = ("system", "developer", "user", "assistant", "tool")
APIS: tuple[Api, ...] = ("chat", "responses")
MAX_SUITE_BYTES = 16 * 1024 * 1024  # a 10,000-case suite is about 2 MiB
_CASE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_VARIANT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")  # no '.': file names split on it


class SuiteError(Exception):
    """A mistake in a suite file, located for its author."""

    def __init__(self, file: Path, line: int, message: str, case: str | None = None) -> None:
        self.file = file
        self.line = line
        self.case = case
        self.message = message
        where = f"{file}:{line}" if line else str(file)
        in_case = f" case {case!r}:" if case else ""
        super().__init__(f"{where}:{in_case} {message}")


class _Located(dict[str, Any]):
    """A YAML mapping that remembers the line it starts on and each key's line."""

    line: int = 0
    key_lines: dict[str, int]


class _LocatedList(list[Any]):
    line: int = 0


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """Safe YAML (libyaml's parser when present) that keeps line numbers for errors."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Located:
    loader.flatten_mapping(node)
    result = _Located()
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


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> _LocatedList:
    result = _LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class _QuickBuilder(safe_yaml.PlainBuilder):
    """What `_Loader` constructs from a plain document, built straight from its nodes
    (see `safe_yaml.PlainBuilder`), with each mapping's and list's lines kept. Keys
    must be strings: anything else is left to the careful loader, which says so."""

    def key(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode) or node.tag != safe_yaml.STR_TAG:
            raise safe_yaml.NotPlain  # a merge key, or a key that is not a string
        return node.value

    def new_mapping(self, node: yaml.MappingNode) -> dict[Any, Any]:
        located = _Located()
        located.line = node.start_mark.line + 1
        located.key_lines = {}
        return located

    def put(self, mapping: dict[Any, Any], key_node: yaml.Node, item: Any) -> None:
        name = self.key(key_node)
        mapping[name] = item
        cast(_Located, mapping).key_lines[name] = key_node.start_mark.line + 1

    def new_list(self, node: yaml.SequenceNode) -> list[Any]:
        items = _LocatedList()
        items.line = node.start_mark.line + 1
        return items


def _load_located(text: str) -> Any:
    """The document with lines kept: built quickly when it is plain (see `_QuickBuilder`),
    else, or on any problem, by the careful loader, which bounds aliases and names errors."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _QuickBuilder(loader).build(node)[0]
    except Exception:  # noqa: BLE001, S110 - the careful loader below says what is wrong
        pass
    finally:
        loader.dispose()
    return safe_yaml.load(text, _Loader)  # a SafeLoader, refusing alias bombs


@dataclass(frozen=True)
class Suite:
    """A loaded suite file: its name, where it lives, and its cases in file order."""

    name: str
    file: Path
    description: str
    cases: tuple[Case, ...]
    #: Named candidate variants (`variants:`), each with the suite's cases as it runs them.
    variants: dict[str, tuple[Case, ...]] = field(default_factory=dict)


def _line_of(value: Any, default: int) -> int:
    return getattr(value, "line", 0) or default


def _unknown_key_message(key: str, allowed: tuple[str, ...], what: str) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {key!r} in {what}{hint}; allowed: {', '.join(allowed)}"


class _SuiteReader:
    """Turns one parsed document into a Suite, raising SuiteError at the first mistake."""

    def __init__(self, file: Path, display: Path) -> None:
        self.file = file
        self.display = display

    def error(self, line: int, message: str, case: str | None = None) -> SuiteError:
        return SuiteError(self.display, line, message, case)

    def read(self, doc: Any) -> Suite:
        if doc is None:
            raise self.error(1, "the suite is empty; it needs at least 'cases:'")
        if not isinstance(doc, _Located):
            raise self.error(_line_of(doc, 1), "a suite must be a mapping with a 'cases:' list")
        self._check_keys(doc, SUITE_KEYS, "the suite", None)
        name = self._string(doc, "suite", None, default=self.file.stem)
        if not _CASE_ID.match(name):
            raise self.error(doc.key_lines["suite"], f"suite name {name!r} must be a plain slug")
        description = self._string(doc, "description", None, default="")
        request = _plain(self._mapping(doc, "request", None))
        api = self._api(doc, None, "chat")
        samples = self._samples(doc, None, 1)
        checks = self._checks(doc, None)
        recorded_with = self._strings(doc, "recorded_with", None)
        cases_node = doc.get("cases")
        if cases_node is None:
            raise self.error(doc.line, "the suite has no 'cases:' list")
        if not isinstance(cases_node, list):
            raise self.error(doc.key_lines["cases"], "'cases' must be a list of cases")
        if not cases_node:
            raise self.error(doc.key_lines["cases"], "'cases' is empty; add at least one case")
        seen: dict[str, int] = {}
        cases = []
        suite_sides = self._side_nodes(doc, None)
        for index, node in enumerate(cases_node):
            case = self._case(node, index, name, request, api, samples, checks, recorded_with)
            case = self._with_sides(case, suite_sides, self._side_nodes(node, case.id))
            if case.id in seen:
                raise self.error(
                    case.line, f"duplicate case id (first used on line {seen[case.id]})", case.id
                )
            seen[case.id] = case.line
            cases.append(case)
        variants = self._variants(doc, cases)
        return Suite(
            name=name,
            file=self.file,
            description=description,
            cases=tuple(cases),
            variants=variants,
        )

    def _variants(self, doc: _Located, cases: list[Case]) -> dict[str, tuple[Case, ...]]:
        """`variants:`: each a model and/or what the candidate sends differently, applied to
        every case on top of the case's own `candidate:` changes."""
        node = doc.get("variants")
        if node is None:
            return {}
        line = doc.key_lines["variants"]
        if not isinstance(node, _Located) or not node:
            raise self.error(
                line, "'variants' must map a name to a model and what it sends differently"
            )
        variants: dict[str, tuple[Case, ...]] = {}
        for name, block in node.items():
            where = node.key_lines[name]
            if not _VARIANT_NAME.match(name):
                raise self.error(
                    where,
                    f"variant name {name!r} must be a plain slug of letters, digits, '-' and "
                    "'_' (it becomes part of file names)",
                )
            other = next((n for n in variants if n.casefold() == name.casefold()), None)
            if other is not None:
                raise self.error(
                    where, f"variant {name!r} differs from {other!r} only in letter case"
                )
            if not isinstance(block, _Located):
                raise self.error(
                    where, f"variant {name!r} must be a mapping ({', '.join(VARIANT_KEYS)})"
                )
            self._check_keys(block, VARIANT_KEYS, f"variant {name!r}", None)
            model = block.get("model")
            if model is not None and (not isinstance(model, str) or not model.strip()):
                raise self.error(where, f"variant {name!r}: 'model' must be a model name")
            variant_cases = []
            for case in cases:
                current = case.request_for("candidate")
                changes = self._side_changes(block, current, case, "candidate")
                candidate = {**case.sides.get("candidate", {}), **changes}
                sides = {**case.sides, "candidate": candidate} if candidate else dict(case.sides)
                variant_cases.append(replace(case, sides=sides, variant=name, variant_model=model))
            variants[name] = tuple(variant_cases)
        return variants

    def _case(
        self,
        node: Any,
        index: int,
        suite: str,
        suite_request: dict[str, Any],
        suite_api: Api,
        suite_samples: int,
        suite_checks: tuple[CheckSpec, ...],
        suite_recorded_with: tuple[str, ...] = (),
    ) -> Case:
        if not isinstance(node, _Located):
            raise self.error(_line_of(node, 0), f"case #{index + 1} must be a mapping with an 'id'")
        raw_id = node.get("id")
        if raw_id is None:
            raise self.error(node.line, f"case #{index + 1} has no 'id'")
        case_id = str(raw_id)
        if not _CASE_ID.match(case_id):
            raise self.error(
                node.key_lines["id"],
                "a case id may hold letters, digits, '.', '_' and '-' and starts with a "
                "letter or digit",
                case_id,
            )
        self._check_keys(node, CASE_KEYS, "a case", case_id)
        api = self._api(node, case_id, suite_api)
        # The suite's request is plain already (its values are shared by the cases, as
        # nothing changes a case's request); the case's own parts are made plain here.
        request = {**suite_request, **_plain(self._mapping(node, "request", case_id))}
        if "model" in request:
            raise self.error(node.line, "'model' is set by --model-pair, not in the suite", case_id)
        if api == "chat":
            if "input" in node:
                raise self.error(
                    node.key_lines["input"],
                    "'input' is for 'api: responses'; use 'messages'",
                    case_id,
                )
            request["messages"] = self._messages(node, case_id)
        else:
            if "messages" in node and "input" not in node:
                request["input"] = self._messages(node, case_id)
            elif "input" in node:
                request["input"] = self._input(node, case_id)
            else:
                raise self.error(node.line, "a responses case needs 'input'", case_id)
        try:
            json.dumps(request)
        except (TypeError, ValueError) as exc:
            raise self.error(
                node.line,
                f"the request holds a value JSON cannot carry ({exc}); quote it in the YAML",
                case_id,
            ) from None
        checks = suite_checks + self._checks(node, case_id)
        return Case(
            suite=suite,
            id=case_id,
            request=request,
            checks=checks,
            api=api,
            samples=self._samples(node, case_id, suite_samples),
            file=self.file,
            line=node.line,
            description=self._string(node, "description", case_id, default=""),
            recorded_with=self._strings(node, "recorded_with", case_id) or suite_recorded_with,
            origin=self._strings(node, "origin", case_id),
        )

    # -- per-side requests -------------------------------------------------------------
    def _side_nodes(self, node: _Located, case: str | None) -> dict[Side, _Located]:
        """The `baseline:` / `candidate:` blocks of a suite or a case, keys checked."""
        found: dict[Side, _Located] = {}
        for side in SIDES:
            if side not in node:
                continue
            block = node[side]
            if not isinstance(block, _Located):
                raise self.error(
                    node.key_lines[side],
                    f"'{side}' must be a mapping of what that side sends differently "
                    f"({', '.join(SIDE_KEYS)})",
                    case,
                )
            self._check_keys(block, SIDE_KEYS, f"'{side}'", case)
            found[side] = block
        return found

    def _with_sides(
        self, case: Case, suite_sides: dict[Side, _Located], case_sides: dict[Side, _Located]
    ) -> Case:
        """The case with each side's changes resolved into plain request keys: the suite's
        block first, then the case's, each applied to the request as it stands so far."""
        sides: dict[Side, dict[str, Any]] = {}
        for side in SIDES:
            changes: dict[str, Any] = {}
            for block in (suite_sides.get(side), case_sides.get(side)):
                if block is not None:
                    current = {**case.request, **changes}
                    changes.update(self._side_changes(block, current, case, side))
            if changes:
                sides[side] = changes
        if not sides:
            return case
        with_sides = replace(case, sides=sides)
        for side in SIDES:
            if "model" in with_sides.request_for(side):
                raise self.error(case.line, f"'{side}' may not set 'model'", case.id)
        return with_sides

    def _side_changes(
        self, block: _Located, current: dict[str, Any], case: Case, side: Side
    ) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        if "request" in block:
            params = self._mapping(block, "request", case.id)
            if "model" in params:
                raise self.error(
                    block.key_lines["request"], "'model' is set by --model-pair", case.id
                )
            changes.update(_plain(params))
        chat = case.api == "chat"
        if "messages" in block:
            if not chat:
                raise self.error(
                    block.key_lines["messages"], "'messages' is for chat; use 'input'", case.id
                )
            changes["messages"] = self._messages(block, case.id)
        if "input" in block:
            if chat:
                raise self.error(
                    block.key_lines["input"], "'input' is for 'api: responses'", case.id
                )
            changes["input"] = self._input(block, case.id)
        if "instructions" in block:
            if chat:
                raise self.error(
                    block.key_lines["instructions"],
                    "'instructions' is for 'api: responses'; use 'system'",
                    case.id,
                )
            changes["instructions"] = self._text(block, "instructions", case.id)
        if "system" in block:
            text = self._text(block, "system", case.id)
            given = changes.get("input", current.get("input"))
            if chat:
                messages = changes.get("messages", current.get("messages", []))
                changes["messages"] = _with_system(messages, text)
            elif isinstance(given, list) and any(_is_system(m) for m in given):
                changes["input"] = _with_system(given, text)  # the prompt is in `input`
            else:
                changes["instructions"] = text
        try:
            json.dumps(changes)
        except (TypeError, ValueError) as exc:
            raise self.error(
                block.line, f"'{side}' holds a value JSON cannot carry ({exc})", case.id
            ) from None
        return changes

    def _input(self, node: _Located, case: str | None) -> Any:
        """A Responses API `input`: text, or items whose `content` may be `{file: path}`."""
        value = node["input"]
        if isinstance(value, list):
            line = node.key_lines["input"]
            for position, item in enumerate(value):
                if isinstance(item, dict) and isinstance(item.get("content"), dict):
                    where = _line_of(item, line)
                    item["content"] = self._prompt_file(
                        item["content"], where, f"input item #{position + 1}", case
                    )
        return _plain(value)

    def _text(self, node: _Located, key: str, case: str | None) -> str:
        """A prompt: a string, or `{file: path}` read from beside the suite."""
        value = node[key]
        if isinstance(value, str):
            return value
        return self._prompt_file(value, node.key_lines[key], key, case)

    def _prompt_file(self, value: Any, line: int, what: str, case: str | None) -> str:
        """The text of `{file: path}`: a file inside the suite's folder, UTF-8, bounded.

        Suites come from others too: a path may not leave the suite's folder (no `..`,
        no absolute path, no symbolic link out), or a prompt could carry a private file
        to the API.
        """
        if not (isinstance(value, Mapping) and set(value) == {"file"}):
            raise self.error(
                line, f"{what!r} must be text or {{file: path beside the suite}}", case
            )
        name = value["file"]
        if not isinstance(name, str) or not name:
            raise self.error(line, f"{what!r}: 'file' must be a path", case)
        folder = self.file.parent.resolve()
        path = (folder / name).resolve()
        if not path.is_relative_to(folder):
            raise self.error(
                line, f"{what!r}: the prompt file {name!r} is outside the suite's folder", case
            )
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            raise self.error(
                line, f"{what!r}: the prompt file {name!r} is hidden (.env and the like)", case
            )
        try:
            text = safe_yaml.read_text(path, MAX_PROMPT_FILE_BYTES)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise self.error(
                line, f"{what!r}: cannot read the prompt file {name!r}: {exc}", case
            ) from None
        return text

    def _strings(self, node: _Located, key: str, case: str | None) -> tuple[str, ...]:
        """A string or a list of strings (`recorded_with: gpt-4o-mini`)."""
        value = node.get(key)
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            raise self.error(
                node.key_lines[key], f"{key!r} must be a string or a list of strings", case
            )
        return tuple(items)

    def _check_keys(
        self, node: _Located, allowed: tuple[str, ...], what: str, case: str | None
    ) -> None:
        for key in node:
            if key not in allowed:
                raise self.error(
                    node.key_lines[key], _unknown_key_message(key, allowed, what), case
                )

    def _string(self, node: _Located, key: str, case: str | None, default: str) -> str:
        value = node.get(key, default)
        if not isinstance(value, str):
            raise self.error(node.key_lines[key], f"{key!r} must be a string", case)
        return value

    def _mapping(self, node: _Located, key: str, case: str | None) -> dict[str, Any]:
        value = node.get(key, {})
        if not isinstance(value, dict):
            raise self.error(node.key_lines[key], f"{key!r} must be a mapping", case)
        return dict(value)

    def _api(self, node: _Located, case: str | None, default: Api) -> Api:
        value = node.get("api", default)
        for api in APIS:
            if value == api:
                return api
        raise self.error(
            node.key_lines.get("api", node.line),
            f"'api' must be one of {', '.join(APIS)}, got {value!r}",
            case,
        )

    def _samples(self, node: _Located, case: str | None, default: int) -> int:
        value = node.get("samples", default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.error(
                node.key_lines.get("samples", node.line),
                f"'samples' must be a whole number of at least 1, got {value!r}",
                case,
            )
        return value

    def _messages(self, node: _Located, case: str) -> list[dict[str, Any]]:
        messages = node.get("messages")
        if messages is None:
            raise self.error(node.line, "a chat case needs 'messages'", case)
        line = node.key_lines["messages"]
        if not isinstance(messages, list) or not messages:
            raise self.error(line, "'messages' must be a non-empty list", case)
        for position, message in enumerate(messages):
            where = _line_of(message, line)
            if not isinstance(message, dict):
                raise self.error(where, f"message #{position + 1} must be a mapping", case)
            role = message.get("role")
            if role not in MESSAGE_ROLES:
                raise self.error(
                    where,
                    f"message #{position + 1} has role {role!r}; "
                    f"use one of {', '.join(MESSAGE_ROLES)}",
                    case,
                )
            if "content" not in message and "tool_calls" not in message:
                raise self.error(where, f"message #{position + 1} has no 'content'", case)
            if isinstance(message.get("content"), dict):
                message["content"] = self._prompt_file(
                    message["content"], where, f"message #{position + 1}", case
                )
        return [_plain(m) for m in messages]

    def _checks(self, node: _Located, case: str | None) -> tuple[CheckSpec, ...]:
        if "checks" not in node:
            return ()
        items = node["checks"]
        line = node.key_lines["checks"]
        if not isinstance(items, list):
            raise self.error(line, "'checks' must be a list", case)
        specs = []
        for item in items:
            where = _line_of(item, line)
            if isinstance(item, str):
                specs.append(CheckSpec(item, None, where))
            elif isinstance(item, dict) and len(item) == 1:
                ((name, options),) = item.items()
                specs.append(CheckSpec(name, _plain(options), where))
            else:
                raise self.error(
                    where,
                    "each check is one 'name: options' pair, e.g. '- similarity: {min: 85}'",
                    case,
                )
        return tuple(specs)


def _is_system(message: Any) -> bool:
    return isinstance(message, dict) and message.get("role") in ("system", "developer")


def _with_system(messages: list[Any], text: str) -> list[Any]:
    """The messages with the first system (or developer) message's content replaced, or
    a system message put first when there is none."""
    patched = [dict(m) if isinstance(m, dict) else m for m in messages]
    for message in patched:
        if _is_system(message):
            message["content"] = text
            return patched
    return [{"role": "system", "content": text}, *patched]


def _plain(value: Any) -> Any:
    """Strip the line-tracking types so cases hold ordinary dicts and lists."""
    if isinstance(value, dict):  # YAML gives no other mappings
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def yaml_error_line(exc: yaml.MarkedYAMLError, text: str) -> int:
    """The 1-based line to blame: where the problem is, unless that is the end of the file
    (an unclosed bracket or quote), where the construct that was left open starts."""
    problem, context = exc.problem_mark, exc.context_mark
    end = len(text.rstrip())
    if problem is not None and problem.index >= end:
        if context is not None and context.index < end:
            return int(context.line) + 1
        return text.rstrip().count("\n") + 1  # the last line that holds anything
    mark = problem or context
    return int(mark.line) + 1 if mark is not None else 0


def parse_suite_text(text: str, file: Path, display: Path | None = None) -> Suite:
    """Parse one suite document; `display` is the path shown in errors (relative if possible)."""
    shown = display or file
    try:
        doc = _load_located(text)
    except safe_yaml.YamlBombError as exc:
        mark = exc.problem_mark
        raise SuiteError(shown, mark.line + 1 if mark else 0, str(exc.problem)) from None
    except yaml.MarkedYAMLError as exc:
        line = yaml_error_line(exc, text)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SuiteError(shown, line, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise SuiteError(shown, 0, f"YAML error: {exc}") from None
    return _SuiteReader(file, shown).read(doc)


def case_from_mapping(suite: str, mapping: dict[str, Any], file: Path) -> Case:
    """Validate one case written in Python exactly as a YAML case would be."""
    text = yaml.safe_dump({"suite": suite, "cases": [mapping]}, sort_keys=False)
    return parse_suite_text(text, file).cases[0]


def load_suite(file: Path, display: Path | None = None) -> Suite:
    """Read and validate a suite file."""
    try:
        text = safe_yaml.read_text(file, MAX_SUITE_BYTES)
    except (OSError, UnicodeDecodeError) as exc:
        raise SuiteError(display or file, 0, f"cannot read the suite: {exc}") from None
    return parse_suite_text(text, file, display)


_CASES_KEY = re.compile(r"^cases\s*:", re.MULTILINE)


_HEAD_BYTES = 256 * 1024


def looks_like_suite(file: Path) -> bool:
    """Cheap test used at collection: a YAML file with a top-level `cases:` key."""
    if file.suffix not in (".yaml", ".yml"):
        return False
    try:
        with file.open("rb") as handle:
            head = handle.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    return _CASES_KEY.search(head) is not None
