"""Fill a JSON Schema from a conversation, as a model does for structured outputs and tools.

A `Drift` says which of the habits that differ between model generations
apply to this answer; the baseline fills with no drift at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from devtools.local_openai import extract

Json = Any


@dataclass(frozen=True)
class Drift:
    """The ways a candidate model's answer may differ from the baseline's."""

    enum: bool = False  # picks the second-best enum value
    date: bool = False  # writes dates long-hand instead of ISO
    drop_optional: bool = False  # leaves out an optional (non-required) field
    rename: bool = False  # renames a snake_case key to camelCase (not under strict)
    extra_optional: bool = False  # tool calls: fills an optional argument the baseline leaves out
    short_units: bool = False  # "C" where the baseline writes "celsius"

    @property
    def any(self) -> bool:
        return any(vars(self).values())


NO_DRIFT = Drift()


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _resolve(schema: Json, root: Json) -> Json:
    """Follow a local `$ref` and pick the first non-null branch of `anyOf`/`oneOf`."""
    for _ in range(20):
        if not isinstance(schema, dict):
            return {}
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Json = root
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            schema = target
            continue
        for key in ("anyOf", "oneOf"):
            branches = schema.get(key)
            if isinstance(branches, list) and branches:
                usable = [
                    b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")
                ]
                schema = (usable or branches)[0]
                break
        else:
            return schema
    return {}


def _type(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if kinds else "null"
    if kind is None:
        if "properties" in schema:
            return "object"
        if "items" in schema:
            return "array"
        if "enum" in schema:
            return "enum"
        return "string"
    return str(kind)


_IDENTIFIERS = ("email", "order", "date", "day", "deadline", "phone")


class Filler:
    """Fills one schema from one text under one drift."""

    def __init__(self, root: Json, text: str, drift: Drift = NO_DRIFT, *, for_tool: bool = False):
        self.root = root
        self.text = text
        self.drift = drift
        self.for_tool = for_tool
        self._dropped = False
        self._renamed = False
        self._extra = False

    def value(self, schema: Json, name: str = "") -> Json:
        schema = _resolve(schema, self.root)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return self.enum([v for v in schema["enum"] if v is not None] or schema["enum"])
        kind = _type(schema)
        if kind == "object":
            return self.object(schema)
        if kind == "array":
            return self.array(schema, name)
        if kind in ("number", "integer"):
            return self.number(schema, name, integer=kind == "integer")
        if kind == "boolean":
            return self.boolean(name)
        if kind == "null":
            return None
        return self.string(schema, name)

    def enum(self, options: list[Json]) -> Json:
        labels = [str(o) for o in options]
        order = extract.ranked(labels, self.text)
        pick = order[1] if self.drift.enum and len(order) > 1 else order[0]
        return options[labels.index(pick)]

    def object(self, schema: dict[str, Any]) -> dict[str, Json]:
        properties = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        strict = schema.get("additionalProperties") is False and required >= set(properties)
        result: dict[str, Json] = {}
        for name, sub in properties.items():
            optional = name not in required
            if optional and self.for_tool and not self._found(sub, name):
                if not self.drift.extra_optional or self._extra:
                    continue
                self._extra = True  # one extra argument per call is enough
            if optional and self.drift.drop_optional and not self._dropped and not self.for_tool:
                self._dropped = True
                continue
            key = name
            if self.drift.rename and not strict and not self._renamed and "_" in name:
                key, self._renamed = camel(name), True
            result[key] = self.value(sub, name)
        return result

    def _found(self, schema: Json, name: str) -> bool:
        """Whether the text holds a value for this optional argument (else a model omits it)."""
        schema = _resolve(schema, self.root)
        if isinstance(schema.get("enum"), list):
            return any(extract.overlap(str(v), self.text) > 0 for v in schema["enum"])
        return self._lookup(name.lower()) is not None

    def array(self, schema: dict[str, Any], name: str) -> list[Json]:
        items = _resolve(schema.get("items") or {}, self.root)
        low = max(int(schema.get("minItems", 1)), 0)
        high = max(int(schema.get("maxItems", 2)), low)
        count = min(max(low, 1), high) if high else 0
        if isinstance(items.get("enum"), list) and items["enum"]:
            order = extract.ranked([str(v) for v in items["enum"]], self.text)
            hits = [o for o in order if extract.overlap(o, self.text) > 0][: max(high, 1)]
            picked = hits[: min(max(count, len(hits)), 2)] or order[:count]
            return [items["enum"][[str(v) for v in items["enum"]].index(p)] for p in picked]
        if _type(items) == "string" and not items.get("format"):
            words = extract.keywords(self.text, limit=max(count, min(high, 2)))
            return list(words or ["n/a"])[: max(count, 1)]
        return [self.value(items, name) for _ in range(count)]

    def number(self, schema: dict[str, Any], name: str, *, integer: bool) -> float | int:
        low = name.lower()
        found: float | None = None
        if any(k in low for k in ("amount", "price", "total", "cost", "refund")):
            found = extract.money(self.text)
        if found is None:
            values = extract.numbers(self.text)
            found = values[0] if values else None
        value = 0.0 if found is None else found
        if "minimum" in schema:
            value = max(value, float(schema["minimum"]))
        if "maximum" in schema:
            value = min(value, float(schema["maximum"]))
        return int(value) if integer else value

    def boolean(self, name: str) -> bool:
        parts = [p for p in re.split(r"[_\W]+", name.lower()) if p]
        meaningful = [p for p in parts if p not in {"is", "has", "needs", "requires", "wants"}]
        return any(extract.mentions(self.text, p) for p in meaningful)

    def string(self, schema: dict[str, Any], name: str) -> str:
        fmt = str(schema.get("format", ""))
        low = name.lower()
        if fmt in ("date", "date-time") and "date" not in low:
            low += "_date"
        if fmt == "email":
            low += "_email"
        found = self._lookup(low)
        if found is not None:
            return found
        if "unit" in low:
            return self._unit("celsius")
        if any(k in low for k in _IDENTIFIERS) or low.endswith("id"):
            return "unknown"  # what models write for a value the text does not hold
        if any(k in low for k in ("summary", "reason", "description", "explanation", "issue")):
            return extract.phrase(self.text, 12)
        return extract.phrase(self.text, 6)

    def _unit(self, unit: str) -> str:
        return unit[0].upper() if self.drift.short_units else unit

    def _lookup(self, low: str) -> str | None:
        """A value for a field of this name found in the text, or None."""
        text = self.text
        if "email" in low:
            return extract.email(text)
        if "order" in low or low == "id" or low.endswith("_id"):
            return extract.order_id(text)
        if any(k in low for k in ("date", "day", "deadline", "when")):
            ymd = extract.date(text)
            if ymd is None:
                return None
            return extract.long_date(ymd) if self.drift.date else extract.iso_date(ymd)
        if "unit" in low:
            said = [u for u in ("celsius", "fahrenheit") if extract.mentions(text, u)]
            return self._unit(said[0]) if said else None
        if "phone" in low:
            return extract.phone(text)
        if any(k in low for k in ("product", "item")):
            return extract.thing(text)
        if "name" in low:
            return extract.person(text)
        if "origin" in low:
            return extract.place(text, "from")
        if "destination" in low:
            return extract.place(text, "to")
        if any(k in low for k in ("city", "location", "place")):
            return extract.place(text)
        if any(k in low for k in ("query", "topic", "keyword", "search")):
            return " ".join(extract.keywords(text, 3)) or None
        if any(k in low for k in ("sentiment", "tone")):
            for label in ("negative", "positive"):
                if extract.overlap(label, text) > 0:
                    return label
            return "neutral"
        if "language" in low or low == "lang":
            return "en"
        return None


def fill(schema: Json, text: str, drift: Drift = NO_DRIFT, *, for_tool: bool = False) -> Json:
    """A value conforming to `schema`, filled from `text`."""
    return Filler(schema, text, drift, for_tool=for_tool).value(schema)


_QUOTED_KEY = re.compile(r"[`\"']([a-z][a-z0-9_]{1,30})[`\"']")
_ONE_OF = re.compile(
    r"[`\"']?([a-z][a-z0-9_]{1,30})[`\"']?\s*(?:\(|:|-|is|should be|must be)?\s*"
    r"(?:one of|either)\s*:?\s*([\w\s,/|'\"`-]+?)(?:[.;)\n]|$)",
    re.IGNORECASE,
)


_COUNT_WORDS = ("quantity", "count", "number", "nights", "age", "amount", "total")


def _implied_type(key: str) -> str:
    """A key named like a count is answered with a number, as a model would."""
    return "integer" if any(word in key.lower() for word in _COUNT_WORDS) else "string"


def implied_schema(instructions: str) -> dict[str, Any]:
    """The object a JSON-mode prompt describes: quoted keys, `key: one of a, b` enums."""
    properties: dict[str, Any] = {}
    for match in _ONE_OF.finditer(instructions):
        options = [
            o.strip(" '\"`") for o in re.split(r",|\bor\b|/|\|", match.group(2)) if o.strip(" '\"`")
        ]
        if options:
            properties[match.group(1).lower()] = {"type": "string", "enum": options}
    for key in _QUOTED_KEY.findall(instructions):
        properties.setdefault(key, {"type": _implied_type(key)})
    if not properties:
        properties = {
            "answer": {"type": "string"},
            "keywords": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        }
    return {"type": "object", "properties": properties, "required": list(properties)}
