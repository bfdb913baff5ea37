"""A dated price table, so every cost in a report says which prices it assumed.

The shipped table (`prices.json`) is a snapshot of public list prices; teams with
other prices (Azure, negotiated, a newer model) override it from the ini or a file.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from migrate_check.core.completion import Usage

_TOKENS_PER_PRICE = 1_000_000  # prices are USD per 1M tokens
#: The most a price may be, USD per 1M tokens: over 15 times the dearest list price
#: (o1-pro's output, $600), far below where a cost overflows to infinity (`1e308`).
MAX_PRICE = 10_000.0
_DATED_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{4})$")


@dataclass(frozen=True)
class ModelPrice:
    """USD per 1M tokens; `cached_input` None means cached tokens cost full price;
    `batch` the prices through the Batch API (None: as listed, for want of a batch price)."""

    input: float
    cached_input: float | None
    output: float
    shutdown_date: str | None = None
    batch: ModelPrice | None = None
    #: The documented context window and most output tokens one answer may have (the
    #: model pages, dated with the table): None when the table does not say.
    context_window: int | None = None
    max_output_tokens: int | None = None

    def cost(self, usage: Usage, batch: bool = False) -> float:
        """(input - cached) * in + cached * cached_in + output * out, per 1M tokens."""
        if batch and self.batch is not None:
            return self.batch.cost(usage)
        cached = min(usage.cached_input_tokens, usage.input_tokens)
        cached_rate = self.input if self.cached_input is None else self.cached_input
        return (
            (usage.input_tokens - cached) * self.input
            + cached * cached_rate
            + usage.output_tokens * self.output
        ) / _TOKENS_PER_PRICE

    def as_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "cached_input": self.cached_input,
            "output": self.output,
            "shutdown_date": self.shutdown_date,
            "context_window": self.context_window,
            "max_output_tokens": self.max_output_tokens,
        }


@dataclass(frozen=True)
class PriceTable:
    """Prices by model name, with the date they were seen and where."""

    date: str
    source: str
    models: dict[str, ModelPrice]
    overrides: tuple[str, ...] = field(default=())

    @classmethod
    def default(cls) -> PriceTable:
        """The table shipped in the package."""
        text = resources.files("migrate_check.core").joinpath("prices.json").read_text("utf-8")
        return cls.from_json(json.loads(text), origin="prices.json")

    @classmethod
    def load(cls, path: Path) -> PriceTable:
        """A table from a JSON file shaped like the shipped `prices.json`."""
        try:
            data = json.loads(Path(path).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot read price table {str(path)!r}: {exc}") from exc
        return cls.from_json(data, origin=str(path))

    @classmethod
    def from_json(cls, data: Any, origin: str) -> PriceTable:
        if not isinstance(data, dict) or not isinstance(data.get("models"), dict):
            raise ValueError(f"price table {origin!r} needs a 'models' mapping")
        models = {name: _price(name, spec, origin) for name, spec in data["models"].items()}
        return cls(
            date=str(data.get("date", "unknown")),
            source=str(data.get("source", origin)),
            models=models,
        )

    def merged(
        self, overrides: PriceTable | Mapping[str, ModelPrice | Mapping[str, Any]]
    ) -> PriceTable:
        """This table with some models' prices replaced or added; the report names them."""
        items = overrides.models if isinstance(overrides, PriceTable) else overrides
        models = dict(self.models)
        for name, spec in items.items():
            base = models.get(name)
            if isinstance(spec, ModelPrice):
                keep = spec.shutdown_date or (base.shutdown_date if base else None)
                models[name] = replace(
                    spec,
                    shutdown_date=keep,
                    context_window=spec.context_window or (base.context_window if base else None),
                    max_output_tokens=spec.max_output_tokens
                    or (base.max_output_tokens if base else None),
                )
                continue
            fields = {**(base.as_dict() if base else {}), **dict(spec)}
            models[name] = _price(name, fields, "overrides")
        return replace(
            self,
            models=models,
            overrides=tuple(sorted({*self.overrides, *items})),
        )

    def price_for(self, model: str) -> ModelPrice | None:
        """The price of `model`, matching dated snapshots and provider prefixes to their alias."""
        for name in _lookup_names(model):
            if name in self.models:
                return self.models[name]
        return None

    def cost(self, model: str, usage: Usage, batch: bool = False) -> float | None:
        """USD for one completion's usage (`batch`: answered through the Batch API); None
        when the model has no known price."""
        price = self.price_for(model)
        return None if price is None else price.cost(usage, batch)

    def with_aliases(self, aliases: Mapping[str, str]) -> PriceTable:
        """This table where each name (an Azure deployment) costs what its model costs."""
        models = dict(self.models)
        for name, model in aliases.items():
            price = self.price_for(model)
            if price is not None:
                models[name] = price
        return replace(self, models=models)

    def shutdown_date(self, model: str) -> str | None:
        price = self.price_for(model)
        return None if price is None else price.shutdown_date


def lookup_names(model: str) -> Iterable[str]:
    """The names `model` is looked up under in a table, most specific first."""
    return _lookup_names(model)


def _lookup_names(model: str) -> Iterable[str]:
    """`openai/gpt-4o-mini-2024-07-18` -> itself, `gpt-4o-mini-2024-07-18`, `gpt-4o-mini`."""
    name = model.strip()
    yield name
    name = name.lower().rsplit("/", 1)[-1]
    yield name
    yield _DATED_SUFFIX.sub("", name)


def _price(name: str, spec: Any, origin: str) -> ModelPrice:
    if not isinstance(spec, Mapping):
        raise ValueError(f"price of {name!r} in {origin!r} must be a mapping, got {spec!r}")
    try:
        cached = spec.get("cached_input")
        shutdown = spec.get("shutdown_date")
        batch = spec.get("batch")
        price = ModelPrice(
            input=float(spec["input"]),
            cached_input=None if cached is None else float(cached),
            output=float(spec["output"]),
            shutdown_date=None if shutdown is None else str(shutdown),
            batch=None if batch is None else _price(f"{name} (batch)", batch, origin),
            context_window=_tokens(spec.get("context_window")),
            max_output_tokens=_tokens(spec.get("max_output_tokens")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            f"price of {name!r} in {origin!r} needs numeric 'input' and 'output': {exc}"
        ) from exc
    return _checked(price, f"price of {name!r} in {origin!r}")


def _tokens(value: Any) -> int | None:
    """A documented token limit: a positive whole number, or None when not given."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"a token limit is a positive whole number, got {value!r}")
    return value


def _checked(price: ModelPrice, what: str) -> ModelPrice:
    """A price every cost can use: finite, not negative and at most `MAX_PRICE` (inf and
    NaN poison every sum, and `1e308` times a few tokens is inf)."""
    for field_name in ("input", "cached_input", "output"):
        value = getattr(price, field_name)
        if value is not None and not (math.isfinite(value) and 0 <= value <= MAX_PRICE):
            raise ValueError(
                f"{what} has {field_name} {value!r}; a price is a finite number of USD "
                f"per 1M tokens, 0 or more and at most {MAX_PRICE:,.0f}"
            )
    return price


def parse_price(text: str) -> ModelPrice:
    """`0.15/0.075/0.60` (input/cached/output) or `0.15/0.60`, USD per 1M tokens."""
    parts = [p.strip() for p in text.split("/")]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    what = f"price {text.strip()!r}"
    if len(numbers) == 3:
        return _checked(ModelPrice(numbers[0], numbers[1], numbers[2]), what)
    if len(numbers) == 2:
        return _checked(ModelPrice(numbers[0], None, numbers[1]), what)
    raise ValueError(
        f"{text!r} is not a price; write input/cached_input/output per 1M tokens, "
        "e.g. 0.15/0.075/0.60"
    )


def parse_overrides(
    lines: Iterable[str], origin: str = "migrate_check_price_overrides"
) -> dict[str, ModelPrice]:
    """Ini lines `gpt-4o-mini = 0.15/0.075/0.60` into prices for `PriceTable.merged`;
    an error ends with where: `origin`, the line's number and the line."""
    prices: dict[str, ModelPrice] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"({origin}, line {number}: {line.strip()!r})"
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"{line!r} is not 'model = input/cached_input/output' {where}")
        try:
            prices[name.strip()] = parse_price(value)
        except ValueError as exc:
            raise ValueError(f"{exc} {where}") from None
    return prices


def load_prices(file: Path | None, overrides: Sequence[str]) -> PriceTable:
    """The shipped prices, then a team's file, then ini lines; ValueError says what is wrong."""
    prices = PriceTable.default()
    if file is not None:
        prices = prices.merged(PriceTable.load(file))
    if overrides:
        prices = prices.merged(parse_overrides(overrides))
    return prices
