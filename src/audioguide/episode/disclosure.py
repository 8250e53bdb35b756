"""The sentence that says a synthetic voice reads the episode, and which one.

Apple Podcasts asks that AI use be disclosed in each episode's metadata (and the audio); a voice
engine reading the whole article is that case. One pure function of the manifest, so that the
feed, the audio, the page and the EPUB say the same words. The engine's name is spelled as its
credit spells it (engines/*.py `credit`), the voice as the manifest records it.
"""

from __future__ import annotations

from ..manifest import Manifest

# manifest.engine -> the engine's name as its credit writes it
ENGINE_NAMES = {
    "piper": "Piper",
    "espeak": "eSpeak NG",
    "gtts": "Google Translate text-to-speech",
}
LEAD = "Read by a synthetic voice"


def voice_label(manifest: Manifest) -> str:
    """ "Piper en_US-joe-medium": the engine as its credit names it, then the voice; "" when
    the manifest names neither."""
    engine = " ".join(manifest.engine.split())
    voice = " ".join(manifest.voice.split())
    return " ".join(part for part in (ENGINE_NAMES.get(engine, engine), voice) if part)


def disclosure_sentence(manifest: Manifest) -> str:
    """ "Read by a synthetic voice: Piper en_US-joe-medium." (plain text: escape it where it
    goes into markup)."""
    label = voice_label(manifest).rstrip(".")
    return f"{LEAD}: {label}." if label else f"{LEAD}."
