"""Recorded tool loops: the interactions of one cassette in which each request extends an
earlier one with the assistant's tool calls and their results.

An application that runs tools sends the model's calls back with their results and asks
again, until the model answers. Recorded, that is a run of interactions whose requests
grow: Chat Completions by the assistant message with `tool_calls` and `role: tool`
messages, the Responses API by `function_call` and `function_call_output` items. Imported
one by one they would be unrelated single-turn cases; grouped, they are one loop: the
first request, the results the tools gave (to feed back as fixed results), and the whole
recorded trajectory as the baseline's.

Real applications bend the plain loop, and each bend is kept as a note rather than
hidden: one answers only the first of several parallel calls, one adds a user message
after the results ("Analyze the tool result..."), one drops `tools` or
`response_format` on a later step. A chain that leans on state the server keeps
(`previous_response_id`, `conversation`) is no loop case: it replays on no other model.

Pure: given the exchanges of one cassette in recorded order, it says which belong
together. Linking goes by the calls' ids where both sides have one (so a retried first
request, or another agent's call in between, does not break a loop), else by name and
arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from migrate_check.cassettes.answers import CHAT_ENDPOINT, RESPONSES_ENDPOINT
from migrate_check.core.case import Api
from migrate_check.importing.cassette_reader import Exchange
from migrate_check.importing.loop_items import (
    Appended,
    Call,
    ToolResult,
    answer_calls,
    appended,
    items_of,
    same_calls,
)

__all__ = ["Loop", "Loops", "NotLoop", "Step", "ToolResult", "find_loops"]

#: How many earlier interactions a request's step is looked for among: loops interleave
#: with other calls (another agent, a retry) but not across a whole long recording.
MAX_LOOKBACK = 64
STATEFUL_KEYS = ("previous_response_id", "conversation")


@dataclass(frozen=True)
class Step:
    """One model call of a loop: its recorded request and answer, then what the
    application did with the answer's calls before the next step (nothing on the last)."""

    exchange: Exchange
    results: tuple[ToolResult, ...] = ()
    #: Calls of this step's answer the application sent no result for.
    unanswered: tuple[Call, ...] = ()
    #: Messages the application added after the results (a user nudge, a system note).
    added: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Loop:
    """A recorded tool loop: its steps in order; `notes` say where the application's loop
    is not the plain one (what a replay by migrate-check would do otherwise)."""

    api: Api
    model: str | None
    steps: tuple[Step, ...]
    notes: tuple[str, ...] = ()

    @property
    def first(self) -> dict[str, Any]:
        """The request the loop started with, as recorded."""
        return self.steps[0].exchange.request or {}

    @property
    def indices(self) -> tuple[int, ...]:
        """The cassette interactions the loop is made of, in step order."""
        return tuple(step.exchange.index for step in self.steps)

    @property
    def results(self) -> tuple[tuple[int, ToolResult], ...]:
        """Every tool result sent back, with the step whose calls it answered."""
        return tuple((n, result) for n, step in enumerate(self.steps) for result in step.results)

    @property
    def finished(self) -> bool:
        """Whether the last step answered without asking for a call."""
        last = self.steps[-1].exchange
        return last.completion is not None and not answer_calls(last) and last.error is None

    def summary(self) -> str:
        """`6 steps, iterating_tool called 5 times`: what the loop did, for ids and notes."""
        counts: dict[str, int] = {}
        for _, result in self.results:
            counts[result.name] = counts.get(result.name, 0) + 1
        called = ", ".join(
            f"{name} called {n} times" if n > 1 else f"{name} called once"
            for name, n in counts.items()
        )
        ending = "" if self.finished else ", ends at a call"
        return f"{len(self.steps)} steps, {called}{ending}"


@dataclass(frozen=True)
class NotLoop:
    """Interactions that continue one another with tool results but are no loop case."""

    indices: tuple[int, ...]
    reason: str


@dataclass(frozen=True)
class Loops:
    """What one cassette holds: its loops, and tool chains that cannot be loop cases."""

    loops: tuple[Loop, ...] = ()
    not_loops: tuple[NotLoop, ...] = ()

    def grouped(self) -> frozenset[int]:
        """Every interaction that is a step of a loop."""
        return frozenset(i for loop in self.loops for i in loop.indices)


def _model_call(exchange: Exchange) -> bool:
    return (
        exchange.readable
        and exchange.request is not None
        and exchange.endpoint in (CHAT_ENDPOINT, RESPONSES_ENDPOINT)
    )


def _stateful(exchange: Exchange) -> str | None:
    request = exchange.request or {}
    return next((key for key in STATEFUL_KEYS if request.get(key)), None)


def _usable(exchange: Exchange) -> bool:
    return exchange.completion is not None and not exchange.error


def find_loops(exchanges: Sequence[Exchange]) -> Loops:
    """The loops among one cassette's exchanges (given in recorded order), and its
    stateful tool chains as not loops."""
    calls = [answer_calls(e) if _model_call(e) else () for e in exchanges]
    links: dict[int, tuple[int, Appended]] = {}  # a step -> the step it continues
    for j, exchange in enumerate(exchanges):
        if _model_call(exchange) and _stateful(exchange) is None:
            found = _continued(exchanges, calls, j)
            if found is not None:
                links[j] = found
    following: dict[int, list[int]] = {}
    for j, (i, _) in sorted(links.items()):
        following.setdefault(i, []).append(j)
    chosen = {i: _chosen(exchanges, js) for i, js in following.items()}
    continued = set(chosen.values())
    loops = []
    for head in sorted(chosen):
        if head in continued:
            continue
        positions = [head]
        while positions[-1] in chosen:
            positions.append(chosen[positions[-1]])
        loops.append(_loop(exchanges, calls, positions, links, following))
    return Loops(tuple(loops), _stateful_chains(exchanges, calls))


def _continued(
    exchanges: Sequence[Exchange], calls: list[tuple[Call, ...]], j: int
) -> tuple[int, Appended] | None:
    """The latest earlier step that request `j` continues, and what it appended."""
    later = exchanges[j]
    items = items_of(later.request)
    if items is None:
        return None
    for i in range(j - 1, max(-1, j - 1 - MAX_LOOKBACK), -1):
        earlier = exchanges[i]
        if not calls[i] or earlier.endpoint != later.endpoint or earlier.model != later.model:
            continue
        before = items_of(earlier.request)
        if before is None or len(before) >= len(items) or items[: len(before)] != before:
            continue
        step = appended(items, len(before))
        if step is not None and same_calls(step.calls, calls[i]):
            return i, step
    return None


def _chosen(exchanges: Sequence[Exchange], following: list[int]) -> int:
    """Which of the requests continuing one step the loop goes on with: the first with a
    usable answer (a retried failure is left out), else the first."""
    return next((j for j in following if _usable(exchanges[j])), following[0])


def _loop(
    exchanges: Sequence[Exchange],
    calls: list[tuple[Call, ...]],
    positions: list[int],
    links: dict[int, tuple[int, Appended]],
    following: dict[int, list[int]],
) -> Loop:
    steps = []
    notes: list[str] = []
    for n, position in enumerate(positions):
        exchange = exchanges[position]
        if n + 1 == len(positions):
            steps.append(Step(exchange))
            break
        step = links[positions[n + 1]][1]
        unanswered = _unanswered(calls[position], step.results)
        steps.append(Step(exchange, step.results, unanswered, step.added))
        if unanswered:
            asked, sent = len(calls[position]), len(calls[position]) - len(unanswered)
            notes.append(f"step {n + 1}: the application answered {sent} of its {asked} calls")
        for other in following.get(position, []):
            if other != positions[n + 1]:
                notes.append(
                    f"interaction {exchanges[other].index} also continues step {n + 1}; left out"
                )
    added = [n + 1 for n, step in enumerate(steps) if step.added]
    if added:
        notes.append(f"the application adds messages after the tool results (steps {spans(added)})")
    notes += _settings_notes([exchanges[p] for p in positions])
    first = exchanges[positions[0]]
    api: Api = "responses" if first.endpoint == RESPONSES_ENDPOINT else "chat"
    return Loop(api, first.model, tuple(steps), tuple(notes))


def _unanswered(asked: tuple[Call, ...], results: tuple[ToolResult, ...]) -> tuple[Call, ...]:
    """The calls of an answer no result was sent for: by id where the results name the
    answer's ids, else by name and arguments."""
    ids = {call.id for call in asked}
    if all(result.call_id in ids for result in results):
        answered = {result.call_id for result in results}
        return tuple(call for call in asked if call.id not in answered)
    keys = {Call("", result.name, result.arguments).key for result in results}
    return tuple(call for call in asked if call.key not in keys)


def _settings_notes(steps: list[Exchange]) -> list[str]:
    """The request settings (not the conversation) that differ from the first step's."""
    first = steps[0].request or {}
    changed: dict[str, list[int]] = {}
    for n, exchange in enumerate(steps[1:], start=2):
        request = exchange.request or {}
        for key in sorted((set(first) | set(request)) - {"messages", "input", "model"}):
            if first.get(key) != request.get(key):
                changed.setdefault(key, []).append(n)
    return [
        f"'{key}' differs from the first step's at steps {spans(at)}"
        for key, at in sorted(changed.items())
    ]


def spans(numbers: list[int]) -> str:
    """`1-5`, `2, 4`: step numbers, runs joined."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _stateful_chains(
    exchanges: Sequence[Exchange], calls: list[tuple[Call, ...]]
) -> tuple[NotLoop, ...]:
    """Tool continuations that name server-kept state, with the step each continues: the
    response of that id, or the latest call in the same conversation."""
    by_response = {
        body["id"]: i
        for i, e in enumerate(exchanges)
        if e.completion is not None
        and isinstance(body := e.completion.body, dict)
        and isinstance(body.get("id"), str)
    }
    chains: list[list[int]] = []
    where: dict[int, list[int]] = {}
    for j, exchange in enumerate(exchanges):
        key = _stateful(exchange) if _model_call(exchange) else None
        if key is None or not _sends_results(exchange):
            continue
        value = (exchange.request or {})[key]
        if key == "previous_response_id":
            before = by_response.get(value) if isinstance(value, str) else None
        else:
            before = next(
                (
                    i
                    for i in range(j - 1, max(-1, j - 1 - MAX_LOOKBACK), -1)
                    if (exchanges[i].request or {}).get(key) == value and calls[i]
                ),
                None,
            )
        chain = where.get(before) if before is not None else None
        if chain is None:
            chain = [before] if before is not None else []
            chains.append(chain)
        chain.append(j)
        where[j] = chain
        if before is not None:
            where[before] = chain
    reason = (
        "a stateful Responses chain ({}): each step leans on what the server kept, so it "
        "replays on no other model; not a loop case"
    )
    return tuple(
        NotLoop(
            tuple(exchanges[p].index for p in chain),
            reason.format(_stateful(exchanges[chain[-1]])),
        )
        for chain in chains
    )


def _sends_results(exchange: Exchange) -> bool:
    items = items_of(exchange.request) or []
    return any(isinstance(i, dict) and i.get("type") == "function_call_output" for i in items)
