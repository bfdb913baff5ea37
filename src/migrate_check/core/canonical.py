"""Canonical JSON: one text per value, so equal values compare, hash and diff as equal."""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any, *, allow_nan: bool = True) -> str:
    """Sorted keys, no spaces, UTF-8 as is: key order and spacing never make two equal
    values look different. `allow_nan=False` raises ValueError on NaN and infinities."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=allow_nan
    )
