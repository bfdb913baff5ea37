"""The trip planner's tools, as the application runs them when the model calls them.

The loop cases of `suites/trip_planner.yaml` call these with exactly the arguments the
model sent (keyword arguments, parsed from its JSON); what they return goes back to the
model as the tool's result. They read a small table rather than a weather service, so a
recording run needs no network; offline replay never calls them at all.
"""

from __future__ import annotations

#: Today's readings, as the weather service would give them.
_WEATHER = {
    "oslo": {"temperature": -4, "conditions": "snow"},
    "london": {"temperature": 7, "conditions": "rain"},
    "lisbon": {"temperature": 16, "conditions": "sunny"},
    "rome": {"temperature": 13, "conditions": "cloudy"},
}


def get_weather(city: str, unit: str = "celsius") -> dict[str, object]:
    """The current weather in `city`; an unknown city is the service's error, as in the app."""
    reading = _WEATHER.get(city.strip().lower())
    if reading is None:
        raise LookupError(f"no weather station for {city!r}")
    celsius = int(reading["temperature"])  # type: ignore[call-overload]
    temperature = celsius if unit == "celsius" else round(celsius * 9 / 5 + 32)
    return {"city": city, "temperature": temperature, "unit": unit, **_conditions(reading)}


def _conditions(reading: dict[str, object]) -> dict[str, object]:
    return {"conditions": reading["conditions"]}
