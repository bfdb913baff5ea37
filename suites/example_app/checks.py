"""The team's own assertions, run on each model's output."""

from __future__ import annotations

import re
from typing import Any

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def no_pii(output: Any) -> bool:
    """A ticket summary must not repeat the customer's e-mail address."""
    text = output if isinstance(output, str) else str(output.get("summary", ""))
    return _EMAIL.search(text) is None


def one_sentence(output: Any) -> None:
    """Release notes teasers are shown in one line of the app."""
    text = str(output).strip()
    assert text.count(". ") == 0, f"more than one sentence: {text[:80]!r}"


def known_unit(output: Any, completion: Any) -> None:
    """The weather widget understands only 'celsius' and 'fahrenheit'."""
    for call in completion.tool_calls:
        unit = call.arguments.get("unit") if isinstance(call.arguments, dict) else None
        assert unit in (None, "celsius", "fahrenheit"), f"{call.name} got unit {unit!r}"
