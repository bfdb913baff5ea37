"""Atomic writes leave the permissions an ordinary write would (not mkstemp's 0600)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from migrate_check.core.atomic import write_atomic


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_umask_s_permissions(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "cassettes" / "case" / "gpt-4o-mini.yaml"
    write_atomic(path, "interactions: []\n")
    assert _mode(path) == 0o644
    assert path.read_text() == "interactions: []\n"
    os.umask(0o002)
    shared = tmp_path / "report.json"
    write_atomic(shared, b"{}")
    assert _mode(shared) == 0o664


def test_an_existing_file_keeps_its_permissions(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "approvals.yaml"
    path.write_text("old")
    path.chmod(0o640)
    write_atomic(path, "new")
    assert (path.read_text(), _mode(path)) == ("new", 0o640)
    assert [p.name for p in tmp_path.iterdir()] == ["approvals.yaml"]  # no temporary left
