"""The faster ways `facts` reads a text find what the plain ones find (issue 25).

Each shortcut (grouped alternations, candidate scans) must give the very matches of the
straightforward pattern it replaces: these compare the two on the spellings, case
variants and the non-ASCII letters that case-insensitive matching folds to ASCII.
"""

from __future__ import annotations

import bisect
import importlib
import json
import random
import re
import string
from pathlib import Path
from typing import Any

from migrate_check.checks.builtin import (
    fact_claim_starts,
    fact_claims,
    fact_dates,
    fact_dimensions,
    fact_names,
    fact_units,
    fact_word_flags,
    fact_word_parts,
)
from migrate_check.checks.builtin.fact_extraction import _may_hold_url
from migrate_check.checks.builtin.fact_identifiers import IDENTIFIER, identifiers
from migrate_check.checks.builtin.fact_lexicon import ABBREVIATIONS, DEFAULT_LEXICON
from migrate_check.checks.builtin.fact_list_numbers import LIST_MARKER, line_bullets
from migrate_check.checks.builtin.fact_patterns import BARE_URL, CAN_START, FACT, URL
from migrate_check.checks.builtin.fact_scan import (
    CAN_START_CHARS,
    bare_urls,
    fact_matches,
    first_characters,
    split_alternatives,
)
from migrate_check.checks.builtin.fact_tokenizer import CLAUSE_WORDS, tokenize
from migrate_check.checks.builtin.fact_word_parts import _FRACTION_WORD, may_hold_fraction

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"


def _plain_units() -> re.Pattern[str]:
    """Every unit spelling as one plain alternation, the longest first."""
    return re.compile(
        "(?:"
        + "|".join(
            re.escape(s).replace(r"\ ", r"\s")
            if s in fact_units._CASED
            else "(?i:" + re.escape(s).replace(r"\ ", r"\s") + ")"
            for s in fact_units._SPELLINGS
        )
        + r")(?![\w²])"
    )


def test_grouped_unit_pattern_matches_as_the_plain_alternation() -> None:
    plain, grouped = _plain_units(), re.compile(fact_units.UNIT_PATTERN)
    texts = []
    for spelling in fact_units._SPELLINGS:
        for variant in {spelling, spelling.upper(), spelling.lower(), spelling.swapcase()}:
            for first in ("", "\u0130", "\u0131", "\u017f", "\u212a", "µ", "μ"):
                for tail in ("", " ", "s", "x", "²", ".", "-"):
                    texts.append((first + variant[1:] if first else variant) + tail)
    rng = random.Random(25)
    noise = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ°º²/- \u017f\u212a"
    for _ in range(20_000):
        spelling = rng.choice(fact_units._SPELLINGS)
        texts.append("".join(c if rng.random() > 0.2 else rng.choice(noise) for c in spelling))
    matched = 0
    for text in texts:
        expected = plain.match(text)
        found = grouped.match(text)
        assert (found and found.span()) == (expected and expected.span()), text
        matched += expected is not None
    assert matched > len(texts) // 5  # the texts do exercise the units


def test_case_insensitive_ascii_letters_fold_only_from_the_listed_letters() -> None:
    everything = "".join(map(chr, range(0x110000)))
    for letter in "abcdefghijklmnopqrstuvwxyz":
        found = set(re.findall("(?i)" + letter, everything))
        assert found == set(fact_units._first_chars(letter + "zz")), letter


def _texts() -> list[str]:
    """The labelled answers, their words jumbled, and runs of the characters facts start
    with, digits and separators (seeded)."""
    texts = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                pair = json.loads(line)
                texts += [pair["baseline"], pair["candidate"]]
    rng = random.Random(25)
    pieces = " ".join(texts[:40]).split()
    pieces += ["1", "1,", "1.", "-1", "a@", "$1", "3pm", "2-3", "A1", "v2.3", "x9", ",9", "Nov"]
    pieces += ["\u212a", "\u017f", "٣", "€", "−", "(", "+", "/", "-", ".", ",", "\n", "1.2.3"]
    for _ in range(1500):
        words = [rng.choice(pieces) for _ in range(rng.randint(1, 30))]
        texts.append("".join(w + rng.choice(["", " ", " ", ",", ".", "-", "/"]) for w in words))
    return texts


def test_fact_matches_are_facts_finditer_matches() -> None:
    found = 0
    for text in _texts():
        plain = [(m.span(), m.lastgroup) for m in FACT.finditer(text)]
        assert [(m.span(), m.lastgroup) for m in fact_matches(text)] == plain, text
        found += len(plain)
    assert found > 5000


def test_identifiers_are_the_identifier_patterns_matches() -> None:
    found = 0
    for text in _texts():
        plain = [m.span() for m in IDENTIFIER.finditer(text)]
        assert [m.span() for m in identifiers(text)] == plain, text
        found += len(plain)
    assert found > 1000


def test_a_fact_starts_only_at_a_candidate_character() -> None:
    """CAN_START lets no ASCII character outside CAN_START_CHARS start a fact, whatever
    two characters follow (its words are at most three letters long)."""
    starts = re.compile("[" + CAN_START_CHARS + "]")
    can_start = re.compile(CAN_START)
    following = string.ascii_letters + string.digits + "$ .,"
    for first in map(chr, range(128)):
        if starts.fullmatch(first):
            continue
        for second in following:
            for third in following:
                assert not can_start.match(first + second + third), first + second + third


_PLAIN_TOKEN = re.compile(
    r"(?P<w>[^\W\d_][\w'’-]*+|\d[\w]*+)"
    r"|(?P<end>[.!?]++)"
    r"|(?P<line>(?:\n|^)[ \t]*+(?:[-*•+‣]|\d{1,3}[.)]|#{1,6})?)"
    r"|(?P<clause>[,;:()\[\]\"“”|]|\s[-–—]\s)"
)


def _plain_tokens(text: str) -> tuple[list[Any], ...]:
    """What tokenize gives, read as it was before issue 25: one token at a time."""
    words, starts, sentence, clause, initial, item, numbered, spans = [], [], [], [], [], [], [], []
    sentence_start, sentence_number, clause_number, item_number = 0, 0, 0, -1
    at_start, in_list, fresh = True, False, True
    for match in _PLAIN_TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "w":
            lower = match.group().rstrip("-'’").casefold()
            clause_number += lower in CLAUSE_WORDS
            if fresh:
                sentence_start, fresh = match.start(), False
            words.append(lower)
            starts.append(match.start())
            sentence.append(sentence_number)
            clause.append(clause_number)
            initial.append(at_start)
            item.append(item_number if in_list else -1)
            at_start = False
            continue
        if kind == "clause":
            clause_number += 1
            at_start = at_start or match.group() in ":|"
            continue
        at = match.end() if kind == "end" else match.start()
        dot = kind == "end" and match.group() == "."
        # "No. 5", "no.: TM-88" abbreviate; "No. You can't" answers
        answer = words[-1:] == ["no"] and text[at : at + 5].lstrip(" *_")[:1].isalpha()
        if (
            dot
            and words
            and words[-1] in ABBREVIATIONS
            and text[at : at + 2].strip()
            and not answer
        ):
            continue
        if not fresh:
            spans.append((sentence_start, at))
            sentence_number += 1
            clause_number += 1
        sentence_start, at_start, fresh = at, True, True
        if kind == "line":
            marker = match.group().strip()
            in_list = bool(marker) and not marker.startswith("#")
            if in_list:
                item_number += 1
                numbered.append(marker[:1].isdigit() or marker == "‣")
    if words and sentence[-1] == sentence_number:
        spans.append((sentence_start, len(text)))
    return words, starts, sentence, clause, initial, item, numbered, spans or [(0, len(text))]


def test_tokenize_reads_as_the_one_token_at_a_time_reader() -> None:
    rng = random.Random(25)
    pieces = [*"ab1 .,;:!?()[]\"“”|-–—\n\t#*•+‣'’_", "Dr", "no", "and", "but", "12", "3.", "\n-"]
    texts = _texts() + ["", "12. a", " 12. a", ",a", "  - a", "\r- a", "a -\n- b", "x – – – y"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    for text in texts:
        t = tokenize(text)
        found = (t.words, t.starts, t.sentence, t.clause, t.initial, t.item, t.numbered)
        assert (*found, t.sentence_spans) == _plain_tokens(text), text


def test_facts_alternatives_are_split_whole_and_dispatched_by_first_character() -> None:
    body = FACT.pattern[len(CAN_START) + len("(?:") : -1]
    alternatives = split_alternatives(body)
    assert "|".join(alternatives) == body
    assert len(alternatives) == len(FACT.groupindex)  # one named group each
    assert split_alternatives(r"a|[|(]|\||(b|c)") == ["a", "[|(]", r"\|", "(b|c)"]
    kinds = {next(iter(re.compile(a).groupindex)): first_characters(a) for a in alternatives}
    assert kinds["iso"] == {"digit"} and kinds["wday"] == {"letter"}
    assert first_characters(r"(?i:\u212a)") == {"letter"}  # the Kelvin sign folds to k
    assert first_characters(r"x?") == {"digit", "letter"}  # matches nothing: anything follows


def test_bullets_and_the_url_check_read_as_the_plain_patterns() -> None:
    extra = ["1. a", "\n2) b\n(3) c", "Step 4: d", "step\n5 e", " 6. f\n 7. g", "http://x", "Www.x"]
    for text in _texts() + extra:
        plain = LIST_MARKER.sub(lambda m: "‣" + " " * (len(m.group()) - 1), text)
        assert line_bullets(text) == plain, text
        assert _may_hold_url(text) or not URL.search(text), text


def test_the_fraction_precheck_lets_through_every_text_the_fraction_word_matches() -> None:
    rng = random.Random(25)
    pieces = ["half", "QUARTER", "tHiRd", "th\u0131rd", "th\u0130rd", "hal", "quar", "x", " "]
    pieces += ["\u0131", "\u0130", "\u017f", "-", "ter", "ird", "f"]
    texts = _texts() + ["", "Half an hour", "a th\u0131rd", "thIrd"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(5000)]
    for text in texts:
        assert may_hold_fraction(text) or not _FRACTION_WORD.search(text), text
    assert not may_hold_fraction("the rest of the day")


def test_claim_words_passed_over_are_those_read_at_reads_nothing_at() -> None:
    """A word that starts claims only as the first of a phrase ("on time") is passed over
    when no phrase of it follows: the claims are those read when every one is tried."""
    table = fact_claim_starts.words_of(DEFAULT_LEXICON)
    assert table.seconds["on"] and "on" not in table.seconds["on"]
    rng = random.Random(25)
    firsts = [*table.seconds, "not", "can", "on", "in"]
    seconds = [word for after in table.seconds.values() for word in after]
    texts = _texts()[:600] + ["we are on", "Paid on time, in stock", "in", "on on time"]
    texts += ["The filter needs replacing.", "Shall we call?", "Need help? Call us."]
    for _ in range(2000):
        texts.append(" ".join(rng.choice(firsts + seconds + ["x", ".", ","]) for _ in range(9)))
    for text in texts:
        fast = fact_claims.read_claims(tokenize(text), DEFAULT_LEXICON)
        saved, table.seconds = table.seconds, {}
        try:
            slow = fact_claims.read_claims(tokenize(text), DEFAULT_LEXICON)
        finally:
            table.seconds = saved
        assert fast == slow, text


def test_dimensions_led_by_a_digit_and_gated_find_what_the_plain_pattern_finds() -> None:
    """DIMENSIONS starts at a digit (its lookbehind after it) and is searched only in a
    text with "x", "×" or "by" before a digit: the matches of the pattern as it was."""
    d = fact_dimensions
    plain = re.compile(
        r"(?<![\w.,])"
        + d._NUMBER
        + d._UNIT
        + "?"
        + d._BY
        + d._NUMBER
        + d._UNIT
        + "?(?:"
        + d._BY
        + d._NUMBER
        + d._UNIT
        + r"?)?(?![\w×])"
    )
    rng = random.Random(25)
    pieces = ["6", "12", "3.5", "ft", "in", "cm", '"', "'", "x", "×", "X", " by ", " BY ", " "]
    pieces += ["a", ".", ",", "-", "\n", "\t", "1,2", "by", "millimetres", "Centimeters", "yards"]
    texts = _texts() + ["6 ft x 3 ft", '5x7"', "3 BY 4 m", "8x10", "a6x7", ".5x7", "1\tby\t2"]
    texts += ["12.5-millimetres x 3", "4 centimetres by 6", "1 x 2 x 3 inches", "max 5 by 6"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(20000)]
    found = 0
    for text in texts:
        gated = "x" in text or "×" in text or " by " in text  # the gate it always had
        expected = [m.groups() + m.span() for m in plain.finditer(text)] if gated else []
        assert [m.groups() + m.span() for m in d.DIMENSIONS.finditer(text)] == [
            m.groups() + m.span() for m in plain.finditer(text)
        ], text
        if not expected:
            assert not list(d.dimensions(text)), text
        assert d._may_hold(text) or not expected, text  # the gate lets every match through
        found += bool(expected)
    assert found > 200


def test_word_flags_give_the_words_a_plain_test_of_each_word_gives() -> None:
    """`WordFlags` remembers each word's answer: what it gives for a text is what asking
    each distinct word gives, also once its memory was cleared (past its limit)."""
    asked: list[str] = []

    def test(word: str) -> bool:
        asked.append(word)
        return word.endswith("n't")

    flags = fact_word_flags.WordFlags(test)
    texts = [t.casefold().split() for t in _texts()[:400]] + [["don't", "x"], []]
    for words in texts + texts:
        assert flags.of(words) == {w for w in set(words) if w.endswith("n't")}
    assert len(asked) == len(set(asked))  # each word asked once
    saved, fact_word_flags.LIMIT = fact_word_flags.LIMIT, 50
    flags = fact_word_flags.WordFlags(test)
    largest = 0  # the most distinct words of one text: kept whole even past the limit
    try:
        for words in texts:
            largest = max(largest, len(set(words)))
            assert flags.of(words) == {w for w in set(words) if w.endswith("n't")}
            assert len(flags.known) <= max(50, largest)
    finally:
        fact_word_flags.LIMIT = saved
    negating = fact_claim_starts.NEGATING_ENDINGS.of(["don't", "nobody's", "it's", "won’t", "no"])
    assert negating == {"don't", "nobody's", "won’t"}


def test_fractions_of_time_tried_near_fraction_words_are_the_patterns_matches() -> None:
    """A fraction of time is tried only just before each fraction word: the matches of
    `_FRACTION_OF_TIME.finditer`, with counts, articles, case and the letters that lower
    case moves or hides ("İ", "ı")."""
    rng = random.Random(25)
    pieces = ["half", "Half", "QUARTER", "quarters", "third", "thirds", "th\u0131rd", "\u0130"]
    pieces += ["a", "an", "one", "two", "Three", "of", "an hour", "minute", "days", "week"]
    pieces += [" ", " ", "-", "\t", "behalf", "x", ".", "and a"]
    texts = _texts() + ["", "half an hour", "three-quarters of an hour", "a half-day", "x half"]
    texts += [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(8000)]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(4000)]
    found = 0
    for text in texts:
        plain = [(m.span(), m.groups()) for m in fact_word_parts._FRACTION_OF_TIME.finditer(text)]
        fast = [(m.span(), m.groups()) for m in fact_word_parts.fractions_of_time(text)]
        assert fast == plain, text
        found += len(plain)
    assert found > 2000


def test_bare_urls_tried_at_the_runs_holding_an_ending_are_the_patterns_matches() -> None:
    """A link without its scheme is tried only where the run of name characters holding
    a known ending starts: the matches of `BARE_URL.finditer`, with several endings in
    one run, addresses, paths and the characters that end a run or do not."""
    rng = random.Random(25)
    pieces = [".com", ".co", ".uk", ".org", ".io", ".js", "book", "hive", "x", "é", "_", "-"]
    pieces += ["1", ".", "/", "/rooms", "@", ":", " ", " ", "\n", "www", "é.com", "٣", ",", "a@b"]
    texts = _texts() + ["", ".com", "a.com", "a.com.b.org", "x@y.com", "/a.com", "-a.com"]
    texts += ["book.hivespace.com/rooms and parkingappeals.example.gov.", "e.g. example.co.uk"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 16))) for _ in range(20000)]
    found = 0
    for text in texts:
        plain = [m.span() for m in BARE_URL.finditer(text)]
        assert [m.span() for m in bare_urls(text)] == plain, text
        found += len(plain)
    assert found > 1000


def _plain_signature(t: Any) -> list[int]:
    """The closing line as read before issue 25: every word of the last lines in turn."""
    last = len(t.sentence_spans) - 1
    start = bisect.bisect_left(t.sentence, last - fact_names.SIGNATURE_LINES)
    closing = True
    for at in range(start, len(t.words)):
        sentence, word = t.sentence[at], t.words[at]
        if at > start and sentence != t.sentence[at - 1]:
            closing = True
        closing = closing and word in fact_names.CLOSINGS
        ends = at + 1 == len(t.words) or t.clause[at + 1] != t.clause[at]
        if ends and closing and word not in ("you", "all", "the"):
            return [sentence, at]
    return [-1, -1]


def test_the_closing_line_is_found_sentence_by_sentence_as_word_by_word() -> None:
    rng = random.Random(25)
    pieces = ["Best", "regards", "thank", "you", "all", "the", "Many", "thanks", "Maria", "call"]
    pieces += [",", ".", "\n", "!", " ", ";", "Kind", "wishes", "IT", "Desk", "-"]
    texts = _texts()[:500] + ["Best regards,\nMaria", "Thank you, all.", "Call us. Thanks"]
    texts += [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 20))) for _ in range(5000)]
    closed = 0
    for text in texts:
        t = tokenize(text)
        assert fact_names._signature(t) == _plain_signature(t), text
        closed += fact_names._signature(t)[0] >= 0
    assert closed > 500


def test_ranges_are_joined_only_across_gaps_their_joins_can_span() -> None:
    """Two facts further apart than a join can be long are not matched for one: the
    bounds are the joins' own longest matches."""
    parser = importlib.import_module("re._parser")
    assert parser.parse(fact_dates._JOIN.pattern).getwidth()[1] == fact_dates._LONGEST_JOIN
    time_join = parser.parse(fact_dates._TIME_JOIN.pattern).getwidth()[1]
    assert time_join == fact_dates._LONGEST_TIME_JOIN
    assert fact_dates._JOIN.fullmatch("th   through   Tuesday.,   ")  # 29 characters
