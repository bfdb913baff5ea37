"""A batch's input file, read and checked as the Batch API does before it runs anything.

Two kinds of problem, as the API reports them:

* a 400 from `POST /v1/batches` (`ApiError`): missing arguments, metadata over
  the API's limits, requests for more than one model;
* errors that turn the batch `failed` once it has validated (`errors.data`,
  line numbers from 1): a line that is not JSON or lacks `custom_id`, `method`,
  `url` or `body`; a method other than POST; a `url` other than the batch's
  endpoint; a duplicate `custom_id`; an empty file; more lines than the plan's
  `max_lines` (50,000, as the API).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from devtools.local_openai import answers
from devtools.local_openai.errors import ApiError
from devtools.local_openai.files import StoredFile
from devtools.local_openai.respond import ENDPOINTS

JsonObj = dict[str, Any]

MAX_METADATA_KEYS = 16


@dataclass
class Line:
    """One request of a batch, and its result once run."""

    number: int  # from 1, as error reports count
    custom_id: str
    body: JsonObj
    result: JsonObj | None = None  # {"status_code", "body"} once run
    done_at: float | None = None


def required(request: JsonObj, name: str) -> str:
    """A required string argument of `POST /v1/batches`, or the API's 400 without it."""
    value = request.get(name)
    if not isinstance(value, str) or not value:
        raise ApiError.invalid(
            f"Missing required parameter: '{name}'.", param=name, code="missing_required_parameter"
        )
    return value


def checked_metadata(value: Any) -> JsonObj | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ApiError.invalid("Invalid 'metadata': expected an object.", param="metadata")
    if len(value) > MAX_METADATA_KEYS:
        raise ApiError.invalid(
            f"Invalid 'metadata': too many properties. Expected an object with at most "
            f"{MAX_METADATA_KEYS} properties, but got an object with {len(value)} properties "
            "instead.",
            param="metadata",
            code="object_above_max_properties",
        )
    for key, item in value.items():
        if len(key) > 64 or not isinstance(item, str) or len(item) > 512:
            raise ApiError.invalid(
                f"Invalid 'metadata.{key}': keys must be at most 64 characters and values "
                "strings of at most 512 characters.",
                param=f"metadata.{key}",
                code="invalid_value",
            )
    return dict(value)


def line_error(number: int, code: str, message: str, param: str | None = None) -> JsonObj:
    """One entry of a failed batch's `errors.data`."""
    return {"code": code, "line": number, "message": message, "param": param}


def read(source: StoredFile, api: str, max_lines: int) -> tuple[list[Line], list[JsonObj]]:
    """The file's lines, and the validation errors that fail the batch (empty if none)."""
    text = source.data.decode("utf-8", "replace")
    rows = [(n, raw) for n, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
    if not rows:
        return [], [line_error(1, "empty_file", "The batch input file is empty.")]
    if len(rows) > max_lines:
        message = (
            f"The batch input file has {len(rows)} requests; a batch can hold at most {max_lines}."
        )
        return [], [line_error(max_lines + 1, "too_many_requests", message)]
    lines: list[Line] = []
    errors: list[JsonObj] = []
    seen: set[str] = set()
    for number, raw in rows:
        try:
            item = json.loads(raw)
        except ValueError:
            item = None
        if not isinstance(item, dict):
            message = "This line is not parseable as valid JSON."
            errors.append(line_error(number, "invalid_json_line", message))
            continue
        missing = [k for k in ("custom_id", "method", "url", "body") if k not in item]
        if missing:
            message = f"Missing required parameter: '{missing[0]}'."
            errors.append(line_error(number, "missing_required_parameter", message, missing[0]))
            continue
        custom_id, body = item["custom_id"], item["body"]
        if not isinstance(custom_id, str) or not isinstance(body, dict):
            message = "'custom_id' must be a string and 'body' an object."
            errors.append(line_error(number, "invalid_request", message, "body"))
            continue
        if str(item["method"]).upper() != "POST":
            message = f"Invalid method '{item['method']}': only POST is supported."
            errors.append(line_error(number, "invalid_method", message, "method"))
            continue
        if ENDPOINTS.get(str(item["url"])) != api:
            message = "The URL provided for this request does not match the batch endpoint."
            errors.append(line_error(number, "invalid_url", message, "url"))
            continue
        if custom_id in seen:
            message = (
                "The custom_id for this request is a duplicate of another request. The "
                "custom_id parameter must be unique for each individual request in a batch."
            )
            errors.append(line_error(number, "duplicate_custom_id", message, "custom_id"))
            continue
        seen.add(custom_id)
        lines.append(Line(number=number, custom_id=custom_id, body=body))
    return lines, errors


def one_model(lines: list[Line]) -> str | None:
    """The batch's model (as the API reports it); a 400 if the lines ask for several."""
    first: Line | None = None
    for line in lines:
        model = line.body.get("model")
        if not isinstance(model, str):
            continue
        if first is None:
            first = line
        elif model != first.body["model"]:
            raise ApiError.invalid(
                f"The batch input file mixes models: line {first.number} asks for "
                f"'{first.body['model']}' and line {line.number} for '{model}'. All requests in "
                "a batch must use the same model.",
                param="input_file_id",
                code="mismatched_model",
            )
    return answers.snapshot(first.body["model"]) if first is not None else None
