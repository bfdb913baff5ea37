"""Routing for the stored-object endpoints, `/v1/files...` and `/v1/batches...`.

Pure of HTTP: each function takes the method, path and request and gives
(status, JSON object or raw bytes), or None for a path it does not serve, so
the handler stays a thin writer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from devtools.local_openai.batches import BatchPlan, BatchStore
from devtools.local_openai.errors import ApiError, json_body
from devtools.local_openai.files import FileStore
from devtools.local_openai.queries import one, page_limit

JsonObj = dict[str, Any]
Reply = tuple[int, JsonObj | bytes]


def files(
    store: FileStore,
    method: str,
    path: str,
    query: Mapping[str, list[str]],
    body: bytes,
    content_type: str,
) -> Reply | None:
    """`POST/GET /v1/files`, `GET/DELETE /v1/files/{id}`, `GET /v1/files/{id}/content`."""
    parts = path.removeprefix("/v1/files").strip("/").split("/") if path != "/v1/files" else []
    if not parts:
        if method == "POST":
            return 200, store.upload(body, content_type).to_json()
        if method == "GET":
            order = one(query, "order") or "desc"
            if order not in ("asc", "desc"):
                raise ApiError.invalid(
                    f"Invalid value: '{order}'. Supported values are: 'asc' and 'desc'.",
                    param="order",
                    code="invalid_value",
                )
            page = store.page(
                one(query, "after"), page_limit(query, 10_000, 10_000), order, one(query, "purpose")
            )
            return 200, page
        return None
    if len(parts) == 1 and method == "GET":
        return 200, store.get(parts[0]).to_json()
    if len(parts) == 1 and method == "DELETE":
        return 200, store.delete(parts[0])
    if len(parts) == 2 and parts[1] == "content" and method == "GET":
        return 200, store.get(parts[0]).data
    return None


def batches(
    store: BatchStore,
    method: str,
    path: str,
    query: Mapping[str, list[str]],
    body: bytes,
    plan: BatchPlan,
    model_for: Callable[[str], str],
    *,
    azure: bool = False,
) -> Reply | None:
    """`POST/GET /v1/batches`, `GET /v1/batches/{id}`, `POST /v1/batches/{id}/cancel`."""
    parts = path.removeprefix("/v1/batches").strip("/").split("/") if path != "/v1/batches" else []
    if not parts:
        if method == "POST":
            return 200, store.create(json_body(body), plan, model_for, azure=azure)
        if method == "GET":
            return 200, store.page(one(query, "after"), page_limit(query, 20, 100))
        return None
    if len(parts) == 1 and method == "GET":
        return 200, store.get(parts[0])
    if len(parts) == 2 and parts[1] == "cancel" and method == "POST":
        return 200, store.cancel(parts[0])
    return None
