"""The parts of batch recording that need no server: files within the API's limits,
hostile result files within bounds, the state file, batch prices, Azure settings."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from migrate_check.core.completion import Usage
from migrate_check.core.pricing import PriceTable
from migrate_check.sending import batch, batch_requests, batch_results
from migrate_check.sending.azure import AzureSettingsError, azure_target, parse_models
from migrate_check.sending.batch_state import BatchState, BatchStateError, OpenBatch


def test_files_stay_within_lines_and_bytes_and_keep_a_case_s_samples_together() -> None:
    groups = [[b"a" * 10, b"b" * 10], [b"c" * 10], [b"d" * 10, b"e" * 10], [b"f" * 10]]
    files = batch_requests.split(groups, max_lines=3, max_bytes=1000)
    assert [len(f) for f in files] == [3, 3]  # [a b c] [d e f]: no group is cut
    assert files[0][:2] == groups[0]
    files = batch_requests.split(groups, max_lines=100, max_bytes=25)
    assert [sum(map(len, f)) for f in files] == [20, 10, 20, 10]
    with pytest.raises(ValueError, match="exceed one batch file's limits"):
        batch_requests.split([[b"x" * 30]], max_lines=100, max_bytes=25)


async def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def _lines(*parts: bytes) -> list[bytes | batch_results.Overlong]:
    async def collect() -> list[bytes | batch_results.Overlong]:
        return [line async for line in batch_results.result_lines(_chunks(*parts))]

    return asyncio.run(collect())


def test_result_files_are_read_line_by_line_within_bounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _lines(b'{"a":', b'1}\n{"b"', b":2}\n\n", b'{"c":3}') == [
        b'{"a":1}',
        b'{"b":2}',
        b'{"c":3}',
    ]
    monkeypatch.setattr(batch_results, "MAX_RESULT_LINE_BYTES", 8)
    (overlong,) = _lines(b"0123456789abcdef")  # its case's alone: reading goes on
    assert isinstance(overlong, batch_results.Overlong) and overlong.size == 16
    monkeypatch.setattr(batch_results, "MAX_RESULT_FILE_BYTES", 20)
    with pytest.raises(batch_results.ResultFileError, match="larger than 20 bytes"):
        _lines(*[b"1234\n"] * 5)


def test_the_state_file_keeps_open_batches_and_forgets_settled_ones(tmp_path: Path) -> None:
    state = BatchState(tmp_path)
    state.add(
        OpenBatch("batch_1", "m", "/v1/chat/completions", {"x": "s/a/m.yaml", "y": "s/b/m.yaml"})
    )
    state.add(OpenBatch("batch_2", "n", "/v1/chat/completions", {"z": "s/a/n.yaml"}))
    assert [b.id for b in BatchState(tmp_path).batches()] == ["batch_1", "batch_2"]
    state.settle("batch_1", {"x"})
    assert [b.lines for b in state.batches()] == [{"y": "s/b/m.yaml"}, {"z": "s/a/n.yaml"}]
    state.settle("batch_1", {"y"})
    state.settle("batch_2", {"z"})
    assert state.batches() == [] and not state.path.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "cannot read the batch state"),
        ('{"batches": 3}', "not a batch state file"),
        ('{"batches": [{"id": "b"}]}', "batch 1 is malformed"),
        ('{"batches": [{"id": "b", "model": "m", "endpoint": "e", "lines": [1]}]}', "malformed"),
    ],
)
def test_a_broken_state_file_is_one_line_naming_it(tmp_path: Path, text: str, message: str) -> None:
    state = BatchState(tmp_path)
    state.path.write_text(text)
    with pytest.raises(BatchStateError, match=message) as caught:
        state.batches()
    assert ".migrate-check-batches.json" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_custom_ids_follow_the_request_not_the_run() -> None:
    from migrate_check.core.case import Case

    case = Case("s", "c", {"messages": [{"role": "user", "content": "hi"}]}, ())
    body = batch_requests.sdk_body(case, "gpt-4o-mini")
    assert list(body)[0] == "model"  # as the SDK serialises it
    first = batch_requests.custom_id(case, "gpt-4o-mini", body, 0)
    assert first == batch_requests.custom_id(case, "gpt-4o-mini", dict(reversed(body.items())), 0)
    assert first != batch_requests.custom_id(case, "gpt-4o-mini", body, 1)
    changed = {**body, "messages": [{"role": "user", "content": "hello"}]}
    assert first != batch_requests.custom_id(case, "gpt-4o-mini", changed, 0)
    assert len(first) <= 64


def test_batch_prices_are_half_the_list_prices_and_deployments_cost_their_model() -> None:
    prices = PriceTable.default()
    usage = Usage(input_tokens=1_000_000, cached_input_tokens=0, output_tokens=1_000_000)
    for model in ("gpt-4o-mini", "gpt-4.1-mini"):
        assert prices.cost(model, usage, batch=True) == pytest.approx(prices.cost(model, usage) / 2)  # type: ignore[operator]
    aliased = prices.with_aliases({"prod-mini": "gpt-4o-mini", "nowhere": "no-such-model"})
    assert aliased.cost("prod-mini", usage) == prices.cost("gpt-4o-mini", usage)
    assert aliased.shutdown_date("prod-mini") == "2027-01-14"
    assert aliased.price_for("nowhere") is None


def test_azure_settings_say_what_is_missing() -> None:
    assert azure_target({}, records=True) is None
    endpoint = {"AZURE_OPENAI_ENDPOINT": "https://res.openai.azure.com/"}
    with pytest.raises(AzureSettingsError, match="OPENAI_API_VERSION is not"):
        azure_target(endpoint, records=False)
    versioned = {**endpoint, "OPENAI_API_VERSION": "2024-10-21"}
    target = azure_target(versioned, records=False)
    assert target is not None and target.endpoint == "https://res.openai.azure.com"
    with pytest.raises(AzureSettingsError, match="no credential: set AZURE_OPENAI_API_KEY"):
        azure_target(versioned, records=True)
    assert azure_target({**versioned, "AZURE_OPENAI_API_KEY": "k"}, records=True) == target
    assert parse_models(["", "# note", "prod = gpt-4o-mini"]) == {"prod": "gpt-4o-mini"}
    with pytest.raises(AzureSettingsError, match="'prod gpt-4o' is not 'deployment = model'"):
        parse_models(["prod gpt-4o"])


def test_target_uris_are_the_ones_the_sdk_sends() -> None:
    from migrate_check.core.case import Case

    chat = Case("s", "c", {}, ())
    responses = Case("s", "r", {}, (), api="responses")
    openai_target = batch_requests.Target("http://127.0.0.1:1/v1/")
    assert openai_target.uri(chat, "m") == "http://127.0.0.1:1/v1/chat/completions"
    assert openai_target.endpoint(responses) == "/v1/responses"
    azure = batch_requests.Target(
        azure_endpoint="https://res.openai.azure.com", api_version="2024-10-21"
    )
    assert azure.uri(chat, "dep") == (
        "https://res.openai.azure.com/openai/deployments/dep/chat/completions"
        "?api-version=2024-10-21"
    )
    assert azure.uri(responses, "dep") == (
        "https://res.openai.azure.com/openai/responses?api-version=2024-10-21"
    )
    assert azure.endpoint(chat) == "/chat/completions"
    assert json.loads(batch_requests.input_line("id", "/chat/completions", {"model": "dep"})) == {
        "custom_id": "id",
        "method": "POST",
        "url": "/chat/completions",
        "body": {"model": "dep"},
    }


def test_an_endpoint_s_credentials_and_query_values_are_scrubbed_by_value() -> None:
    from migrate_check.safety import secrets

    scrubber = secrets.from_environment(
        {
            "AZURE_OPENAI_ENDPOINT": "https://me:SENTINELPASS9@res.openai.azure.com/?sig=SENTINELSIG7",
            "AZURE_OPENAI_API_KEY": "SENTINELAZUREKEY",
        }
    )
    text = scrubber.text("a SENTINELPASS9 b SENTINELSIG7 c SENTINELAZUREKEY d")
    assert "SENTINEL" not in text and text.count(secrets.REDACTED) == 3


def test_batch_progress_adds_up_every_batch_s_counts() -> None:
    from types import SimpleNamespace

    from migrate_check.sending.progress import BatchProgress

    with BatchProgress(10, enabled=False) as progress:
        progress.update("b1", "in_progress", SimpleNamespace(completed=3, failed=1, total=5))
        progress.update("b2", "validating", None)
        progress.update("b1", "completed", SimpleNamespace(completed=4, failed=1, total=5))
    assert (progress.done, progress.failed) == (4, 1)
    assert progress.statuses == {"b1": "completed", "b2": "validating"}


def test_result_lines_are_taken_only_when_they_answer_a_line_of_the_batch(tmp_path: Path) -> None:
    from migrate_check.core.case import Case

    case = Case("s", "c", {"messages": [{"role": "user", "content": "hi"}]}, (), samples=2)
    body = batch_requests.sdk_body(case, "m")
    ids = [batch_requests.custom_id(case, "m", body, n) for n in range(2)]
    item = batch_requests.BatchedCase(case, "m", tmp_path / "s" / "c" / "m.yaml", body, ids)
    entry = OpenBatch("batch_1", "m", "/v1/chat/completions", {ids[0]: "s/c/m.yaml"})
    recorder = batch.BatchRecorder(
        None,
        batch_requests.Target(),
        tmp_path,
        "once",
        poll_s=1,
        wait_s=1,
        secrets=["sk-SENTINEL-123456"],
    )
    by_id = dict.fromkeys(ids, item)
    ok = {"status_code": 200, "body": {"choices": []}}
    hostile = [
        b"not json",
        b"[1, 2]",
        json.dumps({"custom_id": "mc-unknown", "response": ok}).encode(),
        json.dumps({"custom_id": ids[1], "response": ok}).encode(),  # not this batch's line
        json.dumps(
            {"custom_id": ids[0], "response": {"status_code": 200, "body": "text"}}
        ).encode(),
        json.dumps({"custom_id": ids[0], "error": {"code": "batch_expired"}}).encode(),
    ]
    for line in hostile:
        recorder._take(line, entry, by_id)
    assert not item.answers and not item.failure
    failed = {"status_code": 401, "body": {"error": {"message": "bad key sk-SENTINEL-123456"}}}
    recorder._take(json.dumps({"custom_id": ids[0], "response": failed}).encode(), entry, by_id)
    assert item.failure is not None and "API error 401: bad key" in item.failure
    assert "SENTINEL" not in item.failure
    recorder._take(json.dumps({"custom_id": ids[0], "response": ok}).encode(), entry, by_id)
    assert list(item.answers) == [ids[0]] and not item.path.exists()  # 1 of 2 samples: unwritten
