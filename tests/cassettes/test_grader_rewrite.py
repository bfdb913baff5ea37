"""`--record-mode all` replaces a grader recording only when every call of the case arrived,
as it does the pair's: a judge asks in two orders, and a re-recording where one order hit a
500 keeps the earlier whole recording, so offline replay still judges. Real SDK and vcrpy
over HTTP to the local server; the first `[fault:...]` marker in a judge request decides
its fault, so the order that shows the baseline's answer first is the one that fails."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from devtools.local_openai import LocalServer

from helpers.graded_cases import CLOSED_PORT, answers, case, grade, hint
from migrate_check.checks.builtin.judge import JudgeCheck
from migrate_check.core.results import Outcome
from migrate_check.sending.grading import Grader
from migrate_check.sending.settings import RunnerSettings

MEETING = "The meeting moves to Thursday at 10am."
# `[fault:500]` fails the first attempt at a request (max_retries is 0 here); `[fault:none]`
# names no fault, so a request where it comes first is answered.
PAIR = {"c": ([f"{MEETING} [fault:500]"], [f"{MEETING.replace('Thurs', 'Tues')} [fault:none]"])}


def _exchanges(cassette: Path) -> int:
    return len(yaml.safe_load(cassette.read_text())["interactions"])


def test_a_rerecording_with_a_failed_order_keeps_the_whole_grader_recording(
    server: LocalServer, tmp_path: Path, no_openai_env: None
) -> None:
    check = JudgeCheck.from_options(None, Path("."))
    cassette = tmp_path / "pairs" / "c" / "grader.gpt-4.1.yaml"
    first, _ = grade(check, PAIR, tmp_path, base_url=server.base_url, record_mode="once")
    assert first["c"].outcome is Outcome.ERROR and _exchanges(cassette) == 1  # one order 500'd
    whole, _ = grade(check, PAIR, tmp_path, base_url=server.base_url, record_mode="new_episodes")
    assert whole["c"].outcome is Outcome.REGRESSED and _exchanges(cassette) == 2
    recorded = cassette.read_bytes()

    server.reset_counters()  # the baseline-first order fails again
    again, _ = grade(check, PAIR, tmp_path, base_url=server.base_url, record_mode="all")
    assert again["c"].outcome is Outcome.ERROR
    assert "was kept unchanged" in again["c"].reason
    assert cassette.read_bytes() == recorded, "a partial re-recording replaced a whole one"

    offline, _ = grade(check, PAIR, tmp_path, base_url=CLOSED_PORT, record_mode="none")
    assert offline["c"].outcome is Outcome.REGRESSED
    assert offline["c"].reason == whole["c"].reason


def test_an_interrupt_between_the_orders_keeps_the_whole_grader_recording(
    server: LocalServer, tmp_path: Path, no_openai_env: None
) -> None:
    # The candidate-first order answers after a second; the other at once.
    slow = {"c": ([f"{MEETING} [fault:none]"], [f"{MEETING} Soon. [fault:slow_stream:always]"])}
    check = JudgeCheck.from_options(None, Path("."))
    cassette = tmp_path / "pairs" / "c" / "grader.gpt-4.1.yaml"
    grade(check, slow, tmp_path, base_url=server.base_url, record_mode="once")
    assert _exchanges(cassette) == 2
    recorded = cassette.read_bytes()

    settings = RunnerSettings(
        record_mode="all", cassette_dir=tmp_path, base_url=server.base_url, max_retries=0
    )
    grader = Grader(settings, hint)
    (base, cand) = slow["c"]
    calls = check.grader_calls(answers(base, "gpt-4o-mini"), answers(cand, "gpt-4.1-mini"))
    assert len(calls) == 2

    async def interrupted() -> None:
        fetching = asyncio.ensure_future(grader._fetch_live([(case("c"), "gpt-4.1", calls)]))
        await asyncio.sleep(0.4)  # the baseline-first order is in, the other is not
        fetching.cancel()
        with pytest.raises(asyncio.CancelledError):
            await fetching

    asyncio.run(interrupted())
    assert cassette.read_bytes() == recorded, "an interrupted re-recording replaced a whole one"
