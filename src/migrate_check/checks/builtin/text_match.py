"""`contains` and `regex`: does each model's text still include what the app looks for?

`contains`: a string, a list of strings (all must appear), or `{text: <string or list>,
case_sensitive: bool (default true)}`.
`regex`: a pattern, or `{pattern: ..., flags: [i, m, s]}`; searched anywhere in the text,
compiled once, each search within a time limit (see `bounded_regex`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate_check.checks import bounded_regex
from migrate_check.checks import option_values as opts
from migrate_check.checks.base import CheckConfigError, Observation, SideBySideCheck
from migrate_check.core.completion import Completion

REGEX_FLAGS = {
    "i": bounded_regex.IGNORECASE,
    "m": bounded_regex.MULTILINE,
    "s": bounded_regex.DOTALL,
}


class ContainsCheck(SideBySideCheck):
    name = "contains"
    compares_values = False

    def __init__(self, needles: list[str], case_sensitive: bool) -> None:
        self.needles = needles
        self.case_sensitive = case_sensitive
        self._folded = needles if case_sensitive else [n.casefold() for n in needles]

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> ContainsCheck:
        shorthand = options if isinstance(options, str | list) else None
        mapping = opts.as_mapping(
            cls.name, options if shorthand is None else {"text": shorthand}, None
        )
        opts.reject_unknown(cls.name, mapping, ("text", "case_sensitive"))
        needles = opts.strings(cls.name, mapping, "text")
        if not needles or not all(needles):
            raise CheckConfigError(f"contains: 'text' must name what to look for, got {options!r}")
        return cls(needles, opts.flag(cls.name, mapping, "case_sensitive", True))

    @property
    def label(self) -> str:
        return "contains " + ", ".join(repr(n) for n in self.needles)

    def observe(self, completion: Completion) -> Observation:
        text = completion.text if self.case_sensitive else completion.text.casefold()
        missing = [n for n, f in zip(self.needles, self._folded, strict=True) if f not in text]
        if missing:
            return Observation(False, problem="lacks " + ", ".join(repr(n) for n in missing))
        return Observation(True)


class RegexCheck(SideBySideCheck):
    name = "regex"
    compares_values = False

    def __init__(self, pattern: Any) -> None:
        self.pattern = pattern  # a compiled `regex` pattern: searches have a time limit

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> RegexCheck:
        mapping = opts.as_mapping(cls.name, options, shorthand="pattern")
        opts.reject_unknown(cls.name, mapping, ("pattern", "flags"))
        pattern = opts.text(cls.name, mapping, "pattern")
        flags = 0
        for letter in opts.strings(cls.name, mapping, "flags", REGEX_FLAGS):
            flags |= REGEX_FLAGS[letter]
        try:
            return cls(bounded_regex.compile_pattern(pattern, flags))
        except bounded_regex.error as exc:
            raise CheckConfigError(f"regex: {pattern!r} is not a valid pattern: {exc}") from exc

    @property
    def label(self) -> str:
        return f"regex /{self.pattern.pattern}/"

    def observe(self, completion: Completion) -> Observation:
        if bounded_regex.search(self.pattern, completion.text, self.label):
            return Observation(True)
        return Observation(False, problem=f"does not match /{self.pattern.pattern}/")
