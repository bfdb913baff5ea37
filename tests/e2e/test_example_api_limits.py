"""The same-API and limits claims through the plugin: the bundled order-extraction
example replayed offline, its report.json (checked against the schema elsewhere) read."""

from __future__ import annotations

import json

import pytest
from example_project import copy_example, run_example


def test_example_answers_the_same_api_and_limits_claims(
    pytester: pytest.Pytester, offline: None
) -> None:
    copy_example(pytester.path, "order-extraction")
    run_example(pytester, "suites/order_extraction.yaml")
    report = json.loads((pytester.path / "report" / "report.json").read_text())
    aggregates = report["aggregates"]
    shape = aggregates["api_shape"]
    # Ten recorded bodies a side, each a JSON answer to response_format json_object.
    assert (shape["baseline"]["bodies"], shape["candidate"]["bodies"]) == (10, 10)
    parameters = {p["name"]: p for p in shape["parameters"]}
    assert set(parameters) == {"response_format", "temperature"}
    json_format = parameters["response_format"]
    assert json_format["baseline"]["accepted"] == json_format["candidate"]["accepted"] == "yes"
    assert json_format["candidate"]["checked"] == 10
    assert "usage.prompt_tokens_details.cached_tokens" in shape["candidate"]["usage_fields"]
    same_api = next(c for c in aggregates["claims"] if c["claim"] == "same API")
    assert same_api["finding"] == ("holds" if not shape["differences"] else "does not hold")
    assert same_api["candidate"] == len(shape["differences"])
    # Short e-mails come nowhere near 128,000 tokens in or 16,384 out.
    limits = aggregates["limits"]
    assert limits["baseline"]["context_window"] == 128_000
    assert limits["candidate"]["max_output_tokens"] == 32_768
    assert 0 < limits["baseline"]["largest_input"] < 1_000
    bigger = [c for c in aggregates["claims"] if c["claim"] == "bigger limits"]
    assert [c["finding"] for c in bigger] == ["not exercised", "not exercised"]
    assert bigger[0]["baseline"] == limits["baseline"]["largest_input"]
    markdown = (pytester.path / "report" / "report.md").read_text()
    assert "Same API: compared" in markdown and "| response\\_format | 10 | yes | yes |" in markdown
    assert "not exercised" in markdown and "128,000 context / 16,384 output" in markdown
