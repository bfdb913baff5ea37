"""Where an imported case came from, as its suite file says it, and which model it is of.

A suite is committed and read on other machines, so its `origin:` lines and description
name files relative to the project's rootdir (the folder pytest runs the suite from,
where its ini file is), with `/` on every system: never an absolute path of the machine
that imported, nor a path that only resolves from the folder the import ran in.

Recordings made against a dated snapshot (`gpt-4o-mini-2024-07-18`) are answers of the
model it dates (`gpt-4o-mini`): the API answers a request for the model with its current
snapshot. They are folded into that model's suite (the pair's baseline finds them), each
origin naming the snapshot it was recorded with.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePath

#: `-YYYY-MM-DD` at the end of a model name: the snapshot's date.
_DATE = re.compile(r"-\d{4}-\d{2}-\d{2}")
_DATE_LENGTH = len("-2024-07-18")


def origin_path(path: Path, root: Path | None) -> str:
    """`path` as the suite names it: relative to `root`, `/`-separated (`../x/y.yaml` when
    it lies beside the project); as given when there is no root."""
    if root is None:
        return str(path)
    try:
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    except ValueError:  # another drive (Windows): no relative path exists
        return PurePath(os.path.abspath(path)).as_posix()
    return PurePath(relative).as_posix()


def snapshot_base(model: str) -> str | None:
    """`gpt-4o-mini` for `gpt-4o-mini-2024-07-18`; None for a name without a date.

    Only the fixed-length tail is matched, so any name is checked in constant time.
    """
    if len(model) <= _DATE_LENGTH or not _DATE.fullmatch(model[-_DATE_LENGTH:]):
        return None
    base = model[:-_DATE_LENGTH]
    return base if base.strip("-") else None


def folded(model: str | None, fold: bool) -> tuple[str | None, str | None]:
    """The model a request counts for, and the snapshot folded into it (None if none)."""
    base = snapshot_base(model) if fold and model else None
    return (model, None) if base is None else (base, model)
