"""Personal data in imported prompts: found, counted, and on request replaced.

Production prompts hold e-mail addresses, phone numbers, card numbers and the like. An
import says how many cases hold each kind; `--redact KINDS` replaces them with
placeholders that stay consistent within a case (`<email-1>` is the same address in the
prompt, the tool results and the recorded answer), so the baseline's answer still reads
as an answer to the prompt the models are sent.

Prompts are untrusted text of any size: every pattern runs in linear time (each starts
only where its run of characters starts, and no quantified group holds another
quantifier), and the costlier ones run only when the text holds the character they need.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from migrate_check.checks.builtin.fact_patterns import EMAIL

if TYPE_CHECKING:
    from migrate_check.importing.suite_text import ImportResult

#: Each kind: its placeholder's word and how the output names it (singular, plural).
KINDS: dict[str, tuple[str, str]] = {
    "email": ("e-mail address", "e-mail addresses"),
    "phone": ("phone number", "phone numbers"),
    "card": ("card number", "card numbers"),
    "iban": ("IBAN", "IBANs"),
    "ssn": ("US social security number", "US social security numbers"),
    "ip": ("IP address", "IP addresses"),
}
#: Where two kinds' matches overlap, the earlier kind's wins (a card number is never
#: also read as a phone number).
_ORDER = ("email", "iban", "card", "ssn", "phone", "ip")
_BIT = {kind: 1 << n for n, kind in enumerate(KINDS)}
#: Placeholders a case lists in its description; the rest counted.
_LISTED = 6
_DEPTH = 120  # deeper than any JSON line or suite file an import reads

_PHONE = re.compile(
    r"(?<![\w.,+-])(?:\+\d[\d\s().-]{6,18}\d|\(\d{3}\)\s?\d{3}[-.\s]\d{4}"
    r"|(?:\d[-.\s])?\d{3}[-.]\d{3}[-.]\d{4}|\d{3}-\d{4})(?![\w-])"
)  # the `facts` check's phone numbers
#: Card numbers as they are written: one run of 13 to 19 digits, or groups of four (Visa,
#: Mastercard: 4-4-4-4, up to 4-4-4-7) or 4-6-5 (Amex), spaces or dashes between.
_CARD = re.compile(
    r"(?<![\w.,+-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{4,5})"
    r"(?![\w-])"
)
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}")
_SSN = re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])")
_DIGIT = re.compile(r"\d")
_MAY_HOLD = re.compile(r"[\d@]")  # every kind's value holds a digit or an "@"
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?<![\w.]){_OCTET}(?:\.{_OCTET}){{3}}(?![\w]|\.\d)")
_IPV6 = re.compile(
    r"(?<![\w:])(?=[0-9A-Fa-f:]*::|(?:[0-9A-Fa-f]{1,4}:){7})[0-9A-Fa-f:]{3,39}(?![\w:])"
)


def parse_kinds(text: str) -> frozenset[str]:
    """`--redact email,phone` or `all` -> the kinds; ValueError names the unknown ones."""
    asked = {word.strip().lower() for word in text.split(",") if word.strip()}
    if "all" in asked:
        return frozenset(KINDS)
    unknown = sorted(asked - set(KINDS))
    if unknown or not asked:
        raise ValueError(
            f"--redact {text!r}: {', '.join(unknown) or 'no kind'} is not one of "
            f"{', '.join(KINDS)} (or all)"
        )
    return frozenset(asked)


def kinds_of(mask: int) -> list[str]:
    """The kinds a mask of found kinds holds, in the order the output names them."""
    return [kind for kind in KINDS if mask & _BIT[kind]]


def named(kind: str, count: int) -> str:
    singular, plural = KINDS[kind]
    return f"{count} {singular if count == 1 else plural}"


@dataclass
class CaseRedaction:
    """One case's placeholders: each value found gets `<kind-N>`, the same every time it
    is seen (prompt, tool results, recorded answer). Kinds not in `redact` are only
    found (`found` is a mask of every kind seen), never replaced."""

    redact: frozenset[str]
    found: int = 0
    placeholders: dict[tuple[str, str], str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def text(self, text: str) -> str:
        """`text` with the values of the kinds to redact replaced."""
        if len(text) < 7 or not _MAY_HOLD.search(text):  # no value of any kind fits
            return text
        pieces: list[str] = []
        last = 0
        for start, end, kind, value in _matches(text):
            self.found |= _BIT[kind]
            if kind not in self.redact:
                continue
            key = (kind, value)
            placeholder = self.placeholders.get(key)
            if placeholder is None:
                self.counts[kind] = self.counts.get(kind, 0) + 1
                placeholder = self.placeholders[key] = f"<{kind}-{self.counts[kind]}>"
            pieces += [text[last:start], placeholder]
            last = end
        return "".join([*pieces, text[last:]]) if pieces else text

    def value(self, value: Any, depth: int = 0) -> Any:
        """Every string a JSON value holds, redacted; the value itself when none changed
        (a body without personal data is written back byte for byte). A copy is made
        only of what changes: most of a request (its tool schemas) holds nothing."""
        kind = type(value)
        if kind is str:
            return self.text(value)
        if depth > _DEPTH or (kind is not dict and kind is not list):
            return value
        copy: Any = None
        pairs = value.items() if kind is dict else enumerate(value)
        for key, item in pairs:
            if type(item) is str and (len(item) < 7 or not _MAY_HOLD.search(item)):
                continue  # the common case, without a call
            new = self.value(item, depth + 1)
            if new is not item:
                if copy is None:
                    copy = dict(value) if kind is dict else list(value)
                copy[key] = new
        return value if copy is None else copy

    @property
    def replaced(self) -> bool:
        return bool(self.placeholders)

    def note(self) -> str:
        """What the case's description says: it was redacted, so its prompt is not what
        was sent, and which placeholders stand for what kind."""
        counts = ", ".join(named(kind, n) for kind, n in self.counts.items())
        shown = list(self.placeholders.values())
        listed = ", ".join(shown[:_LISTED]) + (", ..." if len(shown) > _LISTED else "")
        return (
            f"Redacted by the import: {counts} replaced ({listed}), each value by the same "
            "placeholder wherever this case holds it; the models are sent the placeholders, "
            "not what was logged."
        )


def _matches(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, kind, the value as compared) of every value found, in order, none
    overlapping another (the earlier kind in `_ORDER` keeps its span)."""
    found: list[tuple[int, int, str, str]] = []
    for kind in _ORDER:
        new = [(s, e, kind, v) for s, e, v in _FINDERS[kind](text)]
        if new:
            found = sorted([*found, *_free(new, found)]) if found else new
    return iter(found)


def _free(
    new: list[tuple[int, int, str, str]], taken: list[tuple[int, int, str, str]]
) -> Iterator[tuple[int, int, str, str]]:
    """The matches of `new` that overlap none of `taken` (both in order, neither
    overlapping itself): one walk along both."""
    i = 0
    for match in new:
        while i < len(taken) and taken[i][1] <= match[0]:
            i += 1
        if i == len(taken) or taken[i][0] >= match[1]:
            yield match


def _emails(text: str) -> Iterator[tuple[int, int, str]]:
    done, at = 0, text.find("@")
    while at >= 0:
        match = EMAIL.search(text, max(done, at - 64))
        if match is None:
            return
        raw = match.group().rstrip(".-")
        domain = raw.partition("@")[2]
        if "." in domain and domain.rpartition(".")[2].isalpha():
            yield match.start(), match.start() + len(raw), raw.casefold()
        done = match.end()
        at = text.find("@", done)


def _digits_in(pattern: re.Pattern[str]) -> Callable[[str], Iterator[tuple[int, int, str]]]:
    def find(text: str) -> Iterator[tuple[int, int, str]]:
        for match in pattern.finditer(text):
            digits = "".join(c for c in match.group() if c.isdigit())
            yield match.start(), match.end(), ("+" if match.group()[0] == "+" else "") + digits

    return find


def _cards(text: str) -> Iterator[tuple[int, int, str]]:
    for match in _CARD.finditer(text):
        digits = "".join(c for c in match.group() if c.isdigit())
        if len(set(digits)) > 1 and _luhn(digits):
            yield match.start(), match.end(), digits


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        number = int(char) * (2 if position % 2 else 1)
        total += number - 9 if number > 9 else number
    return total % 10 == 0


def _ibans(text: str) -> Iterator[tuple[int, int, str]]:
    """IBANs whose check digits hold, the longest that does (a match may run on into the
    next capitalised word)."""
    for match in _IBAN.finditer(text):
        raw = match.group()
        ends = [len(raw)] + [i for i in range(len(raw) - 1, 14, -1) if raw[i] == " "]
        for end in ends:
            compact = raw[:end].replace(" ", "")
            if 15 <= len(compact) <= 34 and _iban_valid(compact):
                yield match.start(), match.start() + end, compact
                break


def _iban_valid(compact: str) -> bool:
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _ips(text: str) -> Iterator[tuple[int, int, str]]:
    if "." in text:
        for match in _IPV4.finditer(text):
            yield match.start(), match.end(), match.group()
    if "::" in text or text.count(":") >= 7:
        for match in _IPV6.finditer(text):
            try:
                address = ipaddress.IPv6Address(match.group())
            except ValueError:
                continue
            yield match.start(), match.end(), str(address)


def _guarded(
    needs: Callable[[str], bool], find: Callable[[str], Iterator[tuple[int, int, str]]]
) -> Callable[[str], Iterator[tuple[int, int, str]]]:
    def guarded(text: str) -> Iterator[tuple[int, int, str]]:
        return find(text) if needs(text) else iter(())

    return guarded


def _has_digit(text: str) -> bool:
    return _DIGIT.search(text) is not None


_FINDERS: dict[str, Callable[[str], Iterator[tuple[int, int, str]]]] = {
    "email": _emails,
    "iban": _guarded(_has_digit, _ibans),
    "card": _guarded(_has_digit, _cards),
    "ssn": _guarded(lambda t: "-" in t and _has_digit(t), _digits_in(_SSN)),
    "phone": _guarded(_has_digit, _digits_in(_PHONE)),
    "ip": _guarded(_has_digit, _ips),
}


def personal_lines(result: ImportResult, redact: frozenset[str]) -> list[str]:
    """What an import prints of a suite's personal data: the cases holding each kind,
    and what `--redact` replaced (or how to replace it)."""
    lines = []
    if result.personal_cases:
        each = ", ".join(f"{KINDS[k][1]} in {n:,}" for k, n in _in_order(result.personal))
        lines.append(
            f"personal data: {result.personal_cases:,} of {result.case_count:,} cases hold "
            f"some: {each}"
        )
    left = [k for k, _ in _in_order(result.personal) if k not in redact]
    if redact:
        asked = ", ".join(KINDS[k][1] for k in KINDS if k in redact)
        lines.append(
            f"redacted ({asked}): {result.redacted_cases:,} cases, each saying so in its "
            "description (the models are sent the placeholders)"
        )
    if left:
        lines.append(f"  not redacted: --redact {','.join(left)} (or all) replaces them")
    return lines


def _in_order(counts: Counter[str]) -> list[tuple[str, int]]:
    return [(kind, counts[kind]) for kind in KINDS if counts[kind]]
