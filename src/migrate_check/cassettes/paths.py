"""Where cassettes live: one folder per case, one file per model, names safe on any disk.

Every stage that finds a cassette (recording, replay, the stale sweep, importers, the
plugin's suite names) builds its path here, so a name is made file-safe one way only.
"""

from __future__ import annotations

import re
from pathlib import Path

from migrate_check.core.case import Case

_UNSAFE_FILE_NAME_CHARACTER = re.compile(r"[^A-Za-z0-9_.\-]")

#: A variant's cassettes in its case's folder: `variant.<name>.<model>.yaml`.
VARIANT_PREFIX = "variant."


def safe_name(name: str) -> str:
    """A model or case name as a file-name part (`ft:gpt-4o-mini:org::x` keeps its meaning)."""
    return _UNSAFE_FILE_NAME_CHARACTER.sub("_", name)


def file_key(name: str) -> str:
    """What a name becomes as a file name on a case-insensitive disk (macOS, Windows)."""
    return safe_name(name).casefold()


def cassette_path(root: Path, suite: str, case_id: str, model: str) -> Path:
    """Where the cassette of one case on one model lives: `<root>/<suite>/<case>/<model>.yaml`."""
    return root / safe_name(suite) / safe_name(case_id) / f"{safe_name(model)}.yaml"


def cassette_variant(file_name: str) -> str | None:
    """The variant a cassette file belongs to (`variant.<name>.…yaml`), None for the pair's."""
    if not file_name.startswith(VARIANT_PREFIX):
        return None
    return file_name[len(VARIANT_PREFIX) :].split(".", 1)[0]


def case_cassette_path(root: Path, case: Case, model: str, prefix: str = "") -> Path:
    """The cassette of `case` on `model`: `<prefix><model>.yaml` in the case's folder, and
    `variant.<name>.<prefix><model>.yaml` for a named variant, whose requests differ."""
    stem = f"{VARIANT_PREFIX}{case.variant}.{prefix}" if case.variant else prefix
    return root / safe_name(case.suite) / safe_name(case.id) / f"{safe_name(stem + model)}.yaml"
