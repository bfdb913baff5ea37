"""--batch with a result line the reader cannot take (longer than its bound, or not JSON):
that line fails its own case only, every other line is read into its cassette, and the
state file keeps the lines not taken, so the next run reads them again instead of paying
for them again. Real SDK, real HTTP, the local server's `[batch:pad=N]` and
`[batch:garble]` markers; the line bound is lowered so nothing writes 16 MiB."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import openai
import pytest
from devtools.local_openai import BatchPlan, LocalServer

from conftest import PAIR, write_suite
from migrate_check.sending import batch_results

STATE = ".migrate-check-batches.json"
LIMIT = 4096  # a chat completion's result line here is about 1 KiB
ARGS = ("--record-mode", "once", "--batch", "--batch-poll", "0.05", "--no-report", "-rA")

SUITE = """
    suite: big
    request:
      temperature: 0
    checks:
      - similarity: {min: 0}
    cases:
"""
# Larger than a network read, so the line arrives in several chunks as a real one would.
SPOILED = {"c1": f" [batch:pad={1024 * 1024}]", "c2": " [batch:garble]"}


@pytest.fixture
def batch_live(live: LocalServer) -> Iterator[LocalServer]:
    live.set_batch_plan(BatchPlan(in_progress_s=0.1))
    yield live
    live.set_batch_plan(BatchPlan())


def _suite(root: Path) -> None:
    lines = [SUITE]
    for number in range(4):
        text = f"Question {number}: when does order {number} ship?{SPOILED.get(f'c{number}', '')}"
        lines.append(
            f"      - id: c{number}\n        messages: [{{role: user, content: {text!r}}}]\n"
        )
    write_suite(root, "big", "".join(lines))


def _batch_ids(server: LocalServer) -> list[str]:
    client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
    return [b.id for b in client.batches.list(limit=100)]


def test_a_line_too_long_or_unreadable_fails_its_own_case_and_stays_pending(
    pytester: pytest.Pytester, batch_live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_results, "MAX_RESULT_LINE_BYTES", LIMIT)
    _suite(pytester.path)
    before = len(_batch_ids(batch_live))
    first = pytester.runpytest("--model-pair", PAIR, "-p", "no:cacheprovider", *ARGS)
    first.assert_outcomes(passed=2, failed=2)
    first.stdout.fnmatch_lines(
        [
            "*case big::c1*",
            f"*call to gpt-4o-mini failed: batch batch_* line mc-*: its result is longer than "
            f"{LIMIT} bytes*",
            "*case big::c2*",
            "*call to gpt-4o-mini failed: batch batch_* line mc-*: its result is not JSON*",
        ]
    )
    assert "big::c0: error" not in first.stdout.str()  # its cassette was written
    cassettes = pytester.path / "cassettes"
    written = sorted(p.parent.name for p in cassettes.rglob("*.yaml"))
    assert written == ["c0", "c0", "c3", "c3"]  # c3 comes after the spoiled lines
    state = json.loads((cassettes / STATE).read_text())
    pending = sorted(o for b in state["batches"] for o in b["lines"].values())
    assert pending == sorted(f"big/{c}/{m}.yaml" for c in ("c1", "c2") for m in PAIR.split(":"))
    assert len(_batch_ids(batch_live)) == before + 2
    lines_run = batch_live.batch_lines_run

    again = pytester.runpytest("--model-pair", PAIR, "-p", "no:cacheprovider", *ARGS)
    again.assert_outcomes(passed=2, failed=2)
    again.stdout.fnmatch_lines(["*case big::c1*", "*its result is longer than*"])
    assert len(_batch_ids(batch_live)) == before + 2, "the next run submitted again"
    assert batch_live.batch_lines_run == lines_run
    assert (cassettes / STATE).exists()


def test_result_lines_yield_an_overlong_line_s_start_and_go_on() -> None:
    parts: tuple[bytes, ...] = (
        b'{"custom_id": "a", "x": "',
        b"." * 50,
        b'"}\n{"custom_id": "b"}\n',
        b"x" * 30,
    )

    async def chunks() -> AsyncIterator[bytes]:
        for part in parts:
            yield part

    async def collect() -> list[object]:
        return [line async for line in batch_results.result_lines(chunks(), max_line_bytes=20)]

    first, second, third = asyncio.run(collect())
    assert isinstance(first, batch_results.Overlong) and first.custom_id == "a"
    assert first.size == len(parts[0]) + 52 and first.limit == 20
    assert second == b'{"custom_id": "b"}'
    assert isinstance(third, batch_results.Overlong) and third.custom_id is None
    # A whole overlong line within one chunk is caught too, not only a line across chunks.
    parts = (b'{"custom_id": "c", "x": "' + b"." * 50 + b'"}\n{}\n',)
    first, second = asyncio.run(collect())
    assert isinstance(first, batch_results.Overlong) and first.custom_id == "c"
    assert second == b"{}"
