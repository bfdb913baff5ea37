"""`facts` on forms seen in unseen pairs (issue 25, round 11): a measure written in parts
("6 ft 2 in", "5'9\""), a date written day first after a weekday ("Fri 14/3"), the days
inside a range of days, a phrase with a value inside it ("have 7 days to"), a question
asked, a name and the letters it is then called by, a negation beside another one of its
clause, the "Yes." or "No." a reply opens with, a place labelled by a letter ("Room B")
and a name given where the other side gives another. Examples are written here, not
taken from the labelled pairs; beside each, a change that must still be caught.
"""

from __future__ import annotations

from helpers.facts_pairs import assert_caught, assert_same, judge
from migrate_check.checks.builtin.fact_extraction import extract


def _values(text: str, kind: str) -> set[str]:
    return {fact.value for fact in extract(text).facts if fact.kind == kind}


# --- measures in parts ---------------------------------------------------------------------


def test_a_measure_in_a_larger_and_a_smaller_unit_is_one_measure() -> None:
    assert _values("Height limit: 6 ft 2 in.", "quantities") == {"74 in"}
    assert _values("It weighs 5 lb 4 oz.", "quantities") == {"84 oz"}
    assert _values("It weighs 1 kg 200 g.", "quantities") == {"1200 g"}
    assert _values("For your height (5'9\") we suggest these.", "quantities") == {"69 in"}
    assert_same("Height limit: 6 ft 2 in.", "Height limit: 74 inches.")
    assert_same("He is 6 ft 2 in tall.", "He is 6 foot 2 tall.")
    assert_same("It weighs 1 kg 200 g.", "It weighs 1.2 kg.")
    assert_same(
        "Your height (5'9\") suits 170 cm skis.", "Your height (5 ft 9 in) suits 170 cm skis."
    )
    assert_caught("He is 6 foot 2 tall.", "He is 6 foot 4 tall.", "quantities")
    assert_caught(
        "Your height (5'9\") suits these.", "Your height (5 ft 10 in) suits these.", "quantities"
    )
    assert_caught("It weighs 5 lb 4 oz.", "It weighs 5 lb.", "quantities")


def test_two_measures_in_one_unit_side_by_side_are_not_added() -> None:
    # no larger unit before a smaller one: two lengths, not one
    assert _values("Cut 2 m 3 m and 4 m lengths.", "quantities") == {"2 m", "3 m", "4 m"}


def test_inches_after_feet_need_a_small_bare_number() -> None:
    assert _values("We sell 6 ft 20 panels.", "quantities") == {"72 in"}
    assert "20" in _values("We sell 6 ft 20 panels.", "numbers")


# --- dates and days ------------------------------------------------------------------------


def test_a_date_written_day_first_after_a_weekday_is_that_date() -> None:
    assert_same("We'll return your items on Friday 14 March.", "We'll return them on Fri 14/3.")
    assert_same("Cider pressing on Saturday 27 September.", "Cider pressing on Sat 27/9.")
    assert_caught("We'll return your items on Friday 14 March.", "Back on Fri 15/3.", "dates")


def test_only_a_weekday_before_a_slash_makes_it_a_date() -> None:
    # "camera-monitored 24/7" is around the clock, not 24 July after "Mon..."
    assert_same("Devices are camera-monitored 24/7.", "Devices are kept with cameras running 24/7.")


def test_the_days_inside_a_range_of_days_are_that_range() -> None:
    assert_same(
        "Sessions run Tuesday to Thursday.", "Sessions run Tuesday, Wednesday and Thursday."
    )
    assert_same("Open Mon–Fri.", "Open Monday, Tuesday, Wednesday, Thursday and Friday.")
    assert_same("Open Friday to Monday.", "Open Friday, Saturday, Sunday and Monday.")
    # a day of the range left out of the list, or one outside it, is a change
    assert_caught(
        "Open Monday to Friday.", "Open Monday, Tuesday, Thursday and Friday.", "weekdays"
    )
    assert_caught("Open Friday to Monday.", "Open Friday, Tuesday and Monday.", "weekdays")


# --- claims --------------------------------------------------------------------------------


def test_a_value_inside_a_phrase_breaks_the_phrase() -> None:
    # "have 7 days to appeal" holds no "have to"
    assert_same(
        "If your request is turned down, you can appeal in writing within 7 days.",
        "Should your request be refused, you have 7 days to appeal in writing.",
    )
    assert_caught("You have to appeal within 7 days.", "You can appeal within 7 days.", "modality")


def test_a_question_asked_hedges_and_obliges_nothing() -> None:
    assert_same(
        "How should I store my cheese? Wrap it in wax paper and keep it in the fridge.",
        "Storing your cheese: wrap it in wax paper and keep it in the fridge.",
    )
    assert_same("What should you bring? Your passport.", "Bring your passport.")
    assert_caught(
        "Your parcel should arrive on Monday.", "Your parcel will arrive on Monday.", "hedges"
    )


def test_should_of_a_person_is_asked_of_them_not_hedged() -> None:
    assert_same("Please don't let anyone move the boards.", "Nobody should move the boards.")
    assert_caught("The boards will be moved.", "The boards should be moved by Friday.", "hedges")


def test_a_name_is_kept_by_the_letters_it_is_then_called_by() -> None:
    baseline = (
        "You must complete the Training, Support and Development Standards (TSDS) "
        "workbook within 12 months."
    )
    assert_same(baseline, "You must complete the TSDS workbook within 12 months.")
    assert_same("Contact the Citizens Advice Bureau (CAB) today.", "Contact the CAB today.")
    assert_caught(baseline, "You must complete the TSSD workbook within 12 months.", "entities")
    assert_caught("Contact Maria Lopez (ML) today.", "Contact Mark Lee today.", "entities")


def test_a_negation_beside_another_of_its_clause_is_still_read() -> None:
    # "at no extra charge" on both sides: the "not" added negates "available"
    assert_caught(
        "Cue lockers are available for Gold members at no extra charge.",
        "Cue lockers are not available for Gold members at no extra charge.",
        "negation",
    )
    assert_same(
        "Cue lockers are available for Gold members at no extra charge.",
        "Gold members can use cue lockers at no extra charge.",
    )


def test_the_answer_a_reply_opens_with_is_read() -> None:
    question = "Do I need to be a member to play?\n\n"
    rest = " All players must be members; you can join online before the event."
    assert_caught(question + "Yes." + rest, question + "No." + rest, "polarity")
    assert_caught(
        "Are dogs allowed on the walks? Sorry, no. Dogs disturb the wildlife.",
        "Are dogs allowed on the walks? Yes, dogs on a short lead are welcome.",
        "polarity",
    )
    assert_same(question + "Yes." + rest, question + "Yes, you do." + rest)
    assert_same(question + "Yes." + rest, question.strip() + rest)  # the answer left out
    assert_same("No smoking on site. Parking is free.", "Parking is free. No smoking on site.")


def test_no_with_a_full_stop_ends_a_sentence_unless_a_number_follows() -> None:
    # "No. Provisional pharmacists can't act" is an answer and a claim, not "No. 5"
    assert_caught(
        "Can I work now? No. Provisional pharmacists can't act as Responsible Pharmacist.",
        "Can I work now? Yes. Provisional pharmacists can act as Responsible Pharmacist.",
        "negation",
    )
    assert _values("Order No. 5 ships today.", "numbers") == {"5"}


def test_a_place_labelled_by_a_letter_is_an_identifier() -> None:
    booking = "Session: Wednesday 9:00–11:00, Room {} (Ducklings)\nBooking ref: CR-77120"
    assert_caught(booking.format("B"), booking.format("D"), "identifiers")
    assert_same(booking.format("B"), booking.format("B").replace("Room B", "room B"))
    # a rewording that leaves the label out, or lists the letters, says the same
    assert_same(
        "Marcus will recalibrate the Zone A and Zone C cameras by Friday.",
        "The Zone A and C cameras will be recalibrated by Marcus by Friday.",
    )


def test_a_name_given_where_the_other_side_gives_another_is_a_change() -> None:
    baseline = (
        "The director will be Paul Jessop, assisted by Hannah Wu. "
        "Rulings questions should be directed to Paul during play."
    )
    assert_caught(baseline, baseline.replace("to Paul", "to Hannah"), "entities")
    assert_same(baseline, baseline.replace("to Paul", "to Paul Jessop"))


def test_a_date_with_its_year_said_is_the_same_date() -> None:
    assert_same("Half-term break: Saturday 15 February.", "Half-term break: Sat 15/02/2025.")
    assert_same("Half-term break: 15 February.", "Half-term: 15 February 2025.")
    assert_caught("Half-term: 15 February 2025.", "Half-term: 15 February 2026.", "dates")
    assert_caught("Half-term break: 15 February.", "Half-term break: 16/02/2025.", "dates")


def test_a_question_asked_as_a_heading_conditions_nothing() -> None:
    assert_same(
        "Can adults join circus classes? Adults are welcome on Monday evenings.",
        "Adults are very welcome: Monday evenings are adult-only sessions.",
    )
    # a question the answer goes on after without asking is an "if"
    assert_caught(
        "Need another slot? Call us on 0800 123 456.", "Call us on 0800 123 456.", "conditions"
    )


# --- the review's reproductions -----------------------------------------------------------


def test_review_letters_keep_a_name_only_when_they_are_its_initials() -> None:
    assert_caught(
        "Download the Acme Booking Form (PDF) from our site.",
        "Download the Zenith Booking Form (PDF) from our site.",
        "entities",
    )
    assert_caught(
        "Apply through Acme Insurance (UK) today.",
        "Apply through Zenith Insurance (UK) today.",
        "entities",
    )
    assert_caught(
        "Call Maria Lopez (HR) for rulings.", "For rulings, ask John Smith (HR).", "entities"
    )


def test_review_two_sizes_joined_by_and_are_two_sizes() -> None:
    assert_caught(
        "Bags are available in 1 kg and 500 g sizes.",
        "Bags are available in a 1.5 kg size.",
        "quantities",
    )
    assert_caught(
        "Cables come in 2 m and 50 cm lengths.", "Cables come in 2.5 m lengths.", "quantities"
    )
    assert_same("It takes 1 hour and 30 minutes.", "It takes 90 minutes.")
    assert _values("A 2 m 50 cm 3 mm rod.", "quantities") == {"2.503 m"}


def test_review_the_days_of_a_range_are_listed_in_one_sentence() -> None:
    assert_caught(
        "Deliveries run Monday to Wednesday.",
        "Deliveries run Monday and Wednesday. Collections run Tuesday.",
        "weekdays",
    )


def test_review_a_negation_next_to_at_no_charge_is_read() -> None:
    for baseline in (
        "Lockers are available for members at no extra charge.",
        "Parking is included at no extra cost.",
        "Towels are provided at no charge.",
    ):
        negated = baseline.replace(" are ", " are not ").replace(" is ", " is not ")
        assert_caught(baseline, negated, "negation")
    assert_same("No lockers are available.", "Lockers are not available.")


def test_review_a_claim_with_a_question_tag_still_claims() -> None:
    assert_caught(
        "When you arrive, you must sign in at reception, okay?",
        "When you arrive, you may sign in at reception, okay?",
        "modality",
    )


def test_review_an_answer_with_a_dash_after_it_is_read() -> None:
    assert_caught(
        "Do I need to book? No — just turn up.",
        "Do I need to book? Yes — just turn up.",
        "polarity",
    )


def test_review_a_phrase_broken_by_a_value_leaves_its_shorter_phrase() -> None:
    found = extract("Tours run daily except 25 December for staff training.").facts
    assert [f.raw for f in found if f.kind == "conditions"] == ["except"]


def test_review_24_7_is_no_date_and_weds_is_wednesday() -> None:
    assert_same("Benefit from 24/7 support.", "Enjoy 24/7 support.")
    assert_same("Reach us by 24/7 live chat.", "Reach us via 24/7 live chat.")
    assert_same("Service runs Weds 5/22.", "Service runs Wed 5/22.")
    assert_caught("Service runs Weds 5/22.", "Service runs Weds 5/23.", "dates")


def test_review_feet_and_inches_without_their_marks() -> None:
    assert_same("He is 5'9\" tall.", "He is 5'9 tall.")
    assert_same("Each kit has 6 ft 4 panels.", "Each kit has four 6 ft panels.")
    assert _values("Height: 6 ft 2 in.", "quantities") == {"74 in"}
    assert [f.raw for f in extract("Height: 6 ft 2 in.").facts] == ["6 ft 2 in"]


def test_review_two_parts_of_one_name_are_one_person() -> None:
    assert_same(
        "The director is Paul Jessop. Contact Paul for rulings.",
        "The director is Paul Jessop. Contact Jessop for rulings.",
    )


def test_review_a_relabelled_place_is_reported_once() -> None:
    findings = judge("The talk is in Room B.", "The talk is in Room D.").evidence["findings"]
    assert [(f["kind"], f["change"]) for f in findings] == [("identifiers", "changed")]


def test_compass_points_and_upper_and_lower_are_opposites() -> None:
    assert_caught(
        "Board at the pontoon at the eastern end of the harbour.",
        "Board at the pontoon at the western end of the harbour.",
        "polarity",
    )
    assert_caught(
        "The accessible car park is on the upper level.",
        "The accessible car park is on the lower level.",
        "polarity",
    )
    assert_same("Head north on the A1 for two miles.", "Drive two miles northbound on the A1.")
