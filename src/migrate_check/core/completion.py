"""What one model answered to one case: text, tool calls, usage, latency, or an error."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from migrate_check.core.entry import EntryRun
from migrate_check.core.loop import Trajectory


@dataclass(frozen=True)
class ToolCall:
    """A function call the model asked for; `arguments` is parsed JSON when it parses."""

    name: str
    arguments: Any


@dataclass(frozen=True)
class Usage:
    """Tokens one answer used, as the API counts them; cached input tokens are part of
    `input_tokens`."""

    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class JsonParse:
    """Result of parsing an output as JSON: either a value or the parse error."""

    ok: bool
    value: Any = None
    error: str = ""


#: Where a latency figure comes from: the API's own `openai-processing-ms` header (kept in
#: recordings, so it means the same in replay), or the time measured around a live call.
LatencySource = Literal["openai-processing-ms", "measured"]


@dataclass(frozen=True)
class StreamTiming:
    """How a streamed answer arrived, measured on the client when it was recorded (kept in
    the cassette as migrate-check's own metadata): milliseconds from sending the request to
    the first content delta, and output tokens per second from the first delta to the last.
    None where it could not be measured (no content delta, no usage in the stream)."""

    time_to_first_token_ms: float | None = None
    tokens_per_second: float | None = None


@dataclass
class Completion:
    """What one model answered to one case (one sample), or why it could not.

    `body` is the response object as the API sent it (a stream reassembled into the
    object the SDK would build), kept so a team's code can get the SDK's own types;
    `choice` is which of its choices this sample is (requests with `n` > 1).
    """

    model: str
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    latency_ms: float | None = None
    #: The model the response says answered (`named_model`): "" when a response named
    #: none, None when there was no response to read (an answer made in code).
    response_model: str | None = None
    error: str | None = None
    refused: bool = False  # the text is the model's refusal, not an answer
    latency_source: LatencySource | None = None
    body: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    choice: int = 0
    #: The batch that answered (the recording's `openai-batch-id`): priced at batch rates.
    batch_id: str | None = None
    #: The model a name in the pair stands for (an Azure deployment's, from
    #: `migrate_check_azure_models`), for the "answered by another model" check.
    stands_for: str | None = None
    #: What the team's function returned (or raised), and the calls it made, for an
    #: entry-point case; `text` is then its return value as text.
    entry_run: EntryRun | None = None
    #: Every step a loop case took on this model (`core.loop`); the rest of the
    #: completion is its final answer, its usage and latency summed over the steps.
    trajectory: Trajectory | None = None
    #: Whether the answer came as a stream (`stream: true`); `stream_timing` is then how
    #: it arrived, or None when the recording holds no timing ("not recorded": a cassette
    #: made before migrate-check kept it, or an imported one).
    streamed: bool = False
    stream_timing: StreamTiming | None = None
    #: A body's shape without its content (`report.api_shape.skeleton`): what an xdist
    #: worker sends the controller in place of the body, for the same-API comparison.
    body_shape: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def content(self) -> str | None:
        """What the application reads from the SDK.

        Chat: `choices[i].message.content` (None for a refusal or tool calls only);
        Responses: `output_text` (the joined text parts, "" when there are none).
        """
        body = self.body
        if isinstance(body, dict) and isinstance(body.get("choices"), list):
            choices = [c for c in body["choices"] if isinstance(c, dict)]
            chosen = next((c for c in choices if c.get("index", 0) == self.choice), None)
            message = (chosen or {}).get("message") or {}
            content = message.get("content") if isinstance(message, dict) else None
            if content is None or isinstance(content, str):
                return content
            return self.text  # a proxy's list of text parts, joined
        if isinstance(body, dict) and "output" in body:
            return "" if self.refused else self.text
        if self.refused or (not self.text and self.tool_calls):
            return None
        return self.text

    @cached_property
    def parsed(self) -> JsonParse:
        """The text parsed as JSON, once; checks share it."""
        try:
            return JsonParse(True, json.loads(self.text))
        except (ValueError, TypeError, RecursionError) as exc:
            return JsonParse(False, error=f"not JSON: {exc}"[:500])


def named_model(response: dict[str, Any]) -> str:
    """The model a response says answered it, "" when it names none (no `model`, or one
    that is not text): the answer check takes that as no proof, never as a match."""
    model = response.get("model")
    return model if isinstance(model, str) else ""


#: A case's samples on one model, keyed by (case key, model): what sending returns and
#: judging and the reports read.
CompletionsByCase = dict[tuple[str, str], list[Completion]]
