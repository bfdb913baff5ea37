"""Prompts -> one suite plus the baseline's recordings, ready for `pytest --model-pair`.

Identical requests become one case whose recorded answers are its samples, in
order. Each recorded answer is written as the cassette the plugin would have
recorded for that model (`cassettes/<suite>/<case>/<model>.yaml`, body
`{**case.request, "model": model}`), so a later run records only the candidate.
This is the in-memory face of an import (for a list of prompts already read); the text
is `suite_text`'s, and the writing, a file at a time within the loader's bounds,
`writing`'s.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate_check.core.canonical import canonical_json
from migrate_check.core.case import Api
from migrate_check.importing.case_ids import IdAllocator, id_source
from migrate_check.importing.cassette_reader import Exchange
from migrate_check.importing.origins import origin_path
from migrate_check.importing.sources import Collected, Prompt
from migrate_check.importing.spool import Spool
from migrate_check.importing.suite_text import (
    ImportResult,
    Shared,
    case_entry,
    structural_checks,
    suite_header,
)
from migrate_check.importing.writing import write_suite


@dataclass
class ImportedCase:
    """One distinct request, with every answer recorded for it, per model."""

    id: str
    api: Api
    request: dict[str, Any]
    checks: list[dict[str, Any]]
    models: list[str] = field(default_factory=list)
    recordings: dict[str, list[Exchange]] = field(default_factory=dict)
    origins: list[str] = field(default_factory=list)
    description: str = ""
    #: A loop case's `loop:` and the start of its id (`suite_text.case_entry`).
    loop: dict[str, Any] | None = None
    label: str = ""

    @property
    def samples(self) -> int:
        """As many samples as every recorded model can replay."""
        return min((len(a) for a in self.recordings.values()), default=1)

    @property
    def recorded(self) -> list[str]:
        return sorted(self.recordings)


def merge_prompts(prompts: list[Prompt]) -> list[ImportedCase]:
    """One case per distinct (API, request, checks, loop), in order of first appearance;
    a loop's recording is its first step (`Prompt.loop` holds them all)."""
    ids = IdAllocator()
    cases: dict[str, ImportedCase] = {}
    for prompt in prompts:
        loop = prompt.loop.spec if prompt.loop is not None else None
        checks = [
            *prompt.checks,
            *structural_checks(prompt.api, prompt.request, loop=loop is not None),
        ]
        key = canonical_json([prompt.api, prompt.request, checks, loop])
        case = cases.get(key)
        if case is None:
            label = prompt.loop.label if prompt.loop is not None else ""
            case_id = ids.allocate(id_source(prompt.api, prompt.request, loop), label)
            case = cases[key] = ImportedCase(case_id, prompt.api, prompt.request, checks)
            case.description = prompt.description
            case.loop, case.label = loop, label
        case.origins.append(prompt.origin)
        if prompt.model and prompt.model not in case.models:
            case.models.append(prompt.model)
        if prompt.answer is not None and prompt.model:
            case.recordings.setdefault(prompt.model, []).append(prompt.answer)
    return list(cases.values())


def suite_document(
    name: str, description: str, cases: list[ImportedCase], default_checks: list[dict[str, Any]]
) -> dict[str, Any]:
    """The suite as YAML-ready data; shared request parameters and checks are hoisted."""
    shared = Shared()
    for case in cases:
        shared.add(case.request, case.checks)
    doc = suite_header(name, description, shared.request, [*default_checks, *shared.checks])
    doc["cases"] = [case_entry(c.id, c, shared.request, shared.checks) for c in cases]
    return doc


_KINDS = {
    "cassette": "cassettes",
    "evals": "OpenAI Evals samples",
    "requests": "logged requests",
    "otlp": "OpenTelemetry traces",
}


def describe(collected: Collected, root: Path | None = None) -> str:
    """Where the cases came from, in a sentence for the suite's `description:`: the file,
    or the folder holding the files, as a path from `root` (the rootdir; default: here),
    so `tests/cassettes/` is never mistaken for the `cassettes/` the import writes to."""
    root = Path.cwd() if root is None else root
    sources = (origin_path(path, root) for path in collected.files)
    return _sentence(collected.kinds, sources, root)


def describe_sources(sources: Iterable[str], kind_of: dict[str, str], root: Path) -> str:
    """`describe` for one suite of an import: only the files its cases came from
    (`sources`, as origins name them from `root`), and only their kinds."""
    kinds: set[str] = set()

    def noted() -> Iterator[str]:
        for source in sources:
            kinds.add(kind_of.get(source, "cassette"))
            yield source

    return _sentence(kinds, noted(), root)


def _sentence(kinds: set[str], sources: Iterable[str], root: Path) -> str:
    """The description; `sources` are read once, a file at a time (`kinds` is complete
    once they are)."""
    count, first, common = 0, "", ""
    for source in sources:
        folder = os.path.dirname(os.path.abspath(os.path.join(root, source)))
        common = os.path.commonpath([common, folder]) if count else folder
        first = first or source
        count += 1
    what = " and ".join(_KINDS[k] for k in sorted(kinds)) or "nothing"
    if count == 1:
        return f"Imported by migrate-check from {what} in {first}."
    if not count:
        return f"Imported by migrate-check from {what}."
    folder = origin_path(Path(common), root).rstrip("/") + "/"
    return f"Imported by migrate-check from {what} in {count} files under {folder}."


def write_import(
    collected: Collected,
    suite_path: Path,
    cassette_root: Path,
    *,
    name: str | None = None,
    default_checks: list[dict[str, Any]] | None = None,
) -> ImportResult:
    """Write every prompt of `collected` as one suite (in parts when it is large) and the
    baseline cassettes; returns what was written, every case and cassette listed."""
    with Spool.temporary() as spool:
        for prompt in collected.prompts:
            spool.add(prompt)
        for skipped in collected.skipped:
            spool.skip(skipped)
        group = spool.one_group()
        return write_suite(
            spool,
            group.number,
            suite_path,
            cassette_root,
            name=name,
            description=describe(collected),
            default_checks=default_checks,
            keep=True,
        )
