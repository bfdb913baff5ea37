"""Errors the new endpoints raise, so handlers answer them in one place with the API's envelope.

The stores (files, batches) and readers (embeddings, Azure routing) raise
`ApiError`; the HTTP handler writes it. OpenAI and Azure wrap errors
differently, so an error carries its whole body.
"""

from __future__ import annotations

import json
from typing import Any

JsonObj = dict[str, Any]


def openai_error(
    message: str,
    kind: str = "invalid_request_error",
    code: str | None = None,
    param: str | None = None,
) -> JsonObj:
    """The OpenAI API's error envelope."""
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def azure_error(code: str, message: str) -> JsonObj:
    """Azure's gateway envelope: a code string and a message, no type or param."""
    return {"error": {"code": code, "message": message}}


class ApiError(Exception):
    """An error answer: HTTP status and the JSON body the API would send."""

    def __init__(self, status: int, body: JsonObj) -> None:
        super().__init__(str(body.get("error", body)))
        self.status = status
        self.body = body

    @classmethod
    def invalid(
        cls, message: str, param: str | None = None, code: str | None = None, status: int = 400
    ) -> ApiError:
        """An `invalid_request_error`, the kind nearly every 4xx of the API is."""
        return cls(status, openai_error(message, "invalid_request_error", code, param))


JSON_PARSE_ERROR = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
    "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
    "sent was not valid JSON. If you have trouble figuring out how to fix this, please contact "
    "us through our help center at help.openai.com.)"
)


def json_body(body: bytes) -> JsonObj:
    """A request's JSON object, or the API's 400 for a body that is not one."""
    try:
        value = json.loads(body)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ApiError.invalid(JSON_PARSE_ERROR)
    return value
