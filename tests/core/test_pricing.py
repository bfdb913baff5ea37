"""The price table: shipped figures, dated-name matching, overrides and the cost formula."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrate_check.core.completion import Usage
from migrate_check.core.pricing import ModelPrice, PriceTable, parse_overrides, parse_price


def test_shipped_table_is_dated_and_has_the_headline_pair() -> None:
    table = PriceTable.default()
    assert table.date == "2026-11"
    assert "pricing" in table.source
    # The Batch API's prices beside the list prices: half of them.
    batch_4o_mini = ModelPrice(0.075, 0.0375, 0.3)
    batch_41_mini = ModelPrice(0.2, 0.05, 0.8)
    # Documented limits beside prices: context window, then most output tokens.
    assert table.models["gpt-4o-mini"] == ModelPrice(
        0.15, 0.075, 0.6, "2027-01-14", batch_4o_mini, 128_000, 16_384
    )
    assert table.models["gpt-4.1-mini"] == ModelPrice(
        0.4, 0.1, 1.6, "2027-01-14", batch_41_mini, 1_047_576, 32_768
    )
    for model in ("gpt-4.1-nano", "gpt-4o", "gpt-4.1"):
        assert table.price_for(model) is not None


def test_cost_formula_charges_cached_tokens_at_the_cached_rate() -> None:
    usage = Usage(input_tokens=1_000_000, cached_input_tokens=400_000, output_tokens=500_000)
    # (1M - 0.4M) * 0.40 + 0.4M * 0.10 + 0.5M * 1.60, per 1M
    assert PriceTable.default().cost("gpt-4.1-mini", usage) == pytest.approx(0.24 + 0.04 + 0.8)


def test_missing_cached_price_means_full_input_price() -> None:
    price = ModelPrice(input=1.0, cached_input=None, output=2.0)
    assert price.cost(Usage(1_000_000, 1_000_000, 0)) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "name", ["gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini", "GPT-4o-mini", "gpt-4o-mini"]
)
def test_dated_snapshots_and_prefixes_match_their_alias(name: str) -> None:
    assert PriceTable.default().price_for(name) == PriceTable.default().models["gpt-4o-mini"]


def test_unknown_models_have_no_price_rather_than_a_wrong_one() -> None:
    table = PriceTable.default()
    assert table.price_for("gpt-4o-mini-tts") is None
    assert table.cost("my-azure-deployment", Usage(10, 0, 10)) is None


def test_overrides_replace_prices_keep_shutdown_dates_and_are_named() -> None:
    table = PriceTable.default().merged(parse_overrides(["gpt-4o-mini = 0.2/0.1/0.8", "# note"]))
    price = table.price_for("gpt-4o-mini")
    # A new price keeps the model's shutdown date and documented limits.
    assert price == ModelPrice(0.2, 0.1, 0.8, "2027-01-14", None, 128_000, 16_384)
    assert table.overrides == ("gpt-4o-mini",)
    partial = PriceTable.default().merged({"gpt-4o": {"output": 12}})
    assert partial.models["gpt-4o"].output == 12 and partial.models["gpt-4o"].input == 2.5


def test_load_a_table_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"date": "2027-02", "models": {"local": {"input": 0, "output": 0}}}))
    table = PriceTable.load(path)
    assert table.date == "2027-02" and table.models["local"].cached_input is None
    merged = PriceTable.default().merged(table)
    assert "local" in merged.models and merged.date == "2026-11"


@pytest.mark.parametrize("text", ["cheap", "1/2/3/4", ""])
def test_bad_prices_are_quoted_back(text: str) -> None:
    with pytest.raises(ValueError, match="is not a price"):
        parse_price(text)


def test_bad_table_files_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"models": {"x": {"input": "free"}}}')
    with pytest.raises(ValueError, match="broken.json"):
        PriceTable.load(path)
