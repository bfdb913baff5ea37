"""When a finding of `facts` is weak: a claim or a loosely read value on one side only, in
an answer rewritten throughout.

Read off one side only, a negation, an "if" or a number said in words is what
the rules see when the other answer says the same thing in a form they do not read ("No
instructor has more than 4 juniors" for "a maximum of 4 juniors per instructor"). Where
the rest of the answer kept its wording, its absence on the other side is the change;
where the whole answer was rewritten, it is most often a paraphrase. On the labelled
pairs (`benchmarks/data/`), when every finding of a pair was of this kind and the two
answers shared under 70% of the shorter one's characters, in order, two in three of
those pairs were harmless rewordings. A short answer is not weighed this way: in two or
three sentences an added clause alone moves a third of the letters. A condition or a
step of the baseline that is gone is not weak: most such findings were real changes
there, so they always count; nor is a finding of a kind the suite regresses on
(`facts.py` asks this only when none is).
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import LCSseq

from migrate_check.checks.builtin.fact_findings import Finding

#: Below this share (0-100) of the shorter answer's characters kept in order in the other,
#: the answers count as rewritten throughout (suite option `rewritten_below`; 0 counts
#: every finding).
REWRITTEN_BELOW = 70.0
#: Words each answer has at least for it to be weighed as rewritten.
LEAST_WORDS = 40
#: Characters of each answer compared for how alike they are.
ALIKE_CHARS = 20_000
#: (kind, change) of the claims that are weak in a rewritten answer: a negation gained or
#: lost, a condition or a step added. Each was chosen by kind on the labelled pairs: in
#: rewritten answers it marked more rewordings than changes (a hedge did not: hedges
#: always count).
ONE_SIDED_CLAIMS = frozenset(
    {("negation", "lost"), ("negation", "gained"), ("conditions", "added"), ("steps", "added")}
)
#: Values on one side only that are weak in a rewritten answer: names, and numbers and
#: quantities read from words alone (a value written in digits always counts).
ONE_SIDED_VALUES = frozenset({"entities", "numbers", "quantities"})
_ONE_SIDE = frozenset({"added", "missing"})


def alike(baseline: str, candidate: str) -> float:
    """The share (0-100) of the shorter answer's characters that the other keeps in the
    same order (their longest common subsequence, by rapidfuzz). An answer with a clause
    added keeps all of the other's; one rewritten throughout keeps about half. Its cost
    grows with the product of the lengths, so only the first `ALIKE_CHARS` characters of
    each are compared (about 10 ms)."""
    baseline, candidate = baseline[:ALIKE_CHARS], candidate[:ALIKE_CHARS]
    shorter = min(len(baseline), len(candidate))
    return 100 * LCSseq.similarity(baseline, candidate) / shorter if shorter else 100.0


def unconfirmed(
    findings: Sequence[Finding], baseline: str, candidate: str, below: float
) -> float | None:
    """How alike the answers are when every finding is weak (one-sided, in answers of
    at least `LEAST_WORDS` words under `below` alike); None when the findings count."""
    if not findings or below <= 0:
        return None
    if min(len(baseline.split()), len(candidate.split())) < LEAST_WORDS:
        return None
    if not all(map(_one_sided, findings)):
        return None
    score = alike(baseline, candidate)
    return score if score < below else None


def _one_sided(finding: Finding) -> bool:
    if (finding.kind, finding.change) in ONE_SIDED_CLAIMS:
        return True
    if finding.kind not in ONE_SIDED_VALUES or finding.change not in _ONE_SIDE:
        return False
    return finding.worded or finding.kind == "entities"
