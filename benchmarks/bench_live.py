"""Live recording against the local server: wall time against the ideal, per concurrency.

    .venv/bin/python benchmarks/bench_live.py [--cases 500] [--latency-ms 200]
        [--concurrency 8 32 128] [--runs 3] [--files K] [--processes N]
        [--before SRC]

Generates N cases (benchmarks/_suites.py) and runs `pytest --record-mode all` over them
against the local server (127.0.0.1) answering after --latency-ms, --runs times per
concurrency, and prints the median of each figure (the ratios are of the medians).
Each model has its own budget of `--concurrency` requests in flight, so the ideal wall
time is requests x latency / (concurrency x 2). Nothing is subtracted from the wall
time; pytest's own startup (`pytest --version`, median of 3) is printed beside it.

- req/s: requests / wall time, the whole run (startup, collection, judging included).
- sending req/s: requests / (first to last model call's arrival at the server +
  latency): the rate while requests go out, which the client's CPU bounds.
- sending/ideal: that sending time against the ideal; outside sending s: the wall time
  before the first call and after the last answer (startup, collection, importing the
  SDK, forking, judging, the summary, exit), which no concurrency shortens.
- CPU s: the pytest process and its recording processes (user + system).
- max in flight: the server's, at most 2 x concurrency, and the two models-list lookups
  (shutdown dates) that go out beside the cases.

`--processes N` passes `--record-processes N` (default: the plugin's own choice, one
per core). `--before SRC` runs the same rows with the plugin imported from SRC first (a
`src/` folder of another checkout, e.g. `git archive <rev> src | tar -x -C /tmp/old`),
taking runs in turn, and prints the before/after table with the speed-up.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from _suites import (
    MODELS,
    check,
    clean_env,
    median,
    migrate_cmd,
    pytest_startup,
    run,
    table,
    write_suites,
)
from devtools.local_openai import LocalServer


@dataclass
class Sample:
    wall_s: float
    cpu_s: float
    sending_s: float
    max_in_flight: int


def record_once(
    work: Path, latency_ms: float, concurrency: int, processes: int | None, src: str | None
) -> Sample:
    """One `--record-mode all` run over the generated suites against a fresh server."""
    shutil.rmtree(work / "cassettes", ignore_errors=True)
    extra = ["--record-processes", str(processes)] if processes else []
    with LocalServer(latency_ms=latency_ms) as server:
        env = clean_env(server.base_url)
        if src:
            env["PYTHONPATH"] = src
        result = run(
            migrate_cmd(*extra, record_mode="all", concurrency=concurrency), work, env, 900
        )
        check(result, f"recording at --concurrency {concurrency}")
        sending = server.stats.calls_span + latency_ms / 1000
        return Sample(result.seconds, result.cpu_s, sending, server.stats.max_in_flight)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=200.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32, 128])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--files", type=int, default=None, help="suite files (default N/100)")
    parser.add_argument("--processes", type=int, default=None, help="--record-processes N")
    parser.add_argument("--before", default=None, help="another checkout's src/ to compare")
    args = parser.parse_args()

    trees = {"after": None} if args.before is None else {"before": args.before, "after": None}
    with tempfile.TemporaryDirectory(prefix="mc-bench-live-") as tmp:
        work = Path(tmp)
        specs = write_suites(work, args.cases, args.files)
        requests = args.cases * len(MODELS)
        print(
            f"{args.cases} cases x {len(MODELS)} models = {requests} requests, "
            f"{len(specs)} suite files, server latency {args.latency_ms:g} ms, "
            f"median of {args.runs} runs, runs of each tree taken in turn"
        )
        startup = pytest_startup(work)
        samples: dict[tuple[str, int], list[Sample]] = {}
        for concurrency in args.concurrency:
            for _ in range(args.runs):
                for tree, src in trees.items():
                    sample = record_once(work, args.latency_ms, concurrency, args.processes, src)
                    samples.setdefault((tree, concurrency), []).append(sample)
        rows = []
        for concurrency in args.concurrency:
            ideal = requests * args.latency_ms / 1000 / (concurrency * len(MODELS))
            for tree in trees:
                taken = samples[(tree, concurrency)]
                wall = median([s.wall_s for s in taken])
                sending = median([s.sending_s for s in taken])
                rows.append(
                    [
                        f"{concurrency} {tree}" if len(trees) > 1 else str(concurrency),
                        f"{wall:.2f}",
                        f"{ideal:.2f}",
                        f"{wall / ideal:.2f}",
                        f"{requests / wall:.0f}",
                        f"{requests / sending:.0f}",
                        f"{sending / ideal:.2f}",
                        f"{wall - sending:.2f}",
                        f"{median([s.cpu_s for s in taken]):.1f}",
                        f"{max(s.max_in_flight for s in taken)} / {concurrency * len(MODELS)}",
                    ]
                )
        header = [
            "in flight/model",
            "wall s",
            "ideal s",
            "wall/ideal",
            "req/s",
            "sending req/s",
            "sending/ideal",
            "outside sending s",
            "CPU s",
            "max in flight",
        ]
        print(table(rows, header))
        if len(trees) > 1:
            for concurrency in args.concurrency:
                before = median([s.wall_s for s in samples[("before", concurrency)]])
                after = median([s.wall_s for s in samples[("after", concurrency)]])
                print(
                    f"--concurrency {concurrency}: {before / after:.2f}x the requests per "
                    f"second of before ({before:.2f} s -> {after:.2f} s)"
                )
        print(
            f"pytest --version alone: {startup:.2f} s "
            "(median of 3; included in the wall times, not subtracted)"
        )


if __name__ == "__main__":
    main()
