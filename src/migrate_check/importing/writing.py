"""An import's suite written a file at a time, each file within what the loader reads.

A suite file may hold 16 MiB and a million YAML nodes (`suites.loading`,
`safety.safe_yaml`). A suite larger than half of either is written as several suite
files in a folder named after it (`suites/app/app-001.yaml`, `app-002.yaml`, ...), each
its own suite with its own cassette folder, so `pytest suites/app/` runs them all.

Passes over the spooled cases, none holding more than one case: each case is checked
alone through the suite reader (one bad case must not sink the rest) while what the
cases share is found; each entry is then written once, as YAML, and the parts are cut by
their sizes; the files are put together; the baseline's cassettes are written last.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from migrate_check.cassettes.files import write_interactions
from migrate_check.cassettes.paths import cassette_path
from migrate_check.checks import CheckConfigError, build_check
from migrate_check.core.atomic import atomic_text
from migrate_check.core.canonical import canonical_json
from migrate_check.core.case import CheckSpec
from migrate_check.importing.case_ids import IdAllocator, id_source
from migrate_check.importing.errors import SourceError
from migrate_check.importing.redaction import kinds_of
from migrate_check.importing.replaced import remove_replaced_cases
from migrate_check.importing.sampling import (
    Coverage,
    Sampling,
    drop_sample,
    invalid_count,
    take_sample,
)
from migrate_check.importing.spool import Spool
from migrate_check.importing.suite_text import (
    DEFAULT_CHECKS,
    SUITE_NAME,
    ImportResult,
    Shared,
    case_entry,
    dump_counted,
    dump_suite,
    suite_header,
)
from migrate_check.safety import safe_yaml
from migrate_check.suites.loading import MAX_SUITE_BYTES, parse_suite_text, read_suite_data
from migrate_check.suites.suite import SuiteError

#: A part of a large import: half of what the loader takes, so a part is never near it.
PART_BYTES = MAX_SUITE_BYTES // 2
PART_NODES = safe_yaml.MAX_NODES // 2
#: Room for a file's name, description and "Part N of M" beyond its measured header.
_NAME_ROOM = 4096
#: The id a case is written with until it has its own (ids never make a case invalid).
_PLACEHOLDER = "case"
_PLACEHOLDER_LINE = f"- id: {_PLACEHOLDER}\n"
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")  # what `case_ids` makes
_RESOLVER = yaml.resolver.Resolver()
_STR = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
#: How many times a sample is taken again when it took an invalid case.
_SAMPLE_ROUNDS = 3


@dataclass
class _Part:
    """One suite file to write: its cases' entries are in the spool, in order."""

    cases: int = 0
    size: int = 0
    nodes: int = 0


def write_suite(
    spool: Spool,
    group: int,
    suite_path: Path,
    cassette_root: Path,
    *,
    name: str | None,
    description: str | Callable[[Iterator[str]], str],
    default_checks: list[dict[str, Any]] | None = None,
    inputs: str | None = None,
    keep: bool = False,
    replace: bool = False,
    sample: Sampling | None = None,
) -> ImportResult:
    """Write one suite of the spool (in parts when it is large) and its cassettes.

    `description` is the suite's, or makes it from the files (as origins name them) its
    written cases came from. Raises `SourceError` when no case is left to write (naming
    `inputs`, what the user gave). `keep` lists every case and cassette in the result
    (for callers that inspect them); `replace` removes what an earlier import of the same
    suite laid out otherwise. `sample` writes a sample of the valid cases (`sampling`).
    """
    suite = name or suite_path.stem
    if not SUITE_NAME.fullmatch(suite):
        raise SourceError(suite_path, f"suite name {suite!r} must be a slug (letters, digits, -_.)")
    checks = _UsableChecks(suite_path.parent)
    coverage = None
    if sample is None:
        shared = _check_cases(spool, group, suite_path, checks)
    else:
        shared, coverage = _checked_sample(spool, group, suite_path, checks, sample)
    header = suite_header(
        suite,
        description if isinstance(description, str) else "",  # _NAME_ROOM holds it
        shared.request,
        [*(DEFAULT_CHECKS if default_checks is None else default_checks), *shared.checks],
    )
    result = ImportResult(
        suite=suite,
        suite_path=suite_path,
        files=[],
        case_count=0,
        cassette_count=0,
        models=Counter(),
        recorded_models=Counter(),
        skipped=[],
        coverage=coverage,
    )
    parts = _lay_out(spool, group, header, shared, checks, result)
    result.skipped, result.skipped_count = spool.skipped(group)
    result.warnings, result.warning_count = spool.warnings(group)
    if not parts:
        reasons = "; ".join(str(s) for s in result.skipped[:3]) or "the inputs hold no requests"
        raise SourceError(inputs or suite_path, f"nothing to import ({reasons})")
    if not isinstance(description, str):
        description = description(spool.sources(group))
    if coverage is not None:
        description = f"{description} {coverage.sentence()}"
    header["description"] = description
    files = _part_files(suite_path, suite, len(parts))
    result.suite_path = suite_path if len(parts) == 1 else suite_path.with_suffix("")
    result.files = [path for path, _ in files]
    for part, (path, part_name) in enumerate(files):
        about = f"{description} Part {part + 1} of {len(files)}." if len(files) > 1 else description
        _write_part(spool, group, part, path, {**header, "suite": part_name, "description": about})
    for part, case_id, recorded in spool.recorded_entries(group):
        for model, answers in recorded.items():
            path = cassette_path(cassette_root, files[part][1], case_id, model)
            write_interactions(path, answers)
            result.cassette_count += 1
            if keep:
                result.cassettes.append(path)
    if keep:
        result.cases = list(spool.cases(group))
    if replace:
        _remove_stale_files(suite_path, result.files)
        written = ((files[part][1], case_id) for part, case_id in spool.entry_ids(group))
        result.replaced_cases = remove_replaced_cases(cassette_root, suite, written)
    return result


def _check_cases(spool: Spool, group: int, suite_path: Path, checks: _UsableChecks) -> Shared:
    """Each case alone through the real suite reader; the invalid are left out, saying
    why. What the valid ones share goes to the suite's header."""
    shared = Shared()
    for case in spool.cases(group, valid_only=False):
        case.checks = checks.kept(case.checks)
        entry = case_entry(_PLACEHOLDER, case, {}, [])
        try:
            read_suite_data({"suite": "imported", "cases": [entry]}, suite_path)
        except SuiteError as exc:
            spool.invalid(case, group, f"not a valid case: {exc.message}")
            continue
        shared.add(case.request, case.checks)
    return shared


def _checked_sample(
    spool: Spool, group: int, suite_path: Path, checks: _UsableChecks, sample: Sampling
) -> tuple[Shared, Coverage]:
    """A sample whose cases are all valid: only the cases taken are checked (a sample of
    a large log is quick), and a sample that took an invalid one is taken again without
    it (an invalid case is rare; a few rounds at most)."""
    for _ in range(_SAMPLE_ROUNDS):
        coverage = take_sample(spool, group, sample)
        invalid = invalid_count(spool, group)
        shared = _check_cases(spool, group, suite_path, checks)
        if invalid_count(spool, group) == invalid:
            break
        drop_sample(spool, group)
    else:
        coverage = take_sample(spool, group, sample)  # of the valid ones found so far
        shared = _check_cases(spool, group, suite_path, checks)
    return shared, coverage


def _lay_out(
    spool: Spool,
    group: int,
    header: dict[str, Any],
    shared: Shared,
    checks: _UsableChecks,
    result: ImportResult,
) -> list[_Part]:
    """Each valid case's entry written once, as YAML, into the spool; the parts cut by
    size and nodes (a case too large for any suite file is left out, saying so)."""
    head, head_nodes = dump_counted(header)
    room_bytes = PART_BYTES - len(head.encode("utf-8")) - _NAME_ROOM
    room_nodes = PART_NODES - head_nodes
    parts: list[_Part] = []
    ids = IdAllocator()  # the ids of one part: a case id is unique within its suite file
    for case in spool.cases(group):
        case.checks, problems = checks.split(case.checks)
        entry = case_entry(_PLACEHOLDER, case, shared.request, shared.checks)
        try:
            text, nodes = dump_counted([entry])
        except (yaml.YAMLError, ValueError) as exc:  # a lone surrogate, say
            spool.invalid(case, group, f"cannot be written as YAML: {exc}")
            continue
        size = len(text.encode("utf-8"))
        if size > 2 * room_bytes or nodes > 2 * room_nodes:
            mib = MAX_SUITE_BYTES // (1024 * 1024)
            spool.invalid(case, group, f"too large for a suite file, which holds {mib} MiB")
            continue
        part = parts[-1] if parts else None
        if part is None or (
            part.cases and (part.size + size > room_bytes or part.nodes + nodes > room_nodes)
        ):
            part = _Part()
            parts.append(part)
            ids = IdAllocator()
        case_id = ids.allocate(id_source(case.api, case.request, case.loop), case.label)
        text = _id_line(case_id) + text.removeprefix(_PLACEHOLDER_LINE)
        spool.entry(group, case, len(parts) - 1, case_id, text)
        for problem in problems:
            spool.warn(f"case {case_id}: check left out: {problem}", group)
        part.cases += 1
        part.size += size
        part.nodes += nodes
        result.case_count += 1
        result.models.update(case.models)
        result.recorded_models.update(case.answers.keys())  # cases, not answers
        if case.personal:
            kinds = kinds_of(case.personal)
            result.personal.update(kinds)
            result.personal_cases += 1
            redacted = spool.privacy.redact if spool.privacy is not None else ()
            result.redacted_cases += any(kind in redacted for kind in kinds)
    return parts


def _id_line(case_id: str) -> str:
    """`- id: ...` as the dumper writes it: plain unless YAML would read it as another type."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, case_id, (True, False))  # type: ignore[no-untyped-call]
    if _ID.fullmatch(case_id) and tag == _STR:
        return f"- id: {case_id}\n"
    return dump_suite([{"id": case_id}])


def _write_part(spool: Spool, group: int, part: int, path: Path, header: dict[str, Any]) -> None:
    """One suite file: its header, then its cases' entries as the spool holds them; the
    header with the first entry read back through the loader first."""
    head = dump_suite(header) + "cases:\n"
    entries = spool.entries(group, part)
    first = next(entries)
    parse_suite_text(head + first, path)
    with atomic_text(path) as out:
        out.write(head)
        out.write(first)
        out.writelines(entries)


def _part_files(suite_path: Path, suite: str, count: int) -> list[tuple[Path, str]]:
    """The suite file and name asked for, or, for a suite in parts, each part's."""
    if count == 1:
        return [(suite_path, suite)]
    folder = suite_path.with_suffix("")
    return [
        (folder / f"{suite_path.stem}-{n:03d}{suite_path.suffix}", f"{suite}-{n:03d}")
        for n in range(1, count + 1)
    ]


def part_pattern(suite_path: Path) -> re.Pattern[str]:
    """The names of a suite's parts in its folder (`app-001.yaml`, ...)."""
    return re.compile(rf"{re.escape(suite_path.stem)}-\d{{3,}}{re.escape(suite_path.suffix)}")


def _remove_stale_files(suite_path: Path, written: list[Path]) -> None:
    """Another import's layout of the same suite (one file, or more or fewer parts) would
    otherwise run beside this one's; only names this module gives are removed."""
    keep = {path.resolve() for path in written}
    folder = suite_path.with_suffix("")
    stale = [suite_path]
    if folder.is_dir():
        pattern = part_pattern(suite_path)
        stale += [p for p in folder.iterdir() if pattern.fullmatch(p.name)]
    for path in stale:
        if path.resolve() not in keep and path.is_file():
            path.unlink()


class _UsableChecks:
    """A check this install cannot build (unknown name, a schema jsonschema rejects) would
    fail the whole suite at load; it is left out of that case, with a warning. Each
    distinct check is built once (a log repeats its schema on every line)."""

    _MAX_REMEMBERED = 1024

    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        self._problems: dict[str, str | None] = {}

    def split(self, checks: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
        """The checks kept, and why each other one was left out."""
        kept, problems = [], []
        for check in checks:
            problem = self._problem(check)
            if problem is None:
                kept.append(check)
            else:
                problems.append(problem)
        return kept, problems

    def kept(self, checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return self.split(checks)[0]

    def _problem(self, check: dict[str, Any]) -> str | None:
        key = canonical_json(check)
        if key not in self._problems:
            if len(self._problems) >= self._MAX_REMEMBERED:
                self._problems.clear()
            ((name, options),) = check.items()
            try:
                build_check(CheckSpec(name, options), self.base_dir)
                self._problems[key] = None
            except CheckConfigError as exc:
                self._problems[key] = str(exc)
        return self._problems[key]
