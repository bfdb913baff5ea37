"""A first run without a model pair: notice a suite file and say how to run it.

`pytest` in a project with suites but no `--model-pair` runs nothing of ours; the
summary then names one suite file and the command that compares two models on it.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

from migrate_check.suites.loading import looks_like_suite

#: Only YAML files this small are peeked at: large ones are mostly cassettes, and one
#: small suite is enough for the hint.
PEEK_BYTES = 64 * 1024


def small_suite(file_path: Path) -> bool:
    """A suite file small enough to peek at on every run without a pair."""
    if file_path.suffix not in (".yaml", ".yml"):
        return False
    try:
        small = file_path.stat().st_size <= PEEK_BYTES
    except OSError:
        return False
    return small and looks_like_suite(file_path)


def how_to_run(suite: str, args: Sequence[str]) -> str:
    """The line that says how to run `suite`: the same pytest arguments, plus a pair."""
    command = shlex.join(["pytest", "--model-pair", "BASELINE:CANDIDATE", *args])
    return f"migrate-check: prompt suites such as {suite} run only with a model pair: {command}"
