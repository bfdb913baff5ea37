"""The local server's Files, Batch and Azure endpoints, driven by the real `openai` SDK."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import openai
import pytest
from devtools.local_openai import BatchPlan, LocalServer
from openai.types import Batch

TERMINAL = ("completed", "failed", "expired", "cancelled")
API_VERSION = "2024-10-21"
QUESTION = "Summarize this: The refund for order 4521 was issued on Thursday. It took 3 days."


@pytest.fixture
def batch_server(server: LocalServer) -> Iterator[LocalServer]:
    """The session's server with default batch timing, no Azure deployments mapped."""
    server.set_batch_plan(BatchPlan())
    server.set_azure_deployments({})
    yield server
    server.set_batch_plan(BatchPlan())
    server.set_azure_deployments({})
    server.set_upload_limit(16 * 1024 * 1024)


@pytest.fixture
def client(batch_server: LocalServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=batch_server.base_url, api_key="sk-test", max_retries=0)


@pytest.fixture
def azure(batch_server: LocalServer) -> openai.AzureOpenAI:
    return openai.AzureOpenAI(
        azure_endpoint=batch_server.azure_endpoint,
        api_version=API_VERSION,
        api_key="azure-key",
        max_retries=0,
    )


def chat_body(text: str, model: str = "gpt-4o-mini", **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": text}], **extra}


def jsonl(bodies: list[dict[str, Any]], url: str = "/v1/chat/completions") -> bytes:
    lines = [
        {"custom_id": f"req-{i}", "method": "POST", "url": url, "body": body}
        for i, body in enumerate(bodies)
    ]
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def submit(
    client: openai.OpenAI,
    bodies: list[dict[str, Any]],
    endpoint: str = "/v1/chat/completions",
) -> Batch:
    uploaded = client.files.create(file=("input.jsonl", jsonl(bodies, endpoint)), purpose="batch")
    return client.batches.create(
        input_file_id=uploaded.id,
        endpoint=endpoint,  # type: ignore[arg-type]  # Azure's form is "/chat/completions"
        completion_window="24h",
        metadata={"suite": "triage"},
    )


def poll(client: openai.OpenAI, batch_id: str, until: tuple[str, ...] = TERMINAL) -> list[Batch]:
    """Every state a poll saw, until one in `until` (5 s at most)."""
    seen = [client.batches.retrieve(batch_id)]
    deadline = time.monotonic() + 5
    while seen[-1].status not in until:
        assert time.monotonic() < deadline, f"batch stuck in {seen[-1].status}"
        time.sleep(0.02)
        seen.append(client.batches.retrieve(batch_id))
    return seen


def lines_of(client: openai.OpenAI, file_id: str | None) -> list[dict[str, Any]]:
    assert file_id is not None
    text = client.files.content(file_id).text
    return [json.loads(line) for line in text.splitlines()]


def without_ids(body: dict[str, Any]) -> dict[str, Any]:
    """An answer minus what differs between any two calls (ids and timestamps)."""
    return {k: v for k, v in body.items() if k not in ("id", "created", "created_at", "output")}


# ---------------------------------------------------------------- the round trip


def test_batch_moves_through_its_statuses_and_matches_live_answers(
    batch_server: LocalServer, client: openai.OpenAI
) -> None:
    batch_server.set_batch_plan(BatchPlan(validating_s=0.2, in_progress_s=0.6, finalizing_s=0.2))
    bodies = [
        chat_body(QUESTION, temperature=0),
        chat_body("What is a good name for a cat?", temperature=0, n=2),
        chat_body("Reply in JSON with the order id: order 4521.", temperature=0),
        chat_body("Explain in one sentence why the sky is blue.", max_completion_tokens=5),
    ]
    created = submit(client, bodies)
    assert created.status == "validating"
    assert created.metadata == {"suite": "triage"}
    assert created.model == "gpt-4o-mini-2024-07-18"
    seen = poll(client, created.id)
    statuses = [b.status for b in seen]
    order = ["validating", "in_progress", "finalizing", "completed"]
    assert [s for s in order if s in statuses] == order
    assert statuses == sorted(statuses, key=order.index)
    progress = [b.request_counts.completed for b in seen if b.request_counts]
    assert progress == sorted(progress) and any(0 < c < len(bodies) for c in progress)

    done = seen[-1]
    assert done.request_counts is not None
    assert (done.request_counts.total, done.request_counts.completed) == (4, 4)
    assert done.error_file_id is None
    assert done.in_progress_at and done.finalizing_at and done.completed_at
    assert done.usage is not None and done.usage.input_tokens > 0
    results = lines_of(client, done.output_file_id)
    assert [r["custom_id"] for r in results] == ["req-0", "req-1", "req-2", "req-3"]
    for body, result in zip(bodies, results, strict=True):
        assert result["id"].startswith("batch_req_") and result["error"] is None
        assert result["response"]["status_code"] == 200
        live = json.loads(client.chat.completions.with_raw_response.create(**body).text)
        assert without_ids(result["response"]["body"]) == without_ids(live)
    output = client.files.retrieve(done.output_file_id or "")
    assert (output.purpose, output.filename) == ("batch_output", f"{done.id}_output.jsonl")


def test_responses_and_embeddings_batches_match_live(client: openai.OpenAI) -> None:
    request: dict[str, Any] = {"model": "gpt-4.1-mini", "input": QUESTION, "temperature": 0}
    done = poll(client, submit(client, [request], "/v1/responses").id)[-1]
    assert done.status == "completed" and done.model == "gpt-4.1-mini-2025-04-14"
    body = lines_of(client, done.output_file_id)[0]["response"]["body"]
    live = json.loads(client.responses.with_raw_response.create(**request).text)
    assert without_ids(body) == without_ids(live)
    assert [item["type"] for item in body["output"]] == ["message"]
    assert body["output"][0]["content"] == live["output"][0]["content"]

    embedding: dict[str, Any] = {
        "model": "text-embedding-3-small",
        "input": ["refund issued", "on Thursday"],
    }
    done = poll(client, submit(client, [embedding], "/v1/embeddings").id)[-1]
    body = lines_of(client, done.output_file_id)[0]["response"]["body"]
    live_embedding = client.embeddings.with_raw_response.create(
        **embedding, encoding_format="float"
    )
    assert body == json.loads(live_embedding.text)


def test_failed_lines_go_to_the_error_file(
    batch_server: LocalServer, client: openai.OpenAI
) -> None:
    bodies = [
        chat_body(QUESTION),
        chat_body("Summarize the meeting notes [batch:fail]"),
        chat_body("Say hello.", temperature=5),
    ]
    done = poll(client, submit(client, bodies).id)[-1]
    assert done.status == "completed"
    assert done.request_counts is not None
    assert (done.request_counts.completed, done.request_counts.failed) == (1, 2)
    assert [r["custom_id"] for r in lines_of(client, done.output_file_id)] == ["req-0"]
    errors = {r["custom_id"]: r for r in lines_of(client, done.error_file_id)}
    assert errors["req-1"]["response"]["status_code"] == 500
    assert errors["req-1"]["response"]["body"]["error"]["type"] == "server_error"
    assert errors["req-1"]["error"] is None
    rejected = errors["req-2"]["response"]
    with pytest.raises(openai.BadRequestError) as live:
        client.chat.completions.create(**bodies[2])
    assert rejected["status_code"] == 400
    assert rejected["body"]["error"] == live.value.body


def test_expired_batch_keeps_finished_lines(
    batch_server: LocalServer, client: openai.OpenAI
) -> None:
    batch_server.set_batch_plan(BatchPlan(in_progress_s=0.8, expire_after_s=0.3))
    bodies = [chat_body(f"Question number {i} about shipping.") for i in range(4)]
    seen = poll(client, submit(client, bodies).id)
    done = seen[-1]
    assert done.status == "expired" and done.expired_at is not None
    assert "in_progress" in [b.status for b in seen]
    assert done.request_counts is not None and done.request_counts.completed == 1
    kept = lines_of(client, done.output_file_id)
    assert [r["custom_id"] for r in kept] == ["req-0"]
    expired = lines_of(client, done.error_file_id)
    assert [r["custom_id"] for r in expired] == ["req-1", "req-2", "req-3"]
    assert all(r["response"] is None for r in expired)
    assert {r["error"]["code"] for r in expired} == {"batch_expired"}


def test_cancel_goes_through_cancelling_and_keeps_finished_lines(
    batch_server: LocalServer, client: openai.OpenAI
) -> None:
    # Lines finish 0.5 s apart: the cancel lands between two of them even on a busy machine.
    batch_server.set_batch_plan(BatchPlan(in_progress_s=2.0, cancelling_s=0.15))
    bodies = [chat_body(f"Question number {i} about billing.") for i in range(4)]
    created = submit(client, bodies)
    started = poll(client, created.id, until=("in_progress",))[-1]
    while started.request_counts is None or started.request_counts.completed < 1:
        time.sleep(0.02)
        started = client.batches.retrieve(created.id)
    cancelling = client.batches.cancel(created.id)
    assert cancelling.status == "cancelling" and cancelling.cancelling_at is not None
    assert client.batches.cancel(created.id).status == "cancelling"  # asking twice is fine
    done = poll(client, created.id)[-1]
    assert done.status == "cancelled" and done.cancelled_at is not None
    assert done.request_counts is not None
    finished = done.request_counts.completed
    assert 1 <= finished < 4
    assert len(lines_of(client, done.output_file_id)) == finished
    rest = lines_of(client, done.error_file_id)
    assert len(rest) == 4 - finished
    assert {r["error"]["code"] for r in rest} == {"batch_cancelled"}
    with pytest.raises(openai.ConflictError, match="Cannot cancel a batch with status"):
        client.batches.cancel(created.id)


def test_list_pages_newest_first() -> None:
    with LocalServer() as fresh:
        client = openai.OpenAI(base_url=fresh.base_url, api_key="sk-test", max_retries=0)
        made = [submit(client, [chat_body(f"Case {i}")]).id for i in range(5)]
        first = client.batches.list(limit=2)
        assert [b.id for b in first.data] == made[::-1][:2]
        assert first.has_more is True
        assert [b.id for b in client.batches.list(limit=2)] == made[::-1]  # follows `after`
        last = client.batches.list(limit=2, after=made[1])
        assert [b.id for b in last.data] == [made[0]] and last.has_more is False
        with pytest.raises(openai.BadRequestError, match="limit"):
            client.batches.list(limit=101)


# ---------------------------------------------------------------- validation


def test_mixed_models_are_rejected(client: openai.OpenAI) -> None:
    bodies = [chat_body("One", "gpt-4o-mini"), chat_body("Two", "gpt-4.1-mini")]
    with pytest.raises(openai.BadRequestError) as raised:
        submit(client, bodies)
    assert raised.value.code == "mismatched_model"
    assert "'gpt-4o-mini'" in raised.value.message and "'gpt-4.1-mini'" in raised.value.message


def test_invalid_input_files_fail_the_batch(
    batch_server: LocalServer, client: openai.OpenAI
) -> None:
    def failed(data: bytes) -> Batch:
        uploaded = client.files.create(file=("input.jsonl", data), purpose="batch")
        batch = client.batches.create(
            input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
        )
        return poll(client, batch.id)[-1]

    good = json.dumps(
        {"custom_id": "a", "method": "POST", "url": "/v1/chat/completions", "body": chat_body("x")}
    )
    duplicate = failed(f"{good}\n{good}\n".encode())
    assert duplicate.status == "failed" and duplicate.failed_at is not None
    assert duplicate.errors is not None and duplicate.errors.data
    error = duplicate.errors.data[0]
    assert (error.code, error.line, error.param) == ("duplicate_custom_id", 2, "custom_id")
    assert duplicate.request_counts is not None and duplicate.request_counts.total == 0
    assert duplicate.output_file_id is None and duplicate.error_file_id is None

    wrong_url = good.replace("/v1/chat/completions", "/v1/responses")
    codes = failed(f"{good}\nnot json\n{wrong_url}\n".encode()).errors
    assert codes is not None and codes.data
    assert [(e.code, e.line) for e in codes.data] == [("invalid_json_line", 2), ("invalid_url", 3)]

    batch_server.set_batch_plan(BatchPlan(max_lines=2))
    lines = "".join(good.replace('"a"', f'"{i}"') + "\n" for i in range(3))
    too_many = failed(lines.encode()).errors
    assert too_many is not None and too_many.data and too_many.data[0].code == "too_many_requests"


def test_create_checks_its_arguments(client: openai.OpenAI) -> None:
    uploaded = client.files.create(file=("in.jsonl", jsonl([chat_body("x")])), purpose="batch")
    with pytest.raises(openai.BadRequestError, match="Supported values") as endpoint:
        client.batches.create(
            input_file_id=uploaded.id,
            endpoint="/v1/moderations",
            completion_window="24h",
        )
    assert endpoint.value.param == "endpoint"
    with pytest.raises(openai.BadRequestError, match="'24h'"):
        client.batches.create(
            input_file_id=uploaded.id,
            endpoint="/v1/chat/completions",
            completion_window="48h",  # type: ignore[arg-type]
        )
    with pytest.raises(openai.NotFoundError, match="No such File object"):
        client.batches.create(
            input_file_id="file-missing", endpoint="/v1/chat/completions", completion_window="24h"
        )
    with pytest.raises(openai.NotFoundError):
        client.batches.retrieve("batch_missing")


def test_files_upload_read_delete_and_limits(
    batch_server: LocalServer, client: openai.OpenAI
) -> None:
    data = jsonl([chat_body("x")])
    uploaded = client.files.create(file=("cases.jsonl", data), purpose="batch")
    assert uploaded.id.startswith("file-") and uploaded.bytes == len(data)
    assert (uploaded.filename, uploaded.purpose) == ("cases.jsonl", "batch")
    assert uploaded.status == "processed"
    assert client.files.retrieve(uploaded.id) == uploaded
    assert client.files.content(uploaded.id).content == data
    assert uploaded.id in [f.id for f in client.files.list(purpose="batch")]
    deleted = client.files.delete(uploaded.id)
    assert deleted.deleted is True and deleted.id == uploaded.id
    with pytest.raises(openai.NotFoundError, match="No such File object"):
        client.files.retrieve(uploaded.id)

    with pytest.raises(openai.BadRequestError, match=r"Must be \.jsonl"):
        client.files.create(file=("cases.csv", b"a,b\n"), purpose="batch")
    batch_server.set_upload_limit(64)
    with pytest.raises(openai.APIStatusError) as too_large:
        client.files.create(file=("cases.jsonl", data), purpose="batch")
    assert too_large.value.status_code == 413


# ---------------------------------------------------------------- Azure


def test_azure_chat_names_the_deployment_or_its_mapped_model(
    batch_server: LocalServer, client: openai.OpenAI, azure: openai.AzureOpenAI
) -> None:
    request: dict[str, Any] = {"messages": chat_body(QUESTION)["messages"], "temperature": 0}
    raw = azure.chat.completions.with_raw_response.create(model="gpt-4o-mini", **request)
    completion = raw.parse()
    assert completion.model == "gpt-4o-mini-2024-07-18"
    live = client.chat.completions.create(model="gpt-4o-mini", **request)
    assert completion.choices[0].message.content == live.choices[0].message.content
    assert "apim-request-id" in raw.headers
    wire = json.loads(raw.text)
    assert wire["prompt_filter_results"][0]["content_filter_results"]["hate"]["filtered"] is False

    batch_server.set_azure_deployments({"prod-chat": "gpt-4.1-mini"})
    mapped = azure.chat.completions.create(model="prod-chat", **request)
    assert mapped.model == "gpt-4.1-mini-2025-04-14"
    unmapped = azure.chat.completions.create(model="team-deployment", **request)
    assert unmapped.model == "team-deployment"

    pinned = openai.AzureOpenAI(
        azure_endpoint=batch_server.azure_endpoint,
        azure_deployment="prod-chat",
        api_version=API_VERSION,
        api_key="azure-key",
        max_retries=0,
    )
    assert pinned.chat.completions.create(model="ignored", **request).model == mapped.model
    response = azure.responses.create(model="prod-chat", input=QUESTION)  # /openai/responses
    assert response.model == "gpt-4.1-mini-2025-04-14" and response.output_text


def test_azure_needs_a_key_and_an_api_version(batch_server: LocalServer) -> None:
    endpoint = batch_server.azure_endpoint
    url = f"{endpoint}/openai/deployments/gpt-4o-mini/chat/completions"
    body = chat_body("Hi")
    assert httpx2.post(url, params={"api-version": API_VERSION}, json=body).status_code == 401
    bad_key = openai.AzureOpenAI(
        azure_endpoint=endpoint, api_version=API_VERSION, api_key="invalid-key", max_retries=0
    )
    with pytest.raises(openai.AuthenticationError, match="Access denied"):
        bad_key.chat.completions.create(**body)

    no_version = openai.OpenAI(
        base_url=f"{endpoint}/openai/deployments/gpt-4o-mini",
        api_key="unused",
        default_headers={"api-key": "azure-key"},
        max_retries=0,
    )
    with pytest.raises(openai.NotFoundError, match="Resource not found"):
        no_version.chat.completions.create(**body)
    with pytest.raises(openai.BadRequestError, match="API version not supported"):
        no_version.chat.completions.create(**body, extra_query={"api-version": "v2"})
    bearer = httpx2.post(
        url,
        params={"api-version": API_VERSION},
        json=body,
        headers={"Authorization": "Bearer entra-token"},
    )
    assert bearer.status_code == 200


def test_azure_files_and_batches(azure: openai.AzureOpenAI) -> None:
    bodies = [chat_body(QUESTION, model="batch-deployment", temperature=0)]
    uploaded = azure.files.create(
        file=("input.jsonl", jsonl(bodies, "/chat/completions")), purpose="batch"
    )
    created = azure.batches.create(
        input_file_id=uploaded.id,
        endpoint="/chat/completions",  # type: ignore[arg-type]  # as Azure's docs write it
        completion_window="24h",
    )
    assert created.endpoint == "/chat/completions"
    done = poll(azure, created.id)[-1]
    assert done.status == "completed" and done.model == "batch-deployment"
    result = lines_of(azure, done.output_file_id)[0]
    assert result["response"]["body"]["model"] == "batch-deployment"
    assert created.id in [b.id for b in azure.batches.list(limit=100)]

    embedding = {"model": "team-embedder", "input": "refund issued"}  # any deployment name
    uploaded = azure.files.create(
        file=("embed.jsonl", jsonl([embedding], "/embeddings")), purpose="batch"
    )
    created = azure.batches.create(
        input_file_id=uploaded.id,
        endpoint="/embeddings",  # type: ignore[arg-type]
        completion_window="24h",
    )
    result = lines_of(azure, poll(azure, created.id)[-1].output_file_id)[0]
    assert result["response"]["body"]["model"] == "team-embedder"
