"""What `facts` reads from one answer: each fact with its kind, canonical value and place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from migrate_check.checks.builtin.fact_text import Tokens

#: The kinds `facts` compares, in the order findings are listed.
VALUE_KINDS = (
    "numbers",
    "quantities",
    "amounts",
    "percentages",
    "dates",
    "weekdays",
    "times",
    "identifiers",
    "emails",
    "urls",
    "entities",
)
CLAIM_KINDS = ("polarity", "modality", "negation", "conditions", "hedges", "steps")
KINDS = VALUE_KINDS + CLAIM_KINDS
#: Facts of one kind compared at most: pairing is quadratic in them, and answers are hostile.
MAX_PER_KIND = 400


@dataclass(slots=True, unsafe_hash=True)
class Fact:
    """One fact: `value` is canonical ("USD 40"), `raw` how it was written ("$40.00").

    Read-only by convention, hashed and compared by its fields like a frozen dataclass,
    but not frozen: a frozen one takes ~4 times as long to build (each field set through
    `object.__setattr__`), and a 200-word answer has ~60 facts (issue 25)."""

    kind: str
    value: str
    raw: str
    start: int
    end: int
    sentence: int = 0
    #: A fact too common to count on its own ("one", "first"): matched, never reported.
    weak: bool = False
    #: The bare number, so "90 minutes" matches a "90" whose unit the other side left out.
    number: str | None = None
    #: Content stems of the clause a claim is made in (negation, hedges, ...).
    window: frozenset[str] = frozenset()
    #: The word a claim is about: the first content word after a negation, the verb of a
    #: modal; "" when there is none.
    head: str = ""


@dataclass(frozen=True)
class Step:
    """One step of instructions: a list item or an imperative sentence."""

    stems: frozenset[str]
    sentence: int
    text: str


@dataclass(frozen=True)
class Facts:
    """Every fact of one answer, with its words for quoting and for claim checks."""

    facts: tuple[Fact, ...]
    tokens: Tokens
    #: Words that start with a negating prefix: stem of the bare word -> the fact.
    prefixed: dict[str, Fact]
    steps: tuple[Step, ...]
    length: int
    truncated: bool
    #: kind -> its facts, sorted out once: the comparison asks for each kind several times
    _by_kind: dict[str, list[Fact]] = field(default_factory=dict, compare=False, repr=False)
    #: per sentence, what a reader of the comparison works out once (`per_sentence`)
    _per_sentence: dict[str, list[frozenset[str]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def of(self, kind: str) -> list[Fact]:
        """The facts of one kind, at most `MAX_PER_KIND`, so pairing them stays bounded."""
        if not self._by_kind and self.facts:
            for fact in self.facts:
                self._by_kind.setdefault(fact.kind, []).append(fact)
        return self._by_kind.get(kind, [])[:MAX_PER_KIND]

    def per_sentence(
        self, name: str, read: Callable[[str], frozenset[str]]
    ) -> list[frozenset[str]]:
        """`read` of each sentence's text, worked out once per answer under `name`."""
        if name not in self._per_sentence:
            tokens = self.tokens
            texts = (tokens.text[start:end] for start, end in tokens.sentence_spans)
            self._per_sentence[name] = [read(text) for text in texts]
        return self._per_sentence[name]

    def quote(self, fact: Fact) -> str:
        return self.tokens.sentence_text(fact.sentence)
