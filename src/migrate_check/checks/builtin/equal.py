"""`equal`: is the value the app reads (a JSON path, or the whole parsed output) the same?

Options: `{path: "$.queue" (JSONPath; omit for the whole output), ignore_order: bool,
tolerance: number (absolute, for floats), significant_digits: int, exclude: [JSONPaths
removed before comparing, e.g. "$.request_id"]}`, or a bare string for `path`.
A side whose output is not JSON, or lacks the path, fails: missing only on the
candidate is a regression. The difference is shown by deepdiff, within `diffing`'s bound:
larger values are summarised (counts and the first differences), and say so.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from jsonpath_ng import JSONPath
from jsonpath_ng.ext.parser import parse as parse_jsonpath

from migrate_check.checks import option_values as opts
from migrate_check.checks.base import CheckConfigError, Difference, Observation, SideBySideCheck
from migrate_check.checks.diffing import deep_difference, shown_summarised
from migrate_check.checks.outputs import not_json_problem, shorten
from migrate_check.core.completion import Completion


def compile_jsonpath(check: str, written: str) -> JSONPath:
    try:
        compiled: JSONPath = parse_jsonpath(written)
    except Exception as exc:  # jsonpath-ng raises plain Exception for some syntax errors
        raise CheckConfigError(f"{check}: {written!r} is not a valid JSONPath: {exc}") from exc
    return compiled


class EqualCheck(SideBySideCheck):
    name = "equal"

    def __init__(
        self,
        path: str | None,
        ignore_order: bool,
        tolerance: float | None,
        significant_digits: int | None,
        exclude: list[str],
    ) -> None:
        self.path = path
        self.compiled = compile_jsonpath(self.name, path) if path else None
        self.ignore_order = ignore_order
        self.tolerance = tolerance
        self.significant_digits = significant_digits
        self.exclude = [compile_jsonpath(self.name, p) for p in exclude]

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> EqualCheck:
        mapping = opts.as_mapping(cls.name, options, shorthand="path")
        opts.reject_unknown(
            cls.name,
            mapping,
            ("path", "ignore_order", "tolerance", "significant_digits", "exclude"),
        )
        path = opts.text(cls.name, mapping, "path") if "path" in mapping else None
        digits = opts.number(cls.name, mapping, "significant_digits", None, 0)
        if digits is not None and digits != int(digits):
            raise CheckConfigError(
                f"equal: 'significant_digits' must be a whole number, got {digits}"
            )
        return cls(
            path,
            opts.flag(cls.name, mapping, "ignore_order", False),
            opts.number(cls.name, mapping, "tolerance", None, 0),
            None if digits is None else int(digits),
            opts.strings(cls.name, mapping, "exclude"),
        )

    @property
    def label(self) -> str:
        return f"equal {self.path}" if self.path else "equal"

    def observe(self, completion: Completion) -> Observation:
        parsed = completion.parsed
        if not parsed.ok:
            return Observation(False, problem=not_json_problem(completion))
        value = parsed.value
        if self.exclude:
            value = copy.deepcopy(value)
            for excluded in self.exclude:
                value = excluded.filter(lambda _: True, value)
        if self.compiled is None:
            return Observation(True, value)
        matches = [match.value for match in self.compiled.find(value)]
        if not matches:
            return Observation(False, problem=f"has no value at {self.path}")
        return Observation(True, matches[0] if len(matches) == 1 else matches)

    def compare(self, baseline: Observation, candidate: Observation) -> Difference:
        where = self.path or "output"
        diff = deep_difference(
            baseline.value,
            candidate.value,
            ignore_order=self.ignore_order,
            tolerance=self.tolerance,
            significant_digits=self.significant_digits,
        )
        if diff is None:
            return Difference(False, f"{where} equal: {shorten(baseline.value)}")
        evidence: dict[str, Any] = {"diff": diff}
        values: dict[str, Any] = {"baseline": baseline.value, "candidate": candidate.value}
        if "bounded" in diff:  # values too large to diff in full are too large to show
            (values["baseline"], before), (values["candidate"], after) = map(
                shown_summarised, (baseline.value, candidate.value)
            )
        else:
            before, after = shorten(baseline.value), shorten(candidate.value)
        if self.path:
            evidence["values"] = values
        return Difference(True, f"{where} differs: {before} -> {after}", evidence)
