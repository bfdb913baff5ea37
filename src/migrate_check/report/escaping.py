"""Untrusted text (answers, error bodies, server-sent names) made safe where it is shown.

- In a terminal, control characters and escape sequences are made visible (`\\x1b`), so
  an answer cannot recolour, retitle, hide or rewrite the lines around it.
- In Markdown prose, the characters that start links, images, emphasis, HTML and GFM's
  autolinks are escaped, so an answer shows as the text it is and never as a live link
  or an image that loads from somewhere (GitHub renders the step summary).
- Anywhere, a lone surrogate (which no UTF-8 file accepts) becomes U+FFFD.
"""

from __future__ import annotations

import html
import re

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 and C1 controls, DEL, and the invisible characters that reorder or hide text
# (bidirectional overrides and isolates, as in "Trojan Source").
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Markdown punctuation that opens or closes inline constructs; `<` and `>` go as entities.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]!|~])")
# What GFM autolinks without brackets: `scheme:`, `www.`, and addresses with `@`.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)|(?<=\bwww)(\.)|(@)")


def no_surrogates(text: str) -> str:
    return _SURROGATE.sub(REPLACEMENT, text) if _SURROGATE.search(text) else text


def _visible(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible_controls(text: str, keep: str = "") -> str:
    """Control and invisible reordering characters as escapes, except those in `keep`."""
    text = no_surrogates(text)
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: m.group(0) if m.group(0) in keep else _visible(m), text)


def terminal(text: str) -> str:
    """One line safe to print: every control character visible, newlines included."""
    return visible_controls(text)


def markdown_inline(text: str) -> str:
    """Text safe in Markdown prose and table cells: literal, one line, nothing live."""
    text = visible_controls(text.replace("\r\n", "\n").replace("\n", " "))
    text = html.escape(text, quote=False)
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    return _AUTOLINK.sub(lambda m: "\\" + m.group(0), text)


def markdown_code(text: str) -> str:
    """Text for an inline code span, which shows it literally: one line, no backticks."""
    return visible_controls(text.replace("`", "'").replace("\r\n", " ").replace("\n", " "))
