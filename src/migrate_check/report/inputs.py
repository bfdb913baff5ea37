"""What a verdict rests on: a content hash of every file it read, for `migrate-check verify`.

report.json's `inputs` lists the suite files, the files they refer to (prompt files,
schemas), each judged case's cassette folder (every model's cassette, grader
recordings, a loop case's tools file), the approvals file and a team's price table, each
by its path relative to the project root, its sha256 and its size; the shipped price
table by its hash; the tool's version and the options that change judging. A later
`verify` recomputes the hashes offline and names what no longer matches.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from migrate_check.cassettes.paths import safe_name
from migrate_check.core.canonical import canonical_json
from migrate_check.core.case import Case
from migrate_check.safety import safe_yaml

#: Bounds: files listed in one manifest, files in one cassette folder, strings of one
#: suite looked at as possible file names, a suite file read for them.
MAX_FILES = 200_000
MAX_FOLDER_FILES = 1_000
MAX_SUITE_STRINGS = 100_000
MAX_SUITE_BYTES = 16 * 1024 * 1024
MAX_NAME_CHARS = 1_024
_CHUNK = 1024 * 1024
#: Suffixes a suite's string may name a file by (prompt files, schemas, tools).
_REFERENCED = frozenset({".json", ".yaml", ".yml", ".txt", ".md", ".j2", ".jinja", ".prompt"})

Kind = str  # "suite", "suite-file", "cassette", "approvals", "prices"


@dataclass(frozen=True)
class FileHash:
    """One input file: `sha256` and `size` None when it did not exist (an approvals file
    not written yet), so one appearing later is named as new."""

    path: str
    kind: Kind
    sha256: str | None
    size: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "sha256": self.sha256, "size": self.size}


def hash_file(path: Path) -> tuple[str, int] | None:
    """(sha256, size) of a regular file, read in chunks; None when there is none."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (FileNotFoundError, NotADirectoryError):
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None  # a FIFO or a folder is no input; never block on one
        digest, size = hashlib.sha256(), 0
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def shipped_prices_hash() -> str:
    """The sha256 of the price table shipped in the installed package."""
    data = resources.files("migrate_check.core").joinpath("prices.json").read_bytes()
    return hashlib.sha256(data).hexdigest()


def relative(path: Path, root: Path) -> str | None:
    """`path` as a POSIX path relative to `root`, None when it lies outside."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return None


def folder_files(folder: Path) -> list[Path]:
    """The regular, non-hidden files directly in `folder` (at most MAX_FOLDER_FILES)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = [
        Path(e.path)
        for e in entries
        if not e.name.startswith(".") and e.is_file(follow_symlinks=False)
    ]
    return found[:MAX_FOLDER_FILES]


def case_folder(cassette_dir: Path, case: Case) -> Path:
    """The folder holding every recording of `case` (`cassettes/paths.py`'s layout)."""
    return cassette_dir / safe_name(case.suite) / safe_name(case.id)


def referenced_files(suite_file: Path) -> list[Path]:
    """Files a suite names (`{file: prompt.txt}`, `schema: order.schema.json`): any string
    value that names an existing, non-hidden regular file inside the suite's folder."""
    try:
        data = safe_yaml.load(safe_yaml.read_text(suite_file, MAX_SUITE_BYTES))
    except Exception:  # noqa: BLE001 - the run read it; a file changed since is verify's to say
        return []
    folder = suite_file.parent.resolve()
    found: dict[Path, None] = {}
    for text in _strings(data):
        if len(text) > MAX_NAME_CHARS or "\x00" in text or Path(text).suffix not in _REFERENCED:
            continue
        try:
            path = (folder / text).resolve()
        except (OSError, ValueError):
            continue
        if (
            path != suite_file.resolve()
            and path.is_relative_to(folder)
            and not any(p.startswith(".") for p in path.relative_to(folder).parts)
            and path.is_file()
        ):
            found[path] = None
    return list(found)


def _strings(data: Any) -> Iterator[str]:
    """Every string (keys too) in a parsed document, breadth-first, at most MAX_SUITE_STRINGS."""
    pending, seen = [data], 0
    while pending and seen < MAX_SUITE_STRINGS:
        value = pending.pop()
        if isinstance(value, str):
            seen += 1
            yield value
        elif isinstance(value, Mapping):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list | tuple):
            pending.extend(value)


@dataclass
class Manifest:
    """The inputs of one run, gathered as `finish_run` knows them."""

    root: Path
    files: dict[str, FileHash] = field(default_factory=dict)
    folders: dict[str, None] = field(default_factory=dict)

    def add(self, path: Path, kind: Kind) -> None:
        """Hash `path` (once) when it lies inside the root; a missing file is noted as such."""
        shown = relative(path, self.root)
        if shown is None or shown in self.files or len(self.files) >= MAX_FILES:
            return
        hashed = hash_file(path)
        sha, size = hashed if hashed else (None, None)
        self.files[shown] = FileHash(shown, kind, sha, size)

    def add_folder(self, folder: Path, kind: Kind) -> None:
        """Every file in `folder`, and the folder itself, so a file added later is seen."""
        shown = relative(folder, self.root)
        if shown is None:
            return
        self.folders[shown] = None
        for path in folder_files(folder):
            self.add(path, kind)


def build_inputs(
    *,
    root: Path,
    cases: Iterable[Case],
    cassette_dir: Path,
    approvals_file: Path,
    prices_file: Path | None,
    report_dir: Path,
    version: str,
    options: Mapping[str, Any],
    prices: Mapping[str, Any],
) -> dict[str, Any]:
    """report.json's `inputs`: every file the verdict rests on, hashed, and how it was judged."""
    manifest = Manifest(root)
    suites: dict[Path, None] = {}
    for case in cases:
        if case.file is not None:
            suites[case.file] = None
        manifest.add_folder(case_folder(cassette_dir, case), "cassette")
    for suite in suites:
        manifest.add(suite, "suite")
        for path in referenced_files(suite):
            manifest.add(path, "suite-file")
    manifest.add(approvals_file, "approvals")
    if prices_file is not None:
        manifest.add(prices_file, "prices")
    return {
        "tool": {"name": "migrate-check", "version": version},
        "options": dict(options),
        "report_depth": _depth(report_dir, root),
        "prices": {
            "shipped_sha256": shipped_prices_hash(),
            "file": relative(prices_file, root) if prices_file is not None else None,
            "table_sha256": hashlib.sha256(_canonical(prices)).hexdigest(),
        },
        "files": [manifest.files[k].as_dict() for k in sorted(manifest.files)],
        "folders": sorted(manifest.folders),
        "complete": len(manifest.files) < MAX_FILES,
    }


def _depth(report_dir: Path, root: Path) -> int | None:
    """How many folders the report sits below the root (verify climbs that many to find it);
    a depth, not the folder's name, so reports written to two folders are the same bytes."""
    shown = relative(report_dir, root)
    return None if shown is None else len(PurePosixPath(shown).parts)


def _canonical(value: Any) -> bytes:
    return canonical_json(value).encode("utf-8")
