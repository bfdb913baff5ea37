"""The team's function and its inputs, got ready for a run: imported once, bounded.

Importing the team's module runs its code: a `sys.exit` there, or any exception, is a
configuration error naming the path, never the end of the run. `inputs_from` is the
team's code too, so it is called within the run's time limit, with its prints kept off
the terminal, and what it raises is the case's error.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Mapping
from typing import Any

from migrate_check.apps.value import Printed, kept_off
from migrate_check.checks.base import CheckConfigError, CheckRunError
from migrate_check.checks.callables import import_callable
from migrate_check.checks.time_limits import call_with_timeout
from migrate_check.core.entry import EntryPoint


def load_function(path: str) -> Callable[..., Any]:
    """The callable at `path`; `CheckConfigError` when it cannot be imported."""
    try:
        return _imported(path)
    except SystemExit as exc:
        raise CheckConfigError(
            f"cannot import {path!r}: its module called sys.exit({exc.code!r}) while importing"
        ) from None


@functools.lru_cache(maxsize=256)
def _imported(path: str) -> Callable[..., Any]:
    return import_callable(path)


def prepared_inputs(entry: EntryPoint) -> dict[str, Any]:
    """One run's keyword arguments: fresh copies of the suite's, so one run cannot change
    the next's, and what `inputs_from` returns, called within the time limit.
    Raises `CheckConfigError` with what went wrong."""
    kwargs = copy.deepcopy(entry.inputs)
    if not entry.inputs_from:
        return kwargs
    made = load_function(entry.inputs_from)
    what = f"inputs_from {entry.inputs_from}"
    try:
        with kept_off(Printed()):
            extra = call_with_timeout(lambda: _called(made, what), entry.timeout_s, what)
    except CheckRunError as exc:
        raise CheckConfigError(limit_note(str(exc))) from None
    kwargs.update(extra)
    return kwargs


def _called(made: Callable[[], Any], what: str) -> dict[str, Any]:
    """`made()` checked, within the limit; its exception as a `CheckRunError` in words."""
    try:
        extra = made()
    except Exception as exc:  # noqa: BLE001 - the team's fixture failing is this case's error
        raise CheckRunError(f"{what} raised {type(exc).__name__}: {exc}"[:500]) from None
    if not isinstance(extra, Mapping) or not all(isinstance(k, str) for k in extra):
        raise CheckRunError(
            f"{what} must return a mapping of keyword arguments, got {type(extra).__name__}"
        )
    return dict(extra)


def limit_note(message: str) -> str:
    """A time-out's message says which setting raises the limit."""
    return f"{message} (raise entry.timeout in the suite)" if "timed out" in message else message
