"""Phonemes in the spoken text: `[[...]]` blocks of IPA, made by a PLS lexicon's <phoneme> entries.

Only the lexicon writes them (spoken_form turns an article's own "[[" into "["), one block a
spoken word, so a block counts as one word for the word timings. piper takes them as they are
(its voices' phoneme_id_map holds IPA symbols, and piper reads text in [[ ]] as raw phonemes);
espeak-ng reads [[ ]] in its own phoneme names, so `espeak_text` rewrites each block with the
table below (English, checked against `espeak-ng -v en-us --ipa`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Container
from pathlib import Path

from ..errors import EngineError, SettingsError

PHONEME_BLOCK = re.compile(r"\[\[(.*?)\]\]")

# IPA -> espeak-ng phoneme names (espeak-ng's English phoneme table), longest first when read.
ESPEAK_ENGLISH: dict[str, str] = {
    # two symbols that make one phoneme
    "tʃ": "tS", "dʒ": "dZ", "aɪ": "aI", "aʊ": "aU", "eɪ": "eI", "ɔɪ": "OI", "oʊ": "oU",
    "əʊ": "@U", "ɪə": "i@", "iə": "i@", "ɛə": "e@", "ʊə": "U@", "iː": "i:", "uː": "u:",
    "ɑː": "A:", "ɔː": "O:", "ɜː": "3:", "ɒː": "0", "n\u0329": "n-", "l\u0329": "l-",
    "m\u0329": "m-", "əl": "@L",
    # consonants
    "p": "p", "b": "b", "t": "t", "d": "d", "k": "k", "ɡ": "g", "g": "g", "f": "f", "v": "v",
    "θ": "T", "ð": "D", "s": "s", "z": "z", "ʃ": "S", "ʒ": "Z", "h": "h", "m": "m", "n": "n",
    "ŋ": "N", "l": "l", "ɫ": "l", "ɹ": "r", "r": "r", "ɾ": "*", "w": "w", "j": "j", "ʔ": "?",
    "x": "x", "ç": "C", "ɣ": "Q",
    # vowels
    "æ": "a", "a": "a", "ɐ": "a#", "ɑ": "A:", "ɒ": "0", "ɛ": "E", "e": "e", "ɪ": "I", "i": "i",
    "ɔ": "O", "o": "o", "ʌ": "V", "ʊ": "U", "u": "u", "ə": "@", "ɚ": "3", "ɝ": "3:", "ɜ": "3:",
    "ᵻ": "I#",
    # stress; marks that change nothing here
    "ˈ": "'", "ˌ": ",", "ː": "", "ˑ": "", "ʰ": "", ".": "",
}
_ESPEAK = {unicodedata.normalize("NFD", ipa): name for ipa, name in ESPEAK_ENGLISH.items()}
_LONGEST = max(len(key) for key in _ESPEAK)


def symbols(ipa: str) -> list[str]:
    """The phonemes piper reads from a block: its characters, decomposed (NFD), no spaces."""
    return [c for c in unicodedata.normalize("NFD", ipa) if not c.isspace()]


def unknown_symbol(ipa: str, known: Container[str]) -> str | None:
    """The first symbol of `ipa` that `known` (a voice's phoneme_id_map) lacks, or None."""
    return next((symbol for symbol in symbols(ipa) if symbol not in known), None)


def to_espeak(ipa: str) -> str:
    """IPA -> espeak-ng's English phoneme names ("wɑːˈkiːn" -> "wA:'ki:n").

    Raises ValueError(symbol) for a symbol the table lacks."""
    text = "".join(symbols(ipa))
    out: list[str] = []
    index = 0
    while index < len(text):
        for size in range(min(_LONGEST, len(text) - index), 0, -1):
            name = _ESPEAK.get(text[index:index + size])
            if name is not None:
                out.append(name)
                index += size
                break
        else:
            raise ValueError(text[index])
    return "".join(out)


def espeak_unknown(ipa: str) -> str | None:
    """The first symbol of `ipa` that espeak-ng cannot be given, or None."""
    try:
        to_espeak(ipa)
    except ValueError as exc:
        return str(exc)
    return None


def espeak_text(text: str) -> str:
    """`text` with each [[IPA]] block in espeak-ng's phoneme names; EngineError for a symbol
    the table lacks."""
    if "[[" not in text:
        return text

    def block(match: re.Match) -> str:
        try:
            return f"[[{to_espeak(match.group(1))}]]"
        except ValueError as exc:
            raise EngineError(
                f"espeak-ng cannot say the IPA symbol {describe(str(exc))} in [[{match.group(1)}]]:"
                " write it with English IPA symbols in the lexicon"
            ) from None

    return PHONEME_BLOCK.sub(block, text)


def describe(symbol: str) -> str:
    """A symbol for a message: '"ʘ" (U+0298 LATIN LETTER BILABIAL CLICK)'."""
    name = unicodedata.name(symbol, "")
    return f'"{symbol}" (U+{ord(symbol):04X}{" " + name if name else ""})'


def refuse_phonemes(path: Path | str | None, voice: str) -> None:
    """For a voice that takes no phonemes (gTTS): a lexicon with an IPA entry is refused with
    one line naming the file and the entry, before anything is said."""
    check_lexicon(path, lambda ipa: ipa[:1] or " ", voice)


def check_lexicon(path: Path | str | None, unknown: Callable[[str], str | None],
                  voice: str) -> None:
    """Refuse a lexicon with an IPA entry the voice cannot say: EngineError naming the file,
    the entry and the symbol. Lexicons without IPA entries (and no lexicon) pass."""
    if not path:
        return
    from ..speech.lexicon import load_lexicon  # the engines never need speech otherwise

    lexicon = load_lexicon(Path(path))
    for word, ipa in getattr(lexicon, "phonemes", {}).items():
        symbol = unknown(ipa)
        if symbol is not None:
            raise SettingsError(
                f"{path}: entry {word!r} (/{ipa}/): the {voice} has no phoneme"
                f" {describe(symbol)}; write the entry with the voice's IPA symbols or as an"
                " <alias>"
            )
