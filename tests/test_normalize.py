"""Dense text said right, by category (issue 17): each category's own cases.

The spoken form is what episode.json records as `spoken`; the broader, categorized yardstick
is benchmarks/normalize.py.
"""

from __future__ import annotations

import pytest

from audioguide.speech import split_sentences, spoken_form
from audioguide.speech.dates import ambiguous_dates, day_first
from audioguide.speech.identifiers import grouped, say_version
from audioguide.speech.roman import roman_value


def said(text: str, lang: str = "en-US") -> str:
    return spoken_form(text, lang)


CASES = {
    "dates": [
        (
            "The clinic reopened on 11/7/2024.",
            "The clinic reopened on November seventh, twenty twenty-four.",
        ),
        ("We open on 25/12/2024.", "We open on December twenty-fifth, twenty twenty-four."),
        (
            "The deadline is 2025-01-31.",
            "The deadline is January thirty-first, twenty twenty-five.",
        ),
        ("Sales rose on Jan. 5, 2024.", "Sales rose on January fifth, twenty twenty-four."),
        ("It runs from March 3–5.", "It runs from March third to fifth."),
        ("Meet on Tue., Jan. 5.", "Meet on Tuesday, January fifth."),
    ],
    "times_ratios_scores": [
        ("Doors open at 7:30 a.m.", "Doors open at seven thirty a m."),
        ("The store closes at 21:30.", "The store closes at twenty-one thirty."),
        ("The match ended 2:0.", "The match ended two to nothing."),
        ("Brazil won 3-1 in the final.", "Brazil won three to one in the final."),
        ("Use a 3:1 ratio of water to rice.", "Use a three to one ratio of water to rice."),
        ("A 16:9 screen.", "A sixteen by nine screen."),
    ],
    "durations": [
        ("She finished in 2h 15m.", "She finished in two hours and fifteen minutes."),
        ("It took 2h45.", "It took two hours and forty-five minutes."),
        ("Her time was 1:02:30.", "Her time was one hour, two minutes and thirty seconds."),
        ("He ran the mile in 4:05.", "He ran the mile in four minutes and five seconds."),
        ("Hold the plank for 45s.", "Hold the plank for forty-five seconds."),
        ("She grew up in the 90s.", "She grew up in the nineties."),
    ],
    "rates_units": [
        ("He ran a 5:10/km split.", "He ran a five ten per kilometer split."),
        ("Hold 8:05/mi.", "Hold eight oh five per mile."),
        ("The limit is 50 km/h.", "The limit is fifty kilometers per hour."),
        ("The plan costs $12/mo.", "The plan costs twelve dollars per month."),
        ("Take it 3 times/day.", "Take it three times per day."),
        ("It uses 1.2 kWh/day.", "It uses one point two kilowatt hours per day."),
    ],
    "unit_abbreviations": [
        (
            "Add 1 tbsp of oil and 2 tsp of salt.",
            "Add one tablespoon of oil and two teaspoons of salt.",
        ),
        ("The car gets 35 mpg.", "The car gets thirty-five miles per gallon."),
        ("The line runs at 500 Mbps.", "The line runs at five hundred megabits per second."),
        ("Drink 2 L of water.", "Drink two liters of water."),
        ("Pour in 250 mL of milk.", "Pour in two hundred and fifty milliliters of milk."),
        (
            "Bake at 180°C or 350 °F.",
            "Bake at one hundred and eighty degrees Celsius or three hundred and fifty degrees "
            "Fahrenheit.",
        ),
    ],
    "signs": [
        ("Shares fell −8% on Monday.", "Shares fell minus eight percent on Monday."),
        ("It hit −5 °C overnight.", "It hit minus five degrees Celsius overnight."),
        ("The score moved +3 points.", "The score moved plus three points."),
        ("The error is ±0.5 mm.", "The error is plus or minus zero point five millimeters."),
    ],
    "money": [
        ("Revenue hit $3.4M.", "Revenue hit three point four million dollars."),
        ("It fell to €900m.", "It fell to nine hundred million euros."),
        ("He earns £3k a month.", "He earns three thousand pounds a month."),
        ("Tickets cost $5–$10.", "Tickets cost five dollars to ten dollars."),
    ],
    "context_abbreviations": [
        (
            "The bakery is on Elm St. Its bread sells out by noon.",
            "The bakery is on Elm Street. Its bread sells out by noon.",
        ),
        ("St. Louis is far from Main St.", "Saint Louis is far from Main Street."),
        ("Dr. Smith lives on Mulholland Dr.", "Doctor Smith lives on Mulholland Drive."),
        ("Read pp. 12-19 before Eq. 7.", "Read pages twelve to nineteen before Equation seven."),
        ("See Fig. 3 on p. 4.", "See Figure three on page four."),
        (
            "Mt. Everest is approx. 8,849 m tall.",
            "Mount Everest is approximately eight thousand eight hundred and forty-nine "
            "meters tall.",
        ),
        ("John Smith Sr. founded it.", "John Smith Senior founded it."),
        ("The book covers 1990–1995.", "The book covers nineteen ninety to nineteen ninety-five."),
    ],
    "identifiers": [
        (
            "Call +33 1 42 68 53 00 today.",
            "Call plus three three, one, four two, six eight, five three, zero zero today.",
        ),
        ("Call (555) 123-4567.", "Call five five five, one two three, four five six seven."),
        (
            "Patch CVE-2021-44228 now.",
            "Patch C V E twenty twenty-one, four four two two eight now.",
        ),
        ("The office is at 10115 Berlin.", "The office is at one zero one one five Berlin."),
        (
            "Send it to Beverly Hills, CA 90210.",
            "Send it to Beverly Hills, C A nine zero two one zero.",
        ),
        ("Her postcode is SW1A 1AA.", "Her postcode is S W one A, one A A."),
        (
            "The flight is BA 117 from gate B22.",
            "The flight is B A one seventeen from gate B twenty-two.",
        ),
        ("Go to room 214.", "Go to room two fourteen."),
        (
            "Update to v2.3.1 or Python 3.11.",
            "Update to version two point three point one or Python three point eleven.",
        ),
        ("Ubuntu 22.04 is here.", "Ubuntu twenty-two oh four is here."),
    ],
    "roman_numerals": [
        ("Henry VIII had six wives.", "Henry the Eighth had six wives."),
        ("Super Bowl LVII was in Arizona.", "Super Bowl fifty-seven was in Arizona."),
        ("Read Chapter IV first.", "Read Chapter four first."),
        ("World War II ended in 1945.", "World War two ended in nineteen forty-five."),
        ("Pope Benedict XVI resigned.", "Pope Benedict the Sixteenth resigned."),
        ("I think I can.", "I think I can."),
        ("They flew to Washington DC.", "They flew to Washington D C."),
    ],
    "fractions_scores": [
        (
            "Mix 2/3 cup flour with 1/4 tsp salt.",
            "Mix two thirds cup flour with one quarter teaspoon salt.",
        ),
        ("Whisk in 1 1/2 cups of sugar.", "Whisk in one and a half cups of sugar."),
        ("I give it 7/10.", "I give it seven out of ten."),
        ("It earns 4.5/5 stars.", "It earns four point five out of five stars."),
        ("A 60/40 split of stocks and bonds.", "A sixty forty split of stocks and bonds."),
    ],
    "symbols": [
        ("The room is 3×4 m.", "The room is three by four meters."),
        ("The area is 25 m².", "The area is twenty-five square meters."),
        ("If x = 5, then 2x = 10.", "If x equals five, then two x equals ten."),
        ("It costs ~$20.", "It costs about twenty dollars."),
        ("R&D spending grew at AT&T.", "R and D spending grew at A T and T."),
        ("We know 5 > 3.", "We know five is greater than three."),
    ],
    "acronyms": [
        ("IBM and the FBI signed a deal.", "I B M and the F B I signed a deal."),
        ("NATO and UNESCO met.", "Nato and Unesco met."),
        ("The CPUs are cheap.", "The C P Us are cheap."),
        ("The FBI's report came out.", "The F B I's report came out."),
        ("STOP and read the NOTE.", "STOP and read the NOTE."),
    ],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(t, e, id=f"{category}-{i}")
        for category, rows in CASES.items()
        for i, (t, e) in enumerate(rows)
    ],
)
def test_spoken_by_category(text, expected):
    assert said(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Open Mon.–Fri., 9 a.m.–5 p.m.", "Open Monday to Friday, nine a m to five p m."),
        ("Her 10K time was 41:32.", "Her ten K time was forty-one minutes and thirty-two seconds."),
        ("She has 10K followers.", "She has ten thousand followers."),
        ("Season with 1/2 tsp. of salt.", "Season with one half teaspoon of salt."),
        ("It runs 7 mi/day.", "It runs seven miles per day."),
        ("The pan is 9 in. wide.", "The pan is nine inches wide."),
        ("An 80/20 split.", "An eighty twenty split."),
        ("Fans rated it 1,000/100.", "Fans rated it one thousand out of one hundred."),
        ("Learning C# and F# fast.", "Learning C sharp and F sharp fast."),
        ("The 2019–20 season.", "The twenty nineteen to twenty twenty season."),
        ("The tour runs 1–3 June.", "The tour runs the first to the third of June."),
        ("Both CEOs' plans failed.", "Both C E Os' plans failed."),
        ("Report at 0800 hours.", "Report at oh eight hundred hours."),
        ("She is 5'11\" tall.", "She is five foot eleven tall."),
        ("Her reading was 120/80 mmHg.",
         "Her reading was one twenty over eighty millimeters of mercury."),
        ("Do 3x10 push-ups.", "Do three by ten push-ups."),
        ("The ISBN is 978-3-16-148410-0.",
         "The I S B N is nine seven eight, three, one six, one four eight four one zero, zero."),
        ("Your order #12345 shipped.", "Your order number one two three four five shipped."),
        ("Open port 8080 on 192.168.1.1.",
         "Open port eighty eighty on one ninety-two dot one sixty-eight dot one dot one."),
        ("The server returned HTTP 404.", "The server returned H T T P four oh four."),
        ("A 5G phone with a 4K screen.", "A five G phone with a four K screen."),
        ("Take vitamin B12 daily.", "Take vitamin B twelve daily."),
        ("She drove an F-150.", "She drove an F one fifty."),
        ("The USB-C port.", "The U S B-C port."),
        ("The mRNA vaccine.", "The m R N A vaccine."),
        ("Apples cost $5 per kg.", "Apples cost five dollars per kilogram."),
        ("Open at 9 a.m. daily.", "Open at nine a m daily."),
        ("The flight is 5 hr 40 min.", "The flight is five hours and forty minutes."),
        ("The walker charges $25/walk.", "The walker charges twenty-five dollars per walk."),
        ("Yields rose +0.25 points.", "Yields rose plus zero point two five points."),
        ("Grand Theft Auto V sold well.", "Grand Theft Auto five sold well."),
        ("Malcolm X spoke here.", "Malcolm X spoke here."),
        ("She hit 9/12 free throws.", "She hit nine out of twelve free throws."),
        ("Keep it ≥ 60°F.", "Keep it greater than or equal to sixty degrees Fahrenheit."),
        ("If x ≥ 5, stop.", "If x is greater than or equal to five, stop."),
    ],
)
def test_mixed_cases(text, expected):
    assert said(text) == expected


def test_scores_and_spelling_follow_the_region():
    assert said("The talk starts at 8.30pm sharp.", "en-GB") == (
        "The talk starts at eight thirty p m sharp."
    )
    assert said("Debt hit £2.6tn.", "en-GB") == "Debt hit two point six trillion pounds."
    assert said("The match ended 2:0.", "en-GB") == "The match ended two nil."
    assert said("They drew 0-0 at home.", "en-GB") == "They drew nil nil at home."
    assert said("Run 5 km.", "en-GB") == "Run five kilometres."
    assert said("Run 5 km.", "en-US") == "Run five kilometers."


def test_numeric_dates_follow_the_region():
    assert said("It reopened on 11/7/2024.", "en-GB") == (
        "It reopened on the eleventh of July, twenty twenty-four."
    )
    assert said("It reopened on 11/7/2024.", "en-US") == (
        "It reopened on November seventh, twenty twenty-four."
    )
    # Only one order is a real date: the region does not matter.
    assert "December" in said("Open 25/12/2024.", "en-US")
    assert "December" in said("Open 12/25/2024.", "en-GB")
    assert day_first("en-AU") and not day_first("en-US") and not day_first("en")
    assert ambiguous_dates("on 11/7/2024 and 25/12/2024 and 3/3/2024") == ["11/7/2024"]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "The bakery is on Elm St. Its bread sells out by noon.",
            ["The bakery is on Elm St.", "Its bread sells out by noon."],
        ),
        ("We met at 5 p.m. The talk began.", ["We met at 5 p.m.", "The talk began."]),
        ("We met at 5 p.m. Eastern time.", ["We met at 5 p.m. Eastern time."]),
        (
            "He moved to the U.S. in 2001. It was cold.",
            ["He moved to the U.S. in 2001.", "It was cold."],
        ),
        ("She joined the U.S. Army.", ["She joined the U.S. Army."]),
        ("Bring pens, paper, etc. Then sit down.", ["Bring pens, paper, etc.", "Then sit down."]),
        ("I live on Main St. in Boston.", ["I live on Main St. in Boston."]),
        ("St. Louis is big. Dr. Lee agrees.", ["St. Louis is big.", "Dr. Lee agrees."]),
        ("It was made by Acme Inc. The firm grew.", ["It was made by Acme Inc.", "The firm grew."]),
    ],
)
def test_sentence_boundaries_know_abbreviations(text, sentences):
    assert split_sentences(text) == sentences


def test_helpers():
    assert roman_value("LVII") == 57 and roman_value("IIII") is not None
    assert roman_value("ABC") is None
    assert grouped("117") == "one seventeen" and grouped("1005") == "ten oh five"
    assert grouped("900") == "nine hundred" and grouped("44228") == "four four two two eight"
    assert say_version("2.3.1") == "two point three point one"
    assert say_version("22.04") == "twenty-two oh four"


@pytest.mark.skipif(
    not __import__("audioguide.speech.dictionary", fromlist=["x"]).lower_case_words(),
    reason="needs a Hunspell English dictionary (hunspell-en-us; script/bootstrap installs it)",
)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Set the pointer to NULL.", "Set the pointer to null."),
        ("The GNOME desktop follows KISS.", "The gnome desktop follows kiss."),
        ("She works at the IRS and the USDA.", "She works at the I R S and the U S D A."),
        ("The WHO and the DOM.", "The W H O and the D O M."),
        ("AIDS research grew.", "Aids research grew."),
        ("The AWS bill.", "The A W S bill."),
        ("The US and IT teams.", "The U S and I T teams."),
        ("Dates follow ISO 8601.", "Dates follow I S O eighty-six oh one."),
    ],
)
def test_capitals_that_are_words_are_said_as_words(text, expected):
    assert said(text) == expected
