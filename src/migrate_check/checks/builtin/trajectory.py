"""`trajectory`: the path each model took through a loop case, compared step by step.

Every loop case is judged by it (no suite needs to name it; naming it gives it options).
Each model ran its own loop; this compares the two paths:

- the tools called, as a set (and in order, with `order: true`);
- the arguments of each step's calls, by deepdiff (keys in any order, `1` and `1.0`
  alike, as `tool_calls` compares them);
- the steps taken;
- identical calls repeated (the same tool, the same arguments, again);
- the tools' errors;
- the step limit: the candidate stopping at it where the baseline answered is
  `regressed`; any other difference is `changed`; the same path is `same`.

The case's other checks judge the final answer. Each side's tokens and latency are summed
over its steps in the evidence; a tool that returned something else on this recording run
than the recording holds ("tool drift") is said in the reason, not judged.

```yaml
checks:
  - trajectory: {order: true, ignore: [steps]}
```
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from migrate_check.checks import option_values as opts
from migrate_check.checks.base import Check
from migrate_check.checks.diffing import deep_difference
from migrate_check.checks.outputs import shorten
from migrate_check.core.completion import Completion
from migrate_check.core.loop import Trajectory, canonical
from migrate_check.core.results import CheckResult, Outcome

#: What `ignore` can leave out of the verdict (the step limit is always judged).
ASPECTS = ("tools", "arguments", "steps", "repeats", "errors")
#: Characters of each tool result kept in the evidence.
SHOWN_RESULT = 300


class TrajectoryCheck(Check):
    """Compares the trajectories two models took on a loop case."""

    name = "trajectory"

    def __init__(self, order: bool = False, ignore: frozenset[str] = frozenset()) -> None:
        self.order = order
        self.ignore = ignore

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> TrajectoryCheck:
        mapping = opts.as_mapping(cls.name, options, shorthand=None)
        opts.reject_unknown(cls.name, mapping, ("order", "ignore"))
        ignore = opts.strings(cls.name, mapping, "ignore", ASPECTS)
        return cls(opts.flag(cls.name, mapping, "order", False), frozenset(ignore))

    def judge(self, baseline: Sequence[Completion], candidate: Sequence[Completion]) -> CheckResult:
        """Each candidate sample against the baseline's of the same number; the worst
        verdict stands."""
        pairs = [(b.trajectory, c.trajectory) for b, c in zip(baseline, candidate, strict=False)]
        if not pairs or any(b is None or c is None for b, c in pairs):
            return CheckResult(
                self.label, Outcome.ERROR, "trajectory judges loop cases only (see 'loop')"
            )
        results = [self.compare(b, c) for b, c in pairs if b is not None and c is not None]
        worst = max(results, key=lambda r: r.outcome.severity)
        if len(results) > 1 and worst.outcome is not Outcome.SAME:
            worst.reason = f"sample {results.index(worst) + 1} of {len(results)}: {worst.reason}"
        return worst

    def compare(self, before: Trajectory, after: Trajectory) -> CheckResult:
        """One sample's verdict, with both paths and where they part as evidence."""
        differences, regressed = _limit(before, after)
        differences += self.differences(before, after)
        arguments = _argument_diffs(before, after) if "arguments" not in self.ignore else {}
        differences += [f"step {n}: arguments of {_names(after, n)} differ" for n in arguments]
        drift = [
            f"{side}: {call.drift}"
            for side, path in (("baseline", before), ("candidate", after))
            for call in path.calls
            if call.drift
        ]
        evidence: dict[str, Any] = {
            "baseline": side_summary(before),
            "candidate": side_summary(after),
            "differences": differences,
            "parted_at": parted_at(before, after),
        }
        if arguments:
            evidence["arguments"] = {str(n): diff for n, diff in arguments.items()}
        if drift:
            evidence["tool_drift"] = drift
        note = f"; tool drift: {'; '.join(drift)}" if drift else ""
        if regressed:
            return CheckResult(
                self.label, Outcome.REGRESSED, "; ".join(differences) + note, evidence, True, False
            )
        if differences:
            return CheckResult(self.label, Outcome.CHANGED, "; ".join(differences) + note, evidence)
        return CheckResult(self.label, Outcome.SAME, f"same path: {shape(after)}{note}", evidence)

    def differences(self, before: Trajectory, after: Trajectory) -> list[str]:
        """What changed in the path, in words, leaving out what `ignore` names."""
        found = []
        if "steps" not in self.ignore and len(before.steps) != len(after.steps):
            delta = len(after.steps) - len(before.steps)
            found.append(
                f"candidate: {_count(len(after.steps), 'step')} ({delta:+d}) against "
                f"{len(before.steps)}"
            )
        names_before = [call.name for call in before.calls]
        names_after = [call.name for call in after.calls]
        if "tools" not in self.ignore:
            dropped = sorted(set(names_before) - set(names_after))
            added = sorted(set(names_after) - set(names_before))
            if added:
                found.append(f"candidate also calls {', '.join(added)}")
            if dropped:
                found.append(f"candidate no longer calls {', '.join(dropped)}")
            if self.order and not added and not dropped and names_before != names_after:
                found.append(
                    f"tools in another order: {_listed(names_before)} became {_listed(names_after)}"
                )
        if "repeats" not in self.ignore:
            found += _repeat_changes(repeated(before), repeated(after))
        if "errors" not in self.ignore:
            found += _error_changes(tool_errors(before), tool_errors(after))
        return found


def _limit(before: Trajectory, after: Trajectory) -> tuple[list[str], bool]:
    """The step limit's difference, and whether it is the candidate's regression."""
    if after.hit_limit and not before.hit_limit:
        return [
            f"candidate stopped at the step limit ({after.max_steps}) where the baseline "
            f"answered in {_count(len(before.steps), 'step')}"
        ], True
    if before.hit_limit and not after.hit_limit:
        return [
            f"baseline stopped at the step limit ({before.max_steps}); the candidate "
            f"answered in {_count(len(after.steps), 'step')}"
        ], False
    return [], False


def _argument_diffs(before: Trajectory, after: Trajectory) -> dict[int, Any]:
    """Per step where both called the same tools, how the arguments differ (deepdiff)."""
    found = {}
    for number, (one, other) in enumerate(zip(before.steps, after.steps, strict=False), 1):
        if [c.name for c in one.calls] != [c.name for c in other.calls] or not one.calls:
            continue
        diff = deep_difference([c.arguments for c in one.calls], [c.arguments for c in other.calls])
        if diff is not None:
            found[number] = diff
    return found


def parted_at(before: Trajectory, after: Trajectory) -> int | None:
    """The first step (from 1) where the two paths differ in calls or arguments, or where
    one ends before the other; None when they go the same way."""
    for number, (one, other) in enumerate(zip(before.steps, after.steps, strict=False), 1):
        if [(c.name, canonical(c.arguments)) for c in one.calls] != [
            (c.name, canonical(c.arguments)) for c in other.calls
        ]:
            return number
    if len(before.steps) != len(after.steps):
        return min(len(before.steps), len(after.steps)) + 1
    return None


def repeated(path: Trajectory) -> dict[str, int]:
    """Calls made more than once with the same arguments: `name(arguments)` -> times."""
    times = Counter((call.name, canonical(call.arguments)) for call in path.calls)
    return {
        f"{call.name}({shorten(call.arguments, 80)})": times[(call.name, canonical(call.arguments))]
        for call in path.calls
        if times[(call.name, canonical(call.arguments))] > 1
    }


def tool_errors(path: Trajectory) -> list[tuple[int, str, str]]:
    """Each tool error on this side: (step, tool, error)."""
    return [
        (number, call.name, call.error[:200])
        for number, step in enumerate(path.steps, 1)
        for call in step.calls
        if call.error is not None
    ]


def _repeat_changes(before: dict[str, int], after: dict[str, int]) -> list[str]:
    found = [
        f"candidate: {call} called {_times(times)} with the same arguments"
        for call, times in after.items()
        if before.get(call, 1) < times
    ]
    found += [
        f"baseline called {call} {_times(times)}; the candidate no longer repeats it"
        for call, times in before.items()
        if after.get(call, 1) < times
    ]
    return found


def _error_changes(
    before: list[tuple[int, str, str]], after: list[tuple[int, str, str]]
) -> list[str]:
    """Tool errors on one side only, whatever their step: (tool, error) as a multiset."""
    left = Counter((name, error) for _, name, error in before)
    right = Counter((name, error) for _, name, error in after)
    found = []
    for step, name, error in after:
        if left[(name, error)] > 0:
            left[(name, error)] -= 1
        else:
            found.append(f"candidate: {name} failed at step {step} ({error})")
    for step, name, error in before:
        if right[(name, error)] > 0:
            right[(name, error)] -= 1
        else:
            found.append(
                f"baseline: {name} failed at step {step} ({error}); the candidate's did not"
            )
    return found


def side_summary(path: Trajectory) -> dict[str, Any]:
    """One side's path, for the evidence and the reports."""
    latencies = [step.latency_ms for step in path.steps]
    return {
        "steps": len(path.steps),
        "stopped": path.stopped,
        "max_steps": path.max_steps,
        "tools": [call.name for call in path.calls],
        "calls": [
            {
                "step": number,
                "name": call.name,
                "arguments": call.arguments,
                "result": call.result[:SHOWN_RESULT],
                "error": call.error,
                "answered": call.answered,
            }
            for number, step in enumerate(path.steps, 1)
            for call in step.calls
        ],
        "repeated": repeated(path),
        "errors": [f"step {n}: {name}: {error}" for n, name, error in tool_errors(path)],
        "input_tokens": sum(s.input_tokens for s in path.steps),
        "cached_input_tokens": sum(s.cached_input_tokens for s in path.steps),
        "output_tokens": sum(s.output_tokens for s in path.steps),
        "latency_ms": (
            sum(x or 0.0 for x in latencies) if latencies and None not in latencies else None
        ),
    }


def shape(path: Trajectory) -> str:
    """A path in a few words: `3 steps, tools get_weather, search_flights`."""
    names = list(dict.fromkeys(call.name for call in path.calls))
    shown = _count(len(path.steps), "step")
    if path.hit_limit:
        shown += f", stopped at the step limit ({path.max_steps})"
    return f"{shown}, tools {_listed(names)}" if names else f"{shown}, no tool called"


def _names(path: Trajectory, number: int) -> str:
    return _listed(list(dict.fromkeys(call.name for call in path.steps[number - 1].calls)))


def _times(n: int) -> str:
    return "twice" if n == 2 else f"{n} times"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _listed(items: list[str]) -> str:
    return ", ".join(items) if items else "none"
