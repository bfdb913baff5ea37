"""The opposites `facts` reads polarity by: axes of mutually exclusive words.

A table a team extends for its own domain (`opposites:` in the suite); each entry a general
word of its axis. "not" before a word of a two-pole axis turns it to the other pole.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Axes of mutually exclusive words: each axis a tuple of poles, each pole its words.
OPPOSITES: tuple[tuple[tuple[str, ...], ...], ...] = (
    (
        ("accept", "approve", "approval", "grant", "granted", "authorise", "authorize"),
        ("decline", "deny", "denial", "reject", "rejection", "refuse", "refusal"),
    ),
    (("mandatory", "required", "compulsory", "obligatory"), ("optional", "voluntary")),
    (("allowed", "permitted"), ("prohibited", "forbidden", "banned", "disallowed")),
    (("open", "reopen"), ("closed", "close", "shut")),
    (
        ("higher", "increase", "raise", "rise", "greater", "larger", "above", "upgrade", "upper"),
        ("lower", "decrease", "reduce", "reduction", "fall", "smaller", "below", "downgrade"),
    ),
    (("high", "highest"), ("low", "lowest")),
    (("gain", "profit", "surplus"), ("loss", "deficit")),
    (("earlier", "sooner"), ("later",)),
    (("early",), ("late", "delayed", "overdue")),
    (
        ("include", "included", "including", "inclusive", "incl"),
        ("exclude", "excluded", "excluding", "exclusive", "excl"),
    ),
    (("eligible", "qualify", "qualified"), ("ineligible", "disqualified", "unqualified")),
    (
        ("minimum", "min"),
        ("maximum", "max", "cap", "ceiling"),
    ),
    (("credit", "credited"), ("debit", "debited", "charge", "bill")),
    (("deposit",), ("withdraw", "withdrawal")),
    (
        ("succeed", "successful", "successfully", "passed"),
        ("fail", "failed", "unsuccessful", "unsuccessfully"),
    ),
    (("available",), ("unavailable", "backordered", "backorder")),
    (("valid",), ("invalid", "expired", "void")),
    (
        ("active", "enabled", "enable", "activate", "activated"),
        ("inactive", "disabled", "disable", "deactivate", "deactivated", "suspend"),
    ),
    (("paid",), ("unpaid", "outstanding")),
    (("confirmed", "confirm"), ("cancelled", "canceled", "cancel", "cancellation")),
    (("positive",), ("negative",)),
    (("full", "fully", "complete", "entire", "whole"), ("partial", "partially", "incomplete")),
    (("permanent", "permanently"), ("temporary", "temporarily")),
    (("public", "publicly"), ("private", "privately")),
    (("internal", "internally"), ("external", "externally")),
    (("supported", "compatible"), ("unsupported", "incompatible", "deprecated")),
    (("add", "added", "introduce", "introduced"), ("remove", "removed", "discontinued")),
    (("arrival", "arrive"), ("departure", "depart")),
    (("inbound", "incoming"), ("outbound", "outgoing")),
    (
        ("online", "remote", "remotely", "virtual", "virtually"),
        ("onsite", "on-site", "in-person", "face-to-face"),
    ),
    (("daily",), ("weekly",), ("monthly",), ("quarterly",), ("annually", "yearly", "annual")),
    (("morning",), ("afternoon",), ("evening", "tonight")),
    (("safe",), ("unsafe", "dangerous")),
    (("north", "northern", "northbound"), ("south", "southern", "southbound")),
    (("east", "eastern", "eastbound"), ("west", "western", "westbound")),
    (("upstairs",), ("downstairs",)),
)
#: Multi-word entries of opposites, read as one word: ("at", "least") is "min".
PHRASES: Mapping[tuple[str, ...], str] = {
    ("at", "least"): "min",
    ("at", "most"): "max",
    ("no", "more", "than"): "max",
    ("no", "less", "than"): "min",
    ("no", "fewer", "than"): "min",
    ("up", "to"): "max",
    ("in", "stock"): "available",
    ("out", "of", "stock"): "unavailable",
    ("sold", "out"): "unavailable",
    ("in", "person"): "in-person",
    ("on", "site"): "onsite",
    ("on", "time"): "early",
}
