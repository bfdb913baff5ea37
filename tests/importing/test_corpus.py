"""Every real cassette in the shared corpus is read, file by file, as MANIFEST.tsv describes it.

The corpus lives beside the repository (`<repo>/../shared/corpus/openai-cassettes`,
or `$MIGRATE_CHECK_CORPUS`) and is never copied into the project. The `corpus` fixture
(conftest.py) skips these tests on a clean clone and fails them under CI.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import corpus_dir
from migrate_check.importing import Exchange, read_cassette

NOT_CASSETTES = {"MANIFEST.tsv", "README.md"}


def manifest_rows(corpus: Path) -> list[dict[str, str]]:
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def corpus_files(corpus: Path) -> list[str]:
    return sorted(
        p.relative_to(corpus).as_posix()
        for p in corpus.rglob("*")
        if p.is_file() and p.name not in NOT_CASSETTES and "LICENSES" not in p.parts
    )


def _params() -> list[Any]:
    """One test per manifest row; one that the `corpus` fixture skips or fails without it."""
    where = corpus_dir()
    if not (where / "MANIFEST.tsv").is_file():
        return [pytest.param(None, id="corpus-missing")]
    return [pytest.param(row, id=row["file"].split("/")[-1][-70:]) for row in manifest_rows(where)]


def test_manifest_lists_every_corpus_file(corpus: Path) -> None:
    listed = sorted(row["file"] for row in manifest_rows(corpus))
    assert listed == corpus_files(corpus)


@pytest.mark.parametrize("row", _params())
def test_cassette_is_read_as_the_manifest_describes(
    corpus: Path, row: dict[str, str] | None
) -> None:
    assert row is not None
    path = corpus / row["file"]
    exchanges = read_cassette(path)

    assert len(exchanges) == int(row["interactions"])
    assert sorted({e.model for e in exchanges if e.model}) == sorted(row["models"].split(","))
    assert {f"{e.method} {e.path}" for e in exchanges} == set(row["endpoints"].split(","))
    for exchange in exchanges:
        assert_explained(exchange)
    for feature in row["features"].split(","):
        assert FEATURES[feature](exchanges), f"{row['file']}: feature {feature!r} not found"


def assert_explained(exchange: Exchange) -> None:
    """A completion, or an error that says why there is none; model answers always read."""
    where = exchange.where
    assert exchange.completion is not None or exchange.error, f"{where}: nothing extracted"
    if exchange.completion is None:
        assert exchange.error and len(exchange.error) > 10, f"{where}: {exchange.error!r}"
    answers = exchange.endpoint in ("chat.completions", "responses")
    if answers and 200 <= exchange.status < 300:
        completion = exchange.completion
        assert completion is not None, f"{where}: {exchange.error}"
        assert completion.error is None, f"{where}: {completion.error}"
        assert completion.text or completion.tool_calls, f"{where}: empty answer"
        assert completion.finish_reason or exchange.stream, f"{where}: no finish reason"
        assert completion.model == exchange.model
    if exchange.status >= 400:
        assert exchange.completion is None
        assert exchange.error and exchange.error.startswith(f"HTTP {exchange.status}: ")


def _ok(exchanges: list[Exchange]) -> list[Exchange]:
    return [e for e in exchanges if e.completion is not None and 200 <= e.status < 300]


def _format_type(exchange: Exchange) -> str | None:
    request = exchange.request or {}
    fmt = request.get("response_format") or (request.get("text") or {}).get("format") or {}
    return fmt.get("type") if isinstance(fmt, dict) else None


def _has_tools(exchanges: list[Exchange]) -> bool:
    requested = any((e.request or {}).get("tools") for e in exchanges)
    return requested or any(e.completion.tool_calls for e in _ok(exchanges) if e.completion)


FEATURES: dict[str, Callable[[list[Exchange]], bool]] = {
    "text": lambda xs: any(e.completion.text for e in _ok(xs) if e.completion),
    "tools": _has_tools,
    "stream": lambda xs: any(e.stream for e in xs),
    "error": lambda xs: any(e.status >= 400 and e.error for e in xs),
    "json_schema": lambda xs: any(_format_type(e) == "json_schema" for e in xs),
    "json_object": lambda xs: any(_format_type(e) == "json_object" for e in xs),
    "gzip": lambda xs: any(
        e.response_headers.get("content-encoding") == "gzip" and e.response_text for e in xs
    ),
}


@pytest.fixture
def corpus_file(corpus: Path) -> Callable[[str], Path]:
    """The one corpus file whose path ends with the name."""

    def find(name: str) -> Path:
        matches = [corpus / f for f in corpus_files(corpus) if f.endswith(name)]
        assert len(matches) == 1, name
        return matches[0]

    return find


def test_streamed_tool_call_is_reassembled_with_usage(corpus_file: Callable[[str], Path]) -> None:
    path = corpus_file("test_openai__test_run_stream_sync_streams_real_model.yaml")
    first, second = read_cassette(path)
    assert first.stream and first.completion is not None
    [call] = first.completion.tool_calls
    assert (call.name, call.arguments) == ("get_capital", {"country": "UK"})
    assert first.completion.finish_reason == "tool_calls"
    assert first.completion.usage.input_tokens == 53
    assert first.completion.usage.output_tokens == 15
    assert second.completion is not None
    assert second.completion.text == "The capital of the UK is London."
    assert second.completion.latency_ms == 290.0


def test_gzip_binary_body_is_decompressed(corpus_file: Callable[[str], Path]) -> None:
    path = corpus_file("test_openai_completions_provider__openai_gpt_4o_mini_completions.yaml")
    [exchange] = read_cassette(path)
    assert exchange.completion is not None
    assert exchange.completion.text == "Hello! How can I assist you today?"
    assert exchange.completion.response_model == "gpt-4o-mini-2024-07-18"
    assert exchange.completion.latency_ms == 351.0
    assert exchange.request == {
        "messages": [{"role": "user", "content": "Say hello"}],
        "model": "gpt-4o-mini",
    }


def test_responses_stream_takes_the_final_response(corpus_file: Callable[[str], Path]) -> None:
    [exchange] = read_cassette(corpus_file("test_openai__test_responses_stream.yaml"))
    assert exchange.endpoint == "responses" and exchange.stream
    assert exchange.completion is not None
    assert exchange.completion.text == "Four plus five equals **nine**."
    assert exchange.completion.usage.output_tokens == 9


def test_cached_tokens_are_read(corpus_file: Callable[[str], Path]) -> None:
    _, second = read_cassette(corpus_file("test_tool_calls__test_cached_tokens.yaml"))
    assert second.completion is not None
    assert second.completion.usage.cached_input_tokens == 1280


def test_api_error_message_is_kept(corpus_file: Callable[[str], Path]) -> None:
    [exchange] = read_cassette(corpus_file("test_model_name_suggestion[openai-chat].yaml"))
    assert exchange.status == 404 and exchange.completion is None
    assert exchange.error == (
        "HTTP 404: The model `gpt-5.2-proo` does not exist or you do not have access to it. "
        "(model_not_found)"
    )


def test_whole_corpus_totals(corpus: Path) -> None:
    exchanges = [e for f in corpus_files(corpus) for e in read_cassette(corpus / f)]
    assert len(exchanges) == sum(int(r["interactions"]) for r in manifest_rows(corpus))
    assert all(e.completion is not None or e.error for e in exchanges)
