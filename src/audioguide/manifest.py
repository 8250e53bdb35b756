"""episode.json, the one record of an episode: the only module that reads or writes it.

A build makes a `Manifest`; every output step, the feed, the page and `check` take one. The
file is strict JSON (docs/manifest.md is checked against these dataclasses by a test). Reading a
damaged manifest, or one from a newer audioguide, raises ManifestError: one line naming the file
and saying what to do, never a KeyError.
"""

from __future__ import annotations

import json
import types
import typing
import uuid
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import datetime, timezone
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from .atomic import write_json
from .errors import SourceError
from .models import AudioFormat, Chapter, CueKind, LangSpan, Loudness, VoiceCredit, Word

MANIFEST_FILE = "episode.json"
MANIFEST_VERSION = 1


class ManifestError(SourceError):
    """An episode.json that cannot be used: missing, damaged, or from a newer audioguide."""


class ManifestMissing(ManifestError):
    """The folder has no episode.json."""


def episode_guid(identity: str) -> str:
    """The feed guid of an article: derived from its identity, never from the clock."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, identity))


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class CueRecord:
    """One cue as recorded: its times, the text shown and the text the engine said."""

    start_ms: int
    end_ms: int
    text: str
    spoken: str = ""
    section: int = 0  # index into Manifest.chapters
    kind: CueKind = CueKind.SENTENCE
    paragraph_end: bool = False
    # The words of `text` (text.split()) in order, each inside the cue: empty when not known.
    words: list[Word] = field(default_factory=list)
    words_estimated: bool = False  # shares of the clip: the engine gave no timings
    # The parts of `text` in another language (WCAG 3.1.2), each with the voice that read it.
    langs: list[LangSpan] = field(default_factory=list)
    # The voice that read it ("espeak en-us", --role-voice) when it is not the episode's; ""
    # (and not written) otherwise.
    voice: str = ""


@dataclass
class Files:
    """The episode's files, relative to its folder (None: not written)."""

    audio: str = ""
    vtt: str | None = None
    srt: str | None = None
    txt: str | None = None
    json: str | None = None
    chapters: str | None = None
    page: str | None = "index.html"
    cover: str | None = None
    sections: list[str] = field(default_factory=list)
    epub: str | None = None  # with --epub
    opus: str | None = None  # with --opus: the audio again as Ogg Opus, same chapters and tags

    def names(self) -> list[str]:
        """Every file the episode lists."""
        single = [self.audio, self.vtt, self.srt, self.txt, self.json, self.chapters,
                  self.page, self.cover, self.epub, self.opus]
        return [name for name in single if name] + list(self.sections)


@dataclass
class BuildSettings:
    """The settings that shaped the audio, as the build used them."""

    rate: float = 1.0
    bitrate: str = "64k"
    format: AudioFormat = AudioFormat.MP3
    lang: str = "en"
    tld: str = "com"
    slow: bool = False
    announce: bool = False


@dataclass
class BuildStats:
    synthesized: int = 0
    cached: int = 0
    workers: int = 0  # engine workers (processes or request slots) the build used
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class Manifest:
    """episode.json. Times are integer milliseconds from the start of the audio file."""

    manifest_version: int = MANIFEST_VERSION
    audioguide: str = ""
    slug: str = ""
    title: str = ""
    byline: str = ""
    category: str = ""
    description: str = ""
    lang: str = "en"
    date: str | None = None
    source: str = ""
    identity: str = ""
    guid: str = ""
    first_built: str | None = None
    built: str | None = None
    engine: str = ""
    engine_version: str = ""
    voice: str = ""
    # the voice's licence and dataset from its model card (None: built before credits)
    voice_credit: VoiceCredit | None = None
    # role -> the credit of the voice that read it (--role-voice), when not the episode's
    role_voices: dict[str, VoiceCredit] = field(default_factory=dict)
    credit: str = ""
    # the sentence saying a synthetic voice reads it (episode/disclosure.py); whether the
    # audio opens with it (--no-disclosure leaves it out of the audio only)
    disclosure: str = ""
    disclosed_in_audio: bool = False
    settings: BuildSettings = field(default_factory=BuildSettings)
    format: AudioFormat = AudioFormat.MP3
    files: Files = field(default_factory=Files)
    bytes: int = 0
    duration_ms: int = 0
    chapters: list[Chapter] = field(default_factory=list)
    cues: list[CueRecord] = field(default_factory=list)
    loudness: Loudness = field(default_factory=Loudness)
    fingerprint: str = ""
    stats: BuildStats = field(default_factory=BuildStats)

    # -- JSON ----------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The manifest as JSON values, in the documented key order."""
        return _encode(self)

    @classmethod
    def from_json(cls, data: object, where: str = MANIFEST_FILE) -> Manifest:
        """A Manifest from parsed JSON; ManifestError (naming `where`) if it does not fit."""
        if not isinstance(data, dict):
            raise ManifestError(f"{where}: not an audioguide episode manifest; rebuild the episode")
        version = data.get("manifest_version", MANIFEST_VERSION)
        if isinstance(version, int) and version > MANIFEST_VERSION:
            raise ManifestError(f"{where}: written by a newer audioguide (manifest version "
                                f"{version}); upgrade audioguide or rebuild the episode")
        return _decode(cls, data, where)

    # -- files ---------------------------------------------------------------------------

    def write(self, folder: Path) -> Path:
        path = Path(folder) / MANIFEST_FILE
        write_json(path, self.to_json())
        return path

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """The manifest of an episode folder; ManifestMissing or ManifestError, one line."""
        path = Path(folder) / MANIFEST_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ManifestMissing(f"{path}: missing; build the episode first") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ManifestError(f"{path}: cannot be read ({exc}); rebuild the episode") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ManifestError(f"{path}: not a readable episode manifest ({exc}); "
                                "rebuild the episode") from None
        return cls.from_json(data, str(path))

    @classmethod
    def read_if_any(cls, folder: Path) -> Manifest | None:
        """The folder's manifest, or None when it has none or it cannot be used."""
        try:
            return cls.read(folder)
        except ManifestError:
            return None


@dataclass(frozen=True)
class SeriesEpisode:
    """An episode as the feed and the series page list it."""

    manifest: Manifest
    slug: str  # the folder's name: the truth, wherever the episode was built
    published: datetime


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 date or time as an aware datetime (UTC when it names no zone)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def read_series(output_dir: Path) -> list[SeriesEpisode]:
    """Every episode of an output folder, newest first (by the article's date, else the
    first build, else the manifest's mtime); ManifestError for one that cannot be used."""
    episodes = []
    for folder in manifest_folders(output_dir):
        manifest = Manifest.read(folder)
        if not manifest.guid:
            raise ManifestError(f"{folder / MANIFEST_FILE}: not an audioguide episode manifest; "
                                "rebuild the episode")
        published = parse_time(manifest.date) or parse_time(manifest.first_built)
        if published is None:
            published = datetime.fromtimestamp((folder / MANIFEST_FILE).stat().st_mtime,
                                               timezone.utc)
        episodes.append(SeriesEpisode(manifest, folder.name, published))
    episodes.sort(key=lambda e: (e.published, e.slug), reverse=True)
    return episodes


def manifest_folders(output_dir: Path) -> list[Path]:
    """The episode folders of an output folder: those with a manifest, not staging folders."""
    return [path.parent for path in sorted(Path(output_dir).glob(f"*/{MANIFEST_FILE}"))
            if not path.parent.name.startswith(".")]


# -- generic conversion between the dataclasses and JSON values ----------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, Loudness):
        return value.to_json()
    if isinstance(value, CueRecord) and not value.voice:  # only where it is not the episode's
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)
                if f.name != "voice"}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    return value


@cache
def _hints(cls: Any) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(cls: Any, data: dict, where: str) -> Any:
    """An instance of the dataclass `cls` from a JSON object."""
    values: dict[str, Any] = {}
    hints = _hints(cls)
    for f in fields(cls):
        if f.name in data:
            values[f.name] = _value(hints[f.name], data[f.name], where, f.name)
        elif f.default is MISSING and f.default_factory is MISSING:
            raise ManifestError(f"{where}: {f.name} is missing; rebuild the episode")
    return cls(**values)


def _value(kind: Any, value: Any, where: str, name: str) -> Any:
    """`value` as type `kind` (a dataclass, enum, list, dict, optional or scalar type)."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        kind = next(arg for arg in args if arg is not type(None))
        return _value(kind, value, where, name)
    if origin is list:
        _expect(isinstance(value, list), where, name, "a list")
        return [_value(args[0], item, where, name) for item in value]
    if origin is tuple:  # tuple[X, ...], as the frozen records (Chapter.skipped) hold lists
        _expect(isinstance(value, list), where, name, "a list")
        return tuple(_value(args[0], item, where, name) for item in value)
    if origin is dict:
        _expect(isinstance(value, dict), where, name, "an object")
        return {k: _value(args[1], v, where, name) for k, v in value.items()}
    if is_dataclass(kind):
        _expect(isinstance(value, dict), where, name, "an object")
        return _decode(kind, value, where)
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return kind(value)
        except ValueError:
            raise ManifestError(f"{where}: {name} {value!r} is unknown; rebuild the episode "
                                "with this audioguide") from None
    if kind is float:
        _expect(isinstance(value, (int, float)) and not isinstance(value, bool), where, name,
                "a number")
        return value
    if kind is int:
        _expect(isinstance(value, int) and not isinstance(value, bool), where, name,
                "a whole number")
        return value
    _expect(isinstance(value, kind), where, name, f"a {kind.__name__}")
    return value


def _expect(ok: bool, where: str, name: str, what: str) -> None:
    if not ok:
        raise ManifestError(f"{where}: {name} is not {what}; rebuild the episode")
