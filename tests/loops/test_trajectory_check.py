"""The `trajectory` check: two models' paths through a loop case, compared step by step."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from migrate_check.checks.base import CheckConfigError
from migrate_check.checks.builtin.trajectory import TrajectoryCheck
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion
from migrate_check.core.loop import Loop, LoopTool, Step, ToolUse, Trajectory
from migrate_check.core.results import Outcome
from migrate_check.judging.engine import judge_case

SEARCH = {"origin": "OSL", "destination": "LHR", "date": "2026-12-24"}


def _call(name: str, arguments: Any, error: str | None = None, drift: str | None = None) -> ToolUse:
    return ToolUse(name, arguments, f"call_{name}", "{}", error, drift)


def _path(*steps: tuple[ToolUse, ...], limit: int = 10, stopped: str = "answered") -> Trajectory:
    made = [Step(calls=calls, input_tokens=10, output_tokens=2, latency_ms=5.0) for calls in steps]
    if stopped == "answered":
        made.append(Step(text="Done.", input_tokens=20, output_tokens=3, latency_ms=7.0))
    return Trajectory(tuple(made), limit, stopped)  # type: ignore[arg-type]


def _judged(
    before: Trajectory, after: Trajectory, check: TrajectoryCheck | None = None
) -> tuple[Outcome, str, dict[str, Any]]:
    baseline = [Completion(model="a", text="Done.", trajectory=before)]
    candidate = [Completion(model="b", text="Done.", trajectory=after)]
    result = (check or TrajectoryCheck()).judge(baseline, candidate)
    return result.outcome, result.reason, result.evidence


def test_the_same_path_is_same_with_each_sides_sums() -> None:
    path = _path((_call("search_flights", SEARCH),), (_call("get_weather", {"city": "London"}),))
    outcome, reason, evidence = _judged(path, path)
    assert outcome is Outcome.SAME
    assert reason == "same path: 3 steps, tools search_flights, get_weather"
    assert evidence["parted_at"] is None
    side = evidence["candidate"]
    assert (side["steps"], side["input_tokens"], side["output_tokens"]) == (3, 40, 7)
    assert side["latency_ms"] == 17.0
    assert [c["name"] for c in side["calls"]] == ["search_flights", "get_weather"]


def test_an_extra_search_and_a_repeated_call_are_changes() -> None:
    before = _path((_call("search_flights", SEARCH),))
    again = _call("search_flights", {"date": "2026-12-24", "destination": "LHR", "origin": "OSL"})
    after = _path((_call("search_flights", SEARCH),), (again,))
    outcome, reason, evidence = _judged(before, after)
    assert outcome is Outcome.CHANGED
    assert "candidate: 3 steps (+1) against 2" in reason
    key = 'search_flights({"origin": "OSL", "destination": "LHR", "date": "2026-12-24"})'
    assert f"candidate: {key[:15]}" in reason and "called twice with the same arguments" in reason
    assert evidence["parted_at"] == 2
    assert evidence["candidate"]["repeated"] == {next(iter(evidence["candidate"]["repeated"])): 2}


def test_arguments_differ_per_step_by_deepdiff_not_by_spelling() -> None:
    before = _path((_call("search_flights", SEARCH),))
    spelled = _path((_call("search_flights", {**SEARCH, "date": "2026-12-24", "adults": 1}),))
    same = _path((_call("search_flights", dict(reversed(list(SEARCH.items())))),))
    assert _judged(before, same)[0] is Outcome.SAME  # keys in another order
    outcome, reason, evidence = _judged(before, spelled)
    assert outcome is Outcome.CHANGED
    assert reason == "step 1: arguments of search_flights differ"
    assert "dictionary_item_added" in evidence["arguments"]["1"]
    assert evidence["parted_at"] == 1
    numbers = _path((_call("pick", {"n": 1}),)), _path((_call("pick", {"n": 1.0}),))
    assert _judged(*numbers)[0] is Outcome.SAME


def test_tools_compare_as_a_set_unless_the_suite_asks_for_order() -> None:
    first = _path((_call("get_weather", {}),), (_call("search_flights", SEARCH),))
    swapped = _path((_call("search_flights", SEARCH),), (_call("get_weather", {}),))
    outcome, reason, evidence = _judged(first, swapped)
    assert outcome is Outcome.SAME  # the same tools with the same arguments, as a set
    assert evidence["parted_at"] == 1  # where the two paths part is still shown
    ordered = TrajectoryCheck.from_options({"order": True}, Path("."))
    assert (
        "tools in another order: get_weather, search_flights became search_flights, "
        in (_judged(first, swapped, ordered)[1])
    )
    other = _path((_call("find_hotels", {}),), (_call("search_flights", SEARCH),))
    reason = _judged(first, other)[1]
    assert "candidate also calls find_hotels" in reason
    assert "candidate no longer calls get_weather" in reason


def test_the_step_limit_on_the_candidate_only_is_a_regression() -> None:
    answered = _path((_call("get_weather", {"city": "Oslo"}),))
    endless = _path(*[(_call("get_weather", {"city": "Oslo"}),)] * 3, limit=3, stopped="step_limit")
    outcome, reason, evidence = _judged(answered, endless)
    assert outcome is Outcome.REGRESSED
    assert reason.startswith(
        "candidate stopped at the step limit (3) where the baseline answered in 2 steps"
    )
    assert evidence["candidate"]["stopped"] == "step_limit"
    outcome, reason, _ = _judged(endless, answered)
    assert outcome is Outcome.CHANGED
    assert reason.startswith("baseline stopped at the step limit (3); the candidate answered")
    assert _judged(endless, endless)[1].startswith(
        "same path: 3 steps, stopped at the step limit (3)"
    )


def test_tool_errors_on_one_side_are_changes() -> None:
    fine = _path((_call("get_weather", {"city": "Oslo"}),))
    failed = _path((_call("get_weather", {"city": "Oslo"}, error="ConnectionError: down"),))
    outcome, reason, evidence = _judged(fine, failed)
    assert outcome is Outcome.CHANGED
    assert reason == "candidate: get_weather failed at step 1 (ConnectionError: down)"
    assert evidence["candidate"]["errors"] == ["step 1: get_weather: ConnectionError: down"]
    assert "the candidate's did not" in _judged(failed, fine)[1]
    assert _judged(failed, failed)[0] is Outcome.SAME


def test_ignore_leaves_an_aspect_out_but_never_the_limit() -> None:
    before = _path((_call("search_flights", SEARCH),))
    after = _path((_call("search_flights", SEARCH),), (_call("search_flights", SEARCH),))
    lenient = TrajectoryCheck.from_options({"ignore": ["steps", "repeats"]}, Path("."))
    assert _judged(before, after, lenient)[0] is Outcome.SAME
    endless = _path((_call("search_flights", SEARCH),), limit=1, stopped="step_limit")
    assert _judged(before, endless, lenient)[0] is Outcome.REGRESSED
    with pytest.raises(CheckConfigError, match="'ignore' must be among tools, arguments"):
        TrajectoryCheck.from_options({"ignore": ["limit"]}, Path("."))
    with pytest.raises(CheckConfigError, match="unknown option 'orderd'"):
        TrajectoryCheck.from_options({"orderd": True}, Path("."))


def test_tool_drift_is_said_not_judged() -> None:
    path = _path((_call("get_weather", {"city": "Oslo"}),))
    drifted = _path((_call("get_weather", {"city": "Oslo"}, drift="get_weather now returns 'x'"),))
    outcome, reason, evidence = _judged(path, drifted)
    assert outcome is Outcome.SAME
    assert reason.endswith("; tool drift: candidate: get_weather now returns 'x'")
    assert evidence["tool_drift"] == ["candidate: get_weather now returns 'x'"]


def test_samples_are_compared_pairwise_and_the_worst_stands() -> None:
    same = _path((_call("get_weather", {"city": "Oslo"}),))
    endless = _path((_call("get_weather", {"city": "Oslo"}),), limit=1, stopped="step_limit")
    baseline = [Completion(model="a", trajectory=same)] * 2
    candidate = [Completion(model="b", trajectory=same), Completion(model="b", trajectory=endless)]
    result = TrajectoryCheck().judge(baseline, candidate)
    assert result.outcome is Outcome.REGRESSED
    assert result.reason.startswith("sample 2 of 2: candidate stopped at the step limit")


def test_a_case_without_trajectories_is_an_error_and_a_loop_case_always_gets_the_check() -> None:
    result = TrajectoryCheck().judge([Completion(model="a")], [Completion(model="b")])
    assert result.outcome is Outcome.ERROR and "loop cases only" in result.reason
    case = Case(
        suite="trip",
        id="a",
        request={"messages": [{"role": "user", "content": "hi"}]},
        checks=(),
        loop=Loop(tools=(LoopTool("get_weather", "m:f"),)),
    )
    path = _path((_call("get_weather", {"city": "Oslo"}),))
    endless = _path((_call("get_weather", {"city": "Oslo"}),), limit=1, stopped="step_limit")
    judged = judge_case(
        case,
        [Completion(model="a", text="Sunny in Oslo.", finish_reason="stop", trajectory=path)],
        [Completion(model="b", text="", finish_reason="tool_calls", trajectory=endless)],
        [],
    )
    verdicts = {r.check.split()[0]: r.outcome for r in judged.checks}
    assert verdicts["trajectory"] is Outcome.REGRESSED
    assert judged.outcome is Outcome.REGRESSED


def test_an_approval_of_one_path_does_not_cover_another_to_the_same_answer() -> None:
    from migrate_check.judging.approvals import fingerprint

    search = _path((_call("search_flights", SEARCH),))
    twice = _path((_call("search_flights", SEARCH),), (_call("search_flights", SEARCH),))
    other = _path((_call("search_flights", {**SEARCH, "date": "2026-12-25"}),))
    said = [Completion(model="b", text="Done.", trajectory=path) for path in (search, twice, other)]
    prints = [fingerprint([c]) for c in said]
    assert len(set(prints)) == 3
    assert fingerprint([Completion(model="b", text="Done.", trajectory=search)]) == prints[0]
    # A case without a loop keeps the fingerprint it always had (text and tool calls), so
    # approvals files written before loops stay valid.
    plain = json.dumps({"text": "Done.", "tool_calls": []}, sort_keys=True, ensure_ascii=False)
    old = hashlib.sha256(plain.encode("utf-8")).hexdigest()[:16]
    assert fingerprint([Completion(model="b", text="Done.")]) == old
