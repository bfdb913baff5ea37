"""`facts` mechanics of list numbers in running text (issue 25): the gate that skips the
search in a text with no first item changes nothing the search would find."""

from __future__ import annotations

import random

from migrate_check.checks.builtin.fact_list_numbers import (
    _FIRST_ITEMS,
    _INLINE_MARKER,
    bullets,
)


def _pieces() -> list[str]:
    return [
        " 1.",
        " 1)",
        "\t1.",
        " 01)",
        " 2.",
        " 2)",
        ": ",
        ". ",
        ", ",
        " and",
        "Open",
        "tap",
        "x",
    ]


def test_a_text_with_no_first_item_holds_no_list_start() -> None:
    rng = random.Random(25)
    texts = ["To book: 1) Open the app. 2) Tap Book.", "Adults: 1. Children: 2.", "no list"]
    texts += [
        "".join(rng.choice(_pieces()) for _ in range(rng.randint(1, 12))) for _ in range(3000)
    ]
    for text in texts:
        starts = [m for m in _INLINE_MARKER.finditer(text) if int(m.group(1) or m.group(2)) == 1]
        if not any(first in text for first in _FIRST_ITEMS):
            assert not starts, text  # the gate may skip this text: no list can start in it
    assert (
        bullets("To book: 1) Open the app. 2) Tap Book.")
        != "To book: 1) Open the app. 2) Tap Book."
    )
