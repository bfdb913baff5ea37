"""Cost at the team's volume: the month per model, its split, the vendor's claim beside it."""

from __future__ import annotations

import argparse
import math

import pytest

from migrate_check.core.pricing import ModelPrice, PriceTable
from migrate_check.core.vendor_claims import VendorClaim, claim_for, shipped_claims
from migrate_check.core.volume import MAX_MONTHLY, MonthlyVolume, parse_count, parse_volume
from migrate_check.report.case_figures import CaseRow, SideFigures
from migrate_check.report.monthly import (
    CostClaim,
    Tokens,
    cost,
    decompose,
    project,
    rates,
)
from migrate_check.report.monthly_text import claim_sentence, monthly_notes, monthly_rows

MINI = PriceTable.default().price_for("gpt-4o-mini")
NEW = PriceTable.default().price_for("gpt-4.1-mini")


def figures(
    inputs: int, cached: int, output: int, samples: int = 1, errors: int = 0
) -> SideFigures:
    return SideFigures(samples, errors, inputs, cached, output, None, None)


def row(suite: str, base: SideFigures, cand: SideFigures, index: int = 0) -> CaseRow:
    return CaseRow(index, f"{suite}::c{index}", suite, f"c{index}", "same", (), base, cand)


def test_counts_take_suffixes_and_separators_and_refuse_the_rest() -> None:
    assert parse_count("120000") == parse_count("120_000") == parse_count("120k") == 120_000
    assert parse_count("1.5M") == 1_500_000 and parse_count("2b") == 2 * 10**9
    for bad, said in [
        ("0", "from 1"),
        ("-5", "not a count"),
        ("1.5", "whole number"),
        ("12e3", "not a count"),
        (str(MAX_MONTHLY + 1), "from 1"),
        ("1" * 50, "not a count"),
    ]:
        with pytest.raises(argparse.ArgumentTypeError, match=said):
            parse_count(bad)


def test_volume_names_each_suite_once_and_a_mistake_names_the_entry() -> None:
    assert parse_volume("support-triage=120000, release-notes = 5k\n# old\n") == (
        ("support-triage", 120_000),
        ("release-notes", 5_000),
    )
    with pytest.raises(argparse.ArgumentTypeError, match="'support-triage' is not SUITE=CASES"):
        parse_volume("support-triage")
    with pytest.raises(argparse.ArgumentTypeError, match="given twice"):
        parse_volume("a=1,a=2")
    with pytest.raises(argparse.ArgumentTypeError, match="a: 'lots' is not a count"):
        parse_volume("a=lots")
    with pytest.raises(argparse.ArgumentTypeError, match="names no suite"):
        parse_volume(" , ")
    with pytest.raises(ValueError, match="not both"):
        MonthlyVolume((("a", 1),), tokens=5)


def test_the_month_reproduces_by_hand_from_token_counts_and_prices() -> None:
    rows = [
        # support-triage: two cases, the second sampled twice with one error
        row("support-triage", figures(1000, 200, 100), figures(1200, 0, 300), 0),
        row("support-triage", figures(2000, 0, 200, 2), figures(2000, 0, 500, 2, 1), 1),
        row("release-notes", figures(500, 0, 1000), figures(400, 0, 800), 2),
    ]
    volume = MonthlyVolume((("support-triage", 120_000), ("release-notes", 5_000)))
    month = project(volume, rows, ("gpt-4o-mini", "gpt-4.1-mini"), (MINI, NEW))
    assert month is not None and MINI is not None and NEW is not None
    # By hand: baseline support-triage has 3 answered calls, candidate 2.
    base_st = (3000 - 200) / 3 * 120_000, 200 / 3 * 120_000, 300 / 3 * 120_000
    base_rn = 500 * 5_000, 0, 1000 * 5_000
    cand_st = 3200 / 2 * 120_000, 0, 800 / 2 * 120_000
    cand_rn = 400 * 5_000, 0, 800 * 5_000
    base_hand = (
        (base_st[0] + base_rn[0]) * 0.15 + (base_st[1]) * 0.075 + (base_st[2] + base_rn[2]) * 0.6
    ) / 1e6
    cand_hand = ((cand_st[0] + cand_rn[0]) * 0.4 + (cand_st[2] + cand_rn[2]) * 1.6) / 1e6
    assert month.baseline.standard == pytest.approx(base_hand)
    assert month.candidate.standard == pytest.approx(cand_hand)
    assert month.baseline.batch == pytest.approx(base_hand / 2)
    assert month.candidate.batch == pytest.approx(cand_hand / 2)
    assert month.cases_per_month == 125_000
    assert month.decomposition is not None
    split = month.decomposition
    assert split.difference == pytest.approx(cand_hand - base_hand)
    assert split.price_effect + split.token_effect == pytest.approx(split.difference)


def test_price_and_token_effects_follow_the_stated_method() -> None:
    base_tokens, cand_tokens = Tokens(1e6, 0, 1e6), Tokens(1e6, 0, 2e6)
    old, new = ModelPrice(1.0, None, 2.0), ModelPrice(2.0, None, 4.0)
    split = decompose(base_tokens, old, cand_tokens, new)
    assert split.price_effect == pytest.approx(3.0)  # (2-1)x1 + (4-2)x1 at old tokens
    assert split.token_effect == pytest.approx(4.0)  # 1M more output at the new $4
    assert split.difference == pytest.approx(7.0)
    shares = split.shares()
    assert shares is not None and shares == pytest.approx((3 / 7, 4 / 7))
    # Dearer per token, but far fewer tokens: the two pull apart, no shares given.
    cheaper = decompose(base_tokens, old, Tokens(1e5, 0, 1e5), new)
    assert cheaper.price_effect > 0 > cheaper.token_effect and cheaper.shares() is None
    assert cost(Tokens(1e6, 1e6, 0), rates(ModelPrice(1.0, None, 0))) == 2.0


def test_tokens_per_month_stand_for_cases_in_the_runs_mix() -> None:
    rows = [row("a", figures(900, 0, 100), figures(900, 0, 300))]
    month = project(MonthlyVolume(tokens=100_000_000), rows, ("b", "c"), (MINI, NEW))
    assert month is not None and month.basis == "tokens per month"
    assert month.cases_per_month == pytest.approx(100_000)  # 1,000 tokens a call
    assert month.baseline.tokens == Tokens(90e6, 0, 10e6)


def test_suites_without_cases_or_volume_are_named_and_left_out() -> None:
    rows = [
        row("a", figures(10, 0, 10), figures(10, 0, 10)),
        row("b", figures(1, 0, 1), figures(1, 0, 1), 1),
    ]
    month = project(MonthlyVolume((("a", 10), ("gone", 5))), rows, ("x", "y"), (MINI, NEW))
    assert month is not None and [s.suite for s in month.suites] == ["a"]
    assert any("gone" in n for n in month.notes) and any("for b" in n for n in month.notes)
    assert project(MonthlyVolume(), rows, ("x", "y"), (MINI, NEW)) is None
    unpriced = project(MonthlyVolume((("a", 10),)), rows, ("x", "y"), (None, NEW))
    assert unpriced is not None and unpriced.baseline.standard is None
    assert unpriced.decomposition is None
    errors_only = [row("a", figures(0, 0, 0, 1, 1), figures(10, 0, 10))]
    failed = project(MonthlyVolume((("a", 10),)), errors_only, ("x", "y"), (MINI, NEW))
    assert (
        failed is not None and failed.baseline.tokens is None and failed.baseline.standard is None
    )


def test_the_shipped_claim_names_its_source_and_is_checked_on_the_pair() -> None:
    claim = claim_for("gpt-4.1-mini-2025-04-14", "gpt-4o-mini", shipped_claims())
    assert claim is not None and claim.saving == 0.83 and "openai.com" in claim.source
    assert claim_for("gpt-4o-mini", "gpt-4.1-mini", shipped_claims()) is None
    # The shipped prices: 84% cheaper than gpt-4o per token, 2.67x dearer than gpt-4o-mini.
    gpt4o = PriceTable.default().price_for("gpt-4o")
    assert gpt4o is not None and NEW is not None and MINI is not None
    assert 1 - NEW.input / gpt4o.input == pytest.approx(0.84)
    assert NEW.output / MINI.output == pytest.approx(2.667, rel=1e-3)
    dearer = CostClaim(claim, "month at your volume", 100.0, 270.0)
    assert dearer.finding == "does not hold"
    text = claim_sentence(dearer, "gpt-4o-mini")
    assert text.startswith("claimed: 83% cheaper than gpt-4o (OpenAI")
    assert "your traffic: 2.70x dearer than gpt-4o-mini per month ($270.00 against $100.00)" in text
    mine = VendorClaim("c", "b", "50% cheaper", 0.5, "2025-01-01", "vendor blog")
    assert CostClaim(mine, "cost per 1,000 cases", 10.0, 4.0).finding == "holds"
    assert "60.0% cheaper per 1,000 cases" in claim_sentence(
        CostClaim(mine, "cost per 1,000 cases", 10.0, 4.0), "b"
    )
    assert CostClaim(mine, "cost per 1,000 cases", None, 4.0).finding == "no data"


def test_the_table_and_notes_read_like_the_vendors() -> None:
    rows = [row("a", figures(1000, 0, 1000), figures(1000, 0, 2000))]
    month = project(
        MonthlyVolume((("a", 1000),)), rows, ("gpt-4o-mini", "gpt-4.1-mini"), (MINI, NEW)
    )
    assert month is not None
    table = {label: (b, c, r) for label, b, c, r in monthly_rows(month)}
    assert table["a month at standard prices"] == ("$0.75", "$3.6", "4.80x")
    assert table["a month at batch prices"][2] == "4.80x"
    assert table["tokens out a month"] == ("1,000,000", "2,000,000", "")
    notes = " ".join(monthly_notes(month))
    assert "a 1,000 cases a month" in notes
    assert "from price per token" in notes and "using more tokens" in notes
    assert not math.isnan(month.decomposition.price_effect if month.decomposition else math.nan)
