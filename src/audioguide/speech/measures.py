"""Slashes between numbers, rates and signs: fractions, ratings, splits, "per", sizes.

- Fractions: "2/3 cup" -> "two thirds cup"; "1 1/2 cups" and "1½ cups" -> "one and a half
  cups"; "3/8 inch" -> "three eighths inch"; "1/4 tsp" -> "one quarter teaspoon".
- Ratings: "rated 7/10", "3.5/5 stars" -> "seven out of ten", "three point five out of five".
- Splits: "a 60/40 split" -> "sixty forty" (the two parts make 100).
- Rates: "$12/mo" -> "twelve dollars per month", "3 times/day" -> "three times per day".
- Signs: the Unicode minus ("−8%") is a minus; "+3" is "plus three" (speak_symbols).
"""

from __future__ import annotations

import re

from . import data
from .identifiers import grouped
from .numbers import NUM, cardinal, num2words

_UNIT_ALT = "|".join(re.escape(k) for k in sorted(data.UNITS, key=len, reverse=True) if k != "x")
_KITCHEN = (
    r"cups?|teaspoons?|tablespoons?|inch(?:es)?|pounds?|ounces?|miles?|hours?|pints?|"
    r"liters?|litres?|gallons?|sticks?|cans?|pinch|lemons?|onions?|mile|of"
)
_VULGAR = re.compile(rf"(?:(\d+)[\s-]?)?([{''.join(data.VULGAR_FRACTIONS)}])")
_FRACTION = re.compile(
    rf"(?<![\w/.,:])(?:(\d+)[ -])?(\d{{1,2}})/(\d{{1,2}})(?![\w/]|[.,]\d)"
    rf"(?:\s?({_UNIT_ALT}|{_KITCHEN})(?![\w/])(?:\.(?=\s+[a-z]))?)?"
)
_RATING = re.compile(rf"(?<![\w/.,:])({NUM})\s?/\s?(5|10|20|100)(?![\w/]|[.,]\d)(\s+stars?)?")
_PAIR = re.compile(r"(?<![\w/.,:])(\d{1,3})/(\d{1,3})(?![\w/]|[.,]\d)")
_RATE_ALT = "|".join(re.escape(k) for k in sorted(data.RATE_UNITS, key=len, reverse=True))
_RATE = re.compile(rf"(?<=[\w%)])\s?/\s?({_RATE_ALT})(?![\w/])")


def _fraction_words(numerator: int, denominator: int) -> str | None:
    """ "two thirds", "one half", "five eighths"; None for a denominator with no name here."""
    names = data.FRACTION_NAMES.get(denominator)
    if names is None or not 0 < numerator < denominator:
        return None
    return f"{num2words(numerator)} {names[0] if numerator == 1 else names[1]}"


def _unit_name(unit: str, many: bool) -> str:
    if unit in data.UNITS:
        single, plural = data.UNITS[unit]
        return plural if many else single
    return unit


def _counted_after(rest: str) -> bool:
    """True if a plural noun follows within two words ("9/12 free throws"): a tally, not a
    fraction ("1/3 of voters" is a fraction)."""
    for word in rest.split()[:2]:
        word = word.strip(",.;:!?)").lower()
        if word in ("of", "a", "an", "the") or not word.isalpha():
            return False
        if word.endswith("s") and not word.endswith("ss"):
            return True
    return False


def _fraction(match: re.Match) -> str:
    whole, top, bottom, unit = match.groups()
    words = _fraction_words(int(top), int(bottom))
    if words is None:
        return match.group()
    if whole:
        part = "a half" if words == "one half" else words.replace("one ", "a ", 1)
        words = f"{cardinal(whole)} and {part}"
    if not unit:
        if not whole and _counted_after(match.string[match.end() :]):
            return f"{num2words(int(top))} out of {num2words(int(bottom))}"  # "9/12 free throws"
        return words
    return f"{words} {_unit_name(unit, bool(whole))}"


def _rating_context(text: str, start: int) -> bool:
    """True if one of the four words before `start` speaks of a rating ("rated the film")."""
    before = text[:start].split()[-4:]
    return any(word.lower().strip(",:;(") in data.RATING_WORDS for word in before)


def _is_rating(text: str, start: int, stars: str | None, numerator: str, denominator: str) -> bool:
    if stars or "." in numerator:
        return True
    if "." not in numerator and int(numerator.replace(",", "")) + int(denominator) == 100:
        return False  # "an 80/20 split"
    if _rating_context(text, start):
        return True
    following = text[start:].split(None, 2)[1:2]
    unit_follows = bool(following) and following[0].strip(",.;:") in data.UNITS
    return denominator in ("10", "100") and not unit_follows


_PRESSURE = re.compile(
    r"(?<![\w/.])(\d{2,3})/(\d{2,3})(\s?mm\s?Hg\b|(?=\s+(?:blood pressure|BP)\b))"
)


def speak_fractions(text: str) -> str:
    """Fractions, ratings and splits in words (see the module's docstring)."""
    text = _PRESSURE.sub(
        lambda m: f"{grouped(m.group(1))} over {grouped(m.group(2))}"
        + (" millimeters of mercury" if m.group(3) else ""),
        text,
    )
    text = _VULGAR.sub(
        lambda m: (m.group(1) + " " if m.group(1) else "") + data.VULGAR_FRACTIONS[m.group(2)],
        text,
    )
    for written, said in data.SLASH_NAMES.items():
        text = re.sub(rf"(?<![\w/.]){re.escape(written)}(?![\w/]|\.\d)", said, text)

    def rating(match: re.Match) -> str:
        numerator, denominator, stars = match.groups()
        if not _is_rating(text, match.start(), stars, numerator, denominator):
            return match.group()
        return f"{cardinal(numerator)} out of {num2words(int(denominator))}{stars or ''}"

    text = _RATING.sub(rating, text)
    text = _FRACTION.sub(_fraction, text)

    def pair(match: re.Match) -> str:
        first, second = int(match.group(1)), int(match.group(2))
        if first + second == 100:
            return f"{num2words(first)} {num2words(second)}"  # "a 60/40 split"
        if first <= second and (second in (5, 10, 100) or _rating_context(text, match.start())):
            return f"{num2words(first)} out of {num2words(second)}"
        return f"{num2words(first)} over {num2words(second)}"

    return _PAIR.sub(pair, text)


_PER = re.compile(rf"\b(per|a|an|each)\s+({_RATE_ALT})(?![\w/])(\.(?=\s+[a-z]))?")


def _per(match: re.Match) -> str:
    word, unit = match.group(1), match.group(2)
    if word.lower() in ("a", "an") and len(unit) < 3:
        return match.group()  # "9 a m", "a g": letters, not units
    return f"{word} {data.RATE_UNITS[unit]}"


def speak_rates(text: str) -> str:
    """ "/mo", "/day", "/km" after an amount: "per month", "per day", "per kilometer"; "per kg",
    "per hr": "per kilogram", "per hour"."""
    text = re.sub(r"\s?/\s?100\s?km\b", " per hundred kilometers", text)
    text = _PER.sub(_per, text)
    return _RATE.sub(lambda m: " per " + data.RATE_UNITS[m.group(1)], text)


# "3×4 m", "1920x1080 px", "2 x 4 boards": a size, said "by".
_SIZE = re.compile(
    r"(?<=\d)\s?[x×]\s?(?=\d+(?:[.,]\d+)?(?:\s?[x×]\s?\d+(?:[.,]\d+)?)?\s?(?:"
    + "|".join(re.escape(w) for w in sorted(data.SIZE_WORDS, key=len, reverse=True))
    + r")(?![^\W\d_]))"
)


_UNIT_BY = re.compile(
    r"(?<=\d)(\s?(?:ft|m|cm|mm|in|km|yd|feet|inches|meters|metres)\.?)\s?[x×]\s?(?=\d)"
)
_SCREEN = re.compile(r"(?<![\w.])(\d{3,4})\s?[x×]\s?(\d{3,4})(?![\w.])")


def speak_sizes(text: str) -> str:
    """ "3×4 m" -> "3 by 4 m" (before the units step says the numbers and the unit)."""
    text = re.sub(r"(?<![\w.])(\d)x\1(?![\w])", r"\1 by \1", text)  # "4x4", "2x2"
    text = _UNIT_BY.sub(r"\1 by ", text)  # "12 ft × 10 ft"
    text = _SCREEN.sub(lambda m: f"{grouped(m.group(1))} by {grouped(m.group(2))}", text)
    return _SIZE.sub(" by ", text)


def normalize_signs(text: str) -> str:
    """The Unicode minus and a dash straight before a digit after a space are minus signs."""
    return re.sub(r"[\u2212\u2796](?=\s?[$£€¥₹]?[\d.])", "-", text)
