"""Tool calls across a loop: which tools the model calls at each step, and what it says
once it has the results.

The model plans its path from the user message, as it stands at the loop's start: the
tool that fits the request best (a score of 2 or more, or any tool under a forced
`tool_choice`), then a second one that fits too, on its own step, or with the first in
one parallel call under the candidate's `parallel` drift. `[loop:...]` markers
(`loop_markers.py`) change a side's path. At each request the tool results already in the
conversation say how far along the path the model is; past its end it answers from the
results it was sent (`followup`), unless `tool_choice` forces a call, as the API does:
then it keeps calling.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from devtools.local_openai import extract
from devtools.local_openai.fill import Drift, fill
from devtools.local_openai.loop_markers import Plan, markers, scripted, step
from devtools.local_openai.prompt import Prompt, Tool

#: How many distinct tool results a follow-up answer reads (a long loop repeats itself).
MAX_READ = 8


@dataclass(frozen=True)
class ToolCall:
    """One function call the model asks for; `arguments` is a JSON string, as on the wire."""

    id: str
    name: str
    arguments: str


def tool_score(tool: Tool, text: str) -> int:
    """How well a tool fits the request: its name's words count double."""
    return 2 * extract.overlap(tool.name, text) + extract.overlap(tool.description, text)


def _call_id(prompt: Prompt, index: int, results: int) -> str:
    """Unique per step: the first step's ids are what they were before loops existed."""
    salt = f"\0{results}" if results else ""
    seed = f"{prompt.model}\0{prompt.user}{salt}\0{index}"
    return f"call_{hashlib.sha256(seed.encode()).hexdigest()[:24]}"


def plain_plan(prompt: Prompt, drift: str | None) -> Plan:
    """The path the model takes unmarked, from the user message and the request's tools."""
    if not prompt.tools or prompt.tool_choice == "none":
        return Plan(())
    names = [t.name for t in prompt.tools]
    if prompt.tool_choice in names:
        return Plan(((prompt.tool_choice,),))
    scored = sorted(prompt.tools, key=lambda t: -tool_score(t, prompt.user))
    if prompt.tool_choice != "required" and tool_score(scored[0], prompt.user) < 2:
        return Plan(())
    if drift == "parallel":
        return Plan((tuple(t.name for t in scored[:2]),))
    if len(scored) > 1 and tool_score(scored[1], prompt.user) >= 2:
        return Plan(((scored[0].name,), (scored[1].name,)))
    return Plan(((scored[0].name,),))


def plan(prompt: Prompt, family: str, drift: str | None) -> Plan:
    """The model's whole path: the plain one, the markers for its family, then a forced
    `tool_choice`, which makes it keep calling once the path is done."""
    names = tuple(t.name for t in prompt.tools)
    path = scripted(plain_plan(prompt, drift), markers(prompt.raw_user, family), names)
    choice = prompt.tool_choice
    if path.repeat is None and names and (choice == "required" or choice in names):
        last = path.rounds[-1][-1] if path.rounds else None
        path = Plan(path.rounds, choice if choice in names else last or names[0])
    return path


def calls(prompt: Prompt, family: str, drift: str | None) -> tuple[ToolCall, ...]:
    """The calls the model makes now: its path's next step, or none (it answers).

    `drift` is the kind the candidate shows at the loop's start; every call's arguments
    are filled from the user message under it.
    """
    path = plan(prompt, family, drift)
    results = len(prompt.tool_results)
    at = step(path, results)
    if at < len(path.rounds):
        names = path.rounds[at]
    elif path.repeat is not None:
        names = (path.repeat,)
    else:
        return ()
    by_name = {t.name: t for t in prompt.tools}
    shape = drift_shape(drift)
    return tuple(
        ToolCall(
            id=_call_id(prompt, index, results),
            name=name,
            arguments=json.dumps(
                fill(by_name[name].parameters, prompt.user, shape, for_tool=True),
                separators=(",", ":"),
                ensure_ascii=False,
            ),
        )
        for index, name in enumerate(names)
    )


def drift_shape(kind: str | None) -> Drift:
    """What a drift kind changes in the values `fill` writes."""
    return Drift(
        enum=kind == "enum",
        date=kind == "date",
        drop_optional=kind == "drop_optional",
        rename=kind == "rename",
        extra_optional=kind == "extra_arg",
        short_units=kind == "units",
    )


def _facts(output: str) -> str:
    """What a model takes from one result: a JSON object's first fields, or a phrase."""
    try:
        data = json.loads(output)
    except ValueError:
        data = None
    if isinstance(data, dict) and data:
        return ", ".join(f"{k.replace('_', ' ')} is {v}" for k, v in list(data.items())[:4])
    return extract.phrase(output, 20)


def followup(prompt: Prompt, family: str) -> str:
    """The answer once the model has its results: the facts of each distinct one, in order."""
    outputs = [r.output for r in prompt.tool_results] or [prompt.tool_result or ""]
    facts: list[str] = []
    for output in dict.fromkeys(outputs):
        if len(facts) == MAX_READ:
            break
        facts.append(_facts(output))
    said = "; the ".join(dict.fromkeys(facts))
    if family == "candidate":
        return f"The {said}."
    return (
        f"Based on the information I retrieved, the {said}. Let me know if you need anything else!"
    )
