"""How figures, outputs and evidence read in the human reports (Markdown, HTML, terminal)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from migrate_check.core.canonical import canonical_json
from migrate_check.core.completion import Completion

# Request fields a reviewer needs to see to trust a comparison; the prompt is shown apart.
KEY_PARAMS = (
    "temperature",
    "top_p",
    "max_tokens",
    "max_completion_tokens",
    "max_output_tokens",
    "seed",
    "n",
    "stop",
    "presence_penalty",
    "frequency_penalty",
    "reasoning_effort",
    "reasoning",
    "tool_choice",
    "parallel_tool_calls",
    "stream",
    "store",
)


def key_params(request: Mapping[str, Any], model: str) -> dict[str, Any]:
    """The request's parameters that change answers, with structured parts named not dumped."""
    params: dict[str, Any] = {"model": model}
    params.update({k: jsonable(request[k]) for k in KEY_PARAMS if k in request})
    fmt = request.get("response_format") or (request.get("text") or {}).get("format")
    if isinstance(fmt, Mapping):
        schema = fmt.get("json_schema")
        name = schema.get("name") if isinstance(schema, Mapping) else fmt.get("name")
        params["response_format"] = f"{fmt.get('type', '?')}:{name}" if name else fmt.get("type")
    tools = request.get("tools")
    if isinstance(tools, list):
        params["tools"] = [_tool_name(t) for t in tools]
    return params


def _tool_name(tool: Any) -> str:
    if not isinstance(tool, Mapping):
        return str(tool)
    function = tool.get("function")
    if isinstance(function, Mapping) and "name" in function:
        return str(function["name"])
    return str(tool.get("name", tool.get("type", "?")))


#: Evidence nested deeper than this is cut: a check (or the answer it quotes) can nest
#: without end, and rendering must neither recurse past Python's limit nor grow unbounded.
MAX_DEPTH = 64
_TOO_DEEP = f"… (nested deeper than {MAX_DEPTH} levels)"


def _plain(value: Any, depth: int = 0) -> bool:
    """Already plain JSON within the depth bound (the common case): no copy needed."""
    if value is None or isinstance(value, str | bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if depth >= MAX_DEPTH:
        return False
    if isinstance(value, list):
        return all(_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    return False


def _converted(value: Any, depth: int, nulls: bool) -> Any:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return None if nulls else json.dumps(value)  # "NaN", "Infinity"
    if depth >= MAX_DEPTH:
        return _TOO_DEEP
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _converted(v, depth + 1, nulls) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        value = sorted(value, key=repr)
    if isinstance(value, list | tuple):
        return [_converted(v, depth + 1, nulls) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return repr(value)


def jsonable(value: Any, *, nulls: bool = False) -> Any:
    """Evidence is whatever a check produced; make it plain JSON (NaN becomes "NaN"),
    nested at most `MAX_DEPTH` levels. `nulls`: infinity and NaN become null instead, for
    figures (a cost that overflowed is not known, and the schema wants a number or null)."""
    if _plain(value):
        return value
    return _converted(value, 0, nulls)


def compact(value: Any, limit: int = 0) -> str:
    """One-line JSON, cut at `limit` characters (0: whole)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else canonical_json(jsonable(value))
    return clip(text, limit)


def clip(text: str, limit: int) -> str:
    if limit and len(text) > limit:
        return text[: max(limit - 1, 0)] + "…"
    return text


def display_text(completion: Completion) -> str:
    """What a reader compares: the text (JSON pretty-printed so diffs align), tool calls, errors."""
    if completion.error:
        return f"[error] {completion.error}"
    if completion.refused:
        return f"[refused] {completion.text}"
    text = completion.text
    stripped = text.lstrip()
    if stripped[:1] in ("{", "[") and completion.parsed.ok:
        text = json.dumps(completion.parsed.value, indent=2, ensure_ascii=False, sort_keys=False)
    calls = [
        f"[tool call] {call.name}({compact(call.arguments)})" for call in completion.tool_calls
    ]
    return "\n".join(part for part in [text, *calls] if part)


#: From here a figure reads as `1.2e+18`: a response may claim any usage, and a
#: 300-digit cost or token count would push every other column off the table.
HUGE = 1e15


def _unknown(value: float | None) -> bool:
    """No figure to show: none, or one that overflowed (infinity) or has no value (NaN)."""
    return value is None or not math.isfinite(value)


def money(value: float | None) -> str:
    if value is None or _unknown(value):
        return "n/a"
    if value == 0:
        return "$0"
    if abs(value) < 0.01:
        return f"${value:.6f}".rstrip("0")
    if abs(value) >= HUGE:
        return f"${value:.3g}"
    return f"${value:,.2f}" if abs(value) >= 100 else f"${value:.4f}".rstrip("0").rstrip(".")


def millis(value: float | None) -> str:
    if value is None or _unknown(value):
        return "n/a"
    if value >= HUGE:
        return f"{value / 1000:.3g} s"
    return f"{value / 1000:.2f} s" if value >= 10_000 else f"{value:.0f} ms"


def percent(value: float | None) -> str:
    return "n/a" if value is None or _unknown(value) else f"{value * 100:.1f}%"


def times(value: float | None) -> str:
    """A candidate/baseline ratio as `1.23x`."""
    if value is None or _unknown(value):
        return "n/a"
    return f"{value:.3g}x" if abs(value) >= HUGE else f"{value:.2f}x"


def tokens(value: int) -> str:
    return f"{value:.3g}" if value >= HUGE else f"{value:,}"


def claim_value(unit: str, value: float | None) -> str:
    if unit == "rate":
        return percent(value)
    if unit == "ms":
        return millis(value)
    if unit == "count":  # differences found: said as such, a bare 0 reads as a score
        return "n/a" if value is None else f"{value:,.0f} difference" + ("" if value == 1 else "s")
    if unit == "tokens":
        return "n/a" if value is None else f"{value:,.0f}"
    return money(value)


def days_until(date: str, now: str) -> int | None:
    """Whole days from the ISO time `now` to the ISO date `date`; None if either won't parse."""
    try:
        return (dt.date.fromisoformat(date[:10]) - dt.date.fromisoformat(now[:10])).days
    except ValueError:
        return None


def shutdown_note(model: str, role: str, date: str, now: str) -> str:
    """The retirement warning, worded the same in every report."""
    return _retirement(f"{model} ({role})", 1, date, now)


class Retiring(Protocol):
    """A model's shutdown date (the aggregates' `ShutdownWarning`)."""

    @property
    def role(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def shutdown_date(self) -> str: ...


def shutdown_notes(warnings: Iterable[Retiring], now: str) -> list[str]:
    """One retirement warning per date: both models of a pair often retire on the same day,
    and the run then warns once, naming both."""
    by_date: dict[str, list[Retiring]] = {}
    for warning in warnings:
        by_date.setdefault(warning.shutdown_date, []).append(warning)
    return [
        shutdown_note(group[0].model, group[0].role, date, now)
        if len(group) == 1
        else _retirement(" and ".join(w.model for w in group), len(group), date, now)
        for date, group in by_date.items()
    ]


def _retirement(who: str, count: int, date: str, now: str) -> str:
    days = days_until(date, now)
    if days is not None and days < 0:
        when = f"{'was' if count == 1 else 'were'} shut down on {date}"
    else:
        when = f"{'shuts' if count == 1 else 'shut'} down on {date}" + (
            "" if days is None else f" (in {days} days)"
        )
    if count == 1:
        return (
            f"{who} {when}: keep its recordings, they are the only lasting copy of its behaviour."
        )
    return f"{who} {when}: keep their recordings, the only lasting copy of their behaviour."
