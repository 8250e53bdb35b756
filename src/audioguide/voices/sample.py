"""`audioguide voices sample KEY`: one sentence in a voice, as an MP3, to hear it before a build.

KEY is a Piper voice (a catalogue key, fetched first when not installed, or an .onnx path),
`espeak:LANG` or `espeak:VOICE` ("espeak:fr", "espeak:en-gb-scotland"), or `gtts:LANG`
("gtts:de"). The sentence is the voice's language's (SENTENCES by language family), else the
language's own name (Babel's table), else --text is needed. The clip is trimmed and levelled
as a build's clips are and encoded by the same ffmpeg graph, so it sounds as an episode will.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from .. import langtag
from ..engines import engine_class
from ..engines.piper_voices import installed_voice, is_voice_key, key_lang
from ..engines.select import match_lang
from ..errors import EngineUnavailable, OutputError, SettingsError
from ..models import Clip, EngineName
from ..settings import Settings

SENTENCES = {
    "ar": "مرحبا. هكذا سأقرأ لك المقالات بصوت عال.",
    "ca": "Hola. Així és com llegiré els vostres articles en veu alta.",
    "cs": "Dobrý den. Takto vám budu předčítat články.",
    "cy": "Helo. Dyma sut y byddaf yn darllen eich erthyglau yn uchel.",
    "da": "Hej. Sådan læser jeg dine artikler højt.",
    "de": "Hallo. So lese ich Ihnen Ihre Artikel vor.",
    "el": "Γεια σας. Έτσι θα σας διαβάζω τα άρθρα σας.",
    "en": "Hello. This is how I will read your articles aloud.",
    "es": "Hola. Así leeré tus artículos en voz alta.",
    "fa": "سلام. من مقاله‌های شما را این‌گونه بلند می‌خوانم.",
    "fi": "Hei. Näin luen artikkelisi ääneen.",
    "fr": "Bonjour. Voici comment je lirai vos articles à voix haute.",
    "hu": "Jó napot. Így fogom felolvasni a cikkeit.",
    "is": "Halló. Svona les ég greinarnar þínar upphátt.",
    "it": "Ciao. Ecco come leggerò ad alta voce i tuoi articoli.",
    "ka": "გამარჯობა. ასე წაგიკითხავთ სტატიებს ხმამაღლა.",
    "kk": "Сәлеметсіз бе. Мақалаларыңызды осылай дауыстап оқимын.",
    "lb": "Moien. Esou liesen ech Iech Är Artikelen vir.",
    "lv": "Labdien. Šādi es jums skaļi lasīšu rakstus.",
    "ne": "नमस्ते। म तपाईंका लेखहरू यसरी पढेर सुनाउनेछु।",
    "nl": "Hallo. Zo lees ik je artikelen voor.",
    "no": "Hei. Slik leser jeg artiklene dine høyt.",
    "pl": "Dzień dobry. Tak brzmi mój głos, gdy czytam artykuły.",
    "pt": "Olá. É assim que vou ler os seus artigos em voz alta.",
    "ro": "Bună ziua. Așa vă voi citi articolele cu voce tare.",
    "ru": "Здравствуйте. Так я буду читать вам статьи вслух.",
    "sk": "Dobrý deň. Takto vám budem čítať články.",
    "sl": "Pozdravljeni. Tako vam bom na glas bral članke.",
    "sr": "Здраво. Овако ћу вам читати чланке наглас.",
    "sv": "Hej. Så här läser jag dina artiklar högt.",
    "sw": "Habari. Hivi ndivyo nitakavyosoma makala zako kwa sauti.",
    "tr": "Merhaba. Makalelerinizi böyle sesli okuyacağım.",
    "uk": "Добрий день. Ось так я читатиму вам статті вголос.",
    "vi": "Xin chào. Tôi sẽ đọc to các bài viết của bạn như thế này.",
    "zh": "你好。我会这样为你朗读文章。",
}
MAX_TEXT = 1000  # characters: a sample, not an article


def sample_text(lang: str) -> str:
    """The sample sentence of a language: its family's, else the language's own name."""
    family = langtag.primary(lang)
    if family in SENTENCES:
        return SENTENCES[family]
    if family == "nb" or family == "nn":
        return SENTENCES["no"]
    try:
        from babel import Locale, UnknownLocaleError

        name = Locale.parse(family).get_display_name(family)
    except (ImportError, ValueError, UnknownLocaleError):
        name = None
    if not name:
        raise SettingsError(f"no sample sentence for {lang!r}: give one with --text")
    return f"{name}."


def sample_voice(key: str) -> tuple[EngineName, str | None, str]:
    """(engine, voice, language) of a sample KEY (see the module's doc)."""
    engine, sep, rest = key.partition(":")
    if sep and engine in (EngineName.ESPEAK, EngineName.GTTS) and rest.strip():
        name = EngineName(engine)
        langs = engine_class(name).languages()
        tag = match_lang(rest, langs)
        if tag is not None:
            return name, None, tag
        if name == EngineName.ESPEAK:  # a voice name: its language is its first part
            return name, rest, langtag.primary(rest)
        raise SettingsError(f"{key!r}: gtts does not read {rest!r}; `audioguide voices` lists "
                            "its languages")
    if is_voice_key(key):
        return EngineName.PIPER, key, key_lang(key)
    if key.endswith(".onnx"):
        return EngineName.PIPER, key, model_lang(Path(key).expanduser())
    raise SettingsError(f"{key!r} is not a voice: give a Piper key (fr_FR-siwis-medium), an "
                        ".onnx path, espeak:LANG or gtts:LANG")


def model_lang(model: Path) -> str:
    """A Piper model's language: its config's language code, else the one its name starts
    with ("fr_FR-siwis-medium.onnx" -> "fr-FR")."""
    try:
        with open(model.with_name(model.name + ".json"), encoding="utf-8") as handle:
            code = json.load(handle)["language"]["code"]
        if isinstance(code, str) and code:
            return key_lang(code)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return key_lang(model.name)


def speak_sample(key: str, out: Path, settings: Settings, text: str | None = None,
                 on_status: Callable[[str], None] | None = None) -> float:
    """Write the sample of `key` to `out` (MP3); its length in seconds."""
    name, voice, lang = sample_voice(key)
    text = " ".join((text or "").split()) or sample_text(lang)
    if len(text) > MAX_TEXT:
        raise SettingsError(f"--text is {len(text)} characters: a sample takes {MAX_TEXT} "
                            "at most")
    cls = engine_class(name)
    reason = cls.available()
    if reason:
        raise EngineUnavailable(f"{key}: {reason}")
    if name == EngineName.PIPER and voice and is_voice_key(voice) and not installed_voice(voice):
        raise EngineUnavailable(f"the Piper voice {voice} is not installed: `audioguide voices "
                                f"get {voice}`")
    tag = lang if name != EngineName.PIPER else langtag.primary(lang)
    engine = cls(settings.with_(voice=voice, jobs=1, lang=None), tag)
    if on_status is not None:
        on_status(f"{engine.name} ({engine.voice_name()}) says: {text}")
    engine.start()
    try:
        clip = engine.synthesize(text)
    finally:
        engine.close()
    return encode_sample(clip, out, settings)


def encode_sample(clip: Clip, out: Path, settings: Settings) -> float:
    """The clip trimmed, levelled and encoded as an MP3 at `out` (written whole or not at
    all); its length in seconds."""
    from ..audio.clips import prepare_clip
    from ..audio.dsp import Leveler
    from ..audio.encoder import Encoder

    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{out}: the folder {folder} does not exist")
    prepared = prepare_clip(clip, Leveler(settings.target_lufs))
    # ffmpeg makes the file (so the umask holds); a name of our own beside `out`, then renamed
    tmp = folder / f".{out.name[:40]}.{secrets.token_hex(6)}.tmp.mp3"
    try:
        encoder = Encoder(tmp, prepared.rate, "mp3", settings.bitrate, settings.true_peak)
        try:
            encoder.write(prepared.samples)
            encoder.close()
        except BaseException:
            encoder.abort()
            raise
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return len(prepared.samples) / prepared.rate
