"""Text steps for any language: markup, bullets, emoji and web addresses are not read aloud.

Each step is a small text -> text function. NEUTRAL_STEPS is the whole chain for languages other
than English; the English chain (english.ENGLISH_STEPS) reuses most of these steps.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from . import data

Step = Callable[[str], str]

URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"'()\[\]]+", re.IGNORECASE)
_TRAILING = ".,;:!?"  # punctuation after an address belongs to the sentence

MAX_WORD_CHARS = 40
_LONG_WORD = re.compile(rf"(\S{{{MAX_WORD_CHARS}}})\S+")


def strip_markdown_links(text: str) -> str:
    """Markdown images and links say their text: "[the docs](https://x.org)" -> "the docs"."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return re.sub(r"<(https?://[^>\s]+)>", r"\1", text)


def site(url: str) -> str:
    """The host of a web address, without "www.": "https://www.Example.org/x" -> "example.org"."""
    host = re.sub(r"^(?:https?://)?", "", url, flags=re.IGNORECASE).split("/")[0].split("?")[0]
    host = host.split("@")[-1].split(":")[0].rstrip(".").lower()
    host = host.removeprefix("www.")
    return host


def url_site(match: re.Match) -> str:
    """The site of a URL match ("example.org"), without the punctuation that follows it."""
    return site(match.group().rstrip(_TRAILING))


def url_trailing(match: re.Match) -> str:
    """The punctuation at the end of a URL match ("." in "see example.org/x.")."""
    url = match.group()
    return url[len(url.rstrip(_TRAILING)) :]


def neutral_urls(text: str) -> str:
    """Any language: a web address is its site: "https://www.example.org/x" -> "example.org"."""
    return URL.sub(lambda m: url_site(m) + url_trailing(m), text)


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


def strip_emoji(text: str) -> str:
    """Emoji and pictographs (and their joiners and skin tones) are dropped, not described.

    Symbols the English steps say in words (data.SYMBOLS: "©", "°") are kept.
    """
    out = []
    for char in text:
        if char in "\u200d\ufe0e\ufe0f\u20e3" or "\U0001f3fb" <= char <= "\U0001f3ff":
            continue
        if "\U000e0020" <= char <= "\U000e007f":  # flag tag sequences
            continue
        category = unicodedata.category(char)
        if category in ("So", "Cs", "Cn") and char not in data.SYMBOLS:
            out.append(" ")
            continue
        out.append(char)
    return "".join(out)


def neutral_symbols(text: str) -> str:
    """Any language: markup characters an engine would read aloud ("#", "|", "\\") are dropped."""
    text = re.sub(r"\s*\|\s*", ", ", text)
    return text.translate({ord(c): " " for c in data.MARKUP_CHARS if c != "|"})


def tidy(text: str) -> str:
    """Spaces collapsed and punctuation pulled back to its word: "a , b" -> "a, b"."""
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:!?)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text)
    text = re.sub(r",(?:\s*,)+", ",", text)
    text = re.sub(r"^[\s,;:.]+", "", text)
    return " ".join(text.split())


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
