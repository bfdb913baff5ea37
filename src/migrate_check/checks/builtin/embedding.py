"""`embedding`: cosine similarity of the two answers' embeddings, against a minimum.

Embeddings forgive rewording: a paraphrase in other words scores high where rapidfuzz
flags it. They measure closeness of topic and wording, not facts: "the refund was
issued on Thursday" and "the refund was not issued on Tuesday" share almost every word
and score high too. The evidence says so on every result; pair it with `facts` or
`judge` where facts matter.

Options: `{min: 0.85, model: text-embedding-3-small, max_chars: 8000}`, or a bare number
for `min`. `min` is a cosine from 0 to 1, or the same as a percentage when above 1
(`85` is `0.85`). All samples of both sides go in one request (each distinct text once,
cut at `max_chars`), through the SDK, recorded in the case's grader cassette. With
several samples the noise floor applies as for `similarity`: a change counts where the
median cross cosine is below `min` and clearly below the baseline's own (its figures
are shown as percentages).
"""

from __future__ import annotations

import base64
import binascii
import math
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from migrate_check.checks import option_values as opts
from migrate_check.checks import outcome_rules
from migrate_check.checks.graded import GradedCheck
from migrate_check.checks.observations import Difference, Observation
from migrate_check.checks.outputs import comparable_text
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult, Outcome
from migrate_check.sending.grading import EMBEDDINGS, GraderCall, Replies

DEFAULT_MODEL = "text-embedding-3-small"
DEFAULT_MIN = 0.85
DEFAULT_MAX_CHARS = 8000
#: At most this many numbers per vector are read (text-embedding-3-large has 3,072).
MAX_DIMENSIONS = 16_384
SEES = (
    "closeness of topic and wording, not facts: a changed number, day or name, or a "
    "negation, can still score high"
)


class EmbeddingCheck(GradedCheck):
    name = "embedding"
    compares_values = True

    def __init__(self, minimum: float, model: str, max_chars: int) -> None:
        self.minimum = minimum  # a percentage (0..100), as the noise floor's scores are
        self.model = model
        self.max_chars = max_chars

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> EmbeddingCheck:
        mapping = opts.as_mapping(cls.name, options, shorthand="min")
        opts.reject_unknown(cls.name, mapping, ("min", "model", "max_chars"))
        minimum = opts.number(cls.name, mapping, "min", DEFAULT_MIN, 0, 100)
        assert minimum is not None
        model = opts.text(cls.name, {"model": mapping.get("model", DEFAULT_MODEL)}, "model")
        max_chars = opts.number(cls.name, mapping, "max_chars", DEFAULT_MAX_CHARS, 1, 10**6)
        assert max_chars is not None
        return cls(minimum * 100 if minimum <= 1 else minimum, model, int(max_chars))

    # -- the request ------------------------------------------------------------------
    def _text(self, completion: Completion) -> str:
        return comparable_text(completion)[: self.max_chars]

    def _inputs(self, completions: Sequence[Completion]) -> list[str]:
        texts = (self._text(c) for c in completions)
        return list(dict.fromkeys(t for t in texts if t.strip()))

    def _call(self, inputs: list[str]) -> GraderCall:
        body = {"model": self.model, "input": inputs, "encoding_format": "base64"}
        return GraderCall(self.model, EMBEDDINGS, body)

    def grader_calls(
        self, baseline: Sequence[Completion], candidate: Sequence[Completion]
    ) -> list[GraderCall]:
        inputs = self._inputs([*baseline, *candidate])
        return [self._call(inputs)] if inputs else []

    # -- the verdict ------------------------------------------------------------------
    def judge_graded(
        self, baseline: Sequence[Completion], candidate: Sequence[Completion], replies: Replies
    ) -> CheckResult:
        inputs = self._inputs([*baseline, *candidate])
        vectors: dict[str, list[float]] = {}
        if inputs:
            reply = replies.get(self._call(inputs).key)
            if reply is None:
                return self._error("no answer from the embedding model (not fetched)")
            if reply.error is not None:
                return self._error(reply.error)
            try:
                found = parse_embeddings(reply.json(), len(inputs))
            except (ValueError, TypeError, KeyError) as exc:
                return self._error(f"the embedding answer of {self.model!r} is malformed: {exc}")
            vectors = dict(zip(inputs, found, strict=True))

        def observe(completion: Completion) -> Observation:
            text = self._text(completion)
            cut = len(comparable_text(completion)) > self.max_chars
            return Observation(None, (text, vectors.get(text), cut))

        result = outcome_rules.judge_observations(
            self, [observe(c) for c in baseline], [observe(c) for c in candidate]
        )
        evidence = result.evidence if isinstance(result.evidence, dict) else {}
        evidence.update({"model": self.model, "measures": SEES})
        result.evidence = evidence
        return result

    def _error(self, why: str) -> CheckResult:
        return CheckResult(self.label, Outcome.ERROR, why, {"model": self.model})

    def compare(self, baseline: Observation, candidate: Observation) -> Difference:
        (text_a, vector_a, cut_a), (text_b, vector_b, cut_b) = baseline.value, candidate.value
        empty = [side for side, t in (("baseline", text_a), ("candidate", text_b)) if not t.strip()]
        if text_a == text_b:
            score = 100.0
        elif empty or vector_a is None or vector_b is None:
            score = 0.0
        else:
            score = round(max(0.0, cosine(vector_a, vector_b)) * 100, 1)
        differs = score < self.minimum
        relation = "<" if differs else ">="
        note = f": the {' and '.join(empty)} answer is empty" if differs and empty else ""
        evidence: dict[str, Any] = {"cosine": round(score / 100, 3), "min": self.minimum / 100}
        if cut_a or cut_b:
            evidence["cut_at_chars"] = self.max_chars
        return Difference(
            differs,
            f"cosine {score / 100:.3f} {relation} {self.minimum / 100:g} ({self.model}; "
            f"topic and wording, not facts){note}",
            evidence,
            score=score,
        )

    def beyond_noise(
        self, within_baseline: list[Difference], across: list[Difference]
    ) -> outcome_rules.NoiseFloor:
        return outcome_rules.score_beyond_noise(within_baseline, across, self.minimum, "cosine%")


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity; 0 for vectors of other lengths or of length 0."""
    if len(a) != len(b) or not a:
        return 0.0
    dot = math.fsum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(math.fsum(x * x for x in a)) * math.sqrt(math.fsum(y * y for y in b))
    return dot / norm if norm else 0.0


def parse_embeddings(body: Any, count: int) -> list[list[float]]:
    """The `count` vectors of an embeddings answer, by `index`, float lists or base64."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise ValueError("no 'data' list")
    data = body["data"]
    if len(data) != count:
        raise ValueError(f"{len(data)} embeddings for {count} inputs")
    vectors: list[list[float] | None] = [None] * count
    for position, item in enumerate(data):
        if not isinstance(item, dict):
            raise ValueError("an embedding is not an object")
        index = item.get("index", position)
        if not isinstance(index, int) or not 0 <= index < count or vectors[index] is not None:
            raise ValueError(f"bad embedding index {index!r}")
        vectors[index] = _vector(item.get("embedding"))
    return [v for v in vectors if v is not None]


def _vector(raw: Any) -> list[float]:
    if isinstance(raw, str):
        if len(raw) > MAX_DIMENSIONS * 8:
            raise ValueError("an embedding is too long")
        try:
            packed = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("an embedding is not base64") from None
        if len(packed) % 4:
            raise ValueError("a base64 embedding is not float32")
        values = list(struct.unpack(f"<{len(packed) // 4}f", packed))
    elif isinstance(raw, list) and len(raw) <= MAX_DIMENSIONS:
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in raw):
            raise ValueError("an embedding holds something other than numbers")
        values = [float(v) for v in raw]
    else:
        raise ValueError("an embedding is neither a list of numbers nor base64")
    if not values or not all(math.isfinite(v) for v in values):
        raise ValueError("an embedding is empty or not finite")
    return values
