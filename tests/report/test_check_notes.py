"""A callable's time-out in words: the side when the reason names it, the callable, and the
setting that raises the limit (the check's own `timeout`; no ini key sets it)."""

from __future__ import annotations

import pytest

from migrate_check.core.results import CheckResult, Outcome
from migrate_check.report.writers.check_notes import REASON_PREFIX, timeout_note

LABEL = "downstream example_app.orders:reserve_stock"


def note(reason: str, label: str = LABEL, outcome: Outcome = Outcome.ERROR) -> str | None:
    return timeout_note(CheckResult(label, outcome, reason))


def test_a_time_out_says_which_setting_raises_it() -> None:
    said = note("downstream timed out after 0.5 s")
    assert said is not None
    assert said.startswith(
        "The downstream callable `example_app.orders:reserve_stock` ran past its 0.5 s limit "
        "on the baseline's or the candidate's answer (this result does not record which;"
    )
    assert 'e.g. `downstream: {callable: "example_app.orders:reserve_stock", timeout: 1}`' in said
    assert "(default 10 s)" in said and "`migrate_check_request_timeout`" in said


@pytest.mark.parametrize("side", ["baseline", "candidate"])
def test_a_reason_that_names_the_side_leads_with_it(side: str) -> None:
    said = note(f"downstream timed out after 5 s on the {side}'s answer")
    assert said is not None and said.startswith(f"{side}: the downstream callable `")
    assert "ran past its 5 s limit." in said and "timeout: 10}" in said


def test_an_isolated_callable_killed_at_its_limit() -> None:
    said = note("assert timed out after 2 s (its process was killed)", "assert team.checks:slow")
    assert said is not None and '`assert: {callable: "team.checks:slow", timeout: 4}`' in said
    assert "Its process (`isolate: true`) was stopped." in said


@pytest.mark.parametrize(
    ("reason", "label", "outcome"),
    [
        ("downstream timed out after 0.5 s", LABEL, Outcome.REGRESSED),  # not an error
        ("makes x raise KeyError: 'a'", LABEL, Outcome.ERROR),  # another error
        ("assert timed out after 0.5 s", LABEL, Outcome.ERROR),  # another check's words
        ("downstream timed out after soon", LABEL, Outcome.ERROR),  # no limit in it
        ("downstream timed out after 0.5 s", "downstream", Outcome.ERROR),  # no callable
        ("x" * REASON_PREFIX + "downstream timed out after 0.5 s", LABEL, Outcome.ERROR),
    ],
)
def test_anything_else_has_no_note(reason: str, label: str, outcome: Outcome) -> None:
    assert note(reason, label, outcome) is None
