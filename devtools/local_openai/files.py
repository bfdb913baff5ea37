"""The Files API: uploads for batches, and the output and error files batches write.

Kept in memory for the server's life, capped in size, with `FileObject`
shapes as the SDK's `types/file_object.py` has them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devtools.local_openai import multipart
from devtools.local_openai.errors import ApiError

JsonObj = dict[str, Any]

MAX_UPLOAD_BYTES = 16 * 1024 * 1024  # the API takes 512 MB; a test server needs far less
MAX_STORED_BYTES = 256 * 1024 * 1024  # all files together, uploads and batch outputs
UPLOAD_PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")
BATCH_FILE_TTL_S = 30 * 24 * 3600  # files with purpose=batch expire after 30 days


@dataclass
class StoredFile:
    """One file: its metadata as the API shows it, and its bytes."""

    id: str
    filename: str
    purpose: str
    created_at: int
    data: bytes

    def to_json(self) -> JsonObj:
        expires = self.purpose in ("batch", "batch_output")
        return {
            "id": self.id,
            "object": "file",
            "bytes": len(self.data),
            "created_at": self.created_at,
            "expires_at": self.created_at + BATCH_FILE_TTL_S if expires else None,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
            "status_details": None,
        }


def not_found(file_id: str) -> ApiError:
    return ApiError.invalid(f"No such File object: {file_id}", param="id", status=404)


class FileStore:
    """Files by id; thread-safe, since every handler thread may read or write."""

    def __init__(self, new_id: Callable[[], str], max_upload_bytes: int = MAX_UPLOAD_BYTES) -> None:
        self._new_id = new_id
        self.max_upload_bytes = max_upload_bytes
        self._lock = threading.Lock()
        self._files: dict[str, StoredFile] = {}

    def add(
        self, filename: str, purpose: str, data: bytes, created_at: float | None = None
    ) -> StoredFile:
        """Store bytes as a new file (uploads, and the files batches write)."""
        with self._lock:
            used = sum(len(f.data) for f in self._files.values())
            if used + len(data) > MAX_STORED_BYTES:
                raise ApiError.invalid(
                    "The local server holds too many file bytes; delete some files first.",
                    code="storage_limit_exceeded",
                    status=413,
                )
            stored = StoredFile(
                id=self._new_id(),
                filename=filename,
                purpose=purpose,
                created_at=int(time.time() if created_at is None else created_at),
                data=data,
            )
            self._files[stored.id] = stored
            return stored

    def upload(self, body: bytes, content_type: str) -> StoredFile:
        """`POST /v1/files`: a multipart form with `file` and `purpose`."""
        if len(body) > self.max_upload_bytes + 64 * 1024:
            raise self._too_large()
        try:
            parts = {p.name: p for p in multipart.parse(body, content_type)}
        except multipart.MultipartError as exc:
            raise ApiError.invalid(f"Could not parse multipart form: {exc}.") from exc
        purpose_part = parts.get("purpose")
        file_part = parts.get("file")
        if purpose_part is None:
            raise ApiError.invalid(
                "Missing required parameter: 'purpose'.",
                param="purpose",
                code="missing_required_parameter",
            )
        if file_part is None:
            raise ApiError.invalid(
                "Missing required parameter: 'file'.",
                param="file",
                code="missing_required_parameter",
            )
        purpose = purpose_part.data.decode("utf-8", "replace")
        if purpose not in UPLOAD_PURPOSES:
            allowed = ", ".join(f"'{p}'" for p in UPLOAD_PURPOSES)
            raise ApiError.invalid(
                f"Invalid value: '{purpose}'. Supported values are: {allowed}.",
                param="purpose",
                code="invalid_value",
            )
        if len(file_part.data) > self.max_upload_bytes:
            raise self._too_large()
        filename = file_part.filename or "upload"
        if purpose == "batch" and not filename.endswith(".jsonl"):
            raise ApiError.invalid(
                f"Invalid file format for Batch API. Must be .jsonl, got '{filename}'.",
                param="file",
            )
        return self.add(filename, purpose, file_part.data)

    def _too_large(self) -> ApiError:
        return ApiError.invalid(
            f"File is too large: the local server takes uploads of at most "
            f"{self.max_upload_bytes} bytes.",
            param="file",
            code="file_too_large",
            status=413,
        )

    def get(self, file_id: str) -> StoredFile:
        with self._lock:
            found = self._files.get(file_id)
        if found is None:
            raise not_found(file_id)
        return found

    def delete(self, file_id: str) -> JsonObj:
        with self._lock:
            found = self._files.pop(file_id, None)
        if found is None:
            raise not_found(file_id)
        return {"id": file_id, "object": "file", "deleted": True}

    def page(self, after: str | None, limit: int, order: str, purpose: str | None) -> JsonObj:
        """`GET /v1/files`: a cursor page, newest first unless `order=asc`."""
        with self._lock:
            files = [f for f in self._files.values() if purpose in (None, f.purpose)]
        files.reverse()  # insertion order is creation order
        if order == "asc":
            files.reverse()
        return cursor_page([f.to_json() for f in files], after, limit)


def cursor_page(items: list[JsonObj], after: str | None, limit: int) -> JsonObj:
    """A list page as the API sends it: `data`, `first_id`, `last_id`, `has_more`."""
    start = 0
    if after is not None:
        ids = [item["id"] for item in items]
        start = ids.index(after) + 1 if after in ids else len(items)
    data = items[start : start + limit]
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": start + limit < len(items),
    }
