""" "Same API" and "bigger limits": built from completions as replay builds them."""

from __future__ import annotations

import copy
from typing import Any

from migrate_check.cassettes.answers import completions_from_chat
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion
from migrate_check.core.pricing import PriceTable
from migrate_check.core.results import CaseResult
from migrate_check.report.api_shape import MAX_NODES, api_shape, walk
from migrate_check.report.limits import limits

BASE, CAND = "gpt-4o-mini", "gpt-4.1-mini"
PRICES = PriceTable.default()


def body(
    text: str = '{"a": 1}',
    finish: str = "stop",
    tokens: tuple[int, int] = (50, 20),
    choices: int = 1,
    **message: Any,
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "m",
        "choices": [
            {
                "index": i,
                "message": {"role": "assistant", "content": text, "refusal": None, **message},
                "finish_reason": finish,
            }
            for i in range(choices)
        ],
        "usage": {
            "prompt_tokens": tokens[0],
            "completion_tokens": tokens[1],
            "total_tokens": sum(tokens),
            "prompt_tokens_details": {"cached_tokens": 0},
        },
    }


def case(request: dict[str, Any], key: str = "c") -> Case:
    return Case("s", key, {"messages": [{"role": "user", "content": "hi"}], **request}, ())


def result(request: dict[str, Any], base: Any, cand: Any, key: str = "c") -> CaseResult:
    def side(answer: Any, model: str) -> list[Completion]:
        if isinstance(answer, str):
            return [Completion(model=model, error=answer)]
        return completions_from_chat(answer, model, 10.0)

    return CaseResult(case(request, key), side(base, BASE), side(cand, CAND))


def test_identical_shapes_and_honoured_parameters_make_the_claim_hold() -> None:
    request = {"temperature": 0, "max_tokens": 100, "response_format": {"type": "json_object"}}
    shape = api_shape([result(request, body(), body())])
    claim = shape.claim()
    assert (claim.claim, claim.finding, claim.candidate) == ("same API", "holds", 0)
    assert "3 request parameters" in claim.metric and "1 + 1 recorded bodies" in claim.metric
    rows = {row.name: row for row in shape.parameters}
    assert rows["max_tokens"].honoured("candidate") == "1/1"
    assert rows["response_format"].honoured("baseline") == "1/1"
    assert rows["temperature"].honoured("candidate") == "not checkable"
    assert rows["temperature"].accepted("candidate") == "yes"
    assert shape.candidate.usage_fields == (
        "usage.completion_tokens",
        "usage.prompt_tokens",
        "usage.prompt_tokens_details",
        "usage.prompt_tokens_details.cached_tokens",
        "usage.total_tokens",
    )
    assert shape.baseline.refusal_fields == ("choices[].message.refusal",)


def test_a_field_on_one_side_and_a_changed_type_are_differences() -> None:
    cand = body(annotations=[])
    cand["usage"]["total_tokens"] = "70"  # a string where the baseline sent a number
    shape = api_shape([result({}, body(), cand)])
    assert shape.only_candidate == ("choices[].message.annotations",)
    assert shape.only_baseline == ()
    assert shape.type_differs == (("usage.total_tokens", "number", "string"),)
    claim = shape.claim()
    assert claim.finding == "does not hold" and claim.candidate == 2
    assert any("annotations" in d for d in shape.differences())


def test_a_null_beside_a_value_is_not_a_type_change() -> None:
    cand = body()
    cand["choices"][0]["message"]["content"] = None  # tool calls only: content is null
    assert api_shape([result({}, body(), cand)]).type_differs == ()


def test_a_rejected_parameter_and_an_unhonoured_one_are_named() -> None:
    rejected = (
        "API error 400: Unsupported parameter: 'max_tokens' is not supported with this model."
    )
    shape = api_shape(
        [
            result({"max_tokens": 5}, body(tokens=(10, 5)), rejected, "a"),
            result({"n": 2}, body(choices=2), body(choices=1), "b"),
        ]
    )
    rows = {row.name: row for row in shape.parameters}
    assert rows["max_tokens"].accepted("baseline") == "yes"
    assert rows["max_tokens"].accepted("candidate") == "rejected"
    assert rows["n"].honoured("baseline") == "2/2"  # each choice's body has 2 choices
    assert rows["n"].honoured("candidate") == "0/1"
    differences = shape.differences()
    assert any(d.startswith("parameter max_tokens: accepted yes -> rejected") for d in differences)
    assert any(d.startswith("parameter n:") for d in differences)


def test_finish_reasons_are_counted_per_side() -> None:
    shape = api_shape(
        [
            result({}, body(finish="stop"), body(finish="length"), "a"),
            result({}, body(finish="stop"), body(finish="stop"), "b"),
        ]
    )
    assert shape.baseline.finish_reasons == {"stop": 2}
    assert shape.candidate.finish_reasons == {"length": 1, "stop": 1}


def test_no_bodies_is_no_data_not_holds() -> None:
    run = [result({}, "no recording", "no recording")]
    assert api_shape(run).claim().finding == "no data"


def test_the_walk_is_bounded_on_a_huge_or_deep_body() -> None:
    deep: Any = {}
    cursor = deep
    for _ in range(500):
        cursor["x"] = {}
        cursor = cursor["x"]
    assert max(p.count(".") for p in walk(deep)) < 12
    wide = {f"k{i}": list(range(1000)) for i in range(1000)}
    assert len(walk(wide)) <= MAX_NODES


def test_limits_far_below_the_baseline_are_not_exercised() -> None:
    seen = limits([result({}, body(tokens=(900, 40)), body(tokens=(880, 60)))], BASE, CAND, PRICES)
    assert (seen.baseline.context_window, seen.baseline.max_output_tokens) == (128_000, 16_384)
    assert (seen.candidate.context_window, seen.candidate.max_output_tokens) == (1_047_576, 32_768)
    assert (seen.baseline.largest_input, seen.candidate.largest_output) == (900, 60)
    context, output = seen.claims()
    assert context.finding == output.finding == "not exercised"
    assert "128,000 / 1,047,576" in context.metric
    assert (context.baseline, context.candidate) == (900, 880)


def test_a_case_near_the_baseline_limit_exercises_it() -> None:
    big = body(tokens=(100_000, 30))
    seen = limits([result({}, big, copy.deepcopy(big), "huge")], BASE, CAND, PRICES)
    assert seen.baseline.largest_input_case == "s::huge"
    context, output = seen.claims()
    assert context.finding == "holds"
    assert output.finding == "not exercised"


def test_a_cut_off_on_the_candidate_only_is_named_and_fails_the_claim() -> None:
    cut = body(finish="length", tokens=(50, 16_000))
    seen = limits([result({}, body(tokens=(50, 9_000)), cut, "long")], BASE, CAND, PRICES)
    assert seen.candidate.cut_off_only_here == ("s::long",)
    assert seen.baseline.cut_off_only_here == ()
    _, output = seen.claims()
    assert output.finding == "does not hold"
    assert "1 candidate" in output.metric


def test_a_length_finish_under_the_requests_own_max_tokens_is_not_the_model_limit() -> None:
    cut = body(finish="length", tokens=(50, 5))
    seen = limits([result({"max_tokens": 5}, body(), cut)], BASE, CAND, PRICES)
    assert seen.candidate.cut_off_only_here == ()


def test_unknown_models_limits_are_no_data() -> None:
    seen = limits([result({}, body(), body())], "my-model", CAND, PRICES)
    assert {c.finding for c in seen.claims()} == {"no data"}
