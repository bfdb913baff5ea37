"""Recording shards end when their parent dies (issue 31).

`kill -9` of pytest while it records in several processes (`--record-processes`) must
not leave the shards behind: mid-recording they stop sending (what finished stays on
disk, whole), and a shard that has finished and is handing back its answers must not
block forever on a pipe nobody reads.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from devtools.local_openai import LocalServer

from helpers.recording_runs import (
    assert_complete_cassette,
    cassettes,
    environment,
    pytest_command,
    suite_text,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the shards from /proc"
)


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def _ended(pid: int) -> bool:
    """Gone, or a zombie nobody reaps yet (its parent, pytest, is dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rpartition(")")[2].split()[0] in ("Z", "X")


def _wait(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return bool(condition())  # type: ignore[operator]


@pytest.fixture
def shards() -> Iterator[list[int]]:
    """The shards a test saw; any still running at the end is killed (they are its own)."""
    seen: list[int] = []
    yield seen
    for pid in seen:
        if not _ended(pid):
            os.kill(pid, signal.SIGKILL)


def _start(
    root: Path, server: LocalServer, cases: int, concurrency: int
) -> subprocess.Popen[bytes]:
    (root / "suites").mkdir()
    (root / "suites" / "many.yaml").write_text(suite_text(cases))
    args = ("--record-mode", "once", "--concurrency", str(concurrency), "--record-processes", "2")
    return subprocess.Popen(
        pytest_command(*args, "--no-report"),
        cwd=root,
        env=environment(server),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_shards_stop_sending_when_the_parent_is_killed(tmp_path: Path, shards: list[int]) -> None:
    with LocalServer(latency_ms=300) as server:
        pytest_run = _start(tmp_path, server, cases=40, concurrency=2)
        try:
            assert _wait(lambda: len(cassettes(tmp_path)) >= 2, 30), "nothing was recorded"
            shards.extend(_children(pytest_run.pid))
            assert len(shards) == 2
        finally:
            pytest_run.kill()
            pytest_run.wait()
        # Each shard had about 20 cases per model left, one at a time: some 6 s of work.
        killed_at = time.monotonic()
        assert _wait(lambda: all(_ended(pid) for pid in shards), 2.0), "a shard outlived pytest"
        sent = server.stats.completions
        assert sent < 80, "the shards recorded everything after pytest died"
        time.sleep(0.5)
        assert server.stats.completions == sent, "a shard went on sending"
    assert time.monotonic() - killed_at < 4
    recorded = cassettes(tmp_path)
    for name in recorded:
        assert assert_complete_cassette(tmp_path / name) == 1, name
    assert not list((tmp_path / "cassettes").rglob("*.tmp"))


def test_a_shard_that_finished_does_not_wait_forever_to_hand_back_its_answers(
    tmp_path: Path, shards: list[int]
) -> None:
    """pytest is stopped (SIGSTOP) so it reads no answers; the shards record every case
    and write their answers (more than a pipe holds) back, then pytest is killed."""
    with LocalServer(latency_ms=0) as server:
        pytest_run = _start(tmp_path, server, cases=100, concurrency=8)
        try:
            assert _wait(lambda: len(_children(pytest_run.pid)) == 2, 30), "no shards"
            shards.extend(_children(pytest_run.pid))
            pytest_run.send_signal(signal.SIGSTOP)
            assert _wait(lambda: len(cassettes(tmp_path)) == 200, 30), "not every case recorded"
            time.sleep(0.3)  # the shards are writing their answers to the stopped parent
            assert not any(_ended(pid) for pid in shards), "a shard's answers fit the pipe"
        finally:
            pytest_run.kill()
            pytest_run.wait()
        assert _wait(lambda: all(_ended(pid) for pid in shards), 2.0), "a shard outlived pytest"
    for name in cassettes(tmp_path):
        assert assert_complete_cassette(tmp_path / name) == 1, name
