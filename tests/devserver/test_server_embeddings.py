"""The local server's embeddings, driven by the real `openai` SDK (its judge: test_server_judge)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

import openai
import pytest
from devtools.local_openai import LocalServer

SENTENCE = "The refund for order 4521 was issued on Thursday after a 3 day review."
NEGATED = "The refund for order 4521 was not issued on Thursday after a 3 day review."
REDATED = "The refund for order 4521 was issued on Tuesday after a 3 day review."
PARAPHRASE = "Order 4521's money went back to the customer late this week once it was checked."
UNRELATED = "Our office plants need watering twice a week in the summer."


@pytest.fixture
def azure_server(server: LocalServer) -> Iterator[LocalServer]:
    """The session's server with no Azure deployments mapped, before and after."""
    server.set_azure_deployments({})
    yield server
    server.set_azure_deployments({})


@pytest.fixture
def client(server: LocalServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


# ---------------------------------------------------------------- embeddings


def test_base64_by_default_and_float_on_request_agree(client: openai.OpenAI) -> None:
    raw = client.embeddings.with_raw_response.create(model="text-embedding-3-small", input=SENTENCE)
    wire = json.loads(raw.text)
    assert isinstance(wire["data"][0]["embedding"], str)  # the SDK asked for base64
    decoded = raw.parse().data[0].embedding
    floats = client.embeddings.create(
        model="text-embedding-3-small", input=SENTENCE, encoding_format="float"
    )
    assert floats.data[0].embedding == decoded
    assert len(decoded) == 1536
    assert math.isclose(math.sqrt(sum(v * v for v in decoded)), 1.0, rel_tol=1e-5)
    assert floats.model == "text-embedding-3-small" and floats.object == "list"

    again = client.embeddings.create(model="text-embedding-3-small", input=SENTENCE)
    assert again.data[0].embedding == decoded  # deterministic
    short = client.embeddings.create(model="text-embedding-3-large", input=SENTENCE, dimensions=256)
    assert len(short.data[0].embedding) == 256


def test_similarity_follows_shared_words_like_real_embeddings(client: openai.OpenAI) -> None:
    texts = [SENTENCE, NEGATED, REDATED, PARAPHRASE, UNRELATED]
    result = client.embeddings.create(model="text-embedding-3-small", input=texts)
    assert [d.index for d in result.data] == [0, 1, 2, 3, 4]
    base, negated, redated, paraphrase, unrelated = (d.embedding for d in result.data)
    assert cosine(base, negated) > 0.85  # the flipped fact barely moves the vector
    assert cosine(base, redated) > 0.85
    assert cosine(base, paraphrase) < min(cosine(base, negated), cosine(base, redated))
    assert cosine(base, unrelated) < cosine(base, paraphrase)
    assert cosine(base, unrelated) < 0.5


def test_one_word_changes_of_meaning_score_above_0_9_as_with_real_models(
    client: openai.OpenAI,
) -> None:
    # A real sentence-embedding model scores such pairs at a median cosine of 0.99
    # (issue 25): the thresholds a team picks must not rely on them scoring low.
    changed = [
        NEGATED,
        REDATED,
        SENTENCE.replace("4521", "4512"),
        SENTENCE.replace("3 day", "5 day"),
        SENTENCE.replace("was issued", "was declined"),
    ]
    result = client.embeddings.create(model="text-embedding-3-small", input=[SENTENCE, *changed])
    base, *others = (d.embedding for d in result.data)
    scores = sorted(cosine(base, other) for other in others)
    assert scores[0] > 0.9 and scores[len(scores) // 2] > 0.98


def test_a_dropped_sentence_moves_the_whole_answer_less_than_its_own_sentence(
    client: openai.OpenAI,
) -> None:
    kept = [
        "Your order 4521 shipped this morning from our Leeds warehouse.",
        "The courier will deliver it on Thursday between 9am and noon.",
        "You can follow the parcel with the tracking link in this email.",
        "Reply to this message if the delivery window does not suit you.",
    ]
    dropped = "Someone must sign for the parcel at the door."
    texts = [" ".join([*kept[:2], dropped, *kept[2:]]), " ".join(kept), dropped, *kept]
    result = client.embeddings.create(model="text-embedding-3-small", input=texts)
    whole, shorter, lost, *others = (d.embedding for d in result.data)
    assert cosine(whole, shorter) > 0.9  # one sentence of five gone
    assert max(cosine(lost, other) for other in others) < 0.5


def test_usage_counts_every_input(client: openai.OpenAI) -> None:
    one = client.embeddings.create(model="text-embedding-3-small", input=SENTENCE)
    two = client.embeddings.create(model="text-embedding-3-small", input=[SENTENCE, SENTENCE])
    assert one.usage.prompt_tokens > 10
    assert two.usage.prompt_tokens == 2 * one.usage.prompt_tokens == two.usage.total_tokens
    tokens = client.embeddings.create(model="text-embedding-3-small", input=[[101, 102, 103]])
    assert tokens.usage.prompt_tokens == 3


def test_embedding_errors_as_the_api_sends_them(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError, match="does not exist"):
        client.embeddings.create(model="gpt-4o-mini", input=SENTENCE)
    with pytest.raises(openai.BadRequestError, match="does not support specifying dimensions"):
        client.embeddings.create(model="text-embedding-ada-002", input=SENTENCE, dimensions=64)
    with pytest.raises(openai.BadRequestError, match=r"'\$\.input' is invalid"):
        client.embeddings.create(model="text-embedding-3-small", input="")
    ada = client.embeddings.create(model="text-embedding-ada-002", input=SENTENCE)
    assert ada.model == "text-embedding-ada-002-v2"  # what the API reports for ada


def test_azure_embeddings_by_deployment(azure_server: LocalServer, client: openai.OpenAI) -> None:
    azure = openai.AzureOpenAI(
        azure_endpoint=azure_server.azure_endpoint,
        api_version="2024-10-21",
        api_key="azure-key",
        max_retries=0,
    )
    azure_server.set_azure_deployments({"embed-prod": "text-embedding-3-small"})
    mapped = azure.embeddings.create(model="embed-prod", input=SENTENCE)
    direct = client.embeddings.create(model="text-embedding-3-small", input=SENTENCE)
    assert mapped.model == "text-embedding-3-small"
    assert mapped.data[0].embedding == direct.data[0].embedding
    custom = azure.embeddings.create(model="team-embedder", input=SENTENCE)
    assert custom.model == "team-embedder" and len(custom.data[0].embedding) == 1536
