"""Regular expressions with a time limit, for patterns from suites and schemas.

A pattern such as `(x+x+)+y` backtracks for longer than the universe lasts on an answer
of a few thousand `x`. Searches run on the `regex` module (the standard library's syntax)
with a time limit per search; a search that runs out of time is an error of the check
that asked for it, naming the bound, never a hung run.
"""

from __future__ import annotations

from typing import Any

import regex

from migrate_check.checks.base import CheckRunError

SEARCH_TIMEOUT_S = 1.0
IGNORECASE, MULTILINE, DOTALL = regex.IGNORECASE, regex.MULTILINE, regex.DOTALL
error = regex.error


def compile_pattern(pattern: str, flags: int = 0) -> Any:
    """`pattern` compiled with the standard library's syntax; raises `error`."""
    return regex.compile(pattern, flags | regex.VERSION0)


def search(compiled: Any, text: str, what: str, timeout_s: float = SEARCH_TIMEOUT_S) -> bool:
    """Whether `compiled` matches anywhere in `text`; `CheckRunError` past the time limit."""
    try:
        return compiled.search(text, timeout=timeout_s) is not None
    except TimeoutError:
        raise CheckRunError(
            f"{what} gave up after {timeout_s:g} s on {len(text):,} characters: the pattern "
            "backtracks without end on this text; make it more specific"
        ) from None
