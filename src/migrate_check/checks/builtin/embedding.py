"""`embedding`: cosine similarity of the two answers' embeddings, against a minimum.

Embeddings forgive rewording: a paraphrase in other words scores high where rapidfuzz
flags it. They measure closeness of topic and wording, not facts: "the refund was
issued on Thursday" and "the refund was not issued on Tuesday" share almost every word
and score high too (with a real sentence-embedding model a one-word change of meaning
scores above 0.9, typically 0.99). The evidence says so on every result; pair it with
`facts` or `judge` where facts matter. How high a paraphrase scores depends on the
model, so a `min` tuned for one model does not carry to another; the evidence names the
model asked for (`model`) and the one that answered (`answered_by`, the answer's
`model` field).

Options: `{min: 0.85, model: text-embedding-3-small, max_chars: 8000, min_sentence: 0.9}`
(`min_sentence` is off unless given), or a bare number for `min`. `min` and
`min_sentence` are cosines from 0 to 1, or the same as a percentage when above 1. All
samples of both sides go in one request (each distinct text once, cut at `max_chars`),
through the SDK, recorded in the case's grader cassette. Without `min_sentence` that
request is exactly the whole answers'.

`min_sentence` also compares sentence by sentence, for a dropped or rewritten sentence
that a long answer's whole cosine hides: the first MAX_SENTENCES sentences of each answer,
each cut at SENTENCE_CHARS, go in the same request (split into several only past the
API's 2,048 inputs); each baseline sentence is paired with its most similar candidate
sentence, and the lowest such cosine, with both sentences quoted, below `min_sentence` is
a change. It does not make a one-word change visible: that sentence still scores high.

With several samples the noise floor applies as for `similarity`: a change counts where
the median cross cosine (whole, or lowest sentence) is below its minimum and clearly
below the baseline's own (its figures are shown as percentages).
"""

from __future__ import annotations

import base64
import binascii
import math
import operator
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate_check.checks import option_values as opts
from migrate_check.checks import outcome_rules
from migrate_check.checks.graded import GradedCheck
from migrate_check.checks.observations import Difference, Observation
from migrate_check.checks.outputs import comparable_text, shorten
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult, Outcome
from migrate_check.sending.grading import EMBEDDINGS, GraderCall, Replies

DEFAULT_MODEL = "text-embedding-3-small"
DEFAULT_MIN = 0.85
DEFAULT_MAX_CHARS = 8000
#: At most this many numbers per vector are read (text-embedding-3-large has 3,072).
MAX_DIMENSIONS = 16_384
#: With `min_sentence`: sentences compared per answer, and each one's length.
MAX_SENTENCES = 20
SENTENCE_CHARS = 300
#: The API's limit of inputs per embeddings request.
MAX_CALL_INPUTS = 2048
#: The answering model's name as shown (it comes from the grader's answer).
MAX_MODEL_NAME = 100
SEES = (
    "closeness of topic and wording, not facts: a changed number, day or name, or a "
    "negation, can still score high"
)
# A sentence ends at . ! or ? before whitespace, or at a line break (bullets, lines).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\s*\n\s*")
_LETTER = re.compile(r"[^\W\d_]")


def sentences(text: str) -> tuple[list[str], int]:
    """The first MAX_SENTENCES sentences (with a letter) of `text`, each cut at
    SENTENCE_CHARS, and how many it has in all."""
    found = [s.strip() for s in _SENTENCE_BREAK.split(text)]
    found = [s for s in found if _LETTER.search(s)]
    return [s[:SENTENCE_CHARS] for s in found[:MAX_SENTENCES]], len(found)


@dataclass(frozen=True)
class _Answer:
    """One sample as compared: its text (cut), and its sentences (with `min_sentence`)."""

    text: str
    cut: bool
    sentences: tuple[str, ...] = ()
    sentences_in_all: int = 0


class EmbeddingCheck(GradedCheck):
    name = "embedding"
    compares_values = True

    def __init__(
        self, minimum: float, model: str, max_chars: int, min_sentence: float | None = None
    ) -> None:
        self.minimum = minimum  # a percentage (0..100), as the noise floor's scores are
        self.model = model
        self.max_chars = max_chars
        self.min_sentence = min_sentence  # a percentage too, or None: not compared

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> EmbeddingCheck:
        mapping = opts.as_mapping(cls.name, options, shorthand="min")
        opts.reject_unknown(cls.name, mapping, ("min", "model", "max_chars", "min_sentence"))
        minimum = opts.number(cls.name, mapping, "min", DEFAULT_MIN, 0, 100)
        assert minimum is not None
        model = opts.text(cls.name, {"model": mapping.get("model", DEFAULT_MODEL)}, "model")
        max_chars = opts.number(cls.name, mapping, "max_chars", DEFAULT_MAX_CHARS, 1, 10**6)
        assert max_chars is not None
        per_sentence = opts.number(cls.name, mapping, "min_sentence", None, 0, 100)
        sentence_min = None if per_sentence is None else _percent(per_sentence)
        return cls(_percent(minimum), model, int(max_chars), sentence_min)

    # -- the request ------------------------------------------------------------------
    def _text(self, completion: Completion) -> str:
        return comparable_text(completion)[: self.max_chars]

    def _inputs(self, completions: Sequence[Completion]) -> list[str]:
        texts = list(dict.fromkeys(t for t in map(self._text, completions) if t.strip()))
        if self.min_sentence is None:
            return texts
        split = (s for text in texts for s in sentences(text)[0])
        return list(dict.fromkeys([*texts, *split]))

    def _calls(self, inputs: list[str]) -> list[GraderCall]:
        """One request, as many as the API's input limit needs with `min_sentence`."""
        chunks = [inputs[i : i + MAX_CALL_INPUTS] for i in range(0, len(inputs), MAX_CALL_INPUTS)]
        if self.min_sentence is None:
            chunks = [inputs] if inputs else []  # the whole answers: one request, as always
        return [
            GraderCall(
                self.model,
                EMBEDDINGS,
                {"model": self.model, "input": chunk, "encoding_format": "base64"},
            )
            for chunk in chunks
        ]

    def grader_calls(
        self, baseline: Sequence[Completion], candidate: Sequence[Completion]
    ) -> list[GraderCall]:
        return self._calls(self._inputs([*baseline, *candidate]))

    # -- the verdict ------------------------------------------------------------------
    def judge_graded(
        self, baseline: Sequence[Completion], candidate: Sequence[Completion], replies: Replies
    ) -> CheckResult:
        vectors: dict[str, list[float]] = {}
        answered: dict[str, None] = {}
        for call in self.grader_calls(baseline, candidate):
            reply = replies.get(call.key)
            if reply is None:
                return self._error("no answer from the embedding model (not fetched)")
            if reply.error is not None:
                return self._error(reply.error)
            inputs = list(call.body["input"])
            try:
                body = reply.json()
                found = parse_embeddings(body, len(inputs))
            except (ValueError, TypeError, KeyError) as exc:
                return self._error(f"the embedding answer of {self.model!r} is malformed: {exc}")
            vectors.update(zip(inputs, found, strict=True))
            answered[answering_model(body)] = None
        answered_by = ", ".join(name for name in answered if name) or None
        comparison = _Comparison(self, vectors, answered_by)
        result = outcome_rules.judge_observations(
            comparison,
            [self._observe(c) for c in baseline],
            [self._observe(c) for c in candidate],
        )
        evidence = result.evidence if isinstance(result.evidence, dict) else {}
        evidence.update({"model": self.model, "answered_by": answered_by, "measures": SEES})
        if self.min_sentence is not None:
            evidence["sentences"] = {"most": MAX_SENTENCES, "cut_at_chars": SENTENCE_CHARS}
        result.evidence = evidence
        return result

    def _observe(self, completion: Completion) -> Observation:
        text = self._text(completion)
        cut = len(comparable_text(completion)) > self.max_chars
        if self.min_sentence is None:
            return Observation(None, _Answer(text, cut))
        kept, in_all = sentences(text)
        return Observation(None, _Answer(text, cut, tuple(kept), in_all))

    def _error(self, why: str) -> CheckResult:
        return CheckResult(self.label, Outcome.ERROR, why, {"model": self.model})


class _Comparison:
    """One case's comparisons: the check's thresholds with the grader's vectors of it.

    The check is built once and shared by every case, so what one case's answers hold
    (the vectors, the model that answered) lives here, for the outcome rules to ask.
    """

    compares_values = True

    def __init__(
        self, check: EmbeddingCheck, vectors: dict[str, list[float]], answered_by: str | None
    ) -> None:
        self.check = check
        self.label = check.label
        self.vectors = vectors
        self.units: dict[str, list[float]] = {}
        self.sentence_scores: dict[tuple[str, str], float] = {}
        asked = check.model
        self.grader = (
            asked if answered_by in (None, asked) else f"{asked}, answered by {answered_by}"
        )

    def compare(self, baseline: Observation, candidate: Observation) -> Difference:
        a, b = baseline.value, candidate.value
        check = self.check
        empty = [side for side, t in (("baseline", a.text), ("candidate", b.text)) if not t.strip()]
        vector_a, vector_b = self.vectors.get(a.text), self.vectors.get(b.text)
        if a.text == b.text:
            score = 100.0
        elif empty or vector_a is None or vector_b is None:
            score = 0.0
        else:
            score = round(max(0.0, cosine(vector_a, vector_b)) * 100, 1)
        differs = score < check.minimum
        relation = "<" if differs else ">="
        summary = f"cosine {score / 100:.3f} {relation} {check.minimum / 100:g}"
        evidence: dict[str, Any] = {"cosine": round(score / 100, 3), "min": check.minimum / 100}
        if a.cut or b.cut:
            evidence["cut_at_chars"] = check.max_chars
        if check.min_sentence is not None:
            low, quoted_a, quoted_b = self._lowest_sentence(a, b)
            below = low < check.min_sentence
            differs = differs or below
            summary += (
                f"; lowest sentence cosine {low / 100:.3f} {'<' if below else '>='} "
                f"{check.min_sentence / 100:g}"
            )
            if quoted_a is not None:
                summary += f": {shorten(quoted_a, 80)} ~ {shorten(quoted_b, 80)}"
            evidence["lowest_sentence"] = {
                "cosine": round(low / 100, 3),
                "min": check.min_sentence / 100,
                "baseline": quoted_a,
                "candidate": quoted_b,
            }
            if max(a.sentences_in_all, b.sentences_in_all) > MAX_SENTENCES:
                evidence["sentences_compared"] = MAX_SENTENCES
        note = f": the {' and '.join(empty)} answer is empty" if differs and empty else ""
        return Difference(
            differs,
            f"{summary} ({self.grader}; topic and wording, not facts){note}",
            evidence,
            score=score,
        )

    def _lowest_sentence(self, a: _Answer, b: _Answer) -> tuple[float, str | None, str | None]:
        """The lowest, over the baseline's sentences, of its best cosine with a candidate
        sentence (a percentage), and that pair; 100 and no pair when nothing differs."""
        if a.text == b.text or not a.sentences:
            return 100.0, None, None
        lowest: tuple[float, str | None, str | None] = (100.0, None, None)
        for mine in a.sentences:
            best, match = 0.0, ""
            for theirs in b.sentences:
                score = self._sentence_score(mine, theirs)
                if score > best or not match:
                    best, match = score, theirs
            if best < lowest[0] or lowest[1] is None:
                lowest = (best, mine, match)
        return lowest

    def _sentence_score(self, mine: str, theirs: str) -> float:
        if mine == theirs:
            return 100.0
        key = (mine, theirs)
        if key not in self.sentence_scores:
            left, right = self._unit(mine), self._unit(theirs)
            dot = sum(map(operator.mul, left, right)) if len(left) == len(right) else 0.0
            self.sentence_scores[key] = round(max(0.0, min(1.0, dot)) * 100, 1)
        return self.sentence_scores[key]

    def _unit(self, text: str) -> list[float]:
        """The text's vector scaled to length 1 (once), so a cosine is a dot product."""
        unit = self.units.get(text)
        if unit is None:
            vector = self.vectors.get(text, [])
            norm = math.sqrt(math.fsum(v * v for v in vector))
            unit = self.units[text] = [v / norm for v in vector] if norm else []
        return unit

    def beyond_noise(
        self, within_baseline: list[Difference], across: list[Difference]
    ) -> outcome_rules.NoiseFloor:
        check = self.check
        whole = outcome_rules.score_beyond_noise(within_baseline, across, check.minimum, "cosine%")
        if check.min_sentence is None:
            return whole
        per_sentence = outcome_rules.score_beyond_noise(
            _sentence_differences(within_baseline),
            _sentence_differences(across),
            check.min_sentence,
            "sentence-cosine%",
        )
        figures = dict(whole.figures)
        figures.update({f"sentence_{k}": v for k, v in per_sentence.figures.items()})
        changed = whole.changed or per_sentence.changed
        summary = "; ".join(
            floor.summary for floor in (whole, per_sentence) if floor.changed or not changed
        )
        return outcome_rules.NoiseFloor(
            changed, summary, f"{whole.noise}; {per_sentence.noise}", figures
        )


def _sentence_differences(differences: list[Difference]) -> list[Difference]:
    """The differences scored by their lowest sentence cosine, for the noise floor."""
    out = []
    for difference in differences:
        low = (difference.evidence or {}).get("lowest_sentence", {}).get("cosine", 1.0)
        out.append(Difference(difference.differs, score=low * 100))
    return out


def _percent(value: float) -> float:
    """A cosine option as a percentage: 0.85 and 85 are both 85."""
    return value * 100 if value <= 1 else value


def answering_model(body: Any) -> str:
    """The `model` an embeddings answer names ("" when it names none), cut for display."""
    model = body.get("model") if isinstance(body, dict) else None
    return model[:MAX_MODEL_NAME] if isinstance(model, str) else ""


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
