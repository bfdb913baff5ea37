"""`downstream`: run the app's own code on both outputs; do the results differ?

Options: a dotted path `"myapp.triage:route"`, or `{callable: ..., timeout: seconds
(default 10)}`. The callable gets the parsed JSON when the output parses, else the
text; a second parameter, if required, gets the Completion. Results are compared by
deepdiff; raising on the candidate only is a regression. A call that exceeds the
timeout makes the check `error`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate_check.callables import CheckCallable, call_with_timeout, load_check_callable
from migrate_check.checks import options as opts
from migrate_check.checks.base import CheckRunError, Difference, Observation, SideBySideCheck
from migrate_check.checks.diffing import deep_difference
from migrate_check.checks.outputs import plain, shorten
from migrate_check.checks.registry import builtin_check
from migrate_check.model import Completion

DEFAULT_TIMEOUT = 10.0


def callable_options(check: str, options: Any) -> tuple[CheckCallable, float]:
    """`"pkg.mod:func"` or `{callable: ..., timeout: ...}`, shared with `assert`."""
    mapping = opts.as_mapping(check, options, shorthand="callable")
    opts.reject_unknown(check, mapping, ("callable", "timeout"))
    path = opts.text(check, mapping, "callable")
    timeout = opts.number(check, mapping, "timeout", DEFAULT_TIMEOUT, 0.001)
    assert timeout is not None
    return load_check_callable(path), timeout


def exception_text(exc: BaseException) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


@builtin_check
class DownstreamCheck(SideBySideCheck):
    name = "downstream"

    def __init__(self, function: CheckCallable, timeout: float) -> None:
        self.function = function
        self.timeout = timeout

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> DownstreamCheck:
        return cls(*callable_options(cls.name, options))

    @property
    def label(self) -> str:
        return f"downstream {self.function.path}"

    def observe(self, completion: Completion) -> Observation:
        try:
            result = call_with_timeout(
                lambda: self.function(completion), self.timeout, "downstream"
            )
        except CheckRunError:  # a timeout: the check could not run
            raise
        except Exception as exc:
            return Observation(
                False,
                problem=f"makes {self.function.path} raise {exception_text(exc)}",
                evidence={"raised": type(exc).__name__, "message": str(exc)},
            )
        return Observation(True, result)

    def compare(self, baseline: Observation, candidate: Observation) -> Difference:
        diff = deep_difference(baseline.value, candidate.value)
        if diff is None:
            return Difference(False, f"{self.function.path} returns {shorten(baseline.value)}")
        results = {"baseline": plain(baseline.value), "candidate": plain(candidate.value)}
        return Difference(
            True,
            f"{self.function.path} returns {shorten(baseline.value)} -> {shorten(candidate.value)}",
            {"diff": diff, "results": results},
        )
