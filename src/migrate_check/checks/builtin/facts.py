"""`facts`: what two answers say that a reader acts on, read without a model and compared.

Rewording is the normal effect of a migration, so letter-based scores flag paraphrases
while embeddings pass a changed day or a lost "not". This check reads what can be read
off the text deterministically, in kinds: numbers (words, ordinals, fractions and
multipliers included), quantities with their unit, amounts with their currency and sign,
percentages, dates, weekdays, times, identifiers, e-mail addresses, URLs, names, and the
claims around them: opposites (accepted/declined), modal strength (can/should/must),
negations per claim, conditions, hedges and steps of instructions. Each value is put in
one canonical form ("$40", "40 dollars" and "USD 40.00" are all `USD 40`; "90 minutes" and
"an hour and a half" are `5400 s`), so formatting does not count (`fact_extraction`);
the two sides are compared kind by kind (`fact_comparison`).

Outcome: `same` when no kind differs, `changed` otherwise; every finding names its kind
and quotes the sentence on each side. A difference counts as `regressed` only in the
kinds listed in `regress_on`: reading is heuristic and a changed fact may be a fix, so by
default a human decides. What it cannot see, and says so: meaning beyond these kinds. A
claim reworded with other words and the same facts is `same`. In answers rewritten
throughout, findings that are only a claim or a worded value on one side are listed as
`unconfirmed`, not counted (`fact_rewrites`).

Options: `{ignore: [kinds], regress_on: [kinds], max_chars: N (default 100000),
opposites: [[words, words], ...], modals: {word: can|should|must}, path: "$.reply",
rewritten_below: 0-100 (default 70; 0 counts every finding)}`.
`opposites` adds axes of mutually exclusive words for the team's domain (each pole a word
or a list of words); `modals` adds modal words with their strength; `path` reads the text
at a JSONPath of a JSON answer (or of what an entry point returned), not the whole of it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from migrate_check.checks import option_values as opts
from migrate_check.checks.base import CheckConfigError, Difference, Observation, SideBySideCheck
from migrate_check.checks.builtin.equal import compile_jsonpath
from migrate_check.checks.builtin.fact_comparison import compare
from migrate_check.checks.builtin.fact_extraction import (
    DEFAULT_MAX_CHARS,
    KINDS,
    MAX_LISTED,
    Facts,
    extract,
    shorten_text,
)
from migrate_check.checks.builtin.fact_findings import Finding
from migrate_check.checks.builtin.fact_lexicon import MODAL_NAMES, Lexicon
from migrate_check.checks.builtin.fact_rewrites import REWRITTEN_BELOW, unconfirmed
from migrate_check.checks.outputs import comparable_text, not_json_problem
from migrate_check.core.completion import Completion

NOT_SEEN = (
    "reads numbers, quantities, amounts, percentages, dates, weekdays, times, identifiers, "
    "e-mail addresses, URLs, names, opposites, modals, negations, conditions, hedges and "
    "steps; meaning beyond them is not compared: a claim reworded with the same facts is same"
)
#: Bounds on a suite's own lexicon: it is read once per check, but suites come from others.
MAX_AXES = 500
MAX_WORDS = 50


class FactsCheck(SideBySideCheck):
    name = "facts"

    def __init__(
        self,
        ignore: frozenset[str],
        regress_on: frozenset[str],
        max_chars: int,
        lexicon: Lexicon | None = None,
        path: str | None = None,
        rewritten_below: float = REWRITTEN_BELOW,
    ):
        self.kinds = tuple(kind for kind in KINDS if kind not in ignore)
        self.path = path
        self.compiled = compile_jsonpath(self.name, path) if path is not None else None
        self.regress_on = regress_on
        self.max_chars = max_chars
        self.lexicon = lexicon or Lexicon.build()
        self.rewritten_below = rewritten_below

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> FactsCheck:
        mapping = opts.as_mapping(cls.name, options, shorthand=None)
        known = (
            "ignore",
            "regress_on",
            "max_chars",
            "opposites",
            "modals",
            "path",
            "rewritten_below",
        )
        opts.reject_unknown(cls.name, mapping, known)
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
        lexicon = Lexicon.build(
            _opposites(mapping.get("opposites")), _modals(mapping.get("modals"))
        )
        path = mapping.get("path")
        if path is not None and not isinstance(path, str):
            raise CheckConfigError(f"facts: 'path' must be a JSONPath, got {path!r}")
        below = opts.number(cls.name, mapping, "rewritten_below", REWRITTEN_BELOW, 0, 100)
        assert below is not None
        return cls(ignore, regress_on, int(max_chars), lexicon, path, below)

    def observe(self, completion: Completion) -> Observation:
        text = comparable_text(completion)
        if self.compiled is not None:
            parsed = completion.parsed
            if not parsed.ok:
                return Observation(False, problem=not_json_problem(completion))
            found = [match.value for match in self.compiled.find(parsed.value)]
            if not found:
                return Observation(False, problem=f"has no value at {self.path}")
            text = "\n".join(
                v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in found
            )
        return Observation(None, extract(text, self.max_chars, self.lexicon))

    def compare(self, baseline: Observation, candidate: Observation) -> Difference:
        base: Facts = baseline.value
        cand: Facts = candidate.value
        findings = compare(base, cand, self.kinds, self.lexicon)
        evidence: dict[str, Any] = {}
        # a kind the suite regresses on always counts: the team said it matters
        weak = None
        if not any(finding.kind in self.regress_on for finding in findings):
            weak = unconfirmed(findings, base.tokens.text, cand.tokens.text, self.rewritten_below)
        not_counted = 0
        if weak is not None:
            evidence["unconfirmed"] = _listed(findings)
            evidence["rewritten"] = (
                f"the answers share {weak:.0f}% of the shorter one's characters in order "
                f"(under rewritten_below {self.rewritten_below:g}) and every finding is a "
                "claim or a value on one side only: in an answer rewritten throughout that "
                "is most often a paraphrase, so these findings are listed, not counted"
            )
            not_counted, findings = len(findings), []
        if findings:
            evidence["findings"] = _listed(findings)
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
        differing = {finding.kind for finding in findings}
        regressed = sorted(differing & self.regress_on)
        if regressed:
            evidence["regress_on"] = regressed
        if not findings:
            counts = _counts(base, self.kinds)
            what = f"same facts ({counts})" if counts else "no facts found on either side"
            if weak is not None:
                them = "finding" if not_counted == 1 else "findings"
                what = (
                    f"{not_counted} one-sided {them} not counted: the answers were rewritten "
                    f"throughout ({weak:.0f}% alike), where that is most often a paraphrase"
                )
            return Difference(False, f"{what}; meaning beyond them is not compared{note}", evidence)
        more = f" and {len(findings) - 3} more" if len(findings) > 3 else ""
        head = "facts differ"
        if regressed:
            head = f"facts regressed ({', '.join(regressed)} in regress_on)"
        listed_lines = "; ".join(shorten_text(f.line(), 100) for f in findings[:3])
        summary = f"{head}: {listed_lines}{more}{note}"
        return Difference(True, summary, evidence, regression=bool(regressed))


def _listed(findings: list[Finding]) -> list[dict[str, str]]:
    listed = [finding.as_evidence() for finding in findings[:MAX_LISTED]]
    if len(findings) > MAX_LISTED:
        listed.append({"more": f"… and {len(findings) - MAX_LISTED} more"})
    return listed


def _counts(facts: Facts, kinds: tuple[str, ...]) -> str:
    found: dict[str, int] = {}
    for fact in facts.facts:
        if fact.kind in kinds and not fact.weak:
            found[fact.kind] = found.get(fact.kind, 0) + 1
    if "steps" in kinds and len(facts.steps) >= 2:
        found["steps"] = len(facts.steps)
    return ", ".join(
        f"{n} {kind}" for kind, n in sorted(found.items(), key=lambda kv: KINDS.index(kv[0]))
    )


def _opposites(value: Any) -> list[list[list[str]]]:
    """A suite's `opposites`: a list of axes, each a list of poles, each a word or words."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_AXES:
        raise CheckConfigError(
            f"facts: 'opposites' must be a list (at most {MAX_AXES}) of lists of words, "
            "e.g. [[accepted, declined], [in stock, [backordered, sold out]]]"
        )
    axes = []
    for axis in value:
        if not isinstance(axis, list) or not 2 <= len(axis) <= MAX_WORDS:
            got = repr(axis)[:200]
            raise CheckConfigError(
                f"facts: each entry of 'opposites' must list two or more opposite words, got {got}"
            )
        poles = []
        for pole in axis:
            words = [pole] if isinstance(pole, str) else pole
            if not isinstance(words, list) or not words or len(words) > MAX_WORDS:
                raise CheckConfigError(
                    f"facts: an opposite must be a word or a list of words, got {pole!r}"[:300]
                )
            if not all(isinstance(w, str) and w.strip() and len(w) <= 100 for w in words):
                raise CheckConfigError(
                    f"facts: an opposite must be a word or a list of words, got {pole!r}"[:300]
                )
            if any(len(w.split()) != 1 for w in words):
                raise CheckConfigError(
                    f"facts: an opposite is one word (list several for one side), got {pole!r}"[
                        :300
                    ]
                )
            poles.append([w.strip() for w in words])
        axes.append(poles)
    return axes


def _modals(value: Any) -> dict[str, int]:
    """A suite's `modals`: word -> can, should or must."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > MAX_AXES:
        raise CheckConfigError("facts: 'modals' must map words to can, should or must")
    found = {}
    for word, strength in value.items():
        if not isinstance(word, str) or not word.strip() or strength not in MODAL_NAMES:
            raise CheckConfigError(
                f"facts: 'modals' maps a word to can, should or must, got {word!r}: {strength!r}"[
                    :300
                ]
            )
        found[word.strip()] = MODAL_NAMES[strength]
    return found
