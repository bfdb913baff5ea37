"""`calls`: how an entry-point case's function got to its answer on each model.

Every entry-point case is judged by it (no suite needs to name it; naming it gives it
options). It compares the path the team's function took on each side: whether it
returned or raised, how many model calls it made, to which endpoints, and which tools
the answers asked for. An exception on the candidate only is `regressed` (its last
traceback lines are the evidence); on the baseline only, or any other change of path,
`changed`; the same exception on both is the case's `error` (the function or its inputs
fail whichever model answers), a different one `changed`.
With several samples, each is compared with the baseline's of the same number, and the
worst verdict stands. Tokens, cost inputs and latency are summed per side as evidence.

```yaml
checks:
  - calls: {ignore: [count]}   # judge endpoints and tools, not how many calls
```
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from migrate_check.checks.base import Check, CheckConfigError
from migrate_check.core.completion import Completion
from migrate_check.core.entry import EntryRun
from migrate_check.core.results import CheckResult, Outcome

#: The parts of a path `ignore` can leave out of the verdict.
ASPECTS = ("count", "endpoints", "tools")


class CallsCheck(Check):
    """Compares the model calls an entry-point case's function made on the two models."""

    name = "calls"

    def __init__(self, ignore: frozenset[str] = frozenset()) -> None:
        self.ignore = ignore

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> CallsCheck:
        if options is None:
            return cls()
        if not isinstance(options, dict) or set(options) - {"ignore"}:
            raise CheckConfigError("calls: options are {ignore: [count, endpoints, tools]}")
        ignore = options.get("ignore") or []
        if isinstance(ignore, str):
            ignore = [ignore]
        if not isinstance(ignore, list) or not set(ignore) <= set(ASPECTS):
            raise CheckConfigError(f"calls: 'ignore' takes {', '.join(ASPECTS)}, got {ignore!r}")
        return cls(frozenset(ignore))

    def judge(self, baseline: Sequence[Completion], candidate: Sequence[Completion]) -> CheckResult:
        """Each sample of the candidate against the baseline's sample of the same number;
        the worst of them is the verdict (a path that parts in one sample of three has
        parted)."""
        pairs = list(zip(baseline, candidate, strict=False))
        runs = [(b.entry_run, c.entry_run) for b, c in pairs]
        if not runs or any(b is None or c is None for b, c in runs):
            return CheckResult(
                self.label, Outcome.ERROR, "calls judges entry-point cases only (see 'entry')"
            )
        results = [self._judge_one(b, c) for b, c in runs if b is not None and c is not None]
        worst = max(results, key=lambda r: r.outcome.severity)
        if len(results) > 1 and worst.outcome is not Outcome.SAME:
            number = results.index(worst) + 1
            worst.reason = f"sample {number} of {len(results)}: {worst.reason}"
        return worst

    def _judge_one(self, before: EntryRun, after: EntryRun) -> CheckResult:
        evidence: dict[str, Any] = {
            "baseline": path_summary(before),
            "candidate": path_summary(after),
        }
        raised = _raised_outcome(before, after)
        if raised is not None:
            outcome, reason = raised
            evidence["differences"] = [reason]
            return CheckResult(
                self.label, outcome, reason, evidence, before.raised is None, after.raised is None
            )
        differences = self.differences(before, after)
        evidence["differences"] = differences
        if differences:
            return CheckResult(self.label, Outcome.CHANGED, "; ".join(differences), evidence)
        return CheckResult(self.label, Outcome.SAME, f"same path: {_shape(before)}", evidence)

    def differences(self, before: EntryRun, after: EntryRun) -> list[str]:
        """What changed in the path, in words, leaving out what `ignore` names."""
        found = []
        if "count" not in self.ignore and len(before.calls) != len(after.calls):
            delta = len(after.calls) - len(before.calls)
            found.append(
                f"candidate: {_count(len(after.calls), 'model call')} ({delta:+d}) "
                f"against {len(before.calls)}"
            )
        endpoints_before = [c.endpoint for c in before.calls]
        endpoints_after = [c.endpoint for c in after.calls]
        if "endpoints" not in self.ignore and set(endpoints_before) != set(endpoints_after):
            found.append(
                f"endpoints: {_listed(endpoints_before)} became {_listed(endpoints_after)}"
            )
        tools_before = [t for c in before.calls for t in c.tools]
        tools_after = [t for c in after.calls for t in c.tools]
        if "tools" not in self.ignore and tools_before != tools_after:
            found.append(_tools_change(tools_before, tools_after))
        return found


def path_summary(run: EntryRun) -> dict[str, Any]:
    """One side's path, for the evidence and the reports."""
    latencies = [c.latency_ms for c in run.calls]
    return {
        "outcome": "raised" if run.raised is not None else "returned",
        "raised": run.raised,
        "calls": len(run.calls),
        "endpoints": [c.endpoint for c in run.calls],
        "tools": [t for c in run.calls for t in c.tools],
        "input_tokens": sum(c.input_tokens for c in run.calls),
        "cached_input_tokens": sum(c.cached_input_tokens for c in run.calls),
        "output_tokens": sum(c.output_tokens for c in run.calls),
        "latency_ms": (
            sum(x or 0.0 for x in latencies) if latencies and None not in latencies else None
        ),
    }


def _raised_outcome(before: EntryRun, after: EntryRun) -> tuple[Outcome, str] | None:
    if before.raised is None and after.raised is None:
        return None
    if before.raised is None:
        return Outcome.REGRESSED, f"candidate raised: {_last_line(after.raised)}"
    if after.raised is None:
        return Outcome.CHANGED, f"baseline raised ({_last_line(before.raised)}); candidate returned"
    if _last_line(before.raised).split(":")[0] != _last_line(after.raised).split(":")[0]:
        return (
            Outcome.CHANGED,
            f"both raised, differently: {_last_line(before.raised)} became "
            f"{_last_line(after.raised)}",
        )
    # The same exception whichever model answers: the function or the case's inputs fail
    # (a misspelt argument, a setting missing); nothing of the migration can be judged.
    return (
        Outcome.ERROR,
        f"both models raised {_last_line(after.raised)}: the function or the case's "
        "inputs fail whichever model answers",
    )


def _last_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[-1][:300] if lines else "an exception"


def _shape(run: EntryRun) -> str:
    tools = [t for c in run.calls for t in c.tools]
    shown = f"{_count(len(run.calls), 'model call')} ({_listed([c.endpoint for c in run.calls])})"
    return f"{shown}, tools {_listed(tools)}" if tools else shown


def _tools_change(before: list[str], after: list[str]) -> str:
    more = Counter(after) - Counter(before)
    fewer = Counter(before) - Counter(after)
    parts = [f"{name} called {_times(n)} more" for name, n in sorted(more.items())]
    parts += [f"{name} called {_times(n)} fewer" for name, n in sorted(fewer.items())]
    if not parts:
        return f"tools in another order: {_listed(before)} became {_listed(after)}"
    return "candidate: " + ", ".join(parts)


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _listed(items: list[str]) -> str:
    return ", ".join(items) if items else "none"
