"""Recording through batches beside recording live, against the local server.

    /work/venv/bin/python benchmarks/bench_batch.py [--cases 10000] [--in-progress-s 2]
        [--poll 0.2] [--concurrency 8] [--files K]

Generates N cases (benchmarks/_suites.py) and records them twice with
`pytest --record-mode all`: live (`--concurrency` requests in flight per model, server
latency 0), then `--batch` (one batch per model, the server running each batch's lines
over `--in-progress-s` seconds, polled every `--poll` seconds). For each: wall time of
the whole pytest process, its peak RSS, its CPU time. For the batch run also the
ingestion: results written into cassettes per second, from the run's own log lines
(`batch ... answers into ... cassettes in ... s`), which time reading the output file,
parsing each line and writing each case's cassette atomically. The server's batch
timeline is a floor under the batch run's wall time; it is printed beside it.
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
from pathlib import Path

from _suites import (
    MODELS,
    Run,
    check,
    clean_env,
    migrate_cmd,
    record,
    run,
    summary_line,
    table,
    write_suites,
)
from devtools.local_openai import BatchPlan, LocalServer

_SUMMARY = re.compile(r"\d+ (?:passed|failed)[^=\n]* in [\d.]+s")
_INGESTED = re.compile(r"batch \S+ \((\w+)\): (\d+) answers into (\d+) cassettes in ([\d.]+) s")


def batch_record(work: Path, plan: BatchPlan, poll: float, timeout: float) -> tuple[Run, int]:
    """Record every case through batches against a fresh server; the batches it saw."""
    with LocalServer(latency_ms=0, batches=plan) as server:
        result = run(
            migrate_cmd(
                "--batch",
                "--batch-poll",
                str(poll),
                "-o",
                "log_cli=true",
                "--log-cli-level",
                "INFO",
                record_mode="all",
            ),
            work,
            clean_env(server.base_url),
            timeout,
        )
        check(result, "recording through batches")
        live_calls = server.stats.completions
    return result, live_calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--in-progress-s", type=float, default=2.0)
    parser.add_argument("--poll", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--files", type=int, default=None, help="suite files (default N/100)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="per subprocess, seconds")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mc-bench-batch-") as tmp:
        work = Path(tmp)
        specs = write_suites(work, args.cases, args.files)
        requests = args.cases * len(MODELS)
        print(
            f"{args.cases} cases x {len(MODELS)} models = {requests} requests, "
            f"{len(specs)} suite files"
        )
        live, _stats = record(work, 0.0, args.concurrency, args.timeout, "recording live")
        live_files = sum(1 for _ in (work / "cassettes").rglob("*.yaml"))
        shutil.rmtree(work / "cassettes")

        plan = BatchPlan(in_progress_s=args.in_progress_s)
        batched, live_calls = batch_record(work, plan, args.poll, args.timeout)
        batch_files = sum(1 for _ in (work / "cassettes").rglob("*.yaml"))
        ingested = [m.groups() for m in _INGESTED.finditer(batched.output)]
        answers = sum(int(n) for _status, n, _c, _s in ingested)
        ingest_s = sum(float(s) for _status, _n, _c, s in ingested)
        if live_calls:
            print(f"  the batch run made {live_calls} live calls (expected none)")

        rows = [
            [
                f"live, --concurrency {args.concurrency}",
                f"{live.seconds:.1f}",
                f"{live.max_rss_mb:.0f}",
                f"{live.cpu_s:.1f}",
                str(live_files),
                "-",
                summary_line(live.output),
            ],
            [
                f"--batch ({len(ingested)} batches)",
                f"{batched.seconds:.1f}",
                f"{batched.max_rss_mb:.0f}",
                f"{batched.cpu_s:.1f}",
                str(batch_files),
                f"{answers} in {ingest_s:.1f} s = {answers / ingest_s:,.0f}/s" if ingest_s else "-",
                (_SUMMARY.findall(batched.output) or ["(no summary line)"])[-1],
            ],
        ]
        header = ["recording", "wall s", "peak RSS MB", "CPU s", "cassettes", "ingested", "pytest"]
        print(table(rows, header))
        print(
            f"the server ran each batch's lines over {args.in_progress_s:g} s, polled every "
            f"{args.poll:g} s: a floor under the batch run's wall time"
        )


if __name__ == "__main__":
    main()
