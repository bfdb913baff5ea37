"""Streaming cases are recorded as event streams and replay as streams, in both APIs."""

from __future__ import annotations

from pathlib import Path

import yaml
from devtools.local_openai import LocalServer

from migrate_check.core.case import Case
from migrate_check.core.completion import CompletionsByCase
from migrate_check.sending.runner import Runner
from migrate_check.sending.settings import RunnerSettings

MODELS = ["gpt-4o-mini", "gpt-4.1-mini"]

CASES = [
    Case(
        suite="s",
        id="chat-stream",
        request={
            "messages": [{"role": "user", "content": "Summarise: the parcel arrived late."}],
            "stream": True,
            "stream_options": {"include_usage": True},
        },
        checks=(),
    ),
    Case(
        suite="s",
        id="chat-plain",
        request={"messages": [{"role": "user", "content": "Summarise: the parcel arrived late."}]},
        checks=(),
    ),
    Case(
        suite="s",
        id="responses-stream",
        api="responses",
        request={"input": "Summarise: the parcel arrived late.", "stream": True},
        checks=(),
    ),
]


def _fetch(root: Path, mode: str, base_url: str | None) -> CompletionsByCase:
    runner = Runner(
        RunnerSettings(record_mode=mode, cassette_dir=root, base_url=base_url),
        lambda case, model, mode: "record it",
    )
    return runner.fetch(CASES, MODELS)


def test_streams_record_as_event_streams_and_replay_the_same(
    tmp_path: Path, server: LocalServer, no_openai_env: None
) -> None:
    recorded = _fetch(tmp_path, "once", server.base_url)
    replayed = _fetch(tmp_path, "none", "http://127.0.0.1:9/v1")
    assert replayed == recorded
    for model in MODELS:
        streamed = recorded[("s::chat-stream", model)][0]
        plain = recorded[("s::chat-plain", model)][0]
        assert streamed.error is None and streamed.text
        assert streamed.usage.output_tokens > 0
        assert recorded[("s::responses-stream", model)][0].text
        assert plain.error is None
        cassette = yaml.safe_load((tmp_path / "s" / "chat-stream" / f"{model}.yaml").read_text())
        response = cassette["interactions"][0]["response"]
        assert "text/event-stream" in response["headers"]["content-type"][0]
        assert response["body"]["string"].rstrip().endswith("data: [DONE]")


def test_a_stream_missing_its_recording_is_an_error_not_a_crash(
    tmp_path: Path, no_openai_env: None
) -> None:
    replayed = _fetch(tmp_path, "none", "http://127.0.0.1:9/v1")
    assert all("record it" in (c[0].error or "") for c in replayed.values())
