"""`assert`: the team's own predicate on each model's output; failing only on the candidate
is a regression.

Options and what the function receives: see `callable_check`. The function fails a side
by raising AssertionError or returning False; any other exception fails that side too,
with the exception shown.
"""

from __future__ import annotations

from typing import Any

from migrate_check.checks.base import Observation
from migrate_check.checks.callable_check import CallableCheck


class AssertCheck(CallableCheck):
    name = "assert"
    compares_values = False

    def failed(self, exc: Exception) -> Observation:
        if isinstance(exc, AssertionError):
            message = str(exc)[:2000]
            problem = f"fails {self.function.path}" + (f": {message}" if message else "")
            return Observation(False, problem=problem, evidence={"assertion": message})
        return super().failed(exc)

    def succeeded(self, result: Any) -> Observation:
        if result is False:
            return Observation(False, problem=f"fails {self.function.path} (it returned False)")
        return Observation(True)
