"""The faster ways `facts` reads a text find what the plain ones find (issue 25).

Each shortcut (grouped alternations, candidate scans) must give the very matches of the
straightforward pattern it replaces: these compare the two on the spellings, case
variants and the non-ASCII letters that case-insensitive matching folds to ASCII.
"""

from __future__ import annotations

import random
import re

from migrate_check.checks.builtin import fact_units


def _plain_units() -> re.Pattern[str]:
    """Every unit spelling as one plain alternation, the longest first."""
    return re.compile(
        "(?:"
        + "|".join(
            re.escape(s).replace(r"\ ", r"\s")
            if s in fact_units._CASED
            else "(?i:" + re.escape(s).replace(r"\ ", r"\s") + ")"
            for s in fact_units._SPELLINGS
        )
        + r")(?![\w²])"
    )


def test_grouped_unit_pattern_matches_as_the_plain_alternation() -> None:
    plain, grouped = _plain_units(), re.compile(fact_units.UNIT_PATTERN)
    texts = []
    for spelling in fact_units._SPELLINGS:
        for variant in {spelling, spelling.upper(), spelling.lower(), spelling.swapcase()}:
            for first in ("", "\u0130", "\u0131", "\u017f", "\u212a", "µ", "μ"):
                for tail in ("", " ", "s", "x", "²", ".", "-"):
                    texts.append((first + variant[1:] if first else variant) + tail)
    rng = random.Random(25)
    noise = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ°º²/- \u017f\u212a"
    for _ in range(20_000):
        spelling = rng.choice(fact_units._SPELLINGS)
        texts.append("".join(c if rng.random() > 0.2 else rng.choice(noise) for c in spelling))
    matched = 0
    for text in texts:
        expected = plain.match(text)
        found = grouped.match(text)
        assert (found and found.span()) == (expected and expected.span()), text
        matched += expected is not None
    assert matched > len(texts) // 5  # the texts do exercise the units


def test_case_insensitive_ascii_letters_fold_only_from_the_listed_letters() -> None:
    everything = "".join(map(chr, range(0x110000)))
    for letter in "abcdefghijklmnopqrstuvwxyz":
        found = set(re.findall("(?i)" + letter, everything))
        assert found == set(fact_units._first_chars(letter + "zz")), letter
