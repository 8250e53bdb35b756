"""Sentences and the text to speak: Article -> Plan of Utterances.

Pure functions, standard library only at import time (``audioguide sections`` imports this
module and must start quickly); num2words is imported the first time a number is spoken.

The text shown in the transcript is the article's own; the text spoken goes through an ordered
tuple of small text-to-text steps (``ENGLISH_STEPS``, or ``NEUTRAL_STEPS`` for other languages),
then the user's lexicon.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import speech_data as data
from .errors import SettingsError, SourceError
from .models import (
    CODE,
    ITEM,
    QUESTION,
    QUOTE,
    SUBHEADING,
    TABLE,
    Article,
    Block,
    Utterance,
)
from .settings import Settings

__all__ = [
    "MAX_SPOKEN_CHARS",
    "WORDS_PER_MINUTE",
    "Plan",
    "count_words",
    "estimate_seconds",
    "load_lexicon",
    "plan",
    "section_summary",
    "split_sentences",
    "spoken_form",
]

# No utterance's spoken text is longer than this: engines slow down, drift or cut off on very
# long inputs (gTTS splits at 100 characters itself), and one sentence is one transcript cue.
# Longer sentences are split at ";", ":" and ",", then between words, each piece its own
# Utterance (shown and spoken split alike); runs of over 40 characters without a space are
# said shortened (shorten_long_words), and anything still too long is cut at a space (_clip).
MAX_SPOKEN_CHARS = 400

WORDS_PER_MINUTE = 155.0

INTRODUCTION = "Introduction"


# --------------------------------------------------------------------------------------------
# Sentences

_BOUNDARY = re.compile(r"(?:\.{3}|…|[.!?])+[\"'”’»)\]]*(?=\s)")
_INITIAL = re.compile(r"^[\"'“‘(\[]*(?:[A-Za-z]|(?:[A-Z]\.)+[A-Z])\.$")  # "J.", "U.S."


def _next_starts_lower(rest: str) -> bool:
    """True if the next word (after opening quotes or brackets) starts in lower case or a digit."""
    for char in rest:
        if char.isalnum():
            return char.islower() or char.isdigit()
        if char.isspace() or char in "\"'“‘([«¿¡-–—":
            continue
        return False
    return False


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; " ".join(result) is the whitespace-normalized text.

    A break comes after ".", "!", "?" or an ellipsis (and any closing quotes or brackets) that
    is followed by a space, except after common abbreviations ("e.g.", "Dr.", "vs."), after an
    initial before a name ("J. Smith"), or when the next word starts in lower case or with a
    digit ("etc. and", "He said "Stop!" and left"). Decimals never break: no space follows.
    """
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        rest = text[end:]
        if _next_starts_lower(rest):
            continue
        mark = match.group()
        if "." in mark and not any(c in mark for c in "!?…") and not mark.startswith(".."):
            word = text[text.rfind(" ", start, match.start()) + 1 : end]
            bare = word.rstrip("\"'”’»)]").lower().lstrip("\"'“‘([")
            if bare in data.NON_TERMINAL or _INITIAL.match(word):
                continue  # "Dr. Lee", "J. R. R. Tolkien", "the U.S. Army"
        sentence = text[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


# --------------------------------------------------------------------------------------------
# Words and time


def count_words(text: str) -> int:
    """Words in text: runs of non-space characters that hold a letter or a digit."""
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


def estimate_seconds(words: int, rate: float = 1.0) -> float:
    """Speaking time for `words` at about 155 words a minute, times the speed `rate`."""
    if words <= 0:
        return 0.0
    return words * 60.0 / (WORDS_PER_MINUTE * (rate or 1.0))


# --------------------------------------------------------------------------------------------
# Numbers to words (num2words, imported on first use)


def _num2words(value, to: str = "cardinal") -> str:
    from num2words import num2words

    words = num2words(value, lang="en", to=to)
    return words.replace(",", "").replace("oh-", "oh ")


def _digits(text: str) -> str:
    names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    return " ".join(names[int(d)] for d in text if d.isdigit())


def _cardinal(text: str) -> str:
    """ "1,250" -> "one thousand two hundred and fifty"; "3.14" -> "three point one four"."""
    text = text.replace(",", "")
    negative = text.startswith("-")
    text = text.lstrip("-")
    whole, _, fraction = text.partition(".")
    if not whole:
        whole = "0"
    if len(whole) > 15 or (len(whole) > 1 and whole.startswith("0")):
        words = _digits(whole)  # ids, codes, zip codes: digit by digit
    else:
        words = _num2words(int(whole))
    if fraction:
        words += " point " + _digits(fraction)
    return ("minus " + words) if negative else words


def _year(text: str) -> str:
    """ "1999" -> "nineteen ninety-nine"; "2005" -> "two thousand and five"."""
    value = int(text)
    if 2000 <= value <= 2009:
        return _num2words(value)
    return _num2words(value, to="year")


def _is_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and 1000 <= int(text) <= 2099


def _number(text: str) -> str:
    return _year(text) if _is_year(text) else _cardinal(text)


def _is_one(text: str) -> bool:
    return text.replace(",", "") in ("1", "1.0", "-1")


# --------------------------------------------------------------------------------------------
# The steps: each one small text -> text function

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"'()\[\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,})\b")
_TLD_ALT = "|".join(sorted(data.TLDS, key=len, reverse=True))
_DOMAIN = re.compile(
    rf"(?<![\w@./-])((?:[a-z0-9-]+\.)+(?:{_TLD_ALT}))(?![\w/@-]|\.\w)", re.IGNORECASE
)


def strip_markdown_links(text: str) -> str:
    """Markdown images and links say their text: "[the docs](https://x.org)" -> "the docs"."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return re.sub(r"<(https?://[^>\s]+)>", r"\1", text)


def _site(url: str) -> str:
    host = re.sub(r"^(?:https?://)?", "", url, flags=re.IGNORECASE).split("/")[0].split("?")[0]
    host = host.split("@")[-1].split(":")[0].rstrip(".").lower()
    host = host.removeprefix("www.")
    return host


def _say_dots(host: str) -> str:
    return " dot ".join(part for part in host.split(".") if part)


def speak_urls(text: str) -> str:
    """A web address is said as its site: "https://www.example.org/x" -> "example dot org"."""
    text = _URL.sub(lambda m: _say_dots(_site(m.group().rstrip(".,;:!?"))) + _trailing(m), text)
    return _DOMAIN.sub(lambda m: _say_dots(m.group(1).lower()), text)


def _trailing(match: re.Match) -> str:
    url = match.group()
    return url[len(url.rstrip(".,;:!?")) :]


def speak_emails(text: str) -> str:
    """An e-mail address is said in words: "jo.smith@example.org" -> "jo dot smith at ..."."""

    def say(match: re.Match) -> str:
        user = re.sub(r"[_+-]+", " ", match.group(1)).replace(".", " dot ")
        return f"{' '.join(user.split())} at {_say_dots(match.group(2).lower())}"

    return _EMAIL.sub(say, text)


def neutral_urls(text: str) -> str:
    """Any language: a web address becomes its site name ("https://www.example.org/x" -> "example.org")."""
    return _URL.sub(lambda m: _site(m.group().rstrip(".,;:!?")) + _trailing(m), text)


MAX_WORD_CHARS = 40
_LONG_WORD = re.compile(rf"(\S{{{MAX_WORD_CHARS}}})\S+")


def shorten_long_words(text: str) -> str:
    """A run of more than 40 characters without a space (a hash, a pasted blob) is cut to 40."""
    return _LONG_WORD.sub(r"\1", text)


def strip_markup(text: str) -> str:
    """HTML tags, Markdown headings, quotes and emphasis (*, _, `, ~~) are not read aloud."""
    text = re.sub(r"</?[A-Za-z][^<>]{0,200}>", " ", text)
    text = re.sub(r"\[\d{1,3}\]", "", text)  # footnote marks: "[3]"
    text = re.sub(r"(?m)^\s{0,3}(?:#{1,6}|>+)\s+", "", text)
    text = re.sub(r"(?<=[^\W_])_(?=[^\W_])", " ", text)  # snake_case -> "snake case"
    return re.sub(r"[*_`]+|~~", "", text)


def strip_bullets(text: str) -> str:
    """Bullet glyphs and list markers at the start of a line are never read aloud."""
    text = re.sub(r"(?m)^\s*[-*+]\s+", "", text)
    return text.translate({ord(c): " " for c in data.BULLETS})


def _keep_symbol(char: str) -> bool:
    return char in data.SYMBOLS or char in data.CURRENCIES or char in data.FRACTIONS


def strip_emoji(text: str) -> str:
    """Emoji and pictographs (and their joiners and skin tones) are dropped, not described."""
    out = []
    for char in text:
        if char in "\u200d\ufe0e\ufe0f\u20e3" or "\U0001f3fb" <= char <= "\U0001f3ff":
            continue
        if "\U000e0020" <= char <= "\U000e007f":  # flag tag sequences
            continue
        category = unicodedata.category(char)
        if category in ("So", "Cs", "Cn") and not _keep_symbol(char):
            out.append(" ")
            continue
        out.append(char)
    return "".join(out)


def neutral_symbols(text: str) -> str:
    """Any language: markup characters an engine would read aloud ("#", "|", "\\") are dropped."""
    text = re.sub(r"\s*\|\s*", ", ", text)
    return text.translate({ord(c): " " for c in data.MARKUP_CHARS if c != "|"})


def _cap_like(replacement: str, original: str) -> str:
    if original[:1].isupper() and replacement[:1].islower():
        return replacement[0].upper() + replacement[1:]
    return replacement


_ABBREVIATIONS = re.compile(
    r"(?<![\w.])("
    + "|".join(re.escape(k) for k in sorted(data.ABBREVIATIONS, key=len, reverse=True))
    + r")(?![\w])",
    re.IGNORECASE,
)
_TITLE_OR_PLACE = re.compile(r"(?<![\w.])(Dr|St)(?:\.(?=\s|$|[,;:!?)])|(?=\s+[A-Z]))")
_NUMBER_SIGN = re.compile(r"(?<![\w.])(No\.|Nos\.|#)\s?(?=\d)", re.IGNORECASE)


def expand_abbreviations(text: str) -> str:
    """Common abbreviations in full: "e.g." -> "for example", "Dr. Lee" -> "Doctor Lee"."""
    text = _NUMBER_SIGN.sub(lambda m: data.NUMBER_SIGNS[m.group(1).lower()] + " ", text)

    def title_or_place(match: re.Match) -> str:
        before_name, after_name = data.TITLE_OR_PLACE[match.group(1).lower() + "."]
        after = text[match.end() :].lstrip()
        before = text[: match.start()].split()
        prev = before[-1] if before else ""
        if after[:1].isupper():
            return before_name
        if prev[:1].isupper() or prev[:1].isdigit():
            return after_name + ("." if not after else "")
        return before_name

    text = _TITLE_OR_PLACE.sub(title_or_place, text)

    def expand(match: re.Match) -> str:
        words = _cap_like(data.ABBREVIATIONS[match.group(1).lower()], match.group(1))
        at_end = match.group(1).endswith(".") and not text[match.end() :].strip()
        return words + "." if at_end else words

    return _ABBREVIATIONS.sub(expand, text)


_ISO_DATE = re.compile(r"(?<![\w.-])(\d{4})-(\d{2})-(\d{2})(?![\w-]|\.\d)")


def speak_dates(text: str) -> str:
    """ISO dates: "2026-11-26" -> "November twenty-sixth, twenty twenty-six"."""

    def date(match: re.Match) -> str:
        _, month, day = (int(part) for part in match.groups())
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group()
        return (
            f"{data.MONTHS[month - 1]} {_num2words(day, to='ordinal')}, {_number(match.group(1))}"
        )

    return _ISO_DATE.sub(date, text)


_TIME = re.compile(
    r"(?<![\w:.])(\d{1,2}):(\d{2})(?::\d{2})?(?:\s?([AaPp])\.?\s?[Mm]\b\.?)?(?![\w:])"
)
_HOUR = re.compile(r"(?<![\w:.])(\d{1,2})\s?([AaPp])\.?\s?[Mm]\b\.?")


def _kept_period(match: re.Match) -> str:
    """ "p.m." at the very end keeps its period as the sentence's full stop."""
    return "." if match.group().endswith(".") and not match.string[match.end() :].strip() else ""


def speak_times(text: str) -> str:
    """Clock times: "3:30 pm" -> "three thirty p m", "10:00" -> "ten o'clock", "9am" -> "nine a m"."""

    def clock(match: re.Match) -> str:
        hours, minutes, half = int(match.group(1)), int(match.group(2)), match.group(3)
        if hours > 24 or minutes > 59:
            return match.group()
        words = _num2words(hours)
        if minutes == 0:
            words += "" if half else (" hundred" if hours > 12 else " o'clock")
        elif minutes < 10:
            words += " oh " + _num2words(minutes)
        else:
            words += " " + _num2words(minutes)
        if half:
            words += f" {half.lower()} m" + _kept_period(match)
        return words

    def hour(match: re.Match) -> str:
        if int(match.group(1)) > 12:
            return match.group()
        return f"{_num2words(int(match.group(1)))} {match.group(2).lower()} m" + _kept_period(match)

    return _HOUR.sub(hour, _TIME.sub(clock, text))


_CURRENCY_ALT = "|".join(re.escape(k) for k in sorted(data.CURRENCIES, key=len, reverse=True))
_SCALE_ALT = "|".join(sorted(data.SCALES, key=len, reverse=True))
_MONEY = re.compile(rf"(?<![\w$£€¥₹])({_CURRENCY_ALT})\s?({_NUM})(?:\s?({_SCALE_ALT})\b)?")


_MONEY_WORDS = "|".join(sorted({w for names in data.CURRENCIES.values() for w in names}))
_MONEY_RANGE = re.compile(rf"\b({_MONEY_WORDS})\s?[-–]\s?(?=[a-z])")


def speak_money(text: str) -> str:
    """Amounts: "$5.99" -> "five dollars and ninety-nine cents", "£3" -> "three pounds"."""

    def money(match: re.Match) -> str:
        one, many, cent, cents = data.CURRENCIES[match.group(1)]
        amount, scale = match.group(2), match.group(3)
        if scale:
            return f"{_cardinal(amount)} {data.SCALES[scale]} {many}"
        whole, _, fraction = amount.replace(",", "").partition(".")
        whole_value = int(whole or "0")
        unit = one if whole_value == 1 else many
        if len(fraction) != 2:
            return f"{_cardinal(amount)} {many if fraction else unit}"
        fraction_value = int(fraction)
        cent_words = f"{_num2words(fraction_value)} {cent if fraction_value == 1 else cents}"
        if whole_value == 0:
            return cent_words
        words = f"{_cardinal(whole)} {unit}"
        return words if fraction_value == 0 else f"{words} and {cent_words}"

    text = _MONEY.sub(money, text)
    return _MONEY_RANGE.sub(r"\1 to ", text)  # "$5-$10" -> "five dollars to ten dollars"


_FROM = rf"(?:({_NUM})\s?[-–]\s?)?"  # the start of a range: "30-45 min", "10–20%"
_PERCENT = re.compile(rf"(?<![\w.])(-?){_FROM}({_NUM})\s?%")


def speak_percent(text: str) -> str:
    """Percentages: "15%" -> "fifteen percent", "2.5 %" -> "two point five percent"."""
    return _PERCENT.sub(lambda m: f"{_amount(*m.groups())} percent", text)


def _amount(sign: str, start: str | None, end: str) -> str:
    """A number or a range of numbers in words: "30", "-5", "30-45"."""
    if start:
        return f"{_cardinal(sign + start)} to {_cardinal(end)}"
    return _cardinal(sign + end)


_UNIT_ALT = "|".join(re.escape(k) for k in sorted(data.UNITS, key=len, reverse=True))
_UNIT = re.compile(rf"(?<![\w.])(-?){_FROM}({_NUM})(?:\s?|-)({_UNIT_ALT})(?![\w/])(?=(\s+[\w-]+)|)")


def speak_units(text: str) -> str:
    """Units after a number: "5 km" -> "five kilometers", "5 min read" -> "five minute read"."""

    def unit(match: re.Match) -> str:
        sign, start, amount, symbol, following = match.groups()
        following = following or ""
        single, plural = data.UNITS[symbol]
        if symbol == "x" and not match.group().endswith(amount + "x"):
            return match.group()  # "3 x 4" is a product, said by speak_numbers
        adjective = following.strip().lower() in data.ADJECTIVE_NOUNS
        name = single if adjective or (_is_one(amount) and not start) else plural
        return f"{_amount(sign, start, amount)} {name}"

    return _UNIT.sub(unit, text)


def _plural(words: str) -> str:
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


_ORDINAL = re.compile(r"(?<![\w.])(\d+)(st|nd|rd|th)\b", re.IGNORECASE)
_DECADE = re.compile(r"(?<![\w.])(?:(\d{2})(\d0)|['’]?(\d0))['’]?s\b")


def speak_ordinals(text: str) -> str:
    """Ordinals and decades: "1st" -> "first", "21st" -> "twenty-first", "1990s" -> "nineteen nineties"."""

    def decade(match: re.Match) -> str:
        century, tens, short = match.groups()
        if short:
            return _plural(_num2words(int(short)))
        if tens == "00":
            return "two thousands" if century == "20" else _num2words(int(century)) + " hundreds"
        return _plural(_num2words(int(century)) + " " + _num2words(int(tens)))

    text = _DECADE.sub(decade, text)
    return _ORDINAL.sub(lambda m: _num2words(int(m.group(1)), to="ordinal"), text)


_FRACTION = re.compile(
    r"(?<![\w/])("
    + "|".join(re.escape(k) for k in sorted(data.FRACTIONS, key=len, reverse=True))
    + r")(?![\w/])"
)
_RANGE = re.compile(rf"(?<![\w.,-])({_NUM})\s?[-–—]\s?({_NUM})(?![\w.,]\d|\w)")
_PHONE = re.compile(r"(?<![\w.-])(?:\(\d{3}\) ?|\d{3}[-.])?\d{3}-\d{4}(?![\w-])")
_NUMBER = re.compile(rf"(?<![\w.,])(-?)({_NUM})(?![\w]|[.,]\d)")


def speak_numbers(text: str) -> str:
    """Numbers in words: "1,200" -> "one thousand two hundred", "1999" -> "nineteen ninety-nine",
    "3.5" -> "three point five", "5-10" -> "five to ten", "3/4" -> "three quarters"."""
    text = _FRACTION.sub(lambda m: data.FRACTIONS[m.group(1)], text)
    text = re.sub(r"(?<=\d)\s?[x×*]\s?(?=\d)", " times ", text)
    text = re.sub(r"(?<=\d)/(?=\d)", " slash ", text)
    text = _PHONE.sub(
        lambda m: ", ".join(_digits(part) for part in re.findall(r"\d+", m.group())), text
    )
    text = _RANGE.sub(lambda m: f"{_number(m.group(1))} to {_number(m.group(2))}", text)

    def number(match: re.Match) -> str:
        sign, digits = match.groups()
        before = text[: match.start()]
        if sign and before and not before[-1].isspace() and before[-1] not in "([":
            return match.group()  # "a-5", "x-1" stay as they are
        return ("minus " if sign else "") + _number(digits)

    return _NUMBER.sub(number, text)


_ACRONYM = re.compile(r"(?<![\w.'’-])([A-Z][A-Za-z0-9]*[A-Z0-9]|[A-Z])(s|'s|’s)?(?![\w'’-])")
_VOWELS = set("AEIOU")


def speak_acronyms(text: str) -> str:
    """Acronyms: spelled out ("FAQ" -> "F A Q", "RDLs" -> "R D Ls") or said as a word ("NASA")."""
    for written, said in data.AS_WORDS.items():
        text = re.sub(rf"(?<![\w-]){re.escape(written)}(?!\w)", said, text)

    def acronym(match: re.Match) -> str:
        word, plural = match.group(1), match.group(2) or ""
        if word in data.SPELLED or (
            word.isupper() and word.isalpha() and 2 <= len(word) <= 5 and not _VOWELS & set(word)
        ):
            letters = " ".join(word.upper())
            if plural and plural != "s":
                return f"{letters}'s"
            return letters + plural
        return match.group()

    return _ACRONYM.sub(acronym, text)


_SLASH_WORDS = re.compile(r"(?<=[^\W\d_])/(?=[^\W\d_])")


def speak_symbols(text: str) -> str:
    """Symbols in words: "&" -> "and", "%" -> "percent", "+" -> "plus", "and/or" -> "and or"."""
    text = re.sub(r"(?<=\w)\+\+", " plus plus", text)
    text = re.sub(r"(?i)\band/or\b", "and or", text)
    text = _SLASH_WORDS.sub(" or ", text)
    text = re.sub(r"\s[-–—]{1,2}\s|\s?—\s?|\s?--\s?", ", ", text)
    text = re.sub(r"(?<=[\s(])-(?=[^\W\d_])|(?<=[^\W\d_])-(?=[\s,.;:!?)])", " ", text)
    text = re.sub(r"\s*\|\s*", ", ", text)
    text = re.sub(r"\s[<>]\s", " ", text)
    for symbol, words in data.SYMBOLS.items():
        if symbol in text:
            text = text.replace(symbol, words)
    text = text.replace("/", " slash ")
    return text.translate({ord(c): " " for c in data.MARKUP_CHARS})


_NUMBER_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|minus|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    "eleventh|twelfth"
)
_SENTENCE_NUMBER = re.compile(rf"(^|[.!?]\s+)({_NUMBER_WORDS})(?=[\s,.;:!?-]|$)")


def capitalize_numbers(text: str) -> str:
    """A sentence that starts with a number starts with a capital: "8 sections." -> "Eight ..."."""
    return _SENTENCE_NUMBER.sub(lambda m: m.group(1) + m.group(2).capitalize(), text)


def tidy(text: str) -> str:
    """Spaces collapsed and punctuation pulled back to its word: "a , b" -> "a, b"."""
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:!?)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text)
    text = re.sub(r",(?:\s*,)+", ",", text)
    text = re.sub(r"^[\s,;:.]+", "", text)
    return " ".join(text.split())


Step = Callable[[str], str]

# Order matters: addresses before symbols, times and money before plain numbers.
ENGLISH_STEPS: tuple[Step, ...] = (
    strip_markdown_links,
    speak_emails,
    speak_urls,
    shorten_long_words,
    strip_markup,
    strip_bullets,
    strip_emoji,
    expand_abbreviations,
    speak_dates,
    speak_times,
    speak_money,
    speak_percent,
    speak_units,
    speak_ordinals,
    speak_numbers,
    speak_acronyms,
    speak_symbols,
    tidy,
    capitalize_numbers,
)

NEUTRAL_STEPS: tuple[Step, ...] = (
    strip_markdown_links,
    neutral_urls,
    shorten_long_words,
    strip_markup,
    strip_bullets,
    strip_emoji,
    neutral_symbols,
    tidy,
)


# --------------------------------------------------------------------------------------------
# The user's lexicon

_PLACEHOLDER = 0xF0000  # Unicode private use: survives every step untouched


def _lexicon_pattern(lexicon: Mapping[str, str]) -> re.Pattern | None:
    words = sorted((w for w in lexicon if w.strip()), key=len, reverse=True)
    if not words:
        return None
    return re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w.strip()) for w in words) + r")(?!\w)", re.IGNORECASE
    )


def _lexicon_lookup(lexicon: Mapping[str, str]) -> dict[str, str]:
    return {key.strip().lower(): value for key, value in lexicon.items()}


def apply_lexicon(text: str, lexicon: Mapping[str, str]) -> str:
    """Whole-word, case-insensitive replacements: {"Venus": "VEE-nus"}."""
    pattern = _lexicon_pattern(lexicon)
    if pattern is None:
        return text
    lookup = _lexicon_lookup(lexicon)
    return pattern.sub(lambda m: lookup[m.group().lower()], text)


def spoken_form(text: str, lang: str = "en", lexicon: Mapping[str, str] | None = None) -> str:
    """The text an engine should say for `text` ("" when there is nothing to say).

    English goes through ENGLISH_STEPS; other languages through the language-neutral
    NEUTRAL_STEPS. Lexicon entries are matched on the words as written (and protected from the
    other steps), then once more on the spoken result.
    """
    english = (lang or "en").lower().replace("_", "-").split("-")[0] == "en"
    steps = ENGLISH_STEPS if english else NEUTRAL_STEPS
    saved: list[str] = []
    pattern = _lexicon_pattern(lexicon) if lexicon else None
    if pattern is not None:
        lookup = _lexicon_lookup(lexicon)
        text = re.sub("[\U000f0000-\U000fffff]", "", text)

        def protect(match: re.Match) -> str:
            saved.append(lookup[match.group().lower()])
            return f" {chr(_PLACEHOLDER + len(saved) - 1)} "

        text = pattern.sub(protect, text)
    for step in steps:
        text = step(text)
    if lexicon:
        text = apply_lexicon(text, lexicon)  # words the steps made ("Nasa")
    if saved:
        text = re.sub(
            "[\U000f0000-\U000fffff]", lambda m: saved[ord(m.group()) - _PLACEHOLDER], text
        )
    return tidy(text) if lexicon else text


def _speakable(spoken: str) -> bool:
    return any(char.isalnum() for char in spoken)


# --------------------------------------------------------------------------------------------
# Lexicon files


def load_lexicon(path: Path) -> dict[str, str]:
    """Read a pronunciation lexicon: word -> what to say instead.

    Formats, by file name:

    - ``.json``: one object, {"word": "spoken form", ...}
    - ``.toml``: a table of strings, at the top level or under ``[lexicon]``
    - anything else: one entry a line, ``word = spoken form``; ``#`` starts a comment; blank
      lines are ignored. The word may hold spaces ("Dimples of Venus = ...").

    Words match whole words, ignoring case. Errors raise SettingsError naming file and line.
    """
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read the lexicon ({exc}); check --lexicon FILE")
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            table = json.loads(content)
        except json.JSONDecodeError as exc:
            raise SettingsError(
                f"{path}, line {exc.lineno}: not valid JSON ({exc.msg}); "
                'write one object: {"word": "spoken form"}'
            )
        return _checked_table(table, path)
    if suffix == ".toml":
        import tomllib

        try:
            table = tomllib.loads(content)
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f'{path}: not valid TOML ({exc}); write word = "spoken form"')
        if isinstance(table.get("lexicon"), dict):
            table = table["lexicon"]
        return _checked_table(table, path)
    lexicon: dict[str, str] = {}
    for number, line in enumerate(content.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        word, equals, spoken = line.partition("=")
        word, spoken = word.strip(), spoken.strip()
        if not equals or not word or not spoken:
            raise SettingsError(
                f"{path}, line {number}: expected `word = spoken form`, got {line[:60]!r}"
            )
        lexicon[word] = spoken
    return lexicon


def _checked_table(table: object, path: Path) -> dict[str, str]:
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: expected a table of word = spoken form")
    for word, spoken in table.items():
        if not isinstance(spoken, str) or not str(word).strip() or not spoken.strip():
            raise SettingsError(
                f"{path}: entry {word!r}: give a non-empty word and a spoken form as text"
            )
    return {str(word).strip(): spoken.strip() for word, spoken in table.items()}


# --------------------------------------------------------------------------------------------
# The plan


@dataclass(frozen=True)
class Plan:
    """What an episode says, in order: chapter titles and one Utterance per sentence."""

    chapter_titles: tuple[str, ...]
    utterances: tuple[Utterance, ...]


def _block_text(block: Block) -> str:
    """The words of a block a listener hears (code and tables: their spoken note)."""
    return block.spoken if block.spoken is not None else block.text


def _chapters(article: Article) -> list[tuple[str, tuple[Block, ...], bool]]:
    """(chapter title, blocks, has a heading) for every section worth a chapter."""
    chapters = []
    for section in article.sections:
        title = " ".join(section.title.split())
        if not title and not section.blocks:
            continue
        chapters.append((title or INTRODUCTION, section.blocks, bool(title)))
    return chapters


def section_summary(article: Article, settings: Settings) -> dict:
    """{"title": str, "sections": [{"title", "words", "seconds"}]} for `audioguide sections`."""
    sections = []
    for title, blocks, _ in _chapters(article):
        words = sum(count_words(_block_text(block)) for block in blocks)
        seconds = round(estimate_seconds(words, settings.rate), 1)
        sections.append({"title": title, "words": words, "seconds": seconds})
    return {"title": article.title, "sections": sections}


@dataclass(frozen=True)
class _Piece:
    shown: str
    spoken: str
    pause: int
    kind: str
    paragraph_end: bool = False


_SPLITTERS = (r"(?<=;)\s+", r"(?<=:)\s+", r"(?<=,)\s+", r"\s+")


def _fit(shown: str, speak: Callable[[str], str], limit: int, level: int = 0) -> list[str]:
    """Split `shown` into pieces whose spoken form is at most `limit` characters."""
    if len(speak(shown)) <= limit:
        return [shown]
    if level >= len(_SPLITTERS):
        return [shown]  # no space left to split at: _clip shortens what is said
    parts = [p for p in re.split(_SPLITTERS[level], shown) if p]
    if len(parts) == 1:
        return _fit(shown, speak, limit, level + 1)
    pieces: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current} {part}" if current else part
        if current and len(speak(candidate)) > limit:
            pieces.append(current)
            current = part
        else:
            current = candidate
    pieces.append(current)
    out: list[str] = []
    for piece in pieces:
        out.extend(_fit(piece, speak, limit, level + 1))
    return out


def _clip(spoken: str, limit: int) -> str:
    """Cut spoken text to `limit` characters at a space (a last resort: _fit splits first)."""
    if len(spoken) <= limit:
        return spoken
    cut = spoken[: limit + 1].rsplit(" ", 1)[0] if " " in spoken[:limit] else spoken[:limit]
    return cut.rstrip(" ,;:")


class _Planner:
    def __init__(self, settings: Settings, lang: str, lexicon: Mapping[str, str] | None):
        self.pauses = settings.pauses
        self.english = (lang or "en").lower().replace("_", "-").split("-")[0] == "en"
        memo: dict[str, str] = {}

        def speak(text: str) -> str:
            if text not in memo:
                memo[text] = spoken_form(text, lang, lexicon)
            return memo[text]

        self.speak = speak

    def sentences(
        self, text: str, kind: str, pause: int, prefix: str = "", suffix: str = ""
    ) -> list[_Piece]:
        """One piece per sentence (long ones split); the last gets `pause` and ends the block."""
        shown_parts: list[str] = []
        for sentence in split_sentences(text):
            shown_parts.extend(_fit(sentence, self.speak, MAX_SPOKEN_CHARS - 20))
        spoken_parts = [_clip(self.speak(part), MAX_SPOKEN_CHARS - 20) for part in shown_parts]
        kept = [(s, p) for s, p in zip(shown_parts, spoken_parts) if _speakable(p)]
        pieces = []
        for index, (shown, spoken) in enumerate(kept):
            if index == 0 and prefix:
                spoken = f"{prefix} {spoken}"
            last = index == len(kept) - 1
            if last and suffix:
                spoken = f"{spoken} {suffix}"
            pieces.append(
                _Piece(shown, spoken, pause if last else self.pauses.sentence, kind, last)
            )
        return pieces

    def spoken_note(self, block: Block) -> list[_Piece]:
        """Code and tables: shown as written, said as Block.spoken (split if it is long)."""
        if block.spoken is not None:
            note = block.spoken
        elif block.kind == CODE:
            note = "A code example, shown in the transcript." if self.english else ""
        else:
            note = block.text
        spoken = self.speak(note)
        if not _speakable(spoken):
            return []
        if len(spoken) <= MAX_SPOKEN_CHARS:
            return [_Piece(block.text, spoken, self.pauses.paragraph, "sentence", True)]
        return self.sentences(note, "sentence", self.pauses.paragraph)

    def block(self, block: Block) -> list[_Piece]:
        p = self.pauses
        if block.kind == ITEM:
            return self.sentences(block.text, "item", p.item)
        if block.kind == QUESTION:
            return self.sentences(block.text, "question", p.paragraph)
        if block.kind == QUOTE:
            if self.english:
                return self.sentences(block.text, "sentence", p.paragraph, "Quote:", "End quote.")
            return self.sentences(block.text, "sentence", p.paragraph)
        if block.kind in (CODE, TABLE):
            return self.spoken_note(block)
        if block.kind == SUBHEADING:
            return self.heading(block.text, block.text, "sentence")
        # PARAGRAPH, LEADIN and any kind this module does not know yet
        return self.sentences(block.text, "sentence", p.paragraph)

    def heading(self, shown: str, text: str, kind: str = "heading") -> list[_Piece]:
        spoken = self.speak(text)
        if not _speakable(spoken):
            return []
        if spoken[-1] not in ".!?":
            spoken += "."  # a falling tone: said as a title, not as the start of a sentence
        if len(spoken) > MAX_SPOKEN_CHARS:
            return [
                _Piece(piece.shown, piece.spoken, piece.pause, kind, piece.paragraph_end)
                for piece in self.sentences(shown, kind, self.pauses.heading)
            ]
        return [_Piece(shown, spoken, self.pauses.heading, kind, True)]


def _minutes_phrase(seconds: float) -> str:
    if seconds < 45:
        return "less than a minute"
    minutes = max(1, round(seconds / 60))
    return "about 1 minute" if minutes == 1 else f"about {minutes} minutes"


def plan(
    article: Article,
    settings: Settings,
    lang: str,
    lexicon: Mapping[str, str] | None = None,
) -> Plan:
    """The utterances of an episode, in order, with their chapters. Pure and deterministic.

    Opening announcement (settings.intro_summary), then per chapter: its spoken title
    ("Section 3 of 8: ..." with settings.announce), then one utterance per sentence of its
    blocks. Pauses come from settings.pauses. Text with nothing to say (emoji, symbols) is
    dropped; chapters left with nothing are dropped. No spoken text exceeds MAX_SPOKEN_CHARS.
    Raises SourceError when the article has nothing to read aloud.
    """
    planner = _Planner(settings, lang, lexicon)
    pauses = settings.pauses

    bodies: list[tuple[str, bool, list[list[_Piece]]]] = []
    for title, blocks, titled in _chapters(article):
        body = [pieces for pieces in (planner.block(block) for block in blocks) if pieces]
        heading_speakable = titled and _speakable(planner.speak(title))
        if body or heading_speakable:
            bodies.append((title, titled, body))
    if not bodies:
        where = article.source or article.title or "article"
        raise SourceError(
            f"{where}: nothing to read aloud; give it an article with sentences of text"
        )

    titled_total = sum(1 for _, titled, _ in bodies if titled)
    chapters: list[list[_Piece]] = []
    number = 0
    for title, titled, body in bodies:
        pieces: list[_Piece] = []
        if titled:
            number += 1
            if settings.announce:
                shown = (
                    f"Section {number} of {titled_total}: {title}"
                    if planner.english
                    else f"{number}/{titled_total}: {title}"
                )
                pieces.extend(planner.heading(shown, shown))
            else:
                pieces.extend(planner.heading(title, title))
        for block_pieces in body:
            pieces.extend(block_pieces)
        chapters.append(pieces)

    if settings.intro_summary:
        words = sum(
            count_words(_block_text(block))
            for _, blocks, _ in _chapters(article)
            for block in blocks
        )
        intro = _intro_sentence(
            article, titled_total, estimate_seconds(words, settings.rate), planner.english
        )
        spoken = planner.speak(intro)
        if len(spoken) <= MAX_SPOKEN_CHARS:
            intro_pieces = [_Piece(intro, spoken, pauses.intro, "intro", True)]
        else:
            intro_pieces = planner.sentences(intro, "intro", pauses.intro)
        if _speakable(spoken):
            chapters[0][:0] = intro_pieces

    utterances: list[Utterance] = []
    for index, pieces in enumerate(chapters):
        for position, piece in enumerate(pieces):
            pause = piece.pause
            if position == len(pieces) - 1:
                pause = 0 if index == len(chapters) - 1 else pauses.section
            utterances.append(
                Utterance(
                    shown=piece.shown,
                    spoken=piece.spoken,
                    pause_after=pause,
                    section=index,
                    kind=piece.kind,
                    paragraph_end=piece.paragraph_end or position == len(pieces) - 1,
                )
            )
    return Plan(chapter_titles=tuple(title for title, _, _ in bodies), utterances=tuple(utterances))


def _intro_sentence(article: Article, sections: int, seconds: float, english: bool) -> str:
    title = " ".join(article.title.split()).rstrip(".")
    byline = " ".join(article.byline.split())
    if not english:
        return ". ".join(part for part in (title, byline) if part) + "."
    if title and byline:
        opening = f"{title} By {byline}." if title[-1] in "?!" else f"{title}, by {byline}."
    elif title or byline:
        opening = title if title[-1:] in ("?", "!") else f"{title or byline}."
    else:
        opening = ""
    counts = f"{sections} section{'s' if sections != 1 else ''}, " if sections else ""
    summary = f"{counts}{_minutes_phrase(seconds)}."
    summary = summary[0].upper() + summary[1:]
    return f"{opening} {summary}".strip()
