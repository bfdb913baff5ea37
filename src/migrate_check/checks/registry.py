"""The one registry that built-in checks and a team's own checks go through.

Teams add checks with `@register_check` or by shipping a package with an entry point
in the group `migrate_check.checks` (`mycheck = "myteam.checks:MyCheck"`); both are
then usable in suite YAML like the built-ins. Built-ins and entry points load on the
first lookup, so importing this module costs nothing.
"""

from __future__ import annotations

import importlib
import json
from importlib.metadata import entry_points
from pathlib import Path

from migrate_check.case import CheckSpec
from migrate_check.checks.base import Check, CheckConfigError

ENTRY_POINT_GROUP = "migrate_check.checks"

_BUILTIN_MODULES = (
    "schema",
    "similarity",
    "equal",
    "downstream",
    "assertion",
    "tool_calls",
    "text_match",
    "finish_reason",
    "facts",
)

_registry: dict[str, type[Check]] = {}
_built: dict[tuple[str, str, Path], Check] = {}
_loaded = False
_team_names: set[str] = set()  # registered through register_check, not built in


def register_check(cls: type[Check]) -> type[Check]:
    """Class decorator: make `cls` usable in suites under `cls.name`."""
    _ensure_loaded()
    _add(cls)
    _team_names.add(cls.name)
    return cls


def forget_team_checks() -> None:
    """Drop checks a session registered (and every prepared check), when it ends.

    A process that runs pytest again (pytester does) registers its conftest's checks
    anew, and those are new classes under the same names.
    """
    for name in _team_names:
        _registry.pop(name, None)
    _team_names.clear()
    _built.clear()


def _add(cls: type[Check]) -> None:
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise CheckConfigError(f"{cls.__qualname__} has no 'name' to use in suites")
    existing = _registry.get(name)
    if existing is not None and existing is not cls:
        raise CheckConfigError(
            f"check name {name!r} is already registered by "
            f"{existing.__module__}.{existing.__qualname__}"
        )
    _registry[name] = cls


def _ensure_loaded() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in _BUILTIN_MODULES:
        importlib.import_module(f"migrate_check.checks.{module}")
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = entry.load()
        except Exception as exc:
            raise CheckConfigError(
                f"cannot load check {entry.name!r} from {entry.value!r}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if not (isinstance(cls, type) and issubclass(cls, Check)):
            raise CheckConfigError(
                f"entry point {entry.name!r} ({entry.value!r}) is not a Check subclass"
            )
        _add(cls)


def builtin_check(cls: type[Check]) -> type[Check]:
    """Register a built-in while the registry is loading (avoids recursion)."""
    _add(cls)
    return cls


def check_names() -> list[str]:
    """Every name usable as a check key in suites, sorted."""
    _ensure_loaded()
    return sorted(_registry)


def build_check(spec: CheckSpec, base_dir: Path) -> Check:
    """The prepared check for `spec`, built once per distinct options and base directory."""
    _ensure_loaded()
    cls = _registry.get(spec.name)
    if cls is None:
        raise CheckConfigError(
            f"unknown check {spec.name!r}; known checks: {', '.join(sorted(_registry))}"
        )
    key = (spec.name, json.dumps(spec.options, sort_keys=True, default=repr), base_dir)
    check = _built.get(key)
    if check is None:
        check = _built[key] = cls.from_options(spec.options, base_dir)
    return check
