"""The team's own assertions, written as the application's code is: on what the SDK returns."""

from __future__ import annotations

import json
import re

from openai.types.chat import ChatCompletion

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def no_pii(content: str) -> bool:
    """A ticket summary must not repeat the customer's e-mail address."""
    ticket = json.loads(content)
    return _EMAIL.search(ticket["summary"]) is None


def one_sentence(content: str) -> None:
    """Release notes teasers are shown in one line of the app."""
    text = content.strip()
    assert text.count(". ") == 0, f"more than one sentence: {text[:80]!r}"


def known_unit(response: ChatCompletion) -> None:
    """The weather widget understands only 'celsius' and 'fahrenheit'.

    Gets the SDK's own `ChatCompletion` (`receives: completion` in the suite), as the
    app's tool dispatcher does.
    """
    for call in response.choices[0].message.tool_calls or []:
        if call.function.name == "get_weather":
            unit = json.loads(call.function.arguments).get("unit")
            assert unit in (None, "celsius", "fahrenheit"), f"get_weather got unit {unit!r}"
