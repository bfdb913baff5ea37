"""A team's feature, written the way an application is: its own SDK client, two model calls.

Tests copy this file beside their suites (as `feature_app.py`) and point entry-point
cases at its functions; nothing here knows about migrate-check.
"""

from __future__ import annotations

import asyncio
import os
import time
import urllib.request
from typing import Any

import openai
import pydantic

CLASSIFY = "Classify the support ticket as billing or technical. Answer with one word."


def _category(label: str | None) -> str:
    return "billing" if "billing" in (label or "").lower() else "technical"


def triage(ticket: str, model: str) -> dict[str, Any]:
    """Classify, then draft a reply with the prompt the class picks."""
    client = openai.OpenAI()
    label = client.chat.completions.create(
        model=model,
        messages=[{"role": "system", "content": CLASSIFY}, {"role": "user", "content": ticket}],
    )
    category = _category(label.choices[0].message.content)
    print(f"classified as {category}")  # an app's own logging: kept off the terminal
    reply = client.chat.completions.create(
        model=model,
        messages=[
            {"role": "system", "content": f"You answer {category} questions in one sentence."},
            {"role": "user", "content": "Draft an acknowledgement for the customer."},
        ],
    )
    return {"category": category, "reply": reply.choices[0].message.content}


async def triage_async(ticket: str, model: str) -> dict[str, Any]:
    """The same feature on the async client."""
    client = openai.AsyncOpenAI()
    label = await client.chat.completions.create(
        model=model,
        messages=[{"role": "system", "content": CLASSIFY}, {"role": "user", "content": ticket}],
    )
    return {"category": _category(label.choices[0].message.content)}


def triage_from_config(ticket: str) -> str:
    """Reads its model from the environment, as configured apps do."""
    client = openai.OpenAI()
    label = client.chat.completions.create(
        model=os.environ.get("SUPPORT_MODEL", "gpt-4o-mini"),
        messages=[{"role": "system", "content": CLASSIFY}, {"role": "user", "content": ticket}],
    )
    return _category(label.choices[0].message.content)


def triage_hard_coded(ticket: str) -> str:
    """Names its model in the code: only a rewrite of its requests moves it."""
    client = openai.OpenAI()
    label = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "system", "content": CLASSIFY}, {"role": "user", "content": ticket}],
    )
    return _category(label.choices[0].message.content)


def summary_streamed(text: str, model: str) -> str:
    """Streams its answer and joins the deltas."""
    client = openai.OpenAI()
    stream = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": text}], stream=True
    )
    return "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)


def summary_responses(text: str, model: str) -> str:
    """The Responses API, read as `output_text`."""
    client = openai.OpenAI()
    answer: str = client.responses.create(model=model, input=text).output_text
    return answer


def strict_category(ticket: str, model: str) -> str:
    """Raises when the model's label is not one it knows."""
    client = openai.OpenAI()
    label = client.chat.completions.create(
        model=model,
        messages=[{"role": "system", "content": CLASSIFY}, {"role": "user", "content": ticket}],
    )
    text = (label.choices[0].message.content or "").strip().lower()
    if text not in ("billing", "technical"):
        raise ValueError(f"unknown category: {text[:40]!r}")
    return text


def enriched(ticket: str, model: str) -> str:
    """Looks the customer up in another service first."""
    with urllib.request.urlopen("http://crm.example.invalid/customers/42", timeout=2) as page:
        customer = page.read().decode()
    return str(triage(f"{customer}: {ticket}", model)["category"])


def careful(ticket: str, model: str) -> str:
    """Asks again when the first label is not a category: one call more on that side."""
    client = openai.OpenAI()
    messages: list[Any] = [
        {"role": "system", "content": CLASSIFY},
        {"role": "user", "content": ticket},
    ]
    label = client.chat.completions.create(model=model, messages=messages)
    text = (label.choices[0].message.content or "").strip().lower()
    if text in ("billing", "technical"):
        return text
    messages += [
        {"role": "assistant", "content": text},
        {"role": "user", "content": "Answer billing or technical."},
    ]
    again = client.chat.completions.create(model=model, messages=messages)
    return _category(again.choices[0].message.content)


def slow(ticket: str, model: str) -> str:
    """Never answers in time."""
    import time

    time.sleep(30)
    return ticket


def holds_a_category(output: Any) -> bool:
    """A team's assertion on what the feature returned: it gets the dict itself."""
    return isinstance(output, dict) and output.get("category") in ("billing", "technical")


def exits_on_candidate(ticket: str, model: str) -> str:
    """Ends its process on one model: only `isolate: true` keeps the run alive."""
    if model == "gpt-4.1-mini":
        os._exit(3)
    return str(triage(ticket, model)["category"])


def looked_up(ticket: str, model: str, crm: str) -> str:
    """Reads the customer from a service the suite allows, then classifies."""
    with urllib.request.urlopen(crm, timeout=5) as page:
        customer = page.read().decode()
    return str(triage(f"{customer}: {ticket}", model)["category"])


def embeds_then_answers(text: str, model: str) -> str:
    """An embeddings call (its model does not migrate), then a chat call."""
    client = openai.OpenAI()
    client.embeddings.create(model="text-embedding-3-small", input=text)
    answer = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": text}]
    )
    return answer.choices[0].message.content or ""


def big_ticket() -> dict[str, Any]:
    """Inputs YAML cannot hold conveniently, made in Python for each run."""
    return {"ticket": "Order lines: " + ", ".join(f"item {i}" for i in range(50))}


def threaded(ticket: str, model: str) -> str:
    """Sends its call from a worker thread, as apps with a thread pool do."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(strict_category, ticket, model).result()


def endless(ticket: str, model: str) -> Any:
    """Returns an iterator that never ends."""
    import itertools

    return itertools.count()


class Ticket(pydantic.BaseModel):
    category: str
    urgent: bool = False


def parsed(ticket: str, model: str) -> Ticket:
    """Structured outputs through `parse`: the app holds a pydantic model."""
    client = openai.OpenAI()
    answer = client.chat.completions.parse(
        model=model,
        messages=[{"role": "system", "content": CLASSIFY}, {"role": "user", "content": ticket}],
        response_format=Ticket,
    )
    found = answer.choices[0].message.parsed
    assert found is not None
    return found


class _Stubborn(Exception):
    def __str__(self) -> str:
        while True:
            pass


def stubborn_error(ticket: str, model: str) -> str:
    """Raises an exception whose message never ends being made."""
    raise _Stubborn()


def failing_inputs() -> dict[str, Any]:
    """An inputs_from that fails, as a fixture whose file is missing does."""
    raise FileNotFoundError("fixtures/ticket.json")


async def own_timeout(ticket: str, model: str) -> str:
    """Gives up on its own, within the run's limit: its TimeoutError is its outcome."""
    await asyncio.wait_for(asyncio.sleep(5), 0.01)
    return ticket


async def blocks_the_loop(ticket: str, model: str) -> str:
    """Blocks its event loop: no await gives the loop a chance to stop it."""
    time.sleep(30)
    return ticket


def with_own_key(ticket: str, model: str) -> str:
    """Makes its client with a key from its own configuration, not the environment."""
    client = openai.OpenAI(api_key="sk-proj-TEAMKEYfromvault-0123456789")
    answer = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": ticket}]
    )
    return answer.choices[0].message.content or ""


def on_azure(ticket: str) -> str:
    """An Azure client whose deployment is named in the code: only `rewrite` moves it."""
    endpoint = os.environ["OPENAI_BASE_URL"].removesuffix("/v1")
    client = openai.AzureOpenAI(azure_endpoint=endpoint, api_version="2024-10-21")
    answer = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": ticket}]
    )
    return answer.choices[0].message.content or ""


def noisy(ticket: str, model: str) -> str:
    """Writes past `print`: straight to the process's descriptors and its original streams."""
    import sys

    os.write(1, b"FD-NOISE-OUT\n")
    os.write(2, b"FD-NOISE-ERR\n")
    if sys.__stdout__ is not None:
        sys.__stdout__.write("DUNDER-NOISE\n")
        sys.__stdout__.flush()
    return ticket
