"""`facts` on values and claims said in everyday words (issue 25, round 9): a request
asked as a question, "every quarter", a "24-hour" line, "a pound coin", codes given as
alternatives, a phone number before a duration, "nobody" or "nothing" with the verb
reworded, a count of choices, "should" with a passive, and a name kept in its address.
Examples are written here, not taken from the labelled pairs; beside each, a
change that must still be caught.
"""

from __future__ import annotations

from helpers.facts_pairs import assert_caught, assert_same, judge
from helpers.facts_pairs import kinds as facts_kinds
from migrate_check.checks.builtin.fact_extraction import extract


def kinds(text: str) -> list[str]:
    return sorted(fact.kind for fact in extract(text).facts)


def test_a_request_asked_as_a_question_is_no_hedge() -> None:
    assert_same("Could you send the form by Friday?", "Please send the form by Friday.")
    assert_same("Could you check your locker?", "Would you be able to check your locker?")
    assert "hedges" not in kinds("Could you send the form by Friday?")
    # not a question to the reader: still a hedge
    assert "hedges" in kinds("The parcel could arrive on Friday.")
    assert "hedges" in kinds("Could the parcel arrive on Friday? It could.")
    assert_caught(
        "The parcel could arrive on Friday.", "The parcel will arrive on Friday.", "hedges"
    )


def test_every_quarter_is_every_three_months() -> None:
    assert_same("Deliveries follow every 3 months.", "A delivery follows every quarter.")
    assert_same("We invoice each quarter.", "We invoice every three months.")
    assert_caught(
        "Deliveries follow every 3 months.", "Deliveries follow every month.", "quantities"
    )
    # "a quarter" alone may be a share, not a period
    assert_caught(
        "Deliveries follow every 3 months.", "A quarter of deliveries follow.", "quantities"
    )


def test_a_24_hour_line_is_a_line_around_the_clock() -> None:
    assert_same("Call our 24-hour line on 0800 123.", "Call our round-the-clock line on 0800 123.")
    assert_caught(
        "Call our 24-hour line on 0800 123.", "Call our 12-hour line on 0800 123.", "quantities"
    )
    # a deadline of 24 hours is no service around the clock
    assert_caught(
        "Cancel 24 hours ahead; the desk is staffed around the clock.",
        "Cancel ahead; the desk is staffed around the clock.",
        "quantities",
    )


def test_one_pound_dollar_or_euro_in_words() -> None:
    assert_same("The lockers need a £1 coin.", "The lockers need a pound coin.")
    assert_same("Tips of $1 are welcome.", "Tips of one dollar are welcome.")
    assert_caught("The lockers need a £1 coin.", "The lockers need a £2 coin.", "amounts")
    assert_caught("The lockers need a £1 coin.", "The lockers need a euro coin.", "amounts")


def test_codes_given_as_alternatives() -> None:
    assert_same("Bring a hat (PAS015/VG1 standard).", "Bring a hat (PAS015 or VG1 standard).")
    assert_same("Bring a hat (PAS015 or VG1 standard).", "Bring a hat (PAS015/VG1 standard).")
    assert_caught(
        "Bring a hat (PAS015/VG1 standard).", "Bring a hat (PAS015 standard).", "identifiers"
    )
    assert_caught(
        "Bring a hat (PAS015 or VG1 standard).", "Bring a hat (PAS015/VG2 standard).", "identifiers"
    )


def test_a_phone_number_ends_before_a_duration() -> None:
    values = [
        (f.kind, f.value) for f in extract("Texted to +44 7700 900123 24 hours before.").facts
    ]
    assert ("numbers", "+447700900123") in values
    assert ("quantities", "86400 s") in values
    assert_same(
        "Your code is texted to +44 7700 900123 24 hours before you start.",
        "Your code is texted to +44 7700 900123 one day before you start.",
    )
    assert_caught(
        "Your code is texted to +44 7700 900123 24 hours before you start.",
        "Your code is texted to +44 7700 900123 48 hours before you start.",
        "quantities",
    )


def test_nobody_and_nothing_with_the_verb_reworded() -> None:
    assert_same(
        "If nobody's there we'll leave the parcel in a safe place by the door.",
        "If no one is in when we arrive, we'll leave the parcel in a safe place by the door.",
    )
    assert_same(
        "One bike was taken from N-09; nothing was removed from N-08. Both owners were told.",
        "A bike was stolen from N-09, while nothing was taken from N-08, and we told both owners.",
    )
    assert_caught(
        "If nobody's there we'll leave the parcel in a safe place by the door.",
        "If somebody's there we'll leave the parcel in a safe place by the door.",
        "negation",
    )
    assert_caught(
        "One bike was taken from locker N-09; nothing was removed from locker N-08.",
        "One bike was taken from locker N-09; a bike was removed from locker N-08.",
        "negation",
    )


def test_a_count_of_choices_whose_items_hold_an_and() -> None:
    assert_same(
        "You can either wait on board or cancel the charter.",
        "You have two options: stay on board and wait, or cancel the charter.",
    )
    assert_same(
        "Choose 'Destroy' and pay £2.50 a book, or 'Deliver' and pay £5 a book.",
        "There are two options: with 'Destroy' you pay £2.50 a book, while with 'Deliver'"
        " you pay £5 a book.",
    )
    # the other side counts them with another number: a changed count, list or not
    assert_caught(
        "You have two options: stay on board and wait, or cancel the charter.",
        "You have three options: stay on board and wait, cancel the charter, or take a voucher.",
        "numbers",
    )


def test_should_with_a_passive_is_an_instruction_not_a_hedge() -> None:
    assert_same(
        "Damaged bags: report them with photos within 48 hours.",
        "Any damaged bags should be reported with photos within 48 hours.",
    )
    assert "hedges" not in kinds("Any damaged bags should be sent back within 48 hours.")
    # a state the sender expects is still a hedge
    assert "hedges" in kinds("The bags should be ready by Friday.")
    assert_caught(
        "The bags should be ready by Friday.", "The bags will be ready by Friday.", "hedges"
    )


def test_an_adverb_between_a_modal_and_its_verb() -> None:
    assert_caught(
        "You must have had a blood test within the last 3 months.",
        "You should ideally have had a blood test within the last 3 months.",
        "modality",
    )
    assert_same(
        "You must have had a blood test within the last 3 months.",
        "You must always have had a blood test within the last three months.",
    )


def test_a_name_kept_only_in_its_address() -> None:
    assert_same(
        "Refunds at Spokes Lockers take 5 days. Email help@spokeslockers.com.",
        "Refunds take 5 days. Email help@spokeslockers.com.",
    )
    assert_caught(
        "Refunds at Spokes Lockers take 5 days. Email help@spokeslockers.com.",
        "Refunds at Bike Vault take 5 days. Email help@spokeslockers.com.",
        "entities",
    )
    # a name lost whose address does not hold it (an added name is no change)
    lost = judge(
        "Refunds at Spokes Lockers take 5 days. Email help@lockers.com.",
        "Refunds take 5 days. Email help@lockers.com.",
    )
    assert "entities" in facts_kinds(lost), lost.reason


def test_one_changed_in_place_is_a_changed_count() -> None:
    assert_caught(
        "The hub has two levels. Each locker holds one standard bike and a helmet.",
        "The hub has two levels. Each locker holds two standard bikes and a helmet.",
        "numbers",
    )
    assert_same(
        "The hub has two levels. Each locker holds one standard bike and a helmet.",
        "The hub has two levels. Each locker takes a single standard bike and a helmet.",
    )


def test_a_hedge_reworded_whole_in_the_same_sentence() -> None:
    assert_same(
        "A pump has been sourced and we expect heating and hot water to be back by 6pm.",
        "A pump has been sourced, and heating and hot water are expected to be back by 6pm.",
    )
    assert_same(
        "The pool light flickers; likely a failing transformer in the pool light.",
        "The pool light flickers, probably because the transformer is failing.",
    )
    assert_same(
        "If you'd rather see the mark in person, come in before Thursday.",
        "You're welcome to come in and see the mark before Thursday.",
    )
    # two hedges in one sentence, one made certain: still a change
    assert_caught(
        "We expect to sail in the morning, but the afternoon session may move to the harbour.",
        "We will sail in the morning, but the afternoon session may move to the harbour.",
        "hedges",
    )
    assert_caught(
        "We expect heating and hot water to be back by 6pm.",
        "Heating and hot water will be back by 6pm.",
        "hedges",
    )


def test_cannot_said_as_not_possible() -> None:
    assert_same(
        "Credits can't be transferred to another account.",
        "Transferring credits to another account isn't possible.",
    )
    assert_same(
        "However, we can't approve you for C1–C2 yet, because that needs 3 or more years of"
        " experience or a teaching qualification such as a J-Shine certificate.",
        "Approval for C1–C2 isn't possible yet: for those levels you'd need a teaching"
        " qualification such as a J-Shine certificate, or 3 or more years of experience.",
    )
    assert_caught(
        "Credits can't be transferred to another account.",
        "Transferring credits to another account is possible.",
        "negation",
    )


def test_a_compass_point_of_an_address_written_short() -> None:
    assert_same(
        "Our office is at 1900 Century Park E, Los Angeles.",
        "Our office is at 1900 Century Park East, Los Angeles.",
    )
    assert_caught(
        "Our office is at 1900 Century Park E, Los Angeles.",
        "Our office is at 1900 Century Park West, Los Angeles.",
        "entities",
    )


def test_an_opposite_said_of_a_time_or_by_a_label() -> None:
    assert_same(
        "The office is open until 4pm on Saturdays.", "On Saturdays the office closes at 4pm."
    )
    assert_same("The pool is closed until 10am.", "The pool opens at 10am.")
    assert_caught(
        "The office is open until 4pm on Saturdays.",
        "On Saturdays the office is closed until 4pm.",
        "polarity",
    )
    assert_caught("The office is open at 4pm.", "The office closes at 4pm.", "polarity")
    assert_same("You have no outstanding balance.", "Outstanding balance: none")
    assert_caught("You have no outstanding balance.", "Outstanding balance: £40", "polarity")


LONG_NOTICE = (
    "Safety notice for BubbleDrop customers\n"
    "We found a fault in the heater of some hot tubs. Please switch your heater off tonight."
    " An engineer will visit on Friday to replace the part. We will also give you a free"
    " night's hire for the trouble."
)


def test_a_name_that_went_with_its_heading_in_a_long_answer() -> None:
    reworded = (
        "We found a fault in the heater of some hot tubs, so please switch your heater off"
        " tonight. On Friday an engineer will visit to replace the part. For the trouble, we"
        " will also give you a free night's hire."
    )
    assert_same(LONG_NOTICE, reworded)
    # a name left out of a sentence that is still there is lost
    lost = judge(
        LONG_NOTICE.replace("An engineer", "Our engineer Dan Price"),
        LONG_NOTICE.replace("An engineer", "Our engineer"),
    )
    assert "entities" in facts_kinds(lost), lost.reason
    # a short answer has nowhere else to put it
    short = judge("Safety notice from BubbleDrop: switch the heater off.", "Switch the heater off.")
    assert "entities" in facts_kinds(short), short.reason


def test_a_negated_condition_said_as_a_rule_and_its_other_branch() -> None:
    assert_same(
        "Fuel must be returned at the same level, or we charge $3.50 per litre to refill.",
        "If the fuel isn't returned at the same level, refilling is charged at $3.50 per litre.",
    )
    assert_same(
        "Give notice in writing before half-term; otherwise next term's fee will be due.",
        "If you don't give notice in writing before half-term, next term's fee will be due.",
    )
    assert_same(
        "If you have an 88-key keyboard, great; if not, a 61-key one is fine for 2 months.",
        "An 88-key keyboard is great, but if you don't have one, a 61-key one is fine"
        " for 2 months.",
    )
    # the condition negated without the other branch said: a change
    assert_caught(
        "If the fuel isn't returned at the same level, refilling is charged at $3.50 per litre.",
        "If the fuel is returned at the same level, refilling is charged at $3.50 per litre.",
        "negation",
    )


def test_hedges_said_in_other_parts_of_speech_and_what_is_no_hedge() -> None:
    assert_same(
        "Estimated total: £5,640, including the interment fee of £1,480.",
        "The estimate comes to £5640 in total, including the £1480 interment fee.",
    )
    assert_same(
        "We're expecting a delivery on 4 September and can hold one for you.",
        "We're anticipating a delivery on 4 September and can reserve one for you.",
    )
    assert_same(
        "Only the 2 named team officials may coach from the technical area.",
        "Coaching from the technical area is limited to the two named team officials.",
    )
    assert_same(
        "Whether to keep the existing radiator as well.",
        "First, should the existing radiator stay as well?",
    )
    assert_same(
        "We're sorry and hope to see you back on the ice soon.",
        "Apologies, and we hope to see you back on the ice soon.",
    )
    assert_caught(
        "Estimated total: £5,640, including the interment fee of £1,480.",
        "Total: £5,640, including the interment fee of £1,480.",
        "hedges",
    )
    assert_caught(
        "The total may rise to £5,640 once the fee is added.",
        "The total will rise to £5,640 once the fee is added.",
        "hedges",
    )
    assert_caught(
        "We hope to finish the repair by Friday.", "We will finish the repair by Friday.", "hedges"
    )


def test_a_negated_condition_said_as_the_other_branch() -> None:
    assert_same(
        "Reply by 14 February. If we don't hear from you by then, the plot goes to the next"
        " person on the waiting list.",
        "Reply by 14 February - otherwise the plot goes to the next person on the waiting list.",
    )
    # a condition that negates nothing is no other branch of a rule
    assert_caught(
        "If you book by Friday, the fee for the plot is waived.",
        "The fee for the plot is waived; otherwise nothing changes.",
        "conditions",
    )


def test_numbers_said_in_everyday_forms() -> None:
    assert_same(
        "An unauthorised party gained access to the database.",
        "An unauthorised third party gained access to the database.",
    )
    assert_caught("The third visit is free.", "The fourth visit is free.", "numbers")
    assert_same(
        "The discount is for winter 2024/25 only.", "The discount is for winter 2024-2025 only."
    )
    assert_caught(
        "The discount is for winter 2024/25 only.",
        "The discount is for winter 2025-2026 only.",
        "numbers",
    )
    assert_same("Reception is open 24/7.", "Our reception never closes.")
    assert_same("The proceeds will be split 50/50.", "The proceeds will be divided equally.")
    assert_caught(
        "The proceeds will be split 50/50.", "The proceeds will be split 60/40.", "numbers"
    )
    assert_same(
        "Our key desk is open Mon–Fri 9–5:30.", "Our key desk is open 9am–5.30pm on weekdays."
    )
    assert_caught(
        "Our key desk is open Mon–Fri 9–5:30.", "Our key desk is open Mon–Fri 9–4:30.", "times"
    )


def test_a_modal_changes_only_on_the_same_claim() -> None:
    assert_same(
        "Out of hours, you can cut a poking wire with nail clippers. Apples and similar hard"
        " fruit should be sliced into small pieces rather than bitten.",
        "Out of hours, you can trim a poking wire with nail clippers. Apples and similar hard"
        " fruit should be cut into small pieces rather than bitten.",
    )
    # a short sentence says too little else to tell: the same claim, its strength changed
    assert_caught("You must pay in cash.", "You can pay by card.", "modality")
    assert_caught(
        "Out of hours, you can cut a poking wire with nail clippers.",
        "Out of hours, you must cut a poking wire with nail clippers.",
        "modality",
    )


def test_counts_bounds_and_zero_in_everyday_words() -> None:
    assert_same(
        "Items: 2 x 1.5 kg malt extract, 1 x 100 g hops.",
        "Items: malt extract 1.5 kilograms x2, hops 100 grams x1.",
    )
    assert_caught(
        "Items: 2 x 1.5 kg malt extract.", "Items: malt extract 1.5 kilograms x3.", "numbers"
    )
    assert_same(
        "We'll order a new copy, or put you on the list for a used one.",
        "We'll order a new copy, or put you on the list for a second-hand one.",
    )
    assert_same(
        "We've added a voucher for a free day rental.",
        "We've put a voucher for a complimentary day rental on your account.",
    )
    assert_same(
        "You can cancel for free up to 24 hours before your tour starts.",
        "Cancelling is free as long as it's done at least 24 hours before the tour starts.",
    )
    assert_caught("You can bring up to 2 guests.", "You can bring at least 2 guests.", "polarity")
    assert_same(
        "The panel will be replaced on Friday.\nCost to you: £0.",
        "The panel will be replaced on Friday. You won't pay anything for this.",
    )
    assert_caught(
        "The panel will be replaced on Friday.\nCost to you: £0.",
        "The panel will be replaced on Friday.\nCost to you: £40.",
        "amounts",
    )


def test_a_bare_number_in_the_unit_of_its_sentence() -> None:
    assert_same(
        "Rides are 30 minutes; each extra minute beyond 30 costs 15 cents.",
        "Rides are half an hour; each extra minute beyond half an hour costs 15 cents.",
    )
    assert_caught(
        "Rides are 30 minutes; each extra minute beyond 30 costs 15 cents.",
        "Rides are half an hour; each extra minute beyond 40 costs 15 cents.",
        "numbers",
    )


def test_days_amps_and_periods_said_another_way() -> None:
    assert_same(
        "Local transfers: Tue 8 and Wed 9 October, 09:00-17:00.",
        "On Tuesday the 8th and Wednesday the 9th it's available from 9am to 5pm.",
    )
    assert_caught(
        "Local transfers: Tue 8 and Wed 9 October.",
        "On Tuesday the 8th and Wednesday the 10th it's available.",
        "dates",
    )
    assert_same("Dates: Saturday 5 and Sunday 6 April.", "Dates: Sat 5 & Sun 6 April.")
    assert_same("A 13A socket within 10m.", "A 13-amp socket within 10 metres.")
    assert_same("Use the 30 A charger.", "Use the 30-amp charger.")
    assert_caught("Use the 30 A charger.", "Use the 40-amp charger.", "quantities")
    assert_same("Your 200Ah battery.", "Your 200 amp-hour battery.")
    assert_same(
        "Top up with an hour of driving every 2 days.",
        "Top up with an hour of driving every other day.",
    )
    assert_caught(
        "Top up with an hour of driving every 2 days.",
        "Top up with an hour of driving every other week.",
        "quantities",
    )
    assert_same(
        "Call our 24/7 line on 0113 496 0770.",
        "Ring our 24-hour line, 0113 496 0770, any day of the week.",
    )
    assert_same(
        "Watch for wind. If the wind picks up, stop use and deflate the castle.",
        "Watch for wind picking up. If that happens, stop use and deflate the castle.",
    )


def test_near_changes_the_rules_of_round_9_leave_caught() -> None:
    """Each rule above, against a change it must not hide (found by review)."""
    assert_caught(
        "Your parcel should be delivered on Monday.",
        "Your parcel will be delivered on Monday.",
        "hedges",
    )
    lost = judge(
        "If you don't reply, your booking is cancelled or refunded.",
        "If you reply, your booking is cancelled or refunded.",
    )
    assert "negation" in facts_kinds(lost), lost.reason
    assert_caught(
        "If you book online, the plot fee is not charged.",
        "The plot fee is not charged; otherwise nothing changes.",
        "conditions",
    )
    assert_caught(
        "You can cancel at most 24 hours before the class.",
        "You can cancel at least 24 hours before the class.",
        "polarity",
    )
    assert_caught(
        "You will get up to 24 hours notice.", "You will get at least 24 hours notice.", "polarity"
    )
    assert_caught("The office is open until 4pm.", "The office is closed before 4pm.", "polarity")
    assert_caught(
        "Adults: 1. Children: 2. Total: £40.", "Adults: 1. Children: 1. Total: £40.", "numbers"
    )
    assert_caught("We went for the BMW X5.", "We went for the BMW X3.", "identifiers")
    assert_caught(
        "Meet us at the East Harbour gate.",
        "Meet us at the West Harbour gate, e.g. by the cafe.",
        "entities",
    )
    assert_caught(
        "We need 24-hour notice to cancel; our desk is staffed around the clock.",
        "You can cancel any time; our desk is staffed around the clock.",
        "quantities",
    )
    assert_caught(
        "Costs are split 50/50 between you and the landlord.",
        "Costs are paid by the landlord, even for repairs.",
        "numbers",
    )
    assert_caught(
        "The class lasts 45 minutes with 60 students.",
        "The class lasts 45 minutes with 40 students.",
        "numbers",
    )
    assert_same("The shelf is a foot wide.", "The shelf is 12 inches wide.")
    assert_caught("The only option may be a refund.", "The only option will be a refund.", "hedges")
    assert_caught(
        "Your order has shipped. It will arrive on Monday. Tracking is in the app.",
        "Your order has shipped. It will arrive on Monday. Expect a 2-hour delay at the depot."
        " Tracking is in the app.",
        "quantities",
    )
    assert_caught(
        "Outstanding issues: 2. Refunds: none.", "Outstanding issues: 2. Refunds: 1.", "negation"
    )
    assert_same(
        "Outstanding balance: £40; late fees: none.",
        "You have an outstanding balance of £40 and no late fees.",
    )
    assert_caught(
        "The pharmacy is closed, and still staffed, at 9pm.",
        "The pharmacy opens at 9pm.",
        "polarity",
    )
    lost = judge(
        "Orders from Karen Books ship in 2 days. See example.com/karenina-books.",
        "Orders ship in 2 days. See example.com/karenina-books.",
    )
    assert "entities" in facts_kinds(lost), lost.reason


def test_round_9_last_forms() -> None:
    """Inches glued to their number, a list of "1)" items in one sentence, "may only ...
    with", and a period said as how often."""
    assert_same("Pit to pit 22in, length 24in.", "Pit to pit 22 inches, length 24 inches.")
    assert_caught("Pit to pit 22in.", "Pit to pit 23 inches.", "quantities")
    assert_same(
        "To prepare: 1) clean your bike, 2) bring your shoes, and 3) wear your usual kit.",
        "To prepare, clean your bike, bring your shoes and wear your usual kit.",
    )
    assert_caught("Scores: 1) 4-2, 2) 3-1.", "Scores: 1) 4-2, 2) 5-1.", "numbers")
    assert_same(
        "Political candidates can't be interviewed unless the station manager has approved"
        " it in writing.",
        "Political candidates may only be interviewed with the station manager's written approval.",
    )
    assert_same(
        "We review all verified shops every 6 months.",
        "Every verified shop is reviewed twice a year.",
    )
    assert_caught(
        "We review all verified shops every 6 months.",
        "Every verified shop is reviewed three times a year.",
        "quantities",
    )
    assert_caught(
        "A steroid injection in the last 3 months would exclude you.",
        "A steroid injection in the last 3 months would not exclude you.",
        "negation",
    )
