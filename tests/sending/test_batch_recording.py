"""--batch: the missing exchanges recorded through the Files and Batch APIs of the local
server with the real SDK, into cassettes that plain vcrpy and offline replay read."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml
from devtools.local_openai import BatchPlan, LocalServer

from conftest import PAIR, TRIAGE_SUITE, write_suite
from helpers.recording_runs import interruptible

FAST = BatchPlan(in_progress_s=0.1)
STATE = ".migrate-check-batches.json"


@pytest.fixture
def batch_live(live: LocalServer) -> Iterator[LocalServer]:
    """The live server with quick batches; default timing again afterwards."""
    live.set_batch_plan(FAST)
    yield live
    live.set_batch_plan(BatchPlan())


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--model-pair", PAIR, "-p", "no:cacheprovider", *args)


def _batch_ids(server: LocalServer) -> list[str]:
    client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
    return [b.id for b in client.batches.list(limit=100)]


def _report(root: Path, folder: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / folder / "report.json").read_text())
    return data


def _cases(report: dict[str, Any]) -> dict[str, Any]:
    """What a case's judging saw, without ids, timestamps, latency and cost."""
    found = {}
    for case in report["cases"]:
        sides = {}
        for side in ("baseline", "candidate"):
            sides[side] = [
                (c["text"], c["finish_reason"], c["usage"], c["error"], c["response_model"])
                for c in case[side]["completions"]
            ]
        checks = [(c["check"], c["outcome"], c["reason"]) for c in case["checks"]]
        found[case["key"]] = (case["outcome"], sides, checks)
    return found


def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def test_a_batch_recording_replays_like_a_live_one(
    pytester: pytest.Pytester, batch_live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    before = len(_batch_ids(batch_live))
    _run(pytester, "--record-mode", "once", "--cassette-dir", "live", "--no-report")
    assert batch_live.stats.completions == 6
    batch_live.reset_counters()  # the batch's answers are then those of first calls too
    batch_live.stats.reset()
    recorded = _run(
        pytester, "--record-mode", "once", "--batch", "--batch-poll", "0.05",
        "--cassette-dir", "batched", "--no-report",
    )  # fmt: skip
    recorded.assert_outcomes(passed=2, failed=1)
    assert batch_live.stats.completions == 0, "a batch run made live calls"
    assert len(_batch_ids(batch_live)) == before + 2  # one batch per model
    assert not (pytester.path / "batched" / STATE).exists()

    live_cassette = yaml.safe_load(
        (pytester.path / "live/triage/refund/gpt-4o-mini.yaml").read_text()
    )
    batch_cassette = yaml.safe_load(
        (pytester.path / "batched/triage/refund/gpt-4o-mini.yaml").read_text()
    )
    (live_x,) = live_cassette["interactions"]
    (batch_x,) = batch_cassette["interactions"]
    for field in ("method", "uri", "headers"):
        assert batch_x["request"][field] == live_x["request"][field], field
    assert json.loads(batch_x["request"]["body"]) == json.loads(live_x["request"]["body"])
    assert batch_x["response"]["headers"]["openai-batch-id"][0].startswith("batch")
    live_body = json.loads(live_x["response"]["body"]["string"])
    batch_body = json.loads(batch_x["response"]["body"]["string"])
    for volatile in ("id", "created", "system_fingerprint"):
        live_body.pop(volatile, None)
        batch_body.pop(volatile, None)
    assert batch_body == live_body

    _offline(monkeypatch)
    _run(pytester, "--cassette-dir", "live", "--report-dir", "live-report")
    _run(pytester, "--cassette-dir", "batched", "--report-dir", "batch-report")
    live_report = _report(pytester.path, "live-report")
    batch_report = _report(pytester.path, "batch-report")
    assert _cases(batch_report) == _cases(live_report)
    assert batch_report["verdict"] == live_report["verdict"]
    # Batch-recorded exchanges cost the Batch API's prices: half the list prices.
    for side in ("baseline", "candidate"):
        live_cost = live_report["aggregates"]["models"][side]["cost_usd"]
        batch_cost = batch_report["aggregates"]["models"][side]["cost_usd"]
        assert live_cost > 0 and batch_cost == pytest.approx(live_cost / 2)


def test_an_interrupted_batch_run_resumes_without_submitting_twice(
    pytester: pytest.Pytester, batch_live: LocalServer
) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    batch_live.set_batch_plan(BatchPlan(in_progress_s=2.0))
    before = len(_batch_ids(batch_live))
    state = pytester.path / "cassettes" / STATE
    args = ["--model-pair", PAIR, "--record-mode", "once", "--batch", "--batch-poll", "0.05"]
    child = subprocess.Popen(
        [sys.executable, "-m", "pytest", *args, "-p", "no:cacheprovider", "--no-report"],
        cwd=pytester.path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=interruptible,
    )
    try:
        deadline = time.monotonic() + 30
        while not (state.exists() and len(json.loads(state.read_text())["batches"]) == 2):
            assert child.poll() is None, "the run ended before its batches were submitted"
            assert time.monotonic() < deadline, "no batch state appeared"
            time.sleep(0.02)
        child.send_signal(signal.SIGINT)  # Ctrl-C while it polls
        child.wait(timeout=30)
    finally:
        child.kill()
    assert len(_batch_ids(batch_live)) == before + 2
    assert not list((pytester.path / "cassettes").rglob("*.yaml"))  # nothing collected yet

    resumed = _run(pytester, "--record-mode", "once", "--batch", "--batch-poll", "0.05")
    resumed.assert_outcomes(passed=2, failed=1)
    assert len(_batch_ids(batch_live)) == before + 2, "a resumed run submitted again"
    assert batch_live.stats.completions == 0
    assert not state.exists()
    assert len(list((pytester.path / "cassettes").rglob("*.yaml"))) == 6


def test_a_run_that_stops_waiting_names_the_running_batch_and_a_later_run_collects_it(
    pytester: pytest.Pytester, batch_live: LocalServer
) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    batch_live.set_batch_plan(BatchPlan(in_progress_s=1.0))
    before = len(_batch_ids(batch_live))
    args = ("--record-mode", "once", "--batch", "--batch-poll", "0.05", "--no-report")
    stopped = _run(pytester, *args, "--batch-wait", "0.1")
    stopped.assert_outcomes(failed=3)
    stopped.stdout.fnmatch_lines(["*batch batch*is still running; run again with --batch*"])
    assert (pytester.path / "cassettes" / STATE).exists()
    collected = _run(pytester, *args)
    collected.assert_outcomes(passed=2, failed=1)
    assert len(_batch_ids(batch_live)) == before + 2


FAILING_SUITE = """
    suite: mixed
    request:
      temperature: 0
    checks:
      - similarity: {min: 0}
    cases:
"""


def _mixed_suite(root: Path, count: int, failing: str | None = None) -> None:
    lines = [FAILING_SUITE]
    for number in range(count):
        text = f"Question {number}: when does order {number} ship?"
        if f"c{number}" == failing:
            text += " [batch:fail]"
        lines.append(
            f"      - id: c{number}\n        messages: [{{role: user, content: {text!r}}}]\n"
        )
    write_suite(root, "mixed", "".join(lines))


def test_a_failed_line_is_that_case_s_error_with_its_cause(
    pytester: pytest.Pytester, batch_live: LocalServer, plugin_args: tuple[str, ...]
) -> None:
    _mixed_suite(pytester.path, 3, failing="c1")
    args = ("--record-mode", "once", "--batch", "--batch-poll", "0.05", "-rA")
    result = _run(pytester, *plugin_args, *args)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["*baseline call to gpt-4o-mini failed: batch batch_* line mc-* failed: API error 500:*"]
    )
    cassettes = pytester.path / "cassettes" / "mixed"
    assert sorted(p.parent.name for p in cassettes.rglob("*.yaml")) == ["c0", "c0", "c2", "c2"]


def test_an_expired_batch_keeps_its_finished_lines_and_names_the_rest_missing(
    pytester: pytest.Pytester, batch_live: LocalServer
) -> None:
    _mixed_suite(pytester.path, 4)
    batch_live.set_batch_plan(BatchPlan(in_progress_s=1.0, expire_after_s=0.6))
    before = len(_batch_ids(batch_live))
    args = ("--record-mode", "once", "--batch", "--batch-poll", "0.05", "--no-report", "-rA")
    expired = _run(pytester, *args)
    recorded = sorted(p.parent.name for p in (pytester.path / "cassettes").rglob("*.yaml"))
    assert recorded and len(recorded) < 8, recorded
    expired.stdout.fnmatch_lines(["*no recording of case 'mixed::c3' on model*record it with*"])
    assert not (pytester.path / "cassettes" / STATE).exists()

    batch_live.set_batch_plan(FAST)
    again = _run(pytester, *args)
    again.assert_outcomes(passed=4)
    assert len(_batch_ids(batch_live)) == before + 4
    assert len(list((pytester.path / "cassettes").rglob("*.yaml"))) == 8


def test_batch_needs_a_record_mode_that_records(pytester: pytest.Pytester, offline: None) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    result = _run(pytester, "--batch")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--batch records through the Batch API: add --record-mode once*"])


def test_a_broken_state_file_is_each_case_s_one_line_error(
    pytester: pytest.Pytester, batch_live: LocalServer
) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    (pytester.path / "cassettes").mkdir()
    (pytester.path / "cassettes" / STATE).write_text("{half a file")
    before = len(_batch_ids(batch_live))
    result = _run(pytester, "--record-mode", "once", "--batch", "--no-report", "-rA")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        ["*recording through batches failed: *.migrate-check-batches.json: cannot read the batch*"]
    )
    assert len(_batch_ids(batch_live)) == before


def test_a_batch_the_api_does_not_know_is_named_and_forgotten(
    pytester: pytest.Pytester, batch_live: LocalServer
) -> None:
    from migrate_check.core.case import Case
    from migrate_check.sending.batch_requests import custom_id, sdk_body
    from migrate_check.sending.batch_state import BatchState, OpenBatch

    _mixed_suite(pytester.path, 1)
    content = "Question 0: when does order 0 ship?"
    case = Case(
        "mixed", "c0", {"temperature": 0, "messages": [{"role": "user", "content": content}]}, ()
    )
    cid = custom_id(case, "gpt-4o-mini", sdk_body(case, "gpt-4o-mini"), 0)
    lines = {cid: "mixed/c0/gpt-4o-mini.yaml"}
    BatchState(pytester.path / "cassettes").add(
        OpenBatch("batch_gone", "gpt-4o-mini", "/v1/chat/completions", lines)
    )
    args = ("--record-mode", "once", "--batch", "--batch-poll", "0.05", "--no-report", "-rA")
    first = _run(pytester, *args)
    first.assert_outcomes(failed=1)
    first.stdout.fnmatch_lines(["*batch batch_gone (from .migrate-check-batches.json) is unknown*"])
    assert not (pytester.path / "cassettes" / STATE).exists()
    _run(pytester, *args).assert_outcomes(passed=1)


def test_new_episodes_sends_only_the_samples_a_cassette_lacks_and_all_rewrites(
    pytester: pytest.Pytester, batch_live: LocalServer
) -> None:
    _mixed_suite(pytester.path, 2)
    args = ("--batch", "--batch-poll", "0.05", "--no-report")
    _run(pytester, "--record-mode", "once", *args).assert_outcomes(passed=2)
    lines = batch_live.batch_lines_run
    cassette = pytester.path / "cassettes" / "mixed" / "c0" / "gpt-4o-mini.yaml"

    def exchanges() -> list[Any]:
        found: list[Any] = yaml.safe_load(cassette.read_text())["interactions"]
        return found

    first = exchanges()
    assert len(first) == 1
    _run(pytester, "--record-mode", "new_episodes", "--samples", "3", *args).assert_outcomes(
        passed=2
    )
    assert batch_live.batch_lines_run - lines == 2 * 2 * 2  # 2 more samples, 2 cases, 2 models
    grown = exchanges()
    assert len(grown) == 3 and grown[0] == first[0]
    lines = batch_live.batch_lines_run
    _run(pytester, "--record-mode", "all", *args).assert_outcomes(passed=2)
    assert batch_live.batch_lines_run - lines == 2 * 2
    (rewritten,) = exchanges()
    assert (
        rewritten["response"]["headers"]["openai-batch-id"]
        != first[0]["response"]["headers"]["openai-batch-id"]
    )
