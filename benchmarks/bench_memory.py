"""Peak memory replaying a large suite, and the sizes of what it reads and writes.

    /work/venv/bin/python benchmarks/bench_memory.py [--cases 10000] [--files K]
        [--record-concurrency 64]

Generates N cases (benchmarks/_suites.py), records them once against the local server
(latency 0, high concurrency; the time it took is printed), then replays them offline
twice: without reports and with the three reports written. Each figure is the max RSS of
that pytest process alone (`os.wait4`), beside bare pytest running N trivial
parametrized tests. Also printed: the cassettes' and the reports' sizes on disk.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _suites import (
    bare_project,
    check,
    clean_env,
    migrate_cmd,
    pytest_cmd,
    record,
    run,
    summary_line,
    table,
    write_suites,
)


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=None, help="suite files (default N/100)")
    parser.add_argument("--record-concurrency", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=1800.0, help="per subprocess, seconds")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mc-bench-memory-") as tmp:
        root = Path(tmp)
        work = root / "suite"
        specs = write_suites(work, args.cases, args.files)
        bare = bare_project(root, args.cases)
        print(f"{args.cases} cases in {len(specs)} suite files, 2 models")

        rec, stats = record(work, 0, args.record_concurrency, args.timeout)
        print(
            f"recording: {rec.seconds:.1f} s wall, {rec.cpu_s:.1f} s CPU, "
            f"max RSS {rec.max_rss_mb:.0f} MB, {stats.requests} requests "
            f"({summary_line(rec.output)})"
        )

        offline = clean_env()
        bare_run = run(pytest_cmd("test_bare.py"), bare, offline, args.timeout)
        check(bare_run, "bare pytest", (0,))
        plain = run(migrate_cmd(), work, offline, args.timeout)
        check(plain, "replay")
        reports = run(migrate_cmd(report=True), work, offline, args.timeout)
        check(reports, "replay with reports")

        rows = [
            [
                label,
                f"{r.max_rss_mb:.0f}",
                f"{r.max_rss_mb / bare_run.max_rss_mb:.2f}",
                f"{r.seconds:.1f}",
                summary_line(r.output),
            ]
            for label, r in (
                ("bare pytest", bare_run),
                ("replay, no reports", plain),
                ("replay + reports", reports),
            )
        ]
        print(table(rows, ["", "max RSS MB", "x bare", "wall s", "pytest"]))
        per_case = (reports.max_rss_mb - bare_run.max_rss_mb) * 1024 / args.cases
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
