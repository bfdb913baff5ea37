"""`assert`: the team's own predicate on each model's output; failing only on the candidate
is a regression.

Options: a dotted path `"myapp.checks:no_pii"`, or `{callable: ..., timeout: seconds
(default 10)}`. The callable gets the parsed JSON when the output parses, else the
text (and the Completion too if it requires a second parameter). It fails a side by
raising AssertionError or returning False; any other exception fails that side too,
with the exception shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate_check.callables import CheckCallable, call_with_timeout
from migrate_check.checks.base import CheckRunError, Observation, SideBySideCheck
from migrate_check.checks.downstream import callable_options, exception_text
from migrate_check.checks.registry import builtin_check
from migrate_check.model import Completion


@builtin_check
class AssertCheck(SideBySideCheck):
    name = "assert"
    compares_values = False

    def __init__(self, function: CheckCallable, timeout: float) -> None:
        self.function = function
        self.timeout = timeout

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> AssertCheck:
        return cls(*callable_options(cls.name, options))

    @property
    def label(self) -> str:
        return f"assert {self.function.path}"

    def observe(self, completion: Completion) -> Observation:
        try:
            result = call_with_timeout(lambda: self.function(completion), self.timeout, "assert")
        except CheckRunError:
            raise
        except AssertionError as exc:
            message = str(exc)
            problem = f"fails {self.function.path}" + (f": {message}" if message else "")
            return Observation(False, problem=problem, evidence={"assertion": message})
        except Exception as exc:
            return Observation(
                False,
                problem=f"makes {self.function.path} raise {exception_text(exc)}",
                evidence={"raised": type(exc).__name__, "message": str(exc)},
            )
        if result is False:
            return Observation(False, problem=f"fails {self.function.path} (it returned False)")
        return Observation(True)
