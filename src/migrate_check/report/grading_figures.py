"""What grading cost, apart from the pair's, and how often the judge agreed with people.

Grader calls (`embedding`, `judge`) are priced by the same table as the pair's, per
grader model, and never added to the pair's cost: the migration's cost is what the
models cost, the grading is what the evidence cost.

Calibration is deliberately simple: on cases where a `judge` check gave a verdict, the
other checks' results stand for what people decided. An approved `changed` or
`regressed` result of another check is a change a person accepted: the judge agrees
when it said `same` or `improved`. An unapproved `regressed` result of another check is
a known regression: the judge agrees when it did not say `same` or `improved` (it said
`regressed` or `changed`). It counts agreement on the cases a suite's approvals and
assertions cover, nothing more: it is not an accuracy over all cases.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from migrate_check.core.completion import Usage
from migrate_check.core.pricing import PriceTable
from migrate_check.core.results import CaseResult, Outcome
from migrate_check.report.display import money

JUDGE_CHECK = "judge"
_ACCEPTING = frozenset({Outcome.SAME, Outcome.IMPROVED})


@dataclass(frozen=True)
class GraderModel:
    """One grader model over the run."""

    model: str
    calls: int
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    cost: float | None  # None when the price table lacks the model


@dataclass(frozen=True)
class Calibration:
    """How often the judge agreed with the run's human decisions (see the module doc)."""

    approved: int  # cases judged with another check's change approved
    agreed_with_approved: int
    regressed: int  # cases judged with another check's unapproved regression
    agreed_with_regressed: int

    @property
    def cases(self) -> int:
        return self.approved + self.regressed

    def line(self) -> str:
        parts = []
        if self.approved:
            parts.append(
                f"agreed on {self.agreed_with_approved} of {self.approved} approved changes "
                "(judged same or better)"
            )
        if self.regressed:
            parts.append(
                f"{self.agreed_with_regressed} of {self.regressed} known regressions "
                "(judged regressed or changed)"
            )
        return "judge vs human decisions: " + "; ".join(parts)


@dataclass(frozen=True)
class GradingFigures:
    models: tuple[GraderModel, ...]
    cost: float | None
    cost_complete: bool
    calibration: Calibration | None

    def lines(self) -> list[str]:
        """What every report says: the grader's cost, then the judge's calibration."""
        return [self.line(), *([self.calibration.line()] if self.calibration else [])]

    def line(self) -> str:
        """Calls, tokens and cost per grader model, on one line."""
        if not self.models:
            return "grading (apart from the pair's cost): no grader calls"
        parts = []
        for m in self.models:
            cost = "price unknown" if m.cost is None else money(m.cost)
            tokens = f"{m.input_tokens:,} tokens in, {m.output_tokens:,} out"
            parts.append(f"{m.model} {m.calls} calls, {tokens}, {cost}")
        total = "" if self.cost is None else f"; {money(self.cost)} in all"
        partial = "" if self.cost_complete else " (some prices unknown)"
        return f"grading (apart from the pair's cost): {'; '.join(parts)}{total}{partial}"


def grading_figures(results: Sequence[CaseResult], prices: PriceTable) -> GradingFigures | None:
    """The grader's figures over the run; None when no check called a grader."""
    spent: dict[str, tuple[int, Usage]] = {}
    for cr in results:
        for check in cr.checks:
            for g in check.grader:
                calls, usage = spent.get(g.model, (0, Usage()))
                spent[g.model] = (
                    calls + g.calls,
                    Usage(
                        usage.input_tokens + g.usage.input_tokens,
                        usage.cached_input_tokens + g.usage.cached_input_tokens,
                        usage.output_tokens + g.usage.output_tokens,
                    ),
                )
    calibration = _calibration(results)
    if not spent and calibration is None:
        return None
    models = tuple(
        GraderModel(
            model,
            calls,
            usage.input_tokens,
            usage.cached_input_tokens,
            usage.output_tokens,
            prices.cost(model, usage),
        )
        for model, (calls, usage) in sorted(spent.items())
    )
    known = [m.cost for m in models if m.cost is not None]
    return GradingFigures(
        models,
        math.fsum(known) if known else None,
        len(known) == len(models),
        calibration,
    )


def _calibration(results: Sequence[CaseResult]) -> Calibration | None:
    approved = agreed_approved = regressed = agreed_regressed = 0
    for cr in results:
        judged = [c for c in cr.checks if c.check == JUDGE_CHECK and c.outcome is not Outcome.ERROR]
        if not judged:
            continue
        verdict = judged[0].outcome
        others = [c for c in cr.checks if c.check != JUDGE_CHECK]
        if any(c.approved and c.outcome in (Outcome.CHANGED, Outcome.REGRESSED) for c in others):
            approved += 1
            agreed_approved += verdict in _ACCEPTING
        elif any(c.outcome is Outcome.REGRESSED and not c.approved for c in others):
            regressed += 1
            agreed_regressed += verdict not in _ACCEPTING
    if not approved and not regressed:
        return None
    return Calibration(approved, agreed_approved, regressed, agreed_regressed)
