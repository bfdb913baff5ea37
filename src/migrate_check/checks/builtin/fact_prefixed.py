"""Words that may negate by a prefix ("non-refundable", "incorrect"): read apart from the
claims, as they count only when the other side has the bare word ("refundable").
"""

from __future__ import annotations

from migrate_check.checks.builtin.fact_lexicon import NEGATING_PREFIXES, Lexicon, stem
from migrate_check.checks.builtin.fact_records import Fact
from migrate_check.checks.builtin.fact_text import Tokens


def prefixed_negatives(tokens: Tokens, lexicon: Lexicon) -> dict[str, Fact]:
    """Words that may negate by a prefix ("non-refundable", "incorrect"), keyed by the stem
    of the bare word; they count only when the other side has that bare word."""
    found: dict[str, Fact] = {}
    words = tokens.words
    for at in [i for i, w in enumerate(words) if len(w) >= 7 and w.startswith(NEGATING_PREFIXES)]:
        word = words[at]
        if word in lexicon.poles:
            continue
        for prefix in NEGATING_PREFIXES:
            bare = word[len(prefix) :]
            if word.startswith(prefix) and len(bare) >= 5 and bare.isalpha():
                start = tokens.starts[at]
                fact = Fact(
                    "negation",
                    "not",
                    tokens.raw[at],
                    start,
                    start + len(tokens.raw[at]),
                    tokens.sentence[at],
                    window=tokens.window(at) | {stem(bare)},
                )
                found.setdefault(stem(bare), fact)
                break
    return found
