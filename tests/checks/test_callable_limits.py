"""A team's callable keeps to its time limit whatever it does with signals, and nothing of
its result (a `__repr__`, a property) runs after the limit."""

from __future__ import annotations

import importlib
import signal
import time
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from migrate_check.checks import build_check
from migrate_check.checks.time_limits import call_with_timeout
from migrate_check.core.case import CheckSpec
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult, Outcome


class Queue(StrEnum):
    BILLING = "billing"


HERE = Path(__file__).resolve().parents[1] / "helpers"  # check_callables.py: a team's module


@pytest.fixture(autouse=True)
def _callables_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(HERE))


def judged(options: Any, baseline: str, candidate: str) -> tuple[CheckResult, float]:
    """The downstream check's result on one answer each, and the seconds it took."""
    check = build_check(CheckSpec("downstream", options), HERE)
    started = time.monotonic()
    result = check.judge(
        [Completion(model="gpt-test", text=baseline)],
        [Completion(model="gpt-test", text=candidate)],
    )
    return result, time.monotonic() - started


@pytest.mark.parametrize(
    "callable_",
    ["clears_the_alarm", "stops_the_interval_timer", "keeps_its_own_alarm_handler"]
    + ["ignores_the_alarm", "ignores_the_alarm_and_sleeps", "ignores_every_signal_it_can"],
)
def test_a_callable_that_touches_the_alarm_still_times_out(callable_: str) -> None:
    handler = signal.getsignal(signal.SIGALRM)
    options = {"callable": f"check_callables:{callable_}", "timeout": 0.3}
    result, elapsed = judged(options, "a", "b")
    assert elapsed < 2  # before: each side ran its full 3 s and "returned"
    assert result.outcome is Outcome.ERROR
    assert result.reason == "baseline: downstream timed out after 0.3 s"
    assert signal.getsignal(signal.SIGALRM) is handler  # the callable's handler is gone
    assert call_with_timeout(lambda: "fine", 1.0, "after") == "fine"


def test_an_alarm_the_callable_leaves_running_is_cancelled_with_the_call() -> None:
    result, _ = judged("check_callables:leaves_an_alarm_running", "a", "b")
    assert result.outcome is Outcome.SAME
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    time.sleep(0.1)  # were it left running, SIGALRM's default action would end the process


def test_an_outer_timer_survives_a_call_that_cancels_the_alarm() -> None:
    """pytest-timeout's signal method arms ITIMER_REAL around a test: it still rings after."""
    rang: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: rang.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 1.5)
        result, _ = judged(
            {"callable": "check_callables:clears_the_alarm", "timeout": 0.2}, "a", "b"
        )
        assert result.outcome is Outcome.ERROR
        left, _interval = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < left < 1.5
        time.sleep(left + 0.2)
        assert rang == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("isolate", [False, True], ids=["in-process", "isolated"])
def test_a_result_whose_repr_hangs_is_compared_without_calling_it(isolate: bool) -> None:
    if isolate:  # start the child process first: its start is not what is timed
        judged({"callable": "check_callables:route", "isolate": True}, '{"queue": "a"}', "{}")
    options = {"callable": "check_callables:slow_repr", "isolate": isolate}
    result, elapsed = judged(options, '{"queue": "a"}', '{"queue": "b"}')
    assert elapsed < 2  # before: repr ran after the limit, 3 s for each time it was shown
    assert result.outcome is Outcome.CHANGED
    changed = result.evidence["diff"]["values_changed"]
    assert changed == {
        "root['check_callables.SlowRepr']['queue']": {"old_value": "a", "new_value": "b"}
    }
    assert "check_callables.SlowRepr" in result.reason


def test_a_result_whose_property_hangs_is_compared_by_its_fields() -> None:
    options = "check_callables:slow_property"
    result, elapsed = judged(options, '{"queue": "a"}', '{"queue": "a", "x": 1}')
    assert elapsed < 2  # before: deepdiff read the property of each result, 3 s each
    assert result.outcome is Outcome.SAME
    changed, _ = judged(options, '{"queue": "a"}', '{"queue": "b"}')
    assert changed.outcome is Outcome.CHANGED


def test_a_result_is_copied_into_plain_data_within_the_limit() -> None:
    import datetime as dt
    from decimal import Decimal

    team = importlib.import_module("check_callables")  # as a suite names it

    from migrate_check.checks.result_snapshot import snapshot

    looped: list[Any] = []
    looped.append(looped)
    result = {
        "kept": [dt.date(2026, 1, 2), Decimal("1.5"), {"a"}, (1, b"x"), None],
        "objects": [team.SlowRepr("a"), team.SlowProperty("b"), Queue.BILLING],
        "looped": looped,
    }
    assert snapshot(result) == {
        "kept": [dt.date(2026, 1, 2), Decimal("1.5"), {"a"}, (1, b"x"), None],
        "objects": [
            {"check_callables.SlowRepr": {"queue": "a"}},
            {"check_callables.SlowProperty": {"queue": "b"}},
            "Queue.BILLING",
        ],
        "looped": ["… (refers to itself)"],
    }


def test_an_isolated_callable_is_imported_where_the_run_finds_it_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child process outlives the run (or test) that started it: one started before the
    team's folder was on sys.path imports from where the run looks now, not from then."""
    judged({"callable": "check_callables:route", "isolate": True}, '{"queue": "a"}', "{}")
    (tmp_path / "later_team.py").write_text("def route(output):\n    return output.upper()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    result, _ = judged({"callable": "later_team:route", "isolate": True}, "a", "b")
    assert result.outcome is Outcome.CHANGED, result.reason  # before: both sides 'cannot import'
    assert result.evidence["results"] == {"baseline": "A", "candidate": "B"}
