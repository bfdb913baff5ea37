"""Live recording against the local server: wall time against the ideal, per concurrency.

    /work/venv/bin/python benchmarks/bench_live.py [--cases 500] [--latency-ms 200]
        [--concurrency 8 32] [--files K]

Generates N cases (benchmarks/_suites.py) and runs `pytest --record-mode all` over them
against the local server (127.0.0.1) answering after --latency-ms, once per concurrency.
Each model has its own budget of `--concurrency` requests in flight, so the ideal wall
time is requests x latency / (concurrency x 2). Nothing is subtracted from the wall time;
pytest's own startup (`pytest --version`, median of 3) is printed beside it. The server's
max_in_flight shows whether the budget was used (at most 2 x concurrency); the CPU
time of the pytest process shows whether the client, not the latency, set the pace.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from _suites import (
    MODELS,
    pytest_startup,
    record,
    summary_line,
    table,
    write_suites,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=200.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--files", type=int, default=None, help="suite files (default N/100)")
    parser.add_argument("--timeout", type=float, default=900.0, help="per subprocess, seconds")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mc-bench-live-") as tmp:
        work = Path(tmp)
        specs = write_suites(work, args.cases, args.files)
        requests = args.cases * len(MODELS)
        print(
            f"{args.cases} cases x {len(MODELS)} models = {requests} requests, "
            f"{len(specs)} suite files, server latency {args.latency_ms:g} ms"
        )
        startup = pytest_startup(work)
        rows = []
        for concurrency in args.concurrency:
            shutil.rmtree(work / "cassettes", ignore_errors=True)
            result, stats = record(
                work,
                args.latency_ms,
                concurrency,
                args.timeout,
                f"recording at --concurrency {concurrency}",
            )
            seen, max_in_flight = stats.requests, stats.max_in_flight
            if seen != requests:
                print(
                    f"  --concurrency {concurrency}: the server saw {seen} requests for "
                    f"{requests} completions (the plugin's model lookups, SDK retries)"
                )
            ideal = requests * args.latency_ms / 1000 / (concurrency * len(MODELS))
            rows.append(
                [
                    str(concurrency),
                    f"{result.seconds:.2f}",
                    f"{ideal:.2f}",
                    f"{result.seconds / ideal:.2f}",
                    f"{result.seconds - ideal:.2f}",
                    f"{result.cpu_s:.1f}",
                    f"{max_in_flight} / {concurrency * len(MODELS)}",
                    summary_line(result.output),
                ]
            )
        print(
            table(
                rows,
                [
                    "concurrency",
                    "wall s",
                    "ideal s",
                    "wall/ideal",
                    "over s",
                    "pytest CPU s",
                    "max in flight",
                    "pytest",
                ],
            )
        )
        print(
            f"pytest --version alone: {startup:.2f} s "
            "(median of 3; included in the wall times, not subtracted)"
        )


if __name__ == "__main__":
    main()
