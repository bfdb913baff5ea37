"""Which checks a run can use: the built-ins, installed packages' checks, and the team's own.

One `CheckRegistry` belongs to one run (the plugin keeps it in `config.stash` and hands
it to the `pytest_migrate_check_configure` hook, where a team's conftest registers its
checks); nothing a run registers outlives it. Packages ship checks under the entry point
group `migrate_check.checks` (`mycheck = "myteam.checks:MyCheck"`); every registry loads
them, like the built-ins. Plain-Python callers (the importer, benchmarks) that need no
team checks use `default_registry()`.
"""

from __future__ import annotations

import functools
import json
import pkgutil
from collections.abc import Mapping, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from types import MappingProxyType
from typing import Any

from migrate_check.checks.base import Check, CheckConfigError
from migrate_check.checks.outputs import function_calls
from migrate_check.core.case import Case, CheckSpec
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult

ENTRY_POINT_GROUP = "migrate_check.checks"

#: The built-in checks by the name suites use (each class's `name`), as "module:Class":
#: a run imports only the modules of the checks its suites use (some import a tenth of a
#: second of libraries).
BUILTIN_CHECKS: Mapping[str, str] = MappingProxyType(
    {
        "schema": "migrate_check.checks.builtin.schema:SchemaCheck",
        "similarity": "migrate_check.checks.builtin.similarity:SimilarityCheck",
        "equal": "migrate_check.checks.builtin.equal:EqualCheck",
        "downstream": "migrate_check.checks.builtin.downstream:DownstreamCheck",
        "assert": "migrate_check.checks.builtin.assertion:AssertCheck",
        "tool_calls": "migrate_check.checks.builtin.tool_calls:ToolCallsCheck",
        "contains": "migrate_check.checks.builtin.text_match:ContainsCheck",
        "regex": "migrate_check.checks.builtin.text_match:RegexCheck",
        "finish_reason": "migrate_check.checks.builtin.finish_reason:FinishReasonCheck",
        "facts": "migrate_check.checks.builtin.facts:FactsCheck",
        "calls": "migrate_check.checks.builtin.calls:CallsCheck",
        "trajectory": "migrate_check.checks.builtin.trajectory:TrajectoryCheck",
        "embedding": "migrate_check.checks.builtin.embedding:EmbeddingCheck",
        "judge": "migrate_check.checks.builtin.judge:JudgeCheck",
    }
)

#: What a case that names no checks is judged by, so every case has a verdict: `facts`
#: when every answer is free text, `similarity` at 80 when one is JSON or calls tools.
#: Letters are what JSON and calls are made of; in free text they move with every
#: rewording and hardly with a changed fact, so free text is judged by its facts.
FREE_TEXT_DEFAULT = CheckSpec("facts", None)
STRUCTURED_DEFAULT = CheckSpec("similarity", {"min": 80})
#: Request keys that ask for JSON (`response_format`, the Responses API's `text.format`).
_JSON_FORMATS = frozenset(("json_object", "json_schema"))


def is_structured(completion: Completion) -> bool:
    """Whether an answer is JSON (an object or array) or calls the application's tools, not
    free text (a prose answer after a web search is free text)."""
    if function_calls(completion):
        return True
    parsed = completion.parsed
    return parsed.ok and isinstance(parsed.value, dict | list)


def asks_for_structure(request: Mapping[str, Any]) -> bool:
    """Whether a request asks for JSON or offers tools (what its answers are likely to be)."""
    if request.get("tools") or request.get("functions"):
        return True
    text = request.get("text")
    formats = [
        request.get("response_format"),
        text.get("format") if isinstance(text, Mapping) else None,
    ]
    return any(isinstance(f, Mapping) and f.get("type") in _JSON_FORMATS for f in formats)


class DefaultCheck(Check):
    """The check of a case that names none, chosen by its answers: `facts` when all of
    them are free text, `similarity` when one is JSON or calls tools.

    Its label, for a verdict given before any answer (a failed call), follows the request.
    """

    name = "default"

    def __init__(self, free_text: Check, structured: Check, expects_structure: bool) -> None:
        self.free_text = free_text
        self.structured = structured
        self.expects_structure = expects_structure

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> DefaultCheck:
        registry = default_registry()
        free_text = registry.build(FREE_TEXT_DEFAULT, base_dir)
        structured = registry.build(STRUCTURED_DEFAULT, base_dir)
        return cls(free_text, structured, bool(options))

    @property
    def label(self) -> str:
        return (self.structured if self.expects_structure else self.free_text).label

    def chosen(self, baseline: Sequence[Completion], candidate: Sequence[Completion]) -> Check:
        """`similarity` when an answer of either side is JSON or tool calls, else `facts`."""
        answers = [*baseline, *candidate]
        return self.structured if any(map(is_structured, answers)) else self.free_text

    def judge(self, baseline: Sequence[Completion], candidate: Sequence[Completion]) -> CheckResult:
        return self.chosen(baseline, candidate).judge(baseline, candidate)


class CheckRegistry:
    """Check classes by the name suites use, and the checks built from them.

    Each run has its own, handed to the `pytest_migrate_check_configure` hook; what a
    team registers there lasts for that run only.

    Args:
        cls: (to `register`) a `Check` subclass whose `name` suites will use; a name a
            built-in or another check already has is refused with `CheckConfigError`.

    Example:
        ```python
        # conftest.py
        def pytest_migrate_check_configure(config, registry):
            registry.register(MaxWords)
        ```
    """

    def __init__(self) -> None:
        self._classes: dict[str, type[Check]] = {}
        # One built check per distinct name, options and base directory: suites repeat
        # the same check on many cases, and building may compile or import.
        self._built: dict[tuple[str, str, Path], Check] = {}
        # Built-ins not imported yet, by name: imported when first asked for.
        self._unimported_builtins: dict[str, str] = dict(BUILTIN_CHECKS)
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            try:
                cls = entry.load()
            except Exception as exc:  # a broken package's check: say which, stop the run
                raise CheckConfigError(
                    f"cannot load check {entry.name!r} from {entry.value!r}: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
            if not (isinstance(cls, type) and issubclass(cls, Check)):
                raise CheckConfigError(
                    f"entry point {entry.name!r} ({entry.value!r}) is not a Check subclass"
                )
            self._add(cls)

    def register(self, cls: type[Check]) -> type[Check]:
        """Make `cls` usable in suites under `cls.name` (also works as a class decorator)."""
        self._add(cls)
        return cls

    def _add(self, cls: type[Check]) -> None:
        name = getattr(cls, "name", None)
        if not isinstance(name, str) or not name:
            raise CheckConfigError(f"{cls.__qualname__} has no 'name' to use in suites")
        existing = self._class_named(name)
        if existing is not None and existing is not cls:
            raise CheckConfigError(
                f"check name {name!r} is already registered by "
                f"{existing.__module__}.{existing.__qualname__}"
            )
        self._classes[name] = cls

    def _class_named(self, name: str) -> type[Check] | None:
        """The class registered under `name` (a built-in is imported now), or None."""
        path = self._unimported_builtins.pop(name, None)
        if path is not None:
            self._classes.setdefault(name, pkgutil.resolve_name(path))
        return self._classes.get(name)

    def names(self) -> list[str]:
        """Every name usable as a check key in suites, sorted."""
        return sorted({*self._classes, *self._unimported_builtins})

    def build(self, spec: CheckSpec, base_dir: Path) -> Check:
        """The prepared check for `spec`; `CheckConfigError` says what is wrong with it."""
        cls = self._class_named(spec.name)
        if cls is None:
            raise CheckConfigError(
                f"unknown check {spec.name!r}; known checks: {', '.join(self.names())}"
            )
        key = (spec.name, json.dumps(spec.options, sort_keys=True, default=repr), base_dir)
        check = self._built.get(key)
        if check is None:
            check = self._built[key] = cls.from_options(spec.options, base_dir)
        return check

    def checks_for(self, case: Case, base_dir: Path) -> list[Check]:
        """The prepared checks of `case`, or when it names none the default, which judges
        free-text answers by `facts` and JSON or tool calls by `similarity`."""
        if case.checks:
            return [self.build(spec, base_dir) for spec in case.checks]
        free_text = self.build(FREE_TEXT_DEFAULT, base_dir)
        structured = self.build(STRUCTURED_DEFAULT, base_dir)
        request = case.request
        if case.loop is not None:  # its answer is the loop's last, after the tools ran
            request = {k: v for k, v in request.items() if k not in ("tools", "functions")}
        return [DefaultCheck(free_text, structured, asks_for_structure(request))]


@functools.cache
def default_registry() -> CheckRegistry:
    """The built-in and installed checks, for callers outside a pytest run."""
    return CheckRegistry()


def build_check(spec: CheckSpec, base_dir: Path) -> Check:
    """`spec` built by the default registry (no team checks)."""
    return default_registry().build(spec, base_dir)


def check_names() -> list[str]:
    """The names the default registry knows."""
    return default_registry().names()
