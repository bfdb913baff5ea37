"""Which candidate variants a run judges, across every suite it collects.

A suite's `variants:` and the ini's `migrate_check_variants` both name variants; `--variant`
picks some of them. A variant name becomes part of cassette file names, so across one run
it must mean one model in every suite that uses it. This module holds that bookkeeping,
so the run's state only asks it for each suite's cases and, at the end of collection,
for a note on `--variant` names nothing defines.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from migrate_check.core.case import Case
from migrate_check.core.paths import shown_path
from migrate_check.suites.suite import Suite, SuiteError


class VariantDefinition(NamedTuple):
    """A variant name as the first suite of the run to define it spelt it."""

    name: str
    #: None: the pair's candidate.
    model: str | None
    file: Path


@dataclass
class VariantSelection:
    """The run's variants: the ones it defines, per suite, and the ones it judges."""

    rootdir: Path
    #: Variants the ini file defines for every suite: (name, model).
    ini_variants: tuple[tuple[str, str], ...] = ()
    #: The names `--variant` chose; None: every variant defined.
    chosen: tuple[str, ...] | None = None
    #: Every variant name a collected suite (or the ini file) defines.
    defined: set[str] = field(default_factory=set)
    #: Each collected suite's variant names, for finding its stale variant cassettes.
    by_suite: dict[str, set[str]] = field(default_factory=dict)
    #: Each variant name's first definition, keyed without letter case: names become
    #: file names, and "Nano" and "nano" would share cassettes on macOS and Windows.
    first_definitions: dict[str, VariantDefinition] = field(default_factory=dict)

    def wants(self, name: str) -> bool:
        return self.chosen is None or name in self.chosen

    def cases_of(self, suite: Suite) -> list[Case]:
        """Each case, followed by the chosen variants of it (the suite's `variants:`,
        then the ini's `migrate_check_variants` it does not define itself)."""
        variants = dict(suite.variants)
        for name, model in self.ini_variants:
            if name not in variants:
                variants[name] = tuple(
                    replace(case, variant=name, variant_model=model) for case in suite.cases
                )
        for name, runs in variants.items():
            variant_model = runs[0].variant_model if runs else None
            self._refuse_a_second_meaning(VariantDefinition(name, variant_model, suite.file))
        self.defined.update(variants)
        self.by_suite[suite.name] = set(variants)
        chosen = [runs for name, runs in variants.items() if self.wants(name)]
        return [
            c
            for index, case in enumerate(suite.cases)
            for c in (case, *(runs[index] for runs in chosen))
        ]

    def _refuse_a_second_meaning(self, variant: VariantDefinition) -> None:
        """A `SuiteError` when the name, in any letter case, already means another model
        or is spelt another way."""
        first = self.first_definitions.setdefault(variant.name.casefold(), variant)
        if (first.name, first.model) != (variant.name, variant.model):
            pair_candidate = "the pair's candidate"
            raise SuiteError(
                shown_path(variant.file, self.rootdir),
                1,
                f"variant {variant.name!r} ({variant.model or pair_candidate}) is also "
                f"defined by {shown_path(first.file, self.rootdir)} as {first.name!r} "
                f"({first.model or pair_candidate}): one name, one model; rename one",
            )

    def unknown_note(self) -> str | None:
        """A note naming the `--variant` names no collected suite (nor the ini file)
        defines: a misspelt name judges nothing, and the verdict must not look complete."""
        unknown = [name for name in self.chosen or () if name not in self.defined]
        if not unknown:
            return None
        known = ", ".join(sorted(self.defined)) or "none"
        return f"--variant {', '.join(unknown)}: no suite collected defines it (known: {known})"
