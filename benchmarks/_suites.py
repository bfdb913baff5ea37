"""Shared by the benchmarks: generate suites, run pytest in a subprocess, print tables.

`write_suites(dest, cases, files)` writes `files` suite YAML files (four kinds, as in the
repo's `suites/`: a structured-output classifier, JSON extraction, tool calls and free
text) holding `cases` cases in all, plus the small module their `assert:` checks import.
It returns the suites as data, so other tools (promptfoo) can be fed the same prompts.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root: devtools/

from devtools.local_openai import LocalServer, Stats

KINDS = ("classifier", "extraction", "tools", "freetext")
PAIR = "gpt-4o-mini:gpt-4.1-mini"
MODELS = ("gpt-4o-mini", "gpt-4.1-mini")

TICKET_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "queue": {
            "type": "string",
            "enum": ["billing", "technical", "shipping", "account", "other"],
        },
        "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
        "summary": {"type": "string"},
    },
    "required": ["queue", "priority", "summary"],
    "additionalProperties": False,
}
ORDER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "customer_name": {"type": ["string", "null"]},
        "email": {"type": ["string", "null"]},
        "order_id": {"type": ["string", "integer", "null"]},
        "quantity": {"type": ["integer", "string", "null"]},
        "product": {"type": ["string", "null"]},
    },
}
TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get the current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string", "description": "City name"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
                "required": ["city"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "search_flights",
            "description": "Search flights between two cities on a date.",
            "parameters": {
                "type": "object",
                "properties": {
                    "origin": {"type": "string"},
                    "destination": {"type": "string"},
                    "date": {"type": "string", "description": "ISO date"},
                },
                "required": ["origin", "destination", "date"],
            },
        },
    },
]

SYSTEM = {
    "classifier": "Classify the support ticket into a queue and a priority. Reply in JSON.",
    "extraction": 'Extract "customer_name", "email", "order_id", "quantity" and "product" '
    "from the e-mail. Reply in JSON.",
    "tools": "You are a travel assistant. Use the tools when they help.",
    "freetext": "You write product copy for release notes.",
}
REQUEST: dict[str, dict[str, Any]] = {
    "classifier": {
        "temperature": 0,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "ticket", "strict": True, "schema": TICKET_SCHEMA},
        },
    },
    "extraction": {"temperature": 0, "response_format": {"type": "json_object"}},
    "tools": {"temperature": 0, "tools": TOOLS},
    "freetext": {"temperature": 0, "max_tokens": 200},
}
CHECKS: dict[str, list[dict[str, Any]]] = {
    "classifier": [
        {"schema": TICKET_SCHEMA},
        {"equal": {"path": "$.queue"}},
        {"equal": {"path": "$.priority"}},
        {"assert": "bench_checks:no_email"},
    ],
    "extraction": [
        {"schema": ORDER_SCHEMA},
        {"equal": {"path": "$.order_id"}},
        {"similarity": {"min": 70, "normalize": ["json"]}},
    ],
    "tools": [{"tool_calls": {}}, {"finish_reason": {}}],
    "freetext": [
        {"similarity": {"min": 75, "scorer": "token_set_ratio"}},
        {"assert": "bench_checks:short_text"},
    ],
}
CHECKS_MODULE = '''"""Assertions imported by the generated suites (`assert: bench_checks:...`)."""

import re

_EMAIL = re.compile(r"[\\w.+-]+@[\\w-]+\\.[\\w.]+")


def no_email(output):
    text = output if isinstance(output, str) else str(output.get("summary", ""))
    return _EMAIL.search(text) is None


def short_text(output):
    assert len(str(output)) < 2000, "answer too long"
'''

NAMES = ["Maria Lopez", "Tom Becker", "Kim Nguyen", "Priya Shah", "Lucas Martin", "Ana Costa"]
PRODUCTS = ["Aurora Desk Lamp", "Nimbus Kettle", "Atlas Backpack", "Vega Office Chair", "Luna Mug"]
CITIES = ["Paris", "Tokyo", "Oslo", "Lisbon", "Rome", "Vienna", "Madrid", "Berlin"]
TICKETS = [
    "I want my money back for order #{n}, the invoice charged me twice.",
    "I cannot log in to my account {n}, the password reset email never arrives.",
    "The mobile app crashes every time I open the settings page (build {n}).",
    "My parcel for order #{n} has not arrived, the shipping tracking is stuck.",
    "Please change the e-mail address on account {n}.",
]
FEATURES = [
    "search is now twice as fast",
    "exports to PDF and CSV",
    "the app works offline",
    "dark mode on all platforms",
    "filters remember your last choice",
]


def user_text(kind: str, n: int) -> str:
    """The user message of case number `n` of a kind; every case differs."""
    if kind == "classifier":
        return TICKETS[n % len(TICKETS)].format(n=10_000 + n)
    if kind == "extraction":
        name = NAMES[n % len(NAMES)]
        email = name.lower().replace(" ", ".") + "@example.org"
        product = PRODUCTS[n % len(PRODUCTS)]
        return (
            f"Hello, this is {name} ({email}). Please ship {1 + n % 9} units of the "
            f"{product}, order #{50_000 + n}."
        )
    if kind == "tools":
        city = CITIES[n % len(CITIES)]
        if n % 2:
            return f"Search flights from Berlin to {city} on 2026-12-{1 + n % 28:02d} (trip {n})."
        return f"What is the weather in {city} right now? (request {n})"
    return f"Write a one-sentence teaser for release {n}: {FEATURES[n % len(FEATURES)]}."


@dataclass
class SuiteSpec:
    """One generated suite file, as data."""

    name: str
    kind: str
    request: dict[str, Any]
    checks: list[dict[str, Any]]
    cases: list[dict[str, Any]] = field(default_factory=list)

    def to_yaml(self) -> dict[str, Any]:
        return {
            "suite": self.name,
            "description": f"Generated benchmark suite ({self.kind}).",
            "request": self.request,
            "checks": self.checks,
            "cases": self.cases,
        }


def default_files(cases: int) -> int:
    """Four kinds, and about one file per 100 cases (4 for 500, 20 for 2,000, 100 for 10,000)."""
    return max(4, 4 * (cases // 400))


def generate(cases: int, files: int | None = None) -> list[SuiteSpec]:
    """`files` suites of the four kinds in turn, `cases` cases in all, spread evenly."""
    files = files or default_files(cases)
    suites = [
        SuiteSpec(
            f"bench-{i:03d}-{KINDS[i % 4]}",
            KINDS[i % 4],
            REQUEST[KINDS[i % 4]],
            CHECKS[KINDS[i % 4]],
        )
        for i in range(files)
    ]
    for n in range(cases):
        suite = suites[n % files]
        suite.cases.append(
            {
                "id": f"case-{n:05d}",
                "messages": [
                    {"role": "system", "content": SYSTEM[suite.kind]},
                    {"role": "user", "content": user_text(suite.kind, n)},
                ],
            }
        )
    return [s for s in suites if s.cases]


def write_suites(dest: Path, cases: int, files: int | None = None) -> list[SuiteSpec]:
    """Write the suites under `dest/suites/`, a `pytest.ini` that pins the rootdir, and
    the assertions module; return the suites as data."""
    suites_dir = dest / "suites"
    suites_dir.mkdir(parents=True, exist_ok=True)
    (dest / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (suites_dir / "bench_checks.py").write_text(CHECKS_MODULE, encoding="utf-8")
    specs = generate(cases, files)
    for spec in specs:
        text = yaml.safe_dump(spec.to_yaml(), sort_keys=False, width=1000)
        (suites_dir / f"{spec.name}.yaml").write_text(text, encoding="utf-8")
    return specs


# -- running ------------------------------------------------------------------------------


@dataclass
class Run:
    """One subprocess: wall time, exit code, output, and its own CPU time and peak RSS."""

    seconds: float
    returncode: int
    output: str
    cpu_s: float
    max_rss_mb: float


BARE_TEST = """import pytest


@pytest.mark.parametrize("i", range({n}))
def test_x(i):
    assert i >= 0
"""


def bare_project(root: Path, cases: int) -> Path:
    """The yardstick: a project where bare pytest runs `cases` trivial parametrized tests."""
    bare = root / "bare"
    bare.mkdir()
    (bare / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (bare / "test_bare.py").write_text(BARE_TEST.format(n=cases), encoding="utf-8")
    return bare


def pytest_startup(work: Path) -> float:
    """pytest's own start-up (`pytest --version`), median of 3, printed beside wall times."""
    return median([run(pytest_cmd("--version"), work, clean_env()).seconds for _ in range(3)])


def clean_env(base_url: str | None = None) -> dict[str, str]:
    """The environment for a child: no real OpenAI settings, a fake key, loopback only.

    PYTHONDONTWRITEBYTECODE is dropped, as on a typical developer machine or CI: with it
    set, every run compiles and assertion-rewrites the plugin's modules again.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PYTEST_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["OPENAI_API_KEY"] = "sk-bench-offline"
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env.pop(name, None)
    if base_url:
        env["OPENAI_BASE_URL"] = base_url
    return env


def run(cmd: Sequence[str], cwd: Path, env: dict[str, str], timeout: float = 1800.0) -> Run:
    """Run a command to completion, killed after `timeout` seconds; time it.

    `os.wait4` gives the rusage of this one child (CPU, max RSS in KiB on Linux), which
    RUSAGE_CHILDREN cannot once an earlier, bigger child was waited for.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        assert proc.stdout is not None
        output = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, proc.returncode, output, cpu, usage.ru_maxrss / 1024)


def pytest_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args]


def migrate_cmd(
    *args: str, record_mode: str = "none", concurrency: int = 8, report: bool = False
) -> list[str]:
    """pytest over the generated suites with the benchmark's model pair."""
    extra = [] if report else ["--no-report"]
    return pytest_cmd(
        "suites",
        "--model-pair",
        PAIR,
        "--record-mode",
        record_mode,
        "--concurrency",
        str(concurrency),
        "--cassette-dir",
        "cassettes",
        "--report-dir",
        "report",
        *extra,
        *args,
    )


def check(result: Run, what: str, allowed: Sequence[int] = (0, 1)) -> None:
    """Stop with the tail of the output when a run ended in a way that voids its timing."""
    if result.returncode not in allowed:
        tail = "\n".join(result.output.splitlines()[-30:])
        raise SystemExit(f"{what} exited {result.returncode}:\n{tail}")


def record(
    work: Path, latency_ms: float, concurrency: int, timeout: float, what: str = "recording"
) -> tuple[Run, Stats]:
    """Record every case (`--record-mode all`) against a fresh local server; its counters."""
    with LocalServer(latency_ms=latency_ms) as server:
        result = run(
            migrate_cmd(record_mode="all", concurrency=concurrency),
            work,
            clean_env(server.base_url),
            timeout,
        )
        check(result, what)
    return result, server.stats


RSS_CONFTEST = """import os
import resource


def pytest_unconfigure(config):
    # Each process's own peak RSS (xdist workers too), for benchmarks/bench_memory.py.
    out = os.environ.get("BENCH_RSS_FILE")
    if out:
        who = getattr(config, "workerinput", {}).get("workerid", "main")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with open(out, "a", encoding="utf-8") as handle:
            handle.write(f"{who} {peak:.1f}\\n")
"""


def write_rss_conftest(work: Path) -> None:
    """A conftest beside the suites that writes each process's peak RSS (MiB) to the file
    named by `BENCH_RSS_FILE`, one `<worker id or main> <MiB>` line per process."""
    (work / "conftest.py").write_text(RSS_CONFTEST, encoding="utf-8")


def read_rss_file(path: Path) -> dict[str, float]:
    """`{"main": MiB, "gw0": MiB, ...}` as the conftest wrote them (then the file is removed)."""
    peaks = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        who, mib = line.split()
        peaks[who] = float(mib)
    path.unlink()
    return peaks


def summary_line(output: str) -> str:
    """pytest's closing line (`12 passed, 3 failed in 1.2s`)."""
    lines = [line for line in output.splitlines() if " in " in line and line[:1].isdigit()]
    return lines[-1].strip() if lines else "(no summary line)"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """A plain text table, first column left-aligned, the rest right-aligned."""
    all_rows = [list(header), *[list(r) for r in rows]]
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(header))]
    out = []
    for n, row in enumerate(all_rows):
        cells = [
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
