"""`migrate-check import --sample N` of a large request log: wall time and peak memory.

    /work/venv/bin/python benchmarks/bench_import_sampling.py [--lines 100000]
        [--templates 40] [--sample 200] [--src DIR] [--timeout 600] [--keep DIR]

Writes a JSONL log of N logged calls spread over T templates (system prompts, some with
tools or a JSON schema, one in five a Responses request with `instructions`), weighted
like traffic (template k gets a share of 1/(k+1); the last three get 3 calls each), the
user text repeating now and then and one call in four holding an e-mail address or a
phone number. Then imports it in a subprocess (`python -m migrate_check.cli import`)
three ways: whole (no sample, the reference), `--sample N`, and `--sample N --redact all`.
Printed per way: the wall time, the peak RSS of the import (`os.wait4`), the cases
written and the coverage line the import printed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from _suites import clean_env, run, table

REPO = Path(__file__).resolve().parents[1]
WORDS = [
    "invoice",
    "parcel",
    "refund",
    "password",
    "meeting",
    "contract",
    "delivery",
    "plan",
    "seat",
    "visa",
]
PLACES = [
    "Oslo",
    "Lima",
    "Accra",
    "Hanoi",
    "Quito",
    "Perth",
    "Riga",
    "Doha",
    "Turin",
    "Cork",
    "Nice",
    "Kyiv",
    "Bern",
]
TOOL = {
    "type": "function",
    "function": {
        "name": "lookup",
        "parameters": {"type": "object", "properties": {"id": {"type": "string"}}},
    },
}
SCHEMA = {
    "type": "json_schema",
    "json_schema": {
        "name": "label",
        "schema": {"type": "object", "properties": {"label": {"type": "string"}}},
    },
}


def template_of(n: int, templates: int, lines: int) -> int:
    """The template of call `n`: the last three are rare (3 calls each), the rest by
    weight 1/(k+1)."""
    rare = templates - 3
    for k in range(3):
        if n in (k * 7 + 5, lines // 2 + k, lines - 3 - k * 11):
            return rare + k
    weights = [1 / (k + 1) for k in range(rare)]
    point = ((n * 2654435761) % 2**32) / 2**32 * sum(weights)
    for k, weight in enumerate(weights):
        if point < weight:
            return k
        point -= weight
    return rare - 1


def logged(n: int, templates: int, lines: int) -> dict[str, Any]:
    k = template_of(n, templates, lines)
    text = f"My {WORDS[n % 10]} from {PLACES[n % 13]} ({WORDS[(n // 10) % 10]}), ticket {n % 977}."
    if n % 4 == 0:
        text += f" Reach me at user{n % 5000}@example.com or +1 415 555 {n % 10_000:04d}."
    name = "".join(chr(ord("a") + int(d)) for d in str(k))  # digits would normalise alike
    system = f"You are assistant {name} of the help desk. Keep answers short."
    body: dict[str, Any] = {"model": "gpt-4o-mini"}
    if k % 5 == 4:
        body["instructions"] = system
        body["input"] = [{"role": "user", "content": text}]
    else:
        body["messages"] = [
            {"role": "system", "content": system},
            {"role": "user", "content": text},
        ]
    if k % 3 == 1:
        body["tools"] = [TOOL]
    elif k % 7 == 2 and "messages" in body:
        body["response_format"] = SCHEMA
    return body


def write_log(path: Path, lines: int, templates: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for n in range(lines):
            handle.write(json.dumps(logged(n, templates, lines)) + "\n")


def measure(log: Path, work: Path, extra: list[str], src: Path, timeout: float) -> list[str]:
    work.mkdir(parents=True, exist_ok=True)
    (work / "pytest.ini").write_text("[pytest]\n")
    env = clean_env()
    env["PYTHONPATH"] = str(src)
    cmd = [sys.executable, "-m", "migrate_check.cli", "import", str(log)]
    result = run([*cmd, "--suite", "suites/s.yaml", "--force", *extra], work, env, timeout)
    lines = result.output.splitlines()
    wrote = next((line for line in lines if line.startswith("wrote")), "")
    coverage = next((line.split("sample: ", 1)[1] for line in lines if "sample: " in line), "-")
    finished = "yes" if result.returncode == 0 else f"no (exit {result.returncode})"
    if result.seconds >= timeout:
        finished = f"no (killed at {timeout:.0f} s)"
    counted = re.search(r"(\d[\d,]*) cases?", wrote)
    cases = counted.group(1) if counted else "-"
    return [
        " ".join(extra) or "(whole log)",
        f"{result.seconds:.1f} s",
        f"{result.max_rss_mb:,.0f} MB",
        cases,
        finished,
        coverage,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--templates", type=int, default=40)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--src", type=Path, default=REPO / "src", help="migrate_check's tree")
    parser.add_argument("--timeout", type=float, default=600.0, help="per import, seconds")
    parser.add_argument("--keep", type=Path, default=None, help="work in DIR and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mc-bench-sample-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        log = root / f"calls-{args.lines}.jsonl"
        if not log.exists():
            write_log(log, args.lines, args.templates)
        size = f"{log.stat().st_size / 2**20:.0f} MiB"
        sample = ["--sample", str(args.sample)]
        ways = [[], sample, [*sample, "--redact", "all"]]
        rows = [
            measure(log, root / f"import-{n}", way, args.src.resolve(), args.timeout)
            for n, way in enumerate(ways)
        ]
    print(f"{args.lines:,} logged calls ({size}) in {args.templates} templates")
    print(table(rows, ["import", "wall time", "peak RSS", "cases", "finished", "coverage"]))


if __name__ == "__main__":
    main()
