"""Suite files: `suites/**/*.yaml` loaded, validated and expanded into cases.

In: suite files (and prompt files beside them). Out: a `Suite` of `Case`s, per side and
per candidate variant, or a `SuiteError` naming the file, line and case.

The entry points are in `loading`; the names below are re-exported from it on first
use, so importing this package costs nothing (no YAML parser) until a suite is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from migrate_check.suites.loading import load_suite, looks_like_suite, parse_suite_text
    from migrate_check.suites.suite import Suite, SuiteError

__all__ = ["Suite", "SuiteError", "load_suite", "looks_like_suite", "parse_suite_text"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from migrate_check.suites import loading

        return getattr(loading, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
