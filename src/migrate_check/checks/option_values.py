"""Reading a check's options from YAML, with one-line errors that quote the bad value."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from migrate_check.checks.base import CheckConfigError


def as_mapping(check: str, options: Any, shorthand: str | None) -> dict[str, Any]:
    """Options as a mapping; a bare value is shorthand for the key `shorthand`."""
    if options is None:
        return {}
    if isinstance(options, Mapping):
        return {str(key): value for key, value in options.items()}
    if shorthand is None:
        raise CheckConfigError(f"{check}: options must be a mapping, got {options!r}")
    return {shorthand: options}


def reject_unknown(check: str, options: Mapping[str, Any], known: Iterable[str]) -> None:
    """Typos in option names fail loudly instead of being ignored."""
    known = sorted(known)
    for key in options:
        if key not in known:
            raise CheckConfigError(
                f"{check}: unknown option {key!r}; known options: {', '.join(known)}"
            )


def number(
    check: str,
    options: Mapping[str, Any],
    key: str,
    default: float | None,
    low: float | None = None,
    high: float | None = None,
) -> float | None:
    value = options.get(key, default)
    if value is None:
        return None
    in_range = isinstance(value, int | float) and not isinstance(value, bool)
    if in_range and low is not None and value < low:
        in_range = False
    if in_range and high is not None and value > high:
        in_range = False
    if not in_range:
        if low is not None and high is not None:
            wanted = f"a number from {low:g} to {high:g}"
        elif low is not None:
            wanted = f"a number of at least {low:g}"
        else:
            wanted = "a number"
        raise CheckConfigError(f"{check}: {key!r} must be {wanted}, got {value!r}")
    return float(value)


def flag(check: str, options: Mapping[str, Any], key: str, default: bool) -> bool:
    value = options.get(key, default)
    if not isinstance(value, bool):
        raise CheckConfigError(f"{check}: {key!r} must be true or false, got {value!r}")
    return value


def text(check: str, options: Mapping[str, Any], key: str) -> str:
    value = options.get(key)
    if not isinstance(value, str) or not value:
        raise CheckConfigError(f"{check}: {key!r} must be a non-empty string, got {value!r}")
    return value


def strings(
    check: str, options: Mapping[str, Any], key: str, choices: Iterable[str] | None = None
) -> list[str]:
    """A string or a list of strings; with `choices`, each must be one of them."""
    value = options.get(key, [])
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise CheckConfigError(
            f"{check}: {key!r} must be a string or a list of strings, got {value!r}"
        )
    if choices is not None:
        allowed = list(choices)
        for item in items:
            if item not in allowed:
                raise CheckConfigError(
                    f"{check}: {key!r} must be among {', '.join(allowed)}, got {item!r}"
                )
    return items
