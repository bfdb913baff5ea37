"""`facts`: the checkable facts of two answers, extracted without a model and compared.

Rewording is the normal effect of a migration, so letter-based scores flag paraphrases
while embeddings pass a changed day or a lost "not". This check looks only at what can be
read off the text deterministically: numbers (phone numbers included), amounts with
their currency, percentages, dates, weekdays, times, e-mail addresses, URLs and negation
markers. Each is put in one canonical form ("$40", "40 dollars" and "USD 40.00" are all
`USD 40`), so formatting does not count; the facts of each kind are compared as sets.

Outcome: `same` when every kind holds the same facts on both sides, `changed` otherwise,
the evidence listing `missing` (baseline only), `added` (candidate only) and `changed`
(one replaced by another of the same kind). A difference counts as `regressed` only in
the kinds listed in `regress_on`: extraction is heuristic and a changed fact may be a
fix, so by default a human decides. Negation is compared by its count of markers (not,
n't, no, never, declined, ...), so a side that gains or loses one is reported with its
sentences. What it cannot see, and says so: meaning. A reworded claim that keeps the same
facts is `same` however it changed, and facts it has no pattern for (names, number words
like "forty", bare domains) are not compared.

Options: `{ignore: [kinds], regress_on: [kinds], max_chars: N (default 100000)}`. Texts
longer than `max_chars` are cut there, and the evidence says so. Finding the facts and
their canonical forms is `fact_extraction`'s.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from migrate_check.checks import option_values as opts
from migrate_check.checks.base import CheckConfigError, Difference, Observation, SideBySideCheck
from migrate_check.checks.builtin.fact_extraction import (
    DEFAULT_MAX_CHARS,
    KINDS,
    MAX_LISTED,
    SPACES,
    Facts,
    extract,
    shorten_text,
)
from migrate_check.checks.outputs import comparable_text
from migrate_check.core.completion import Completion

NOT_SEEN = (
    "compares extracted facts only (numbers, amounts, percentages, dates, weekdays, times, "
    "e-mail addresses, URLs, negation counts), not meaning: a paraphrase that keeps them is "
    "same, and a reworded claim with the same facts is not caught"
)


class FactsCheck(SideBySideCheck):
    name = "facts"

    def __init__(self, ignore: frozenset[str], regress_on: frozenset[str], max_chars: int):
        self.kinds = tuple(kind for kind in KINDS if kind not in ignore)
        self.regress_on = regress_on
        self.max_chars = max_chars

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> FactsCheck:
        mapping = opts.as_mapping(cls.name, options, shorthand=None)
        opts.reject_unknown(cls.name, mapping, ("ignore", "regress_on", "max_chars"))
        ignore = frozenset(opts.strings(cls.name, mapping, "ignore", KINDS))
        regress_on = frozenset(opts.strings(cls.name, mapping, "regress_on", KINDS))
        if ignore & regress_on:
            both = ", ".join(sorted(ignore & regress_on))
            raise CheckConfigError(f"facts: {both} both ignored and in 'regress_on'")
        if ignore >= set(KINDS):
            raise CheckConfigError("facts: 'ignore' lists every kind, so nothing is compared")
        max_chars = opts.number(cls.name, mapping, "max_chars", DEFAULT_MAX_CHARS, 1, 10**7)
        assert max_chars is not None
        if max_chars != int(max_chars):
            raise CheckConfigError(f"facts: 'max_chars' must be a whole number, got {max_chars}")
        return cls(ignore, regress_on, int(max_chars))

    def observe(self, completion: Completion) -> Observation:
        return Observation(None, extract(comparable_text(completion), self.max_chars))

    def compare(self, baseline: Observation, candidate: Observation) -> Difference:
        base: Facts = baseline.value
        cand: Facts = candidate.value
        missing: list[str] = []
        added: list[str] = []
        changed: list[str] = []
        differing: list[str] = []
        for kind in self.kinds:
            if kind == "negation":
                if base.negations != cand.negations:
                    differing.append(kind)
                    gained, entry = _negation(base, cand)
                    (added if gained else missing).append(entry)
                continue
            before, after = base.kinds.get(kind, {}), cand.kinds.get(kind, {})
            lost = [fact for fact in before if fact not in after]
            new = [fact for fact in after if fact not in before]
            if lost or new:
                differing.append(kind)
            for old, replacement in zip(lost, new, strict=False):
                was, now = _shown(old, before[old]), _shown(replacement, after[replacement])
                changed.append(f"{kind}: {was} → {now}")
            paired = min(len(lost), len(new))
            missing += [f"{kind}: {_shown(f, before[f])}" for f in lost[paired:]]
            added += [f"{kind}: {_shown(f, after[f])}" for f in new[paired:]]
        evidence: dict[str, Any] = {}
        for key, entries in (("missing", missing), ("added", added), ("changed", changed)):
            if entries:
                evidence[key] = _listed(entries)
        truncated = [
            f"{side} ({facts.length:,} characters)"
            for side, facts in (("baseline", base), ("candidate", cand))
            if facts.truncated
        ]
        note = ""
        if truncated:
            cut = f"only the first {self.max_chars:,} characters compared: {', '.join(truncated)}"
            evidence["truncated"] = cut
            note = f"; {cut}"
        evidence["not_seen"] = NOT_SEEN
        regressed = sorted(set(differing) & self.regress_on)
        if regressed:
            evidence["regress_on"] = regressed
        if not differing:
            found = {kind: len(base.kinds.get(kind, {})) for kind in self.kinds}
            if "negation" in self.kinds:
                del found["negation"]
                found["negation markers"] = base.negations
            counts = ", ".join(f"{n} {kind}" for kind, n in found.items() if n)
            what = f"same facts ({counts})" if counts else "no facts found on either side"
            return Difference(False, f"{what}; meaning is not compared{note}", evidence)
        shown = [*changed, *missing, *added]
        more = f" and {len(shown) - 3} more" if len(shown) > 3 else ""
        head = "facts differ"
        if regressed:
            head = f"facts regressed ({', '.join(regressed)} in regress_on)"
        listed = "; ".join(shorten_text(entry, 100) for entry in shown[:3])
        summary = f"{head}: {listed}{more}; meaning is not compared{note}"
        return Difference(True, summary, evidence, regression=bool(regressed))


def _negation(base: Facts, cand: Facts) -> tuple[bool, str]:
    """Whether the candidate gained negation, and what and where: the markers the side
    with more has beyond the other's, and its negated sentences (the reader judges)."""
    gained = cand.negations > base.negations
    more, less = (cand, base) if gained else (base, cand)
    extra = Counter(more.markers) - Counter(less.markers)
    words = ", ".join(sorted(extra)) or ", ".join(sorted(set(more.markers)))
    side = "candidate gains" if gained else "candidate loses"
    sentences = " | ".join(f"“{s}”" for s in more.negated_sentences[:3])
    entry = (
        f"negation: {side} {abs(cand.negations - base.negations)} ({words}) "
        f"[{base.negations} → {cand.negations}] in {sentences}"
    )
    return gained, entry


def _shown(canonical: str, raw: str) -> str:
    """The canonical form, with how it was written when that differs."""
    same = SPACES.sub("", raw).casefold() == SPACES.sub("", canonical).casefold()
    return shorten_text(canonical) if same else f"{shorten_text(canonical)} (“{raw}”)"


def _listed(entries: list[str]) -> list[str]:
    if len(entries) <= MAX_LISTED:
        return entries
    return [*entries[:MAX_LISTED], f"… and {len(entries) - MAX_LISTED} more"]
