"""The README read as its tests need it: a `## ` section's text and its fenced code blocks.

The README is the product's manual: tests hold the parts a user copies (install commands,
the CI recipe, the options table) to what the code does.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
# A fence may be indented (a block inside a list item); its closing fence is indented alike.
_FENCE = re.compile(r"^( {0,3})```([\w-]*)\n(.*?)^\1```$", re.MULTILINE | re.DOTALL)


def section(title: str, text: str | None = None) -> str:
    """The body of the `## {title}` section, up to the next `## ` heading (its `### `
    subsections included); a missing section fails the test that asked for it."""
    text = README.read_text(encoding="utf-8") if text is None else text
    start = re.search(rf"^## {re.escape(title)}\n", text, re.MULTILINE)
    assert start is not None, f"README.md has no '## {title}' section"
    end = re.search(r"^## ", text[start.end() :], re.MULTILINE)
    return text[start.end() : start.end() + end.start()] if end else text[start.end() :]


def code_blocks(text: str, language: str | None = None) -> list[str]:
    """The fenced blocks in `text` (indented ones dedented), only those of `language`."""
    return [
        textwrap.dedent(body)
        for _, lang, body in _FENCE.findall(text)
        if language is None or lang == language
    ]
