"""Streamed answers keep how they arrived: time to first token and tokens per second,
measured on the client while recording, in the cassette's own metadata, read in replay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from devtools.local_openai import LocalServer

from migrate_check.core.case import Case
from migrate_check.core.completion import CompletionsByCase
from migrate_check.sending.runner import Runner
from migrate_check.sending.settings import RunnerSettings

BASELINE, CANDIDATE = "gpt-4o-mini", "gpt-4.1-mini"
MODELS = [BASELINE, CANDIDATE]
KEY = "sk-test-local-0000"
PROMPT = "Summarise in a few words: the parcel arrived late and the box was crushed."

CASES = [
    Case(
        suite="s",
        id="chat-stream",
        request={
            "messages": [{"role": "user", "content": PROMPT}],
            "stream": True,
            "stream_options": {"include_usage": True},
        },
        checks=(),
    ),
    Case(
        suite="s",
        id="responses-stream",
        api="responses",
        request={"input": PROMPT, "stream": True},
        checks=(),
    ),
    Case(
        suite="s",
        id="chat-plain",
        request={"messages": [{"role": "user", "content": PROMPT}]},
        checks=(),
    ),
]


def _fetch(root: Path, mode: str, base_url: str) -> CompletionsByCase:
    runner = Runner(
        RunnerSettings(record_mode=mode, cassette_dir=root, base_url=base_url),
        lambda case, model, mode: "record it",
    )
    return runner.fetch(CASES, MODELS)


def _metadata(root: Path, case: str, model: str) -> dict[str, Any]:
    text = (root / "s" / case / f"{model}.yaml").read_text()
    return yaml.safe_load(text).get("metadata") or {}


def test_streams_keep_their_timing_in_the_cassette_and_replay_it(
    tmp_path: Path, server: LocalServer, no_openai_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    server.set_stream_pace(first_token_ms=400, token_ms=10)
    try:
        recorded = _fetch(tmp_path, "once", server.base_url)
    finally:
        server.set_stream_pace(0, 0)
    replayed = _fetch(tmp_path, "none", "http://127.0.0.1:9/v1")
    assert replayed == recorded  # the live run's figures are the cassette's
    first_tokens = {}
    for model in MODELS:
        for case in ("chat-stream", "responses-stream"):
            answer = replayed[(f"s::{case}", model)][0]
            assert answer.error is None and answer.streamed
            timing = answer.stream_timing
            assert timing is not None and timing.time_to_first_token_ms is not None
            assert timing.tokens_per_second is not None and timing.tokens_per_second > 0
            first_tokens[(case, model)] = timing.time_to_first_token_ms
            entry = _metadata(tmp_path, case, model)["migrate_check"]["stream_timing"]
            (figures,) = entry.values()
            assert figures["time_to_first_token_ms"] == timing.time_to_first_token_ms
            assert figures["output_tokens"] == answer.usage.output_tokens
            # Never a header pretending the provider sent it.
            text = (tmp_path / "s" / case / f"{model}.yaml").read_text()
            assert "time_to_first_token" not in str(yaml.safe_load(text)["interactions"])
            assert KEY not in text
        plain = replayed[("s::chat-plain", model)][0]
        assert not plain.streamed and plain.stream_timing is None
        assert _metadata(tmp_path, "chat-plain", model) == {}
    # The server paces the candidate at 0.8 of the baseline's wait: the clock sees it.
    for case in ("chat-stream", "responses-stream"):
        assert first_tokens[(case, BASELINE)] >= 400
        assert first_tokens[(case, CANDIDATE)] < first_tokens[(case, BASELINE)]


def test_a_cassette_recorded_without_timing_replays_as_not_recorded(
    tmp_path: Path, server: LocalServer, no_openai_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    _fetch(tmp_path, "once", server.base_url)
    for path in tmp_path.rglob("*.yaml"):  # as a cassette from before this was kept
        data = yaml.safe_load(path.read_text())
        data.pop("metadata", None)
        path.write_text(yaml.safe_dump(data))
    replayed = _fetch(tmp_path, "none", "http://127.0.0.1:9/v1")
    answer = replayed[("s::chat-stream", BASELINE)][0]
    assert answer.error is None and answer.streamed and answer.stream_timing is None


def test_timing_that_is_not_a_number_is_not_recorded(
    tmp_path: Path, server: LocalServer, no_openai_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    _fetch(tmp_path, "once", server.base_url)
    path = tmp_path / "s" / "chat-stream" / f"{BASELINE}.yaml"
    data = yaml.safe_load(path.read_text())
    for figures in data["metadata"]["migrate_check"]["stream_timing"].values():
        figures["time_to_first_token_ms"] = "fast"
    path.write_text(yaml.safe_dump(data))
    replayed = _fetch(tmp_path, "none", "http://127.0.0.1:9/v1")
    assert replayed[("s::chat-stream", BASELINE)][0].stream_timing is None
    assert replayed[("s::chat-stream", CANDIDATE)][0].stream_timing is not None
