"""A team's tools, written as an application writes them: plain functions of their arguments.

Tests copy this file beside their suites (as `travel_tools.py`) and point `loop.tools` at
its functions; nothing here knows about migrate-check. Each call is appended, with its
arguments, to the file `$TRAVEL_TOOLS_LOG` names, so a test can count the calls and see
exactly what each was called with (across xdist workers too).
"""

from __future__ import annotations

import json
import os
from typing import Any

#: What `get_weather` says; a test sets `$TRAVEL_WEATHER` to make the tool drift.
DEFAULT_WEATHER = "sunny"


def _logged(name: str, arguments: dict[str, Any]) -> None:
    path = os.environ.get("TRAVEL_TOOLS_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps({"name": name, "arguments": arguments}) + "\n")


def get_weather(city: str, **more: Any) -> dict[str, Any]:
    """The weather in a city: a dict, sent back JSON-encoded."""
    _logged("get_weather", {"city": city, **more})
    sky = os.environ.get("TRAVEL_WEATHER", DEFAULT_WEATHER)
    return {"city": city, "temperature": 21, "sky": sky}


def get_weather_text(city: str) -> str:
    """The weather as text: a string is sent back as it is."""
    _logged("get_weather_text", {"city": city})
    return f"It is sunny in {city}."


def broken_weather(**arguments: Any) -> str:
    """A tool whose backend is down: it raises, as real tools do."""
    _logged("broken_weather", arguments)
    raise ConnectionError("weather service unavailable")


def slow_weather(**arguments: Any) -> str:
    """A tool that never answers in time."""
    import time

    _logged("slow_weather", arguments)
    time.sleep(30)
    return "late"


def huge_weather(**arguments: Any) -> str:
    """A tool whose result is far too large to send back."""
    _logged("huge_weather", arguments)
    return "x" * 200_000


def geo_weather(city: str) -> str:
    """Asks the team's own weather service, at `$TRAVEL_GEO_URL` (another host)."""
    import urllib.request

    _logged("geo_weather", {"city": city})
    with urllib.request.urlopen(os.environ["TRAVEL_GEO_URL"], timeout=5) as page:
        return f"{city}: {page.read().decode()}"


def logged_calls(path: str) -> list[dict[str, Any]]:
    """The calls the log at `path` holds, in order."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as log:
        return [json.loads(line) for line in log if line.strip()]
