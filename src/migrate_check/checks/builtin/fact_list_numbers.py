"""List numbers ("1.", "2)", "Step 3:") told from numbers that are facts: at a line's
start, and in running text when they count 1, 2, 3 in a row ("To book: 1) Open the app.
2) Tap 'Book'."). Each becomes a bullet, with positions kept, before facts are read.
"""

from __future__ import annotations

import re

#: The number that starts a numbered list item or step ("1.", "2)", "Step 3:", "**4.").
LIST_MARKER = re.compile(
    r"(?m)^[ \t]*+(?:\*\*|__)?(?:\d{1,3}[.)]|\(\d{1,3}\)|(?i:step)\s\d{1,2}:?)(?=\s)"
)
#: The same after a line break, searched for from the break (a literal the regex engine
#: finds in C) rather than tried at every position for a line start.
_LIST_MARKER_AFTER_BREAK = re.compile("\n" + LIST_MARKER.pattern.removeprefix("(?m)^"))
#: A list number in running text: after a colon or a sentence's end ("book: 1) Open"),
#: or "1)" after a comma in one sentence of items.
_INLINE_MARKER = re.compile(
    r"(?<=[.:!?])[ \t](\d{1,2})[.)](?=[ \t]++[A-Z])"
    # "1)" in a sentence of items ("to prepare: 1) clean the bike, 2) bring your shoes")
    r"|(?:(?<=[,;:])|(?<=\band))[ \t](\d{1,2})\)(?=[ \t]++[a-z])"
)
#: How the first item of such a list starts (`_INLINE_MARKER` with the number 1).
_FIRST_ITEMS = tuple(
    f"{space}{one}{mark}" for space in " \t" for one in ("1", "01") for mark in ".)"
)
#: For the test that no pattern nests quantifiers.
LIST_PATTERNS = (LIST_MARKER, _LIST_MARKER_AFTER_BREAK, _INLINE_MARKER)


def bullets(text: str) -> str:
    """`text` with every list number made a bullet, at line starts and in running text."""
    return _inline_bullets(line_bullets(text))


def line_bullets(text: str) -> str:
    """`text` with each list number ("1.", "(2)", "Step 3:") made a bullet ("‣" and spaces,
    so positions stay): `LIST_MARKER.sub`, at the start and after each line break."""
    assert LIST_MARKER.pattern.startswith("(?m)^")
    head = ""
    if first := LIST_MARKER.match(text):
        head, text = "‣" + " " * (len(first.group()) - 1), text[first.end() :]
    return head + _LIST_MARKER_AFTER_BREAK.sub(lambda m: "\n‣" + " " * (len(m.group()) - 2), text)


def _inline_bullets(text: str) -> str:
    """`text` with the numbers of a list written in one line ("To book: 1) Open the app.
    2) Tap 'Book'.") made bullets on lines of their own, when they count 1, 2, ... in a
    row, the first after a colon or a sentence's end and the others after a sentence's
    end: list numbers, not facts ("Adults: 1. Children: 2." counts people)."""
    runs: list[list[re.Match[str]]] = []
    if not any(first in text for first in _FIRST_ITEMS):
        return text  # every list starts at 1: most texts hold no " 1." or " 1)" (speed)
    for match in _INLINE_MARKER.finditer(text):
        number = int(match.group(1) or match.group(2))
        if number == 1:
            runs.append([match])
        elif runs and number == len(runs[-1]) + 1 and text[match.start() - 1] != ":":
            runs[-1].append(match)  # a later item ends the one before ("Adults: 2." no list)
    marks = [m for run in runs if len(run) >= 2 for m in run]
    if not marks:
        return text
    parts, last = [], 0
    for mark in marks:
        parts += [text[last : mark.start()], "\n‣" + " " * (mark.end() - mark.start() - 2)]
        last = mark.end()
    return "".join(parts) + text[last:]
