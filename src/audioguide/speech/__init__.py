"""Sentences and the text to speak: Article -> Plan of Utterances.

Pure functions, standard library only at import time (``audioguide sections`` imports this
package and must start quickly); num2words is imported the first time a number is spoken.

The text shown in the transcript is the article's own; the text spoken goes through an ordered
tuple of small text-to-text steps (``ENGLISH_STEPS``, or ``NEUTRAL_STEPS`` for other languages),
then the user's lexicon.

Modules:

- ``sentences``: split_sentences, count_words, estimate_seconds.
- ``neutral``: the steps for any language (markup, bullets, emoji, addresses as site names,
  tidy) and NEUTRAL_STEPS.
- ``english``: the English normalizer (numbers, dates, times, money, units, abbreviations,
  acronyms, symbols, addresses in words) and ENGLISH_STEPS.
- ``numbers``: numbers in English words (num2words), for ``english``.
- ``lexicon``: load_lexicon, and applying a lexicon around the steps.
- ``spoken``: spoken_form, the one entry point to the steps and the lexicon.
- ``planner``: the utterance planner: Plan, plan, section_summary, MAX_SPOKEN_CHARS.
- ``data``: the word tables (abbreviations, units, currencies, acronyms...).
"""

from __future__ import annotations

from .english import (
    ENGLISH_STEPS,
    capitalize_numbers,
    expand_abbreviations,
    speak_acronyms,
    speak_dates,
    speak_emails,
    speak_money,
    speak_numbers,
    speak_ordinals,
    speak_percent,
    speak_symbols,
    speak_times,
    speak_units,
    speak_urls,
)
from .lexicon import apply_lexicon, load_lexicon
from .neutral import (
    NEUTRAL_STEPS,
    neutral_symbols,
    neutral_urls,
    shorten_long_words,
    strip_bullets,
    strip_emoji,
    strip_markdown_links,
    strip_markup,
    tidy,
)
from .planner import MAX_SPOKEN_CHARS, Plan, plan, section_summary
from .sentences import WORDS_PER_MINUTE, count_words, estimate_seconds, split_sentences
from .spoken import spoken_form

__all__ = [
    "ENGLISH_STEPS",
    "MAX_SPOKEN_CHARS",
    "NEUTRAL_STEPS",
    "WORDS_PER_MINUTE",
    "Plan",
    "apply_lexicon",
    "capitalize_numbers",
    "count_words",
    "estimate_seconds",
    "expand_abbreviations",
    "load_lexicon",
    "neutral_symbols",
    "neutral_urls",
    "plan",
    "section_summary",
    "shorten_long_words",
    "speak_acronyms",
    "speak_dates",
    "speak_emails",
    "speak_money",
    "speak_numbers",
    "speak_ordinals",
    "speak_percent",
    "speak_symbols",
    "speak_times",
    "speak_units",
    "speak_urls",
    "split_sentences",
    "spoken_form",
    "strip_bullets",
    "strip_emoji",
    "strip_markdown_links",
    "strip_markup",
    "tidy",
]
