"""`migrate-check import` of a large OTLP trace export: wall time and peak memory.

    /work/venv/bin/python benchmarks/bench_import_traces.py [--spans 100000]
        [--per-line 1000] [--distinct K] [--src DIR] [--timeout 600] [--keep DIR]

Writes an OTLP/JSON export of N LLM spans as the OpenTelemetry Collector's file exporter
does (one `{"resourceSpans": [...]}` object a line, `--per-line` spans in each), the
spans in turn in the three spellings the import reads: openllmetry's flat
`gen_ai.prompt.{i}.*` attributes, openinference's `llm.input_messages.{i}.*` with
`llm.invocation_parameters`, and the GenAI conventions' `gen_ai.input.messages` JSON.
Each is one of the four kinds of `_suites.py` (a structured-output classifier, JSON
extraction, tool calls, free text) with its recorded answer and token usage; every user
text differs (a case and a baseline cassette per span), or with `--distinct K` the spans
repeat K user texts, as traffic repeats itself (few cases: the reading is timed nearly
alone). Then imports it with `python -m migrate_check.cli import EXPORT --suite
suites/traces.yaml` in a subprocess. Printed per size: the export's size, the wall time,
the peak RSS of the import (`os.wait4`), the cases written and whether it finished within
`--timeout` (killed otherwise). `--src DIR` imports `migrate_check` from another source
tree (e.g. `git archive HEAD src | tar -x -C /tmp/base` for the figures before a change).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from _suites import KINDS, REQUEST, SYSTEM, TOOLS, clean_env, run, table, user_text
from devtools import otlp  # _suites put the repo root on the path

REPO = Path(__file__).resolve().parents[1]
MODEL = "gpt-4o-mini"
START = 1_750_000_000_000_000_000
SCOPES = (
    "opentelemetry.instrumentation.openai.v1",
    "openinference.instrumentation.openai",
    "opentelemetry.instrumentation.openai_v2",
)


def answer(kind: str, n: int) -> tuple[str | None, dict[str, Any] | None]:
    """The recorded answer of call `n`: its text, or the tool call it made."""
    if kind == "tools":
        return None, {"id": f"call_{n:08x}", "name": "get_weather", "arguments": '{"city":"Oslo"}'}
    if kind == "classifier":
        return json.dumps({"queue": "billing", "priority": "normal", "summary": f"case {n}"}), None
    if kind == "extraction":
        return json.dumps({"customer_name": "Ana", "order_id": 50_000 + n, "quantity": 2}), None
    return f"Release {n} is here: faster, simpler, yours.", None


def openllmetry(kind: str, n: int, system: str, user: str) -> dict[str, Any]:
    text, call = answer(kind, n)
    found: dict[str, Any] = {
        "llm.request.type": "chat",
        "gen_ai.system": "openai",
        "gen_ai.request.model": MODEL,
        "gen_ai.request.temperature": 0.0,
        "gen_ai.prompt.0.role": "system",
        "gen_ai.prompt.0.content": system,
        "gen_ai.prompt.1.role": "user",
        "gen_ai.prompt.1.content": user,
        "gen_ai.completion.0.role": "assistant",
        "gen_ai.completion.0.finish_reason": "tool_calls" if call else "stop",
    }
    if kind == "classifier":
        schema = REQUEST[kind]["response_format"]["json_schema"]["schema"]
        found["gen_ai.request.structured_output_schema"] = json.dumps(schema)
    if kind == "tools":
        for i, tool in enumerate(TOOLS):
            function = tool["function"]
            found[f"llm.request.functions.{i}.name"] = function["name"]
            found[f"llm.request.functions.{i}.description"] = function["description"]
            found[f"llm.request.functions.{i}.parameters"] = json.dumps(function["parameters"])
    if call:
        for key in ("id", "name", "arguments"):
            found[f"gen_ai.completion.0.tool_calls.0.{key}"] = call[key]
    else:
        found["gen_ai.completion.0.content"] = text
    return found


def openinference(kind: str, n: int, system: str, user: str) -> dict[str, Any]:
    text, call = answer(kind, n)
    params = {"model": MODEL, **{k: v for k, v in REQUEST[kind].items() if k != "tools"}}
    found: dict[str, Any] = {
        "openinference.span.kind": "LLM",
        "llm.system": "openai",
        "llm.provider": "openai",
        "llm.invocation_parameters": json.dumps(params),
        "llm.input_messages.0.message.role": "system",
        "llm.input_messages.0.message.content": system,
        "llm.input_messages.1.message.role": "user",
        "llm.input_messages.1.message.content": user,
        "llm.model_name": f"{MODEL}-2024-07-18",
        "llm.output_messages.0.message.role": "assistant",
        "llm.finish_reason": "tool_calls" if call else "stop",
    }
    if kind == "tools":
        for i, tool in enumerate(TOOLS):
            found[f"llm.tools.{i}.tool.json_schema"] = json.dumps(tool)
    if call:
        prefix = "llm.output_messages.0.message.tool_calls.0.tool_call"
        found[f"{prefix}.id"] = call["id"]
        found[f"{prefix}.function.name"] = call["name"]
        found[f"{prefix}.function.arguments"] = call["arguments"]
    else:
        found["llm.output_messages.0.message.content"] = text
    return found


def conventions(kind: str, n: int, system: str, user: str) -> dict[str, Any]:
    text, call = answer(kind, n)
    part = {"type": "tool_call", **call} if call else {"type": "text", "content": text}
    output = {
        "role": "assistant",
        "parts": [part],
        "finish_reason": "tool_call" if call else "stop",
    }
    found: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": MODEL,
        "gen_ai.response.model": f"{MODEL}-2024-07-18",
        "gen_ai.request.temperature": 0.0,
        "gen_ai.system_instructions": json.dumps([{"type": "text", "content": system}]),
        "gen_ai.input.messages": json.dumps(
            [{"role": "user", "parts": [{"type": "text", "content": user}]}]
        ),
        "gen_ai.output.messages": json.dumps([output]),
    }
    if kind == "extraction":
        found["gen_ai.output.type"] = "json"
    if kind == "tools":
        found["gen_ai.tool.definitions"] = json.dumps([t["function"] for t in TOOLS])
    return found


SPELLINGS = (openllmetry, openinference, conventions)


def span(n: int, distinct: int) -> dict[str, Any]:
    """LLM span number `n`: its kind and spelling in turn, its user text one of
    `distinct` (or its own when 0)."""
    kind = KINDS[n % len(KINDS)]
    spelling = (n // len(KINDS)) % len(SPELLINGS)
    text = user_text(kind, n % distinct if distinct else n)
    attributes = SPELLINGS[spelling](kind, n, SYSTEM[kind], text)
    attributes["gen_ai.usage.input_tokens"] = 40 + n % 200
    attributes["gen_ai.usage.output_tokens"] = 5 + n % 50
    start = START + n * 1_000_000_000
    return {
        "traceId": f"{n // 4:032x}",
        "spanId": f"{n + 1:016x}",
        "name": "openai.chat",
        "kind": 3,
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(start + 800_000_000),
        "attributes": otlp.attributes(attributes),
        "status": {},
    }


def write_export(path: Path, spans: int, per_line: int, distinct: int) -> None:
    """The collector's file exporter's layout: one export request a line."""
    resource = {"attributes": [{"key": "service.name", "value": {"stringValue": "bench"}}]}
    with path.open("w", encoding="utf-8") as handle:
        for first in range(0, spans, per_line):
            batch = [span(n, distinct) for n in range(first, min(first + per_line, spans))]
            scopes = [
                {"scope": {"name": scope}, "spans": batch[s :: len(SCOPES)]}
                for s, scope in enumerate(SCOPES)
            ]
            handle.write(
                json.dumps({"resourceSpans": [{"resource": resource, "scopeSpans": scopes}]})
            )
            handle.write("\n")


def measure(
    root: Path, spans: int, per_line: int, distinct: int, src: Path, timeout: float
) -> list[str]:
    export = root / f"traces-{spans}-{per_line}-{distinct}.jsonl"
    if not export.exists():
        write_export(export, spans, per_line, distinct)
    work = root / f"import-{spans}-{distinct}"
    if work.exists():  # an earlier run's suites would be counted
        shutil.rmtree(work)
    work.mkdir()
    (work / "pytest.ini").write_text("[pytest]\n")
    env = clean_env()
    env["PYTHONPATH"] = str(src)
    cmd = [sys.executable, "-m", "migrate_check.cli", "import", str(export)]
    result = run([*cmd, "--suite", "suites/traces.yaml", "--force"], work, env, timeout)
    wrote = [line for line in result.output.splitlines() if line.startswith("wrote")]
    cases = sum(
        int(m.group(1).replace(",", ""))
        for line in wrote
        if (m := re.search(r"(\d[\d,]*) cases?", line))
    )
    finished = "yes" if result.returncode == 0 else f"no (exit {result.returncode})"
    if result.seconds >= timeout:
        finished = f"no (killed at {timeout:.0f} s)"
    tail = result.output.strip().splitlines()[-1:] if result.returncode else []
    return [
        f"{spans:,}",
        f"{export.stat().st_size / 2**20:.0f} MiB",
        f"{result.seconds:.1f} s",
        f"{result.max_rss_mb:,.0f} MB",
        f"{cases:,}",
        finished + (f": {tail[0][:80]}" if tail else ""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, nargs="+", default=[100_000])
    parser.add_argument("--per-line", type=int, default=1_000, help="spans a line")
    parser.add_argument("--distinct", type=int, default=0, help="user texts (0: all differ)")
    parser.add_argument("--src", type=Path, default=REPO / "src", help="migrate_check's tree")
    parser.add_argument("--timeout", type=float, default=600.0, help="per import, seconds")
    parser.add_argument("--keep", type=Path, default=None, help="work in DIR and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mc-bench-traces-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        rows = [
            measure(root, n, args.per_line, args.distinct, args.src.resolve(), args.timeout)
            for n in args.spans
        ]
    texts = f"{args.distinct:,} distinct user texts" if args.distinct else "every user text differs"
    print(f"migrate_check from {args.src}; {args.per_line:,} spans a line; {texts}")
    print(table(rows, ["spans", "export", "wall time", "peak RSS", "cases", "finished"]))


if __name__ == "__main__":
    main()
