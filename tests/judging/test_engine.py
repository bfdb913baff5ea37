"""`judge_case`: every check's verdict on a case, failed calls, broken checks, the noise floor."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from migrate_check.checks import Check, build_check, default_registry
from migrate_check.core.case import Case, CheckSpec
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult, Outcome
from migrate_check.judging.approvals import ApprovalStore
from migrate_check.judging.engine import judge_case

HERE = Path(__file__).resolve().parents[1] / "helpers"  # check_callables.py: a team's module


@pytest.fixture(autouse=True)
def _callables_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(HERE))


def make_case(*specs: CheckSpec, samples: int = 1) -> Case:
    return Case("triage", "refund", {}, tuple(specs), samples=samples, file=HERE / "suite.yaml")


def answers(*texts: str, model: str = "m") -> list[Completion]:
    return [Completion(model=model, text=text) for text in texts]


def check(name: str, options: Any = None) -> Check:
    return build_check(CheckSpec(name, options), HERE)


def test_each_check_gets_a_result() -> None:
    case = make_case(CheckSpec("schema", {"type": "object"}), CheckSpec("equal", "$.queue"))
    checks = default_registry().checks_for(case, HERE)
    result = judge_case(case, answers('{"queue": "a"}'), answers('{"queue": "b"}'), checks)
    assert [(r.check, r.outcome) for r in result.checks] == [
        ("schema", Outcome.SAME),
        ("equal $.queue", Outcome.CHANGED),
        ("answer", Outcome.SAME),  # always on: a whole answer from the model asked
    ]
    assert result.outcome is Outcome.CHANGED


def test_no_checks_means_facts_for_free_text_and_similarity_for_json() -> None:
    # (tests/checks/test_default_checks.py has the rest.)
    result = judge_case(make_case(), answers("hello there"), answers("something else"), [])
    assert [(r.check, r.outcome) for r in result.checks] == [
        ("facts", Outcome.SAME),  # a rewording: no fact changed
        ("answer", Outcome.SAME),
    ]
    json_answers = judge_case(make_case(), answers('{"a": 1}'), answers('{"b": 22}'), [])
    assert (json_answers.checks[0].check, json_answers.checks[0].outcome) == (
        "similarity",
        Outcome.CHANGED,
    )
    assert json_answers.checks[0].evidence["min"] == 80


def test_failed_call_makes_every_check_error_naming_the_side() -> None:
    failed = [Completion(model="gpt-4.1-mini", error="no recording for this request")]
    checks = [check("similarity"), check("equal")]
    result = judge_case(make_case(), answers("{}"), failed, checks)
    assert [r.outcome for r in result.checks] == [Outcome.ERROR, Outcome.ERROR]
    assert result.checks[0].reason == (
        "candidate call to gpt-4.1-mini failed: no recording for this request"
    )
    empty = judge_case(make_case(), [], answers("x"), checks)
    assert empty.checks[0].reason == "no baseline answer"


class Exploding(Check):
    name = "test_exploding"

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> Check:
        return cls()

    def judge(self, baseline: Any, candidate: Any) -> CheckResult:
        raise RuntimeError("internal bug")


def test_a_raising_check_is_an_error_and_the_others_still_run() -> None:
    result = judge_case(make_case(), answers("a"), answers("a"), [Exploding(), check("equal")])
    exploded, other, always_on = result.checks
    assert exploded.outcome is Outcome.ERROR
    assert exploded.reason == "check 'test_exploding' raised RuntimeError: internal bug"
    assert other.outcome is Outcome.BROKEN  # "a" is not JSON on either side
    assert always_on.outcome is Outcome.SAME


def test_approved_change_is_marked_and_stops_applying_when_output_changes() -> None:
    case = make_case(CheckSpec("equal", "$.queue"))
    checks = default_registry().checks_for(case, HERE)
    first = judge_case(case, answers('{"queue": "a"}'), answers('{"queue": "b"}'), checks)
    store = ApprovalStore()
    store.record(first, "merged queues", dt.date(2026, 11, 20))
    again = judge_case(case, answers('{"queue": "a"}'), answers('{"queue": "b"}'), checks, store)
    assert again.checks[0].approved and again.checks[0].outcome is Outcome.CHANGED
    assert again.outcome is Outcome.SAME  # approved checks do not count
    moved = judge_case(case, answers('{"queue": "a"}'), answers('{"queue": "c"}'), checks, store)
    assert not moved.checks[0].approved


# --- the noise floor ---------------------------------------------------------------------


def test_similarity_noise_floor_suppresses_change_when_baseline_varies() -> None:
    sim = check("similarity", {"min": 80})
    noisy_base = answers(
        "The order ships Monday.",
        "Expect delivery within a week.",
        "Your parcel leaves our warehouse soon.",
    )
    cand = answers(
        "It will be dispatched shortly.",
        "Shipping happens on Monday.",
        "You will get it next week.",
    )
    noisy = sim.judge(noisy_base, cand)
    assert noisy.outcome is Outcome.SAME
    assert noisy.noise is not None and noisy.noise.startswith("baseline self-similarity ")
    assert noisy.noise.endswith("(n=3)")
    steady_base = answers(*["The order ships Monday."] * 3)
    steady = sim.judge(steady_base, cand)
    assert steady.outcome is Outcome.CHANGED
    assert "baseline self-similarity 100" in (steady.noise or "")
    json.dumps(steady.evidence)


def test_equality_noise_floor_compares_disagreement_rates() -> None:
    eq = check("equal", "$.q")
    base = answers('{"q": "a"}', '{"q": "b"}', '{"q": "a"}')
    assert eq.judge(base, answers('{"q": "b"}', '{"q": "a"}', '{"q": "a"}')).outcome is (
        Outcome.SAME
    )
    steady = answers(*['{"q": "a"}'] * 3)
    result = eq.judge(steady, answers('{"q": "b"}', '{"q": "b"}', '{"q": "a"}'))
    assert result.outcome is Outcome.CHANGED
    assert result.noise == "baseline self-disagreement 0%, cross 67% (n=3)"
    assert result.evidence["example"]["diff"]


def test_pass_rate_noise_floor() -> None:
    schema = check("schema", {"type": "object"})
    good, bad = '{"a": 1}', "oops"
    one_miss = schema.judge(answers(good, good, good), answers(good, bad, good))
    assert one_miss.outcome is Outcome.REGRESSED  # the baseline never failed: not noise
    assert one_miss.noise == "pass rate baseline 3/3, candidate 2/3 (n=3)"
    wobbly = answers(good, bad, good)  # the baseline fails one sample in three itself
    assert schema.judge(wobbly, answers(bad, good, bad)).outcome is Outcome.SAME
    assert schema.judge(wobbly, answers(bad, bad, bad)).outcome is Outcome.REGRESSED
    mostly_bad = schema.judge(answers(good, good, good), answers(bad, bad, good))
    assert mostly_bad.outcome is Outcome.REGRESSED
    assert mostly_bad.reason.startswith("passes in baseline 3/3, candidate 1/3")
    assert schema.judge(answers(bad, bad, good), answers(good, good, good)).outcome is (
        Outcome.IMPROVED
    )
    assert schema.judge(answers(bad, bad, bad), answers(bad, bad, bad)).outcome is Outcome.BROKEN
    # A baseline that never passes, against a candidate that sometimes does: no noise to hide in
    assert schema.judge(answers(bad, bad, bad), answers(bad, good, bad)).outcome is (
        Outcome.IMPROVED
    )


def test_single_sample_has_no_noise_figure() -> None:
    result = check("similarity").judge(answers("a"), answers("b"))
    assert result.noise is None


def test_uneven_sample_counts_still_judge() -> None:
    schema = check("schema", {"type": "object"})
    result = schema.judge(answers('{"a": 1}', '{"b": 2}'), answers("nope"))
    assert result.outcome is Outcome.REGRESSED
    assert result.noise == "pass rate baseline 2/2, candidate 0/1 (n=2/1)"


def test_an_answer_from_another_model_is_an_error_unless_the_name_is_no_model() -> None:
    case = make_case(CheckSpec("similarity", {"min": 0}))
    asked_mini = [Completion("gpt-4.1-mini", "hi", response_model="gpt-4o")]
    fallback = judge_case(case, answers("hi", model="gpt-4o-mini"), asked_mini, [])
    assert fallback.outcome is Outcome.ERROR
    dated = [Completion("gpt-4.1-mini", "hi", response_model="gpt-4.1-mini-2025-04-14")]
    assert judge_case(case, answers("hi", model="gpt-4o-mini"), dated, []).outcome is (Outcome.SAME)
    # An Azure deployment or a gateway alias names no model: its answer is taken as is.
    deployment = [Completion("support-mini-prod", "hi", response_model="gpt-4o-mini-2024-07-18")]
    assert judge_case(case, answers("hi", model="gpt-4o-mini"), deployment, []).outcome is (
        Outcome.SAME
    )
