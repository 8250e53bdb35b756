"""Language tags (BCP 47), with one meaning of "the same language" for every module.

- `tag(text)`: the tag in its usual spelling ("pt_br" -> "pt-BR", "ZH-hant" -> "zh-Hant"),
  or "" unless `text` is one.
- `primary(tag)`: the language subtag in lower case ("fr" for "fr-CA"; "" for None).
- `region(tag)`: the region subtag in upper case ("GB" for "en-gb"), or "".
- `same_language(a, b)`: whether two tags name one language. They do when their primary
  subtags are equal: "en", "en-GB" and "en_us" are one language, and a region or script is
  no language of its own to mark, voice or normalize apart. No tag (None or "") is the same
  only as no tag.
- `is_english(tag)`: English, or no language said.
- `direction(tag)`: "rtl" for the languages written right to left, else "ltr".

Written here rather than taken from `langcodes`: these rules keep the tags an article gives
as they are spelled (langcodes replaces deprecated subtags, "iw" -> "he", and would change
what the manifest, the feed and the page record), and they need no data tables.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
RTL_LANGUAGES = frozenset(
    ["ar", "arc", "dv", "fa", "ha", "he", "iw", "ks", "ku", "ps", "sd", "ug", "ur", "yi"]
)


def _subtags(text: str | None) -> list[str]:
    return [part for part in (text or "").strip().replace("_", "-").split("-") if part]


def tag(text: str | None) -> str:
    """The tag in its usual spelling: language lower case, a region upper case, a script in
    title case, other subtags lower case; "" unless `text` is a language tag."""
    parts = _subtags(text)
    if not parts or not _TAG.fullmatch("-".join(parts)):
        return ""
    spelled = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha() or len(part) == 3 and part.isdigit():
            spelled.append(part.upper())  # a region: "GB", "419"
        elif len(part) == 4 and part.isalpha():
            spelled.append(part.title())  # a script: "Hant"
        else:
            spelled.append(part.lower())
    return "-".join(spelled)


def primary(text: str | None) -> str:
    """The primary language subtag, lower case: "fr" for "fr-CA" or "FR_ca"; "" for none."""
    parts = _subtags(text)
    return parts[0].lower() if parts else ""


def region(text: str | None) -> str:
    """The region subtag, upper case: "GB" for "en-gb", "419" for "es-419"; "" if none."""
    for part in _subtags(text)[1:]:
        if len(part) == 2 and part.isalpha() or len(part) == 3 and part.isdigit():
            return part.upper()
    return ""


def same_language(a: str | None, b: str | None) -> bool:
    """Whether `a` and `b` name one language: their primary subtags are equal."""
    return primary(a) == primary(b)


def is_english(text: str | None) -> bool:
    """True for "en", "en-GB", "EN_us", and for no language at all ("" or None)."""
    return primary(text) in ("en", "")


def direction(text: str | None) -> str:
    """The direction the language is written in: "rtl" or "ltr"."""
    return "rtl" if primary(text) in RTL_LANGUAGES else "ltr"
