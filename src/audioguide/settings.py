"""One Settings object, built once (by the CLI or the caller) and passed down."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from .errors import SettingsError
from .models import AudioFormat, EngineName, Role

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SETTINGS_FILE = "audioguide.toml"
ENGINES = tuple(name.value for name in EngineName)
FORMATS = tuple(fmt.value for fmt in AudioFormat)
# for --skip and --keep (readers/roles.py); "front-matter": a PDF's title pages (readers/pdf.py)
ROLE_NAMES = ("notes", "asides", "figures", "math", "front-matter")
# for --role-voice ROLE=VOICE (models.Role): the parts read in a second voice
VOICE_ROLES = tuple(role.value for role in Role)


@dataclass(frozen=True)
class Pauses:
    """Silence after each kind of utterance, in milliseconds."""

    sentence: int = 350
    item: int = 550
    paragraph: int = 750
    heading: int = 700  # after a section's spoken title
    section: int = 1300  # after the last sentence of a section
    intro: int = 1000  # after the episode's opening announcement


@dataclass(frozen=True)
class FeedSettings:
    title: str = ""
    author: str = ""
    description: str = ""
    base_url: str = ""
    image: str = ""
    category: str = "Education"
    language: str = ""
    explicit: bool = False
    locked: bool = True
    email: str = ""


@dataclass(frozen=True)
class Settings:
    output_dir: Path = Path("audio_out")
    engine: EngineName = EngineName.AUTO
    voice: str | None = None  # engine-specific voice name or a .onnx path for piper
    lang: str | None = None  # None: the article's own language, else "en"
    tld: str = "com"
    slow: bool = False
    rate: float = 1.0
    bitrate: str = "64k"
    jobs: int | None = None  # None: the engine's own default
    use_cache: bool = True
    per_section: bool = False
    per_chapter: bool = False  # an EPUB or PDF makes one episode per chapter, not one per book
    skip: tuple[str, ...] = ()  # roles not read aloud: "notes", "figures", "math", "asides"
    keep: tuple[str, ...] = ()  # roles read that are skipped by default: "asides"
    # (role, voice) pairs: that role read in that voice (--role-voice question=espeak:en-us)
    role_voices: tuple[tuple[str, str], ...] = ()
    epub: bool = False  # also write <slug>.epub: EPUB 3 with media overlays (read along)
    opus: bool = False  # also write <slug>.opus: the episode as Ogg Opus, same chapters and tags
    announce: bool = False  # "Section 3 of 8: ..." before each section title
    intro_summary: bool = True  # open with title, author, sections and minutes
    disclose: bool = True  # open with a sentence saying a synthetic voice reads it, and which
    disclosure: str = ""  # that sentence in your words (else episode/disclosure.py's)
    format: AudioFormat = AudioFormat.MP3
    intro: Path | None = None
    outro: Path | None = None
    lexicon: Path | None = None
    image: Path | None = None
    cache_dir: Path | None = None  # None: AUDIOGUIDE_CACHE_DIR or the user cache folder
    cache_max_bytes: int = 2 * 1024**3
    cache_url: str | None = None  # fsspec URL of a shared clip cache (a folder, s3://, gs://)
    ray_address: str | None = None  # a Ray cluster for sync and multi-article builds
    target_lufs: float = -16.0
    true_peak: float = -1.0
    gtts_url: str | None = None  # None: Google's endpoint for the tld (tests point it at a fake)
    timeout: float = 15.0
    retries: int = 6
    pauses: Pauses = field(default_factory=Pauses)
    feed: FeedSettings = field(default_factory=FeedSettings)

    def __post_init__(self) -> None:
        """Engine and format names (from the command line, a file or a caller) become the
        enums; a name that is neither is a SettingsError."""
        try:
            object.__setattr__(self, "engine", EngineName(self.engine))
        except ValueError:
            raise SettingsError(
                f"--engine {self.engine!r}: choose one of {', '.join(ENGINES)}") from None
        try:
            object.__setattr__(self, "format", AudioFormat(self.format))
        except ValueError:
            raise SettingsError(f"--format {self.format!r}: choose mp3 or m4b") from None

    def resolved_cache_dir(self) -> Path:
        if self.cache_dir is not None:
            return Path(self.cache_dir)
        env = os.environ.get("AUDIOGUIDE_CACHE_DIR")
        if env:
            return Path(env)
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("audioguide"))

    def with_(self, **changes: Any) -> Settings:  # (any field: dataclasses.replace's type)
        return replace(self, **changes)


def validate(settings: Settings) -> Settings:
    if not 0.5 <= settings.rate <= 2.0:
        raise SettingsError(f"--rate {settings.rate}: choose a speed from 0.5 to 2.0")
    kbps = settings.bitrate.lower().rstrip("k")
    if not kbps.isdigit() or int(kbps) < 64:
        raise SettingsError(f"--bitrate {settings.bitrate!r}: use 64k or more (e.g. 96k)")
    if settings.jobs is not None and not 1 <= settings.jobs <= 32:
        raise SettingsError(f"--jobs {settings.jobs}: choose from 1 to 32")
    for option in ("skip", "keep"):
        for name in getattr(settings, option):
            if name not in ROLE_NAMES:
                raise SettingsError(f"--{option} {name!r}: choose from {', '.join(ROLE_NAMES)}")
    role_voices(f"{role}={voice}" for role, voice in settings.role_voices)
    return settings


def role_voices(given: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """ROLE=VOICE values (--role-voice) as (role, voice) pairs, sorted, one per role (the last
    given wins); SettingsError for an unknown role or an empty voice."""
    found: dict[str, str] = {}
    for value in given:
        role, sep, voice = str(value).partition("=")
        role, voice = role.strip().lower(), voice.strip()
        if not sep or role not in VOICE_ROLES:
            raise SettingsError(f"--role-voice {value!r}: give ROLE=VOICE with ROLE one of "
                                f"{', '.join(VOICE_ROLES)}")
        if not voice:
            raise SettingsError(f"--role-voice {value!r}: name the voice after '=' (a Piper "
                                "key, an .onnx path or espeak:VOICE)")
        found[role] = voice
    return tuple(sorted(found.items()))


_Table = TypeVar("_Table", "Pauses", "FeedSettings")  # a [table] of the settings file


def _dataclass_from(cls: type[_Table], table: dict[str, Any], where: str) -> _Table:
    """A [table] of the settings file (TOML: values of any type) -> Pauses or FeedSettings."""
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in known:
            raise SettingsError(f"{where}: unknown setting {key!r}; known: {', '.join(known)}")
        values[name] = value
    return cls(**values)


def load_file(path: Path | None = None, base: Settings | None = None) -> Settings:
    """Settings from audioguide.toml (in the working folder by default) over `base`."""
    base = base or Settings()
    path = Path(path) if path else Path.cwd() / SETTINGS_FILE
    if not path.is_file():
        return base
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(
            f"{path}: cannot read settings ({exc}); fix or remove the file") from exc
    changes: dict = {}
    if "pauses" in data:
        changes["pauses"] = _dataclass_from(Pauses, data.pop("pauses"), f"{path} [pauses]")
    if "feed" in data:
        changes["feed"] = _dataclass_from(FeedSettings, data.pop("feed"), f"{path} [feed]")
    build = data.pop("build", {})
    build.update({k: v for k, v in data.items() if not isinstance(v, dict)})
    voices = build.pop("role_voices", None) or data.pop("role_voices", None)
    if voices is not None:
        if not isinstance(voices, dict):
            raise SettingsError(f"{path}: role_voices is a table: role_voices = {{question = "
                                "\"espeak:en-gb-scotland\"}")
        changes["role_voices"] = role_voices(f"{k}={v}" for k, v in voices.items())
    if "cache_max_mb" in build:
        changes["cache_max_bytes"] = int(build.pop("cache_max_mb")) * 1024**2
    paths = {"output_dir", "intro", "outro", "lexicon", "image", "cache_dir"}
    for key, value in build.items():
        name = key.replace("-", "_")
        if name not in {f.name for f in fields(Settings)} or name in ("pauses", "feed"):
            raise SettingsError(f"{path}: unknown setting {key!r}")
        changes[name] = Path(value) if name in paths and value is not None else value
    try:
        return validate(replace(base, **changes))
    except TypeError as exc:
        raise SettingsError(f"{path}: {exc}") from exc
