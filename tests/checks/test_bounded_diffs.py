"""`equal` and `downstream` bound their comparison by size and by time: past the bound they
report counts and the first differences, and say so, where deepdiff took minutes."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import pytest
from deepdiff import DeepDiff

from migrate_check.checks import build_check
from migrate_check.checks.diffing import MAX_DIFF_PARTS, deep_difference
from migrate_check.core.case import CheckSpec
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult, Outcome

HERE = Path(__file__).resolve().parents[1] / "helpers"  # check_callables.py: a team's module


@pytest.fixture(autouse=True)
def _callables_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(HERE))


def judged(name: str, options: Any, baseline: str, candidate: str) -> tuple[CheckResult, float]:
    """The check's result on one answer each, and the seconds it took."""
    check = build_check(CheckSpec(name, options), HERE)
    started = time.monotonic()
    result = check.judge(
        [Completion(model="gpt-test", text=baseline)],
        [Completion(model="gpt-test", text=candidate)],
    )
    elapsed = time.monotonic() - started
    json.dumps(result.evidence)  # evidence stays plain JSON past the bound too
    return result, elapsed


def numbers(seed: int, count: int, below: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.randrange(below) for _ in range(count)]


def test_two_long_integer_arrays_are_counted_position_by_position() -> None:
    """Before: deepdiff aligned them with difflib for 9 s (20,000 items: a minute)."""
    baseline, candidate = numbers(1, 5_000, 3), numbers(2, 5_000, 3)
    result, elapsed = judged("equal", {}, json.dumps(baseline), json.dumps(candidate))
    assert elapsed < 2
    assert result.outcome is Outcome.CHANGED
    diff = result.evidence["diff"]
    changed = [i for i, (a, b) in enumerate(zip(baseline, candidate, strict=True)) if a != b]
    assert diff["counts"] == {"values_changed": len(changed)}
    assert "a list or text of 5,000 items" in diff["bounded"]
    assert f"{len(changed):,} differences" in diff["bounded"]
    first = changed[0]
    assert list(diff["values_changed"])[0] == f"root[{first}]"
    assert diff["values_changed"][f"root[{first}]"] == {
        "old_value": baseline[first],
        "new_value": candidate[first],
    }
    assert len(diff["values_changed"]) == 20  # the first differences, not all of them


def test_a_large_object_reports_its_changed_added_and_removed_keys() -> None:
    """Before: deepdiff walked 100,000 keys for 4 to 8 s (300,000: 94 s), and reported no
    counts; now parsing them takes most of the time."""
    baseline = {f"key{i}": i for i in range(100_000)}
    candidate = dict(baseline, key5=-5, key7=-7, extra=1)
    del candidate["key11"]
    result, elapsed = judged("equal", {}, json.dumps(baseline), json.dumps(candidate))
    assert elapsed < 5  # about 0.8 s on an idle machine
    diff = result.evidence["diff"]
    assert diff["counts"] == {
        "values_changed": 2,
        "dictionary_item_removed": 1,
        "dictionary_item_added": 1,
    }
    assert diff["values_changed"] == {
        "root['key5']": {"old_value": 5, "new_value": -5},
        "root['key7']": {"old_value": 7, "new_value": -7},
    }
    assert diff["dictionary_item_added"] == ["root['extra']"]
    assert diff["dictionary_item_removed"] == ["root['key11']"]


def test_pairing_items_without_order_stops_at_the_time_bound() -> None:
    """800 numbers a side are under the size bound, but deepdiff pairs the unmatched ones
    for 4 s; it is stopped, and the items are matched as multisets instead."""
    baseline, candidate = numbers(3, 800, 1000), numbers(4, 800, 1000)
    options = {"ignore_order": True}
    result, elapsed = judged("equal", options, json.dumps(baseline), json.dumps(candidate))
    assert elapsed < 2
    diff = result.evidence["diff"]
    assert "took longer than" in diff["bounded"] and "without order" in diff["bounded"]
    removed = _multiset_minus(baseline, candidate)
    added = _multiset_minus(candidate, baseline)
    assert diff["counts"] == {"iterable_item_removed": removed, "iterable_item_added": added}


def _multiset_minus(left: list[int], right: list[int]) -> int:
    rest = list(right)
    count = 0
    for item in left:
        if item in rest:
            rest.remove(item)
        else:
            count += 1
    return count


@pytest.mark.parametrize(
    ("options", "baseline", "candidate"),
    [
        ({"ignore_order": True}, list(range(20_000)), list(reversed(range(20_000)))),
        ({"tolerance": 0.01}, [i + 0.5 for i in range(20_000)], [i + 0.505 for i in range(20_000)]),
        ({"significant_digits": 1}, [1.01] * 20_000, [1.04] * 20_000),
        (
            {"ignore_order": True},
            [[i, i + 1] for i in range(5_000)],
            [[i + 1, i] for i in range(5_000)],
        ),
    ],
    ids=["ignore-order", "tolerance", "significant-digits", "nested-order"],
)
def test_large_values_equal_under_the_options_stay_equal(
    options: dict[str, Any], baseline: list[Any], candidate: list[Any]
) -> None:
    result, elapsed = judged("equal", options, json.dumps(baseline), json.dumps(candidate))
    assert elapsed < 2
    assert result.outcome is Outcome.SAME, result.evidence


def test_a_downstream_result_of_many_items_is_summarised() -> None:
    """A team's function that returns every digit of the answer as a list: before, 5,000
    items took seconds in difflib and 1,000,000 never finished."""
    baseline = "".join(map(str, numbers(5, 5_000, 3)))
    candidate = "".join(map(str, numbers(6, 5_000, 3)))
    result, elapsed = judged("downstream", "check_callables:digits", baseline, candidate)
    assert elapsed < 2
    assert result.outcome is Outcome.CHANGED
    diff = result.evidence["diff"]
    assert "position by position" in diff["bounded"]
    changed = sum(a != b for a, b in zip(baseline, candidate, strict=True))
    assert diff["counts"] == {"values_changed": changed}
    # past the bound the evidence shows each result shortened, not a million items
    assert all(len(shown) <= 1_000 for shown in result.evidence["results"].values())


def test_a_million_items_from_a_downstream_callable_finish() -> None:
    baseline = "1" * 1_000_000
    candidate = "1" * 999_990 + "2" * 5
    result, elapsed = judged("downstream", "check_callables:digits", baseline, candidate)
    assert elapsed < 10  # about 1 s on an idle machine; before, it never finished
    diff = result.evidence["diff"]
    assert diff["counts"] == {"values_changed": 5, "iterable_item_removed": 5}
    assert list(diff["values_changed"]) == [f"root[{i}]" for i in range(999_990, 999_995)]


def test_under_the_bound_deepdiff_reports_as_before() -> None:
    baseline = [{"id": i, "tags": ["a", "b"]} for i in range(100)]
    candidate = [{"id": i, "tags": ["a", "c"] if i == 7 else ["a", "b"]} for i in range(100)]
    candidate.insert(50, {"id": 999, "tags": []})
    assert MAX_DIFF_PARTS > 100 * 5  # well within the bound: deepdiff's full report
    expected = DeepDiff(baseline, candidate, ignore_numeric_type_changes=True).to_json()
    assert deep_difference(baseline, candidate) == json.loads(expected)
