"""Who accepted an approval and when, so a sign-off names a person an auditor can ask.

`--approved-by NAME` says who; without it, git's configured `user.name` and `user.email`
(the identity the approvals file's commit will carry). git is asked with a short timeout
and never fails a run: without git, or with no identity set, the approval says nobody.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

#: The approval fields this module fills, in the order the file writes them.
WHO_WHEN = ("approved_by", "approved_at")
GIT_TIMEOUT_S = 5.0
MAX_NAME_CHARS = 200


def approver(given: str | None, cwd: Path) -> str | None:
    """`given` when set, else git's `Name <email>` in `cwd`; None when neither is known."""
    if given and given.strip():
        return _one_line(given)
    name, email = _git_config("user.name", cwd), _git_config("user.email", cwd)
    if name and email:
        return _one_line(f"{name} <{email}>")
    either = name or email
    return _one_line(either) if either else None


def now_utc() -> str:
    """The moment an approval is recorded: UTC, ISO 8601, to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def who_when(entry: dict[str, Any]) -> tuple[str | None, str | None]:
    """An approvals-file entry's `approved_by` and `approved_at` (absent in older files);
    ValueError names a field that is not text."""
    who, when = entry.get("approved_by"), entry.get("approved_at")
    if isinstance(when, dt.datetime):  # written unquoted, YAML reads a timestamp
        when = when.isoformat()
    for name, value in zip(WHO_WHEN, (who, when), strict=True):
        if value is not None and not isinstance(value, str):
            raise ValueError(f"has {name!r} {value!r}, not text")
    return who, when


def _git_config(key: str, cwd: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "config", "--get", key],
            cwd=cwd if cwd.is_dir() else None,
            capture_output=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None  # no git, or it hung: the approval names nobody
    value = done.stdout.decode("utf-8", "replace").strip()
    return value if done.returncode == 0 and value else None


def _one_line(text: str) -> str:
    """One line, bounded: the name goes into YAML and every report."""
    return " ".join(text.split())[:MAX_NAME_CHARS]
