"""Dates said as a person says them, in the order of the article's region.

- ISO dates are read the same everywhere: "2024-11-07" -> "November seventh, twenty twenty-four".
- Numeric dates follow the region: en-US (and en-CA, en-PH...) month first, en-GB (and en-AU,
  en-IE, en-IN, en-NZ, en-ZA...) day first: "11/7/2024" -> "November seventh, twenty twenty-four"
  in en-US and "the eleventh of July, twenty twenty-four" in en-GB. When only one order is a
  real date ("25/12/2024"), that order is used whatever the region. ``ambiguous_dates`` lists
  the dates whose reading depended on the region, so a build can say which order it used.
- Written dates: "Jan. 5, 2024", "January 5th", "5 January 2024", "Tue., Jan. 5" -> days as
  ordinals, weekday and month abbreviations in full.
"""

from __future__ import annotations

import re

from .. import langtag
from . import data
from .numbers import num2words, number

DAY_FIRST_REGIONS = frozenset({"GB", "UK", "AU", "NZ", "IE", "IN", "ZA", "SG", "HK", "NG", "KE"})

_NUMERIC = re.compile(r"(?<![\w/.:-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/]|[.:-]\d)")
_ISO = re.compile(r"(?<![\w.:/-])(\d{4})-(\d{2})-(\d{2})(?![\w-]|\.\d)")
# "on 7/10", "by 12/25": a month and day after a word that introduces a date.
_SHORT = re.compile(
    r"(?i)\b((?:on|until|till|since|dated|due(?:\s+(?:by|on|before))?|through|thru|by)\s+)"
    r"(\d{1,2})/(\d{1,2})(?![\w/])"
)

# A month's name, or its abbreviation with or without its period ("June." keeps the full stop).
_MONTH_WORD = (
    r"(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_DAY_RANGE_MONTH = re.compile(
    rf"(?<![\w.,:/-])(\d{{1,2}})(?:st|nd|rd|th)?\s?[–-]\s?(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH_WORD}"
)
_MONTH_DAY = re.compile(
    rf"\b{_MONTH_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:(,?\s+)(\d{{4}})\b)?(?![:.]\d)"
)
_DAY_MONTH = re.compile(
    rf"(?<![\w.,:/-])(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH_WORD}(?:(,?\s+)(\d{{4}})\b)?"
)
_MONTH_RANGE = re.compile(
    rf"\b{_MONTH_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?\s?[–-]\s?(\d{{1,2}})(?:st|nd|rd|th)?\b"
)
_MONTH_YEAR = re.compile(rf"\b{_MONTH_WORD}\s+(\d{{4}})\b")
_WEEKDAY = re.compile(
    r"\b(Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:(\.)(?=[\s,–-]|$)|"
    r"(?=,?\s+(?:\d{1,2}\b|the\s+\d|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d)))"
)


def day_first(lang: str) -> bool:
    """True when numeric dates in this language tag put the day first ("en-GB", "fr")."""
    if not langtag.is_english(lang) or not lang:
        return True  # most of the world outside North America
    return langtag.region(lang) in DAY_FIRST_REGIONS


def _month_index(word: str) -> int:
    word = word.rstrip(".").lower()[:3]
    return [m[:3].lower() for m in data.MONTHS].index(word) + 1


def say_date(month: int, day: int | None, year: str | None, day_first_style: bool) -> str:
    """ "November seventh, twenty twenty-four" or "the seventh of November, twenty twenty-four"."""
    name = data.MONTHS[month - 1]
    if day is None:
        words = name
    elif day_first_style:
        words = f"the {num2words(day, to='ordinal')} of {name}"
    else:
        words = f"{name} {num2words(day, to='ordinal')}"
    if year:
        words += f", {number(year)}"
    return words


def _year(text: str) -> str:
    if len(text) == 2:
        return ("20" if int(text) < 50 else "19") + text
    return text


def _valid(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= data.DAYS_IN_MONTH[month - 1]


def numeric_order(first: int, second: int, day_first_region: bool) -> tuple[int, int] | None:
    """(month, day) for a numeric date "first/second/...", or None if it is not a date."""
    as_us, as_gb = _valid(first, second), _valid(second, first)
    if as_us and as_gb:
        return (second, first) if day_first_region else (first, second)
    if as_us:
        return first, second
    if as_gb:
        return second, first
    return None


def ambiguous_dates(text: str) -> list[str]:
    """Numeric dates whose reading depends on the region ("11/7/2024", not "25/12/2024")."""
    found = []
    for match in _NUMERIC.finditer(text):
        first, second = int(match.group(1)), int(match.group(3))
        if first != second and _valid(first, second) and _valid(second, first):
            found.append(match.group())
    return found


def speak_dates(text: str, lang: str = "en-US") -> str:
    """All the dates of `text` in words, in the order of `lang`'s region."""
    gb = day_first(lang)

    def iso(match: re.Match) -> str:
        year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        if not _valid(month, day):
            return match.group()
        return say_date(month, day, year, gb)

    def numeric(match: re.Match) -> str:
        if match.group(2) == "." and not gb:
            return match.group()  # "1.5.2024" is European; in en-US it may be a version
        order = numeric_order(int(match.group(1)), int(match.group(3)), gb)
        if order is None:
            return match.group()
        return say_date(order[0], order[1], _year(match.group(4)), gb)

    def short(match: re.Match) -> str:
        if match.group(1).strip().lower() == "by" and not match.group(2).startswith("0"):
            return match.group()  # "reduce by 2/3" is a fraction; "by 04/15" a date
        order = numeric_order(int(match.group(2)), int(match.group(3)), gb)
        if order is None:
            return match.group()
        return match.group(1) + say_date(order[0], order[1], None, gb)

    text = _ISO.sub(iso, text)
    text = _NUMERIC.sub(numeric, text)
    text = _SHORT.sub(short, text)
    return speak_written_dates(text, gb)


def speak_written_dates(text: str, day_first_style: bool = False) -> str:
    """ "Jan. 5, 2024" -> "January fifth, twenty twenty-four"; "5 March" -> "the fifth of
    March"; "Tue." -> "Tuesday"; "Sept 2023" -> "September twenty twenty-three"."""

    def month_day(match: re.Match) -> str:
        month, day = _month_index(match.group(1)), int(match.group(2))
        if not _valid(month, day):
            return match.group()
        return say_date(month, day, match.group(4), day_first_style=False)

    def day_month(match: re.Match) -> str:
        day, month = int(match.group(1)), _month_index(match.group(2))
        if not _valid(month, day):
            return match.group()
        return say_date(month, day, match.group(4), day_first_style=True)

    def month_year(match: re.Match) -> str:
        return f"{data.MONTHS[_month_index(match.group(1)) - 1]} {number(match.group(2))}"

    def month_range(match: re.Match) -> str:
        month, first, last = _month_index(match.group(1)), int(match.group(2)), int(match.group(3))
        if not (_valid(month, first) and _valid(month, last) and first < last):
            return match.group()
        return (
            f"{data.MONTHS[month - 1]} {num2words(first, to='ordinal')} to "
            f"{num2words(last, to='ordinal')}"
        )

    def weekday(match: re.Match) -> str:
        name = data.WEEKDAYS[match.group(1).lower()[:3]]
        at_end = match.group(2) and not match.string[match.end() :].strip()
        return name + "." if at_end else name

    def day_range(match: re.Match) -> str:
        first, last, month = int(match.group(1)), int(match.group(2)), _month_index(match.group(3))
        if not (_valid(month, first) and _valid(month, last) and first < last):
            return match.group()
        return (f"the {num2words(first, to='ordinal')} to the {num2words(last, to='ordinal')} "
                f"of {data.MONTHS[month - 1]}")

    text = _WEEKDAY.sub(weekday, text)
    text = _MONTH_RANGE.sub(month_range, text)
    text = _DAY_RANGE_MONTH.sub(day_range, text)
    text = _MONTH_DAY.sub(month_day, text)
    text = _DAY_MONTH.sub(day_month, text)
    return _MONTH_YEAR.sub(month_year, text)
