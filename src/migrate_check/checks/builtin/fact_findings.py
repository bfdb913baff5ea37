"""A difference `facts` found between two answers, and how its values are shown: each
finding says its kind, what it was and is, and quotes both sides' sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

from migrate_check.checks.builtin.fact_lexicon import MODAL_NAMES
from migrate_check.checks.builtin.fact_records import CLAIM_KINDS, Fact

_STRENGTH = {str(strength): name for name, strength in MODAL_NAMES.items()}


@dataclass(frozen=True)
class Finding:
    """One difference: its kind, what it was and is, and the sentences on each side."""

    kind: str
    change: str  # changed, missing, added, lost, gained, dropped, made certain, ...
    was: str
    now: str
    baseline: str
    candidate: str
    #: a value read from words alone ("six", "a free day"), with no digit to go by
    worded: bool = False

    def line(self) -> str:
        """One line for the summary: kind, change and both sides' values."""
        values = f"{self.was} → {self.now}" if self.was and self.now else self.was or self.now
        return f"{self.kind} {self.change}: {values}"

    def as_evidence(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "change": self.change,
            "was": self.was,
            "now": self.now,
            "baseline": self.baseline,
            "candidate": self.candidate,
        }


def shown(fact: Fact) -> str:
    """How a fact is shown: its canonical value, and how it was written when that differs."""
    if fact.kind in CLAIM_KINDS or fact.kind == "entities":
        if fact.kind == "modality":
            return f"{_STRENGTH.get(fact.value, fact.value)} (“{cut(fact.raw)}”)"
        return f"“{cut(fact.raw)}”"
    same = "".join(fact.raw.split()).casefold() == "".join(fact.value.split()).casefold()
    return cut(fact.value) if same else f"{cut(fact.value)} (“{cut(fact.raw)}”)"


def cut(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
