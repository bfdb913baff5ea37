"""`similarity`: how close the two texts' letters are, by a rapidfuzz score from 0 to 100.

It is edit distance: how many letters moved, not what changed. A paraphrase in other
words scores low, and a changed day, amount or a lost "not" scores high because it moves
a few letters. So it suits answers whose exact wording matters (fixed phrases, JSON,
tool calls), not free text, where `facts` and `judge` say what changed.

Options: `{min: 0..100 (default 80), scorer: ratio | partial_ratio | token_sort_ratio |
token_set_ratio | WRatio (default ratio), normalize: [case, whitespace, json]}`, or a
bare number for `min`. `json` re-dumps JSON outputs with sorted keys, so key order and
spacing do not count. A tool-call-only answer is compared as its calls serialised.

The scorers that forgive length pass an answer that lost most of its text:
`token_set_ratio` scores 100 when one answer's words are a subset of the other's, and
`partial_ratio` 100 when the shorter answer appears within the longer (`WRatio` up to
90), so a candidate that keeps one sentence of three passes. When such a scorer passes
two texts whose word counts differ a lot (the shorter at most two thirds of the
longer), the evidence says so (`warning`), and so does the reason.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from migrate_check.checks import option_values as opts
from migrate_check.checks import outcome_rules
from migrate_check.checks.base import CheckConfigError, Difference, Observation, SideBySideCheck
from migrate_check.checks.outputs import comparable_text
from migrate_check.core.completion import Completion

SCORERS: dict[str, Callable[..., float]] = {
    "ratio": fuzz.ratio,
    "partial_ratio": fuzz.partial_ratio,
    "token_sort_ratio": fuzz.token_sort_ratio,
    "token_set_ratio": fuzz.token_set_ratio,
    "WRatio": fuzz.WRatio,
}
NORMALIZATIONS = ("case", "whitespace", "json")
_WHITESPACE = re.compile(r"\s+")
# Beyond these sizes rapidfuzz's exact scorers take seconds to minutes (partial_ratio of two
# 10,000-character texts: 78 s), so long texts are scored in linear time instead, and the
# evidence says so: the longer text over EXACT_MAX_CHARS, or for the partial scorers the
# shorter one over PARTIAL_MAX_CHARS (2,000 characters already take 0.6 s).
EXACT_MAX_CHARS = 50_000
PARTIAL_MAX_CHARS = 1_000
_PARTIAL = frozenset({"partial_ratio", "WRatio"})
LINEAR_METHOD = "trigram_dice"
MEASURES = "edit distance: how far the letters moved, not what the text says"
#: Scorers that score the shorter text's best match, and what they give a kept part.
_FORGIVES_LENGTH = {
    "token_set_ratio": "scores 100 when one answer's words are a subset of the other's",
    "partial_ratio": "scores 100 when the shorter answer appears within the longer",
    "WRatio": "scores up to 90 when the shorter answer appears within the longer",
}
#: Word counts this far apart (the shorter at most this share of the longer) are a lot.
LENGTH_SHARE = 2 / 3


def trigram_dice(a: str, b: str) -> float:
    """0..100: how much the two texts' character trigrams (as multisets) overlap; O(n)."""
    left = Counter(a[i : i + 3] for i in range(max(len(a) - 2, 1)))
    right = Counter(b[i : i + 3] for i in range(max(len(b) - 2, 1)))
    total = sum(left.values()) + sum(right.values())
    return 100.0 * 2 * sum((left & right).values()) / total if total else 100.0


def linear_reason(scorer: str, a: str, b: str) -> str | None:
    """Why the exact scorer is not run on these texts, or None when it is."""
    if max(len(a), len(b)) > EXACT_MAX_CHARS:
        return f"a text over {EXACT_MAX_CHARS:,} characters"
    if scorer in _PARTIAL and min(len(a), len(b)) > PARTIAL_MAX_CHARS:
        return f"both texts over {PARTIAL_MAX_CHARS:,} characters for {scorer}"
    return None


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
        linear = linear_reason(self.scorer, baseline.value, candidate.value)
        if baseline.value == candidate.value:
            score = 100.0
        elif linear is None:
            score = self.score(baseline.value, candidate.value)
        else:
            score = trigram_dice(baseline.value, candidate.value)
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
        method = self.scorer if linear is None else f"{LINEAR_METHOD}, not {self.scorer}: {linear}"
        evidence: dict[str, Any] = {"score": score, "min": self.minimum, "scorer": self.scorer}
        if linear is not None:
            evidence["method"] = LINEAR_METHOD
            evidence["why"] = linear
        evidence["measures"] = MEASURES
        warning = (
            None if differs or linear else self._length_warning(baseline.value, candidate.value)
        )
        if warning:
            evidence["warning"] = warning
            note = f"; {warning}"
        return Difference(
            differs,
            f"similarity {score:g} {relation} {self.minimum:g} ({method}){note}",
            evidence,
            score=score,
        )

    def _length_warning(self, baseline: str, candidate: str) -> str | None:
        """For a scorer that forgives length, when the texts' word counts differ a lot."""
        forgives = _FORGIVES_LENGTH.get(self.scorer)
        if forgives is None or baseline == candidate:
            return None
        words = {"baseline": len(baseline.split()), "candidate": len(candidate.split())}
        shorter, longer = sorted(words, key=words.__getitem__)
        if words[shorter] > LENGTH_SHARE * words[longer]:
            return None
        return (
            f"{self.scorer} {forgives}: the {shorter} has {words[shorter]} words, "
            f"the {longer} {words[longer]}"
        )

    def beyond_noise(
        self, within_baseline: list[Difference], across: list[Difference]
    ) -> outcome_rules.NoiseFloor:
        floor = outcome_rules.score_beyond_noise(
            within_baseline, across, self.minimum, "similarity"
        )
        floor.figures["scorer"] = self.scorer
        warnings = (d.evidence.get("warning") for d in across if d.evidence)
        warning = next((w for w in warnings if w), None)
        if warning is None:
            return floor
        floor.figures["warning"] = warning  # a pair passed only because the scorer forgives length
        return dataclasses.replace(floor, summary=f"{floor.summary}; e.g. {warning}")
