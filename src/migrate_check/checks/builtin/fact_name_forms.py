"""Names written short that `fact_names` reads as names: a US state's postal code ("CA",
"TX") is that state, compared with its name spelled out; a road's kind or compass point
written short ("Hwy 1", "Hawthorne Blvd", "Century Park E") names the same road spelled
out (`fact_matching` asks); and a month's short name in a list of months ("Feb, May,
Aug and Nov") is a month, not a name.
"""

from __future__ import annotations

import dataclasses
import re

from migrate_check.checks.builtin.fact_records import Fact

_STATES = dict(
    pair.split(":")
    for pair in (  # noqa: SIM905
        "AL:alabama AK:alaska AZ:arizona AR:arkansas CA:california CO:colorado CT:connecticut"
        " DE:delaware FL:florida GA:georgia HI:hawaii ID:idaho IL:illinois IN:indiana IA:iowa"
        " KS:kansas KY:kentucky LA:louisiana ME:maine MD:maryland MA:massachusetts"
        " MI:michigan MN:minnesota MS:mississippi MO:missouri MT:montana NE:nebraska"
        " NV:nevada NH:new_hampshire NJ:new_jersey NM:new_mexico NY:new_york"
        " NC:north_carolina ND:north_dakota OH:ohio OK:oklahoma OR:oregon PA:pennsylvania"
        " RI:rhode_island SC:south_carolina SD:south_dakota TN:tennessee TX:texas UT:utah"
        " VT:vermont VA:virginia WA:washington WV:west_virginia WI:wisconsin WY:wyoming"
        " DC:district_of_columbia"
    ).split()
)
#: Kinds of road written short, and spelled out ("St" and "Dr" are also Saint and Doctor).
ROADS = {
    "rd": "road", "ave": "avenue", "av": "avenue", "blvd": "boulevard", "hwy": "highway",
    "ln": "lane", "pkwy": "parkway", "ct": "court", "pl": "place", "sq": "square",
}  # fmt: skip
#: The compass point of an address written short ("Century Park E"): read short to long
#: only, as "e" or "n" alone in the other text ("e.g.") says no direction.
COMPASS = {
    "n": "north", "s": "south", "e": "east", "w": "west",
    "ne": "northeast", "nw": "northwest", "se": "southeast", "sw": "southwest",
}  # fmt: skip
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
#: Another month's name near a short one: the short one is then a month of a list.
_MONTH_NEAR = re.compile(
    r"(?i:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]{0,6}\b)"
)
#: For the test that no pattern nests quantifiers.
PATTERNS = (_MONTH_NEAR,)


def name_forms(facts: list[Fact], text: str) -> list[Fact]:
    """`facts` with a state's code read as the state's name and a short month name in a
    list of months read as that month."""
    made: dict[int, Fact] = {}
    for fact in facts:
        if fact.kind != "entities":
            continue
        state = _STATES.get(fact.raw.rstrip(".")) if fact.raw.isupper() else None
        if state and _as_state(fact, text):
            made[id(fact)] = dataclasses.replace(fact, value=state.replace("_", " "))
            continue
        month = _MONTHS.get(fact.value.rstrip("."))
        if month is not None and fact.raw[:1].isupper():
            before = text[max(0, fact.start - 12) : fact.start]
            after = text[fact.end : fact.end + 12]
            if _MONTH_NEAR.search(before) or _MONTH_NEAR.search(after):
                made[id(fact)] = dataclasses.replace(fact, kind="dates", value=f"--{month:02d}")
    return [made.get(id(fact), fact) for fact in facts] if made else facts


#: Each kind of road's short and long name, either way round.
ROAD_FORMS = {**ROADS, **{long: short for short, long in ROADS.items()}, **COMPASS}
#: A compass point spelled out, and its short form right after the name's other words.
SHORT_COMPASS = {long: short for short, long in COMPASS.items()}


_CODE = re.compile(r"\b[A-Z]{2}\b")


def _as_state(fact: Fact, text: str) -> bool:
    """Whether a two-letter code stands where a state does: after a town and a comma
    ("Napa, CA") or beside another state's code ("AZ, NV and TX"); "bring your ID" and
    "or ME" are no states."""
    before = text[max(0, fact.start - 2) : fact.start]
    near = text[max(0, fact.start - 10) : fact.end + 10]
    others = [code for code in _CODE.findall(near) if code != fact.raw and code in _STATES]
    return before == ", " or bool(others)
