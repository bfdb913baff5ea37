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
from migrate_check.checks.diffing import deep_difference, shown_summarised
from migrate_check.checks.outputs import plain, shorten


class DownstreamCheck(CallableCheck):
    name = "downstream"

    def succeeded(self, result: Any) -> Observation:
        return Observation(True, result)

    def compare(self, baseline: Observation, candidate: Observation) -> Difference:
        diff = deep_difference(baseline.value, candidate.value)
        if diff is None:
            return Difference(False, f"{self.function.path} returns {shorten(baseline.value)}")
        if "bounded" in diff:  # results too large to diff in full are too large to show
            (shown_b, before), (shown_c, after) = map(
                shown_summarised, (baseline.value, candidate.value)
            )
            results: dict[str, Any] = {"baseline": shown_b, "candidate": shown_c}
        else:
            results = {"baseline": plain(baseline.value), "candidate": plain(candidate.value)}
            before, after = shorten(baseline.value), shorten(candidate.value)
        return Difference(
            True,
            f"{self.function.path} returns {before} -> {after}",
            {"diff": diff, "results": results},
        )
