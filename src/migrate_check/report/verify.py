"""`migrate-check verify REPORT.json`: does the report still describe the files in front of it?

Offline: the hashes report.json's `inputs` recorded are recomputed from the project's files
and each one that changed, is missing or is new (a file in a recorded cassette folder, or
an approvals file that did not exist) is named. The report is untrusted JSON: its shape is
checked, and a path in it that is absolute, climbs out with `..` or resolves outside the
project root (a symbolic link) is refused before anything is read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from migrate_check.report.inputs import folder_files, hash_file, relative, shipped_prices_hash

MAX_REPORT_BYTES = 512 * 1024 * 1024
MAX_ENTRIES = 200_000
MAX_PATH_CHARS = 4_096
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: Exit codes: every input matches; something changed; the report cannot be checked.
MATCHES, CHANGED, BAD_REPORT = 0, 1, 2


class ReportError(ValueError):
    """report.json cannot be verified: unreadable, the wrong shape, or a path outside the root."""


@dataclass
class Verification:
    """What `verify` found, by file; `ok` when nothing changed."""

    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.new or self.notes)

    def lines(self) -> list[str]:
        """What a person reads: one line per file that no longer matches, then the verdict."""
        out = [f"changed: {p}" for p in self.changed]
        out += [f"missing: {p}" for p in self.missing]
        out += [f"new: {p}" for p in self.new]
        out += self.notes
        if self.ok:
            out.append(f"verified: all {self.checked} input files match the report")
        else:
            n = len(self.changed) + len(self.missing) + len(self.new) + len(self.notes)
            out.append(f"NOT verified: {n} of the report's inputs no longer match")
        return out


def load_report(path: Path) -> dict[str, Any]:
    """report.json's `inputs`, its shape checked; ReportError says what is wrong."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise ReportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_REPORT_BYTES:
        raise ReportError(f"{path}: larger than {MAX_REPORT_BYTES // 2**20} MiB; not a report")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ReportError(f"{path}: not JSON: {str(exc).splitlines()[0]}") from None
    if not isinstance(document, dict) or document.get("format") != "migrate-check-report":
        raise ReportError(f"{path}: not a migrate-check report.json")
    inputs = document.get("inputs")
    if not isinstance(inputs, dict):
        raise ReportError(f"{path}: has no 'inputs' (made before reports recorded them)")
    _check_shape(inputs)
    return inputs


def _check_shape(inputs: dict[str, Any]) -> None:
    files, folders = inputs.get("files"), inputs.get("folders")
    if not isinstance(files, list) or not isinstance(folders, list):
        raise ReportError("'inputs' needs lists 'files' and 'folders'")
    if len(files) > MAX_ENTRIES or len(folders) > MAX_ENTRIES:
        raise ReportError(f"'inputs' lists more than {MAX_ENTRIES} files or folders")
    for n, entry in enumerate(files):
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise ReportError(f"inputs.files[{n}] needs a string 'path'")
        sha, size = entry.get("sha256"), entry.get("size")
        if not (sha is None or (isinstance(sha, str) and _SHA256.fullmatch(sha))):
            raise ReportError(f"inputs.files[{n}]: 'sha256' is not a sha256 hex digest")
        if not (size is None or (isinstance(size, int) and not isinstance(size, bool))):
            raise ReportError(f"inputs.files[{n}]: 'size' is not a whole number")
    if not all(isinstance(f, str) for f in folders):
        raise ReportError("inputs.folders holds something other than paths")
    prices = inputs.get("prices")
    if prices is not None and not isinstance(prices, dict):
        raise ReportError("inputs.prices is not an object")


def inside(root: Path, written: str) -> Path:
    """`written` (a path from the report) under `root`; ReportError when it would leave it."""
    if not written or len(written) > MAX_PATH_CHARS or "\x00" in written or "\\" in written:
        raise ReportError(f"path {written[:200]!r} in the report is not a relative path")
    pure = PurePosixPath(written)
    if pure.is_absolute() or ".." in pure.parts or Path(written).is_absolute():
        raise ReportError(f"path {written!r} in the report leaves the project root; refused")
    path = root / pure
    if relative(path, root) is None:  # a symbolic link out of the root
        raise ReportError(f"path {written!r} in the report resolves outside the project root")
    return path


def root_for(report: Path, inputs: dict[str, Any]) -> Path:
    """The project root: the recorded `report_depth` folders above the report's, else the
    working directory."""
    depth = inputs.get("report_depth")
    folder = report.resolve().parent
    if isinstance(depth, int) and not isinstance(depth, bool) and 0 <= depth < len(folder.parts):
        return folder.parents[depth - 1] if depth else folder
    return Path.cwd()


def verify(report: Path, root: Path | None = None) -> Verification:
    """Recompute every recorded hash under `root` (found from the report when None)."""
    inputs = load_report(report)
    root = (root or root_for(report, inputs)).resolve()
    entries = [(e, inside(root, e["path"])) for e in inputs["files"]]
    folders = [inside(root, f) for f in inputs["folders"]]
    found = Verification()
    listed = {path.resolve() for _, path in entries}
    for entry, path in entries:
        found.checked += 1
        hashed = hash_file(path)
        if entry["sha256"] is None:
            if hashed is not None:
                found.new.append(entry["path"])
        elif hashed is None:
            found.missing.append(entry["path"])
        elif hashed[0] != entry["sha256"]:
            found.changed.append(entry["path"])
    for folder in folders:
        for path in folder_files(folder):
            if path.resolve() not in listed:
                found.new.append(relative(path, root) or str(path))
    prices = inputs.get("prices") or {}
    shipped = prices.get("shipped_sha256")
    if isinstance(shipped, str) and shipped != shipped_prices_hash():
        found.notes.append(
            "changed: the shipped price table (another migrate-check made the report)"
        )
    return found


def add_parser(commands: Any) -> None:
    """`migrate-check verify REPORT.json [--root DIR]` on the command's subparsers."""
    parser = commands.add_parser(
        "verify",
        help="Say whether a report.json still describes the files in front of it",
        description=(
            "Recompute, offline, the sha256 of every input report.json recorded (suites, "
            "prompt files, schemas, cassettes, the approvals file, the price table) and name "
            "each that changed, is missing or is new. Exit 0: all match; 1: something "
            "changed; 2: the report cannot be checked."
        ),
    )
    parser.add_argument("report", type=Path, metavar="REPORT.json")
    parser.add_argument(
        "--root",
        type=Path,
        help="The project root the report's paths are relative to (default: found from "
        "the report's place, else the working directory)",
    )


def run(report: Path, root: Path | None, out: Any) -> int:
    """Print what `verify` found; the exit code. ReportError propagates (exit 2)."""
    found = verify(report, root)
    for line in found.lines():
        print(line, file=out)
    return MATCHES if found.ok else CHANGED
