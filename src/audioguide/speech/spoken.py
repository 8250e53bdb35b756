"""spoken_form: the text an engine says for a piece of an article, in its language."""

from __future__ import annotations

from collections.abc import Mapping

from .. import langtag
from .english import english_steps
from .lexicon import apply_lexicon, no_phoneme_marks, protect, restore
from .neutral import NEUTRAL_STEPS, tidy


def spoken_form(text: str, lang: str = "en", lexicon: Mapping[str, str] | None = None) -> str:
    """The text an engine should say for `text` ("" when there is nothing to say).

    English goes through english_steps(lang) (dates in the order of the region: "en-GB" day
    first); other languages through the language-neutral
    NEUTRAL_STEPS. Lexicon entries are matched on the words as written (and protected from the
    other steps), then once more on the spoken result.
    """
    steps = english_steps(lang or "en") if langtag.is_english(lang) else NEUTRAL_STEPS
    text, saved = protect(text, lexicon)
    for step in steps:
        text = step(text)
    text = no_phoneme_marks(text)  # [[...]] phonemes come from the lexicon alone
    if not lexicon:
        return text
    text = apply_lexicon(text, lexicon)  # words the steps made ("Nasa")
    return tidy(restore(text, saved))
