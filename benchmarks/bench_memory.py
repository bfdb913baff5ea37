"""Peak memory and time replaying a large suite, serially and under xdist; sizes on disk.

    /work/venv/bin/python benchmarks/bench_memory.py [--cases 10000] [--files K]
        [--runs 3] [--record-concurrency 64] [--keep DIR]

Generates N cases (benchmarks/_suites.py), records them once against the local server
(latency 0, high concurrency; the time it took is printed), then, --runs times and
interleaved, replays them offline: serially without reports, serially with the three
reports, and under `-n 2` (xdist, no reports), beside bare pytest running N trivial
parametrized tests, serially and under `-n 2` (what xdist alone costs trivial tests on
this machine: the bound on "-n 2 replay faster than serial"). Printed: the median wall
time and the median max RSS of the pytest process (`os.wait4`), and under `-n 2` each
worker's own peak RSS (a conftest writes each process's `ru_maxrss`), with `-n 2`
against serial: faster, and no worker above serial's peak? Also printed: the cassettes'
and the reports' sizes on disk.
`--keep DIR` records into DIR once and reuses it on later runs (same --cases, --files).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from _suites import (
    bare_project,
    check,
    clean_env,
    generate,
    median,
    migrate_cmd,
    pytest_cmd,
    read_rss_file,
    record,
    run,
    summary_line,
    table,
    write_rss_conftest,
    write_suites,
)


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=None, help="suite files (default N/100)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--record-concurrency", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=1800.0, help="per subprocess, seconds")
    parser.add_argument("--keep", type=Path, default=None, help="record once into DIR, reuse")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mc-bench-memory-") as tmp:
        root = args.keep or Path(tmp)
        work = root / "suite"
        if args.keep is not None and (work / "cassettes").is_dir():
            specs = generate(args.cases, args.files)
            bare = root / "bare"
            print(f"{args.cases} cases in {len(specs)} suite files, 2 models (reusing {work})")
        else:
            specs = write_suites(work, args.cases, args.files)
            bare = bare_project(root, args.cases)
            print(f"{args.cases} cases in {len(specs)} suite files, 2 models")
            rec, stats = record(work, 0, args.record_concurrency, args.timeout)
            print(
                f"recording: {rec.seconds:.1f} s wall, {rec.cpu_s:.1f} s CPU, "
                f"max RSS {rec.max_rss_mb:.0f} MB, {stats.requests} requests "
                f"({summary_line(rec.output)})"
            )
        write_rss_conftest(work)
        rss_file = root / "rss.txt"
        offline = {**clean_env(), "BENCH_RSS_FILE": str(rss_file)}
        print(f"{os.cpu_count()} cores; {args.runs} runs each, interleaved")

        kinds = {
            "bare pytest": (pytest_cmd("test_bare.py"), bare, (0,)),
            "bare pytest -n 2": (pytest_cmd("test_bare.py", "-n", "2"), bare, (0,)),
            "replay, no reports": (migrate_cmd(), work, (0, 1)),
            "replay + reports": (migrate_cmd(report=True), work, (0, 1)),
            "replay -n 2": (migrate_cmd("-n", "2"), work, (0, 1)),
        }
        walls: dict[str, list[float]] = {k: [] for k in kinds}
        rss: dict[str, list[float]] = {k: [] for k in kinds}
        workers: list[float] = []  # each -n 2 worker's peak, all runs
        summaries: dict[str, str] = {}
        for _ in range(args.runs):
            for label, (cmd, cwd, allowed) in kinds.items():
                rss_file.unlink(missing_ok=True)
                r = run(cmd, cwd, offline, args.timeout)
                check(r, label, allowed)
                walls[label].append(r.seconds)
                rss[label].append(r.max_rss_mb)
                summaries[label] = summary_line(r.output)
                if label == "replay -n 2" and rss_file.exists():
                    peaks = read_rss_file(rss_file)
                    workers += [mib for who, mib in peaks.items() if who != "main"]

        bare_rss = median(rss["bare pytest"])
        rows = [
            [
                label,
                f"{median(walls[label]):.1f}",
                f"{median(rss[label]):.0f}",
                f"{median(rss[label]) / bare_rss:.2f}",
                summaries[label],
            ]
            for label in kinds
        ]
        print(table(rows, ["", "wall s", "max RSS MB", "RSS x bare", "pytest"]))
        serial_wall, xdist_wall = median(walls["replay, no reports"]), median(walls["replay -n 2"])
        serial_rss = median(rss["replay, no reports"])
        faster = "faster" if xdist_wall < serial_wall else "slower"
        print(
            f"-n 2 against serial (no reports): wall {xdist_wall:.1f} s vs {serial_wall:.1f} s "
            f"({xdist_wall / serial_wall:.2f}x, {faster})"
        )
        bare_serial, bare_xdist = median(walls["bare pytest"]), median(walls["bare pytest -n 2"])
        print(
            f"-n 2 against serial, bare pytest ({args.cases} trivial tests): wall "
            f"{bare_xdist:.1f} s vs {bare_serial:.1f} s ({bare_xdist / bare_serial:.2f}x): "
            "what xdist itself costs here, the bound on -n 2 replay beating serial"
        )
        if workers:
            top = max(workers)
            print(
                f"-n 2 workers' peak RSS: median {median(workers):.0f} MB, max {top:.0f} MB, "
                f"against serial's {serial_rss:.0f} MB "
                f"({'within' if top <= serial_rss else 'above'} it)"
            )
        per_case = (median(rss["replay + reports"]) - bare_rss) * 1024 / args.cases
        print(f"over bare pytest: {per_case:.1f} KB per case (replay + reports)")

        sizes = [
            ["suite files", f"{size_mb(work / 'suites'):.1f}"],
            ["cassettes", f"{size_mb(work / 'cassettes'):.1f}"],
        ]
        sizes += [
            [f"report {p.name}", f"{size_mb(p):.2f}"] for p in sorted((work / "report").iterdir())
        ]
        print(table(sizes, ["on disk", "MB"]))


if __name__ == "__main__":
    main()
