"""The `facts` check on pairs whose right outcome is known, and on hostile text."""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrate_check.checks import CheckConfigError, build_check
from migrate_check.checks.builtin.fact_extraction import MAX_LISTED, PATTERNS, extract
from migrate_check.core.case import CheckSpec
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult, Outcome

REFUND = "Your refund of $40 was issued today."
MEETING = "The meeting is moved to Thursday at 10am."


def judge(
    baseline: str | list[str], candidate: str | list[str], options: Any = None
) -> CheckResult:
    check = build_check(CheckSpec("facts", options), Path("."))
    base = [baseline] if isinstance(baseline, str) else baseline
    cand = [candidate] if isinstance(candidate, str) else candidate
    result = check.judge(
        [Completion(model="gpt-4o-mini", text=text) for text in base],
        [Completion(model="gpt-4.1-mini", text=text) for text in cand],
    )
    json.dumps(result.evidence)  # evidence is plain JSON
    return result


def facts(text: str) -> dict[str, set[str]]:
    return {kind: set(found) for kind, found in extract(text).kinds.items()}


# --- the examples --------------------------------------------------------------


def test_a_paraphrase_that_keeps_the_facts_is_same_and_says_what_it_cannot_see() -> None:
    result = judge(REFUND, "We issued a $40 refund to you today.")
    assert result.outcome is Outcome.SAME
    assert result.reason == "same facts (1 amounts, 1 dates); meaning is not compared"
    assert "not meaning" in result.evidence["not_seen"]


def test_a_gained_negation_is_changed_with_its_sentence() -> None:
    declined = "Your refund of $40 was declined today and will not arrive."
    result = judge(REFUND, declined)
    assert result.outcome is Outcome.CHANGED
    assert result.reason.startswith("facts differ: negation: candidate gains 2 (declined, not)")
    [entry] = result.evidence["added"]
    assert "(declined, not) [0 → 2]" in entry and declined in entry
    assert "missing" not in result.evidence and "changed" not in result.evidence


def test_a_lost_negation_is_reported_as_missing() -> None:
    result = judge("We cannot refund this order.", "We can refund this order.")
    assert result.outcome is Outcome.CHANGED
    assert result.evidence["missing"][0].startswith("negation: candidate loses 1 (not) [1 → 0]")


def test_a_changed_weekday_is_changed_and_the_unchanged_time_is_not_listed() -> None:
    result = judge(MEETING, "The meeting is moved to Tuesday at 10am.")
    assert result.outcome is Outcome.CHANGED
    assert result.evidence["changed"] == ["weekdays: Thursday → Tuesday"]
    assert result.reason == ("facts differ: weekdays: Thursday → Tuesday; meaning is not compared")


def test_a_changed_percentage() -> None:
    result = judge("Prices rise by 5% in May.", "Prices rise by 7 percent in May.")
    assert result.outcome is Outcome.CHANGED
    assert result.evidence["changed"] == ["percentages: 5% → 7% (“7 percent”)"]


def test_a_changed_email() -> None:
    result = judge("Write to billing@example.com.", "Write to Support@Example.com.")
    assert result.outcome is Outcome.CHANGED
    assert result.evidence["changed"] == [
        "emails: billing@example.com → support@example.com"  # case is not a change
    ]


def test_addresses_next_to_each_other_are_each_found_and_hide_their_digits() -> None:
    text = "Mail a@b.co,c@d.co or bob-40@x.io."
    assert facts(text) == {"emails": {"a@b.co", "c@d.co", "bob-40@x.io"}}


def test_a_missing_url() -> None:
    result = judge("Track it at https://example.com/track/123.", "Track it on our website.")
    assert result.outcome is Outcome.CHANGED
    assert result.evidence["missing"] == [
        "urls: example.com/track/123 (“https://example.com/track/123”)"
    ]


def test_phone_numbers_count_as_numbers() -> None:
    assert judge("Call 555-0100.", "Call 555-0199.").outcome is Outcome.CHANGED
    assert judge("Call 555-0100.", "Phone us on 555-0100 or (555) 555-0100.").evidence["added"] == [
        "numbers: 5555550100 (“(555) 555-0100”)"
    ]
    assert facts("Call +1 (555) 555-0100")["numbers"] == {"+15555550100"}


# --- formatting does not count ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "spellings", "canonical"),
    [
        ("amounts", ["$40", "40 dollars", "USD 40.00", "40 USD", "US$ 40", "40$"], "USD 40"),
        ("amounts", ["$1.5 million", "1,500,000 dollars", "USD 1.5m", "$1500k"], "USD 1500000"),
        ("amounts", ["€9.50", "9,50 €", "EUR 9.5", "9.50 euros"], "EUR 9.5"),
        ("amounts", ["50 cents", "$0.50", "50¢"], "USD 0.5"),
        ("times", ["10am", "10:00 AM", "10 a.m.", "10 o'clock", "10:00"], "10:00"),
        ("times", ["3:30pm", "15:30", "3:30 P.M."], "15:30"),
        ("times", ["noon", "12pm", "12:00 PM"], "12:00"),
        ("times", ["midnight", "12am", "00:00"], "00:00"),
        ("weekdays", ["Thursday", "thursday", "THURSDAY", "Thu", "Thurs."], "Thursday"),
        ("numbers", ["1,000", "1000", "1000.0"], "1000"),
        (
            "dates",
            [
                "2026-11-03",
                "November 3, 2026",
                "3 Nov 2026",
                "Nov. 3rd, 2026",
                "the 3rd of November 2026",
                "11/03/2026",
                "03.11.2026",
                "2026/11/03",
            ],
            "2026-11-03",
        ),
        ("dates", ["November 3", "3 November", "Nov 3rd"], "--11-03"),
        ("percentages", ["15%", "15 %", "15 percent", "15.0 per cent"], "15%"),
        (
            "urls",
            ["https://Example.com/a/", "http://example.com/a", "HTTPS://EXAMPLE.COM/a"],
            "example.com/a",
        ),
    ],
)
def test_spellings_of_one_fact_are_one_fact(
    kind: str, spellings: list[str], canonical: str
) -> None:
    for spelling in spellings:
        assert facts(f"It is {spelling} then.").get(kind) == {canonical}, spelling
    assert judge(f"See {spellings[0]}.", f"See {spellings[-1]}.").outcome is Outcome.SAME


@pytest.mark.parametrize(
    ("baseline", "candidate", "kind"),
    [
        ("$40", "€40", "amounts"),
        ("$40", "$45", "amounts"),
        ("10am", "10pm", "times"),
        ("10am UTC", "10am PT", "times"),
        ("November 3, 2026", "November 3, 2027", "dates"),
        ("11/03/2026", "13/03/2026", "dates"),
        ("today", "tomorrow", "dates"),
        ("-5", "5", "numbers"),
        ("1.5", "15", "numbers"),
    ],
)
def test_different_facts_of_one_kind_are_changed(baseline: str, candidate: str, kind: str) -> None:
    result = judge(f"It is {baseline}.", f"It is {candidate}.")
    assert result.outcome is Outcome.CHANGED
    assert result.evidence["changed"][0].startswith(f"{kind}: ")


def test_facts_are_sets_so_repeating_one_changes_nothing() -> None:
    assert judge("Pay $40 now.", "Pay $40 now; yes, $40.").outcome is Outcome.SAME


def test_not_in_a_url_is_not_a_negation() -> None:
    assert extract("See https://example.com/not-found and www.no.com").negations == 0
    assert extract("It is not found. No refund.").markers == ("not", "no")


def test_words_that_only_look_like_facts_are_not_taken() -> None:
    text = "The sun sat low; you may help; 10 amazing offers; No. 5 and v2 and A123."
    assert facts(text) == {"numbers": {"10", "5"}}
    assert extract(text).negations == 0


# --- options ---------------------------------------------------------------------------


def test_regress_on_makes_a_difference_in_those_kinds_regressed() -> None:
    declined = "Your refund of $40 was declined today."
    options = {"regress_on": ["amounts", "negation"]}
    result = judge(REFUND, declined, options)
    assert result.outcome is Outcome.REGRESSED
    assert result.reason.startswith("facts regressed (negation in regress_on)")
    assert result.evidence["regress_on"] == ["negation"]
    # a kind not listed stays `changed`
    assert judge(MEETING, "Moved to Friday at 10am.", options).outcome is Outcome.CHANGED


def test_ignored_kinds_are_not_compared() -> None:
    moved = "The meeting is moved to Tuesday at 10am."
    assert judge(MEETING, moved, {"ignore": ["weekdays"]}).outcome is Outcome.SAME
    assert judge(MEETING, moved, {"ignore": ["times"]}).outcome is Outcome.CHANGED


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"ignore": ["weekday"]}, "facts: 'ignore' must be among numbers, amounts, "),
        ({"regress_on": "dates", "ignore": "dates"}, "facts: dates both ignored and in "),
        ({"max_chars": 0}, "facts: 'max_chars' must be a number from 1 to "),
        ({"max_chars": 10.5}, "facts: 'max_chars' must be a whole number, got 10.5"),
        ({"minimum": 3}, "facts: unknown option 'minimum'; known options: "),
        ("dates", "facts: options must be a mapping, got 'dates'"),
    ],
)
def test_bad_options_say_what_is_wrong(options: Any, message: str) -> None:
    with pytest.raises(CheckConfigError) as info:
        build_check(CheckSpec("facts", options), Path("."))
    assert str(info.value).startswith(message)


def test_the_input_is_cut_at_max_chars_and_the_evidence_says_so() -> None:
    tail = " Also see https://example.com/later."
    result = judge(REFUND, REFUND + tail, {"max_chars": len(REFUND) + 5})
    assert result.outcome is Outcome.SAME
    assert result.evidence["truncated"] == (
        f"only the first {len(REFUND) + 5} characters compared: candidate "
        f"({len(REFUND + tail)} characters)"
    )
    assert "only the first" in result.reason
    assert judge(REFUND, REFUND + tail).outcome is Outcome.CHANGED


def test_long_lists_are_cut_in_the_evidence() -> None:
    numbers = " ".join(str(n) for n in range(100, 200))
    result = judge("empty", numbers)
    assert len(result.evidence["added"]) == MAX_LISTED + 1
    assert result.evidence["added"][-1] == f"… and {100 - MAX_LISTED} more"
    assert result.reason.endswith("and 97 more; meaning is not compared")


# --- samples: the noise floor ----------------------------------------------------------


def test_samples_a_fact_the_baseline_varies_on_itself_is_noise() -> None:
    base = ["Done by Monday.", "Done by Tuesday.", "Done by Wednesday."]
    result = judge(base, ["Done by Monday.", "Done by Friday.", "Done by Tuesday."])
    assert result.outcome is Outcome.SAME
    assert result.evidence["within_baseline_disagreement"] == 1.0


def test_samples_a_consistent_change_beyond_the_noise_is_changed() -> None:
    result = judge([MEETING] * 3, ["Moved to Tuesday at 10am."] * 3)
    assert result.outcome is Outcome.CHANGED
    assert result.evidence["example"]["changed"] == ["weekdays: Thursday → Tuesday"]


# --- hostile input ---------------------------------------------------------------------


def _repeats(parsed: Any) -> Iterator[tuple[Any, Any]]:
    """(op, argument) of every node in a parsed pattern, depth first."""
    for op, av in parsed:
        yield op, av
        for item in av if isinstance(av, tuple | list) else [av]:
            for sub in item if isinstance(item, list) else [item]:
                if hasattr(sub, "data"):
                    yield from _repeats(sub.data)


def test_no_pattern_repeats_a_group_that_holds_a_quantifier() -> None:
    parser = importlib.import_module("re._parser")
    constants = importlib.import_module("re._constants")
    repeats = {constants.MAX_REPEAT, constants.MIN_REPEAT, constants.POSSESSIVE_REPEAT}
    for pattern in PATTERNS:
        for op, av in _repeats(parser.parse(pattern.pattern, pattern.flags).data):
            if op in repeats and av[1] > 1:
                inner = [o for o, _ in _repeats(av[2].data) if o in repeats]
                assert not inner, f"nested quantifier in {pattern.pattern!r}"


HOSTILE = [
    "1" * 100_000,
    "1," * 50_000,
    "1." * 50_000,
    "-1" * 50_000,
    "a" * 100_000,
    "a@" * 50_000,
    "a.b@" * 25_000,
    "http://" * 14_000,
    "www." * 25_000,
    "10:" * 33_000,
    "+1 " * 33_000,
    "Nov " * 25_000,
    "3 Nov " * 16_000,
    "$" * 100_000,
    "$1" * 50_000,
    "no " * 33_000,
    "not. " * 20_000,
    "not " * 12_000 + "a. " * 17_000,
    " " * 100_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:8]))
def test_hostile_text_is_read_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    found = extract(text + text)  # twice the cap: the second half is cut
    elapsed = time.perf_counter() - started
    assert found.truncated and found.length == 2 * len(text)
    assert elapsed < 2.0, f"{elapsed:.1f} s"  # a quadratic scan takes minutes here
    assert len(found.negated_sentences) <= MAX_LISTED


fact_text = st.lists(
    st.sampled_from(
        [
            "$40",
            "USD 40.00",
            "10am",
            "10:00 AM",
            "Thursday",
            "tuesday",
            "1,000",
            "1000",
            "2026-11-03",
            "November 3, 2026",
            "3 Nov 2026",
            "15%",
            "a@b.co",
            "not",
            "can't",
            "https://x.io/a",
            "555-0100",
            "-",
            ".",
            ",",
            "@",
            ":",
            "/",
            " ",
            "\n",
            "1",
            "no",
        ]  # fmt: skip
    )
    | st.text(max_size=8),
    max_size=30,
).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(fact_text)
def test_identical_texts_are_always_same(text: str) -> None:
    assert judge(text, text).outcome is Outcome.SAME


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(fact_text, fact_text)
def test_same_exactly_when_the_fact_sets_match_whichever_side_is_which(
    first: str, second: str
) -> None:
    one, other = judge(first, second), judge(second, first)
    assert one.outcome is other.outcome
    sets_match = facts(first) == facts(second)
    negations_match = extract(first).negations == extract(second).negations
    assert (one.outcome is Outcome.SAME) == (sets_match and negations_match)


@settings(max_examples=300)
@given(st.text(max_size=400))
def test_any_text_is_read_without_error_into_a_bounded_number_of_facts(text: str) -> None:
    found = extract(text, max_chars=200)
    assert sum(len(kind) for kind in found.kinds.values()) <= min(len(text), 200)
    assert found.negations <= len(text[:200]) // 2
    assert found.truncated == (len(text) > 200)
