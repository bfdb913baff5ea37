"""Shutdown dates from the live models list: each model asked once, what fails left out."""

from __future__ import annotations

from devtools.local_openai import LocalServer

from migrate_check.sending.shutdown_dates import shutdown_dates


def test_known_models_have_their_dates_and_unknown_ones_are_left_out(
    server: LocalServer,
) -> None:
    dates = shutdown_dates(
        ["gpt-4o-mini", "no-such-model", "gpt-4.1-mini"],
        api_key="sk-test-local-0000",
        base_url=server.base_url,
        secrets=["sk-test-local-0000"],
    )
    assert dates == {"gpt-4o-mini": "2027-01-14", "gpt-4.1-mini": "2027-01-14"}
    assert sorted(model for model, _ in server.stats.model_lookups) == [
        "gpt-4.1-mini",
        "gpt-4o-mini",
        "no-such-model",
    ]


def test_an_unreachable_models_list_gives_no_dates_and_no_error() -> None:
    dates = shutdown_dates(
        ["gpt-4o-mini"], api_key="sk-test", base_url="http://127.0.0.1:9/v1", secrets=[]
    )
    assert dates == {}
