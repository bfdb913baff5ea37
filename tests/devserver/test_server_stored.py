"""The local server keeps what `store: true` asks it to, and lists it back as the API does.

Everything through the real openai SDK over HTTP: `chat.completions.list` (model and
metadata filters, order, cursor pages), `.retrieve`, `.messages.list`, and for the
Responses API `responses.retrieve` and `.input_items.list`; the store's bound; reads
broken on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest
from devtools.local_openai import LocalServer

TRIAGE = {"feature": "triage"}


@pytest.fixture
def stored(server: LocalServer) -> Iterator[LocalServer]:
    """The session's server with nothing stored, healed and back to its bound after."""
    server.clear_stored()
    yield server
    server.clear_stored()
    server.set_stored_limit(20_000)


@pytest.fixture
def client(stored: LocalServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=stored.base_url, api_key="sk-test-local-0000") as made:
        yield made


def _ask(client: openai.OpenAI, text: str, **extra: Any) -> str:
    completion: Any = client.chat.completions.create(
        model=extra.pop("model", "gpt-4o-mini"),
        messages=[{"role": "system", "content": "Triage."}, {"role": "user", "content": text}],
        **extra,
    )
    return str(completion.id)


def test_only_stored_completions_are_listed_with_what_they_were_asked(
    client: openai.OpenAI,
) -> None:
    kept = _ask(client, "Refund?", store=True, metadata=TRIAGE, temperature=0.2)
    _ask(client, "Not stored")
    _ask(client, "Stored: false", store=False)
    (listed,) = client.chat.completions.list()
    assert listed.id == kept
    assert listed.metadata == TRIAGE
    assert listed.model == "gpt-4o-mini-2024-07-18"  # the snapshot that answered
    extra = listed.model_extra or {}
    assert extra["temperature"] == 0.2 and extra["top_p"] == 1.0
    assert "max_completion_tokens" not in extra and "max_tokens" not in extra  # never kept
    assert listed.choices[0].message.content  # the answer itself
    again = client.chat.completions.retrieve(kept)
    assert again.choices[0].message.content == listed.choices[0].message.content


def test_the_list_filters_by_model_and_metadata_and_orders_by_time(
    client: openai.OpenAI, stored: LocalServer
) -> None:
    old = stored.add_stored(
        "chat",
        [{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Old"}]}],
        created=1_700_000_000,
    )
    triage = _ask(client, "A", store=True, metadata=TRIAGE)
    other = _ask(client, "B", store=True, metadata={"feature": "search"})
    mini = _ask(client, "C", store=True, metadata=TRIAGE, model="gpt-4.1-mini")

    def ids(**query: Any) -> list[str]:
        return [c.id for c in client.chat.completions.list(**query)]

    assert ids() == [*old, triage, other, mini]  # oldest first, as the API's default
    assert ids(order="desc") == [mini, other, triage, *old]
    assert ids(metadata=TRIAGE) == [triage, mini]
    assert ids(model="gpt-4o-mini") == [*old, triage, other]  # the model the request named
    assert ids(model="gpt-4.1-mini-2025-04-14") == [mini]  # or the snapshot that answered
    assert ids(model="gpt-4o-mini", metadata=TRIAGE) == [triage]


def test_pages_carry_cursors_and_the_sdk_walks_them(
    client: openai.OpenAI, stored: LocalServer
) -> None:
    requests = [
        {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"Q{n}"}]}
        for n in range(5)
    ]
    made = stored.add_stored("chat", requests, created=1_750_000_000)
    raw = client.chat.completions.with_raw_response.list(limit=2).http_response.json()
    assert raw["object"] == "list" and raw["has_more"] is True
    assert [c["id"] for c in raw["data"]] == made[:2]
    assert (raw["first_id"], raw["last_id"]) == (made[0], made[1])
    before = stored.stored_reads["list"]
    assert [c.id for c in client.chat.completions.list(limit=2)] == made
    assert stored.stored_reads["list"] - before == 3  # 2 + 2 + 1
    with pytest.raises(openai.BadRequestError, match="limit"):
        client.chat.completions.list(limit=101)


def test_a_completion_s_messages_are_listed_a_page_at_a_time(client: openai.OpenAI) -> None:
    parts = [{"type": "text", "text": "Look at "}, {"type": "text", "text": "this."}]
    messages: list[Any] = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": parts},
        {"role": "assistant", "content": "Seen."},
        {"role": "user", "content": "And now?", "name": "ana"},
    ]
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=messages, store=True)
    listed = list(client.chat.completions.messages.list(completion.id, limit=3))
    assert [m.id for m in listed] == [f"{completion.id}-{n}" for n in range(4)]
    assert [m.to_dict()["role"] for m in listed] == ["system", "user", "assistant", "user"]
    assert listed[1].content == "Look at this."
    assert [p.to_dict() for p in listed[1].content_parts or []] == parts
    assert listed[0].content_parts is None
    assert listed[3].to_dict()["name"] == "ana"
    newest = client.chat.completions.messages.list(completion.id, order="desc", limit=1)
    assert newest.data[0].content == "And now?"
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.messages.list("chatcmpl-nothing")


def test_a_streamed_stored_completion_is_stored_whole(client: openai.OpenAI) -> None:
    with client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Stream it"}],
        store=True,
        stream=True,
    ) as stream:
        text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
        ident = stream.response.headers.get("x-request-id")
    assert ident  # the stream was answered
    (listed,) = client.chat.completions.list()
    assert listed.choices[0].message.content == text


def test_responses_are_stored_unless_store_false(client: openai.OpenAI) -> None:
    response = client.responses.create(
        model="gpt-4.1-mini",
        instructions="Answer in one word.",
        input=[
            {"role": "user", "content": "Capital of France?"},
            {"role": "assistant", "content": "Paris."},
            {"role": "user", "content": [{"type": "input_text", "text": "And Italy?"}]},
        ],
    )
    again = client.responses.retrieve(response.id)
    assert again.instructions == "Answer in one word."
    assert again.output_text == response.output_text
    items = list(client.responses.input_items.list(response.id, limit=2))
    assert len(items) == 3
    assert [i.to_dict()["role"] for i in items] == ["user", "assistant", "user"][::-1]  # desc
    ascending = [i.to_dict() for i in client.responses.input_items.list(response.id, order="asc")]
    assert ascending[0]["content"] == [{"type": "input_text", "text": "Capital of France?"}]
    assert ascending[1]["content"] == [{"type": "output_text", "text": "Paris."}]
    assert all(i["id"] and i["status"] == "completed" for i in ascending)
    unstored = client.responses.create(model="gpt-4.1-mini", input="Hi", store=False)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(unstored.id)


def test_the_store_is_bounded_oldest_first(client: openai.OpenAI, stored: LocalServer) -> None:
    stored.set_stored_limit(3)
    request = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x"}]}
    made = stored.add_stored("chat", [request] * 5)
    assert [c.id for c in client.chat.completions.list()] == made[2:]


def test_stored_reads_fail_on_purpose_until_healed(
    client: openai.OpenAI, stored: LocalServer
) -> None:
    _ask(client, "A", store=True)
    stored.fail_stored_reads("500", after=1)
    assert len(client.chat.completions.list().data) == 1  # the one read allowed
    retrying = client.with_options(max_retries=2)
    before = stored.stored_reads["list"]
    with pytest.raises(openai.InternalServerError):
        retrying.chat.completions.list()
    assert stored.stored_reads["list"] - before == 3  # every retry failed too
    stored.fail_stored_reads(None)
    assert len(client.chat.completions.list().data) == 1
