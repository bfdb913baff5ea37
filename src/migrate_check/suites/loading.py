"""Load and validate suite files (`suites/**/*.yaml`) into cases: the entry points.

Every mistake becomes one `SuiteError` line naming the file, the line and the case,
because a suite is written by hand and a traceback tells its author nothing. The reading
itself is in `reader` (the suite and its cases), `sides`, `variants`, `prompts` and
`fields`, over the line-keeping YAML of `located`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from migrate_check.core.case import Case
from migrate_check.safety import safe_yaml
from migrate_check.suites.located import load_located
from migrate_check.suites.reader import SuiteReader
from migrate_check.suites.suite import Suite, SuiteError

__all__ = [
    "case_from_mapping",
    "load_suite",
    "looks_like_suite",
    "parse_suite_text",
    "yaml_error_line",
]

MAX_SUITE_BYTES = 16 * 1024 * 1024  # a 10,000-case suite is about 2 MiB


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
        doc = load_located(text)
    except safe_yaml.YamlBombError as exc:
        mark = exc.problem_mark
        raise SuiteError(shown, mark.line + 1 if mark else 0, str(exc.problem)) from None
    except yaml.MarkedYAMLError as exc:
        line = yaml_error_line(exc, text)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SuiteError(shown, line, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise SuiteError(shown, 0, f"YAML error: {exc}") from None
    return SuiteReader(file, shown).read(doc)


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
#: How much of a YAML file collection reads to find a top-level `cases:` key.
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
