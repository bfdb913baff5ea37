"""Offline replay against bare pytest: how much does migrate-check add per case?

    /work/venv/bin/python benchmarks/bench_offline.py [--cases 2000] [--runs 3] [--files K]
        [--no-reports] [--profile N] [--keep DIR]

Generates N cases (benchmarks/_suites.py) in a temporary folder, records them once against
the local server (latency 0), then times, in the same run and interleaved:
  - bare pytest on N trivial parametrized tests (`assert i >= 0`),
  - migrate-check replaying the N cases from cassettes (OPENAI_BASE_URL unset, record mode
    none), without reports and (unless --no-reports) with the three reports written,
  - collection alone (`--collect-only`) of both.
Each figure is the median of --runs runs (wall time); the ratios ours/bare are the
targets: replay <= 1.5, with the reports <= 1.8, collection <= 1.3.
`--profile N` then profiles one replay under cProfile and prints the N costliest functions.
`--keep DIR` records into DIR once and reuses it on later runs (same --cases and --files).
"""

from __future__ import annotations

import argparse
import pstats
import sys
import tempfile
import time
from pathlib import Path

from _suites import (
    bare_project,
    check,
    clean_env,
    generate,
    median,
    migrate_cmd,
    pytest_cmd,
    record,
    run,
    summary_line,
    table,
    write_suites,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", type=int, default=None, help="suite files (default N/100)")
    parser.add_argument("--no-reports", action="store_true", help="skip the with-reports row")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="top N functions")
    parser.add_argument("--timeout", type=float, default=900.0, help="per subprocess, seconds")
    parser.add_argument("--keep", type=Path, default=None, help="record once into DIR, reuse")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mc-bench-offline-") as tmp:
        root = args.keep or Path(tmp)
        work = root / "suite"
        reuse = args.keep is not None and (work / "cassettes").is_dir()
        if reuse:
            specs = generate(args.cases, args.files)
            bare = root / "bare"
        else:
            specs = write_suites(work, args.cases, args.files)
            bare = bare_project(root, args.cases)
        print(f"{args.cases} cases in {len(specs)} suite files, 2 models; {args.runs} runs each")

        if reuse:
            print(f"reusing the recordings in {work}")
        else:
            rec, stats = record(work, 0, 32, args.timeout)
            print(f"recorded {stats.requests} requests in {rec.seconds:.1f} s")
        cassettes = sum(1 for _ in (work / "cassettes").rglob("*.yaml"))
        if cassettes != 2 * args.cases:
            raise SystemExit(f"expected {2 * args.cases} cassettes, found {cassettes}")

        offline = clean_env()
        rows: dict[str, list[float]] = {"pytest --version": [], "bare pytest": [], "ours": []}
        if not args.no_reports:
            rows["ours + reports"] = []
        rows["bare --collect-only"] = []
        rows["ours --collect-only"] = []
        last = ""
        for _ in range(args.runs):
            rows["pytest --version"].append(run(pytest_cmd("--version"), bare, offline).seconds)
            r = run(pytest_cmd("test_bare.py"), bare, offline, args.timeout)
            check(r, "bare pytest", (0,))
            rows["bare pytest"].append(r.seconds)
            r = run(migrate_cmd(), work, offline, args.timeout)
            check(r, "replay")
            if f"{args.cases} " not in summary_line(r.output) or " error" in summary_line(r.output):
                raise SystemExit(f"replay did not judge every case: {summary_line(r.output)}")
            rows["ours"].append(r.seconds)
            last = summary_line(r.output)
            if not args.no_reports:
                r = run(migrate_cmd(report=True), work, offline, args.timeout)
                check(r, "replay with reports")
                rows["ours + reports"].append(r.seconds)
            r = run(pytest_cmd("test_bare.py", "--collect-only"), bare, offline, args.timeout)
            check(r, "bare pytest --collect-only", (0,))
            rows["bare --collect-only"].append(r.seconds)
            r = run(migrate_cmd("--collect-only"), work, offline, args.timeout)
            check(r, "collection", (0,))
            rows["ours --collect-only"].append(r.seconds)

        bare_s = median(rows["bare pytest"])
        bare_collect = median(rows["bare --collect-only"])
        out = []
        for label, values in rows.items():
            m = median(values)
            per_case = "" if label == "pytest --version" else f"{m / args.cases * 1000:.2f}"
            base = bare_collect if "collect" in label else bare_s
            ratio = "" if label == "pytest --version" else f"{m / base:.2f}"
            out.append([label, f"{m:.2f}", per_case, ratio, " ".join(f"{v:.2f}" for v in values)])
        print(table(out, ["", "median s", "ms/case", "x bare", "runs s"]))
        print(f"replay: {last}")
        print("ratios of medians (wall time), ours/bare, against the targets:")
        targets: list[tuple[str, str, str, float]] = [("replay", "ours", "bare pytest", 1.5)]
        if not args.no_reports:
            targets.append(("replay + reports", "ours + reports", "bare pytest", 1.8))
        targets.append(("collection", "ours --collect-only", "bare --collect-only", 1.3))
        for what, ours_row, bare_row, target in targets:
            got = median(rows[ours_row]) / median(rows[bare_row])
            print(f"  {what}: {got:.2f} ({'meets' if got <= target else 'misses'} <= {target})")
        per_run = [o / b for o, b in zip(rows["ours"], rows["bare pytest"], strict=True)]
        print(f"  replay, per run (each beside its own bare run): {fmt(per_run)}")
        if args.profile:
            profile(work, offline, args.profile, args.timeout)


def fmt(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


def profile(work: Path, env: dict[str, str], top: int, timeout: float) -> None:
    """Replay once under cProfile and print where the time goes."""
    out = work / "replay.prof"
    cmd = migrate_cmd()
    cmd[1:1] = ["-m", "cProfile", "-o", str(out)]
    started = time.perf_counter()
    r = run(cmd, work, env, timeout)
    check(r, "profiled replay")
    print(f"\nprofiled replay: {time.perf_counter() - started:.2f} s (cProfile overhead included)")
    stats = pstats.Stats(str(out), stream=sys.stdout)
    stats.strip_dirs()
    for key in ("tottime", "cumulative"):
        print(f"--- top {top} by {key}")
        stats.sort_stats(key).print_stats(top)


if __name__ == "__main__":
    main()
