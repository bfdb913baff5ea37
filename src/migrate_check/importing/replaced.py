"""The cassettes of cases an earlier import of the same suite wrote and this one, run with
`--force`, no longer has.

An import with `--force` replaces the suite file; the case folders of the cases it drops
would otherwise stay under the suite's cassette folder, unread by any suite. That is
worse than clutter when the import is run again to redact personal data: the earlier,
unredacted recordings (and case ids made from the prompt's text) would stay on disk, to
be committed. Only the suite's own folders are touched: `<cassette_root>/<suite>/` and
those of its parts (`<suite>-001/`, ...), one case folder at a time.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from migrate_check.cassettes.paths import safe_name


def remove_replaced_cases(
    cassette_root: Path, suite: str, written: Iterable[tuple[str, str]]
) -> int:
    """Remove the case folders under the suite's cassette folders that are not among
    `written` (suite or part name, case id); returns how many were removed."""
    if not cassette_root.is_dir():
        return 0
    kept = {(safe_name(part), safe_name(case_id)) for part, case_id in written}
    own = re.compile(rf"{re.escape(safe_name(suite))}(-\d{{3,}})?")
    removed = 0
    for folder in sorted(cassette_root.iterdir()):
        if folder.is_symlink() or not folder.is_dir() or not own.fullmatch(folder.name):
            continue
        for case_folder in sorted(folder.iterdir()):
            if (folder.name, case_folder.name) in kept:
                continue
            if case_folder.is_symlink():
                case_folder.unlink()
            elif case_folder.is_dir():
                shutil.rmtree(case_folder)
            else:
                continue  # a file beside the cases is not a case's
            removed += 1
        if not any(folder.iterdir()):
            folder.rmdir()
    return removed
