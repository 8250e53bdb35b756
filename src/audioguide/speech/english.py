"""The English normalizer: numbers, dates, money, units, abbreviations, acronyms and symbols
said in words, web addresses said as their site.

Each step is a small text -> text function; ENGLISH_STEPS is the chain, in order.
"""

from __future__ import annotations

import re

from . import data
from .neutral import (
    URL,
    Step,
    shorten_long_words,
    strip_bullets,
    strip_emoji,
    strip_markdown_links,
    strip_markup,
    tidy,
    url_site,
    url_trailing,
)
from .numbers import NUM, cardinal, digits, is_one, num2words, number

# --------------------------------------------------------------------------------------------
# Addresses

_EMAIL = re.compile(r"\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,})\b")
_TLD_ALT = "|".join(sorted(data.TLDS, key=len, reverse=True))
_DOMAIN = re.compile(
    rf"(?<![\w@./-])((?:[a-z0-9-]+\.)+(?:{_TLD_ALT}))(?![\w/@-]|\.\w)", re.IGNORECASE
)


def _say_dots(host: str) -> str:
    return " dot ".join(part for part in host.split(".") if part)


def speak_urls(text: str) -> str:
    """A web address is said as its site: "https://www.example.org/x" -> "example dot org"."""
    text = URL.sub(lambda m: _say_dots(url_site(m)) + url_trailing(m), text)
    return _DOMAIN.sub(lambda m: _say_dots(m.group(1).lower()), text)


def speak_emails(text: str) -> str:
    """An e-mail address is said in words: "jo.smith@example.org" -> "jo dot smith at ..."."""

    def say(match: re.Match) -> str:
        user = re.sub(r"[_+-]+", " ", match.group(1)).replace(".", " dot ")
        return f"{' '.join(user.split())} at {_say_dots(match.group(2).lower())}"

    return _EMAIL.sub(say, text)


# --------------------------------------------------------------------------------------------
# Abbreviations


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


# --------------------------------------------------------------------------------------------
# Dates and times

_ISO_DATE = re.compile(r"(?<![\w.-])(\d{4})-(\d{2})-(\d{2})(?![\w-]|\.\d)")


def speak_dates(text: str) -> str:
    """ISO dates: "2026-11-26" -> "November twenty-sixth, twenty twenty-six"."""

    def date(match: re.Match) -> str:
        _, month, day = (int(part) for part in match.groups())
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group()
        return f"{data.MONTHS[month - 1]} {num2words(day, to='ordinal')}, {number(match.group(1))}"

    return _ISO_DATE.sub(date, text)


_TIME = re.compile(
    r"(?<![\w:.])(\d{1,2}):(\d{2})(?::\d{2})?(?:\s?([AaPp])\.?\s?[Mm]\b\.?)?(?![\w:])"
)
_HOUR = re.compile(r"(?<![\w:.])(\d{1,2})\s?([AaPp])\.?\s?[Mm]\b\.?")


def _kept_period(match: re.Match) -> str:
    """ "p.m." at the very end keeps its period as the sentence's full stop."""
    return "." if match.group().endswith(".") and not match.string[match.end() :].strip() else ""


def _clock(match: re.Match) -> str:
    """ "3:30 pm" -> "three thirty p m", "10:00" -> "ten o'clock", "14:00" -> "fourteen hundred"."""
    hours, minutes, half = int(match.group(1)), int(match.group(2)), match.group(3)
    if hours > 24 or minutes > 59:
        return match.group()
    words = num2words(hours)
    if minutes == 0:
        words += "" if half else (" hundred" if hours > 12 else " o'clock")
    elif minutes < 10:
        words += " oh " + num2words(minutes)
    else:
        words += " " + num2words(minutes)
    if half:
        words += f" {half.lower()} m" + _kept_period(match)
    return words


def _hour(match: re.Match) -> str:
    """ "9am" -> "nine a m"."""
    if int(match.group(1)) > 12:
        return match.group()
    return f"{num2words(int(match.group(1)))} {match.group(2).lower()} m" + _kept_period(match)


def speak_times(text: str) -> str:
    """Clock times: "3:30 pm" -> "three thirty p m", "10:00" -> "ten o'clock", "9am" -> "nine
    a m"."""
    return _HOUR.sub(_hour, _TIME.sub(_clock, text))


# --------------------------------------------------------------------------------------------
# Money, percentages and units

_CURRENCY_ALT = "|".join(re.escape(k) for k in sorted(data.CURRENCIES, key=len, reverse=True))
_SCALE_ALT = "|".join(sorted(data.SCALES, key=len, reverse=True))
_MONEY = re.compile(rf"(?<![\w$£€¥₹])({_CURRENCY_ALT})\s?({NUM})(?:\s?({_SCALE_ALT})\b)?")
_MONEY_WORDS = "|".join(sorted({w for names in data.CURRENCIES.values() for w in names}))
_MONEY_RANGE = re.compile(rf"\b({_MONEY_WORDS})\s?[-–]\s?(?=[a-z])")


def _money(match: re.Match) -> str:
    """ "$5.99" -> "five dollars and ninety-nine cents", "$2.5bn" -> "two point five billion..."."""
    one, many, cent, cents = data.CURRENCIES[match.group(1)]
    amount, scale = match.group(2), match.group(3)
    if scale:
        return f"{cardinal(amount)} {data.SCALES[scale]} {many}"
    whole, _, fraction = amount.replace(",", "").partition(".")
    whole_value = int(whole)
    unit = one if whole_value == 1 else many
    if len(fraction) != 2:
        return f"{cardinal(amount)} {many if fraction else unit}"
    fraction_value = int(fraction)
    cent_words = f"{num2words(fraction_value)} {cent if fraction_value == 1 else cents}"
    if whole_value == 0:
        return cent_words
    words = f"{cardinal(whole)} {unit}"
    return words if fraction_value == 0 else f"{words} and {cent_words}"


def speak_money(text: str) -> str:
    """Amounts: "$5.99" -> "five dollars and ninety-nine cents", "£3" -> "three pounds"."""
    text = _MONEY.sub(_money, text)
    return _MONEY_RANGE.sub(r"\1 to ", text)  # "$5-$10" -> "five dollars to ten dollars"


_FROM = rf"(?:({NUM})\s?[-–]\s?)?"  # the start of a range: "30-45 min", "10–20%"
_PERCENT = re.compile(rf"(?<![\w.])(-?){_FROM}({NUM})\s?%")


def _amount(sign: str, start: str | None, end: str) -> str:
    """A number or a range of numbers in words: "30", "-5", "30-45"."""
    if start:
        return f"{cardinal(sign + start)} to {cardinal(end)}"
    return cardinal(sign + end)


def speak_percent(text: str) -> str:
    """Percentages: "15%" -> "fifteen percent", "2.5 %" -> "two point five percent"."""
    return _PERCENT.sub(lambda m: f"{_amount(*m.groups())} percent", text)


_UNIT_ALT = "|".join(re.escape(k) for k in sorted(data.UNITS, key=len, reverse=True))
_UNIT = re.compile(rf"(?<![\w.])(-?){_FROM}({NUM})(?:\s?|-)({_UNIT_ALT})(?![\w/])(?=(\s+[\w-]+)|)")


def speak_units(text: str) -> str:
    """Units after a number: "5 km" -> "five kilometers", "5 min read" -> "five minute read"."""

    def unit(match: re.Match) -> str:
        sign, start, amount, symbol, following = match.groups()
        following = following or ""
        single, plural = data.UNITS[symbol]
        if symbol == "x" and not match.group().endswith(amount + "x"):
            return match.group()  # "3 x 4" is a product, said by speak_numbers
        adjective = following.strip().lower() in data.ADJECTIVE_NOUNS
        name = single if adjective or (is_one(amount) and not start) else plural
        return f"{_amount(sign, start, amount)} {name}"

    return _UNIT.sub(unit, text)


# --------------------------------------------------------------------------------------------
# Numbers

_ORDINAL = re.compile(r"(?<![\w.])(\d+)(st|nd|rd|th)\b", re.IGNORECASE)
_DECADE = re.compile(r"(?<![\w.])(?:(\d{2})(\d0)|['’]?(\d0))['’]?s\b")


def _plural(words: str) -> str:
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


def _decade(match: re.Match) -> str:
    """ "1990s" -> "nineteen nineties", "'80s" -> "eighties", "1900s" -> "nineteen hundreds"."""
    century, tens, short = match.groups()
    if short:
        return _plural(num2words(int(short)))
    if tens == "00":
        return "two thousands" if century == "20" else num2words(int(century)) + " hundreds"
    return _plural(num2words(int(century)) + " " + num2words(int(tens)))


def speak_ordinals(text: str) -> str:
    """Ordinals and decades: "1st" -> "first", "21st" -> "twenty-first", "1990s" -> "nineteen
    nineties"."""
    text = _DECADE.sub(_decade, text)
    return _ORDINAL.sub(lambda m: num2words(int(m.group(1)), to="ordinal"), text)


_FRACTION = re.compile(
    r"(?<![\w/])("
    + "|".join(re.escape(k) for k in sorted(data.FRACTIONS, key=len, reverse=True))
    + r")(?![\w/])"
)
_RANGE = re.compile(rf"(?<![\w.,-])({NUM})\s?[-–—]\s?({NUM})(?![\w.,]\d|\w)")
_PHONE = re.compile(r"(?<![\w.-])(?:\(\d{3}\) ?|\d{3}[-.])?\d{3}-\d{4}(?![\w-])")
_NUMBER = re.compile(rf"(?<![\w.,])(-?)({NUM})(?![\w]|[.,]\d)")


def speak_numbers(text: str) -> str:
    """Numbers in words: "1,200" -> "one thousand two hundred", "1999" -> "nineteen ninety-nine",
    "3.5" -> "three point five", "5-10" -> "five to ten", "3/4" -> "three quarters"."""
    text = _FRACTION.sub(lambda m: data.FRACTIONS[m.group(1)], text)
    text = re.sub(r"(?<=\d)\s?[x×*]\s?(?=\d)", " times ", text)
    text = re.sub(r"(?<=\d)/(?=\d)", " slash ", text)
    text = _PHONE.sub(
        lambda m: ", ".join(digits(part) for part in re.findall(r"\d+", m.group())), text
    )
    text = _RANGE.sub(lambda m: f"{number(m.group(1))} to {number(m.group(2))}", text)

    def plain(match: re.Match) -> str:
        sign, written = match.groups()
        before = text[: match.start()]
        if sign and before and not before[-1].isspace() and before[-1] not in "([":
            return match.group()  # "a-5", "x-1" stay as they are
        return ("minus " if sign else "") + number(written)

    return _NUMBER.sub(plain, text)


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


# --------------------------------------------------------------------------------------------
# Acronyms and symbols

_ACRONYM = re.compile(r"(?<![\w.'’-])([A-Z][A-Za-z0-9]*[A-Z0-9]|[A-Z])(s|'s|’s)?(?![\w'’-])")
_VOWELS = set("AEIOU")


def _acronym(match: re.Match) -> str:
    """ "FAQ" -> "F A Q", "RDLs" -> "R D Ls", "CEO's" -> "C E O's"; other words unchanged."""
    word, plural = match.group(1), match.group(2) or ""
    if word in data.SPELLED or (
        word.isupper() and word.isalpha() and 2 <= len(word) <= 5 and not _VOWELS & set(word)
    ):
        letters = " ".join(word.upper())
        if plural and plural != "s":
            return f"{letters}'s"
        return letters + plural
    return match.group()


def speak_acronyms(text: str) -> str:
    """Acronyms: spelled out ("FAQ" -> "F A Q", "RDLs" -> "R D Ls") or said as a word ("NASA")."""
    for written, said in data.AS_WORDS.items():
        text = re.sub(rf"(?<![\w-]){re.escape(written)}(?!\w)", said, text)
    return _ACRONYM.sub(_acronym, text)


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
