"""Numbers in English words, for the English steps (num2words, imported on first use)."""

from __future__ import annotations

# A number as written: "1,250", "3.14", "42".
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"

_DIGIT_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def num2words(value: int, to: str = "cardinal") -> str:
    """num2words in English, without its commas: 1250 -> "one thousand two hundred and fifty"."""
    from num2words import num2words as convert

    words = convert(value, lang="en", to=to)
    return words.replace(",", "").replace("oh-", "oh ")


def digits(text: str) -> str:
    """The digits of text one by one: "007" -> "zero zero seven"."""
    return " ".join(_DIGIT_NAMES[int(d)] for d in text if d.isdigit())


def cardinal(text: str) -> str:
    """ "1,250" -> "one thousand two hundred and fifty"; "3.14" -> "three point one four"."""
    text = text.replace(",", "")
    negative = text.startswith("-")
    whole, _, fraction = text.lstrip("-").partition(".")
    if len(whole) > 15 or (len(whole) > 1 and whole.startswith("0")):
        words = digits(whole)  # ids, codes, zip codes: digit by digit
    else:
        words = num2words(int(whole))
    if fraction:
        words += " point " + digits(fraction)
    return ("minus " + words) if negative else words


def _year(text: str) -> str:
    """ "1999" -> "nineteen ninety-nine"; "2005" -> "two thousand and five"."""
    value = int(text)
    if 2000 <= value <= 2009:
        return num2words(value)
    return num2words(value, to="year")


def _is_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and 1000 <= int(text) <= 2099


def number(text: str) -> str:
    """A number in words, said as a year if it looks like one ("1999")."""
    return _year(text) if _is_year(text) else cardinal(text)


def is_one(text: str) -> bool:
    """True for "1" and "1.0": the unit after it is singular."""
    return text.replace(",", "") in ("1", "1.0")
