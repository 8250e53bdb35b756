"""The sentence that says a synthetic voice reads the episode, and which one.

Apple Podcasts asks that AI use be disclosed in each episode's metadata (and the audio); a voice
engine reading the whole article is that case. One pure function of the manifest, so that the
feed, the audio, the page and the EPUB say the same words. The engine's name is spelled as its
credit spells it (engines/*.py `credit`), the voice as the manifest records it.
"""

from __future__ import annotations

from .. import langtag
from ..manifest import Manifest

# manifest.engine -> the engine's name as its credit writes it
ENGINE_NAMES = {
    "piper": "Piper",
    "espeak": "eSpeak NG",
    "gtts": "Google Translate text-to-speech",
}
LEAD = "Read by a synthetic voice"
# What the episode opens with, in the episode's language where it is one of these; English
# elsewhere (a listener who reads the feed in English can still tell).
LEADS = {
    "en": LEAD,
    "de": "Gelesen von einer synthetischen Stimme",
    "es": "Leído por una voz sintética",
    "fr": "Lu par une voix de synthèse",
    "it": "Letto da una voce sintetica",
    "nl": "Voorgelezen door een synthetische stem",
    "pt": "Lido por uma voz sintética",
}


def label(engine: str, voice: str) -> str:
    """ "Piper en_US-joe-medium": the engine as its credit names it, then the voice; "" when
    neither is named."""
    engine, voice = " ".join(engine.split()), " ".join(voice.split())
    return " ".join(part for part in (ENGINE_NAMES.get(engine, engine), voice) if part)


def voice_label(manifest: Manifest) -> str:
    """The label of the manifest's engine and voice (see `label`)."""
    return label(manifest.engine, manifest.voice)


def sentence(engine: str, voice: str, lang: str = "en") -> str:
    """ "Read by a synthetic voice: Piper en_US-joe-medium." in `lang` where LEADS has it."""
    lead = LEADS.get(langtag.primary(lang), LEAD)
    named = label(engine, voice).rstrip(".")
    return f"{lead}: {named}." if named else f"{lead}."


def spoken_sentence(engine: str, voice: str, lang: str = "en") -> str:
    """The sentence as the voice says it: a Piper key by its name ("en_US-joe-medium" is
    "Piper, joe"), other engines by their name alone (espeak's "en-us" is a language)."""
    lead = LEADS.get(langtag.primary(lang), LEAD)
    name = ENGINE_NAMES.get(engine, engine)
    words = voice.split("-")
    if engine == "piper" and len(words) >= 3:
        name = f"{name}, {' '.join(words[1:-1]).replace('_', ' ')}"
    return f"{lead}: {name}."


def disclosure_sentence(manifest: Manifest) -> str:
    """What the metadata says (the feed item, the page, the EPUB): the build's own sentence
    (`--disclosure TEXT`, or the one the episode opened with), else one made from the
    manifest's engine and voice. Plain text: escape it where it goes into markup."""
    if manifest.disclosure:
        return manifest.disclosure
    named = voice_label(manifest).rstrip(".")
    return f"{LEAD}: {named}." if named else f"{LEAD}."
