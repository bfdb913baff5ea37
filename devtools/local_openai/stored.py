"""Stored completions and stored Responses, as the API keeps them and lists them back.

A chat request sent with `store: true` (a Responses request unless `store: false`) is
kept with its answer, metadata, model and creation time, so the importer's real SDK
calls have something to read:

    GET /v1/chat/completions                  list: model, metadata[k]=v, after, limit, order
    GET /v1/chat/completions/{id}             one stored completion
    GET /v1/chat/completions/{id}/messages    its input messages, paginated
    GET /v1/responses/{id}                    one stored response
    GET /v1/responses/{id}/input_items        its input items, paginated

The objects take the API's shapes: a listed completion is a `chat.completion` with the
request's settings beside it (`temperature`, `top_p`, `tools`, `response_format`,
`metadata`, ...; never `max_tokens`, which the API does not keep either); messages are
`ChatCompletionStoreMessage`s with ids `<completion id>-<n>`; input items are
`ResponseItem`s. The `model` filter takes the model the request named or the snapshot
that answered. The store is bounded (`limit` of each kind, oldest dropped first).

`fail(kind, after)` makes every stored read after the first `after` answer with an
error (`500`, `503`, `429`), every attempt, so a client's retries all fail, until
`fail(None)`: how tests break an import mid-list.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from devtools.local_openai.errors import ApiError, openai_error
from devtools.local_openai.files import cursor_page
from devtools.local_openai.queries import one, page_limit

JsonObj = dict[str, Any]
Query = Mapping[str, list[str]]
DEFAULT_LIMIT = 20_000  # objects of each kind the store keeps
_CHAT = "/v1/chat/completions"
_RESPONSES = "/v1/responses"
_FAULTS = {
    "500": "The server had an error while processing your request. Sorry about that!",
    "503": "The engine is currently overloaded, please try again later.",
    "429": "Rate limit reached for requests. Please try again in 10ms.",
}


class StoredFault(ApiError):
    """An injected error answer, with the header that makes the SDK retry at once."""

    def __init__(self, kind: str) -> None:
        kind_name = "requests" if kind == "429" else "server_error"
        super().__init__(int(kind), openai_error(_FAULTS[kind], kind_name))
        self.headers = {"retry-after-ms": "10"}


@dataclass
class _Kept:
    """One stored object, what was asked for it, and what it answered."""

    created: int
    request: JsonObj
    answer: JsonObj
    items: list[JsonObj]  # messages (chat) or input items (responses), with their ids


class StoredStore:
    """The server's stored completions and responses; every method is thread-safe.

    What is kept shares its parts with the request and answer it came from (nothing
    changes them once answered: keeping costs no copy on every Responses call, which
    stores by default); every read answers a copy.
    """

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self.reads: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._chat: OrderedDict[str, _Kept] = OrderedDict()
        self._responses: OrderedDict[str, _Kept] = OrderedDict()
        self._fault: str | None = None
        self._fault_after = 0

    # -- keeping ------------------------------------------------------------------------
    def keep(self, api: str, request: JsonObj, answer: JsonObj, created: int | None = None) -> None:
        """Keep an answer when its request asks for it (chat: `store: true`; Responses:
        unless `store: false`)."""
        if api == "chat" and request.get("store") is True:
            self.keep_chat(request, answer, created)
        elif api == "responses" and request.get("store", True) is not False:
            self.keep_response(request, answer, created)

    def keep_chat(self, request: JsonObj, answer: JsonObj, created: int | None = None) -> str:
        when = int(time.time()) if created is None else created
        stored = {
            **answer,
            "created": when,
            "request_id": f"req_{answer['id'][-24:]}",
            "tool_choice": request.get("tool_choice"),
            "seed": request.get("seed", 4944116822809979520),  # the API makes one up
            "top_p": request.get("top_p", 1.0),
            "temperature": request.get("temperature", 1.0),
            "presence_penalty": request.get("presence_penalty", 0.0),
            "frequency_penalty": request.get("frequency_penalty", 0.0),
            "input_user": request.get("user"),
            "tools": request.get("tools"),
            "metadata": dict(request.get("metadata") or {}),
            "response_format": request.get("response_format"),
        }
        messages = [m for m in request.get("messages") or [] if isinstance(m, dict)]
        items = [_store_message(answer["id"], n, m) for n, m in enumerate(messages)]
        self._put(self._chat, answer["id"], _Kept(when, request, stored, items))
        return str(answer["id"])

    def keep_response(self, request: JsonObj, answer: JsonObj, created: int | None = None) -> str:
        stored = dict(answer)
        if created is not None:
            stored["created_at"] = created
        items = _input_items(answer["id"], request.get("input"))
        kept = _Kept(int(stored["created_at"]), request, stored, items)
        self._put(self._responses, answer["id"], kept)
        return str(answer["id"])

    def _put(self, kind: OrderedDict[str, _Kept], key: str, kept: _Kept) -> None:
        with self._lock:
            kind[key] = kept
            while len(kind) > self.limit:
                kind.popitem(last=False)

    def fail(self, kind: str | None, after: int = 0) -> None:
        """From the next `after` reads on, every stored read answers `kind` (None: heal)."""
        if kind is not None and kind not in _FAULTS:
            raise ValueError(f"unknown stored fault {kind!r}; known: {sorted(_FAULTS)}")
        with self._lock:
            self._fault, self._fault_after = kind, after

    def counts(self) -> tuple[int, int]:
        """(stored completions, stored responses) held now."""
        with self._lock:
            return len(self._chat), len(self._responses)

    # -- reading ------------------------------------------------------------------------
    def route(self, method: str, path: str, query: Query) -> tuple[int, JsonObj] | None:
        """The answer to a stored read, or None for a path this module does not serve."""
        if method != "GET":
            return None
        if path == _CHAT:
            return 200, self._read("list", lambda: self._list_chat(query))
        parts = _parts(path, _CHAT) or []
        if len(parts) == 1:
            return 200, self._read("retrieve", lambda: self._one(self._chat, parts[0]).answer)
        if len(parts) == 2 and parts[1] == "messages":
            page = lambda: self._items(self._chat, parts[0], query, "asc", 20)  # noqa: E731
            return 200, self._read("messages", page)
        parts = _parts(path, _RESPONSES) or []
        if len(parts) == 1:
            return 200, self._read("response", lambda: self._one(self._responses, parts[0]).answer)
        if len(parts) == 2 and parts[1] == "input_items":
            page = lambda: self._items(self._responses, parts[0], query, "desc", 20)  # noqa: E731
            return 200, self._read("input_items", page)
        return None

    def _read(self, what: str, answer: Any) -> JsonObj:
        with self._lock:
            self.reads[what] += 1
            if self._fault is not None:
                if self._fault_after <= 0:
                    raise StoredFault(self._fault)
                self._fault_after -= 1
            return copy.deepcopy(answer())

    def _list_chat(self, query: Query) -> JsonObj:
        model = one(query, "model")
        wanted = {
            key[len("metadata[") : -1]: values[0]
            for key, values in query.items()
            if key.startswith("metadata[") and key.endswith("]") and values
        }
        rows = [
            (kept.created, n, kept)
            for n, kept in enumerate(self._chat.values())
            if (model is None or model in (kept.request.get("model"), kept.answer["model"]))
            and all(kept.answer["metadata"].get(k) == v for k, v in wanted.items())
        ]
        rows.sort(key=lambda row: row[:2], reverse=_order(query, "asc") == "desc")
        return cursor_page([kept.answer for *_, kept in rows], _after(query), page_limit(query, 20))

    def _one(self, kind: OrderedDict[str, _Kept], key: str) -> _Kept:
        kept = kind.get(key)
        if kept is None:
            what = "chat completion" if kind is self._chat else "response"
            raise ApiError.invalid(f"No {what} found with id '{key}'.", status=404)
        return kept

    def _items(
        self, kind: OrderedDict[str, _Kept], key: str, query: Query, order: str, limit: int
    ) -> JsonObj:
        items = list(self._one(kind, key).items)
        if _order(query, order) == "desc":
            items.reverse()
        return cursor_page(items, _after(query), page_limit(query, limit))


def _parts(path: str, prefix: str) -> list[str] | None:
    if not path.startswith(prefix + "/"):
        return None
    return path[len(prefix) + 1 :].split("/")


def _after(query: Query) -> str | None:
    return one(query, "after")


def _order(query: Query, default: str) -> str:
    order = one(query, "order") or default
    if order not in ("asc", "desc"):
        raise ApiError.invalid(
            f"Invalid value: '{order}'. Supported values are: 'asc' and 'desc'.",
            param="order",
            code="invalid_value",
        )
    return order


def _store_message(completion_id: str, index: int, message: JsonObj) -> JsonObj:
    """A `ChatCompletionStoreMessage`: text content as a string, a parts list kept in
    `content_parts` (its text joined in `content`)."""
    content = message.get("content")
    parts = content if isinstance(content, list) else None
    if parts is not None:
        content = "".join(
            str(p.get("text", "")) for p in parts if isinstance(p, dict) and p.get("type") == "text"
        )
    stored: JsonObj = {
        "id": f"{completion_id}-{index}",
        "role": message.get("role"),
        "content": content,
        "name": message.get("name"),
        "content_parts": parts,
    }
    for key in ("tool_calls", "tool_call_id", "refusal"):
        if key in message:
            stored[key] = message[key]
    return stored


def _input_items(response_id: str, given: Any) -> list[JsonObj]:
    """A request's `input` as the `ResponseItem`s `input_items` lists: messages with
    typed content parts, every item with an id and a status."""
    raw = [{"role": "user", "content": given}] if isinstance(given, str) else given
    items: list[JsonObj] = []
    for n, item in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(item, dict):
            continue
        suffix = f"{response_id.removeprefix('resp_')[:40]}{n:03d}"
        if "role" in item and item.get("type", "message") == "message":
            role = item["role"]
            kind = "output_text" if role == "assistant" else "input_text"
            content = item.get("content")
            parts = [{"type": kind, "text": content}] if isinstance(content, str) else content
            items.append(
                {
                    "id": item.get("id") or f"msg_{suffix}",
                    "type": "message",
                    "role": role,
                    "content": parts,
                    "status": "completed",
                }
            )
        else:
            prefix = "fc" if item.get("type") == "function_call" else "item"
            items.append({"id": f"{prefix}_{suffix}", "status": "completed", **item})
    return items
