"""What every check is: built once from its options, then asked to judge one case at a time.

Most checks follow one pattern, written once here in `SideBySideCheck`: look at each
sample on its own (`observe`: does it pass, and what value does it yield), then compare
values across models (`compare`). The outcome rules and the noise floor live in
`verdict`, so every check, built-in or a team's own, decides the same way.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from migrate_check.checks.observations import Difference, Observation
from migrate_check.checks.outcome_rules import (
    NoiseFloor,
    disagreement_beyond_noise,
    judge_observations,
)
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult, Outcome

__all__ = [
    "Check",
    "CheckConfigError",
    "CheckRunError",
    "Difference",
    "Observation",
    "SideBySideCheck",
]


class CheckConfigError(ValueError):
    """A check's options are wrong; the message says what, on one line."""


class CheckRunError(Exception):
    """The check could not run on this case (e.g. a timeout); the case gets `error`."""


class Check(abc.ABC):
    """One configured check; instances are cached and reused across cases.

    Subclass it for a check that judges a case as a whole; most checks subclass
    `SideBySideCheck` instead, which brings the outcome rules and the noise floor.

    Args:
        name: (class attribute) the key suites use for the check, `- my_check: {...}`.
        options: (to `from_options`) the value under that key in the suite, as YAML gives it.
        base_dir: (to `from_options`) the suite's folder, for files its options name.

    Example:
        ```python
        class NotEmpty(Check):
            name = "not_empty"

            @classmethod
            def from_options(cls, options, base_dir):
                return cls()

            def judge(self, baseline, candidate):
                empty = [c for c in candidate if not c.text.strip()]
                if empty:
                    return CheckResult(self.label, Outcome.REGRESSED, "an empty answer")
                return CheckResult(self.label, Outcome.SAME, "every answer has text")
        ```
    """

    name: ClassVar[str]

    @classmethod
    @abc.abstractmethod
    def from_options(cls, options: Any, base_dir: Path) -> Check:
        """Validate and prepare once (compile, import); raise `CheckConfigError`."""

    @property
    def label(self) -> str:
        """How reports and approvals name this check on a case."""
        return self.name

    @abc.abstractmethod
    def judge(self, baseline: Sequence[Completion], candidate: Sequence[Completion]) -> CheckResult:
        """One verdict for one case, from one or several samples per side."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label!r}>"


class SideBySideCheck(Check):
    """A check written as `observe` per sample plus `compare` across models.

    `observe` looks at one sample on its own (does it pass, what value does it yield);
    `compare` says whether two passing samples' values differ. The outcome rules decide
    the rest: failing only on the candidate is `regressed`, only on the baseline
    `improved`, values that differ beyond the baseline's own noise `changed`.

    Args:
        name: (class attribute) the key suites use for the check.
        compares_values: (class attribute) False for a pure pass/fail check.

    Example:
        ```python
        class MaxWords(SideBySideCheck):
            name = "max_words"
            compares_values = False

            def __init__(self, most: int) -> None:
                self.most = most

            @classmethod
            def from_options(cls, options, base_dir):
                return cls(int(options["most"]))

            def observe(self, completion):
                words = len(completion.text.split())
                return Observation(words <= self.most, words, f"has {words} words")
        ```
    """

    #: False for pure pass/fail checks: they skip the comparison step.
    compares_values: ClassVar[bool] = True

    @abc.abstractmethod
    def observe(self, completion: Completion) -> Observation:
        """Look at one sample; raise `CheckRunError` if the check cannot run."""

    def compare(self, baseline: Observation, candidate: Observation) -> Difference:
        """Compare two passing observations; by default they never differ."""
        return Difference(False, f"both outputs pass {self.label}")

    def beyond_noise(
        self, within_baseline: list[Difference], across: list[Difference]
    ) -> NoiseFloor:
        """Whether cross-model differences exceed the baseline's own; see `verdict`."""
        return disagreement_beyond_noise(within_baseline, across)

    def judge(self, baseline: Sequence[Completion], candidate: Sequence[Completion]) -> CheckResult:
        side = "baseline"
        try:
            seen_baseline = [self.observe(c) for c in baseline]
            side = "candidate"
            seen_candidate = [self.observe(c) for c in candidate]
        except CheckRunError as exc:
            # Which side's answer it could not run on: a time limit to raise, or an answer
            # to look at, belongs to one of them.
            return CheckResult(self.label, Outcome.ERROR, f"{side}: {exc}")
        return judge_observations(self, seen_baseline, seen_candidate)
