"""Where prompts come from: recorded cassettes, OpenAI Evals JSONL, logged request bodies.

Each source yields `Prompt`s (a request without its model, the model it was
sent to, and a recorded answer when there is one) and says what it skipped and
why, so the importer can report every recording it did not turn into a case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from migrate_check.cassettes.answers import CHAT_ENDPOINT, RESPONSES_ENDPOINT
from migrate_check.core.case import Api
from migrate_check.importing.cassette_format import cassette_suffix
from migrate_check.importing.cassette_reader import Exchange, read_cassette
from migrate_check.importing.errors import CassetteReadError, SourceError
from migrate_check.importing.jsonl import MAX_DEPTH, deeper_than, records
from migrate_check.importing.loops import Loop, find_loops, spans
from migrate_check.importing.origins import folded, origin_path
from migrate_check.importing.skipped import Skipped as Skipped  # where others find it
from migrate_check.importing.traces import read_traces
from migrate_check.importing.traces_read import looks_like_otlp

if TYPE_CHECKING:
    from migrate_check.importing.loop_cases import ImportedLoop

Format = Literal["auto", "cassette", "evals", "requests", "otlp"]
CASSETTE_SUFFIXES = (".yaml", ".yml", ".json")
# Responses requests that lean on state kept by the server cannot be replayed on another model.
STATEFUL_KEYS = ("conversation", "previous_response_id")


@dataclass(frozen=True)
class Prompt:
    """One request found in a source; `request` never holds `model`."""

    api: Api
    request: dict[str, Any]
    model: str | None
    origin: str
    answer: Exchange | None = None
    checks: tuple[dict[str, Any], ...] = ()
    description: str = ""
    #: The file it came from, as origins name it: what a skipped item's suite is found by.
    source: str = ""
    #: A recorded tool loop's: its `loop:` and every step (`answer` is its first).
    loop: ImportedLoop | None = None


@dataclass
class Collected:
    """Everything read from the inputs of one import."""

    prompts: list[Prompt] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # the files read
    kinds: set[str] = field(default_factory=set)
    #: Each file read (as origins name it) -> its kind: a suite's description names the
    #: kinds of its own files.
    kind_of: dict[str, str] = field(default_factory=dict)
    unreadable: list[Path] = field(default_factory=list)  # cassettes that could not be


@dataclass(frozen=True)
class Reading:
    """How inputs are read: origins relative to `root` (as given when None), and whether
    a dated snapshot's recordings count for their model (`origins.folded`)."""

    root: Path | None = None
    fold_snapshots: bool = True


def collect(paths: list[Path], fmt: Format = "auto", how: Reading = Reading()) -> Collected:
    """Read every input (directories are walked for cassettes and JSONL files)."""
    collected = Collected()
    collected.prompts.extend(stream(paths, fmt, collected, how))
    return collected


def stream(
    paths: list[Path], fmt: Format, seen: Collected, how: Reading = Reading()
) -> Iterator[Prompt]:
    """Every prompt of the inputs, one at a time (a log is never read whole); `seen` gets
    the files read, their kinds and what was skipped, as they come. A cassette that
    cannot be read is one skipped item; the others still import."""
    traces: list[tuple[Path, str]] = []
    for path in _input_files(paths):
        kind = _format_of(path, fmt)
        source = origin_path(path, how.root)
        if kind == "otlp":  # read last, together: a span's events may be in another file
            traces.append((path, source))
            continue
        if kind == "cassette":
            try:
                prompts, skipped = cassette_prompts(path, how, source)
            except CassetteReadError as exc:
                seen.skipped.append(Skipped(source, exc.message, source=source))
                seen.unreadable.append(path)
                continue
            seen.skipped.extend(skipped)
            yield from prompts
        else:
            yield from (_evals if kind == "evals" else _requests)(path, how, source)
        seen.files.append(path)
        seen.kinds.add(kind)
        seen.kind_of[source] = kind
    if traces:
        yield from _traced(traces, how, seen)


def _traced(files: list[tuple[Path, str]], how: Reading, seen: Collected) -> Iterator[Prompt]:
    """OpenTelemetry traces' LLM calls (`traces`), each a chat request checked as a logged
    one is; one that cannot be a case is skipped, saying why."""

    def read(path: Path, source: str) -> None:
        seen.files.append(path)
        seen.kinds.add("otlp")
        seen.kind_of[source] = "otlp"

    for call in read_traces(files, how.fold_snapshots, seen.skipped, read):
        reason = request_problem(call.request, "chat")
        if reason is not None:
            seen.skipped.append(Skipped(call.origin, reason, call.model, call.source))
            continue
        yield Prompt(
            "chat", call.request, call.model, call.origin, call.answer, source=call.source,
            description=call.description,
        )  # fmt: skip


def is_input_file(path: Path) -> bool:
    """A cassette (`.yaml`, `.yml`, `.json`, each also gzipped) or a `.jsonl` file."""
    return path.suffix.lower() == ".jsonl" or cassette_suffix(path) in CASSETTE_SUFFIXES


def _input_files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and is_input_file(p))
            if not found:
                raise SourceError(
                    path, "no cassettes (.yaml, .yml, .json, also .gz) or .jsonl files in it"
                )
            yield from found
        elif path.is_file():
            yield path
        else:
            raise SourceError(path, "no such file or directory")


def _format_of(path: Path, fmt: Format) -> str:
    if fmt != "auto":
        return fmt
    if path.suffix.lower() in (".json", ".jsonl") and looks_like_otlp(path):
        return "otlp"
    if path.suffix.lower() != ".jsonl":
        return "cassette"
    for _, record in records(path):
        return "evals" if "ideal" in record else "requests"
    return "requests"


def cassette_prompts(
    path: Path, how: Reading = Reading(), source: str | None = None
) -> tuple[list[Prompt], list[Skipped]]:
    """A prompt per exchange that asked a model something and got a usable answer, and
    one per recorded tool loop (its steps are no prompts of their own); every other
    exchange skipped, saying why."""
    source = origin_path(path, how.root) if source is None else source
    prompts: list[Prompt] = []
    skipped: list[Skipped] = []
    exchanges = read_cassette(path)
    found = find_loops(exchanges)
    loops: dict[int, Prompt] = {}
    for loop in found.loops:
        prompt = _loop_prompt(loop, how, source)
        if prompt is not None and prompt.loop is not None:
            loops[prompt.loop.indices[0]] = prompt
    in_loops = {i for prompt in loops.values() if prompt.loop for i in prompt.loop.indices}
    chains = {i: chain.reason for chain in found.not_loops for i in chain.indices}
    for exchange in exchanges:
        if exchange.index in loops:
            prompts.append(loops[exchange.index])
        if exchange.index in in_loops:
            continue
        model, snapshot = folded(exchange.model, how.fold_snapshots)
        origin = f"{source}: interaction {exchange.index}"
        if snapshot is not None:
            origin += f" (recorded with {snapshot})"
        reason = _exchange_problem(exchange)
        if reason is None and exchange.request is not None:
            reason = request_problem(exchange.request, _api(exchange))
            if reason is not None and exchange.index in chains and _stateful(exchange.request):
                reason = chains[exchange.index]
        if reason is None and (exchange.completion is None or exchange.completion.error):
            reason = f"no usable answer recorded ({exchange.error or 'unreadable'})"
        request = exchange.request
        if reason is not None or request is None:
            skipped.append(Skipped(origin, reason or "", model, source))
            continue
        if snapshot is not None:  # replayed as the model: its cassette's request names it
            exchange = replace(exchange, model=model, request={**request, "model": model})
        body = {k: v for k, v in request.items() if k != "model"}
        prompts.append(Prompt(_api(exchange), body, model, origin, answer=exchange, source=source))
    return prompts, skipped


def _loop_prompt(loop: Loop, how: Reading, source: str) -> Prompt | None:
    """A recorded tool loop as one loop case, or None when it cannot be one (its
    interactions are then imported one by one)."""
    from migrate_check.importing.loop_cases import imported_loop  # it reads suites

    first = loop.steps[0].exchange
    model, snapshot = folded(first.model, how.fold_snapshots)
    if model is None or first.request is None or _exchange_problem(first) is not None:
        return None
    request = {k: v for k, v in first.request.items() if k != "model"}
    if request_problem(request, loop.api) is not None:
        return None
    made = imported_loop(loop, model)
    if made is None:
        return None
    origin = f"{source}: interactions {spans(list(made.indices))}"
    if snapshot is not None:
        origin += f" (recorded with {snapshot})"
    return Prompt(
        loop.api,
        request,
        model,
        origin,
        answer=made.steps[0],
        description=made.description,
        source=source,
        loop=made,
    )


def _stateful(request: dict[str, Any]) -> bool:
    return any(request.get(key) for key in STATEFUL_KEYS)


def _api(exchange: Exchange) -> Api:
    return "responses" if exchange.endpoint == RESPONSES_ENDPOINT else "chat"


def _exchange_problem(exchange: Exchange) -> str | None:
    if not exchange.readable:
        return f"unreadable: {exchange.error}"
    if exchange.endpoint not in (CHAT_ENDPOINT, RESPONSES_ENDPOINT):
        return f"not a model call ({exchange.method} {exchange.path})"
    if exchange.request is None:
        return exchange.error or "no JSON request body recorded"
    return None


def request_problem(body: dict[str, Any], api: Api, *, depth_checked: bool = False) -> str | None:
    """Why a request body cannot become a case, or None (`depth_checked`: its nesting
    was bounded already, as every JSONL line's is)."""
    if api == "chat" and not isinstance(body.get("messages"), list):
        return "chat request without a 'messages' list"
    if api == "responses" and body.get("input") is None:
        return "responses request without 'input'"
    stateful = [k for k in STATEFUL_KEYS if body.get(k)]
    if stateful:
        return f"depends on state kept by the server ({', '.join(stateful)}); not replayable"
    if not depth_checked and deeper_than(body, MAX_DEPTH):
        return f"nested deeper than {MAX_DEPTH} levels, more than a suite file holds"
    items = body.get("messages", body.get("input"))
    for position, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and isinstance(item.get("content"), dict):
            # A suite reads `content: {file: ...}` from disk; the API never takes an object.
            return f"message #{position + 1}'s content is an object, which the API does not take"
    return None


def evals_prompts(path: Path) -> tuple[list[Prompt], list[Skipped]]:
    """OpenAI Evals samples: `input` (messages or a string) and `ideal` (one or several)."""
    return list(_evals(path, Reading(), str(path))), []


def _evals(path: Path, how: Reading, source: str) -> Iterator[Prompt]:
    for line, record in records(path):
        where = f"line {line}"
        if "input" not in record or "ideal" not in record:
            raise SourceError(path, "an Evals sample needs 'input' and 'ideal'", where)
        messages = record["input"]
        if isinstance(messages, str):
            messages = [{"role": "user", "content": messages}]
        if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
            raise SourceError(path, "'input' must be a string or a list of messages", where)
        ideal = record["ideal"]
        ideals = ideal if isinstance(ideal, list) else [ideal]
        if not ideals or not all(isinstance(i, str) for i in ideals):
            raise SourceError(path, "'ideal' must be a string or a list of strings", where)
        reason = request_problem({"messages": messages}, "chat", depth_checked=True)
        if reason:
            raise SourceError(path, reason, where)
        origin = f"{source}: {where}"
        check = _ideal_check(ideals)
        note = "ideal: " + " | ".join(ideals)
        yield Prompt(
            "chat",
            {"messages": messages},
            None,
            origin,
            checks=(check,),
            description=note,
            source=source,
        )


def _ideal_check(ideals: list[str]) -> dict[str, Any]:
    """Any one ideal answer found in the output passes (Evals' `Includes`)."""
    if len(ideals) == 1:
        return {"contains": ideals[0]}
    return {"regex": "|".join(re.escape(i) for i in ideals)}


def request_prompts(path: Path) -> tuple[list[Prompt], list[Skipped]]:
    """Logged request bodies, one JSON object per line (chat, or Responses with `input`)."""
    return list(_requests(path, Reading(), str(path))), []


def _requests(path: Path, how: Reading, source: str) -> Iterator[Prompt]:
    for line, body in records(path):
        where = f"line {line}"
        api: Api = "responses" if "input" in body and "messages" not in body else "chat"
        reason = request_problem(body, api, depth_checked=True)
        if reason:
            raise SourceError(path, f"{reason}; expected one request body per line", where)
        asked = body.get("model")
        model, snapshot = folded(asked if isinstance(asked, str) else None, how.fold_snapshots)
        request = {k: v for k, v in body.items() if k != "model"}
        origin = f"{source}: {where}" + (f" (sent to {snapshot})" if snapshot else "")
        yield Prompt(api, request, model, origin, source=source)
