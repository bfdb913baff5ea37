"""Load and validate suite files (`suites/**/*.yaml`) into cases: the entry points.

Every mistake becomes one `SuiteError` line naming the file, the line and the case,
because a suite is written by hand and a traceback tells its author nothing. The reading
itself is in `reader` (the suite and its cases), `sides`, `variants`, `prompts` and
`fields`, over the line-keeping YAML of `located`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from migrate_check.core.case import Case
from migrate_check.safety import safe_yaml
from migrate_check.suites.located import load_located, located
from migrate_check.suites.reader import SuiteReader
from migrate_check.suites.suite import Suite, SuiteError

__all__ = [
    "case_from_mapping",
    "load_suite",
    "looks_like_suite",
    "parse_suite_text",
    "read_suite_data",
    "sniff_suite",
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


def read_suite_data(doc: dict[str, Any], file: Path) -> Suite:
    """A suite given as data, not text (an import's case), checked as a file's would be;
    its errors name no line."""
    return SuiteReader(file, file).read(located(doc))


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


#: A top-level `cases:` key: at the start of a line (after a byte-order mark on the first).
_CASES_KEY = re.compile(rb"^(?:\xef\xbb\xbf)?cases[ \t]*:", re.MULTILINE)
#: How much collection reads at a time while it looks for `cases:`.
_SNIFF_CHUNK = 1024 * 1024
#: The part of an unfinished line carried into the next read; a longer line cannot be
#: the key, and stands for itself as "#" (not the start of a line).
_CARRY = 64


@dataclass(frozen=True)
class Sniffed:
    """Whether a file is a suite; `unread` says why it could not be read far enough to tell."""

    suite: bool
    unread: str | None = None


def sniff_suite(file: Path) -> Sniffed:
    """Collection's test: a YAML file with a top-level `cases:` key.

    A long header comment or a large tools list may come before the key, so the file is
    read, a chunk at a time, until the key or the end, as far as a suite may reach
    (`MAX_SUITE_BYTES`); a file larger than that without the key, or one that cannot be
    read, is not a suite this run can load, and `unread` says so.
    """
    if file.suffix not in (".yaml", ".yml"):
        return Sniffed(False)
    try:
        with file.open("rb") as handle:
            carry = b""
            for _ in range(MAX_SUITE_BYTES // _SNIFF_CHUNK):
                chunk = handle.read(_SNIFF_CHUNK)
                if not chunk:
                    return Sniffed(False)
                text = carry + chunk
                if _CASES_KEY.search(text):
                    return Sniffed(True)
                carry = text[text.rfind(b"\n") + 1 :]
                carry = carry if len(carry) <= _CARRY else b"#"
            if not handle.read(1):
                return Sniffed(False)
    except OSError as exc:
        return Sniffed(False, f"cannot be read: {exc.strerror or exc}")
    limit = MAX_SUITE_BYTES // (1024 * 1024)
    return Sniffed(
        False,
        f"larger than {limit} MiB, the most a suite file holds, with no top-level 'cases:' "
        f"in its first {limit} MiB",
    )


def looks_like_suite(file: Path) -> bool:
    """Whether collection takes `file` for a suite (see `sniff_suite`)."""
    return sniff_suite(file).suite
