"""Prices are bounded where they are read (issue 31): a finite but absurd price (`1e308`)
made every cost infinite, the ratios NaN, and report.json break its own schema. A price
beyond `MAX_PRICE` USD per 1M tokens is refused, saying where it was written."""

from __future__ import annotations

import json

import pytest

from conftest import PAIR
from migrate_check.core.pricing import MAX_PRICE, PriceTable, parse_price


def test_an_absurd_ini_price_stops_the_run_naming_the_ini_key_and_the_model(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(
        "[pytest]\nmigrate_check_price_overrides =\n"
        "    gpt-4.1-mini = 0.4/0.1/1.6\n    gpt-4o-mini = 0.15/1e308/0.6\n"
    )
    result = pytester.runpytest("--model-pair", PAIR, "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*migrate-check prices: price '0.15/1e308/0.6' has cached_input 1e+308; a price "
            f"is a finite number of USD per 1M tokens, 0 or more and at most {MAX_PRICE:,.0f} "
            "(migrate_check_price_overrides, line 2: 'gpt-4o-mini = 0.15/1e308/0.6')"
        ]
    )


def test_an_absurd_price_in_a_table_file_names_the_file_and_the_model(
    pytester: pytest.Pytester,
) -> None:
    table = {"date": "2026-11", "models": {"gpt-4o-mini": {"input": 1e308, "output": 0.6}}}
    (pytester.path / "team-prices.json").write_text(json.dumps(table))
    result = pytester.runpytest(
        "--model-pair", PAIR, "-p", "no:cacheprovider", "--prices", "team-prices.json"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*price of 'gpt-4o-mini' in '*team-prices.json' has input 1e+308;*"]
    )


def test_the_bound_leaves_room_for_every_real_price() -> None:
    shipped = PriceTable.default().models.values()
    dearest = max(max(p.input, p.output, p.cached_input or 0) for p in shipped)
    assert dearest * 10 <= MAX_PRICE
    assert parse_price(f"{MAX_PRICE}/{MAX_PRICE}").output == MAX_PRICE
    with pytest.raises(ValueError, match=r"has output 1000000.0; .* at most 10,000"):
        parse_price("1/1e6")
