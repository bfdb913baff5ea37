"""A span's request settings, tools and token usage, in the spellings tracers write.

openinference records the request's parameters whole (`llm.invocation_parameters`, JSON)
and each tool whole (`llm.tools.{i}.tool.json_schema`); openllmetry and the OpenTelemetry
GenAI conventions record chosen parameters one attribute each (`gen_ai.request.temperature`,
...) and tools as `llm.request.functions.{i}.*` or `gen_ai.tool.definitions`. Only what
Chat Completions takes is kept; what else a tracer recorded is named, so a case says what
its request lacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from migrate_check.importing.traces_messages import indexed, parse_json

#: Chat Completions request parameters a recorded call may carry into a case. `stream`
#: is not one: the recorded answer becomes a plain JSON response.
CHAT_PARAMS = frozenset(
    {
        "audio", "frequency_penalty", "logit_bias", "logprobs", "max_completion_tokens",
        "max_tokens", "metadata", "modalities", "n", "parallel_tool_calls", "prediction",
        "presence_penalty", "prompt_cache_key", "reasoning_effort", "response_format",
        "safety_identifier", "seed", "service_tier", "stop", "temperature", "tool_choice",
        "top_logprobs", "top_p", "user", "verbosity", "web_search_options",
    }
)  # fmt: skip
#: Keys of invocation parameters that are the request's other parts, or the tracer's own.
_NOT_PARAMS = frozenset(
    {"model", "model_name", "messages", "tools", "functions", "stream", "stream_options", "store"}
)
#: One attribute per parameter (openllmetry, the conventions): attribute, parameter, type.
_ATTRIBUTE_PARAMS: tuple[tuple[str, str, type | tuple[type, ...]], ...] = (
    ("gen_ai.request.temperature", "temperature", (int, float)),
    ("gen_ai.request.top_p", "top_p", (int, float)),
    ("gen_ai.request.max_tokens", "max_tokens", int),
    ("gen_ai.request.frequency_penalty", "frequency_penalty", (int, float)),
    ("llm.frequency_penalty", "frequency_penalty", (int, float)),
    ("gen_ai.request.presence_penalty", "presence_penalty", (int, float)),
    ("llm.presence_penalty", "presence_penalty", (int, float)),
    ("gen_ai.request.seed", "seed", int),
    ("gen_ai.openai.request.seed", "seed", int),
    ("gen_ai.request.stop_sequences", "stop", (list, str)),
    ("llm.chat.stop_sequences", "stop", (list, str)),
    ("gen_ai.request.reasoning_effort", "reasoning_effort", str),
    ("llm.request.reasoning_effort", "reasoning_effort", str),
    ("gen_ai.request.choice.count", "n", int),
)
_REQUEST_MODEL = ("gen_ai.request.model", "llm.request.model_name")
_RESPONSE_MODEL = ("gen_ai.response.model", "llm.response.model_name", "llm.model_name")
_USAGE = {
    "prompt_tokens": (
        "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt",
    ),
    "completion_tokens": (
        "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens",
        "llm.token_count.completion",
    ),
    "total_tokens": (
        "llm.usage.total_tokens", "gen_ai.usage.total_tokens", "llm.token_count.total",
    ),
    "cached_tokens": (
        "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens",
        "llm.token_count.prompt_details.cache_read",
    ),
    "reasoning_tokens": (
        "gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens",
        "llm.usage.reasoning_tokens", "llm.token_count.completion_details.reasoning",
    ),
}  # fmt: skip


@dataclass
class Settings:
    """What a span says of its request besides the messages."""

    params: dict[str, Any] = field(default_factory=dict)
    tools: list[dict[str, Any]] = field(default_factory=list)
    model: str | None = None  # the model asked for
    response_model: str | None = None  # the model that answered, when recorded
    notes: list[str] = field(default_factory=list)  # what the trace could not give back


def settings(attrs: Mapping[str, Any]) -> Settings:
    """Parameters, tools and models of the call, from every spelling present."""
    found = Settings()
    invocation = _invocation(attrs)
    left_out = []
    for key, value in invocation.items():
        if value is None or key in _NOT_PARAMS:
            continue
        if key in CHAT_PARAMS:
            found.params[key] = value
        else:
            left_out.append(key)
    if left_out:
        names = ", ".join(sorted(left_out)[:5]) + (", ..." if len(left_out) > 5 else "")
        found.notes.append(f"invocation parameters that are not Chat's left out: {names}")
    for attribute, param, kind in _ATTRIBUTE_PARAMS:
        value = attrs.get(attribute)
        usable = isinstance(value, kind) and not isinstance(value, bool)
        if usable and param not in found.params and (param != "n" or value != 1):
            found.params[param] = value
    _response_format(attrs, found)
    found.tools = _tools(attrs, invocation, found)
    asked = [attrs.get(k) for k in _REQUEST_MODEL] + [
        invocation.get("model"),
        invocation.get("model_name"),
    ]
    found.model = next((m for m in asked if isinstance(m, str) and m), None)
    answered = [attrs.get(k) for k in _RESPONSE_MODEL]
    found.response_model = next((m for m in answered if isinstance(m, str) and m), None)
    found.model = found.model or found.response_model
    return found


def model_named(attrs: Mapping[str, Any]) -> str | None:
    """The model a span's attributes name (asked for, else the one that answered)."""
    named = (attrs.get(k) for k in (*_REQUEST_MODEL, *_RESPONSE_MODEL))
    return next((m for m in named if isinstance(m, str) and m), None)


def usage(attrs: Mapping[str, Any]) -> dict[str, Any] | None:
    """Token usage as a `chat.completion` holds it, or None when none was recorded."""
    counts = {}
    for name, keys in _USAGE.items():
        value = next((attrs[k] for k in keys if isinstance(attrs.get(k), int)), None)
        if value is not None and not isinstance(value, bool) and value >= 0:
            counts[name] = value
    if "prompt_tokens" not in counts and "completion_tokens" not in counts:
        return None
    prompt, completion = counts.get("prompt_tokens", 0), counts.get("completion_tokens", 0)
    found: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": counts.get("total_tokens", prompt + completion),
    }
    if "cached_tokens" in counts:
        found["prompt_tokens_details"] = {"cached_tokens": counts["cached_tokens"]}
    if "reasoning_tokens" in counts:
        found["completion_tokens_details"] = {"reasoning_tokens": counts["reasoning_tokens"]}
    return found


def _invocation(attrs: Mapping[str, Any]) -> dict[str, Any]:
    raw = attrs.get("llm.invocation_parameters")
    if raw is None:
        return {}
    parsed = parse_json(raw, "llm.invocation_parameters")
    return parsed if isinstance(parsed, dict) else {}


def _response_format(attrs: Mapping[str, Any], found: Settings) -> None:
    """openllmetry records a structured output's schema without its name or `strict`."""
    if "response_format" in found.params:
        return
    schema = attrs.get("gen_ai.request.structured_output_schema")
    if schema is not None:
        parsed = parse_json(schema, "gen_ai.request.structured_output_schema")
        if isinstance(parsed, dict):
            found.params["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "response", "schema": parsed},
            }
            found.notes.append(
                "response_format rebuilt from its recorded schema (its name and strict "
                "setting are not in the trace)"
            )
            return
    kind = attrs.get("gen_ai.openai.request.response_format") or attrs.get("gen_ai.output.type")
    if kind in ("json_object", "json"):
        found.params["response_format"] = {"type": "json_object"}


def _tools(
    attrs: Mapping[str, Any], invocation: Mapping[str, Any], found: Settings
) -> list[dict[str, Any]]:
    raw: list[Any] = []
    if attrs.get("gen_ai.tool.definitions") is not None:
        parsed = parse_json(attrs["gen_ai.tool.definitions"], "gen_ai.tool.definitions")
        raw = parsed if isinstance(parsed, list) else []
    elif openinference := indexed(attrs, "llm.tools."):
        for tool in openinference:
            if tool.get("tool.json_schema") is not None:
                raw.append(parse_json(tool["tool.json_schema"], "llm.tools.*.tool.json_schema"))
            else:
                parameters = tool.get("tool.parameters")
                raw.append(
                    {
                        "name": tool.get("tool.name"),
                        "description": tool.get("tool.description"),
                        "parameters": parse_json(parameters, "llm.tools.*.tool.parameters"),
                    }
                )
    elif openllmetry := indexed(attrs, "llm.request.functions."):
        for function in openllmetry:
            parameters = function.get("parameters")
            raw.append(
                {
                    "name": function.get("name"),
                    "description": function.get("description"),
                    "parameters": parse_json(parameters, "llm.request.functions.*.parameters"),
                }
            )
    elif isinstance(invocation.get("tools"), list):
        raw = invocation["tools"]
    elif isinstance(invocation.get("functions"), list):
        raw = invocation["functions"]
    tools = [made for item in raw if (made := _tool(item)) is not None]
    if len(tools) < len(raw):
        found.notes.append(
            f"{len(raw) - len(tools)} recorded tool(s) that are not functions left out"
        )
    return tools


def _tool(raw: Any) -> dict[str, Any] | None:
    """A Chat function tool from its nested (`function: {...}`) or flat form."""
    if not isinstance(raw, dict):
        return None
    function = raw["function"] if isinstance(raw.get("function"), dict) else raw
    if raw.get("type", "function") != "function" or not isinstance(function.get("name"), str):
        return None
    kept = {
        k: function[k]
        for k in ("name", "description", "parameters", "strict")
        if function.get(k) is not None
    }
    return {"type": "function", "function": kept}
