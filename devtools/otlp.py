"""OTLP/JSON values as exporters write them, for the trace-import tests and benchmark:
plain Python values as AnyValues, a mapping as a span's attribute list."""

from __future__ import annotations

from typing import Any


def any_value(v: Any) -> dict[str, Any]:
    """A plain value as an OTLP AnyValue (int64 as a string, as exporters write it)."""
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    if isinstance(v, list):
        return {"arrayValue": {"values": [any_value(i) for i in v]}}
    if isinstance(v, dict):
        return {
            "kvlistValue": {"values": [{"key": k, "value": any_value(i)} for k, i in v.items()]}
        }
    return {"stringValue": v}


def attributes(d: dict[str, Any]) -> list[dict[str, Any]]:
    """A span's (or a log record's) attributes from a mapping, in its order."""
    return [{"key": k, "value": any_value(v)} for k, v in d.items()]
