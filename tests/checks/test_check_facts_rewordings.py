"""`facts` on kinds of harmless rewording (issue 25): each kind is one way English says
the same fact twice, written here from examples of its own, not from the labelled pairs.
Beside each rewording, a change that looks like it must still be caught, so no kind is
passed by ignoring what it touches."""

from __future__ import annotations

import pytest

from helpers.facts_pairs import assert_caught, assert_same, judge, kinds
from migrate_check.checks.builtin.fact_extraction import extract
from migrate_check.checks.builtin.fact_lexicon import DEFAULT_LEXICON, Lexicon


def values(text: str, kind: str) -> set[str]:
    return {fact.value for fact in extract(text).facts if fact.kind == kind}


# --- a negation said without a negation word -------------------------------------------

NEGATED_IN_OTHER_WORDS = [
    # a word that negates the claim in its clause: lacking, waiving, fixing, refusing ...
    (
        "Your receipt was missing. Please send the claim again with the receipt attached.",
        "Your receipt wasn't attached. Please send the claim again with the receipt attached.",
    ),
    (
        "There is no delivery charge if you spend at least $50; otherwise it is $5.",
        "Delivery charge: $5, waived if you spend at least $50.",
    ),
    (
        "The app no longer freezes when you rotate the screen.",
        "We fixed a freeze when you rotate the screen.",
    ),
    ("You declined paper statements.", "Paper statements: no"),
    # "unless" is "if not", "until" is "while not"
    (
        "You can edit the order until it ships.",
        "You can edit the order as long as it has not shipped.",
    ),
    ("We charge a fee unless you return it.", "We charge a fee if you do not return it."),
    # a pole that is the negation of the other (its axis holds "disallowed")
    ("The data may not be downloaded.", "Downloading the data is prohibited."),
    # "if not" stands for "otherwise": it negates no claim of its own
    (
        "Please reply within 10 days, otherwise the offer lapses.",
        "Please reply within 10 days; if not, the offer lapses.",
    ),
    # a zero is a "nothing"
    ("Shipping: £0 to pay on this order.", "There is nothing to pay for shipping on this order."),
    # the same prefixed word in another form
    ("The driver needs help with unloading.", "Loading bay: rear. Have someone to help unload."),
    # a double negative in one clause is a requirement
    ("Never pay without a receipt.", "Always pay with a receipt."),
    (
        "Cars may not go on the ferry without prior approval.",
        "Taking a car on the ferry requires prior approval.",
    ),
    # "not ... until" is a bound in time
    ("The store doesn't open until 10 am.", "The store opens at 10 am."),
    # "No." before a value is a number sign
    ("Invoice no.: INV-2231", "Invoice number INV-2231"),
    # a negation reaches an opposite later in its clause; "out of stock" negates too
    ("We don't have the blue mug in stock today.", "The blue mug is out of stock today."),
]


@pytest.mark.parametrize(("baseline", "candidate"), NEGATED_IN_OTHER_WORDS)
def test_a_negation_said_in_other_words_is_no_change(baseline: str, candidate: str) -> None:
    assert_same(baseline, candidate)


@pytest.mark.parametrize(
    ("baseline", "candidate"),
    [
        ("The signed form was not attached.", "The signed form was attached."),
        ("Pets may not be brought inside the cabin.", "Pets may be brought inside the cabin."),
        (
            "The fee is not refundable, and the tax is refundable.",
            "The fee is refundable, and the tax is not refundable.",
        ),
        ("The app no longer freezes on rotation.", "The app freezes on rotation."),
        ("There is no delivery charge.", "There is a delivery charge."),
        ("The form is not available in print.", "The form is available in print."),
        ("We don't have the blue mug in stock.", "We have the blue mug in stock."),
        # a negating word elsewhere does not answer a new negation: the other side says it too
        (
            "The form was missing. Please attach the form.",
            "The form was missing. Please do not attach the form.",
        ),
        (
            "Your card was declined. Use the card again.",
            "Your card was declined. Don't use the card again.",
        ),
        # two negations of two clauses are no double negative
        (
            "We don't charge fees and we don't ask a deposit.",
            "We charge fees and we ask a deposit.",
        ),
        # "until" negates what follows it, not the claim before it
        ("You can cancel until the order ships.", "You cannot cancel until the order ships."),
    ],
)
def test_a_negation_lost_is_still_caught(baseline: str, candidate: str) -> None:
    assert_caught(baseline, candidate, "negation")


def test_a_negated_negative_pole_is_its_other_pole() -> None:
    result = judge("The item is out of stock.", "The item is not out of stock.")
    assert kinds(result) == {"polarity"}, result.reason
    assert_same("The item is not unavailable.", "The item is available.")


def test_a_pole_negates_only_when_its_axis_holds_a_prefixed_word_of_the_other() -> None:
    assert {"forbidden", "prohibited", "unavailable", "invalid"} <= DEFAULT_LEXICON.negating
    assert not {"optional", "weekly", "closed"} & DEFAULT_LEXICON.negating
    custom = Lexicon.build([[["kosher"], ["unkosher", "treif"]]])
    assert "treif" in custom.negating and "kosher" not in custom.negating


# --- conditions said another way, and what is no condition ---------------------------------

CONDITIONS_REWORDED = [
    # a question an answer goes on after is a condition of what follows
    (
        "If you must rearrange, call the front desk a day before.",
        "Need a different slot? Call the front desk a day before.",
    ),
    # an inverted "should" is an "if", its subject a pronoun, a name or a value
    (
        "If the parcel arrives damaged, keep the packaging.",
        "Should it turn up broken, keep the packaging.",
    ),
    (
        "It now arrives on 15 July. If the new date doesn't suit you, you can cancel.",
        "It now arrives on 15 July. Should 15 July not work for you, you can cancel.",
    ),
    # what a condition depends on is its content, not its modals or its numbers in words
    ("Offer water only for 2 days.", "Offer water only for two days."),
    ("If you ever need to make a claim, write to us first.", "For any claim, write to us first."),
    ("Bring your old card if you can.", "Bring your old card, if possible."),
    # a hypothetical said without "if"
    (
        "Paying an extra $50 a month would clear the debt 6 months sooner.",
        "If you paid an additional $50 each month, you'd be debt-free 6 months sooner.",
    ),
    # an offer ("if you'd like") conditions no claim
    (
        "Your plan renews in May. Tell us if you'd like a different plan.",
        "Your plan renews in May; other plans are available on request.",
    ),
    # "as long as" that compares a length
    ("Uploads take twice the normal time.", "Uploads take twice as long as usual."),
    ("Repairs can take up to 10 days.", "Repairs can take as long as ten days."),
    # a compound with or without its hyphens
    (
        "We lend a car if you choose a weekday-morning slot.",
        "Loan car: available for a weekday morning slot.",
    ),
]


@pytest.mark.parametrize(("baseline", "candidate"), CONDITIONS_REWORDED)
def test_a_condition_said_another_way_is_no_change(baseline: str, candidate: str) -> None:
    assert_same(baseline, candidate)


@pytest.mark.parametrize(
    ("baseline", "candidate"),
    [
        ("Refunds are issued if the box is unopened.", "Refunds are issued."),
        ("Want a refund? Return the box unopened.", "Return the box unopened."),
        ("We lend a car if you book an early slot.", "We lend a car."),
        ("Should the flight be cancelled, we rebook you.", "We rebook you."),
        ("If you paid $50 more, you would finish sooner.", "You would finish sooner."),
    ],
)
def test_a_condition_dropped_is_still_caught(baseline: str, candidate: str) -> None:
    assert_caught(baseline, candidate, "conditions")


def test_a_question_conditions_what_follows_but_not_when_it_is_the_last() -> None:
    assert {f.raw for f in extract("New card? Call us.").of("conditions")} == {"New card"}
    assert extract("Call us. Any other questions?").of("conditions") == []
    assert extract("What should you bring? Bring ID.").of("conditions") == []


# --- hedges and modals said another way ----------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "candidate"),
    [
        # "may" and "can" both say it is possible, or both permit
        ("Each member can bring one guest.", "Each member may bring one guest."),
        (
            "Collection may take up to 10 working days.",
            "Collection can take up to 10 working days.",
        ),
        # a hedge verb in another form
        ("We expect the site back within 2 hours.", "The site is expected back within 2 hours."),
        # a hedge by a noun of chance
        ("It might rain tomorrow afternoon.", "There's a chance of rain tomorrow afternoon."),
        # an intention or a forecast is no more certain than a hedge
        ("We expect to hire 15 new staff.", "Around fifteen new hires are planned."),
        ("We aim to announce the results by June.", "Results: expected by June."),
        # "need" with an -ing form is "need to be"; a verb said twice with one strength
        (
            "The tyres need replacing. We recommend replacing them soon.",
            "The tyres need to be replaced, and our advice is to do it soon.",
        ),
    ],
)
def test_a_hedge_or_modal_said_another_way_is_no_change(baseline: str, candidate: str) -> None:
    assert_same(baseline, candidate)


@pytest.mark.parametrize(
    ("baseline", "candidate", "kind"),
    [
        (
            "The site will probably be back within 2 hours.",
            "The site will be back within 2 hours.",
            "hedges",
        ),
        ("The parcel may arrive on Friday.", "The parcel will arrive on Friday.", "hedges"),
        (
            "We expect to hire 15 new staff.",
            "We will hire 15 new staff. The plan is set.",
            "hedges",
        ),
        ("We will probably launch in May.", "We will launch in May as planned.", "hedges"),
        ("There's a chance of rain on Friday.", "It will rain on Friday.", "hedges"),
        (
            "Funds are expected in your project account.",
            "Funds will be in your project account.",
            "hedges",
        ),
        ("You should renew the permit.", "You must renew the permit.", "modality"),
        ("The tyres need replacing.", "The tyres could be replaced.", "modality"),
    ],
)
def test_a_hedge_or_modal_changed_is_still_caught(baseline: str, candidate: str, kind: str) -> None:
    assert_caught(baseline, candidate, kind)


# --- values said in forms their canonical forms do not make equal ----------------------------

VALUES_REWORDED = [
    # a year said apart from its date
    ("Term: 1 May – 31 May 2026", "Term: May 1–31, 2026"),
    # "100%" as a word of wholeness
    ("The bag is 100% waterproof.", "The bag is completely waterproof."),
    # "every" a period, and that frequency in one word
    ("Interest is paid quarterly.", "Interest is paid every three months."),
    ("Backups run every 7 days.", "Backups run weekly."),
    # a difference of two values the other side states
    ("Your rent goes from $900 to $950.", "Your rent goes up $50, from $900 to $950."),
    # the end of a range said as a range of another kind
    ("Open to people aged 18–30.", "Open to people between 18 and 30 years old."),
    # a zero said as "nothing"
    ("Cancellation: £0 to pay.", "There is nothing to pay for cancellation."),
    # numbers in hyphenated words
    ("Each session lasts 1 hour.", "Each session is hour-long."),
    ("There is a 15-minute break.", "There is a quarter-hour break."),
    ("It is a 0.5 FTE post.", "It is a half-time post."),
    ("The tank is 3/4 full.", "The tank is three-quarters full."),
    # a fraction in digits is a share, as in words; "28/03" is a day and a month
    ("You scored 87/100.", "You scored 87 out of 100."),
    ("Add 1/2 cup of milk.", "Add half a cup of milk."),
    ("Paid on 28/03.", "Paid on 28 March."),
    # a date in digits says no order of day and month against one with the month named
    ("Due on 03/09/2025.", "Due on 3 September 2025."),
    ("Due on 03/09/2025.", "Due on 9 March 2025."),
    # a phone number with or without its country or trunk prefix
    ("Call 1-800-555-0199.", "Call (800) 555-0199."),
    ("Call +1 800 555 0199.", "Call 800-555-0199."),
    # minutes glued after hours, a vulgar fraction, "a couple of", "half a percent"
    ("The flight takes 1h 30m.", "The flight takes an hour and a half."),
    ("It takes 3½ hours.", "It takes three and a half hours."),
    ("Reply within a couple of days.", "Reply within 2 days."),
    ("The fee is 0.5%.", "The fee is half a percent."),
    ("Q3 revenue rose.", "Third-quarter revenue rose."),
    # "a second" that counts, and "of an inch" after a fraction
    ("A second late payment adds a fee.", "A 2nd late payment adds a fee."),
    ('Tread depth: 5/32"', "Tread depth: 5/32 of an inch"),
    # a count said by listing what it counts
    (
        "Please send your ID, a utility bill and a bank statement.",
        "Three documents are needed: your ID, a utility bill and a bank statement.",
    ),
    ("Bring a towel; and a padlock.", "Bring 2 things: a towel; and a padlock."),
    # a code with or without its space
    ("Your flight BA 287 leaves at 9:40.", "Your flight BA287 leaves at 9:40."),
    # a number in the plural in a hyphenated word
    ("Entry is free for children under 5.", "Entry is free for under-fives."),
    ("Entry is free for children under 3.", "Entry is free for under-3s."),
    # a dollar named by the code after it
    ("Total: CAD 1,284.56", "Total: $1,284.56 CAD"),
    # a share said as a ratio, in digits or in words
    ("About 20% of users saw the error.", "Roughly one in five users saw the error."),
    ("About 25% of users saw the error.", "About 1 in 4 users saw the error."),
    # a time on the hour, its hour said bare in a range
    ("Downtime: 01:00 to 03:00 UTC.", "Downtime: 1–3 am UTC."),
    # a unit spelt out
    ("The limit is 50 km/h.", "The limit is 50 kilometres per hour."),
    # a weekday shortened before a colon or at the end of a range
    ("Saturday: 9 am to 1 pm", "Sat: 09:00–13:00"),
    ("Open Monday to Saturday.", "Open Mon–Sat."),
    # "an hour" before "after": how long, as "1 hour" is
    ("Clocks shift by 1 hour after the change.", "Clocks shift by an hour after the change."),
]


@pytest.mark.parametrize(("baseline", "candidate"), VALUES_REWORDED)
def test_a_value_said_in_another_form_is_no_change(baseline: str, candidate: str) -> None:
    assert_same(baseline, candidate)


@pytest.mark.parametrize(
    ("baseline", "candidate", "kind"),
    [
        ("Term: 1 May – 31 May 2026", "Term: May 1–31, 2027", "numbers"),
        ("The bag is 100% waterproof.", "The bag is 90% waterproof.", "percentages"),
        (
            "Interest is paid every three months.",
            "Interest is paid every six months.",
            "quantities",
        ),
        (
            "Your rent goes from $900 to $950.",
            "Your rent goes up $60, from $900 to $950.",
            "amounts",
        ),
        (
            "Your rent goes from $900 to $950.",
            "Your rent goes from $900 to $950, plus a $50 fee.",
            "amounts",
        ),
        ("Open to people aged 18–30.", "Open to people between 18 and 35 years old.", "numbers"),
        ("Cancellation: £0 to pay.", "Cancellation: £10 to pay.", "amounts"),
        ("There is a 15-minute break.", "There is a half-hour break.", "quantities"),
        ("The tank is 3/4 full.", "The tank is seven-eighths full.", "percentages"),
        ("You scored 87/100.", "You scored 78 out of 100.", "percentages"),
        ("Due on 03/09/2025.", "Due on 4 September 2025.", "dates"),
        ("Call 1-800-555-0199.", "Call (800) 555-0198.", "numbers"),
        ("The flight takes 1h 30m.", "The flight takes an hour and 20 minutes.", "quantities"),
        ("It takes 3½ hours.", "It takes three hours.", "quantities"),
        (
            "Please send your ID and a utility bill.",
            "Three documents are needed: your ID and a utility bill.",
            "numbers",
        ),
        ("Total: CAD 1,284.56", "Total: $1,284.56 AUD", "amounts"),
        ("Your flight BA 287 leaves at 9:40.", "Your flight BA278 leaves at 9:40.", "identifiers"),
        ("Entry is free for children under 5.", "Entry is free for under-sixes.", "numbers"),
        (
            "About 20% of users saw the error.",
            "About one in four users saw the error.",
            "percentages",
        ),
        ("Downtime: 01:00 to 03:00 UTC.", "Downtime: 1–4 am UTC.", "times"),
        ("Saturday: 9 am to 1 pm", "Sun: 09:00–13:00", "weekdays"),
    ],
)
def test_a_value_changed_is_still_caught(baseline: str, candidate: str, kind: str) -> None:
    assert kind in kinds(judge(baseline, candidate)), judge(baseline, candidate).reason


def test_numbers_in_hyphenated_words_are_read() -> None:
    assert values("an hour-long call and a week-long trip", "quantities") == {"3600 s", "604800 s"}
    assert values("a quarter-hour and a three-quarter-hour wait", "quantities") == {
        "900 s",
        "2700 s",
    }
    assert values("a half-price ticket", "percentages") == {"50%"}
    assert values("two-thirds of members", "percentages") == {"66.67%"}  # as "2/3" reads
    assert values("third-quarter sales", "identifiers") == {"Q3"}
    assert values("a second opinion", "numbers") == {"2"}
    assert values("wait a second before you click", "quantities") == {"1 s"}


def test_a_whole_number_and_a_fraction_hyphenated_are_one_value() -> None:
    assert values("a three-and-a-half-hour session", "quantities") == {"12600 s"}
    assert values("two-and-a-half of them", "numbers") == {"2.5"}
    assert_same("A 2.5-day course in May.", "A two-and-a-half-day course in May.")
    assert "quantities" in kinds(judge("A 3-hour session.", "A three-and-a-half-hour session."))


# --- names and steps -------------------------------------------------------------------------


def test_a_word_capitalised_by_its_letter_before_a_hyphen_is_no_name() -> None:
    assert_same("It includes full-mouth X-rays.", "It includes full-mouth radiographs.")
    assert values("Wear a T-shirt to Bristol.", "entities") == {"bristol"}


def test_a_capitalised_word_after_an_abbreviation_that_ends_a_phrase_is_no_name() -> None:
    assert_same(
        "Limit: 100 per min. Going over it returns an error.",
        "Limit: 100 per minute; requests above it return an error.",
    )
    assert values("See Dr. Okafor or Prof. Lee.", "entities") == {"okafor", "lee"}


def test_an_instruction_verb_as_a_label_is_no_step() -> None:
    baseline = "To reset it, open Settings and click Reset. The link lasts 30 minutes."
    candidate = "1. Open Settings\n2. Click Reset\n\nNote: the link is valid for half an hour."
    assert_same(baseline, candidate)
    assert len(extract("Note: it expires.\nCheck: the date.").steps) == 0


def test_a_step_with_a_number_in_words_or_in_digits_is_one_step() -> None:
    baseline = (
        "We cover:\n1. Flights in economy\n2. Hotel: a maximum of three nights, capped at"
        " $150 a night\n3. Meals at the daily rate"
    )
    candidate = (
        "We cover flights in economy, meals at the daily rate and up to 3 hotel nights at"
        " no more than $150 per night."
    )
    assert_same(baseline, candidate)
    dropped = "We cover flights in economy and up to 3 hotel nights at $150 per night."
    assert_caught(baseline, dropped, "steps")


def test_a_name_is_told_by_its_words_but_stopwords() -> None:
    # (in the body: a name in a greeting or a signature is no fact, see
    # test_check_facts_heavy_rewordings)
    baseline = "Your membership freeze with The FitHub Team is confirmed for all of May."
    assert_same(baseline, "Your membership freeze with FitHub is confirmed for all of May.")
    changed = "Your membership freeze with The GymCo Team is confirmed for all of May."
    assert_caught(baseline, changed, "entities")


def test_a_name_with_or_without_its_hyphen_is_the_same_name() -> None:
    assert_same("Hours are in UK time.", "Hours are in UK-time.")
    assert_caught("Hours are in UK time.", "Hours are in US-time.", "entities")
