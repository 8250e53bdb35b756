"""Which engine reads a build, in which language, and the `audioguide voices` listing.

`auto` is decided once per build: gtts when Google answers a tiny request within a few seconds
and reads the language, else piper when its voice speaks it, else espeak when installed.
"""

from __future__ import annotations

import difflib
import logging
import time
from collections.abc import Callable
from pathlib import Path

from .. import langtag
from ..errors import EngineUnavailable, SettingsError
from ..models import EngineName
from ..settings import Settings
from . import ENGINES, engine_class
from .base import Engine
from .piper_voices import installed_voices, is_voice_key, voice_for_lang
from .piper_voices import piper_voices_dir as piper_voices_dir  # where `voices get` puts them

log = logging.getLogger(__name__)

PROBE_SECONDS = 3.0
VOICES = {
    EngineName.GTTS: "google-<lang>-<tld>: accents by --tld (com, co.uk, com.au, co.in, ...)",
    EngineName.PIPER: "en_US-joe-medium (bundled, CC0); the Piper catalogue's by `audioguide "
                      "voices --all` and `audioguide voices get KEY`; --voice KEY or PATH",
    EngineName.ESPEAK: "one per language (--voice names an espeak-ng voice, e.g. en-gb-scotland)",
}


def spelled(lang: str) -> str:
    """A --lang as given, in a tag's usual spelling when it is one ("en_us" -> "en-US"); a
    name ("Spanish") or a code no engine knows is kept, for match_lang and the error."""
    return langtag.tag(lang) or lang.strip()


def resolve_lang(settings: Settings, article_lang: str | None) -> str:
    """--lang wins, then the article's own language, then "en"; spelled as a usual tag."""
    for candidate in (settings.lang, article_lang):
        if candidate and spelled(candidate):
            return spelled(candidate)
    return "en"


def _language_names() -> dict[str, str]:
    """code -> English name, from gTTS's table (it covers the common languages)."""
    try:
        from gtts.lang import tts_langs

        return {code.lower(): name for code, name in tts_langs().items()}
    except ImportError:  # pragma: no cover
        return {"en": "English"}


def match_lang(lang: str, languages: list[str]) -> str | None:
    """The engine's own tag for `lang` ("en-US" -> "en" or "en-us"), or None."""
    by_lower = {tag.lower(): tag for tag in languages}
    wanted = spelled(lang).lower()
    if wanted in by_lower:
        return by_lower[wanted]
    # A name ("Spanish") for a code.
    for code, name in _language_names().items():
        if name.lower() == wanted and code in by_lower:
            return by_lower[code]
    # Google and piper read "en" for "en-US"; gTTS's own fallbacks ("pt-BR" -> "pt").
    base = langtag.primary(wanted)
    if base in by_lower and base != wanted:
        return by_lower[base]
    return None


def close_matches(lang: str, languages: list[str]) -> list[str]:
    """Tags in `languages` that look like `lang`, by code or by English name."""
    wanted = lang.strip().lower()
    by_lower = {tag.lower(): tag for tag in languages}
    names = {name.lower(): code for code, name in _language_names().items() if code in by_lower}
    found: list[str] = []
    for hit in difflib.get_close_matches(wanted, list(by_lower) + list(names), n=3, cutoff=0.7):
        tag = by_lower.get(hit) or by_lower[names[hit]]
        if tag not in found:
            found.append(tag)
    return found


def _lang_error(settings: Settings, engine: str, lang: str, languages: list[str]) -> SettingsError:
    said = f"--lang {settings.lang!r}" if settings.lang else f"the article's language {lang!r}"
    hint = close_matches(lang, languages)
    fix = (f"did you mean {', '.join(hint)}?" if hint
           else "run `audioguide voices` to see the languages each engine reads")
    return SettingsError(f"{said} is not a language {engine} speaks; {fix}")


def _class_or_reason(name: str) -> tuple[type[Engine] | None, str | None]:
    """The engine's class (None when it cannot be imported) and why it cannot run here (None
    when it can)."""
    try:
        cls = engine_class(name)
    except ImportError as exc:
        return None, f"{name} cannot be imported ({exc})"
    return cls, cls.available()


def _usable(name: str) -> type[Engine] | str:
    """The engine's class when it can run here, else the reason it cannot."""
    cls, reason = _class_or_reason(name)
    if cls is None or reason:
        return reason or f"{name} cannot run here"
    return cls


def choose_engine(
    settings: Settings,
    lang: str | None,
    *,
    on_status: Callable[[str], None] | None = None,
    on_warn: Callable[[str], None] | None = None,
) -> tuple[Engine, str]:
    """The engine for this build (not started) and the line the CLI prints about the choice.

    With `auto`, `on_status` hears "checking whether Google Translate answers..." before the
    probe (it can take PROBE_SECONDS); nothing else is said through it. A Piper voice given
    by --voice (a key or an .onnx path) means piper. `on_warn` (default: the log) hears why
    an article piper was asked to read goes to espeak-ng: no Piper voice of its language."""
    lang = spelled(lang) if lang else resolve_lang(settings, None)
    warn = on_warn or log.warning
    if settings.engine != EngineName.AUTO:
        return _explicit(settings, settings.engine, lang, warn)
    voice = settings.voice or ""
    if is_voice_key(voice) or voice.endswith(".onnx"):
        return _explicit(settings, EngineName.PIPER, lang, warn, by="--voice")
    notes: list[str] = []  # why each engine tried was passed over
    return _google(settings, lang, notes, on_status) or _offline(settings, lang, notes)


def _explicit(settings: Settings, name: str, lang: str, warn: Callable[[str], None],
              by: str = "--engine") -> tuple[Engine, str]:
    """The engine named by --engine (or implied by --voice): it must run here and read `lang`."""
    found = _usable(name)
    if isinstance(found, str):
        raise EngineUnavailable(f"{by} {settings.voice if by == '--voice' else name}: {found}")
    if name == EngineName.PIPER:
        return _explicit_piper(settings, found, lang, warn, by)
    tag = match_lang(lang, found.languages())
    if tag is None:
        raise _lang_error(settings, name, lang, found.languages())
    return found(settings, tag), f"engine: {name} (chosen with {by}, reads {tag})"


def _explicit_piper(settings: Settings, piper: type[Engine], lang: str,
                    warn: Callable[[str], None], by: str) -> tuple[Engine, str]:
    """piper with the voice for `lang`; espeak-ng (with a warning) when no Piper voice of
    that language is installed; an error when neither reads it."""
    chosen = piper_settings(settings, piper, lang)
    if chosen is not None:
        voice_settings, tag = chosen
        return (piper(voice_settings, tag),
                f"engine: piper (chosen with {by}, reads {tag}{_voice_note(settings, chosen)})")
    espeak = _usable(EngineName.ESPEAK)
    said = None if isinstance(espeak, str) else match_lang(lang, espeak.languages())
    if isinstance(espeak, str) or said is None:
        raise _lang_error(settings, "piper", lang, piper.languages())
    family = langtag.primary(lang)
    warn(f"no Piper voice for {lang} is installed, so espeak-ng reads it: `audioguide voices "
         f"--all --lang {family}` lists the catalogue's, `audioguide voices get KEY` installs one")
    return espeak(settings, said), (f"engine: espeak (no Piper voice for {lang} is installed; "
                                    f"espeak reads {said} offline)")


def piper_settings(settings: Settings, piper: type[Engine],
                   lang: str) -> tuple[Settings, str] | None:
    """The settings for piper reading `lang` and piper's tag for it: the --voice given (it
    reads what it is asked to), else the installed voice for the language (voice_for_lang;
    the bundled one stays the default), else None."""
    if settings.voice:
        return settings, match_lang(lang, piper.languages()) or langtag.primary(lang)
    voice = voice_for_lang(lang)
    if voice is None:
        return None
    tag = match_lang(lang, piper.languages()) or langtag.primary(voice.lang)
    return (settings if voice.bundled else settings.with_(voice=voice.key)), tag


def _voice_note(asked: Settings, chosen: tuple[Settings, str]) -> str:
    """" with the voice fr_FR-siwis-medium" when the language chose a voice, else ""."""
    voice = chosen[0].voice
    return f" with the voice {voice}" if voice and voice != asked.voice else ""


def _google(
    settings: Settings,
    lang: str,
    notes: list[str],
    on_status: Callable[[str], None] | None,
) -> tuple[Engine, str] | None:
    """gtts when it reads `lang` and Google answers a tiny request; else None, the reason noted."""
    found = _usable(EngineName.GTTS)
    if isinstance(found, str):
        notes.append(found)
        return None
    tag = match_lang(lang, found.languages())
    if tag is None:
        notes.append(f"Google does not read {lang}")
        return None
    from .gtts import probe

    if on_status is not None:
        on_status("checking whether Google Translate answers...")
    started = time.monotonic()
    why = probe(settings.with_(lang=tag), timeout=PROBE_SECONDS)
    took = time.monotonic() - started
    if why is not None:
        notes.append(f"Google unreachable: {why}")
        return None
    return found(settings, tag), f"engine: gtts (Google answered in {took:.1f} s)"


def _offline(settings: Settings, lang: str, notes: list[str]) -> tuple[Engine, str]:
    """piper, else espeak, whichever runs here and reads `lang`; `notes` say why not gtts."""
    piper = _usable(EngineName.PIPER)
    chosen = None if isinstance(piper, str) else piper_settings(settings, piper, lang)
    if not isinstance(piper, str) and chosen is not None:
        why = "; ".join(notes)
        voice = _voice_note(settings, chosen)
        return (piper(*chosen),
                f"engine: piper ({why}; the offline voice reads {chosen[1]}{voice})")
    notes.append(f"piper: {piper}" if isinstance(piper, str) else f"piper does not read {lang}")
    espeak = _usable(EngineName.ESPEAK)
    tag = None if isinstance(espeak, str) else match_lang(lang, espeak.languages())
    if not isinstance(espeak, str) and tag is not None:
        why = "; ".join(notes)
        return espeak(settings, tag), f"engine: espeak ({why}; espeak reads {tag} offline)"
    notes.append(f"espeak: {espeak}" if isinstance(espeak, str)
                 else f"espeak does not read {lang}")
    raise EngineUnavailable(
        f"no engine here reads {lang!r}: {'; '.join(notes)}; connect to the internet for gtts,"
        " install espeak-ng (`apt-get install espeak-ng`), or choose another --lang"
    )


def piper_voice_for(settings: Settings, lang: str) -> Path | None:
    """An installed Piper voice for `lang` (piper_voices.voice_for_lang): the bundled one, one
    in the folder of the --voice model or one in the user's voices folder
    (<user data folder>/audioguide/piper-voices); the exact region first, then the best
    quality. Each is an .onnx model with its .onnx.json beside it, named for its language
    ("fr_FR-siwis-medium.onnx" reads "fr" and "fr-FR")."""
    extra = None
    if settings.voice and settings.voice.endswith(".onnx"):
        extra = Path(settings.voice).expanduser().parent
    found = voice_for_lang(langtag.tag(lang), extra)
    return found.model if found is not None else None


def part_engine(main: Engine, lang: str) -> Engine | None:
    """The engine (not started) for the parts in `lang` of an episode that `main` reads, or
    None when nothing here reads `lang`: gtts in that language when `main` is gtts; a Piper
    voice for it when `main` is piper and one is installed (piper_voice_for); else espeak-ng.
    One worker each: these parts are phrases, the main engine has the workers."""
    settings = main.settings.with_(voice=None, jobs=1, lang=None)
    if main.name == EngineName.GTTS:
        found = _usable(EngineName.GTTS)
        tag = None if isinstance(found, str) else match_lang(lang, found.languages())
        if not isinstance(found, str) and tag is not None:
            return found(settings, tag)
    if main.name == EngineName.PIPER:
        model = piper_voice_for(main.settings, lang)
        found = _usable(EngineName.PIPER)
        if model is not None and not isinstance(found, str):
            return found(settings.with_(voice=str(model)), langtag.tag(lang))
    found = _usable(EngineName.ESPEAK)
    tag = None if isinstance(found, str) else match_lang(lang, found.languages())
    if isinstance(found, str) or tag is None:
        return None
    return found(settings, tag)


def voices() -> list[dict]:
    """Rows for `audioguide voices`: engine, languages, voices, offline, available, note."""
    rows = []
    for name in ENGINES:
        cls, reason = _class_or_reason(name)
        languages = cls.languages() if cls is not None else []
        rows.append({
            "engine": str(name),
            "languages": languages,
            "voices": _installed_piper() if name == EngineName.PIPER else VOICES.get(name, ""),
            "offline": bool(cls.offline) if cls is not None else True,
            "available": reason is None,
            "note": reason or _note(name),
        })
    return rows


def installed_piper_rows() -> list[dict]:
    """The installed Piper voices: key, language, whether bundled, licence and source (from
    each voice's model card; "unknown" when it has none)."""
    rows = []
    for voice in installed_voices():
        card = voice.card()
        rows.append({"key": voice.key, "language": voice.lang, "bundled": voice.bundled,
                     "licence": card["licence"] or "unknown", "source": card["source"]})
    return rows


def _installed_piper() -> str:
    """The piper row's voices: each installed voice with its licence, then how to get more."""
    shown = ", ".join(f"{row['key']} ({'bundled, ' if row['bundled'] else ''}licence "
                      f"{row['licence']})" for row in installed_piper_rows())
    return f"{shown or 'none installed'}; {VOICES[EngineName.PIPER].split('; ', 1)[1]}"


def _note(name: EngineName) -> str:
    if name == EngineName.GTTS:
        return "online: needs Google Translate to answer"
    if name == EngineName.ESPEAK:
        from .espeak import backend

        found = backend()
        where = {"system": "the system's espeak-ng", "package": "the espeakng-loader package",
                 "command": "the espeak-ng command"}.get(getattr(found, "kind", ""), "")
        return f"works offline, from {where}" if where else "works offline"
    return "works offline"


def format_voices(rows: list[dict]) -> str:
    """The rows as a plain-text table, one block per engine."""
    lines = []
    for row in rows:
        langs = row["languages"]
        shown = ", ".join(langs[:12]) + (", ..." if len(langs) > 12 else "")
        lines.append(f"{row['engine']}: {'offline' if row['offline'] else 'online'},"
                     f" {'available' if row['available'] else 'NOT available'}")
        lines.append(f"  languages ({len(langs)}): {shown}")
        lines.append(f"  voices: {row['voices']}")
        lines.append(f"  note: {row['note']}")
    return "\n".join(lines)
