"""Properties every check keeps, whatever the outputs (hypothesis)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrate_check.checks import Check, build_check
from migrate_check.core.case import CheckSpec
from migrate_check.core.completion import Completion, ToolCall
from migrate_check.core.results import Outcome

HERE = Path(__file__).resolve().parents[1] / "helpers"  # check_callables.py: a team's module
SPECS = [
    CheckSpec(
        "schema",
        {
            "type": "object",
            "properties": {"queue": {"enum": ["billing", "tech"]}},
            "required": ["queue"],
        },
    ),
    CheckSpec("similarity", {"min": 80}),
    CheckSpec("similarity", {"min": 90, "scorer": "token_set_ratio", "normalize": ["json"]}),
    CheckSpec("equal", {"path": "$.queue"}),
    CheckSpec("equal", {"ignore_order": True}),
    CheckSpec("downstream", "check_callables:route"),
    CheckSpec("assert", "check_callables:no_pii"),
    CheckSpec("tool_calls", None),
    CheckSpec("contains", "billing"),
    CheckSpec("regex", r"\d"),
    CheckSpec("finish_reason", None),
]
PASS_FAIL = {"schema", "assert", "contains", "regex", "finish_reason"}
SWAPPED = {
    Outcome.SAME: {Outcome.SAME},
    Outcome.BROKEN: {Outcome.BROKEN},
    Outcome.ERROR: {Outcome.ERROR},
    Outcome.REGRESSED: {Outcome.IMPROVED},
    Outcome.IMPROVED: {Outcome.REGRESSED},
    Outcome.CHANGED: {Outcome.CHANGED},
}


@pytest.fixture(scope="module")
def checks() -> list[Check]:
    import sys

    sys.path.insert(0, str(HERE))
    try:
        return [build_check(spec, HERE) for spec in SPECS]
    finally:
        sys.path.remove(str(HERE))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["billing", "tech", "a@b"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["queue", "priority", "x"]), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def completions(draw: st.DrawFn) -> Completion:
    kind = draw(st.sampled_from(["json", "fenced", "text", "empty"]))
    value = draw(json_values)
    text = {
        "json": json.dumps(value),
        "fenced": f"```json\n{json.dumps(value)}\n```",
        "text": draw(st.text(max_size=30)),
        "empty": "",
    }[kind]
    calls = draw(
        st.lists(
            st.builds(ToolCall, st.sampled_from(["lookup", "refund"]), json_values), max_size=2
        )
    )
    reason = draw(st.sampled_from(["stop", "length", "tool_calls", None]))
    return Completion(model="m", text=text, tool_calls=tuple(calls), finish_reason=reason)


def copy_of(completion: Completion) -> Completion:
    return Completion(
        model="other",
        text=completion.text,
        tool_calls=completion.tool_calls,
        finish_reason=completion.finish_reason,
    )


settings.register_profile(
    "checks",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
FAST = settings.get_profile("checks")


@FAST
@given(samples=st.lists(completions(), min_size=1, max_size=3))
def test_identical_outputs_never_change(checks: list[Check], samples: list[Completion]) -> None:
    twins = [copy_of(c) for c in samples]
    for check in checks:
        result = check.judge(samples, twins)
        allowed = (
            {Outcome.SAME, Outcome.BROKEN}
            if check.name in PASS_FAIL | {"equal", "downstream"}
            else {Outcome.SAME}
        )
        assert result.outcome in allowed, (check.label, result)
        json.dumps(result.evidence)


@FAST
@given(baseline=completions(), candidate=completions())
def test_swapping_sides_mirrors_the_outcome(
    checks: list[Check], baseline: Completion, candidate: Completion
) -> None:
    for check in checks:
        forward = check.judge([baseline], [candidate])
        backward = check.judge([candidate], [baseline])
        expected = set(SWAPPED[forward.outcome])
        if check.name == "tool_calls":
            # By design: calls that vanish are a regression, calls that appear a change.
            expected |= {Outcome.CHANGED} if forward.outcome is Outcome.REGRESSED else set()
            expected |= {Outcome.REGRESSED} if forward.outcome is Outcome.CHANGED else set()
        assert backward.outcome in expected, (check.label, forward, backward)
        json.dumps(forward.evidence)


@FAST
@given(data=st.data(), n=st.integers(2, 4))
def test_swapping_sides_mirrors_pass_rates(checks: list[Check], data: Any, n: int) -> None:
    baseline = data.draw(st.lists(completions(), min_size=n, max_size=n))
    candidate = data.draw(st.lists(completions(), min_size=n, max_size=n))
    for check in checks:
        if check.name not in PASS_FAIL:
            continue
        forward = check.judge(baseline, candidate)
        backward = check.judge(candidate, baseline)
        rates = (forward.evidence or {}).get("pass_rate", {})
        if any(0 < rate < 1 for rate in rates.values()):
            continue  # the noise floor is the baseline's own variation: not symmetric
        assert backward.outcome in SWAPPED[forward.outcome], (check.label, forward, backward)
