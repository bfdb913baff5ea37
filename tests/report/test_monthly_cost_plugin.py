"""The monthly cost through the plugin: options, report.json, report.md and report.html,
from a recorded suite replayed offline."""

from __future__ import annotations

import json

import pytest

from conftest import PAIR


def _read(pytester: pytest.Pytester, name: str) -> str:
    return (pytester.path / "migrate-check-report" / name).read_text()


def test_the_month_reproduces_by_hand_from_report_json(
    pytester: pytest.Pytester, recorded: None
) -> None:
    result = pytester.runpytest("--model-pair", PAIR, "--monthly-volume", "triage=120k")
    assert result.ret == 1, result.outlines  # the suite has a regression by design
    document = json.loads(_read(pytester, "report.json"))
    at_volume = document["aggregates"]["cost_at_volume"]
    month = at_volume["month"]
    assert month["basis"] == "cases per suite" and month["cases_per_month"] == 120_000
    for role in ("baseline", "candidate"):
        cases = [c for c in document["cases"] if c["suite"] == "triage"]
        figures = [c[role]["figures"] for c in cases]
        calls = sum(f["samples"] - f["errors"] for f in figures)
        inputs = sum(f["input_tokens"] for f in figures)
        cached = sum(f["cached_input_tokens"] for f in figures)
        output = sum(f["output_tokens"] for f in figures)
        model = document["pair"][role]
        price = document["prices"]["models"][model]
        cached_rate = price["input"] if price["cached_input"] is None else price["cached_input"]
        by_hand = (
            120_000
            * ((inputs - cached) * price["input"] + cached * cached_rate + output * price["output"])
            / calls
            / 1e6
        )
        assert month[role]["standard_usd"] == pytest.approx(by_hand)
        assert month[role]["batch_usd"] == pytest.approx(by_hand / 2)  # shipped batch: half
    split = month["split"]
    assert split["price_effect_usd"] + split["token_effect_usd"] == pytest.approx(
        split["difference_usd"]
    )
    claim = at_volume["vendor_claim"]
    assert claim["claim"] == "83% cheaper" and claim["finding"] == "does not hold"
    assert claim["measured_on"] == "month at your volume"
    md = _read(pytester, "report.md")
    assert "### Monthly cost at your volume" in md
    assert "claimed: 83% cheaper than gpt-4o (OpenAI" in md and "dearer than gpt-4o-mini" in md
    assert "| cheaper (claimed: 83% cheaper) | month at your volume |" in md
    html = _read(pytester, "report.html")
    assert 'id="monthly"' in html and "a month at batch prices" in html


def test_a_run_without_a_volume_still_answers_the_claim_per_1000_cases(
    pytester: pytest.Pytester, recorded: None
) -> None:
    result = pytester.runpytest("--model-pair", PAIR)
    assert result.ret == 1, result.outlines  # the suite has a regression by design
    at_volume = json.loads(_read(pytester, "report.json"))["aggregates"]["cost_at_volume"]
    assert at_volume["month"] is None
    assert at_volume["vendor_claim"]["measured_on"] == "cost per 1,000 cases"
    assert "Monthly cost at your volume" not in _read(pytester, "report.md")


@pytest.mark.parametrize(
    ("args", "ini", "said"),
    [
        (("--monthly-volume", "triage"), "", "*'triage' is not SUITE=CASES*"),
        (("--monthly-tokens", "lots"), "", "*'lots' is not a count*"),
        (
            (),
            "migrate_check_monthly_volume = triage=0",
            "*migrate_check_monthly_volume: triage: '0' must be from 1*",
        ),
        (
            ("--monthly-tokens", "100M"),
            "migrate_check_monthly_volume = triage=5k",
            "*--monthly-volume and --monthly-tokens (or their ini keys) both give*",
        ),
    ],
)
def test_a_wrong_volume_is_a_usage_error_naming_it(
    pytester: pytest.Pytester, recorded: None, args: tuple[str, ...], ini: str, said: str
) -> None:
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    result = pytester.runpytest("--model-pair", PAIR, *args)
    assert result.ret != 0
    result.stderr.fnmatch_lines([said])
