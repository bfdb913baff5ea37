"""The calls in a Responses answer: those the application must run, and the hosted tools
the API ran itself before answering.

A Responses answer can hold both kinds. A model may search the web (`web_search_call`),
then answer in a message: the search is done when the answer arrives, so it asks nothing
of the application and is no reason to say the answer stopped for `tool_calls`. A
`function_call` (or a custom, computer, local shell or apply-patch call) is work the
application must do before the conversation goes on. Both are kept in
`Completion.tool_calls`, in output order (reports show what a model did), and
`hosted_flags` says which is which, from the body the answer came in.
"""

from __future__ import annotations

import json
from typing import Any

from migrate_check.core.completion import ToolCall

#: Output items of tools the API runs itself; their results are in the same answer.
HOSTED_CALLS = frozenset(
    {"web_search_call", "file_search_call", "code_interpreter_call", "image_generation_call"}
    | {"mcp_call"}  # a remote MCP server's tool, called by the API
)
#: What identifies a hosted tool's call, not its bookkeeping or its (long) results.
_BUILTIN_CALL_NOISE = frozenset({"id", "type", "status", "results", "outputs", "output", "result"})


def output_calls(output: Any) -> list[tuple[ToolCall, bool]]:
    """Each call item of a Responses `output` as a ToolCall, in order, with whether it is
    hosted (run by the API) rather than one the application must run."""
    found = []
    for item in output if isinstance(output, list) else []:
        if not isinstance(item, dict):
            continue
        kind = str(item.get("type", ""))
        if kind == "function_call":
            call = ToolCall(str(item.get("name", "")), parse_arguments(item.get("arguments")))
        elif kind == "custom_tool_call":
            call = ToolCall(str(item.get("name", "")), item.get("input"))
        elif kind.endswith("_call"):
            call = _builtin_tool_call(item)
        else:
            continue
        found.append((call, is_hosted(item)))
    return found


def is_hosted(item: dict[str, Any]) -> bool:
    """Whether the API ran this call itself. A call item of a kind not known here is
    taken as the application's to run, as every `*_call` was before hosted tools were
    told apart: judging it so can flag a change that is none, never miss one."""
    kind = item.get("type")
    if kind in HOSTED_CALLS:
        return True
    execution = item.get("execution")  # `tool_search_call` says who ran it
    if execution in ("server", "client"):
        return bool(execution == "server")
    environment = item.get("environment")  # a shell run in the API's own container
    return (
        kind == "shell_call"
        and isinstance(environment, dict)
        and environment.get("type") == "container_reference"
    )


def hosted_flags(body: Any) -> list[bool] | None:
    """For a Responses answer's body, whether each of its calls, as `Completion.tool_calls`
    lists them, is hosted; None for a body that is no Responses answer (a chat
    completion's calls are all the application's)."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), list):
        return None
    return [hosted for _, hosted in output_calls(body["output"])]


def _builtin_tool_call(item: dict[str, Any]) -> ToolCall:
    """A built-in tool's call (`web_search_call`, `file_search_call`, `computer_call`,
    `mcp_call`, ...) as a ToolCall named by its type, arguments being what it was asked."""
    kind = str(item.get("type"))
    name = f"{kind}:{item['name']}" if kind == "mcp_call" and item.get("name") else kind
    arguments = {k: v for k, v in item.items() if k not in _BUILTIN_CALL_NOISE}
    if isinstance(arguments.get("arguments"), str):
        arguments["arguments"] = parse_arguments(arguments["arguments"])
    return ToolCall(name, arguments)


def parse_arguments(arguments: Any) -> Any:
    """Tool arguments parsed as JSON when they parse, else the raw string."""
    if not isinstance(arguments, str):
        return arguments
    try:
        return json.loads(arguments)
    except ValueError:
        return arguments
