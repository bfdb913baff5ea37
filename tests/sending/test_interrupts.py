"""Interrupts: Ctrl-C or a kill during recording leaves every cassette whole and loadable.

pytest runs as a real subprocess against the local server (slowed down), and is
signalled once the run has written some cassettes of its own.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from devtools.local_openai import LocalServer

from helpers.recording_runs import (
    assert_complete_cassette,
    cassettes,
    environment,
    interruptible,
    pytest_command,
    suite_text,
)

MODELS = ("gpt-4o-mini", "gpt-4.1-mini")
FIRST = 6  # cases recorded by an earlier, complete run
TOTAL = 40


@dataclass
class Interrupted:
    root: Path
    before: dict[str, bytes]
    output: str
    returncode: int


def interrupted_run(root: Path, sig: signal.Signals) -> Interrupted:
    """Record FIRST cases, then record TOTAL cases slowly and send `sig` midway."""
    (root / "suites").mkdir(parents=True)
    suite = root / "suites" / "many.yaml"
    suite.write_text(suite_text(FIRST))
    with LocalServer(latency_ms=0) as server:
        env = environment(server)
        subprocess.run(
            pytest_command("--record-mode", "once", "--no-report"),
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
        )
        before = cassettes(root)
        assert len(before) == FIRST * 2
        suite.write_text(suite_text(TOTAL))
        server.set_latency(300)
        process = subprocess.Popen(
            pytest_command("--record-mode", "new_episodes", "--concurrency", "2"),
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=interruptible,
        )
        deadline = time.monotonic() + 60
        while len(cassettes(root)) < len(before) + 6 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(sig)
        output, _ = process.communicate(timeout=60)
    return Interrupted(root, before, output, process.returncode)


@pytest.fixture(scope="module")
def after_ctrl_c(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Interrupted]:
    yield interrupted_run(tmp_path_factory.mktemp("sigint"), signal.SIGINT)


@pytest.fixture(scope="module")
def after_kill(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Interrupted]:
    yield interrupted_run(tmp_path_factory.mktemp("sigkill"), signal.SIGKILL)


def assert_every_cassette_whole(run: Interrupted) -> dict[str, bytes]:
    now = cassettes(run.root)
    assert len(run.before) + 6 <= len(now) < TOTAL * 2, "the run was not stopped midway"
    assert {name: now[name] for name in run.before} == run.before
    for name in now:
        assert assert_complete_cassette(run.root / name) == 1, name
    return now


def test_ctrl_c_leaves_every_cassette_whole_and_no_temporary_file(
    after_ctrl_c: Interrupted,
) -> None:
    assert after_ctrl_c.returncode == pytest.ExitCode.INTERRUPTED, after_ctrl_c.output
    assert "KeyboardInterrupt" in after_ctrl_c.output
    assert "Traceback" not in after_ctrl_c.output
    assert_every_cassette_whole(after_ctrl_c)
    assert not [p for p in (after_ctrl_c.root / "cassettes").rglob("*") if p.suffix == ".tmp"]


def test_ctrl_c_writes_the_report_of_what_finished(after_ctrl_c: Interrupted) -> None:
    report = json.loads((after_ctrl_c.root / "migrate-check-report" / "report.json").read_text())
    finished = {
        path.parent.name
        for path in (after_ctrl_c.root / "cassettes" / "many").glob("*/gpt-4.1-mini.yaml")
        if (path.parent / "gpt-4o-mini.yaml").is_file()
    }
    assert {case["id"] for case in report["cases"]} == finished


def test_a_kill_leaves_every_cassette_whole_and_a_rerun_completes(
    after_kill: Interrupted,
) -> None:
    assert after_kill.returncode == -signal.SIGKILL
    assert_every_cassette_whole(after_kill)
    with LocalServer(latency_ms=0) as server:
        rerun = subprocess.run(
            pytest_command("--record-mode", "new_episodes", "--no-report", "-q"),
            cwd=after_kill.root,
            env=environment(server),
            capture_output=True,
            text=True,
        )
    assert rerun.returncode == 0, rerun.stdout
    assert f"{TOTAL} passed" in rerun.stdout
    final = cassettes(after_kill.root)
    assert len(final) == TOTAL * 2
    assert {name: final[name] for name in after_kill.before} == after_kill.before
