"""A long number written in other groups of digits: a phone number "01234 567 890" and
"01234 567890" or "(01234) 567890", a sort code "20-45-77" and "204577", an account
"41836520" and "4183 6520" (its groups are read as numbers of their own; the digits in
order are one number); a code the other side writes as one ("RM 4481 0093 2GB" and
"RM448100932GB", "225/45 R18" and "225/45R18"); and a phone number with or without its
country or trunk prefix.
"""

from __future__ import annotations

import functools
import re

from migrate_check.checks.builtin.fact_canonical_forms import only_digits
from migrate_check.checks.builtin.fact_records import Fact, Facts

#: Digits and the spaces, hyphens or brackets between them, not inside a word or a decimal.
_RUN = re.compile(r"(?<![\w.,])\(?\d[\d ()-]*+")
#: For the test that no pattern nests quantifiers.
PATTERNS = (_RUN,)
#: Digits a run holds at least to be read as one long number (a phone, an account).
LEAST_DIGITS = 6
#: How far around a number its run is looked for.
_AROUND = 40


def regrouped(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a number is a group of a long number the other side writes with the same
    digits in other groups."""
    text = own.tokens.text
    for run in _RUN.finditer(text, max(0, fact.start - _AROUND), fact.end + _AROUND):
        if run.start() <= fact.start < run.end():
            digits = _long_number(run.group())
            return digits is not None and digits in _long_numbers(other.tokens.text)
    return False


@functools.lru_cache(maxsize=64)
def _long_numbers(text: str) -> frozenset[str]:
    found = (_long_number(run.group()) for run in _RUN.finditer(text))
    return frozenset(digits for digits in found if digits is not None)


def _long_number(run: str) -> str | None:
    """The digits of a run that is one long number: six digits or more, in groups joined
    by hyphens or brackets, or with a group of three digits or more ("01234 567 890"; "10
    12 14 16" is a list of sizes)."""
    digits = only_digits(run)
    if len(digits) < LEAST_DIGITS:
        return None
    groups = run.replace("(", " ").replace(")", " ").replace("-", " ").split()
    if " " in run.strip() and all(len(group) < 3 for group in groups):
        return None
    return digits


#: The longest code looked for with spaces in it, so each search stays short.
MAX_CODE = 40


def spaced_code(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether a number is part of a code the other side writes as one identifier, and
    this side with spaces or hyphens between its parts."""
    text, raw = own.tokens.text, "".join(fact.raw.split()).casefold()
    for found in other.of("identifiers"):
        code = "".join(found.value.split())[:MAX_CODE]
        if len(code) < 4 or raw not in code.casefold():
            continue
        spaced = r"[\s-]?".join(map(re.escape, code))
        window = max(0, fact.start - MAX_CODE * 2)
        for match in re.finditer(spaced, text[window : fact.end + MAX_CODE * 2], re.IGNORECASE):
            if match.start() + window <= fact.start < match.end() + window:
                return True
    return False


def phone_there(fact: Fact, other: Facts) -> bool:
    """Whether a phone number is the other side's with or without its country or trunk
    prefix ("1-800-555-0199" and "(800) 555-0199", "+44 20 7946 0321" and "020 7946
    0321"): one, less a leading "+" and zero, ends the other, seven digits or more."""
    mine = fact.value.lstrip("+0")
    if len(mine) < 7 or not mine.isdigit():
        return False
    for found in other.of("numbers"):
        theirs = found.value.lstrip("+0")
        if len(theirs) >= 7 and theirs != mine and (mine.endswith(theirs) or theirs.endswith(mine)):
            return True
    return False
