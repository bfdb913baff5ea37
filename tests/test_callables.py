"""Team callables: import errors are one line, and a timeout cannot be swallowed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from migrate_check.callables import import_callable
from migrate_check.checks import CheckConfigError, CheckRunError
from migrate_check.time_limits import call_with_timeout


def _swallows_everything() -> str:
    try:
        time.sleep(5)
    except Exception:
        return "default"
    return "slept"


def test_a_timeout_is_not_caught_by_the_team_s_except_exception() -> None:
    started = time.monotonic()
    with pytest.raises(CheckRunError, match="timed out after 0.2 s"):
        call_with_timeout(_swallows_everything, 0.2, "downstream team:f")
    assert time.monotonic() - started < 2


def test_a_module_that_fails_to_import_is_one_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken_app.py").write_text("def f(:\n    pass\n")
    (tmp_path / "raising_app.py").write_text("raise RuntimeError('needs a database')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(CheckConfigError, match=r"cannot import 'broken_app:f': SyntaxError"):
        import_callable("broken_app:f")
    with pytest.raises(CheckConfigError, match="RuntimeError: needs a database"):
        import_callable("raising_app:f")
