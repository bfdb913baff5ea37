"""A list endpoint's query string, read as the API reads it: one value per name, and a
`limit` within the endpoint's range (an error the API's way otherwise)."""

from __future__ import annotations

from collections.abc import Mapping

from devtools.local_openai.errors import ApiError

Query = Mapping[str, list[str]]


def one(query: Query, name: str) -> str | None:
    """The first value given for `name`, or None."""
    values = query.get(name)
    return values[0] if values else None


def page_limit(query: Query, default: int, most: int = 100) -> int:
    """`limit`, from 1 to `most`; `default` when not given."""
    raw = one(query, "limit")
    if raw is None:
        return default
    limit = int(raw) if raw.isdigit() else 0
    if not 1 <= limit <= most:
        raise ApiError.invalid(
            f"Invalid 'limit': expected an integer between 1 and {most}, got '{raw}'.",
            param="limit",
            code="invalid_value",
        )
    return limit
