"""Which engine reads a build, in which language, and the `audioguide voices` listing.

`auto` is decided once per build: gtts when Google answers a tiny request within a few seconds
and reads the language, else piper when its voice speaks it, else espeak when installed.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import EngineUnavailable, SettingsError
from ..models import EngineName
from ..settings import Settings
from . import ENGINES, engine_class
from .base import Engine

PROBE_SECONDS = 3.0
VOICES = {
    EngineName.GTTS: "google-<lang>-<tld>: accents by --tld (com, co.uk, com.au, co.in, ...)",
    EngineName.PIPER: "en_US-joe-medium (bundled, CC0); any Piper .onnx voice by --voice PATH",
    EngineName.ESPEAK: "one per language (--voice names an espeak-ng voice, e.g. en-gb-scotland)",
}


def normalize_tag(lang: str) -> str:
    """A language tag in its usual spelling: "en_us" -> "en-US", "ZH-cn" -> "zh-CN"."""
    parts = [p for p in lang.strip().replace("_", "-").split("-") if p]
    if not parts:
        return ""
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            out.append(part.upper())  # a region
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())  # a script
        else:
            out.append(part.lower())
    return "-".join(out)


def resolve_lang(settings: Settings, article_lang: str | None) -> str:
    """--lang wins, then the article's own language, then "en"; spelled as a usual tag."""
    for candidate in (settings.lang, article_lang):
        if candidate and normalize_tag(candidate):
            return normalize_tag(candidate)
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
    wanted = normalize_tag(lang).lower()
    if wanted in by_lower:
        return by_lower[wanted]
    # A name ("Spanish") for a code.
    for code, name in _language_names().items():
        if name.lower() == wanted and code in by_lower:
            return by_lower[code]
    # Google and piper read "en" for "en-US"; gTTS's own fallbacks ("pt-BR" -> "pt").
    base = wanted.split("-")[0]
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
) -> tuple[Engine, str]:
    """The engine for this build (not started) and the line the CLI prints about the choice.

    With `auto`, `on_status` hears "checking whether Google Translate answers..." before the
    probe (it can take PROBE_SECONDS); nothing else is said through it."""
    lang = normalize_tag(lang) if lang else resolve_lang(settings, None)
    if settings.engine != EngineName.AUTO:
        return _explicit(settings, settings.engine, lang)
    notes: list[str] = []  # why each engine tried was passed over
    return _google(settings, lang, notes, on_status) or _offline(settings, lang, notes)


def _explicit(settings: Settings, name: str, lang: str) -> tuple[Engine, str]:
    """The engine named by --engine: it must run here and read `lang`."""
    found = _usable(name)
    if isinstance(found, str):
        raise EngineUnavailable(f"--engine {name}: {found}")
    tag = match_lang(lang, found.languages())
    if tag is None:
        raise _lang_error(settings, name, lang, found.languages())
    return found(settings, tag), f"engine: {name} (chosen with --engine, reads {tag})"


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
    for name in (EngineName.PIPER, EngineName.ESPEAK):
        found = _usable(name)
        if isinstance(found, str):
            notes.append(f"{name}: {found}")
            continue
        tag = match_lang(lang, found.languages())
        if tag is None:
            notes.append(f"{name} does not read {lang}")
            continue
        why = "; ".join(notes)
        if name == EngineName.PIPER:
            return found(settings, tag), f"engine: piper ({why}; the offline voice reads {tag})"
        return found(settings, tag), f"engine: espeak ({why}; espeak reads {tag} offline)"
    raise EngineUnavailable(
        f"no engine here reads {lang!r}: {'; '.join(notes)}; connect to the internet for gtts,"
        " install espeak-ng (`apt-get install espeak-ng`), or choose another --lang"
    )


def piper_voice_for(settings: Settings, lang: str) -> Path | None:
    """An installed Piper voice for `lang`: an .onnx model (its .onnx.json beside it) named
    for the language ("fr_FR-siwis-medium.onnx" reads "fr" and "fr-FR"), in the folder of the
    --voice model or in PIPER_VOICES_DIR (<user data folder>/audioguide/piper-voices). A voice
    of the exact region first, then any of the language, by name."""
    folders = [piper_voices_dir()]
    if settings.voice and settings.voice.endswith(".onnx"):
        folders.insert(0, Path(settings.voice).expanduser().parent)
    wanted = normalize_tag(lang).lower()
    found: list[tuple[int, str, Path]] = []
    for folder in folders:
        for model in sorted(folder.glob("*.onnx")) if folder.is_dir() else []:
            tag = normalize_tag(model.name.split("-")[0]).lower()
            if not model.with_name(model.name + ".json").is_file():
                continue
            if tag == wanted:
                found.append((0, model.name, model))
            elif tag.split("-")[0] == wanted.split("-")[0]:
                found.append((1, model.name, model))
    return min(found)[2] if found else None


def piper_voices_dir() -> Path:
    """Where audioguide looks for Piper voices of other languages (see piper_voice_for)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("audioguide")) / "piper-voices"


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
            return found(settings.with_(voice=str(model)), normalize_tag(lang))
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
            "voices": VOICES.get(name, ""),
            "offline": bool(cls.offline) if cls is not None else True,
            "available": reason is None,
            "note": reason or _note(name),
        })
    return rows


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
