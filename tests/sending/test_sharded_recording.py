"""Live recording spread over processes (`--record-processes`): every case recorded once,
each model's budget and rate limit shared, and Ctrl-C or an exhausted quota stop every
process the way they stop one.

The end-to-end tests run pytest as a real subprocess: a process with other threads
running (an xdist worker) never forks, so in-process pytester runs would not shard.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import time
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
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion, CompletionsByCase
from migrate_check.sending.pacing import RateGate
from migrate_check.sending.sharded import (
    _Collected,
    running_alongside,
    shard_count,
    split_budget,
    split_jobs,
)

SHARDED = ("--record-processes", "2", "-o", "log_cli=true", "--log-cli-level", "INFO")


def case(n: int) -> Case:
    return Case(suite="s", id=f"c{n}", request={"messages": []}, checks=())


def test_jobs_are_dealt_per_model_so_every_shard_sends_every_model() -> None:
    jobs = [(case(n), model) for n in range(5) for model in ("a", "b")]
    shares = split_jobs(jobs, 2)
    assert [[(c.id, m) for c, m in share] for share in shares] == [
        [("c0", "a"), ("c0", "b"), ("c2", "a"), ("c2", "b"), ("c4", "a"), ("c4", "b")],
        [("c1", "a"), ("c1", "b"), ("c3", "a"), ("c3", "b")],
    ]


@pytest.mark.parametrize(
    ("concurrency", "shards", "budgets"), [(8, 2, [4, 4]), (5, 2, [3, 2]), (3, 3, [1, 1, 1])]
)
def test_shards_share_the_budget_it_adds_up(
    concurrency: int, shards: int, budgets: list[int]
) -> None:
    assert split_budget(concurrency, shards) == budgets
    assert sum(budgets) == concurrency


def test_never_more_processes_than_requests_in_flight_and_one_when_asked() -> None:
    assert shard_count(10_000, 8, wanted=1) == 1
    assert shard_count(10_000, 1, wanted=4) == 1
    assert shard_count(50, 8, wanted=None) == 1  # too few requests to pay for a fork


def test_a_429_in_one_process_holds_back_the_others() -> None:
    shared = multiprocessing.get_context("fork").RawValue("d", 0.0)
    here, there = RateGate(shared=shared), RateGate(shared=shared)
    assert there.delay() == 0
    here.observe(429, {"retry-after": "5"})
    assert 4 < there.delay() <= 5


def test_cases_a_process_never_answered_are_errors_not_lost() -> None:
    results: CompletionsByCase = {}

    class Sender:
        write_errors: list[object] = []

    collected = _Collected(Sender(), results)  # type: ignore[arg-type]
    share = [(case(1), "m"), (case(2), "m")]
    answered = {(case(1).key, "m"): [Completion(model="m", text="hi")]}
    collected.take(
        {"results": answered, "write_errors": [], "quota": None, "failure": "MemoryError: x"},
        share,
    )
    assert results[(case(1).key, "m")][0].text == "hi"
    assert results[(case(2).key, "m")][0].error == ("the recording process failed: MemoryError: x")


def run(root: Path, server: LocalServer, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        pytest_command(*args),
        cwd=root,
        env=environment(server),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_case_is_recorded_once_within_each_models_budget(tmp_path: Path) -> None:
    (tmp_path / "suites").mkdir()
    (tmp_path / "suites" / "many.yaml").write_text(suite_text(24))
    with LocalServer(latency_ms=40) as server:
        result = run(tmp_path, server, "--record-mode", "once", "--concurrency", "3", *SHARDED)
        assert result.returncode == 0, result.stdout[-3000:]
        assert "recording in 2 processes, each with 2/1 requests in flight" in result.stdout
        assert server.stats.completions == 48  # each case once on each model
        # 3 per model, however split, and the two models-list lookups beside them
        assert server.stats.max_in_flight <= 6 + 2
        assert_dates_asked_while_sending(server)
        recorded = cassettes(tmp_path)
        assert len(recorded) == 48
        for name in recorded:
            assert assert_complete_cassette(tmp_path / name) == 1
        replayed = run(tmp_path, server, "--record-mode", "none")
        assert "24 passed" in replayed.stdout, replayed.stdout[-3000:]
        assert server.stats.completions == 48  # replay sent nothing
    report = json.loads((tmp_path / "migrate-check-report" / "report.json").read_text())
    assert len(report["cases"]) == 24


def assert_dates_asked_while_sending(server: LocalServer) -> None:
    """The models list was asked for each model's shutdown date once, while cases were
    still being sent, not after the last answer."""
    lookups = server.stats.model_lookups
    assert sorted(model for model, _ in lookups) == ["gpt-4.1-mini", "gpt-4o-mini"]
    assert server.stats.last_call_at is not None
    assert max(at for _, at in lookups) < server.stats.last_call_at


def test_one_process_asks_the_shutdown_dates_once_it_has_sent_everything(
    tmp_path: Path,
) -> None:
    """Recording in this process, vcrpy patches its HTTP clients (a request outside a
    case is refused): the lookups wait until every case is sent, and nothing fails."""
    (tmp_path / "suites").mkdir()
    (tmp_path / "suites" / "many.yaml").write_text(suite_text(8))
    with LocalServer(latency_ms=20) as server:
        args = ("--record-mode", "once", "--concurrency", "2", "--record-processes", "1")
        result = run(tmp_path, server, *args)
        assert result.returncode == 0, result.stdout[-3000:]
        assert "recording in" not in result.stdout
        assert "Traceback" not in result.stdout + result.stderr
        assert server.stats.completions == 16
        lookups = server.stats.model_lookups
        assert sorted(model for model, _ in lookups) == ["gpt-4.1-mini", "gpt-4o-mini"]
        assert server.stats.last_call_at is not None
        assert min(at for _, at in lookups) > server.stats.last_call_at


def test_work_alongside_runs_once_and_its_failure_stays_its_own() -> None:
    ran: list[str] = []
    with running_alongside(lambda: ran.append("asked")):
        pass
    assert ran == ["asked"]

    def fails() -> None:
        raise RuntimeError("models list down")

    with running_alongside(fails):
        ran.append("sent")  # the block itself is unaffected, and nothing is raised after
    assert ran == ["asked", "sent"]
    with running_alongside(None):
        ran.append("nothing alongside")
    assert ran[-1] == "nothing alongside"


def test_ctrl_c_never_lands_on_the_work_alongside() -> None:
    """The main thread blocks SIGINT while it reads a shard's answers; the thread beside
    it blocks SIGINT throughout, so the kernel holds a Ctrl-C for the main thread."""
    masks: list[set[int | signal.Signals]] = []
    with running_alongside(lambda: masks.append(signal.pthread_sigmask(signal.SIG_BLOCK, []))):
        pass
    assert signal.SIGINT in masks[0]
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_an_exhausted_quota_in_one_process_stops_them_all(tmp_path: Path) -> None:
    (tmp_path / "suites").mkdir()
    text = suite_text(40).replace('"Question 1"', '"Question 1 [fault:insufficient_quota:always]"')
    (tmp_path / "suites" / "many.yaml").write_text(text)
    with LocalServer(latency_ms=150) as server:
        result = run(tmp_path, server, "--record-mode", "once", "--concurrency", "2", *SHARDED)
        output = result.stdout + result.stderr
        assert result.returncode == pytest.ExitCode.INTERRUPTED, output[-3000:]
        assert "quota is exhausted (insufficient_quota)" in output
        assert "Traceback" not in output
        assert server.stats.completions < 60, "the other process went on recording"
    for name in cassettes(tmp_path):
        assert assert_complete_cassette(tmp_path / name) == 1


@pytest.mark.parametrize("to_group", [False, True], ids=["kill-parent", "terminal-group"])
def test_ctrl_c_stops_every_process_and_keeps_what_finished(tmp_path: Path, to_group: bool) -> None:
    """SIGINT to pytest alone (`kill -INT`), or to its whole process group as a terminal's
    Ctrl-C sends it: either way each shard stops once and hands back what finished, and
    every case the report shows answered has its cassette on disk."""
    (tmp_path / "suites").mkdir()
    suite = tmp_path / "suites" / "many.yaml"
    suite.write_text(suite_text(4))
    with LocalServer(latency_ms=0) as server:
        assert run(tmp_path, server, "--record-mode", "once", "--no-report").returncode == 0
        before = cassettes(tmp_path)
        suite.write_text(suite_text(40))
        server.set_latency(300)
        process = subprocess.Popen(
            pytest_command("--record-mode", "new_episodes", "--concurrency", "2", *SHARDED),
            cwd=tmp_path,
            env=environment(server),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, which a terminal would signal
            preexec_fn=interruptible,
        )
        deadline = time.monotonic() + 60
        while len(cassettes(tmp_path)) < len(before) + 6 and time.monotonic() < deadline:
            time.sleep(0.02)
        if to_group:
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == pytest.ExitCode.INTERRUPTED, output[-3000:]
    assert "recording in 2 processes" in output
    now = cassettes(tmp_path)
    assert len(before) + 6 <= len(now) < 80, "the run was not stopped midway"
    assert {name: now[name] for name in before} == before
    for name in now:
        assert assert_complete_cassette(tmp_path / name) == 1, name
    assert not list((tmp_path / "cassettes").rglob("*.tmp"))
    assert "the recording process" not in output  # no shard was killed or lost
    report = json.loads((tmp_path / "migrate-check-report" / "report.json").read_text())
    answered = [c for c in report["cases"] if not c.get("error")]
    assert len(answered) >= 3, "the report lost what finished"
    for answered_case in answered:
        folder = tmp_path / "cassettes" / "many" / answered_case["id"]
        assert len(list(folder.glob("*.yaml"))) == 2, f"{answered_case['id']} answered, not saved"


def test_a_cancelled_run_still_writes_every_cassette_whose_answers_it_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writes queue behind busy threads (an fsync on a slow disk); Ctrl-C cancels the run
    meanwhile. Every case whose answers were kept must still reach the disk."""
    import asyncio

    from vcr.request import Request

    from migrate_check.cassettes import recording
    from migrate_check.cassettes.files import open_case_cassette
    from migrate_check.core import atomic

    real_write = atomic.write_atomic

    def slow_write(path: Path, text: str) -> None:
        time.sleep(0.05)
        real_write(path, text)

    monkeypatch.setattr("migrate_check.cassettes.recording.write_atomic", slow_write)
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"content-type": ["application/json"]},
        "body": {"string": b'{"choices": []}'},
    }
    kept: set[int] = set()

    async def one_case(router: object, n: int) -> None:
        cassette = open_case_cassette(tmp_path / f"c{n}" / "m.yaml", "once")
        request = Request("POST", "http://x/v1/chat/completions", b'{"model": "m"}', {})
        cassette.append(request, response)
        await asyncio.sleep(0.001 * (n % 3))
        kept.add(n)  # as the runner keeps the answers before releasing the cassette
        await recording.release_case_cassette(router, cassette)

    async def run_then_cancel() -> None:
        with recording.recording_session() as router:
            async with asyncio.TaskGroup() as group:
                for n in range(30):
                    group.create_task(one_case(router, n))
                task = asyncio.current_task()
                assert task is not None
                asyncio.get_running_loop().call_later(0.02, task.cancel)  # what Ctrl-C does

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(run_then_cancel())
    written = {int(p.parent.name[1:]) for p in tmp_path.rglob("m.yaml")}
    assert kept and written == kept
