"""Numbers with colons and duration letters: clock times, durations, paces, ratios and scores.

The same "5:10" is a clock time ("at 5:10"), a pace ("5:10/km": five minutes ten seconds per
kilometer), a race time ("finished in 5:10"), a ratio ("a 16:9 screen") or a score ("won 2:0").
The words around it decide, in this order: a unit after it (pace), a word before it (score,
ratio, duration), else a clock time.
"""

from __future__ import annotations

import re

from . import data
from .dates import day_first
from .numbers import cardinal, num2words

# Durations written with unit letters: "4h 20m", "2h45", "1h", "45s", "3m 20s", "2 hr 15 min".
_DURATION = re.compile(
    r"(?<![\w.:])(\d+)\s?h(?:rs?)?\s?(\d{1,2})(?:\s?m(?:in)?s?)?(?:\s?(\d{1,2})\s?s(?:ec)?)?(?![\w])"
    r"|(?<![\w.:])(\d+)\s?m(?:in)?\s?(\d{1,2})\s?s(?:ec)?(?![\w])"
)
_SECONDS = re.compile(r"(?<![\w.:'’])(\d{1,3}(?:\.\d+)?)\s?(?:s|secs?)\b(?![.,]\d)")
_SECONDS_CONTEXT = re.compile(
    r"(?i)\b(?:for|rest|hold|holds|every|in|after|under|over|than|about|"
    r"of|each|another|just|only|first|last|the first)\s+$"
)
_HMS = re.compile(r"(?<![\w:.])(\d{1,2}):([0-5]\d):([0-5]\d)(?:\.(\d+))?(?![\w:])")
_PACE = re.compile(
    r"(?<![\w:.])(\d{1,2}):([0-5]\d)\s?(?:/|per\s+|a\s+)\s?(km|mi|mile|kilometer|kilometre|100\s?m|"
    r"500\s?m|400\s?m|lap)\b"
)
_SCORE_WORDS = (
    r"won|lost|beat|beaten|drew|draw|tied|tie|ended|ending|finished|score|scored|scoreline|"
    r"result|victory|win|defeat|loss|lead|led|trailing|trailed|halftime|half-time|final"
)
_SCORE = re.compile(
    rf"(?i)\b((?:{_SCORE_WORDS})\s+(?:by\s+|at\s+)?)(\d{{1,2}})[:–-](0|[1-9]\d?)(?![\w:]|\.\d)"
)
_SCORE_AFTER = re.compile(
    r"(?i)(?<![\w:.-])(\d{1,2})[:–-](\d{1,2})\s+(win|victory|loss|defeat|draw|tie|lead|"
    r"home win|away win|thrashing|rout|scoreline|series lead)\b"
)
_RATIO = re.compile(
    r"(?<![\w:.])(\d{1,3}):(\d{1,3})(?=\s+(ratio|aspect|screen|display|format|monitor|mix|"
    r"blend|split|crop|frame|video|image|photo|widescreen|TV|television)s?\b)"
)
_RATIO_BEFORE = re.compile(
    r"(?i)\b((?:ratio|ratios|mix|blend|proportion|odds)\s+(?:(?:of|were|are|is|was|at)\s+)?"
    r"(?:about\s+)?)"
    r"(\d{1,3}):(\d{1,3})(?![\w:])"
)
_DURATION_CONTEXT = re.compile(
    r"(?i)\b(?:in|time|time of|times of|record|pr|pb|best|personal best|finished in|clocked|"
    r"ran|run|runs|marathon|half marathon|5k|10k|split|splits|lasted|lasts|lasting|runtime|"
    r"running time|length|duration|took|takes|taking)\s+(?:was\s+|is\s+|of\s+|a\s+|an\s+|"
    r"about\s+|under\s+|"
    r"just\s+under\s+|around\s+)?$"
)
_MM_SS = re.compile(r"(?<![\w:.])(\d{1,2}):([0-5]\d)(?![\w:]|\.\d|\s?[AaPp]\.?[Mm]\b)")


def _plural(count: int, unit: str) -> str:
    return f"{num2words(count)} {unit}{'' if count == 1 else 's'}"


def minutes_seconds(minutes: str, seconds: str) -> str:
    """A pace as runners say it: "8:30" -> "eight thirty", "5:05" -> "five oh five"."""
    tail = int(seconds)
    said = "flat" if tail == 0 else ("oh " if tail < 10 else "") + num2words(tail)
    return f"{num2words(int(minutes))} {said}"


def say_duration(hours: int = 0, minutes: int = 0, seconds: int = 0, fraction: str = "") -> str:
    """ "two hours, fifteen minutes and thirty seconds"; zero parts are left out."""
    parts = []
    if hours:
        parts.append(_plural(hours, "hour"))
    if minutes:
        parts.append(_plural(minutes, "minute"))
    if seconds or fraction:
        if fraction:
            digits = " ".join(num2words(int(d)) for d in fraction)
            parts.append(f"{num2words(seconds)} point {digits} seconds")
        else:
            parts.append(_plural(seconds, "second"))
    if not parts:
        return "zero seconds"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def speak_durations(text: str) -> str:
    """Durations: "2h 15m" -> "two hours and fifteen minutes", "2h45" -> "two hours and
    forty-five minutes", "1:02:30" -> "one hour, two minutes and thirty seconds", "5:10/km" ->
    "five minutes and ten seconds per kilometer", "finished in 4:05" -> "four minutes and five
    seconds"."""

    def letters(match: re.Match) -> str:
        h, m, s, m2, s2 = match.groups()
        if h is not None:
            return say_duration(int(h), int(m), int(s or 0))
        return say_duration(0, int(m2), int(s2))

    def pace(match: re.Match) -> str:
        unit = match.group(3).replace(" ", "")
        name = data.PACE_UNITS.get(unit, unit)
        return f"{minutes_seconds(match.group(1), match.group(2))} per {name}"

    def hms(match: re.Match) -> str:
        h, m, s, frac = match.groups()
        return say_duration(int(h), int(m), int(s), frac or "")

    def mm_ss(match: re.Match) -> str:
        not_a_clock = int(match.group(1)) > 24
        if not not_a_clock and not _DURATION_CONTEXT.search(text[: match.start()][-40:]):
            return match.group()
        return say_duration(0, int(match.group(1)), int(match.group(2)))

    def seconds(match: re.Match) -> str:
        count = match.group(1)
        before = text[: match.start()][-20:]
        if "." in count:
            return f"{cardinal(count)} seconds"
        if count.endswith("0") and not _SECONDS_CONTEXT.search(before):
            return match.group()  # "the 90s", "in their 30s": decades and ages
        if (
            match.group().rstrip().endswith("s")
            and "sec" not in match.group()
            and (
                before.endswith("'")
                or before.rstrip().lower().endswith(("the", "their", "his", "her"))
            )
        ):
            return match.group()
        return _plural(int(count), "second")  # "45s", "90 sec"

    text = _DURATION.sub(letters, text)
    text = _SECONDS.sub(seconds, text)
    text = _PACE.sub(pace, text)
    text = _HMS.sub(hms, text)
    return _MM_SS.sub(mm_ss, text)


def _score_words(first: str, second: str, british: bool) -> str:
    """en-GB: "2-0" -> "two nil", "3-1" -> "three one"; en-US: "two to nothing", "three to
    one"; "0-0": "nil nil" / "zero zero"."""
    a, b = int(first), int(second)
    if british:
        return f"{'nil' if a == 0 else num2words(a)} {'nil' if b == 0 else num2words(b)}"
    if a == 0 and b == 0:
        return "zero zero"
    return f"{num2words(a)} to {'nothing' if b == 0 else num2words(b)}"


def speak_scores_and_ratios(text: str, lang: str = "en-US") -> str:
    """Scores and ratios: "won 2:0" -> "won two nil", "a 3-1 win" -> "a three one win",
    "a 16:9 screen" -> "a sixteen by nine screen", "a ratio of 3:1" -> "a ratio of three to
    one"."""
    gb = day_first(lang)
    text = _SCORE.sub(lambda m: m.group(1) + _score_words(m.group(2), m.group(3), gb), text)
    text = _SCORE_AFTER.sub(
        lambda m: f"{_score_words(m.group(1), m.group(2), gb)} {m.group(3)}", text
    )

    def ratio(first: str, second: str, shape: bool) -> str:
        joiner = "by" if shape and (first, second) in data.ASPECT_RATIOS else "to"
        return f"{num2words(int(first))} {joiner} {num2words(int(second))}"

    text = _RATIO.sub(lambda m: ratio(m.group(1), m.group(2), m.group(3).lower() != "ratio"), text)
    return _RATIO_BEFORE.sub(lambda m: m.group(1) + ratio(m.group(2), m.group(3), False), text)
