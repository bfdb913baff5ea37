"""Grading recorded cases with `embedding` and `judge`: the wall time grading adds, per
concurrency, when recording the grader's calls and when replaying them.

    /work/venv/bin/python benchmarks/bench_grading.py [--cases 500] [--latency-ms 50]
        [--concurrency 1 8 32]

Generates N cases (benchmarks/_suites.py) and records the pair's answers once (latency
0). Then, per concurrency C, against the local server answering after --latency-ms:

- `plain`: `pytest --record-mode once` over the suites as generated (every answer
  replays from its cassette: nothing is sent);
- `graded`: the same suites with `embedding` and `judge` added to every case, the grader
  cassettes deleted first, so `once` records exactly the grader's calls (one embeddings
  request per case, two judge requests per case whose answers differ) and replays the
  pair's;
- `added` = graded - plain, against the ideal: each grader model has its own budget of C
  requests in flight, so max(judge calls, embedding calls) x latency / C.

Last, the offline replay (`--record-mode none`, no server) of the graded suites against
the plain ones: what reading the grader cassettes adds. Wall times of whole pytest
subprocesses, nothing subtracted.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import yaml
from _suites import (
    check,
    clean_env,
    migrate_cmd,
    record,
    run,
    summary_line,
    table,
    write_suites,
)
from devtools.local_openai import LocalServer

GRADED = [{"embedding": {"min": 0.5}}, {"judge": {"rubric": "Keeps every fact of the first."}}]


def _suite_files(work: Path) -> list[Path]:
    return sorted((work / "suites").glob("*.yaml"))


def _set_graded(work: Path, originals: dict[Path, str], graded: bool) -> None:
    for path, text in originals.items():
        if not graded:
            path.write_text(text, encoding="utf-8")
            continue
        data = yaml.safe_load(text)
        data["checks"] = [*data.get("checks", []), *GRADED]
        path.write_text(yaml.safe_dump(data, sort_keys=False, width=1000), encoding="utf-8")


def _drop_grader_cassettes(work: Path) -> int:
    found = list((work / "cassettes").rglob("grader.*.yaml"))
    for path in found:
        path.unlink()
    return len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--timeout", type=float, default=900.0, help="per subprocess, seconds")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mc-bench-grading-") as tmp:
        work = Path(tmp)
        write_suites(work, args.cases)
        originals = {p: p.read_text(encoding="utf-8") for p in _suite_files(work)}
        record(work, 0.0, 32, args.timeout, "recording the pair")
        print(
            f"{args.cases} recorded cases; grader server latency {args.latency_ms:g} ms; "
            "checks added: embedding, judge"
        )
        rows = []
        for concurrency in args.concurrency:
            with LocalServer(latency_ms=args.latency_ms) as server:
                env = clean_env_for(server.base_url)
                _set_graded(work, originals, graded=False)
                plain = run(migrate_cmd(record_mode="once", concurrency=concurrency), work, env)
                check(plain, "plain run")
                _drop_grader_cassettes(work)
                _set_graded(work, originals, graded=True)
                server.stats.reset()
                graded = run(migrate_cmd(record_mode="once", concurrency=concurrency), work, env)
                check(graded, "graded run")
                by_model = dict(server.stats.by_model)
                judge_calls = by_model.get("gpt-4.1", 0)
                embedding_calls = len(
                    list((work / "cassettes").rglob("grader.text-embedding-3-small.yaml"))
                )
                max_in_flight = server.stats.max_in_flight
            ideal = max(judge_calls, embedding_calls) * args.latency_ms / 1000 / concurrency
            added = graded.seconds - plain.seconds
            rows.append(
                [
                    str(concurrency),
                    f"{judge_calls} + {embedding_calls}",
                    f"{plain.seconds:.2f}",
                    f"{graded.seconds:.2f}",
                    f"{added:.2f}",
                    f"{ideal:.2f}",
                    f"{max_in_flight} / {2 * concurrency}",
                    summary_line(graded.output),
                ]
            )
        print(
            table(
                rows,
                [
                    "concurrency",
                    "judge + embedding calls",
                    "plain s",
                    "graded s",
                    "added s",
                    "ideal added s",
                    "max in flight",
                    "pytest (graded)",
                ],
            )
        )
        offline_env = clean_env_for(None)
        _set_graded(work, originals, graded=False)
        plain = run(migrate_cmd(record_mode="none"), work, offline_env)
        check(plain, "plain replay")
        _set_graded(work, originals, graded=True)
        graded = run(migrate_cmd(record_mode="none"), work, offline_env)
        check(graded, "graded replay")
        if "no recording of the grader" in graded.output:
            raise SystemExit("the graded replay missed grader recordings")
        print(
            f"offline replay, no server: plain {plain.seconds:.2f} s, graded "
            f"{graded.seconds:.2f} s, added {graded.seconds - plain.seconds:.2f} s "
            f"({summary_line(graded.output)})"
        )


def clean_env_for(base_url: str | None) -> dict[str, str]:
    env = clean_env(base_url)
    if base_url is None:
        env["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1"  # a closed port: no network
        env.pop("OPENAI_API_KEY", None)
    return env


if __name__ == "__main__":
    main()
