"""The English normalizer: numbers, dates, money, units, abbreviations, acronyms and symbols
said in words, web addresses said as their site.

Each step is a small text -> text function; ENGLISH_STEPS is the chain, in order.
"""

from __future__ import annotations

import re
from functools import lru_cache, partial

from . import clock, data, dates, identifiers, measures, roman
from .dictionary import is_english_word
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
from .sentences import opens_sentence

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
_TITLE_OR_PLACE = re.compile(r"(?<![\w.])(Dr|St|Ft|Mt)(?:\.(?=\s|$|[,;:!?)])|(?=\s+[A-Z]))")
_NUMBER_SIGN = re.compile(r"(?<![\w.])(No\.|Nos\.|#)\s?(?=\d)", re.IGNORECASE)


_BEFORE_NUMBER = re.compile(
    r"(?<![\w.])("
    + "|".join(re.escape(k) for k in sorted(data.BEFORE_NUMBER, key=len, reverse=True))
    + r")\s?(?=\d)",
    re.IGNORECASE,
)


def _title_or_place(match: re.Match) -> str:
    """ "Dr. Lee" -> "Doctor Lee", "Mulholland Dr." -> "Drive", "Elm St. Its..." -> "Street."."""
    text = match.string
    before_name, after_name = data.TITLE_OR_PLACE[match.group(1).lower() + "."]
    after = text[match.end() :].lstrip()
    before = text[: match.start()].split()
    prev = before[-1] if before else ""
    after_a_name = prev[:1].isupper() or prev[:1].isdigit()
    if after_a_name and opens_sentence(after) and match.group().endswith("."):
        return after_name + "."  # "Elm St. Its bread sells out" -> "Elm Street. Its..."
    if after[:1].isupper():
        return before_name
    if after_a_name:
        return after_name + ("." if not after else "")
    return before_name


def expand_abbreviations(text: str) -> str:
    """Common abbreviations in full: "e.g." -> "for example", "Dr. Lee" -> "Doctor Lee",
    "Elm St." -> "Elm Street", "pp. 12-19" -> "pages 12-19", "Eq. 7" -> "equation 7"."""
    text = _NUMBER_SIGN.sub(lambda m: data.NUMBER_SIGNS[m.group(1).lower()] + " ", text)
    text = _BEFORE_NUMBER.sub(
        lambda m: _cap_like(data.BEFORE_NUMBER[m.group(1).lower()], m.group(1)) + " ", text
    )
    text = _TITLE_OR_PLACE.sub(_title_or_place, text)

    def expand(match: re.Match) -> str:
        if match.group(1).rstrip(".") in data.UNITS and re.search(r"\d\s?$", text[: match.start()]):
            return match.group()  # "5 oz." is a unit: speak_units says it
        words = _cap_like(data.ABBREVIATIONS[match.group(1).lower()], match.group(1))
        at_end = match.group(1).endswith(".") and not text[match.end() :].strip()
        opens = match.group(1).endswith(".") and opens_sentence(text[match.end() :])
        may_end = match.group(1).lower() in data.MAY_END
        return words + "." if at_end or (may_end and opens) else words

    return _ABBREVIATIONS.sub(expand, text)


# --------------------------------------------------------------------------------------------
# Dates and times

_TIME = re.compile(
    r"(?<![\w:.])(\d{1,2}):(\d{2})(?::\d{2})?(?:\s?([AaPp])\.?\s?[Mm]\b\.?)?(?![\w:])"
    r"|(?<![\w:.])(\d{1,2})\.(\d{2})\s?([AaPp])\.?\s?[Mm]\b\.?"  # British "8.30pm"
)
_MILITARY = re.compile(r"(?<![\w:.])([01]\d|2[0-3])([0-5]\d)\s?(hours|hrs|h)\b")
_HOUR = re.compile(r"(?<![\w:.])(\d{1,2})\s?([AaPp])\.?\s?[Mm]\b\.?")


def _kept_period(match: re.Match) -> str:
    """ "p.m." at the very end keeps its period as the sentence's full stop."""
    return "." if match.group().endswith(".") and not match.string[match.end() :].strip() else ""


def _clock(match: re.Match) -> str:
    """ "3:30 pm" -> "three thirty p m", "10:00" -> "ten o'clock", "14:00" -> "fourteen hundred"."""
    if match.group(1) is None:  # "8.30pm"
        hours, minutes, half = int(match.group(4)), int(match.group(5)), match.group(6)
    else:
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


_HOUR_RANGE = re.compile(
    r"(?<![\w:.])(\d{1,2})\s?[–-]\s?(?=\d{1,2}(?::\d{2})?\s?[AaPp]\.?\s?[Mm]\b)"
)


def _military(match: re.Match) -> str:
    """ "0800 hours" -> "oh eight hundred hours", "1430 hrs" -> "fourteen thirty hours"."""
    hours, minutes = match.group(1), int(match.group(2))
    said = ("oh " if hours.startswith("0") else "") + num2words(int(hours))
    said += " hundred" if minutes == 0 else " " + num2words(minutes)
    return f"{said} hours"


def speak_times(text: str) -> str:
    """Clock times: "3:30 pm" -> "three thirty p m", "10:00" -> "ten o'clock", "9am" -> "nine
    a m", "2–4 p.m." -> "two to four p m", "9 a.m.–6 p.m." -> "nine a m to six p m"."""
    text = _HOUR_RANGE.sub(lambda m: f"{num2words(int(m.group(1)))} to ", text)
    text = _MILITARY.sub(_military, text)
    text = _HOUR.sub(_hour, _TIME.sub(_clock, text))
    return re.sub(r"(?<=\b[ap] m)\.?\s?[–-]\s?(?=\w)", " to ", text)


# --------------------------------------------------------------------------------------------
# Money, percentages and units

_CURRENCY_ALT = "|".join(re.escape(k) for k in sorted(data.CURRENCIES, key=len, reverse=True))
_SCALE_ALT = "|".join(sorted(data.SCALES, key=len, reverse=True))
_MONEY = re.compile(rf"(?<![\w$£€¥₹])({_CURRENCY_ALT})\s?({NUM})(?:\s?({_SCALE_ALT})\b)?")
_MONEY_WORDS = "|".join(sorted({w for names in data.CURRENCIES.values() for w in names}))
_MONEY_PER = re.compile(rf"\b({_MONEY_WORDS}|pence|cents?)\s?/\s?([a-z]{{3,}})\b")
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


_CODE_ALT = "|".join(sorted(data.CURRENCY_CODES))
_CODE_BEFORE = re.compile(rf"\b({_CODE_ALT})\s?({NUM})(?:\s?({_SCALE_ALT})\b)?")
_CODE_AFTER = re.compile(rf"(?<![\w.,])({NUM})(?:\s?({_SCALE_ALT}))?\s({_CODE_ALT})\b")


def _coded(amount: str, scale: str | None, code: str) -> str:
    one, many = data.CURRENCY_CODES[code]
    if scale:
        return f"{cardinal(amount)} {data.SCALES[scale]} {many}"
    return f"{cardinal(amount)} {one if is_one(amount) else many}"


def speak_money(text: str) -> str:
    """Amounts: "$5.99" -> "five dollars and ninety-nine cents", "£3" -> "three pounds",
    "-$250" -> "minus two hundred and fifty dollars", "50¢" -> "fifty cents", "CHF 300" ->
    "three hundred Swiss francs"."""
    text = re.sub(r"(?<![\w.])-(?=[$£€¥₹]\d)", "minus ", text)
    text = re.sub(
        r"(?<![\w.])(\d+)\s?¢",
        lambda m: f"{cardinal(m.group(1))} cent" + ("" if m.group(1) == "1" else "s"),
        text,
    )
    text = _CODE_BEFORE.sub(lambda m: _coded(m.group(2), m.group(3), m.group(1)), text)
    text = _CODE_AFTER.sub(lambda m: _coded(m.group(1), m.group(2), m.group(3)), text)
    text = _MONEY.sub(_money, text)
    text = _MONEY_PER.sub(r"\1 per \2", text)  # "$25/walk", "£1.52/litre"
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
_UNIT = re.compile(
    rf"(?<![\w.])(-?){_FROM}({NUM})(?:\s?|-)({_UNIT_ALT})(?!\w)(\.(?=\s+[a-z]))?(?=(\s+[\w-]+)|)"
)


_THOUSANDS = re.compile(r"(?<![\w.$£€¥])(\d{1,3})[Kk]\b(?!\.\d)(\s+\w+)?")
_FEET_INCHES = re.compile(
    r"(?<![\w.-])(\d)['’′]\s?(?:(\d{1,2})(?:\"|”|″|'')"
    r"|(?=\s+(?:tall|high|long|wide|deep|by|x|×)\b))(?![\w'’])"
)


def _feet_inches(match: re.Match) -> str:
    """ "5'11\"" -> "five foot eleven"; "6'" -> "six feet"."""
    feet, inches = int(match.group(1)), match.group(2)
    if inches is None:
        return f"{num2words(feet)} {'foot' if feet == 1 else 'feet'}"
    return f"{num2words(feet)} foot {num2words(int(inches))}"


_RACE_WORDS = frozenset(
    {"run", "runs", "race", "races", "time", "times", "pb", "pr", "course", "training", "plan",
     "event", "in", "runner", "runners", "route", "loop", "walk", "swim", "split", "record",
     "screen", "screens", "tv", "tvs", "monitor", "monitors", "video", "videos", "display",
     "displays", "resolution", "streaming", "camera", "footage", "hdr", "ultra"}
)


def _thousands(match: re.Match) -> str:
    """ "a 10K race" -> "ten K race" (a distance); "10K followers" -> "ten thousand
    followers"."""
    following = (match.group(2) or "").strip().lower()
    said = "K" if following in _RACE_WORDS else "thousand"
    return f"{num2words(int(match.group(1)))} {said}{match.group(2) or ''}"


def speak_units(text: str) -> str:
    """Units after a number: "5 km" -> "five kilometers", "5 min read" -> "five minute read"."""

    text = re.sub(r"\s?/\s?100\s?km\b", " per hundred kilometers", text)  # "6.5 L/100 km"
    text = _THOUSANDS.sub(_thousands, text)  # "a 10K race", "10K followers"
    text = _FEET_INCHES.sub(_feet_inches, text)  # "5'11\""

    def unit(match: re.Match) -> str:
        sign, start, amount, symbol, _period, following = match.groups()
        following = following or ""
        single, plural = data.UNITS[symbol]
        if symbol == "x" and not match.group().endswith(amount + "x"):
            return match.group()  # "3 x 4" is a product, said by speak_numbers
        if symbol == "x" and re.match(r"\s?[=+*/^-]", text[match.end() :]):
            return match.group()[:-1] + " x"  # "2x = 10" is algebra: "two x equals ten"
        noun = following.strip().lower()
        adjective = noun in data.ADJECTIVE_NOUNS or noun[:-1] in data.ADJECTIVE_NOUNS
        name = single if adjective or (is_one(amount) and not start) else plural
        at_end = symbol.endswith(".") and not text[match.end() :].strip()
        return f"{_amount(sign, start, amount)} {name}" + ("." if at_end else "")

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
_COMPARE = {
    "<": " is less than ",
    ">": " is greater than ",
    "<=": " is less than or equal to ",
    ">=": " is greater than or equal to ",
    "≤": " is less than or equal to ",
    "≥": " is greater than or equal to ",
}
_NUMBER = re.compile(rf"(?<![\w.,])(-?)({NUM})(?![\w]|[.,]\d)")


def _comparison(match: re.Match) -> str:
    """ "x ≥ 5" -> "x is greater than or equal to five" after a variable or a number; "keep
    it ≥ 60" -> "keep it greater than or equal to sixty" after other words."""
    words = _COMPARE[match.group(1)]
    before = match.string[: match.start()].split()
    subject = before[-1] if before else ""
    if len(subject.strip("()")) == 1 or subject[-1:].isdigit() or subject.endswith(")"):
        return words
    return words.replace(" is ", " ", 1)


def _range(match: re.Match) -> str:
    """ "5-10" -> "five to ten"; "2019–20" (a season) -> "twenty nineteen to twenty twenty"."""
    first, last = match.group(1), match.group(2)
    if len(first) == 4 and first.isdigit() and len(last) == 2 and int(last) > int(first[2:]):
        last = first[:2] + last
    return f"{number(first)} to {number(last)}"


def speak_numbers(text: str) -> str:
    """Numbers in words: "1,200" -> "one thousand two hundred", "1999" -> "nineteen ninety-nine",
    "3.5" -> "three point five", "5-10" -> "five to ten", "3/4" -> "three quarters"."""
    text = _FRACTION.sub(lambda m: data.FRACTIONS[m.group(1)], text)
    text = re.sub(r"(?<=\d)\s?[x×*]\s?(?=\d)", " times ", text)
    text = re.sub(r"(?<=[\w)])\s?([<>]=?|≤|≥)\s?(?=-?\d|[a-z]\b)", _comparison, text)
    text = re.sub(r"(?<=\d)/(?=\d)", " over ", text)
    text = _PHONE.sub(
        lambda m: ", ".join(digits(part) for part in re.findall(r"\d+", m.group())), text
    )
    text = _RANGE.sub(_range, text)

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

_ACRONYM = re.compile(
    r"(?<![\w.'’])(?<![A-Za-z]-[A-Za-z])([A-Z][A-Za-z0-9]*[A-Z0-9]|[A-Z])(s['’]|s|'s|’s)?"
    r"(?![\w'’]|-\d)"
)


def _a_word_in_capitals(word: str) -> bool:
    """A word of three letters or more that the dictionary knows in lower case ("NULL",
    "GNOME"); two-letter capitals ("US", "IT", "ID") are acronyms unless data.CAPS_WORDS says
    otherwise."""
    return len(word) >= 3 and word not in data.CAPS_WORDS and is_english_word(word)


def _acronym(match: re.Match) -> str:
    """ "FAQ" -> "F A Q", "RDLs" -> "R D Ls", "CEO's" -> "C E O's"; other words unchanged."""
    word, plural = match.group(1), match.group(2) or ""
    capitals = word.isupper() and word.isalpha() and 2 <= len(word) <= 5
    if capitals and word not in data.SPELLED and _a_word_in_capitals(word + plural):
        said = (word + plural).lower()  # "NULL", "GNOME", "KISS", "AIDS": words, not letters
        at_start = not match.string[: match.start()].strip() or re.search(
            r"[.!?]\s+$", match.string[: match.start()]
        )
        return said.capitalize() if at_start else said
    if word in data.SPELLED or (capitals and word not in data.CAPS_WORDS):
        letters = " ".join(word.upper())
        if plural and plural[-1] in "'’":
            return f"{letters}s'"  # "CEOs'"
        if plural and plural != "s":
            return f"{letters}'s"
        return letters + plural
    return match.group()


_AMPERSAND_NAME = re.compile(r"\b([A-Z]{1,3})&([A-Z]{1,3})\b")


_QUARTER = re.compile(r"\b([QH])([1-4])\b")


def speak_acronyms(text: str) -> str:
    """Acronyms: said as a word when data.AS_WORDS says so ("NASA"), else spelled ("IBM" ->
    "I B M", "CPUs" -> "C P Us", "FBI's" -> "F B I's", "AT&T" -> "A T and T")."""
    text = _QUARTER.sub(lambda m: f"{m.group(1)} {num2words(int(m.group(2)))}", text)
    text = _AMPERSAND_NAME.sub(lambda m: f"{' '.join(m.group(1))} and {' '.join(m.group(2))}", text)
    text = _as_words().sub(lambda m: data.AS_WORDS[m.group()], text)
    return _ACRONYM.sub(_acronym, text)


@lru_cache(maxsize=1)
def _as_words() -> re.Pattern:
    """Every data.AS_WORDS spelling as a whole word, in one pattern (the longest first): one
    search of each sentence, where a pattern per entry made 93 (speak_acronyms took 4 of the
    10 s of planning a 100,000-word article)."""
    spellings = sorted(data.AS_WORDS, key=len, reverse=True)
    return re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, spellings))})(?!\w)")


_SLASH_WORDS = re.compile(r"(?<=[^\W\d_])/(?=[^\W\d_])")


def speak_symbols(text: str) -> str:
    """Symbols in words: "&" -> "and", "%" -> "percent", "+" -> "plus", "and/or" -> "and or"."""
    text = re.sub(r"(?<=\w)\+\+", " plus plus", text)
    text = re.sub(r"(?<![\w#])([A-G])#(?![\w#])", r"\1 sharp", text)  # "C#", "F#", "G#"
    text = re.sub(r"(?<![\w.])\.NET\b", "dot net", text)
    text = re.sub(r"(?i)\band/or\b", "and or", text)
    text = _SLASH_WORDS.sub(" or ", text)
    text = re.sub(r"(?<=[^\W\d_])\.?–(?=[^\W\d_])", " to ", text)  # "Sept.–Dec.", "Paris–Rome"
    text = re.sub(r"(?<=\w)²", " squared", text)
    text = re.sub(r"(?<=\w)³", " cubed", text)
    text = re.sub(r"\b([a-z])([a-z])(?= squared| cubed)", r"\1 \2", text)  # "mc²"
    text = re.sub(r"\s[-–—]{1,2}\s|\s?—\s?|\s?--\s?", ", ", text)
    text = re.sub(r"(?<=[\s(])-(?=[^\W\d_])|(?<=[^\W\d_])-(?=[\s,.;:!?)])", " ", text)
    text = re.sub(r"\s*\|\s*", ", ", text)
    text = re.sub(r"\s[<>]\s", " ", text)
    for symbol, words in data.SYMBOLS.items():
        if symbol in text:
            text = text.replace(symbol, words)
    text = text.replace("/", " slash ")
    return text.translate({ord(c): " " for c in data.MARKUP_CHARS})


def speak_dates(text: str) -> str:
    """Dates in en-US order ("11/7/2024" -> "November seventh, twenty twenty-four"); see
    speech.dates for other regions."""
    return dates.speak_dates(text, "en-US")


def english_steps(lang: str = "en-US") -> tuple[Step, ...]:
    """The English chain for a language tag; only dates depend on the region ("en-GB")."""
    return _steps_for_region(dates.day_first(lang))


@lru_cache(maxsize=2)
def _steps_for_region(day_first: bool) -> tuple[Step, ...]:
    region_dates = partial(dates.speak_dates, lang="en-GB" if day_first else "en-US")
    # Order matters: addresses before symbols; identifiers, dates, durations, times and money
    # before plain numbers; units after fractions ("1/4 tsp"); symbols last.
    return (
        strip_markdown_links,
        speak_emails,
        speak_urls,
        shorten_long_words,
        strip_markup,
        strip_bullets,
        strip_emoji,
        measures.normalize_signs,
        identifiers.speak_identifiers,
        expand_abbreviations,
        region_dates,
        clock.speak_durations,
        partial(clock.speak_scores_and_ratios, lang="en-GB" if day_first else "en-US"),
        speak_times,
        speak_money,
        speak_percent,
        measures.speak_fractions,
        measures.speak_sizes,
        speak_units,
        measures.speak_rates,
        roman.speak_roman,
        speak_ordinals,
        speak_numbers,
        speak_acronyms,
        speak_symbols,
        tidy,
        capitalize_numbers,
    ) + ((british_spelling,) if day_first else ())


_METRIC = re.compile(r"\b(kilo|centi|milli|micro|nano|deci|hecto)?(met|lit)er(s?)\b")


def british_spelling(text: str) -> str:
    """en-GB: "kilometers" -> "kilometres", "liters" -> "litres" (the spoken text is recorded
    in the manifest; the voices say both the same)."""
    return _METRIC.sub(lambda m: f"{m.group(1) or ''}{m.group(2)}re{m.group(3)}", text)


ENGLISH_STEPS: tuple[Step, ...] = english_steps("en-US")
