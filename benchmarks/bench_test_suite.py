"""The test suite's wall time in two checkouts, on the tests both have, run in turn.

    python benchmarks/bench_test_suite.py --before ../before --after . [--runs 2]
        [--env .tox/py311] [--dist load] [-k EXPR]

Each checkout runs its own pytest (`ENV/bin/pytest`, e.g. the tox env `tox` built there)
with `-n 2 -W error::DeprecationWarning`, `CI=true` and `PYTHONDEVMODE=1`, as tox runs it.
A restructuring moves test files, so tests are matched by file name and test id; each
checkout runs only the tests the other has too. Every run gets an empty temporary folder
of its own (`--basetemp`), so no run pays for removing another's leftovers. Printed: each run's
wall time, the tests it ran, and the median of each side with after/before.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def node_ids(root: Path, pytest: Path) -> list[str]:
    out = subprocess.run(
        [str(pytest), "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return [line.strip() for line in out.stdout.splitlines() if "::" in line]


def match_key(node: str) -> str:
    """A test by its file's name and its id, wherever the file moved."""
    path, _, test = node.partition("::")
    return f"{Path(path).name}::{test}"


def run(root: Path, pytest: Path, ids: list[str], dist: str, select: str | None) -> float:
    base = Path(tempfile.mkdtemp(prefix="bench-test-suite-"))
    args = [str(pytest), "-n", "2", "--dist", dist, "-W", "error::DeprecationWarning", "-q"]
    args += ["-p", "no:cacheprovider", f"--basetemp={base}"]
    args += [*(["-k", select] if select else []), *ids]
    env = dict(os.environ, CI="true", PYTHONDEVMODE="1")
    start = time.monotonic()
    out = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, check=False)
    took = time.monotonic() - start
    shutil.rmtree(base, ignore_errors=True)
    last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr[-200:]
    print(f"  {root.name:>12}: {took:7.1f} s  {last}", flush=True)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, default=Path("."))
    parser.add_argument("--env", default=".tox/py311", help="the virtual env in each checkout")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--dist", default="load", help="xdist scheduling: load, worksteal")
    parser.add_argument("-k", dest="select", help="only the tests pytest -k selects")
    options = parser.parse_args()
    # Ctrl-C must reach the tests' own subprocesses, even when this runs as a background job.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sides = {"before": options.before.resolve(), "after": options.after.resolve()}
    pytests = {name: root / options.env / "bin" / "pytest" for name, root in sides.items()}
    ids = {name: node_ids(root, pytests[name]) for name, root in sides.items()}
    shared = {match_key(n) for n in ids["before"]} & {match_key(n) for n in ids["after"]}
    chosen = {name: [n for n in found if match_key(n) in shared] for name, found in ids.items()}
    print(
        f"tests: {len(ids['before'])} before, {len(ids['after'])} after, {len(shared)} in both;"
        f" -n 2 --dist {options.dist}"
    )
    times: dict[str, list[float]] = {"before": [], "after": []}
    for number in range(options.runs):
        print(f"run {number + 1}")
        for name in ("before", "after"):
            times[name].append(
                run(sides[name], pytests[name], chosen[name], options.dist, options.select)
            )
    before, after = (statistics.median(times[n]) for n in ("before", "after"))
    print(f"median: before {before:.1f} s, after {after:.1f} s, after/before {after / before:.3f}")


if __name__ == "__main__":
    main()
