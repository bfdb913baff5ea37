"""`similarity`: how close the two texts are, by a rapidfuzz score from 0 to 100.

Options: `{min: 0..100 (default 80), scorer: ratio | partial_ratio | token_sort_ratio |
token_set_ratio | WRatio (default ratio), normalize: [case, whitespace, json]}`, or a
bare number for `min`. `json` re-dumps JSON outputs with sorted keys, so key order and
spacing do not count. A tool-call-only answer is compared as its calls serialised.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from migrate_check.checks import options as opts
from migrate_check.checks import verdict
from migrate_check.checks.base import CheckConfigError, Difference, Observation, SideBySideCheck
from migrate_check.checks.outputs import comparable_text
from migrate_check.checks.registry import builtin_check
from migrate_check.model import Completion

SCORERS: dict[str, Callable[..., float]] = {
    "ratio": fuzz.ratio,
    "partial_ratio": fuzz.partial_ratio,
    "token_sort_ratio": fuzz.token_sort_ratio,
    "token_set_ratio": fuzz.token_set_ratio,
    "WRatio": fuzz.WRatio,
}
NORMALIZATIONS = ("case", "whitespace", "json")
_WHITESPACE = re.compile(r"\s+")


@builtin_check
class SimilarityCheck(SideBySideCheck):
    name = "similarity"

    def __init__(self, minimum: float, scorer: str, normalize: frozenset[str]) -> None:
        self.minimum = minimum
        self.scorer = scorer
        self.score = SCORERS[scorer]
        self.normalize = normalize

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> SimilarityCheck:
        mapping = opts.as_mapping(cls.name, options, shorthand="min")
        opts.reject_unknown(cls.name, mapping, ("min", "scorer", "normalize"))
        minimum = opts.number(cls.name, mapping, "min", 80, 0, 100)
        assert minimum is not None
        scorer = mapping.get("scorer", "ratio")
        if scorer not in SCORERS:
            raise CheckConfigError(
                f"similarity: 'scorer' must be one of {', '.join(SCORERS)}, got {scorer!r}"
            )
        normalize = opts.strings(cls.name, mapping, "normalize", NORMALIZATIONS)
        return cls(minimum, scorer, frozenset(normalize))

    def observe(self, completion: Completion) -> Observation:
        return Observation(None, self._normalized(completion))

    def _normalized(self, completion: Completion) -> str:
        text = comparable_text(completion)
        if "json" in self.normalize and completion.parsed.ok:
            text = json.dumps(completion.parsed.value, sort_keys=True, ensure_ascii=False)
        if "whitespace" in self.normalize:
            text = _WHITESPACE.sub(" ", text).strip()
        if "case" in self.normalize:
            text = text.casefold()
        return text

    def compare(self, baseline: Observation, candidate: Observation) -> Difference:
        # Identical texts score 100 whatever the scorer (WRatio gives 0 for two empty ones).
        score = (
            100.0
            if baseline.value == candidate.value
            else self.score(baseline.value, candidate.value)
        )
        score = round(score, 1)
        differs = score < self.minimum
        relation = "<" if differs else ">="
        empty = [
            side
            for side, text in (("baseline", baseline.value), ("candidate", candidate.value))
            if not str(text).strip()
        ]
        # An empty answer scores like any unlike text; say why, or it reads as a rewording.
        note = f": the {' and '.join(empty)} answer is empty" if differs and empty else ""
        return Difference(
            differs,
            f"similarity {score:g} {relation} {self.minimum:g} ({self.scorer}){note}",
            {"score": score, "min": self.minimum, "scorer": self.scorer},
            score=score,
        )

    def beyond_noise(
        self, within_baseline: list[Difference], across: list[Difference]
    ) -> verdict.NoiseFloor:
        floor = verdict.score_beyond_noise(within_baseline, across, self.minimum, "similarity")
        floor.figures["scorer"] = self.scorer
        return floor
