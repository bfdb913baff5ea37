"""The team's monthly volume, so a run's tokens project to a monthly bill at their traffic.

Two ways to say it, one at a time: cases per month per suite (`support-triage=120000,
release-notes=5k`), or the tokens per month the baseline serves today (`100M`), which
the run's own mix of suites then stands for.
"""

from __future__ import annotations

import argparse
import math
import re
from dataclasses import dataclass

#: The most a monthly count may be: a trillion cases or tokens is far past any team's
#: traffic, and keeps every projected cost finite.
MAX_MONTHLY = 10**12
_COUNT = re.compile(r"(\d{1,15}(?:_\d{3})*(?:\.\d{1,6})?)([kKmMbB]?)")
_SUFFIX = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9}
_SUITE = re.compile(r"[^\s=,]{1,200}")
#: How long a volume text may be: a line per suite of a big project fits many times over.
_MAX_TEXT = 20_000


@dataclass(frozen=True)
class MonthlyVolume:
    """Cases per month of each named suite, or the baseline's tokens per month."""

    cases: tuple[tuple[str, int], ...] = ()
    tokens: int | None = None

    def __post_init__(self) -> None:
        if self.cases and self.tokens is not None:
            raise ValueError(
                "give the monthly volume as cases per suite or as tokens per month, not both"
            )

    def __bool__(self) -> bool:
        return bool(self.cases) or self.tokens is not None

    @property
    def per_suite(self) -> dict[str, int]:
        return dict(self.cases)


def parse_count(text: str) -> int:
    """`120000`, `120_000`, `120k`, `1.5M`, `2B`: a whole number from 1 to `MAX_MONTHLY`."""
    match = _COUNT.fullmatch(text.strip()) if len(text) <= 40 else None
    if match is None:
        raise argparse.ArgumentTypeError(
            f"{text.strip()!r} is not a count; write a whole number such as 120000, "
            "120_000, 120k or 1.5M"
        )
    number, suffix = match.groups()
    value = float(number.replace("_", "")) * _SUFFIX[suffix.lower()]
    if not math.isfinite(value) or value != int(value):
        raise argparse.ArgumentTypeError(f"{text.strip()!r} is not a whole number")
    if not 1 <= value <= MAX_MONTHLY:
        raise argparse.ArgumentTypeError(
            f"{text.strip()!r} must be from 1 to {MAX_MONTHLY:,} a month"
        )
    return int(value)


def parse_volume(text: str) -> tuple[tuple[str, int], ...]:
    """`support-triage=120000, release-notes=5k` (commas or new lines between entries)
    into (suite, cases per month), in the order given; a mistake names the entry."""
    if len(text) > _MAX_TEXT:
        raise argparse.ArgumentTypeError(
            f"the monthly volume is {len(text):,} characters; at most {_MAX_TEXT:,}"
        )
    found: dict[str, int] = {}
    for entry in re.split(r"[,\n]", text):
        if not entry.strip() or entry.lstrip().startswith("#"):
            continue
        suite, sep, count = (part.strip() for part in entry.partition("="))
        if not sep or not _SUITE.fullmatch(suite):
            raise argparse.ArgumentTypeError(
                f"{entry.strip()!r} is not SUITE=CASES, e.g. support-triage=120000 "
                "(cases of that suite a month)"
            )
        if suite in found:
            raise argparse.ArgumentTypeError(f"suite {suite!r} is given twice in {text!r}")
        try:
            found[suite] = parse_count(count)
        except argparse.ArgumentTypeError as exc:
            raise argparse.ArgumentTypeError(f"{suite}: {exc}") from None
    if not found:
        raise argparse.ArgumentTypeError(
            f"{text!r} names no suite; write SUITE=CASES, e.g. support-triage=120000"
        )
    return tuple(found.items())
