"""`.ci/pythons.py`, tox's last environment: a Python tox skipped is named above tox's
summary with the line that exposes it, and marks the summary (issue 28).

The script runs in a subprocess as tox runs it, with a PATH of stand-ins: a working
`python3.X`, a pyenv shim that has no version selected, and a `pyenv` that answers as
pyenv does.
"""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / ".ci" / "pythons.py"
RUNNING = sys.version_info.minor
OTHERS = [minor for minor in (11, 12, 13) if minor != RUNNING]


def _executable(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


def _run(path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYENV_")}
    env["PATH"] = str(path)
    return subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120
    )


def test_a_skipped_python_is_named_with_the_pyenv_line_that_exposes_it(tmp_path: Path) -> None:
    missing, working = OTHERS
    # A pyenv shim for a version pyenv has installed but not selected: it exits 127.
    _executable(tmp_path, f"python3.{missing}", 'echo "pyenv: command not found" >&2; exit 127')
    _executable(tmp_path, f"python3.{working}", f'echo "3 {working} /opt/py/bin/python3.{working}"')
    _executable(
        tmp_path,
        "pyenv",
        f'case "$1" in versions) printf "system\\n3.10.2\\n3.{missing}.1\\n3.{missing}.4\\n";; '
        f'global) echo "3.{RUNNING}.0";; esac',
    )
    done = _run(tmp_path)
    assert done.returncode == 1, done.stderr  # tox ignores it, and its summary marks it
    lines = done.stdout.splitlines()
    assert f"  3.{RUNNING}: {getattr(sys, '_base_executable', sys.executable)}" in lines
    assert f"  3.{working}: /opt/py/bin/python3.{working}" in lines
    assert f"  3.{missing}: not found on PATH, so py3{missing} was skipped" in lines
    # The newest patch pyenv has, after what pyenv selects now.
    assert lines[-1] == (
        f"pyenv has 3.{missing}.4; to let tox find it: pyenv global 3.{RUNNING}.0 3.{missing}.4"
    )


def test_a_python_pyenv_lacks_is_to_be_installed(tmp_path: Path) -> None:
    _executable(tmp_path, "pyenv", 'case "$1" in global) echo "system";; esac')
    done = _run(tmp_path)
    assert done.returncode == 1
    wanted = " or ".join(f"3.{minor}" for minor in OTHERS)
    assert f"pyenv has no {wanted}: pyenv install" in done.stdout


def test_without_pyenv_it_says_what_to_install(tmp_path: Path) -> None:
    done = _run(tmp_path)
    assert done.returncode == 1
    wanted = " and ".join(f"3.{minor}" for minor in OTHERS)
    assert done.stdout.splitlines()[-1] == (f"install Python {wanted} so that tox finds it on PATH")


def test_every_python_found_passes_quietly(tmp_path: Path) -> None:
    for minor in OTHERS:
        _executable(tmp_path, f"python3.{minor}", f'echo "3 {minor} /opt/py{minor}/bin/python"')
    _executable(tmp_path, "pyenv", "exit 99")  # never asked when nothing is missing
    done = _run(tmp_path)
    assert done.returncode == 0, done.stdout
    lines = done.stdout.splitlines()
    assert len(lines) == 4 and not any(line.endswith("skipped") for line in lines), lines


def test_tox_runs_it_last_and_ignores_its_outcome() -> None:
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(REPO / "tox.ini")
    env_list = [name.strip() for name in tox["tox"]["env_list"].split(",")]
    assert env_list[-1] == "pythons"  # its lines sit just above tox's summary
    env = tox["testenv:pythons"]
    assert env["commands"].strip() == "python .ci/pythons.py"
    assert env.getboolean("ignore_outcome") and env.getboolean("skip_install")
    assert tox["tox"].getboolean("skip_missing_interpreters")
