"""Each built-in check on small inputs whose right outcome is known."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from migrate_check.checks import (
    Check,
    CheckConfigError,
    CheckRegistry,
    Observation,
    SideBySideCheck,
    build_check,
    check_names,
)
from migrate_check.core.case import CheckSpec
from migrate_check.core.completion import Completion, ToolCall
from migrate_check.core.results import CheckResult, Outcome

HERE = Path(__file__).resolve().parents[1] / "helpers"  # check_callables.py: a team's module
TICKET_SCHEMA = {
    "type": "object",
    "properties": {"queue": {"enum": ["billing", "tech"]}, "priority": {"type": "integer"}},
    "required": ["queue"],
}


@pytest.fixture(autouse=True)
def _callables_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(HERE))


def answer(text: str = "", **fields: Any) -> Completion:
    return Completion(model="gpt-test", text=text, **fields)


def judge(
    name: str,
    options: Any,
    baseline: str | Completion,
    candidate: str | Completion,
    base_dir: Path = HERE,
    registry: CheckRegistry | None = None,
) -> CheckResult:
    spec = CheckSpec(name, options)
    check = registry.build(spec, base_dir) if registry else build_check(spec, base_dir)
    base = baseline if isinstance(baseline, Completion) else answer(baseline)
    cand = candidate if isinstance(candidate, Completion) else answer(candidate)
    result = check.judge([base], [cand])
    json.dumps(result.evidence)  # evidence is always plain JSON
    return result


# --- schema -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "candidate", "outcome"),
    [
        ('{"queue": "billing"}', '{"queue": "tech"}', Outcome.SAME),
        ('{"queue": "billing"}', '{"queue": "Billing"}', Outcome.REGRESSED),
        ('{"queue": "Billing"}', '{"queue": "billing"}', Outcome.IMPROVED),
        ("not json", '{"priority": 1}', Outcome.BROKEN),
    ],
)
def test_schema_outcomes(baseline: str, candidate: str, outcome: Outcome) -> None:
    assert judge("schema", TICKET_SCHEMA, baseline, candidate).outcome is outcome


def test_schema_reason_names_path_and_problem() -> None:
    result = judge("schema", TICKET_SCHEMA, '{"queue": "billing"}', '{"queue": "Billing"}')
    assert result.reason == (
        "candidate output fails schema at $.queue: 'Billing' is not one of ['billing', 'tech']"
    )
    assert (result.baseline_ok, result.candidate_ok) == (True, False)
    assert result.evidence["candidate"]["errors"][0]["path"] == "$.queue"


def test_schema_fenced_json_fails_and_says_so() -> None:
    fenced = '```json\n{"queue": "billing"}\n```'
    result = judge("schema", TICKET_SCHEMA, '{"queue": "billing"}', fenced)
    assert result.outcome is Outcome.REGRESSED
    assert "wrapped in a Markdown code fence" in result.reason


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_schema_from_file_relative_to_base_dir(tmp_path: Path, suffix: str) -> None:
    (tmp_path / "schemas").mkdir()
    text = json.dumps(TICKET_SCHEMA)  # JSON is YAML too
    (tmp_path / "schemas" / f"ticket{suffix}").write_text(text)
    result = judge(
        "schema",
        {"schema": f"schemas/ticket{suffix}"},
        '{"queue": "tech"}',
        '{"queue": 3}',
        base_dir=tmp_path,
    )
    assert result.outcome is Outcome.REGRESSED


def test_schema_is_compiled_once_per_options_and_dir(tmp_path: Path) -> None:
    spec = CheckSpec("schema", TICKET_SCHEMA)
    assert build_check(spec, tmp_path) is build_check(
        CheckSpec("schema", dict(TICKET_SCHEMA)), tmp_path
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"type": "objekt"}, "schema: inline schema is not a valid JSON Schema at $.type: "),
        ("missing.json", "schema: cannot read 'missing.json' (No such file or directory"),
        (42, "schema: expected a schema file path or an inline schema, got 42"),
    ],
)
def test_schema_bad_options(options: Any, message: str) -> None:
    with pytest.raises(CheckConfigError) as info:
        build_check(CheckSpec("schema", options), HERE)
    assert str(info.value).startswith(message)


# --- similarity -------------------------------------------------------------------------


def test_similarity_same_and_changed() -> None:
    same = judge(
        "similarity", {"min": 80}, "The refund is on its way.", "The refund is on its way!"
    )
    assert same.outcome is Outcome.SAME
    changed = judge("similarity", 80, "The refund is on its way.", "Please contact billing.")
    assert changed.outcome is Outcome.CHANGED
    assert changed.evidence["min"] == 80 and changed.evidence["scorer"] == "ratio"
    assert changed.evidence["score"] < 80
    assert changed.reason.startswith("similarity ")


def test_similarity_normalisations() -> None:
    base, cand = '{"a": 1, "b": "X"}', '{ "b":"x",\n "a":1 }'
    assert judge("similarity", {"min": 100}, base, cand).outcome is Outcome.CHANGED
    relaxed = {"min": 100, "normalize": ["json", "case", "whitespace"]}
    assert judge("similarity", relaxed, base, cand).outcome is Outcome.SAME


def test_similarity_scorer_choice() -> None:
    base, cand = "refund order 123 now", "now refund 123 order"
    assert judge("similarity", {"min": 95}, base, cand).outcome is Outcome.CHANGED
    options = {"min": 95, "scorer": "token_sort_ratio"}
    assert judge("similarity", options, base, cand).outcome is Outcome.SAME


def test_similarity_compares_tool_calls_when_there_is_no_text() -> None:
    call = (ToolCall("lookup_order", {"id": 123}),)
    other = (ToolCall("cancel_order", {"id": 999}),)
    same = judge("similarity", 99, answer(tool_calls=call), answer(tool_calls=call))
    assert same.outcome is Outcome.SAME
    assert judge("similarity", 99, answer(tool_calls=call), answer(tool_calls=other)).outcome is (
        Outcome.CHANGED
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"min": "high"}, "similarity: 'min' must be a number from 0 to 100, got 'high'"),
        (101, "similarity: 'min' must be a number from 0 to 100, got 101"),
        (
            {"scorer": "cosine"},
            "similarity: 'scorer' must be one of ratio, partial_ratio, "
            "token_sort_ratio, token_set_ratio, WRatio, got 'cosine'",
        ),
        (
            {"normalize": ["unicode"]},
            "similarity: 'normalize' must be among case, whitespace, json, got 'unicode'",
        ),
        (
            {"minimum": 80},
            "similarity: unknown option 'minimum'; known options: min, normalize, scorer",
        ),
    ],
)
def test_similarity_bad_options(options: Any, message: str) -> None:
    with pytest.raises(CheckConfigError, match="^" + _escape(message) + "$"):
        build_check(CheckSpec("similarity", options), HERE)


def _escape(text: str) -> str:
    import re

    return re.escape(text)


# --- equal ------------------------------------------------------------------------------


def test_equal_at_path() -> None:
    base = '{"queue": "billing", "note": "a"}'
    assert judge("equal", {"path": "$.queue"}, base, '{"queue": "billing"}').outcome is (
        Outcome.SAME
    )
    result = judge("equal", {"path": "$.queue"}, base, '{"queue": "tech", "note": "a"}')
    assert result.outcome is Outcome.CHANGED
    assert result.check == "equal $.queue"
    assert result.reason == "$.queue differs: 'billing' -> 'tech'"
    assert result.evidence["diff"] == {
        "values_changed": {"root": {"new_value": "tech", "old_value": "billing"}}
    }


def test_equal_missing_path_and_not_json() -> None:
    result = judge("equal", "$.queue", '{"queue": "billing"}', '{"team": "billing"}')
    assert result.outcome is Outcome.REGRESSED
    assert result.reason == "candidate output has no value at $.queue"
    assert judge("equal", "$.queue", '{"x": 1}', '{"queue": 1}').outcome is Outcome.IMPROVED
    assert judge("equal", "$.queue", "hello", "```json\n{}\n```").outcome is Outcome.BROKEN
    assert judge("equal", None, '{"a": 1}', "Sure! Here it is").outcome is Outcome.REGRESSED


def test_equal_options_relax_comparison() -> None:
    base, cand = (
        '{"tags": [1, 2], "score": 0.5001, "id": "x1"}',
        '{"tags": [2, 1], "score": 0.5, "id": "y2"}',
    )
    assert judge("equal", None, base, cand).outcome is Outcome.CHANGED
    relaxed = {"ignore_order": True, "tolerance": 0.001, "exclude": ["$.id"]}
    assert judge("equal", relaxed, base, cand).outcome is Outcome.SAME
    assert judge("equal", {"path": "$.tags", "ignore_order": True}, base, cand).outcome is (
        Outcome.SAME
    )


def test_equal_ints_and_floats_of_equal_value_are_equal() -> None:
    assert judge("equal", "$.n", '{"n": 1}', '{"n": 1.0}').outcome is Outcome.SAME


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"path": "$.[[["}, "equal: '$.[[[' is not a valid JSONPath"),
        ({"tolerance": -1}, "equal: 'tolerance' must be a number of at least 0, got -1"),
        ({"ignore_order": "yes"}, "equal: 'ignore_order' must be true or false, got 'yes'"),
    ],
)
def test_equal_bad_options(options: Any, message: str) -> None:
    with pytest.raises(CheckConfigError, match="^" + _escape(message)):
        build_check(CheckSpec("equal", options), HERE)


# --- downstream -------------------------------------------------------------------------


def test_downstream_same_changed_and_raising() -> None:
    route = "check_callables:route"
    assert judge("downstream", route, '{"queue": "a"}', '{"queue": "a", "x": 1}').outcome is (
        Outcome.SAME
    )
    changed = judge("downstream", route, '{"queue": "a"}', '{"queue": "b"}')
    assert changed.outcome is Outcome.CHANGED
    assert changed.check == "downstream check_callables:route"
    assert changed.evidence["results"] == {"baseline": "queue:a", "candidate": "queue:b"}
    regressed = judge("downstream", route, '{"queue": "a"}', '{"team": "b"}')
    assert regressed.outcome is Outcome.REGRESSED
    assert (
        regressed.reason == "candidate output makes check_callables:route raise KeyError: 'queue'"
    )
    assert judge("downstream", route, '{"team": "b"}', '{"queue": "a"}').outcome is (
        Outcome.IMPROVED
    )
    assert judge("downstream", route, "text", '```json\n{"queue": "a"}\n```').outcome is (
        Outcome.BROKEN
    )


def test_downstream_result_diff_is_evidence() -> None:
    result = judge(
        "downstream",
        {"callable": "check_callables.queue_and_priority"},
        '{"queue": "a", "priority": 1}',
        '{"queue": "a", "priority": 2}',
    )
    assert result.outcome is Outcome.CHANGED
    assert "root['priority']" in result.evidence["diff"]["values_changed"]


def test_downstream_timeout_is_an_error() -> None:
    started = time.monotonic()
    result = judge("downstream", {"callable": "check_callables:hang", "timeout": 0.2}, "a", "b")
    assert time.monotonic() - started < 2
    assert result.outcome is Outcome.ERROR
    assert result.reason == "baseline: downstream timed out after 0.2 s"


def test_downstream_callable_raising_timeout_error_is_its_own_failure() -> None:
    result = judge("downstream", "check_callables:raises_timeout", "a", "b")
    assert result.outcome is Outcome.BROKEN


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("nosuchpkg.mod:f", "cannot import 'nosuchpkg.mod:f': No module named 'nosuchpkg'"),
        ("check_callables:missing", "cannot import 'check_callables:missing': module "),
        ("check_callables:NOT_CALLABLE", "'check_callables:NOT_CALLABLE' is not callable"),
        (
            "check_callables:takes_nothing",
            "'check_callables:takes_nothing' takes 0 arguments; "
            "a check callable takes (output) or (output, completion)",
        ),
        ("check_callables:takes_three", "'check_callables:takes_three' takes 3 arguments; "),
        ("nodots", "a dotted path must look like 'pkg.module:name', got 'nodots'"),
    ],
)
def test_callable_path_errors(path: str, message: str) -> None:
    for name in ("downstream", "assert"):
        with pytest.raises(CheckConfigError, match="^" + _escape(message)):
            build_check(CheckSpec(name, path), HERE)


# --- assert -----------------------------------------------------------------------------


def test_assert_outcomes() -> None:
    no_pii = "check_callables:no_pii"
    assert judge("assert", no_pii, "hi", "hello").outcome is Outcome.SAME
    regressed = judge("assert", no_pii, "hi", "mail bob@example.com")
    assert regressed.outcome is Outcome.REGRESSED
    assert regressed.reason == (
        "candidate output fails check_callables:no_pii: output contains an email address"
    )
    assert judge("assert", no_pii, "a@b", "hi").outcome is Outcome.IMPROVED
    assert judge("assert", "check_callables:is_short", "x" * 30, "y" * 30).outcome is (
        Outcome.BROKEN
    )
    exploded = judge("assert", "check_callables:explodes", "a", "b")
    assert exploded.outcome is Outcome.BROKEN
    assert "raise ValueError: bad input" in exploded.reason


def test_assert_two_argument_form_gets_the_completion() -> None:
    result = judge(
        "assert",
        "check_callables:finished",
        answer("a", finish_reason="stop"),
        answer("a", finish_reason="length"),
    )
    assert result.outcome is Outcome.REGRESSED
    # A second parameter with a default is the team's own, not the completion.
    assert judge("assert", "check_callables:with_option", "a", "b").outcome is Outcome.SAME


# --- tool_calls -------------------------------------------------------------------------


def calls(*pairs: tuple[str, Any]) -> Completion:
    return answer(tool_calls=tuple(ToolCall(name, args) for name, args in pairs))


def test_tool_calls_outcomes() -> None:
    lookup = ("lookup_order", {"id": 1})
    refund = ("refund", {"id": 1, "amount": 5})
    assert judge("tool_calls", None, calls(lookup), calls(lookup)).outcome is Outcome.SAME
    gone = judge("tool_calls", None, calls(lookup), answer("I cannot help"))
    assert gone.outcome is Outcome.REGRESSED
    assert gone.reason == "candidate makes no tool call where baseline called ['lookup_order']"
    new = judge("tool_calls", None, answer("Hello"), calls(lookup))
    assert new.outcome is Outcome.CHANGED
    args = judge("tool_calls", None, calls(lookup), calls(("lookup_order", {"id": 2})))
    assert args.outcome is Outcome.CHANGED
    assert args.reason == "arguments differ in calls to ['lookup_order']"
    assert args.evidence["diff"]["values_changed"]
    order = judge("tool_calls", None, calls(lookup, refund), calls(refund, lookup))
    assert order.outcome is Outcome.CHANGED
    assert (
        judge(
            "tool_calls", {"ignore_order": True}, calls(lookup, refund), calls(refund, lookup)
        ).outcome
        is Outcome.SAME
    )


def test_tool_calls_ignore_arguments() -> None:
    base = calls(("lookup", {"id": 1, "request_id": "a"}))
    cand = calls(("lookup", {"id": 1, "request_id": "b"}))
    assert judge("tool_calls", None, base, cand).outcome is Outcome.CHANGED
    options = {"ignore_arguments": ["request_id"]}
    assert judge("tool_calls", options, base, cand).outcome is Outcome.SAME


# --- contains, regex, finish_reason ------------------------------------------------------


def test_contains() -> None:
    assert judge("contains", "refund", "your refund", "refund sent").outcome is Outcome.SAME
    result = judge("contains", ["refund", "order"], "refund order", "Refund order")
    assert result.outcome is Outcome.REGRESSED
    assert result.reason == "candidate output lacks 'refund'"
    assert result.check == "contains 'refund', 'order'"
    options = {"text": "refund", "case_sensitive": False}
    assert judge("contains", options, "refund", "REFUND").outcome is Outcome.SAME


def test_regex() -> None:
    assert judge("regex", r"order \d+", "order 12", "order 9").outcome is Outcome.SAME
    assert judge("regex", r"order \d+", "order x", "order 9").outcome is Outcome.IMPROVED
    options = {"pattern": "^total", "flags": ["i", "m"]}
    assert judge("regex", options, "x\nTOTAL 5", "total").outcome is Outcome.SAME
    with pytest.raises(CheckConfigError, match=r"^regex: '\(unclosed' is not a valid pattern"):
        build_check(CheckSpec("regex", "(unclosed"), HERE)
    with pytest.raises(CheckConfigError, match="^regex: 'flags' must be among i, m, s, got 'x'"):
        build_check(CheckSpec("regex", {"pattern": "a", "flags": ["x"]}), HERE)


def test_finish_reason() -> None:
    stop, cut = answer("a", finish_reason="stop"), answer("a", finish_reason="length")
    assert judge("finish_reason", None, stop, answer(finish_reason="tool_calls")).outcome is (
        Outcome.SAME
    )
    result = judge("finish_reason", None, stop, cut)
    assert result.outcome is Outcome.REGRESSED
    assert result.reason == (
        "candidate output ended with finish_reason 'length' (cut off at the token limit)"
    )
    assert judge("finish_reason", "length", cut, cut).outcome is Outcome.SAME


# --- registry ---------------------------------------------------------------------------


def test_unknown_check_lists_known_names() -> None:
    with pytest.raises(CheckConfigError) as info:
        build_check(CheckSpec("similarty", None), HERE)
    assert str(info.value) == f"unknown check 'similarty'; known checks: {', '.join(check_names())}"
    assert {"schema", "similarity", "equal", "downstream", "assert", "tool_calls"} <= set(
        check_names()
    )


def test_register_custom_check_and_collisions() -> None:
    registry = CheckRegistry()

    @registry.register
    class ShoutCheck(SideBySideCheck):
        name = "test_shout"
        compares_values = False

        @classmethod
        def from_options(cls, options: Any, base_dir: Path) -> Check:
            return cls()

        def observe(self, completion: Completion) -> Observation:
            return Observation(completion.text.isupper(), problem="is not shouted")

    assert "test_shout" in registry.names()
    assert judge("test_shout", None, "HI", "hi", registry=registry).outcome is Outcome.REGRESSED
    registry.register(ShoutCheck)  # registering the same class again is harmless
    # A run's registrations stay in that run's registry.
    assert "test_shout" not in CheckRegistry().names()
    assert "test_shout" not in check_names()

    class Impostor(ShoutCheck):
        name = "schema"

    with pytest.raises(CheckConfigError, match="^check name 'schema' is already registered by "):
        registry.register(Impostor)


def test_entry_point_checks_load_with_each_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import EntryPoint

    from migrate_check.checks import registry

    shipped = EntryPoint("test_non_empty", "check_callables:NonEmptyCheck", "migrate_check.checks")

    def entry_points(group: str) -> list[EntryPoint]:
        return [shipped] if group == registry.ENTRY_POINT_GROUP else []

    monkeypatch.setattr(registry, "entry_points", entry_points)
    with_entry_point = CheckRegistry()
    assert "test_non_empty" in with_entry_point.names()
    outcome = judge("test_non_empty", None, "hi", "  ", registry=with_entry_point).outcome
    assert outcome is Outcome.REGRESSED

    broken = EntryPoint("broken", "no_such_module:Check", "migrate_check.checks")
    monkeypatch.setattr(registry, "entry_points", lambda group: [broken])
    with pytest.raises(CheckConfigError, match="^cannot load check 'broken' from "):
        CheckRegistry()
