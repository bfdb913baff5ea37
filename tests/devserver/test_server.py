"""The local OpenAI-compatible server, driven by the real `openai` SDK over real HTTP."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import jsonschema
import openai
import pytest
from devtools.local_openai import FaultPlan, LocalServer
from devtools.local_openai import answers as ans
from devtools.local_openai.faults import directive, draw
from devtools.local_openai.fill import Drift, fill, implied_schema
from devtools.local_openai.prompt import from_chat, from_responses

TICKET_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "queue": {"type": "string", "enum": ["billing", "technical", "shipping", "account"]},
        "order_id": {"type": "string"},
        "email": {"type": "string"},
        "date": {"type": "string"},
        "urgent": {"type": "boolean"},
        "amount": {"type": "number"},
    },
    "required": ["queue", "order_id", "email", "date", "urgent", "amount"],
    "additionalProperties": False,
}
WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string"},
                "date": {"type": "string"},
            },
            "required": ["city"],
        },
    },
}
SUMMARY_TEXT = (
    "Summarize this: The quarterly report shows revenue grew 12% to $4.2M. Costs rose faster "
    "than expected due to hiring. The board approved a new product line for Europe. Customer "
    "churn fell to 3%, the lowest in two years."
)


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@pytest.fixture
def client(server: LocalServer) -> openai.OpenAI:
    server.set_latency(0)
    server.set_faults(FaultPlan())
    return openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)


def user(text: str) -> Any:
    return [{"role": "user", "content": text}]


# ---------------------------------------------------------------- chat completions


def test_chat_completion_looks_like_the_api(client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="gpt-4o-mini", messages=user(SUMMARY_TEXT), temperature=0
    )
    completion = raw.parse()
    assert completion.object == "chat.completion"
    assert completion.model == "gpt-4o-mini-2024-07-18"
    assert completion.choices[0].finish_reason == "stop"
    assert "revenue grew 12%" in (completion.choices[0].message.content or "")
    assert completion.usage is not None and completion.usage.prompt_tokens > 0
    assert completion.usage.total_tokens == (
        completion.usage.prompt_tokens + completion.usage.completion_tokens
    )
    for header in (
        "openai-processing-ms",
        "x-request-id",
        "openai-organization",
        "openai-project",
        "set-cookie",
        "x-ratelimit-remaining-requests",
        "x-ratelimit-reset-tokens",
    ):
        assert header in raw.headers
    assert raw.headers["openai-version"] == "2020-10-01"


def test_chat_stream_accumulates_to_the_same_answer(client: openai.OpenAI) -> None:
    request: dict[str, Any] = {
        "model": "gpt-4.1-mini",
        "messages": user(SUMMARY_TEXT),
        "temperature": 0,
    }
    whole = client.chat.completions.create(**request).choices[0].message.content
    chunks = list(
        client.chat.completions.create(
            **request, stream=True, stream_options={"include_usage": True}
        )
    )
    deltas = [c.choices[0].delta.content or "" for c in chunks if c.choices]
    assert len([d for d in deltas if d]) > 3
    assert "".join(deltas) == whole
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0
    with client.chat.completions.stream(**request) as stream:
        final = stream.get_final_completion()
    assert final.choices[0].message.content == whole


def test_max_tokens_truncates_with_finish_reason_length(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="gpt-4.1-mini", messages=user(SUMMARY_TEXT), max_completion_tokens=5
    )
    assert completion.choices[0].finish_reason == "length"
    assert completion.usage is not None and completion.usage.completion_tokens == 5


def test_structured_output_validates_against_its_schema(client: openai.OpenAI) -> None:
    text = (
        "Refund order #4521 please, charged twice on 2024-03-05. Reach me at ann@example.com asap."
    )
    for model in ("gpt-4o-mini", "gpt-4.1-mini"):
        completion = client.chat.completions.create(
            model=model,
            messages=user(text),
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "ticket", "schema": TICKET_SCHEMA, "strict": True},
            },
        )
        data = json.loads(completion.choices[0].message.content or "")
        jsonschema.validate(data, TICKET_SCHEMA)
        assert data["order_id"] == "4521"
        assert data["email"] == "ann@example.com"
        assert data["urgent"] is True


def test_tool_call_parses_and_stream_accumulates(client: openai.OpenAI) -> None:
    request: dict[str, Any] = {
        "model": "gpt-4o-mini",
        "messages": user("What's the weather in Paris today?"),
        "tools": [WEATHER_TOOL],
    }
    message = client.chat.completions.create(**request).choices[0].message
    assert message.tool_calls is not None
    call = message.tool_calls[0]
    assert call.type == "function" and call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Paris"}
    with client.chat.completions.stream(**request) as stream:
        final = stream.get_final_completion()
    streamed = final.choices[0].message.tool_calls
    assert streamed is not None and streamed[0].function.arguments == call.function.arguments
    none = client.chat.completions.create(**request, tool_choice="none")
    assert none.choices[0].message.tool_calls is None


# ---------------------------------------------------------------- responses


def test_responses_plain_and_streamed(client: openai.OpenAI) -> None:
    response = client.responses.create(model="gpt-4.1-mini", input=SUMMARY_TEXT, temperature=0)
    assert response.object == "response" and response.status == "completed"
    assert response.model == "gpt-4.1-mini-2025-04-14"
    assert response.output_text
    assert response.usage is not None and response.usage.input_tokens_details.cached_tokens == 0
    with client.responses.stream(model="gpt-4.1-mini", input=SUMMARY_TEXT, temperature=0) as stream:
        deltas = [e.delta for e in stream if e.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert "".join(deltas) == final.output_text == response.output_text


def test_responses_json_schema_and_function_call(client: openai.OpenAI) -> None:
    response = client.responses.create(
        model="gpt-4o-mini",
        input="My package for order 88 never arrived, it was shipped March 3, 2024.",
        text={
            "format": {
                "type": "json_schema",
                "name": "ticket",
                "schema": TICKET_SCHEMA,
                "strict": True,
            }
        },
    )
    data = json.loads(response.output_text)
    jsonschema.validate(data, TICKET_SCHEMA)
    assert data["queue"] == "shipping" and data["date"] == "2024-03-03"
    tool: Any = {"type": "function", **WEATHER_TOOL["function"]}
    called = client.responses.create(model="gpt-4.1-mini", input="Weather in Oslo?", tools=[tool])
    calls = [item for item in called.output if item.type == "function_call"]
    assert calls and calls[0].name == "get_weather"
    assert json.loads(calls[0].arguments)["city"] == "Oslo"


def test_models_list_and_shutdown_dates(client: openai.OpenAI) -> None:
    ids = {m.id for m in client.models.list().data}
    assert {"gpt-4o-mini", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4.1"} <= ids
    model = client.models.retrieve("gpt-4.1-mini")
    assert model.model_dump().get("shutdown_date") == "2027-01-14"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-9")


# ---------------------------------------------------------------- errors and faults


def test_auth_errors(server: LocalServer) -> None:
    missing = httpx2.get(f"{server.base_url}/models")
    assert missing.status_code == 401
    assert "didn't provide an API key" in missing.json()["error"]["message"]
    bad = openai.OpenAI(base_url=server.base_url, api_key="sk-invalid-key-1234", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as info:
        bad.models.list()
    assert "sk-inval***1234" in str(info.value)


def test_bad_json_and_unknown_path(server: LocalServer) -> None:
    headers = {"Authorization": "Bearer sk-test"}
    bad = httpx2.post(f"{server.base_url}/chat/completions", content=b"{nope", headers=headers)
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "invalid_request_error"
    missing = httpx2.post(f"{server.base_url}/nothing", json={}, headers=headers)
    assert missing.status_code == 404 and "Invalid URL" in missing.json()["error"]["message"]


def test_429_directive_raises_rate_limit_with_retry_after(client: openai.OpenAI) -> None:
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(model="gpt-4o-mini", messages=user("hello [fault:429]"))
    assert info.value.response.headers["retry-after"] == "0.05"
    assert info.value.response.headers["retry-after-ms"] == "50"
    # The directive fires on the first attempt only: the same body now succeeds.
    client.chat.completions.create(model="gpt-4o-mini", messages=user("hello [fault:429]"))


def test_insufficient_quota(client: openai.OpenAI) -> None:
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(
            model="gpt-4o-mini", messages=user("hi [fault:insufficient_quota:always]")
        )
    assert info.value.code == "insufficient_quota"


@pytest.mark.parametrize("kind", ["429", "500", "502", "503", "reset", "cut_body"])
def test_sdk_retries_recover_from_a_first_attempt_fault(server: LocalServer, kind: str) -> None:
    server.stats.reset()
    retrying = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=2)
    completion = retrying.chat.completions.create(
        model="gpt-4.1-mini", messages=user(f"Say hi, {kind} [fault:{kind}]"), temperature=0
    )
    assert completion.choices[0].message.content
    assert server.stats.faults == {kind: 1}
    assert server.stats.requests == 2


def test_timeout_fault_times_the_client_out_and_shutdown_wakes_it() -> None:
    with LocalServer() as own:  # its own server: the hanging request stays in flight
        impatient = openai.OpenAI(
            base_url=own.base_url, api_key="sk-test", max_retries=0, timeout=0.3
        )
        with pytest.raises(openai.APITimeoutError):
            impatient.chat.completions.create(
                model="gpt-4o-mini", messages=user("x [fault:timeout]")
            )
        assert own.stats.in_flight == 1
        started = time.monotonic()
    assert time.monotonic() - started < 2


def test_fault_rate_is_reproducible_and_counted() -> None:
    plan = FaultPlan(rate=0.5, seed=3, kinds=("500",))
    bodies = [f"body {i}".encode() for i in range(40)]
    first = [draw(plan, b, 0) for b in bodies]
    assert first == [draw(plan, b, 0) for b in bodies]
    assert 5 < first.count("500") < 35
    assert any(draw(plan, b, 0) != draw(plan, b, 1) for b in bodies)
    assert directive("x [fault:503]", 0) == "503" and directive("x [fault:503]", 1) is None
    assert directive("x [fault:503:always]", 4) == "503"
    with pytest.raises(ValueError, match="unknown fault"):
        FaultPlan(kinds=("boom",))


def test_max_in_flight_counts_concurrent_requests(server: LocalServer) -> None:
    server.set_latency(100)
    server.stats.reset()

    async def burst() -> None:
        async with openai.AsyncOpenAI(
            base_url=server.base_url, api_key="sk-test", max_retries=0
        ) as aclient:
            await asyncio.gather(
                *(
                    aclient.chat.completions.create(model="gpt-4o-mini", messages=user(f"q{i}"))
                    for i in range(8)
                )
            )

    asyncio.run(burst())
    server.set_latency(0)
    assert 4 <= server.stats.max_in_flight <= 8
    assert server.stats.requests == 8 and server.stats.by_model == {"gpt-4o-mini": 8}


def test_latency_header_differs_by_family(server: LocalServer) -> None:
    server.set_latency(50)
    headers = {"Authorization": "Bearer sk-test"}
    try:
        times = {
            model: httpx2.post(
                f"{server.base_url}/chat/completions",
                json={"model": model, "messages": user("hi")},
                headers=headers,
            ).headers["openai-processing-ms"]
            for model in ("gpt-4o-mini", "gpt-4.1-mini")
        }
    finally:
        server.set_latency(0)
    assert times == {"gpt-4o-mini": "50", "gpt-4.1-mini": "40"}


def test_threads_share_one_server(server: LocalServer) -> None:
    errors: list[BaseException] = []

    def call() -> None:
        try:
            c = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
            c.chat.completions.create(model="gpt-4.1-mini", messages=user("thread"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


# ---------------------------------------------------------------- model-dependent answers


def test_same_request_at_temperature_zero_gives_the_same_answer(client: openai.OpenAI) -> None:
    def ask(temperature: float) -> str | None:
        return (
            client.chat.completions.create(
                model="gpt-4o-mini", messages=user(SUMMARY_TEXT + " (t)"), temperature=temperature
            )
            .choices[0]
            .message.content
        )

    assert ask(0) == ask(0) == ask(0)
    sampled = {ask(0.7) for _ in range(4)}
    assert len(sampled) > 1  # a noise floor to measure


SUITE = [
    "Summarize this: " + SUMMARY_TEXT.split(": ", 1)[1],
    SUMMARY_TEXT + " In one sentence.",
    SUMMARY_TEXT + " Use bullet points.",
    "How should I choose a database for a small web app?",
    "Explain what a hash map is in 10 words.",
]


def test_families_differ_on_free_text_but_stay_similar(client: openai.OpenAI) -> None:
    from rapidfuzz import fuzz

    scores = []
    for prompt in SUITE:
        a, b = (
            client.chat.completions.create(model=m, messages=user(prompt), temperature=0)
            .choices[0]
            .message.content
            or ""
            for m in ("gpt-4o-mini", "gpt-4.1-mini")
        )
        assert a != b
        scores.append(fuzz.ratio(a, b))
    assert all(30 <= s < 100 for s in scores), scores
    assert sum(scores) / len(scores) > 55


# ---------------------------------------------------------------- answers.py, no HTTP


def chat(model: str, text: str, **extra: Any) -> ans.Answer:
    return ans.answer(from_chat({"model": model, "messages": user(text), **extra}))


def schema_request(schema: dict[str, Any], strict: bool = True) -> dict[str, Any]:
    return {
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "t", "schema": schema, "strict": strict},
        }
    }


def test_family_and_snapshot_names() -> None:
    assert ans.family("gpt-4o-mini") == "baseline" and ans.family("gpt-4o") == "baseline"
    assert ans.family("gpt-4.1-mini") == "candidate" and ans.family("llama3") == "candidate"
    assert ans.snapshot("gpt-4.1-mini") == "gpt-4.1-mini-2025-04-14"
    assert ans.snapshot("my-model") == "my-model"


def test_structured_outputs_same_on_most_prompts_changed_on_some() -> None:
    texts = [
        f"Customer {i}: my order #{1000 + i} was charged twice on 2024-0{i % 9 + 1}-1{i % 9}, "
        f"contact c{i}@example.com"
        for i in range(40)
    ]
    loose = dict(TICKET_SCHEMA, required=["queue", "order_id"])
    loose.pop("additionalProperties")
    changed = 0
    for text in texts:
        base = json.loads(chat("gpt-4o-mini", text, **schema_request(loose, False)).text or "")
        cand = json.loads(chat("gpt-4.1-mini", text, **schema_request(loose, False)).text or "")
        changed += base != cand
    assert 3 <= changed <= 20


@pytest.mark.parametrize(
    ("kind", "check"),
    [
        ("enum", lambda b, c: b["queue"] != c["queue"]),
        ("date", lambda b, c: (b["date"], c["date"]) == ("2024-03-05", "March 5, 2024")),
        ("drop_optional", lambda b, c: "note" in b and "note" not in c),
        ("rename", lambda b, c: "order_id" in b and "orderId" in c),
    ],
)
def test_each_structured_drift_can_be_forced(kind: str, check: Any) -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "queue": {"type": "string", "enum": ["billing", "shipping"]},
            "order_id": {"type": "string"},
            "date": {"type": "string"},
            "note": {"type": "string"},
        },
        "required": ["queue", "order_id", "date"],
    }
    text = f"Refund for order 77, charged on 2024-03-05. [drift:{kind}]"
    base = json.loads(chat("gpt-4o-mini", text, **schema_request(schema, False)).text or "")
    cand = json.loads(chat("gpt-4.1-mini", text, **schema_request(schema, False)).text or "")
    assert check(base, cand), (base, cand)


def test_tool_drifts() -> None:
    second = {
        "type": "function",
        "function": {
            "name": "get_forecast",
            "description": "Multi-day outlook for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    tools = {"tools": [WEATHER_TOOL, second]}
    text = "Weather and forecast in Paris in celsius on 2025-01-02?"
    base = chat("gpt-4o-mini", text + " [drift:parallel]", **tools)
    assert [c.name for c in base.tool_calls] == ["get_weather"]
    assert base.finish_reason == "tool_calls" and base.text is None
    parallel = chat("gpt-4.1-mini", text + " [drift:parallel]", **tools)
    assert len(parallel.tool_calls) == 2
    units = chat("gpt-4.1-mini", text + " [drift:units]", **tools)
    assert json.loads(units.tool_calls[0].arguments)["unit"] == "C"
    assert json.loads(base.tool_calls[0].arguments)["unit"] == "celsius"
    dated = chat("gpt-4.1-mini", text + " [drift:date]", **tools)
    assert json.loads(dated.tool_calls[0].arguments)["date"] == "January 2, 2025"
    assert chat("gpt-4o-mini", "Tell me a joke", **tools).tool_calls == ()
    assert chat("gpt-4o-mini", "Tell me a joke", tool_choice="required", **tools).tool_calls


def test_extra_optional_tool_argument() -> None:
    text = "Weather in Rome please [drift:extra_arg]"
    base = json.loads(chat("gpt-4o-mini", text, tools=[WEATHER_TOOL]).tool_calls[0].arguments)
    cand = json.loads(chat("gpt-4.1-mini", text, tools=[WEATHER_TOOL]).tool_calls[0].arguments)
    assert base == {"city": "Rome"} and len(cand) == 2 and cand["city"] == "Rome"


def test_json_mode_fences_on_the_baseline_only() -> None:
    system = {"role": "system", "content": 'Reply in JSON with keys "queue" and "order_id".'}
    fenced = 0
    for i in range(30):
        messages = [system, {"role": "user", "content": f"Where is order {i}?"}]
        base = ans.answer(from_chat({"model": "gpt-4o-mini", "messages": messages})).text or ""
        cand = ans.answer(from_chat({"model": "gpt-4.1-mini", "messages": messages})).text or ""
        fenced += base.startswith("```json")
        assert not cand.startswith("```")
        assert set(json.loads(cand)) in ({"queue", "order_id"}, {"queue", "orderId"})
    assert 2 <= fenced <= 20


def test_instructions_followed_literally_by_the_candidate() -> None:
    one = chat("gpt-4.1-mini", SUMMARY_TEXT + " In one sentence.", temperature=0).text or ""
    assert one.count(". ") == 0
    loose = chat("gpt-4o-mini", SUMMARY_TEXT + " In one sentence.", temperature=0).text or ""
    assert loose.count(". ") >= 1
    words = chat("gpt-4.1-mini", SUMMARY_TEXT + " In 8 words.", temperature=0).text or ""
    assert len(words.split()) == 8
    upper = chat("gpt-4.1-mini", SUMMARY_TEXT + " Answer in uppercase.").text or ""
    assert upper == upper.upper()


def test_usage_costs_differ_by_family() -> None:
    free = [chat(m, SUMMARY_TEXT, temperature=0) for m in ("gpt-4o-mini", "gpt-4.1-mini")]
    assert free[1].completion_tokens < free[0].completion_tokens
    assert free[0].prompt_tokens == free[1].prompt_tokens
    structured = [
        chat(m, "refund order #1", **schema_request(TICKET_SCHEMA))
        for m in ("gpt-4o-mini", "gpt-4.1-mini")
    ]
    assert structured[1].completion_tokens > structured[0].completion_tokens
    long = chat("gpt-4o-mini", "word " * 1000)
    assert long.prompt_tokens > 1024 and long.cached_tokens >= 1024
    assert free[0].cached_tokens == 0


def test_fill_handles_refs_arrays_and_nested_objects() -> None:
    schema = {
        "$defs": {"Item": {"type": "object", "properties": {"product": {"type": "string"}}}},
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
            "tags": {"type": "array", "items": {"type": "string"}},
            "quantity": {"type": "integer", "minimum": 1},
            "customer": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "email": {"type": ["string", "null"]}},
            },
            "when": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
        },
    }
    text = "My name is Ada Lovelace. I need 3 new keyboards by 2025-06-01, email ada@x.org"
    value = fill(schema, text)
    jsonschema.validate(value, schema)
    assert value["quantity"] == 3
    assert value["customer"] == {"name": "Ada Lovelace", "email": "ada@x.org"}
    assert value["when"] == "2025-06-01"
    assert fill(schema, text, Drift(date=True))["when"] == "June 1, 2025"
    implied = implied_schema("Reply in JSON: sentiment is one of positive, negative, neutral.")
    assert implied["properties"]["sentiment"]["enum"] == ["positive", "negative", "neutral"]


def test_responses_request_reads_like_chat() -> None:
    prompt = from_responses(
        {
            "model": "gpt-4.1-mini",
            "instructions": "Be brief",
            "input": [
                {"role": "user", "content": [{"type": "input_text", "text": "Hi [fault:500]"}]}
            ],
            "max_output_tokens": 16,
        }
    )
    assert (prompt.system, prompt.user, prompt.raw_user) == ("Be brief", "Hi", "Hi [fault:500]")
    assert prompt.max_tokens == 16 and prompt.include_usage
