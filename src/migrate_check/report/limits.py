"""The claim of bigger limits ("1 million tokens of context, 32,000 of output"), against
what the suites really sent and got.

Each model's documented context window and output limit come from the dated model
table (`prices.json`, beside prices). A bigger limit only matters to a team whose
traffic nears the old one: when no case comes within `NEAR` of the baseline's limits,
the claim is "not exercised by your suites", never "holds". A case cut off at the
output limit on one side only (finish reason `length` without a lower `max_tokens` of
its own) is named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from migrate_check.core.completion import Completion
from migrate_check.core.pricing import PriceTable
from migrate_check.core.results import CaseResult
from migrate_check.report.api_shape import LENGTH_REASONS
from migrate_check.report.claims import Claim, Finding

#: How near the baseline's limit a case must come to exercise it: half of it.
NEAR = 0.5
_MAX_TOKEN_KEYS = ("max_tokens", "max_completion_tokens", "max_output_tokens")


@dataclass(frozen=True)
class SideLimits:
    """One model's documented limits and the largest input and output the run saw."""

    model: str
    context_window: int | None
    max_output_tokens: int | None
    largest_input: int | None
    largest_output: int | None
    largest_input_case: str | None
    largest_output_case: str | None
    #: Cases this model cut off at its output limit where the other model did not.
    cut_off_only_here: tuple[str, ...]


@dataclass(frozen=True)
class Limits:
    """Both models' limits against the run's largest answers."""

    baseline: SideLimits
    candidate: SideLimits

    @property
    def context_exercised(self) -> bool:
        b = self.baseline
        return _near(b.largest_input, b.context_window)

    @property
    def output_exercised(self) -> bool:
        b = self.baseline
        cut = bool(b.cut_off_only_here or self.candidate.cut_off_only_here)
        return cut or _near(b.largest_output, b.max_output_tokens)

    def claims(self) -> tuple[Claim, Claim]:
        """The context claim and the output claim, each with the largest seen per model."""
        b, c = self.baseline, self.candidate
        context = Claim(
            "bigger limits",
            f"largest input tokens against the documented context window "
            f"({_limit(b.context_window)} / {_limit(c.context_window)})",
            "tokens",
            _number(b.largest_input),
            _number(c.largest_input),
            self._finding(
                b.largest_input, b.context_window, c.context_window, self.context_exercised, ()
            ),
        )
        cut = ""
        if b.cut_off_only_here or c.cut_off_only_here:
            cut = (
                f"; cut off at the output limit on one side only: "
                f"{len(b.cut_off_only_here)} baseline, {len(c.cut_off_only_here)} candidate"
            )
        output = Claim(
            "bigger limits",
            f"largest output tokens against the documented output limit "
            f"({_limit(b.max_output_tokens)} / {_limit(c.max_output_tokens)}){cut}",
            "tokens",
            _number(b.largest_output),
            _number(c.largest_output),
            self._finding(
                b.largest_output,
                b.max_output_tokens,
                c.max_output_tokens,
                self.output_exercised,
                c.cut_off_only_here,
            ),
        )
        return context, output

    def as_dict(self) -> dict[str, Any]:
        """For report.json (`aggregates.limits` in report.schema.json)."""

        def side(figures: SideLimits) -> dict[str, Any]:
            data = asdict(figures)
            data["cut_off_only_here"] = list(figures.cut_off_only_here)
            return data

        return {
            "near": NEAR,
            "context_exercised": self.context_exercised,
            "output_exercised": self.output_exercised,
            "baseline": side(self.baseline),
            "candidate": side(self.candidate),
        }

    @staticmethod
    def _finding(
        largest: int | None,
        base_limit: int | None,
        cand_limit: int | None,
        exercised: bool,
        cand_cut: tuple[str, ...],
    ) -> Finding:
        if largest is None or base_limit is None or cand_limit is None:
            return "no data"
        if not exercised:
            return "not exercised"
        return "does not hold" if cand_cut or cand_limit < base_limit else "holds"


def _near(largest: int | None, limit: int | None) -> bool:
    return largest is not None and limit is not None and largest >= NEAR * limit


def _limit(value: int | None) -> str:
    return "unknown" if value is None else f"{value:,}"


def _number(value: int | None) -> float | None:
    return None if value is None else float(value)


def _answered(completions: Sequence[Completion]) -> list[Completion]:
    """Answers whose usage is one request's: a loop case's usage sums its steps."""
    return [c for c in completions if c.error is None and c.trajectory is None]


def _cut_at_limit(result: CaseResult, side: str, completions: Sequence[Completion]) -> bool:
    """Whether an answer stopped at the model's own output limit: a length finish on a
    request that set no token limit of its own."""
    request = result.case.request_for(side)  # type: ignore[arg-type]
    if any(key in request for key in _MAX_TOKEN_KEYS):
        return False
    return any(c.finish_reason in LENGTH_REASONS for c in _answered(completions))


def _largest(
    results: Sequence[CaseResult], side: str, output: bool
) -> tuple[int | None, str | None]:
    best: tuple[int | None, str | None] = (None, None)
    for result in results:
        completions = result.baseline if side == "baseline" else result.candidate
        for c in _answered(completions):
            tokens = c.usage.output_tokens if output else c.usage.input_tokens
            if best[0] is None or tokens > best[0]:
                best = (tokens, result.case.key)
    return best


def limits(
    results: Sequence[CaseResult], baseline: str, candidate: str, prices: PriceTable
) -> Limits:
    """Each model's documented limits and the largest input and output per model."""
    cut_base: list[str] = []
    cut_cand: list[str] = []
    for result in results:
        b = _cut_at_limit(result, "baseline", result.baseline)
        c = _cut_at_limit(result, "candidate", result.candidate)
        if b and not c:
            cut_base.append(result.case.key)
        elif c and not b:
            cut_cand.append(result.case.key)

    def side(name: str, model: str, cut: list[str]) -> SideLimits:
        price = prices.price_for(model)
        largest_in, in_case = _largest(results, name, output=False)
        largest_out, out_case = _largest(results, name, output=True)
        return SideLimits(
            model=model,
            context_window=None if price is None else price.context_window,
            max_output_tokens=None if price is None else price.max_output_tokens,
            largest_input=largest_in,
            largest_output=largest_out,
            largest_input_case=in_case,
            largest_output_case=out_case,
            cut_off_only_here=tuple(sorted(cut)),
        )

    return Limits(side("baseline", baseline, cut_base), side("candidate", candidate, cut_cand))
