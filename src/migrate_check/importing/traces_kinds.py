"""Which spans are calls a suite can hold: an LLM call (not a workflow, tool or chain
span), to OpenAI (not to another provider), through Chat Completions (not Responses).

Tracers name the provider in `gen_ai.provider.name` (the GenAI conventions today),
`gen_ai.system` (the conventions before, and openllmetry), or openinference's
`llm.provider` (who served the call) and `llm.system` (the SDK's family: `openai` for any
OpenAI-compatible endpoint, so `llm.provider` is read first). A span naming none is kept.

A Responses API call is told by the conventions' `openai.api.type`, its response id
(`resp_...`) or the span name its tracer gives it (openllmetry's `openai.response`,
openinference's `Response`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from migrate_check.importing.traces_messages import Unusable, parse_json

#: Attributes naming the provider, the most specific first.
_PROVIDER_KEYS = ("gen_ai.provider.name", "llm.provider", "gen_ai.system", "llm.system")
#: OpenAI itself and Azure OpenAI, in the spellings tracers write (compared lower-cased).
OPENAI_PROVIDERS = frozenset(
    {"openai", "azure", "azure.ai.openai", "az.ai.openai", "azure_openai", "azureopenai"}
)
#: Azure AI Inference serves OpenAI's models and others': kept for an OpenAI model.
_MIXED_PROVIDERS = frozenset({"azure.ai.inference", "az.ai.inference"})
_OPENAI_MODELS = ("gpt-", "chatgpt-", "o1", "o3", "o4", "codex-", "computer-use-")
#: What openllmetry's LangChain spans say when it could not tell the provider: none named.
_NOT_PROVIDERS = frozenset({"langchain", "langgraph"})
#: Span names tracers give Responses API calls (openllmetry, openinference, its JS twin).
_RESPONSES_SPANS = frozenset({"openai.response", "Response", "OpenAI Responses"})
#: `gen_ai.operation.name` of an LLM call (openllmetry's LangChain spans say
#: `llm_request`; a few tracers say `responses`).
_CALL_OPERATIONS = (
    "chat", "text_completion", "generate_content", "llm_request", "responses",
)  # fmt: skip


def not_a_call(attrs: Mapping[str, Any]) -> str | None:
    """None for an LLM call's span; else what kind of span it is, to count it under."""
    kind = attrs.get("openinference.span.kind")
    if isinstance(kind, str):
        return None if kind.upper() == "LLM" else kind.upper()
    for key, calls in (
        ("gen_ai.operation.name", _CALL_OPERATIONS),
        ("llm.request.type", ("chat", "completion")),
    ):
        value = attrs.get(key)
        if isinstance(value, str):
            return None if value in calls else value
    if "gen_ai.request.model" in attrs or "gen_ai.input.messages" in attrs:
        return None
    label = attrs.get("traceloop.span.kind")
    return label if isinstance(label, str) else "other"


def other_provider(attrs: Mapping[str, Any], model: str | None) -> str | None:
    """Why the span is no call to OpenAI, when the provider it names is another;
    None when it names OpenAI, Azure OpenAI, or no provider."""
    for key in _PROVIDER_KEYS:
        value = attrs.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        name = value.strip().lower()
        if name in _NOT_PROVIDERS:
            continue
        if name in OPENAI_PROVIDERS:
            return None
        if name in _MIXED_PROVIDERS and model and model.lower().startswith(_OPENAI_MODELS):
            return None
        called = f"{value.strip()[:80]} ({model[:120]})" if model else value.strip()[:80]
        return f"a call to {called}, not OpenAI: migrate-check compares OpenAI models"
    return None


def responses_call(name: str, attrs: Mapping[str, Any]) -> str | None:
    """Why the span is not imported, when it is a Responses API call; else None."""
    recorded = attrs.get("gen_ai.response.id")
    if not (
        (isinstance(recorded, str) and recorded.startswith("resp_"))
        or attrs.get("openai.api.type") == "responses"
        or attrs.get("gen_ai.operation.name") == "responses"
        or name in _RESPONSES_SPANS
    ):
        return None
    response_id = _response_id(attrs)
    how = (
        f"import it by its id ({response_id}) with --stored-responses (the API stores "
        "responses unless told not to)"
        if response_id
        else "import its stored response (--stored-responses) or its logged request instead"
    )
    return f"a Responses API call: only Chat Completions calls are rebuilt from traces; {how}"


def _response_id(attrs: Mapping[str, Any]) -> str | None:
    """The `resp_...` id of the call: in `gen_ai.response.id`, or in the response
    openinference records whole (`output.value`, JSON)."""
    found = attrs.get("gen_ai.response.id")
    if not isinstance(found, str):
        output = attrs.get("output.value")
        if isinstance(output, str) and output.lstrip().startswith("{") and "resp_" in output[:100]:
            try:
                parsed = parse_json(output, "output.value")
            except Unusable:
                parsed = None
            found = parsed.get("id") if isinstance(parsed, dict) else None
    return found[:200] if isinstance(found, str) and found.startswith("resp_") else None
