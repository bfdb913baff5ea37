"""When two differently written values are one fact: a number with and without its unit
("90" and "90 minutes"), a version and a number ("v2.3" and "2.3"), "18 cents" and
"€0.18", a time with and without its zone or its am/pm ("14:30" and "half past two"),
and a name said in full and shortened ("Maria Lopez" and "Maria").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from migrate_check.checks.builtin.fact_currencies import UNKNOWN
from migrate_check.checks.builtin.fact_lexicon import STOPWORDS, Lexicon, stem
from migrate_check.checks.builtin.fact_name_forms import ROAD_FORMS, SHORT_COMPASS
from migrate_check.checks.builtin.fact_records import Fact, Facts


def rescued(lost: list[Fact], new: list[Fact]) -> tuple[list[Fact], list[Fact]]:
    """Drop pairs that are one number written with and without its unit or currency
    ("90" and "90 minutes"), or as a version and a number ("v2.3" and "2.3"); pairs of
    one kind first ("03/09" and "3 September"), so a bare number takes no date that has
    its own."""
    lost, new = pair(
        lost, new, lambda one, other: one.kind == other.kind and same_number(one, other)
    )
    return pair(lost, new, same_number)


def pair(
    before: list[Fact], after: list[Fact], match: Callable[[Fact, Fact], bool]
) -> tuple[list[Fact], list[Fact]]:
    """Facts of each side left once every fact is paired with one that `match`es."""
    left = list(after)
    unpaired: list[Fact] = []
    for fact in before:
        partner = next((other for other in left if match(fact, other)), None)
        if partner is None:
            unpaired.append(fact)
        else:
            left.remove(partner)
    return unpaired, left


def same_number(one: Fact, other: Fact) -> bool:
    if one.kind == other.kind == "times":
        return same_time(one, other)
    if one.kind == other.kind == "dates":
        return (
            _year_added(one.value, other.value)
            or _day_and_month_swapped(one, other)
            or _day_and_month_swapped(other, one)
        )
    if one.kind == other.kind == "amounts":  # "18 cents" and "€0.18"
        code, _, value = one.value.partition(" ")
        other_code, _, other_value = other.value.partition(" ")
        return value == other_value and UNKNOWN in (code, other_code)
    if {one.kind, other.kind} == {"times", "numbers"}:  # "10.45" and "10:45"
        clock = one.value if one.kind == "times" else other.value
        number = other.value if one.kind == "times" else one.value
        hours, _, minutes = clock.split()[0].partition(":")
        if minutes == "00" and number.isdigit() and 1 <= int(number) <= 12:
            return int(hours) % 12 == int(number) % 12  # "01:00 to 03:00" and "1–3 am"
        return clock.split()[0].replace(":", ".").lstrip("0") == number
    if one.kind == other.kind or "numbers" not in (one.kind, other.kind):
        return one.kind != other.kind and one.value == other.value
    return one.number is not None and one.number == other.number


def _year_added(one: str, other: str) -> bool:
    """Whether one date is the other with its year said ("15 February" and "15/02/2025")."""
    if one[:2] == "--" and other[:2] != "--":
        one, other = other, one
    return other[:2] == "--" and len(one) == 10 and one[4:] == other[1:]


def _day_and_month_swapped(numeric: Fact, named: Fact) -> bool:
    """Whether a date in digits ("03/09", read month first) is the other, written with
    its month's name ("3 September"), read day first: digits say no order."""
    if not _NUMERIC_DATE.fullmatch(numeric.raw) or not _LETTER.search(named.raw):
        return False
    head, _, rest = numeric.value.rpartition("-")  # "2024-03-09" -> "2024-03", "09"
    year, _, month = head.rpartition("-")
    return f"{year}-{rest}-{month}" == named.value


_NUMERIC_DATE = re.compile(r"\d\d?[/.-]\d\d?(?:[/.-]\d{2,4})?")
_LETTER = re.compile(r"[A-Za-z]")
_PERIOD = re.compile(r"[aApP]\.?[mM]\b|noon|midday|midnight|morning|afternoon|evening|night")


def same_time(one: Fact, other: Fact) -> bool:
    """One time of day written two ways: "12:30 ET" and "12:30" (the zone left out), or
    "14:30" and "half past two" (no am or pm said on one side)."""
    clock, _, zone = one.value.partition(" ")
    other_clock, _, other_zone = other.value.partition(" ")
    if zone and other_zone and zone != other_zone:
        return False
    if clock == other_clock:
        return True
    hours, minutes = clock.split(":")[:2]
    other_hours, other_minutes = other_clock.split(":")[:2]
    if minutes != other_minutes or int(hours) % 12 != int(other_hours) % 12:
        return False
    return any(
        int(h) <= 12 and not _PERIOD.search(fact.raw)
        for fact, h in ((one, hours), (other, other_hours))
    )


def name_kept(name: Fact, own: Facts, other: Facts, other_names: list[Fact]) -> bool:
    """A name is kept when all its words (but stopwords) are on the other side, or the
    other side names it shorter ("Maria" for "Maria Lopez") or by the letters this side
    gives it ("Development Standards (TSDS)" for "TSDS")."""
    if (letters := _letters_given(name, own)) and re.search(
        rf"(?<![\w-]){letters}(?![\w-])", other.tokens.text
    ):
        return True
    words = [word for word in name.value.split() if word not in STOPWORDS] or name.value.split()
    text = other.tokens.plain_words()
    if all(word in text for word in words):
        return True  # "FitHub" for "The FitHub Team": the words that tell the name
    if all(word in text or ROAD_FORMS.get(word.rstrip(".")) in text for word in words):
        return True  # "Hwy 1" and "Highway 1"
    if (short := SHORT_COMPASS.get(words[-1])) and re.search(
        rf"\b{re.escape(' '.join([*words[:-1], short]))}\b", other.tokens.text.casefold()
    ):
        return True  # "Century Park East" and "Century Park E"
    if all(word in _name_parts(other) for word in words):
        return True  # "Workloft" in "Workloft-Members" or in "workloft.example.com/print"
    telling = [word for word in words if word not in _NAME_HEADS]
    if telling and len(telling) < len(words) and all(word in text for word in telling):
        return True  # "the Exchange Policy" and "the exchange": the head names no one
    parts = [part for word in words for part in word.split("-") if part]
    if len(parts) > len(words) and all(part in text for part in parts):
        return True  # "UK-time" and "UK time"
    mine = set(words)
    # the same name read from another spelling ("CA" and "California"), or shorter
    return any(o.value == name.value or set(o.value.split()) < mine for o in other_names)


def _letters_given(name: Fact, own: Facts) -> str | None:
    """The letters a name is then called by ("..., Support and Development Standards
    (TSDS)"): what stands between them is the rest of the name, and the initials of the
    name's words from this one on are the last of those letters, in order ("Acme
    Insurance (UK)" is not called "UK")."""
    found = _LETTERS_AFTER.match(own.tokens.text, name.end, name.end + 80)
    if found is None:
        return None
    between = found.group(1).replace(",", " ").replace("&", " ").split()
    if not all(word[:1].isupper() or word in _NAME_JOINS for word in between):
        return None
    words = own.tokens.text[name.start : name.end].split() + between
    initials = "".join(word[0] for word in words if word[:1].isupper())
    letters = found.group(2)
    return letters if initials and letters.endswith(initials) else None


#: The rest of a name and the letters after it in brackets.
_LETTERS_AFTER = re.compile(r"([\w\s,&'’-]{0,64}?)\(([A-Z][A-Z0-9&]{1,9})\)")
_NAME_JOINS = frozenset({"and", "of", "for", "the", "on", "in"})


#: Words that end a name and say what kind of thing it is, not which one ("Policy",
#: "Team", "Programme"): the other words tell the name.
_NAME_HEADS = frozenset(
    [
        "policy",
        "policies",
        "team",
        "program",
        "programme",
        "plan",
        "scheme",
        "service",
        "services",
        "department",
        "office",
        "desk",
        "centre",
        "center",
        "club",
        "unit",
        "fund",
    ]
)


def _name_parts(facts: Facts) -> frozenset[str]:
    """The parts of the side's hyphenated words and of the hosts of its links and
    addresses: where a name also stands ("the Workloft-Members network")."""
    parts = {part for word in facts.tokens.plain_words() if "-" in word for part in word.split("-")}
    for fact in (*facts.of("urls"), *facts.of("emails")):
        host = fact.value.partition("/")[0].rpartition("@")[2]
        parts.update(part for label in host.split(".") for part in label.split("-"))
    return frozenset(parts)


def first_of(facts: list[Fact], keep: Callable[[str], bool]) -> list[Fact]:
    """The first fact of each value that `keep` accepts, in text order."""
    seen: set[str] = set()
    found = []
    for fact in facts:
        if fact.value not in seen and keep(fact.value):
            seen.add(fact.value)
            found.append(fact)
    return found


def says_the_same(stems: frozenset[str], other: frozenset[str], short: bool = False) -> bool:
    """Whether two sentences say the same thing, in their content stems: three shared,
    and a third of the shorter one's; with `short`, all of a shorter one's will do."""
    shorter = min(len(stems), len(other))
    needed = max(min(3, shorter) if short else 3, shorter / 3)
    return needed > 0 and len(stems & other) >= needed


def sentences_alike(
    base: Facts, cand: Facts, both: Callable[[Fact], bool] | None = None
) -> Callable[[Fact, Fact], bool]:
    """Matches two claims (each `both` accepts) of sentences that say the same thing."""
    mine, theirs = base.tokens.sentence_stems(), cand.tokens.sentence_stems()

    def match(one: Fact, other: Fact) -> bool:
        if both is not None and not (both(one) and both(other)):
            return False
        if one.sentence >= len(mine) or other.sentence >= len(theirs):
            return False
        return says_the_same(mine[one.sentence], theirs[other.sentence])

    return match


#: Sentences each side needs before a fact may have gone with its whole sentence.
REARRANGED = 3


def has_counterpart(fact: Fact, own: Facts, other: Facts) -> bool:
    """Whether the other side has a sentence that says what the fact's sentence says
    (`says_the_same`): a name or a quantity left out of a sentence still there is lost;
    one whose whole sentence went (a heading, a sign-off, an aside) in an answer long
    enough to be rearranged went with how it was rearranged, and the other side's other
    findings tell whether that changed anything. A short answer has nowhere else to put
    it."""
    mine, theirs = own.tokens.sentence_stems(), other.tokens.sentence_stems()
    if fact.sentence >= len(mine) or min(len(mine), len(theirs)) < REARRANGED:
        return True
    return any(says_the_same(mine[fact.sentence], sentence) for sentence in theirs)


def reworded_negations(
    base: Facts, cand: Facts, lexicon: Lexicon
) -> tuple[Callable[[Fact, Fact], bool], ...]:
    """The matchers, in turn, of two negations of one claim said in other words."""
    return (
        same_sentence_claim(base, cand),
        same_pole(lexicon),
        same_negator(base, cand),
        sentences_alike(base, cand, impossible),
    )


#: Stems of what a negation says cannot be done without "can't" ("isn't possible").
_POSSIBLE = frozenset(stem(word) for word in ("possible", "able", "allowed", "permitted"))
_CANNOT = frozenset({"can't", "cannot", "can", "unable", "couldn't", "could"})


def impossible(fact: Fact) -> bool:
    """Whether a negation says a thing cannot be done: "can't", "unable", "isn't
    possible", "not allowed" (matched in sentences alike: "credits can't be transferred"
    and "transferring credits isn't possible")."""
    return fact.head in _POSSIBLE or fact.raw.casefold().replace("’", "'") in _CANNOT


def same_sentence_claim(base: Facts, cand: Facts) -> Callable[[Fact, Fact], bool]:
    """Matches two negations of the same word in sentences that say the same thing
    otherwise (three content words shared beside it): a clause reworded around one
    negation ("the 6 credits from ENGL 090 were not accepted because..." and "because
    ENGL 090 is developmental, its 6 credits were not accepted")."""
    mine, theirs = base.tokens.sentence_stems(), cand.tokens.sentence_stems()

    def match(one: Fact, other: Fact) -> bool:
        if one.head != other.head and one.head and other.head:
            return False  # an empty head ("don't let them in") names no word to differ
        if one.sentence >= len(mine) or other.sentence >= len(theirs):
            return False
        return len((mine[one.sentence] & theirs[other.sentence]) - {one.head}) >= 3

    return match


#: Negations that deny a whole subject or object rather than a verb ("nothing was taken",
#: "no one is in"), each with the class its spellings share.
_NEGATING_PRONOUNS = {
    "nobody": "nobody",
    "nobody's": "nobody",
    "no one": "nobody",
    "no-one": "nobody",
    "nothing": "nothing",
    "nothing's": "nothing",
    "none": "none",
    "nowhere": "nowhere",
}


def same_negator(base: Facts, cand: Facts) -> Callable[[Fact, Fact], bool]:
    """Matches two negations by the same pronoun ("nobody's there" and "no one is in",
    "nothing was removed" and "nothing was taken") in sentences that share three content
    words: one claim denied whole, its verb reworded."""
    mine, theirs = base.tokens.sentence_stems(), cand.tokens.sentence_stems()

    def match(one: Fact, other: Fact) -> bool:
        kind = _pronoun(one, base)
        if kind is None or kind != _pronoun(other, cand):
            return False
        if one.sentence >= len(mine) or other.sentence >= len(theirs):
            return False
        return len(mine[one.sentence] & theirs[other.sentence]) >= 3

    return match


def _pronoun(fact: Fact, facts: Facts) -> str | None:
    raw = fact.raw.casefold().replace("’", "'")
    if raw == "no":
        after = facts.tokens.text[fact.end : fact.end + 4].casefold()
        raw = "no one" if after[:1] in " -" and after[1:4] == "one" else raw
    return _NEGATING_PRONOUNS.get(raw)


def same_pole(lexicon: Lexicon) -> Callable[[Fact, Fact], bool]:
    """Matches two negations of synonyms, the same pole of one pair of opposites ("not
    allowed" and "aren't permitted"): the same claim negated in other words."""
    poles = _stem_poles(lexicon)

    def match(one: Fact, other: Fact) -> bool:
        found = poles.get(one.head)
        return found is not None and found == poles.get(other.head)

    return match


_STEM_POLES: dict[int, tuple[Lexicon, dict[str, tuple[int, int]]]] = {}


def _stem_poles(lexicon: Lexicon) -> dict[str, tuple[int, int]]:
    """Each stem of the lexicon's opposites with its (axis, pole), when all the words of
    that stem agree; kept per lexicon (a few at most are in use)."""
    known = _STEM_POLES.get(id(lexicon))
    if known is None or known[0] is not lexicon:
        found: dict[str, tuple[int, int] | None] = {}
        for word, pole in lexicon.poles.items():
            key = stem(word)
            found[key] = pole if found.get(key, pole) == pole else None
        if len(_STEM_POLES) > 64:
            _STEM_POLES.clear()
        known = _STEM_POLES[id(lexicon)] = (lexicon, {k: v for k, v in found.items() if v})
    return known[1]
