"""`migrate-check import` of a large request log: wall time and peak memory by size.

    /work/venv/bin/python benchmarks/bench_import_scale.py [--lines 100000 1000000]
        [--src DIR] [--timeout 600] [--keep DIR]

Writes a JSONL request log of N lines (the four kinds of `_suites.py` in turn: a
structured-output classifier, JSON extraction, tool calls and free text, one in ten a
Responses API request, one in eight lines repeating an earlier request, as logs do) and
imports it with `python -m migrate_check.cli import LOG --suite suites/imported.yaml`
in a subprocess. Printed per size: the wall time, the peak RSS of the import (`os.wait4`),
the suite files written, their largest size and cases, and whether it finished within
`--timeout` (killed otherwise). `--src DIR` imports `migrate_check` from another source
tree (e.g. `git archive HEAD src | tar -x -C /tmp/base` for the figures before a change).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from _suites import KINDS, REQUEST, SYSTEM, clean_env, run, table, user_text

REPO = Path(__file__).resolve().parents[1]
MODEL = "gpt-4o-mini"


def request(n: int) -> dict[str, Any]:
    """Logged request number `n`; every eighth repeats an earlier one."""
    if n % 8 == 7:
        n = n // 2
    kind = KINDS[n % len(KINDS)]
    messages = [
        {"role": "system", "content": SYSTEM[kind]},
        {"role": "user", "content": user_text(kind, n)},
    ]
    if n % 10 == 3 and kind == "freetext":
        return {"model": MODEL, "input": messages, "max_output_tokens": 200}
    return {"model": MODEL, **REQUEST[kind], "messages": messages}


def write_log(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for n in range(lines):
            handle.write(json.dumps(request(n)) + "\n")


def measure(root: Path, lines: int, src: Path, timeout: float) -> list[str]:
    log = root / f"requests-{lines}.jsonl"
    if not log.exists():
        write_log(log, lines)
    work = root / f"import-{lines}"
    shutil.rmtree(work, ignore_errors=True)  # an earlier run's suites would be counted
    work.mkdir()
    (work / "pytest.ini").write_text("[pytest]\n")
    env = clean_env()
    env["PYTHONPATH"] = str(src)
    cmd = [sys.executable, "-m", "migrate_check.cli", "import", str(log)]
    result = run([*cmd, "--suite", "suites/imported.yaml", "--force"], work, env, timeout)
    suites = sorted((work / "suites").rglob("*.yaml")) if (work / "suites").exists() else []
    largest = max((p.stat().st_size for p in suites), default=0) / 2**20
    finished = "yes" if result.returncode == 0 else f"no (exit {result.returncode})"
    if result.seconds >= timeout:
        finished = f"no (killed at {timeout:.0f} s)"
    tail = result.output.strip().splitlines()[-1:] if result.returncode else []
    return [
        f"{lines:,}",
        f"{log.stat().st_size / 2**20:.0f} MiB",
        f"{result.seconds:.1f} s",
        f"{result.max_rss_mb:,.0f} MB",
        str(len(suites)),
        f"{largest:.1f} MiB",
        finished + (f": {tail[0][:80]}" if tail else ""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--src", type=Path, default=REPO / "src", help="migrate_check's tree")
    parser.add_argument("--timeout", type=float, default=600.0, help="per import, seconds")
    parser.add_argument("--keep", type=Path, default=None, help="work in DIR and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mc-bench-import-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        rows = [measure(root, n, args.src.resolve(), args.timeout) for n in args.lines]
    header = ["lines", "log", "wall time", "peak RSS", "suite files", "largest", "finished"]
    print(f"migrate_check from {args.src}")
    print(table(rows, header))


if __name__ == "__main__":
    main()
