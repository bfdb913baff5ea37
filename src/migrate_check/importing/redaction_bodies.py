"""Personal data across all an imported prompt is made of: its request, checks, loop,
description and the recorded answer as its cassette holds it.

One `CaseRedaction` goes over all of them, so a value has one placeholder everywhere and
the baseline's cassette holds the request the redacted case sends (its body is walked as
JSON, as the suite's request is). A streamed answer is redacted event by event; a value
a stream splits across events (as tokens do) cannot be replaced there, so such a prompt
is left out, saying so, rather than imported with the value in its cassette.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from migrate_check.cassettes.answers import completions_from_sse, endpoint_of, sse_events
from migrate_check.importing.redaction import CaseRedaction, kinds_of, named

_NOT_JSON = object()


@dataclass(frozen=True)
class Parts:
    """What the spool keeps of one prompt; `interactions` is its answer's cassette
    interaction (a loop's: the list of its steps'), or None."""

    request: dict[str, Any]
    checks: list[dict[str, Any]]
    description: str
    spec: dict[str, Any] | None
    interactions: Any
    found: int = 0  # the kinds of personal data found (`redaction.kinds_of`)


class Privacy:
    """How an import treats personal data: always found and counted; the kinds in
    `redact` replaced."""

    def __init__(self, redact: frozenset[str] = frozenset()) -> None:
        self.redact = redact

    def apply(self, parts: Parts) -> Parts | str:
        """The parts with their values redacted (and `found` set), or why the prompt
        cannot be imported redacted."""
        case = CaseRedaction(self.redact)
        request = case.value(parts.request)
        checks = case.value(parts.checks)
        spec = case.value(parts.spec)
        interactions = parts.interactions
        if isinstance(interactions, list):
            interactions = [_interaction(case, step) for step in interactions]
        elif interactions is not None:
            interactions = _interaction(case, interactions)
        description = case.text(parts.description)
        if self.redact and interactions is not None:
            steps = interactions if isinstance(interactions, list) else [interactions]
            left = [kind for step in steps for kind in _left_in_stream(step, self.redact)]
            if left:
                return (
                    f"its recorded stream holds {named(left[0], 1)} split across events, "
                    "which --redact cannot replace"
                )
        if case.replaced:
            description = "\n".join(filter(None, [description, case.note()]))
        return Parts(request, checks, description, spec, interactions, case.found)


def _interaction(case: CaseRedaction, interaction: dict[str, Any]) -> dict[str, Any]:
    """One cassette interaction with its request and response bodies redacted; the same
    object when neither changed."""
    sent = interaction["request"]
    body = _redacted_body(case, sent["body"])
    response = interaction["response"]
    text = response["body"]["string"]
    if _is_stream(response):
        answer = "\n".join(_redacted_event(case, line) for line in text.split("\n"))
        answer = text if answer == text else answer
    else:
        answer = _redacted_body(case, text)
    if body is sent["body"] and answer is text:
        return interaction
    return {
        **interaction,
        "request": {**sent, "body": body},
        "response": {**response, "body": {**response["body"], "string": answer}},
    }


def _redacted_body(case: CaseRedaction, text: str) -> str:
    """A JSON body walked value by value (a match never spans JSON's escapes); any other
    text as text. Unchanged text is returned as is."""
    decoded = _json(text)
    if decoded is _NOT_JSON:
        return case.text(text)
    redacted = case.value(decoded)
    return text if redacted is decoded else json.dumps(redacted, ensure_ascii=False)


def _redacted_event(case: CaseRedaction, line: str) -> str:
    end = "\r" if line.endswith("\r") else ""
    bare = line.removesuffix("\r")
    if not bare.startswith("data:"):
        return line
    prefix = "data: " if bare.startswith("data: ") else "data:"
    payload = bare[len(prefix) :]
    decoded = _json(payload)
    if decoded is _NOT_JSON:
        return prefix + case.text(payload) + end
    redacted = case.value(decoded)
    if redacted is decoded:
        return line
    return prefix + json.dumps(redacted, ensure_ascii=False) + end


def _left_in_stream(interaction: dict[str, Any], redact: frozenset[str]) -> list[str]:
    """The kinds to redact that the stream's answer still holds once reassembled."""
    response = interaction["response"]
    if not _is_stream(response):
        return []
    endpoint = endpoint_of(str(interaction["request"].get("uri", "")))
    try:
        completions = completions_from_sse(response["body"]["string"], endpoint, "model", None)
    except (ValueError, KeyError, TypeError, AttributeError):
        return []  # replay cannot read it either: nothing of it is shown
    probe = CaseRedaction(redact)
    for completion in completions:
        probe.text(completion.text)
        for call in completion.tool_calls:
            probe.value(call.arguments)
    # The deltas joined too: a Responses stream is read from its final event, but its
    # deltas still spell the answer out.
    probe.text("".join(_deltas(sse_events(response["body"]["string"]))))
    return [kind for kind in kinds_of(probe.found) if kind in redact]


def _deltas(events: Iterator[dict[str, Any]]) -> Iterator[str]:
    """Every string under a `delta` of the stream's events, in order."""
    for event in events:
        yield from _strings(event.get("delta"))
        for choice in event.get("choices") or []:
            if isinstance(choice, dict):
                yield from _strings(choice.get("delta"))


def _strings(value: Any, depth: int = 0) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict) and depth < 20:
        for item in value.values():
            yield from _strings(item, depth + 1)
    elif isinstance(value, list) and depth < 20:
        for item in value:
            yield from _strings(item, depth + 1)


def _is_stream(response: dict[str, Any]) -> bool:
    types = response.get("headers", {}).get("content-type") or [""]
    return "text/event-stream" in str(types[0])


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return _NOT_JSON
