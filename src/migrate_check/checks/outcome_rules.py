"""The outcome rules, shared by every check, and the noise floor for several samples.

One sample per side: a side that fails decides (regressed, improved, broken);
otherwise the comparison does (same, changed).

Several samples per side: LLM outputs vary from sample to sample, so a change counts
only where the models differ more than the baseline differs from itself:
- pass/fail: where the baseline's own samples disagree, the candidate's pass rate must
  fall below the baseline's by more than one baseline sample's worth (1/n), else the
  difference is noise; where they all agree, any difference counts;
- comparisons: the share of baseline-candidate pairs that differ must exceed the
  share of baseline-baseline pairs that differ (scores: see `score_beyond_noise`).
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

from migrate_check.checks.observations import Difference, Observation
from migrate_check.core.results import CheckResult, Outcome

#: How far below the baseline's self-similarity a cross score must fall to count.
SCORE_MARGIN = 5.0


class Comparing(Protocol):
    """What the rules need of a check: `SideBySideCheck` is the one that has it."""

    @property
    def label(self) -> str: ...

    @property
    def compares_values(self) -> bool: ...

    def compare(self, baseline: Observation, candidate: Observation) -> Difference: ...

    def beyond_noise(
        self, within_baseline: list[Difference], across: list[Difference]
    ) -> NoiseFloor: ...


def pass_fail_outcome(baseline_ok: bool, candidate_ok: bool) -> Outcome:
    """pass/pass same, pass/fail regressed, fail/pass improved, fail/fail broken."""
    if baseline_ok:
        return Outcome.SAME if candidate_ok else Outcome.REGRESSED
    return Outcome.IMPROVED if candidate_ok else Outcome.BROKEN


def _fails(observation: Observation) -> bool:
    return observation.ok is False


def _side_evidence(baseline: Observation, candidate: Observation) -> dict[str, Any]:
    evidence: dict[str, Any] = {}
    if baseline.evidence is not None:
        evidence["baseline"] = baseline.evidence
    if candidate.evidence is not None:
        evidence["candidate"] = candidate.evidence
    return evidence


def _failure_reason(outcome: Outcome, baseline: Observation, candidate: Observation) -> str:
    if outcome is Outcome.REGRESSED:
        return f"candidate output {candidate.problem}"
    if outcome is Outcome.IMPROVED:
        return f"baseline output {baseline.problem}; candidate output passes"
    return f"both fail: baseline output {baseline.problem}; candidate output {candidate.problem}"


def judge_observations(
    check: Comparing, baseline: list[Observation], candidate: list[Observation]
) -> CheckResult:
    """The verdict of `check` from its observations of each side's samples."""
    if not baseline or not candidate:
        missing = "baseline" if not baseline else "candidate"
        return CheckResult(check.label, Outcome.ERROR, f"no {missing} answer to judge")
    if len(baseline) == 1 and len(candidate) == 1:
        return _judge_one_pair(check, baseline[0], candidate[0])
    return _judge_samples(check, baseline, candidate)


def _judge_one_pair(check: Comparing, baseline: Observation, candidate: Observation) -> CheckResult:
    evidence = _side_evidence(baseline, candidate)
    if _fails(baseline) or _fails(candidate):
        outcome = pass_fail_outcome(not _fails(baseline), not _fails(candidate))
        return CheckResult(
            check.label,
            outcome,
            _failure_reason(outcome, baseline, candidate),
            evidence or None,
            baseline_ok=baseline.ok,
            candidate_ok=candidate.ok,
        )
    difference = check.compare(baseline, candidate)
    if difference.evidence:
        evidence.update(difference.evidence)
    if difference.regression:
        outcome = Outcome.REGRESSED
    else:
        outcome = Outcome.CHANGED if difference.differs else Outcome.SAME
    return CheckResult(
        check.label,
        outcome,
        difference.summary,
        evidence or None,
        baseline_ok=baseline.ok,
        candidate_ok=candidate.ok,
    )


def _rate(observations: list[Observation]) -> Fraction:
    return Fraction(sum(not _fails(o) for o in observations), len(observations))


def _judge_samples(
    check: Comparing, baseline: list[Observation], candidate: list[Observation]
) -> CheckResult:
    n_base, n_cand = len(baseline), len(candidate)
    sizes = f"n={n_base}" if n_base == n_cand else f"n={n_base}/{n_cand}"
    base_rate, cand_rate = _rate(baseline), _rate(candidate)
    has_pass_fail = any(o.ok is not None for o in [*baseline, *candidate])
    base_passes = sum(not _fails(o) for o in baseline)
    cand_passes = sum(not _fails(o) for o in candidate)
    rates = f"baseline {base_passes}/{n_base}, candidate {cand_passes}/{n_cand}"
    evidence: dict[str, Any] = {"samples": {"baseline": n_base, "candidate": n_cand}}
    noise: list[str] = []
    if has_pass_fail:
        evidence["pass_rate"] = {"baseline": float(base_rate), "candidate": float(cand_rate)}
        if base_rate < 1 or cand_rate < 1:
            noise.append(f"pass rate {rates}")
        # Noise is the variation the baseline itself shows: one baseline sample's worth
        # where its samples disagreed; none where they all passed (or all failed), so a
        # candidate that fails one sample in n against a baseline that never did is a
        # regression, not noise.
        varies = n_base > 1 and 0 < base_rate < 1
        margin = Fraction(1, n_base) if varies else Fraction(0)
        outcome: Outcome | None = None
        if base_rate - cand_rate > margin:
            outcome = Outcome.REGRESSED
        elif cand_rate - base_rate > margin:
            outcome = Outcome.IMPROVED
        elif base_rate < Fraction(1, 2) and cand_rate < Fraction(1, 2):
            outcome = Outcome.BROKEN
        if outcome is not None:
            improved = outcome is Outcome.IMPROVED
            side = "baseline" if improved else "candidate"
            example = _example_failure(baseline if improved else candidate)
            reason = f"passes in {rates}"
            if example:
                reason += f"; e.g. {side} output {example}"
            return CheckResult(
                check.label,
                outcome,
                reason,
                evidence,
                baseline_ok=base_rate >= Fraction(1, 2),
                candidate_ok=cand_rate >= Fraction(1, 2),
                noise=_noise(noise, sizes),
            )
    passing_base = [o for o in baseline if not _fails(o)]
    passing_cand = [o for o in candidate if not _fails(o)]
    base_ok = base_rate >= Fraction(1, 2) if has_pass_fail else None
    cand_ok = cand_rate >= Fraction(1, 2) if has_pass_fail else None
    if not check.compares_values or not passing_base or not passing_cand:
        return CheckResult(
            check.label,
            Outcome.SAME,
            f"passes in {rates}, within the baseline's own variation",
            evidence,
            baseline_ok=base_ok,
            candidate_ok=cand_ok,
            noise=_noise([f"pass rate {rates}"], sizes),
        )
    within = [check.compare(a, b) for a, b in itertools.combinations(passing_base, 2)]
    across = [check.compare(a, b) for a, b in itertools.product(passing_base, passing_cand)]
    floor = check.beyond_noise(within, across)
    evidence.update(floor.figures)
    noise.append(floor.noise)
    summary = floor.summary
    outcome = Outcome.SAME
    if floor.changed:
        differing = [d for d in across if d.differs or d.regression]
        regressions = sum(d.regression for d in differing)
        outcome = Outcome.REGRESSED if regressions * 2 > len(differing) else Outcome.CHANGED
        shown = differing[0] if differing else across[0]
        if shown.evidence:
            evidence["example"] = shown.evidence
        summary = f"{summary}; e.g. {shown.summary}" if shown.summary else summary
    return CheckResult(
        check.label,
        outcome,
        summary,
        evidence,
        baseline_ok=base_ok,
        candidate_ok=cand_ok,
        noise=_noise(noise, sizes),
    )


def _noise(parts: list[str], sizes: str) -> str:
    """The figures behind a verdict on samples: "baseline self-similarity 91, cross 72 (n=3)"."""
    return "; ".join(part for part in parts if part) + f" ({sizes})"


def _example_failure(observations: list[Observation]) -> str:
    return next((o.problem for o in observations if _fails(o)), "")


@dataclass(frozen=True)
class NoiseFloor:
    """Whether differences across models exceed the baseline's own, and the figures why."""

    changed: bool
    summary: str
    noise: str
    figures: dict[str, Any]


def disagreement_beyond_noise(
    within_baseline: list[Difference], across: list[Difference]
) -> NoiseFloor:
    """Changed when baseline-candidate pairs differ more often than baseline pairs do."""
    within_rate = _share_differing(within_baseline)
    across_rate = _share_differing(across)
    figures = {
        "within_baseline_disagreement": float(within_rate),
        "cross_disagreement": float(across_rate),
    }
    noise = f"baseline self-disagreement {_percent(within_rate)}, cross {_percent(across_rate)}"
    changed = across_rate > within_rate
    verb = "differ" if changed else "differ no more than the baseline from itself"
    summary = (
        f"{_percent(across_rate)} of baseline-candidate pairs {verb} "
        f"({_percent(within_rate)} of baseline pairs)"
    )
    return NoiseFloor(changed, summary, noise, figures)


def score_beyond_noise(
    within_baseline: list[Difference], across: list[Difference], minimum: float, unit: str
) -> NoiseFloor:
    """Changed when the median cross score is below `minimum` and clearly below self-scores."""
    self_score = statistics.median(_scores(within_baseline)) if within_baseline else 100.0
    cross_score = statistics.median(_scores(across))
    changed = cross_score < minimum and cross_score < self_score - SCORE_MARGIN
    figures = {
        "self_score": round(self_score, 1),
        "cross_score": round(cross_score, 1),
        "min": minimum,
    }
    noise = f"baseline self-{unit} {self_score:.0f}, cross {cross_score:.0f}"
    relation = "<" if cross_score < minimum else ">="
    summary = (
        f"median {unit} {cross_score:.0f} {relation} {minimum:g} "
        f"(baseline self-{unit} {self_score:.0f})"
    )
    return NoiseFloor(changed, summary, noise, figures)


def _scores(differences: list[Difference]) -> list[float]:
    return [d.score if d.score is not None else (0.0 if d.differs else 100.0) for d in differences]


def _share_differing(differences: list[Difference]) -> Fraction:
    if not differences:
        return Fraction(0)
    return Fraction(sum(d.differs or d.regression for d in differences), len(differences))


def _percent(share: Fraction) -> str:
    return f"{float(share) * 100:.0f}%"
