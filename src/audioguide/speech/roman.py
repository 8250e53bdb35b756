"""Roman numerals in names and titles.

After a word that numbers things (data.ROMAN_COUNTED: Chapter, Part, Act, World War, Super
Bowl...), a cardinal: "Chapter IV" -> "Chapter four", "Super Bowl LVII" -> "Super Bowl fifty-
seven". After a ruler's, a pope's or a person's given name (data.REGNAL_NAMES), an ordinal:
"Henry VIII" -> "Henry the Eighth", "Martin Luther King III" -> "... the Third". After other
capitalized words, a cardinal: "Rocky III", "Apollo XI". A lone "I" is the pronoun unless a
counting word comes before it ("Part I"); words that look like numerals ("MIX", "DC", "CD",
"LCD") stay words.
"""

from __future__ import annotations

import re

from . import data
from .numbers import num2words

_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_NUMERAL = re.compile(
    r"\b((?:[A-Z][a-z]+\.?\s+){1,3})(M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))"
    r"(?=$|[\s,.;:!?)'’]|s\b)"
)


def roman_value(numeral: str) -> int | None:
    """The value of a well-formed Roman numeral ("XIV" -> 14), or None."""
    if not numeral or any(c not in _VALUES for c in numeral):
        return None
    total = 0
    for index, char in enumerate(numeral):
        value = _VALUES[char]
        following = _VALUES[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total if 0 < total < 4000 else None


def _ordinal(value: int) -> str:
    words = num2words(value, to="ordinal")
    return "the " + words[0].upper() + words[1:]


def speak_roman(text: str) -> str:
    """Roman numerals after names and counting words in words (see the module's docstring)."""

    def numeral(match: re.Match) -> str:
        before, written = match.group(1), match.group(2)
        value = roman_value(written)
        if value is None:
            return match.group()
        words = before.split()
        last = words[-1].rstrip(".")
        counted = last in data.ROMAN_COUNTED or " ".join(words[-2:]) in data.ROMAN_COUNTED
        if f"{words[-1]} {written}" in data.ROMAN_KEPT:
            return match.group()  # "Malcolm X", "Model X", "Generation X"
        if len(written) == 1 and written not in "IVX":
            return match.group()  # "Appendix D", "Plan C": letters
        if counted:
            return f"{before}{num2words(value)}"
        regnal = last in data.REGNAL_NAMES
        if written == "I" and regnal and re.match(r"\s+[a-z]", match.string[match.end() :]):
            return f"{before}{_ordinal(value)}"  # "Peter I founded the city"
        titled = len(words) >= 2 and all(w[:1].isupper() for w in words)
        if written == "I" or written in ("V", "X") and not regnal and not titled:
            return match.group()  # "Then I said", "Plan X"; but "Grand Theft Auto V"
        if any(word.rstrip(".") in data.REGNAL_NAMES for word in words):
            return f"{before}{_ordinal(value)}"  # "Henry VIII", "Martin Luther King III"
        if written in data.ROMAN_LOOKALIKES:
            return match.group()  # "Washington DC", "Tomb Raider MIX"
        return f"{before}{num2words(value)}"  # "Rocky III", "Final Fantasy VII", "Apollo XI"

    return _NUMERAL.sub(numeral, text)
