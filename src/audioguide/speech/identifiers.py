"""Identifiers: numbers that name something rather than count it, said digit by digit or in
the groups people use.

- Phone numbers, in any country's grouping: "+33 1 42 68 53 00" -> "plus three three, one,
  four two, six eight, five three, zero zero"; "(555) 123-4567".
- Security and ticket numbers: "CVE-2021-44228" -> "C V E twenty twenty-one, four four two two
  eight"; "JIRA-1234"; "RFC 9110".
- Flights and trains: "BA 117" -> "B A one seventeen", "UA900", "ICE 597".
- Postal codes: "10115 Berlin", "CA 90210", "SW1A 1AA"; gates, rooms, seats, platforms:
  "gate B22", "room 101" -> "room one oh one".
- Versions: "v2.3.1" -> "version two point three point one", "Python 3.11" -> "Python three
  point eleven", "Ubuntu 22.04" -> "Ubuntu twenty-two oh four".
"""

from __future__ import annotations

import re

from . import data
from .numbers import digits, num2words


def _letters(text: str) -> str:
    """ "BA" -> "B A"; digits inside are said one by one: "SW1A" -> "S W one A"."""
    out = []
    for char in text:
        if char.isdigit():
            out.append(digits(char))
        elif char.isalpha():
            out.append(char.upper())
    return " ".join(out)


def grouped(number: str) -> str:
    """A number as flight, room and model numbers are said: "117" -> "one seventeen", "2345"
    -> "twenty-three forty-five", "900" -> "nine hundred", "1005" -> "ten oh five", "7" ->
    "seven"; five digits or more (or a leading zero) digit by digit."""
    if len(number) >= 5 or (len(number) > 1 and number.startswith("0")):
        return digits(number)
    value = int(number)
    if len(number) <= 2 or value % 100 == 0:
        return num2words(value)
    head, tail = number[:-2], number[-2:]
    tail_words = "oh " + num2words(int(tail)) if tail.startswith("0") else num2words(int(tail))
    return f"{num2words(int(head))} {tail_words}"


def _version_part(part: str) -> str:
    if len(part) > 1 and part.startswith("0"):
        return "oh " + digits(part[1:]) if len(part) == 2 else digits(part)
    return num2words(int(part))


def say_version(version: str) -> str:
    """ "2.3.1" -> "two point three point one", "22.04" -> "twenty-two oh four"."""
    parts = version.split(".")
    if len(parts) == 2 and len(parts[1]) == 2 and parts[1].startswith("0"):
        return f"{num2words(int(parts[0]))} oh {num2words(int(parts[1]))}"
    return " point ".join(_version_part(p) for p in parts)


_PHONE_GROUPS = r"(?:[ .-]?\(?\d{1,5}\)?){2,7}"
_PHONE = re.compile(
    rf"(?<![\w+])\+\d{{1,3}}{_PHONE_GROUPS}(?![\w])"  # international: +33 1 42 68 53 00
    r"|(?<![\w(])\(\d{3}\) ?\d{3}[-. ]\d{4}(?![\w-])"  # (555) 123-4567
    r"|(?<![\w.-])(?:1[-. ])?\d{3}[-.]\d{3}[-.]\d{4}(?![\w-])"  # 555-123-4567, 1-800-...
    r"|(?<![\w.-])0\d{2,4}[ -]\d{3,4}[ -]?\d{3,4}(?![\w-])"  # 020 7946 0958
)
_PHONE_CONTEXT = re.compile(
    r"(?i)\b(call|phone|tel|telephone|fax|text|ring|dial|mobile|cell|hotline|helpline|whatsapp|"
    r"number)\b[^.!?]{0,20}$"
)
_LOCAL_PHONE = re.compile(r"(?<![\w.,-])\d{2,5}(?:[-. ]\d{2,5}){1,4}(?![\w-]|[.,]\d)")
_SHORT_NUMBER = re.compile(r"(?i)\b(dial|call|ring|text|phone)\s+(\d{3})\b(?![.,]\d)")


def _say_phone(number: str) -> str:
    """ "+33 (0)1 23 45" -> "plus three three, one, two three, four five": the "(0)" is the
    trunk prefix, not dialled from abroad."""
    groups = re.findall(r"\+?\d+", number.replace("(0)", " "))
    said = []
    for group in groups:
        words = digits(group)
        said.append("plus " + words if group.startswith("+") else words)
    return ", ".join(said)


def speak_phones(text: str) -> str:
    """Phone numbers digit by digit, in their groups, a short pause between groups."""
    text = _PHONE.sub(
        lambda m: _say_phone(m.group()) if sum(c.isdigit() for c in m.group()) >= 7
        else m.group(),  # "+0.25 points" is a signed number
        text,
    )

    def local(match: re.Match) -> str:
        count = sum(c.isdigit() for c in match.group())
        if count < 7 or not _PHONE_CONTEXT.search(text[: match.start()]):
            return match.group()
        return _say_phone(match.group())

    text = _LOCAL_PHONE.sub(local, text)
    return _SHORT_NUMBER.sub(lambda m: f"{m.group(1)} {digits(m.group(2))}", text)


_CVE = re.compile(r"\b(CVE|GHSA|CWE|USN|DSA|RHSA)-(\d{4})-(\d{3,})\b")
_TICKET = re.compile(r"(?<![\w./-])([A-Z][A-Za-z]{1,9}|[A-Z]{2,}\d?)-(\d{1,7})(?![\w-]|\.\d)")
_SPEC = re.compile(
    r"\b(RFC|ISO|IEC|IEEE|PEP|BS|EN|DIN|ANSI|NIST SP|ECMA|KB|MS|ASTM)[\s-]?(\d{2,6})((?:-\d{1,4})*)"
    r"\b(?![.,]\d)"
)
_FLIGHT = re.compile(
    rf"\b({'|'.join(sorted(data.AIRLINE_CODES, key=len, reverse=True))})\s?(\d{{1,4}})\b(?![.,]\d)"
)
_FLIGHT_WORD = re.compile(r"\b((?i:flights?))\s+([A-Z][A-Z0-9])\s?(\d{1,4})\b")
_TRAIN = re.compile(
    rf"\b({'|'.join(sorted(data.TRAIN_CODES, key=len, reverse=True))})\s(\d{{1,5}})\b(?![.,]\d)"
)
_PLACE_NUMBER = re.compile(
    r"(?i)\b(gate|room|rooms|seat|seats|platform|platforms|track|stand|pier|terminal|suite|"
    r"apartment|apt\.?|unit|bay|berth|booth|cabin|desk|door|hall|lab|locker|lot|office|"
    r"hangar|ward|bus|route|line|highway|interstate|exit|channel|model|flat|train|trains|"
    r"tram|ferry|port|ports|error|status|HTTP|Boeing|Airbus|Cessna|iPhone|Galaxy|Pixel|"
    r"extension|ext\.?)\s+"
    r"([A-Z]?)(\d{1,5})([A-Z]?)\b(?![.,:/]\d)"
)
_ISBN = re.compile(r"\bISBN(?:-1[03])?(:|\s+is|\s+number)?\s?((?:\d[- ]?){9,12}[\dX])\b")
_LONG_NUMBER = re.compile(r"(?i)(#|\bNo\.\s?|\bnumber\s|\border\s|\bref\.?\s)(\d{5,})\b(?![.,]\d)")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1?\d?\d)"
_IP = re.compile(rf"(?<![\w.])({_OCTET}(?:\.{_OCTET}){{3}})(?!\w|\.\d)")
_LETTER_CODE = re.compile(r"(?<![\w.$£€-])([A-Z])-?(\d{1,4})(?!\w|[.,:/]\d)")
_DIGIT_LETTER = re.compile(r"(?<![\w.$£€¥])([2-6])(G)\b")
_UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?) (\d[A-Z]{2})\b")
_POSTCODE_BEFORE_CITY = re.compile(r"(?<![\w.,$€£-])(\d{4,5})(?= [A-Z][a-zäöüéèßA-Z]+\b)")
_POSTCODE_AFTER_STATE = re.compile(
    rf"\b({'|'.join(sorted(data.US_STATES))})\s(\d{{5}})(?:-(\d{{4}}))?\b"
)
_POSTCODE_WORD = re.compile(
    r"(?i)\b((?:zip|zip code|postcode|post code|postal code|PLZ)(?:\s+(?:is|was|of))?:?)\s+"
    r"(\d{4,6})\b"
)
_VERSION_WORD = re.compile(
    r"(?i)\b(v|ver\.?|version|release|build|firmware|kernel|update)\s?(\d+(?:\.\d+)+|\d+)\b"
    r"(?![.,]\d)"
)
_VERSION_THREE = re.compile(r"(?<![\w.])v?(\d+\.\d+\.\d+(?:\.\d+)*)(?!\w|\.\d)")
_PRODUCT_VERSION = re.compile(
    rf"\b({'|'.join(sorted(map(re.escape, data.VERSIONED_PRODUCTS), key=len, reverse=True))})"
    r"\s(\d+\.\d+)(?!\w|\.\d)"
)


def speak_codes(text: str) -> str:
    """Security advisories, tickets, standards, flights, trains, places and postal codes."""
    text = _CVE.sub(
        lambda m: (
            f"{_letters(m.group(1))} {num2words(int(m.group(2)), to='year')}, {digits(m.group(3))}"
        ),
        text,
    )
    text = _SPEC.sub(
        lambda m: " ".join([m.group(1), grouped(m.group(2))]
                           + [grouped(part) for part in m.group(3).split("-") if part]),
        text,
    )  # "ISO 8601", "ISO-8859-1" -> "ISO eighty-eight fifty-nine one"
    text = _FLIGHT_WORD.sub(
        lambda m: f"{m.group(1)} {_letters(m.group(2))} {grouped(m.group(3))}", text
    )
    text = _FLIGHT.sub(lambda m: f"{_letters(m.group(1))} {grouped(m.group(2))}", text)
    text = _TRAIN.sub(
        lambda m: f"{_letters(m.group(1)) if m.group(1).isupper() else m.group(1)} "
        f"{grouped(m.group(2))}",
        text,
    )
    text = _TICKET.sub(_ticket, text)
    text = _ISBN.sub(_isbn, text)
    text = _LONG_NUMBER.sub(
        lambda m: ("number " if m.group(1) == "#" else m.group(1)) + digits(m.group(2)), text
    )
    text = _IP.sub(lambda m: " dot ".join(grouped(part) for part in m.group(1).split(".")), text)
    text = _PLACE_NUMBER.sub(
        lambda m: " ".join(
            part for part in (m.group(1), m.group(2), grouped(m.group(3)), m.group(4)) if part
        ),
        text,
    )
    text = _UK_POSTCODE.sub(lambda m: f"{_letters(m.group(1))}, {_letters(m.group(2))}", text)
    text = _POSTCODE_AFTER_STATE.sub(
        lambda m: (
            f"{m.group(1)} {digits(m.group(2))}" + (f", {digits(m.group(3))}" if m.group(3) else "")
        ),
        text,
    )
    text = _POSTCODE_WORD.sub(lambda m: f"{m.group(1)} {digits(m.group(2))}", text)
    text = _POSTCODE_BEFORE_CITY.sub(_postcode_before_city, text)
    text = _LETTER_CODE.sub(lambda m: f"{m.group(1)} {grouped(m.group(2))}", text)  # "B12", "F-150"
    return _DIGIT_LETTER.sub(lambda m: f"{num2words(int(m.group(1)))} {m.group(2)}", text)  # "5G"


def _isbn(match: re.Match) -> str:
    """ "ISBN 978-3-16-148410-0" -> "I S B N nine seven eight, three, ..." (its groups)."""
    joiner = (match.group(1) or "").replace(":", "")
    groups = [g for g in re.split(r"[- ]", match.group(2)) if g]
    return f"I S B N{joiner} " + ", ".join(digits(g) + (" X" if g.endswith("X") else "")
                                          for g in groups)


def _ticket(match: re.Match) -> str:
    prefix, number = match.group(1), match.group(2)
    if prefix.lower() in data.TICKET_NOT_PREFIX or prefix[1:].islower() and len(prefix) > 3:
        return match.group()  # "COVID-19", "Wi-Fi 6" stay for the acronym step; "Boeing-737"
    return f"{prefix} {grouped(number)}"


def _postcode_before_city(match: re.Match) -> str:
    city = match.string[match.end() + 1 :].split(" ", 1)[0].strip(",.;:")
    if city not in data.POSTCODE_CITIES:
        return match.group()
    return digits(match.group(1))


def speak_versions(text: str) -> str:
    """Version numbers: "v2.3.1" -> "version two point three point one", "Python 3.11" ->
    "Python three point eleven"."""

    def word(match: re.Match) -> str:
        label = match.group(1)
        said = "version" if label.lower().rstrip(".") in ("v", "ver") else label
        return f"{said} {say_version(match.group(2))}"

    text = _VERSION_WORD.sub(word, text)
    text = _PRODUCT_VERSION.sub(lambda m: f"{m.group(1)} {say_version(m.group(2))}", text)
    return _VERSION_THREE.sub(
        lambda m: ("version " if m.group().startswith("v") else "") + say_version(m.group(1)),
        text,
    )


def speak_identifiers(text: str) -> str:
    """Phones, codes and versions (before dates and plain numbers take their digits)."""
    return speak_versions(speak_codes(speak_phones(text)))
