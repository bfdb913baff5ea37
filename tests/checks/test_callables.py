"""Team callables: import errors are one line, and a timeout cannot be swallowed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from migrate_check.checks import CheckConfigError, CheckRunError
from migrate_check.checks.callables import import_callable
from migrate_check.checks.time_limits import call_with_timeout


def _swallows_everything() -> str:
    try:
        time.sleep(5)
    except Exception:  # noqa: BLE001 - the hostile callable swallows what it can
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


def _retries_forever() -> None:
    while True:  # a retry loop with a bare except swallows every interruption it sees
        try:
            time.sleep(1)
        except:  # noqa: E722
            continue


def test_a_timeout_is_not_swallowed_by_a_bare_except_in_a_retry_loop() -> None:
    started = time.monotonic()
    with pytest.raises(CheckRunError, match="timed out after 0.2 s"):
        call_with_timeout(_retries_forever, 0.2, "downstream team:f")
    assert time.monotonic() - started < 2
    assert call_with_timeout(lambda: "fine", 1.0, "after") == "fine"  # nothing left behind


def test_system_exit_from_team_code_is_an_error_not_the_end_of_the_run() -> None:
    def exits() -> None:
        raise SystemExit(3)

    with pytest.raises(CheckRunError, match="raised SystemExit: 3"):
        call_with_timeout(exits, 1.0, "assert team:f")
