"""Find values in a user's message the way a model fills a form from it.

Pure functions over text: emails, order numbers, dates, names, cities,
amounts, and keyword overlap for choosing among enum values.
"""

from __future__ import annotations

import math
import re

# Words that carry no topic; kept as one string because a word-per-line list is unreadable.
STOPWORDS = frozenset(
    " ".join(
        (
            "a an the and or but if of to in on at by for with from as is are was were be been",
            "am i me my we our you your he she it its they them this that these those do does",
            "did have has had not no so than then there here what which who whom how why when",
            "where can could would should will shall may might must please thanks thank hi",
            "hello dear just also very about into up down out over under again all any both",
            "each few more most other some such only own same too s t don now get got",
            "tell explain describe write give show way best",
        )
    ).split(" ")
)

_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ORDER = re.compile(
    r"(?:#\s?|\border\s*(?:number|no\.?|id)?\s*#?\s*)([A-Z]*-?\d[\w-]*)", re.IGNORECASE
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_LONG_DATE = re.compile(
    r"\b("
    + "|".join(m[:3] for m in _MONTHS)
    + r")[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})",
    re.IGNORECASE,
)
_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_MONEY = re.compile(
    r"(?:\$|€|£|USD\s?)\s?(\d[\d,]*(?:\.\d+)?)|(\d[\d,]*(?:\.\d+)?)\s?(?:dollars|usd|eur)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w#/-])-?\d+(?:\.\d+)?(?![\w/-])")
_PHONE = re.compile(r"\+?\d[\d\s().-]{7,}\d")
_NAME_IS = re.compile(
    r"\b(?:my name is|i am|i'm|this is|name:|signed,?|regards,?|thanks,?)\s+"
    r"([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)"
)
_CAPS = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)*)")
_PLACE = re.compile(r"\b(?:in|from|to|at|near|for)\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)")
_OBJECT = re.compile(r"\b(?:my|the|a|an|new|this|that)\s+([a-z]+(?:\s[a-z]+)?)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[A-Za-z0-9']+")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "billing": ("refund", "charge", "charged", "invoice", "payment", "money", "paid", "price"),
    "refund": ("money", "back", "return", "reimburse"),
    "technical": ("error", "crash", "bug", "broken", "login", "app", "install", "work"),
    "bug": ("error", "crash", "broken", "fails"),
    "shipping": ("delivery", "package", "arrived", "tracking", "shipped", "late", "parcel"),
    "delivery": ("package", "arrived", "tracking", "shipped", "late", "parcel"),
    "account": ("password", "login", "sign", "username", "profile"),
    "sales": ("pricing", "quote", "buy", "purchase", "plan", "upgrade", "demo"),
    "high": ("urgent", "asap", "immediately", "critical", "angry", "now", "emergency"),
    "urgent": ("asap", "immediately", "critical", "now", "emergency"),
    "low": ("whenever", "rush", "minor", "curious", "question"),
    "positive": ("love", "great", "thanks", "excellent", "happy", "awesome", "good"),
    "negative": ("angry", "terrible", "bad", "broken", "worst", "disappointed", "hate", "awful"),
    "neutral": ("question", "wondering", "information", "how"),
    "complaint": ("angry", "terrible", "bad", "worst", "disappointed", "unacceptable"),
    "question": ("how", "what", "why", "when", "wondering", "can"),
    "cancel": ("cancellation", "stop", "unsubscribe", "terminate"),
}


def stem(word: str) -> str:
    """A crude stem, enough for keyword overlap between prompts and schemas."""
    word = word.lower().strip("'")
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:6]


def words(text: str) -> list[str]:
    """The words of a text, in order."""
    return _WORD.findall(text)


def count_tokens(text: str) -> int:
    """About 1.3 tokens a word, deterministic, at least one."""
    return max(1, math.ceil(len(words(text)) * 1.3))


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry meaning (stopwords dropped)."""
    return {stem(w) for w in words(text) if w.lower() not in STOPWORDS}


def overlap(label: str, text: str) -> int:
    """How well an enum value or tool name matches a text: shared word stems, synonyms too."""
    text_stems = content_stems(text)
    parts = [p for p in re.split(r"[\s_\-./]+|(?<=[a-z])(?=[A-Z])", label) if p]
    score = 0
    for part in parts:
        if part.lower() in STOPWORDS:
            continue
        if stem(part) in text_stems:
            score += 2
        score += sum(1 for syn in SYNONYMS.get(part.lower(), ()) if stem(syn) in text_stems)
    return score


def ranked(options: list[str], text: str) -> list[str]:
    """Options best match first; ties keep their written order."""
    scores = {opt: overlap(opt, text) for opt in options}
    return sorted(options, key=lambda opt: -scores[opt])


def sentences(text: str) -> list[str]:
    """The sentences of a text, trimmed, empties dropped."""
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


def phrase(text: str, limit: int = 8) -> str:
    """A short phrase from the text: its first sentence cut to `limit` words."""
    first = sentences(text)[0] if sentences(text) else text
    cut = words(first)[:limit]
    return " ".join(cut) if cut else "n/a"


def keywords(text: str, limit: int = 3) -> list[str]:
    """The longest meaningful words, in order of appearance, as topic keywords."""
    seen: list[str] = []
    for word in words(text):
        low = word.lower()
        if low not in STOPWORDS and not low.isdigit() and low not in seen:
            seen.append(low)
    top = sorted(seen, key=lambda w: -len(w))[:limit]
    return [w for w in seen if w in top]


def email(text: str) -> str | None:
    match = _EMAIL.search(text)
    return match.group(0) if match else None


def order_id(text: str) -> str | None:
    match = _ORDER.search(text)
    return match.group(1) if match else None


def date(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of the first date written in any common way."""
    if match := _ISO_DATE.search(text):
        return int(match.group(1)), int(match.group(2)), int(match.group(3))
    if match := _LONG_DATE.search(text):
        month = [m[:3] for m in _MONTHS].index(match.group(1).lower()[:3]) + 1
        return int(match.group(3)), month, int(match.group(2))
    if match := _SLASH_DATE.search(text):
        return int(match.group(3)), int(match.group(1)), int(match.group(2))
    return None


def iso_date(ymd: tuple[int, int, int]) -> str:
    return f"{ymd[0]:04d}-{ymd[1]:02d}-{ymd[2]:02d}"


def long_date(ymd: tuple[int, int, int]) -> str:
    return f"{_MONTHS[(ymd[1] - 1) % 12].capitalize()} {ymd[2]}, {ymd[0]}"


def person(text: str) -> str | None:
    if match := _NAME_IS.search(text):
        return match.group(1)
    for match in _CAPS.finditer(text):
        candidate = match.group(1)
        if candidate.lower().split()[0] not in STOPWORDS | set(_MONTHS) and " " in candidate:
            return candidate
    return None


def place(text: str, after: str | None = None) -> str | None:
    """A capitalised place name after a preposition; `after` ("from", "to") picks the
    preposition first, so a trip's origin and destination are not the same city."""
    found = [
        match
        for match in _PLACE.finditer(text)
        if match.group(1).lower() not in STOPWORDS | set(_MONTHS)
    ]
    chosen = [m for m in found if after and m.group(0).split()[0].lower() == after]
    return (chosen or found)[0].group(1) if found else None


def thing(text: str) -> str | None:
    for match in _OBJECT.finditer(text):
        head = match.group(1).split()[0]
        if head not in STOPWORDS:
            return match.group(1) if match.group(1).split()[-1] not in STOPWORDS else head
    return None


def phone(text: str) -> str | None:
    match = _PHONE.search(text)
    return match.group(0).strip() if match else None


def money(text: str) -> float | None:
    match = _MONEY.search(text)
    if match is None:
        return None
    return float((match.group(1) or match.group(2)).replace(",", ""))


def numbers(text: str) -> list[float]:
    """Free-standing numbers, with order ids, dates and emails blanked out first."""
    for pattern in (_EMAIL, _ORDER, _ISO_DATE, _LONG_DATE, _SLASH_DATE, _PHONE):
        text = pattern.sub(" ", text)
    return [float(n) for n in _NUMBER.findall(text)]


def mentions(text: str, word: str) -> bool:
    """Whether the text uses a word or a synonym of it, not negated just before."""
    low = [w.lower() for w in words(text)]
    targets = {stem(word)} | {stem(s) for s in SYNONYMS.get(word.lower(), ())}
    for index, token in enumerate(low):
        if stem(token) in targets:
            before = low[max(0, index - 3) : index]
            return not any(n in before for n in ("not", "no", "never", "don't", "isn't"))
    return False
