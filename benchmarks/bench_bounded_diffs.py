"""Time the comparisons and the formatting issue 31 found unbounded, at the issue's sizes.

    /work/venv/bin/python benchmarks/bench_bounded_diffs.py [--cap SECONDS] [--only NAME]

Each measurement runs in its own process, timed once its inputs are built, and is stopped
at `--cap` seconds (default 120), shown as "> 120 s (stopped)". To time the code before a
change, put its `src/` first: `git archive <commit> src | tar -x -C /tmp/old`, then
`PYTHONPATH=/tmp/old/src python benchmarks/bench_bounded_diffs.py`.

- equal on two 20,000- and two 100,000-integer arrays (values 0-2, both parsed JSON);
- equal on two 300,000-key objects, all values changed;
- equal, ignore_order, on two 800-number arrays (half in common: deepdiff pairs the rest);
- downstream whose callable returns every digit of a 1,000,000-digit answer as a list;
- report.md's diff of a 10 MB answer without spaces;
- a callable that sets and clears its own `signal.alarm`, then sleeps 3 s (limit 0.3 s).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import queue
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HELPERS = Path(__file__).resolve().parents[1] / "tests" / "helpers"  # check_callables.py


Timed = Callable[[], str]  # one measurement, its inputs built: what it returns is shown


def _judge(name: str, options: object, baseline: str, candidate: str) -> Timed:
    from migrate_check.checks import build_check
    from migrate_check.core.case import CheckSpec
    from migrate_check.core.completion import Completion

    sys.path.insert(0, str(HELPERS))
    check = build_check(CheckSpec(name, options), HELPERS)
    base = [Completion(model="gpt-test", text=baseline)]
    cand = [Completion(model="gpt-test", text=candidate)]

    def run() -> str:
        result = check.judge(base, cand)
        diff = (result.evidence or {}).get("diff")
        bounded = isinstance(diff, dict) and "bounded" in diff
        return result.outcome.value + (" (summarised)" if bounded else "")

    return run


def _numbers(seed: int, count: int, below: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.randrange(below) for _ in range(count)]


def equal_arrays(count: int) -> Callable[[], Timed]:
    def prepare() -> Timed:
        baseline, candidate = _numbers(1, count, 3), _numbers(2, count, 3)
        return _judge("equal", {}, json.dumps(baseline), json.dumps(candidate))

    return prepare


def equal_object() -> Timed:
    baseline = json.dumps({f"key{i}": i for i in range(300_000)})
    candidate = json.dumps({f"key{i}": -i for i in range(300_000)})
    return _judge("equal", {}, baseline, candidate)


def equal_without_order() -> Timed:
    baseline, candidate = _numbers(3, 800, 1000), _numbers(4, 800, 1000)
    return _judge("equal", {"ignore_order": True}, json.dumps(baseline), json.dumps(candidate))


def downstream_million() -> Timed:
    digits = "".join(map(str, _numbers(5, 1_000_000, 3)))
    other = "".join(map(str, _numbers(6, 1_000_000, 3)))
    return _judge("downstream", "check_callables:digits", digits, other)


def markdown_ten_megabytes() -> Timed:
    from migrate_check.report.writers.markdown import compact_diff

    baseline, candidate = "x" * 10_000_000, "x" * 9_999_000 + "y" * 1_000
    return lambda: f"{len(compact_diff(baseline, candidate).splitlines())} diff lines"


def alarm_clearing_callable() -> Timed:
    """check_callables.clears_the_alarm: alarm(30), alarm(0), then 3 s of sleep per side."""
    options = {"callable": "check_callables:clears_the_alarm", "timeout": 0.3}
    return _judge("downstream", options, "a", "b")


MEASUREMENTS: dict[str, Callable[[], Timed]] = {
    "equal, 2 x 20,000 integers": equal_arrays(20_000),
    "equal, 2 x 100,000 integers": equal_arrays(100_000),
    "equal, 2 x 300,000 keys": equal_object,
    "equal ignore_order, 2 x 800": equal_without_order,
    "downstream, 2 x 1,000,000 items": downstream_million,
    "report.md diff, 10 MB answer": markdown_ten_megabytes,
    "callable clearing its alarm": alarm_clearing_callable,
}


def _child(name: str, out: Any) -> None:
    run = MEASUREMENTS[name]()
    out.put(("ready", 0.0))
    started = time.perf_counter()
    what = run()
    out.put((what, time.perf_counter() - started))


def measure(name: str, cap: float) -> str:
    """The seconds `name` took in a fresh process (its inputs built first, not timed), or
    that it was stopped `cap` seconds after its inputs were ready."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    process = context.Process(target=_child, args=(name, out), daemon=True)
    process.start()
    try:
        out.get(timeout=600)  # building 1,000,000 digits and importing take a while
        what, seconds = out.get(timeout=cap)
    except queue.Empty:
        return f"> {cap:g} s (stopped)" if process.is_alive() else "failed"
    finally:
        process.kill()
        process.join()
    return f"{seconds:8.2f} s   {what}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=120.0)
    parser.add_argument("--only", default="", help="measure the names containing this")
    args = parser.parse_args()
    for name in MEASUREMENTS:
        if args.only in name:
            print(f"  {name:<34} {measure(name, args.cap)}", flush=True)


if __name__ == "__main__":
    main()
