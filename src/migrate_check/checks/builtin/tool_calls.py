"""`tool_calls`: the functions the model asks the app to run, and their parsed arguments.

Options: `{ignore_order: bool (default false), ignore_arguments: [argument names
dropped before comparing, e.g. a request id]}`. Calls that vanish on the candidate
are a regression (the app no longer does what it did); calls that appear only on the
candidate, or differ, are a change. The difference is shown by deepdiff.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate_check.checks import option_values as opts
from migrate_check.checks.base import Difference, Observation, SideBySideCheck
from migrate_check.checks.diffing import deep_difference
from migrate_check.checks.outputs import json_or_none
from migrate_check.core.completion import Completion


class ToolCallsCheck(SideBySideCheck):
    name = "tool_calls"

    def __init__(self, ignore_order: bool, ignore_arguments: frozenset[str]) -> None:
        self.ignore_order = ignore_order
        self.ignore_arguments = ignore_arguments

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> ToolCallsCheck:
        mapping = opts.as_mapping(cls.name, options, shorthand=None)
        opts.reject_unknown(cls.name, mapping, ("ignore_order", "ignore_arguments"))
        return cls(
            opts.flag(cls.name, mapping, "ignore_order", False),
            frozenset(opts.strings(cls.name, mapping, "ignore_arguments")),
        )

    def observe(self, completion: Completion) -> Observation:
        calls = [
            {"name": call.name, "arguments": self._arguments(call.arguments)}
            for call in completion.tool_calls
        ]
        if self.ignore_order:
            calls.sort(key=lambda call: json_or_none(call) or repr(call))
        return Observation(None, calls)

    def _arguments(self, arguments: Any) -> Any:
        if isinstance(arguments, dict) and self.ignore_arguments:
            return {k: v for k, v in arguments.items() if k not in self.ignore_arguments}
        return arguments

    def compare(self, baseline: Observation, candidate: Observation) -> Difference:
        base_names = _names(baseline.value)
        cand_names = _names(candidate.value)
        if baseline.value and not candidate.value:
            return Difference(
                True,
                f"candidate makes no tool call where baseline called {base_names}",
                {"baseline_calls": baseline.value, "candidate_calls": []},
                regression=True,
            )
        diff = deep_difference(baseline.value, candidate.value, ignore_order=self.ignore_order)
        if diff is None:
            calls = f"calls {base_names}" if baseline.value else "no tool calls"
            return Difference(False, f"same {calls}")
        if not baseline.value:
            summary = f"candidate calls {cand_names} where baseline called none"
        elif base_names == cand_names or (
            self.ignore_order and sorted(base_names) == sorted(cand_names)
        ):
            summary = f"arguments differ in calls to {base_names}"
        else:
            summary = f"baseline calls {base_names}, candidate calls {cand_names}"
        evidence = {
            "diff": diff,
            "baseline_calls": baseline.value,
            "candidate_calls": candidate.value,
        }
        return Difference(True, summary, evidence)


def _names(calls: list[dict[str, Any]]) -> list[str]:
    return [str(call["name"]) for call in calls]
