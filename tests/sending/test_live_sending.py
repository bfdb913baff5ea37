"""How a live run sends: the body posted is the body cassettes match on, the SDK's own
request options travel beside it, one model's budget spreads over small pools, and a
cassette being saved holds no request back."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from devtools.local_openai import LocalServer

from migrate_check.cassettes import recording
from migrate_check.core.atomic import write_atomic
from migrate_check.core.case import Case
from migrate_check.sending.runner import Runner
from migrate_check.sending.sdk_request import Post, RequestOptionError, post_for, request_body
from migrate_check.sending.settings import RunnerSettings


def case_with(request: dict[str, Any], api: str = "chat") -> Case:
    return Case(
        suite="s",
        id="c",
        request={"messages": [{"role": "user", "content": "hi"}], **request},
        checks=(),
        api=api,  # type: ignore[arg-type]
    )


def test_post_body_is_the_matched_body_and_options_ride_beside_it() -> None:
    case = case_with(
        {
            "temperature": 0,
            "brand_new_parameter": {"x": 1},  # newer than the SDK: sent as it is
            "extra_body": {"seed": 7},
            "extra_headers": {"x-team": 5},
            "extra_query": {"api-version": "v"},
            "timeout": 12,
        }
    )
    post = post_for(case, "gpt-4.1-mini")
    assert post == Post(
        "/chat/completions",
        request_body(case, "gpt-4.1-mini"),
        {
            "security": {"bearer_auth": True},
            "headers": {"x-team": "5"},
            "params": {"api-version": "v"},
            "timeout": 12.0,
        },
    )
    assert post.body["seed"] == 7 and "extra_body" not in post.body
    assert post.body["brand_new_parameter"] == {"x": 1}
    assert post_for(case_with({}, api="responses"), "m").path == "/responses"


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ({"extra_body": [1]}, "'extra_body' must be a mapping"),
        ({"extra_headers": "x"}, "'extra_headers' must be a mapping"),
        ({"timeout": True}, "'timeout' must be seconds"),
        ({"timeout": -1}, "'timeout' must be seconds"),
    ],
)
def test_a_bad_sdk_option_is_refused_by_name(request_: dict[str, Any], message: str) -> None:
    with pytest.raises(RequestOptionError, match=message):
        post_for(case_with(request_), "m")


def test_a_slow_cassette_save_does_not_hold_back_the_next_case(
    tmp_path: Path, server: LocalServer, no_openai_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one request in flight per model, the second case is sent as soon as the
    first one's answer is in, not once its cassette is on disk (a slow disk's fsync)."""
    written: list[float] = []

    def slow_write(path: Path, text: str) -> None:
        time.sleep(0.5)
        write_atomic(path, text)
        written.append(time.monotonic())

    monkeypatch.setattr(recording, "write_atomic", slow_write)
    cases = [
        Case(
            suite="s",
            id=f"c{n}",
            request={"messages": [{"role": "user", "content": "Q"}]},
            checks=(),
        )
        for n in range(2)
    ]
    settings = RunnerSettings(
        record_mode="once",
        cassette_dir=tmp_path,
        base_url=server.base_url,
        concurrency=1,
        processes=1,
    )
    fetched = Runner(settings, lambda case, model, mode: "record it").fetch(
        cases, ["gpt-4o-mini", "gpt-4.1-mini"]
    )
    assert all(answers[0].error is None for answers in fetched.values())
    assert server.stats.completions == 4
    assert len(written) == 4  # every cassette saved, slow as the disk was
    assert server.stats.last_call_at is not None
    assert server.stats.last_call_at < min(written)
