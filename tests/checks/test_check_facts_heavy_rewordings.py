"""`facts` on heavier rewordings (issue 25, round 2): greetings and sign-offs dropped,
ranges and numeric dates written another way, fractions of an hour in words, numbers
inside hyphenated words, counts said by listing, sentences merged. Examples are written
here, not taken from the labelled pairs; beside each, a change that must still be caught.
"""

from __future__ import annotations

from helpers.facts_pairs import assert_caught, assert_same
from migrate_check.checks.builtin.fact_extraction import extract


def values(text: str, kind: str) -> list[str]:
    return sorted(fact.value for fact in extract(text).facts if fact.kind == kind)


# --- greetings, thanks and sign-offs ----------------------------------------------------

GREETED = (
    "Good morning Priya, and thanks for writing to Northfield Library. Your renewal is done: "
    "the two books are now due back on 14 May.\n\nKind regards,\nLending Team\nNorthfield "
    "Library"
)
PLAIN = "Your renewal is done, and the two books are now due back on 14 May."


def test_a_greeting_a_thanks_or_a_signature_dropped_is_a_rewording() -> None:
    assert_same(GREETED, PLAIN)
    assert_same("Dear Mr Okafor,\nYour parcel left our depot today.", "Your parcel left today.")
    assert_same(
        "Your parcel left today.\n\nThanks, Dispatch at Brightway", "Your parcel left today."
    )
    assert_same(
        "Your parcel left today. Best wishes, the Brightway Parcel Care Team",
        "Your parcel left today.",
    )


def test_a_name_in_the_body_still_counts_beside_a_greeting() -> None:
    body = GREETED.replace("renewal is done", "renewal at Eastgate is done")
    assert_caught(body, body.replace("Eastgate", "Westgate"), "entities")
    # an opening "Thanks," is no closing line: the names after it are the message
    opening = "Thanks, the courier Parcelink will collect it. Bring it to Dock Road."
    assert_caught(opening, opening.replace("Parcelink", "Swiftpost"), "entities")


# --- ranges of days and all-numeric dates -----------------------------------------------


def test_a_range_of_days_in_one_month_is_two_dates() -> None:
    assert values("The hall is yours from 9 to 11 October.", "dates") == ["--10-09", "--10-11"]
    assert values("Closed 9–11 October 2027.", "dates") == ["2027-10-09", "2027-10-11"]
    # the year said once is both ends'
    assert values("Closed October 9–11, 2027.", "dates") == ["2027-10-09", "2027-10-11"]
    assert values("Closed 9 October – 11 October 2027.", "dates") == ["2027-10-09", "2027-10-11"]
    stated = "The hall is yours from 9 October and must be cleared by 11 October."
    assert_same(stated, "The hall is yours 9–11 October; clear it by then.")
    assert_same(stated, "You have the hall October 9 through 11.")
    assert_caught(stated, "The hall is yours from 8 to 11 October.", "dates")
    # a weekday before the second end
    assert_same("Room 12 is yours from Monday 6 to Wednesday 8 May.", "Room 12: 6–8 May (Mon–Wed).")


def test_a_numeric_date_either_way_round_matches_the_reading_the_other_side_states() -> None:
    stated = "Your lease starts on 3 November 2027 and the first rent is due on 5 November 2027."
    assert_same(stated, "Lease start: 03/11/2027. First rent due: 05/11/2027.")
    assert_same(stated, "Lease start: 11/03/2027. First rent due: 11/05/2027.")
    assert_caught(stated, "Lease start: 03/12/2027. First rent due: 05/11/2027.", "dates")
    # a date that cannot be read the other way (day 23) does not match a swapped one
    assert_caught("Due on 23/04/2027.", "Due on 4 March 2027.", "dates")


# --- fractions of a unit of time, ordinals in hyphenated words --------------------------


def test_a_fraction_of_a_unit_of_time_is_a_duration() -> None:
    assert values("The ferry leaves every half hour.", "quantities") == ["1800 s"]
    assert values("Allow three-quarters of an hour.", "quantities") == ["2700 s"]
    assert values("Allow two thirds of an hour.", "quantities") == ["2400 s"]
    assert values("Allow three-quarters of an hour.", "numbers") == []
    # a quarter of the year said as a period, not as a length
    assert values("Sales rose in the same quarter a year ago.", "quantities") == []
    stated = "Boarding closes 45 minutes before departure; the crossing takes 30 minutes."
    assert_same(stated, "Boarding shuts three-quarters of an hour ahead; crossing: half hour.")
    assert_caught(
        stated, "Boarding shuts a quarter of an hour ahead; crossing: half hour.", "quantities"
    )


def test_an_ordinal_in_a_hyphenated_word_is_its_number() -> None:
    assert values("A fifth-floor flat.", "numbers") == ["5"]
    assert_same("The fifth-floor flat has no lift.", "The 5th-floor flat has no lift.")
    assert_same("The fifth-floor flat has no lift.", "The flat on the fifth floor has no lift.")
    assert_caught(
        "The fifth-floor flat has no lift.", "The sixth-floor flat has no lift.", "numbers"
    )


# --- a count a rewording adds -----------------------------------------------------------


def test_a_count_in_words_of_what_the_other_side_names_that_many_times_is_a_rewording() -> None:
    named = "The Basic plan is $8 a month. The Family plan is $15 a month."
    assert_same(named, "We have two monthly plans: Basic at $8 and Family at $15.")
    # more than the other side names is a count it does not say
    assert_caught(named, "We have three monthly plans: Basic at $8 and Family at $15.", "numbers")


def test_a_count_both_sides_give_still_counts() -> None:
    one = "You have two refills left. Each refill takes a day; ask for refills early."
    assert_caught(one, "You have one refill left. Each refill takes a day; ask early.", "numbers")


# --- the working week, a possessive unit, a value set against another -------------------


def test_monday_to_friday_is_weekdays_and_saturday_and_sunday_the_weekend() -> None:
    stated = "We answer calls Monday to Friday, 8am to 6pm, and on Saturday and Sunday until noon."
    assert_same(stated, "Calls are answered 08:00–18:00 on weekdays and until 12:00 at weekends.")
    # one end of the week named alone is not the group
    assert_caught("The depot is closed on Sundays.", "The depot is closed at weekends.", "weekdays")
    assert_caught(stated, stated.replace("Friday", "Thursday"), "weekdays")


def test_a_possessive_unit_is_its_quantity() -> None:
    assert values("Give us a day's notice.", "quantities") == ["86400 s"]
    assert_same("Cancel with 24 hours' notice.", "Cancel with a day's notice.")
    assert_caught("Cancel with 48 hours' notice.", "Cancel with a day's notice.", "quantities")


def test_a_value_set_against_another_with_not_is_no_negation() -> None:
    stated = "The train now leaves at 14:35 instead of 12:10."
    assert_same(stated, "The train now leaves at 2:35pm, not 12:10pm.")
    assert_caught("The train leaves at 14:35.", "The train does not leave at 14:35.", "negation")


def test_two_negations_of_one_clause_gone_together_cancel() -> None:
    stated = "Visitors must not enter the lab without a signed permit."
    assert_same(stated, "Visitors need a signed permit to enter the lab.")
    # a negation gone alone still counts
    assert_caught(
        "Never share your code unless we ask in writing.",
        "Always share your code unless we ask in writing.",
        "negation",
    )


# --- a step merged into another sentence --------------------------------------------------

STEPS = """Before the test:
1. Avoid alcohol for 24 hours beforehand; you may drink tea.
2. Bring your referral letter.
3. Arrive 20 minutes early."""


def test_a_step_merged_into_prose_with_its_values_is_kept() -> None:
    merged = (
        "Have no alcohol in the 24 hours before the test (tea is fine), come 20 minutes "
        "early and bring your referral letter."
    )
    assert_same(STEPS, merged)


def test_a_step_dropped_with_its_values_is_still_dropped() -> None:
    dropped = "Before the test, bring your referral letter and arrive 20 minutes early."
    assert_caught(STEPS, dropped, "steps")


def test_every_conditional_subordinator_marks_a_condition() -> None:
    stated = "If in doubt, call the duty manager on extension 210."
    for marker in ("Whenever you are unsure", "In the event you are unsure"):
        assert_same(stated, f"{marker}, call the duty manager on extension 210.")
    assert_caught(stated, "Call the duty manager on extension 210.", "conditions")


def test_a_negation_does_not_reach_past_since() -> None:
    stated = "The payment failed because the card expired."
    assert_same(stated, "The payment didn't go through since the card had expired.")
    assert_caught(stated, "The payment failed because the card had not expired.", "polarity")


def test_a_condition_whose_values_are_said_is_kept() -> None:
    stated = "Early-bird prices apply until 31 January."
    assert_same(stated, "You get the early-bird price if you book by 31 January.")
    # a condition with a value the other side does not state is still added
    assert_caught(stated, "You get the early-bird price if you book by 28 January.", "conditions")


def test_the_items_of_a_list_share_its_negation() -> None:
    stated = "Pets and bicycles are not allowed on the ferry deck."
    assert_same(stated, "No pets or bicycles may be brought onto the ferry deck.")
    assert_caught(
        "Pets and bicycles are allowed on the ferry deck.",
        "No pets or bicycles may be brought onto the ferry deck.",
        "negation",
    )


def test_a_word_hyphenated_after_a_code_is_no_part_of_it() -> None:
    assert values("Only IP67-rated phones qualify.", "identifiers") == ["IP67"]
    assert_same("Only IP67-rated phones qualify.", "Only phones rated IP67 qualify.")
    assert_caught(
        "Only IP67-rated phones qualify.", "Only IP68-rated phones qualify.", "identifiers"
    )


def test_a_time_a_stated_duration_before_a_stated_time_is_said() -> None:
    stated = "The gate closes 20 minutes before the 18:40 departure."
    assert_same(stated, "The gate closes at 18:20, twenty minutes before the 18:40 departure.")
    assert_caught(
        stated, "The gate closes at 18:10, twenty minutes before the 18:40 departure.", "times"
    )
    # a duration in another sentence moves no time: "07:00" and "a 1-hour slot" say no 08:00
    apart = "We deliver between 07:00 and 11:00. You'll get a 1-hour slot the evening before."
    assert_caught(apart, apart.replace("07:00", "08:00"), "times")


def test_shall_with_i_or_we_is_an_offer_not_an_obligation() -> None:
    stated = "Would you like to wait, or can we cancel the order for you?"
    assert_same(stated, "Would you like to wait, or shall we cancel the order for you?")
    assert_caught("We may refund you.", "We shall refund you.", "modality")


def test_unlikely_is_probably_not() -> None:
    stated = "It's unlikely that the storm will close the bridge."
    assert_same(stated, "The storm probably won't close the bridge.")
    assert_caught(
        "The storm will probably close the bridge.",
        "The storm probably won't close the bridge.",
        "negation",
    )
