"""Which of the supported Pythons tox finds, said last before tox's summary.

tox skips an interpreter it cannot find (`skip_missing_interpreters`) and still ends in
"congratulations", so a run on one Python looks like a run on three. tox.ini's `pythons`
environment runs this last: it names each supported Python and where it was found, or
that its tests were skipped and the one line that exposes it, then exits 1 when one is
missing. tox ignores that outcome (`ignore_outcome`), so the run still passes and its
summary marks it: `pythons: IGNORED FAIL`.

Found means what tox looks for: the Python tox itself runs on, or a `python3.X`,
`python3` or `python` on PATH that runs and is 3.X (a pyenv shim for a version pyenv has
not selected exits with an error; `pyenv shell`'s PYENV_VERSION does not reach tox's
search, so it does not count).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

SUPPORTED = ((3, 11), (3, 12), (3, 13))
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


Probe = tuple[tuple[int, int], str] | None


def _probe(executable: Path, seen: dict[Path, Probe]) -> Probe:
    """The `(major, minor)` an executable runs as and the interpreter it runs (a shim's
    target), None if it does not run."""
    if executable not in seen:
        try:
            done = subprocess.run(
                [str(executable), "-c", "import sys; print(*sys.version_info[:2], sys.executable)"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            seen[executable] = None
            return None
        words = done.stdout.strip().split(" ", 2)
        ok = done.returncode == 0 and len(words) == 3 and words[0].isdigit() and words[1].isdigit()
        seen[executable] = ((int(words[0]), int(words[1])), words[2]) if ok else None
    return seen[executable]


def find(version: tuple[int, int], path: str, skip: Path | None = None) -> str | None:
    """The first interpreter of `version` on `path` (what it runs, for a shim), leaving
    out the folder `skip` (this environment's own, made from a Python tox found)."""
    seen: dict[Path, Probe] = {}
    names = (f"python{version[0]}.{version[1]}", f"python{version[0]}", "python")
    for folder in filter(None, path.split(os.pathsep)):
        if skip is not None and Path(folder).resolve() == skip:
            continue
        for name in names:
            candidate = Path(folder) / name
            if not (candidate.is_file() and os.access(candidate, os.X_OK)):
                continue
            probe = _probe(candidate, seen)
            if probe is not None and probe[0] == version:
                return probe[1]
    return None


def _pyenv(*args: str) -> list[str]:
    try:
        done = subprocess.run(
            ["pyenv", *args], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return done.stdout.split() if done.returncode == 0 else []


def how_to_expose(missing: list[tuple[int, int]]) -> list[str]:
    """The line that lets tox find the missing Pythons: pyenv's when pyenv is here."""
    names = [f"{major}.{minor}" for major, minor in missing]
    if shutil.which("pyenv") is None:
        return [f"install Python {' and '.join(names)} so that tox finds it on PATH"]
    newest: dict[str, tuple[int, ...]] = {}
    for text in _pyenv("versions", "--bare"):
        if match := _VERSION.match(text):
            release = tuple(int(part) for part in match.groups())
            minor = f"{release[0]}.{release[1]}"
            newest[minor] = max(newest.get(minor, release), release)
    have = [".".join(map(str, newest[name])) for name in names if name in newest]
    lacking = [name for name in names if name not in newest]
    lines = []
    if have:
        line = " ".join([*_pyenv("global"), *have])
        them = "them" if len(have) > 1 else "it"
        lines.append(f"pyenv has {' and '.join(have)}; to let tox find {them}: pyenv global {line}")
    if lacking:
        lines.append(
            f"pyenv has no {' or '.join(lacking)}: pyenv install {' '.join(lacking)}, then run "
            "tox again for the line that exposes it"
        )
    return lines


def main() -> int:
    # tox proposes the Python it runs on first: this environment is made from it.
    running = (sys.version_info.major, sys.version_info.minor)
    base = getattr(sys, "_base_executable", sys.executable)
    own = Path(sys.prefix, "Scripts" if os.name == "nt" else "bin").resolve()
    skip = own if sys.prefix != sys.base_prefix else None
    path = os.environ.get("PATH", "")
    missing = []
    print("the Pythons tox runs the tests on (py311, py312, py313):")
    for version in SUPPORTED:
        name = f"{version[0]}.{version[1]}"
        found = base if version == running else find(version, path, skip)
        if found is None:
            missing.append(version)
            print(f"  {name}: not found on PATH, so py3{version[1]} was skipped")
        else:
            print(f"  {name}: {found}")
    for line in how_to_expose(missing) if missing else []:
        print(line)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
