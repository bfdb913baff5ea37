"""`downstream`: run the app's own code on both outputs; do the results differ?

Options and what the function receives: see `callable_check`. Results are compared by
deepdiff, within `diffing`'s bound (larger results are summarised: counts and the first
differences); raising on the candidate only is a regression. A call that exceeds the
timeout makes the check `error`.
"""

from __future__ import annotations

from typing import Any

from migrate_check.checks.base import Difference, Observation
from migrate_check.checks.callable_check import CallableCheck
from migrate_check.checks.diffing import deep_difference
from migrate_check.checks.outputs import plain, shorten

#: Characters of each result shown beside a summarised difference.
SHOWN_WHEN_BOUNDED = 1_000


class DownstreamCheck(CallableCheck):
    name = "downstream"

    def succeeded(self, result: Any) -> Observation:
        return Observation(True, result)

    def compare(self, baseline: Observation, candidate: Observation) -> Difference:
        diff = deep_difference(baseline.value, candidate.value)
        if diff is None:
            return Difference(False, f"{self.function.path} returns {shorten(baseline.value)}")
        results = {"baseline": plain(baseline.value), "candidate": plain(candidate.value)}
        if "bounded" in diff:  # results too large to diff in full are too large to show
            results = {
                side: shorten(value, SHOWN_WHEN_BOUNDED)
                for side, value in (("baseline", baseline.value), ("candidate", candidate.value))
            }
        return Difference(
            True,
            f"{self.function.path} returns {shorten(baseline.value)} -> {shorten(candidate.value)}",
            {"diff": diff, "results": results},
        )
