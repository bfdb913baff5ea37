"""`tool_calls`: the functions the model asks the app to run, and their parsed arguments.

Options: `{ignore_order: bool (default false), ignore_arguments: [argument names
dropped before comparing, e.g. a request id], hosted: compare | required | ignore}`.
Calls that vanish on the candidate are a regression (the app no longer does what it
did); calls that appear only on the candidate, or differ, are a change. Without order
the calls are compared as multisets: a call made twice is not the call made once. The
difference is shown by deepdiff.

Hosted tools (a Responses answer's web search, file search, code interpreter, image
generation or MCP call) run on the API's side before it answers: they ask nothing of the
app, so they are compared apart, by which tools each side used (their queries and how
often they ran vary from run to run). A hosted tool used on one side only is a change
(`compare`, the default); with `required`, one the baseline used that the candidate does
not is a regression; with `ignore`, they are not compared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate_check.checks import option_values as opts
from migrate_check.checks.base import (
    CheckConfigError,
    Difference,
    Observation,
    SideBySideCheck,
)
from migrate_check.checks.diffing import deep_difference
from migrate_check.checks.outputs import json_or_none, split_calls
from migrate_check.core.completion import Completion

HOSTED_MODES = ("compare", "required", "ignore")


class ToolCallsCheck(SideBySideCheck):
    name = "tool_calls"

    def __init__(
        self, ignore_order: bool, ignore_arguments: frozenset[str], hosted: str = "compare"
    ) -> None:
        self.ignore_order = ignore_order
        self.ignore_arguments = ignore_arguments
        self.hosted = hosted

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> ToolCallsCheck:
        mapping = opts.as_mapping(cls.name, options, shorthand=None)
        opts.reject_unknown(cls.name, mapping, ("ignore_order", "ignore_arguments", "hosted"))
        hosted = mapping.get("hosted", "compare")
        if hosted not in HOSTED_MODES:
            raise CheckConfigError(
                f"tool_calls: 'hosted' must be one of {', '.join(HOSTED_MODES)}, got {hosted!r}"
            )
        return cls(
            opts.flag(cls.name, mapping, "ignore_order", False),
            frozenset(opts.strings(cls.name, mapping, "ignore_arguments")),
            hosted,
        )

    def observe(self, completion: Completion) -> Observation:
        functions, hosted = split_calls(completion)
        calls = [
            {"name": call.name, "arguments": self._arguments(call.arguments)} for call in functions
        ]
        if self.ignore_order:
            calls.sort(key=lambda call: json_or_none(call) or repr(call))
        if self.hosted == "ignore":
            hosted = []
        return Observation(None, {"calls": calls, "hosted": [call.name for call in hosted]})

    def _arguments(self, arguments: Any) -> Any:
        if isinstance(arguments, dict) and self.ignore_arguments:
            return {k: v for k, v in arguments.items() if k not in self.ignore_arguments}
        return arguments

    def compare(self, baseline: Observation, candidate: Observation) -> Difference:
        calls = self._compare_calls(baseline.value["calls"], candidate.value["calls"])
        hosted = self._compare_hosted(baseline.value["hosted"], candidate.value["hosted"])
        if hosted is None:
            return calls
        differs = [d for d in (calls, hosted) if d.differs]
        summary = "; ".join(d.summary for d in (differs or [calls, hosted]))
        evidence = {**(calls.evidence or {}), **(hosted.evidence or {})}
        return Difference(
            bool(differs),
            summary,
            evidence or None,
            regression=calls.regression or hosted.regression,
        )

    def _compare_calls(self, baseline: list[Any], candidate: list[Any]) -> Difference:
        base_names, cand_names = _names(baseline), _names(candidate)
        if baseline and not candidate:
            return Difference(
                True,
                f"candidate makes no tool call where baseline called {base_names}",
                {"baseline_calls": baseline, "candidate_calls": []},
                regression=True,
            )
        diff = deep_difference(baseline, candidate, ignore_order=self.ignore_order)
        if diff is None:
            return Difference(
                False, f"same {f'calls {base_names}' if baseline else 'no tool calls'}"
            )
        if not baseline:
            summary = f"candidate calls {cand_names} where baseline called none"
        elif base_names == cand_names or (
            self.ignore_order and sorted(base_names) == sorted(cand_names)
        ):
            summary = f"arguments differ in calls to {base_names}"
        else:
            summary = f"baseline calls {base_names}, candidate calls {cand_names}"
        evidence = {"diff": diff, "baseline_calls": baseline, "candidate_calls": candidate}
        return Difference(True, summary, evidence)

    def _compare_hosted(self, baseline: list[str], candidate: list[str]) -> Difference | None:
        """Which hosted tools each side used; None when neither used one."""
        if not baseline and not candidate:
            return None
        used = {"baseline_hosted": baseline, "candidate_hosted": candidate}
        dropped = sorted(set(baseline) - set(candidate))
        added = sorted(set(candidate) - set(baseline))
        if not dropped and not added:
            return Difference(False, f"both used hosted tools {sorted(set(baseline))}", used)
        parts = [f"candidate does not use hosted {dropped}"] if dropped else []
        parts += [f"candidate uses hosted {added}"] if added else []
        required = bool(dropped) and self.hosted == "required"
        where = " (hosted: required)" if required else ""
        return Difference(True, " and ".join(parts) + where, used, regression=required)


def _names(calls: list[dict[str, Any]]) -> list[str]:
    return [str(call["name"]) for call in calls]
