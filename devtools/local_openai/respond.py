"""One non-streamed answer body for a request, shared by the live endpoints and batches.

A batch line must get the body a live call with the same request gets (ids
and timestamps aside), so both go through `body` and `run` here.
"""

from __future__ import annotations

from typing import Any

from devtools.local_openai import answers, embeddings, wire
from devtools.local_openai.errors import ApiError, openai_error
from devtools.local_openai.prompt import BadRequest, Prompt, from_chat, from_responses

JsonObj = dict[str, Any]
# What a batch's `endpoint` (or a line's `url`) names, written as OpenAI or as Azure does.
ENDPOINTS: dict[str, str] = {
    "/v1/chat/completions": "chat",
    "/v1/responses": "responses",
    "/v1/embeddings": "embeddings",
    "/chat/completions": "chat",
    "/responses": "responses",
    "/embeddings": "embeddings",
}


def choices(request: JsonObj) -> int:
    """How many choices a chat request asks for (`n`), within what the API allows."""
    n = request.get("n")
    return n if isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 128 else 1


def prompt_of(api: str, request: JsonObj) -> Prompt:
    """The prompt of a chat or Responses request; `BadRequest` as the API's 400 would say."""
    return from_chat(request) if api == "chat" else from_responses(request)


def body(
    api: str, reply: answers.Answer, prompt: Prompt, request: JsonObj, ids: wire.Ids, later: int
) -> JsonObj:
    """The JSON of a non-streamed answer; `later` numbers the further choices of `n` > 1."""
    if api == "chat":
        more = [answers.answer(prompt, later * 100 + i) for i in range(1, choices(request))]
        return wire.chat_completion(reply, ids, more)
    return wire.response_object(reply, ids, request)


def run(api: str, request: JsonObj, ids: wire.Ids, any_model: bool = False) -> tuple[int, JsonObj]:
    """(status, body) of one request as a first live call answers it, without faults or latency.

    Batches use it: sample 0 is the wording a first live call gets, and its
    further choices are those of the live call's sample counter after one answer.
    `any_model` lets embeddings take any model name, as an Azure deployment may have.
    """
    if api == "embeddings":
        try:
            return 200, embeddings.create(request, any_model=any_model)
        except ApiError as exc:
            return exc.status, exc.body
    try:
        prompt = prompt_of(api, request)
    except BadRequest as exc:
        return 400, openai_error(str(exc), "invalid_request_error", "invalid_value", exc.param)
    reply = answers.answer(prompt, 0)
    return 200, body(api, reply, prompt, request, ids, later=1)
