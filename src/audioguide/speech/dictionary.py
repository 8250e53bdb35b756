"""Is a word written in capitals an English word ("NULL", "GNOME", "KISS") or an acronym to
spell ("IBM", "USDA")? The system's Hunspell dictionary says: it lists words in lower case and
acronyms in capitals ("null/S", "IBM/M").

The dictionary is read once, lazily, from the first of DICTIONARIES that exists (Debian's
hunspell-en-us; script/bootstrap installs it). Without one, no word is known and capitals are
spelled unless speech.data says otherwise.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DICTIONARIES = (
    Path("/usr/share/hunspell/en_US.dic"),
    Path("/usr/share/myspell/en_US.dic"),
    Path("/usr/share/hunspell/en_GB.dic"),
    Path("/usr/share/myspell/dicts/en_US.dic"),
)


@lru_cache(maxsize=1)
def lower_case_words() -> frozenset[str]:
    """The dictionary's words written in lower case (its stems, without affix flags)."""
    for path in DICTIONARIES:
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        stems = (line.split("/", 1)[0].strip() for line in lines[1:])
        return frozenset(stem for stem in stems if stem.isalpha() and stem.islower())
    return frozenset()


def is_english_word(word: str) -> bool:
    """True if `word` (any case) is a dictionary word or the plural of one ("AIDS": "aid")."""
    lower = word.lower()
    words = lower_case_words()
    if lower in words:
        return True
    if len(lower) < 4 or not lower.endswith("s"):
        return False
    return lower[:-1] in words or (lower.endswith("es") and len(lower) > 4 and lower[:-2] in words)
