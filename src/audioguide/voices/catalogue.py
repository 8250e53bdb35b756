"""The Piper voice catalogue: voices.json of rhasspy/piper-voices at the pinned revision
v1.0.0, keyed by voice key. Each entry names the voice's language, quality, speakers and its
files (relative paths, each with size_bytes and md5_digest).

The list is fetched once per base URL and cached in the user cache folder (the revision is
pinned, so it never changes); later calls, offline ones too, read the cache. The files of a
voice come from the same base URL (download.py). AUDIOGUIDE_VOICES_URL replaces the base URL
(a mirror; the tests' local catalogue).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import langtag
from ..atomic import atomic_open
from ..engines.piper_voices import KEY, key_lang
from ..errors import EngineError, EngineUnavailable

BASE_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/v1.0.0/"
URL_ENV = "AUDIOGUIDE_VOICES_URL"
INDEX = "voices.json"
MAX_INDEX_BYTES = 64 << 20  # the real list is about 1.5 MB
SAFE_PATH = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")


class CatalogueUnreachable(EngineUnavailable):
    """The catalogue or a voice's file cannot be reached (no network, a time-out)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason  # a few words: "connection refused", "timed out"...


def base_url() -> str:
    """The catalogue's base URL, ending in "/"."""
    url = os.environ.get(URL_ENV) or BASE_URL
    return url if url.endswith("/") else url + "/"


@dataclass(frozen=True)
class VoiceFile:
    path: str  # relative to the base URL: "fr/fr_FR/siwis/medium/fr_FR-siwis-medium.onnx"
    size: int
    md5: str

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class CatalogueVoice:
    key: str
    code: str  # "fr_FR"
    name_english: str
    name_native: str
    quality: str
    speakers: int
    files: tuple[VoiceFile, ...]
    aliases: tuple[str, ...] = ()

    @property
    def lang(self) -> str:
        return key_lang(self.code)

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    def row(self, installed: bool) -> dict:
        """The voice as `voices --all --json` prints it."""
        return {"key": self.key, "language": self.lang, "language_name": self.name_english,
                "quality": self.quality, "speakers": self.speakers, "size_bytes": self.size,
                "installed": installed}


def parse_catalogue(data: bytes, where: str) -> dict[str, CatalogueVoice]:
    """The voices of a voices.json; EngineError when it is not one. Entries with a key or a
    file path that could leave the voices folder or the base URL are left out."""
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EngineError(f"the Piper voice catalogue {where} is not JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise EngineError(f"the Piper voice catalogue {where} is not a voices.json")
    voices = {}
    for key, entry in raw.items():
        voice = _voice(key, entry)
        if voice is not None:
            voices[key] = voice
    if raw and not voices:
        raise EngineError(f"the Piper voice catalogue {where} holds no voice audioguide reads")
    return voices


def _voice(key: str, entry: Any) -> CatalogueVoice | None:
    """One entry, or None when it is malformed or unsafe (`entry` is the catalogue's JSON as
    parsed, hence Any: every lookup below is guarded by the except)."""
    try:
        language = entry["language"]
        files = tuple(VoiceFile(path, int(info["size_bytes"]), str(info["md5_digest"]).lower())
                      for path, info in entry["files"].items())
        voice = CatalogueVoice(
            key=key, code=str(language["code"]), name_english=_shown(language["name_english"]),
            name_native=_shown(language.get("name_native") or ""),
            quality=str(entry["quality"]), speakers=int(entry.get("num_speakers") or 1),
            files=files, aliases=tuple(str(a) for a in entry.get("aliases") or ()))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    names = {f.name for f in files}
    if (not KEY.match(key) or not {f"{key}.onnx", f"{key}.onnx.json"} <= names
            or not all(SAFE_PATH.match(f.path) and ".." not in f.path.split("/")
                       for f in files)):
        return None
    return voice


def _shown(text: object) -> str:
    """A name from the catalogue as it may be printed: no control characters, 60 at most."""
    return "".join(c for c in str(text) if unicodedata.category(c)[0] != "C")[:60]


def cache_path(cache_dir: Path, url: str) -> Path:
    """Where the list from `url` is kept: one file per base URL."""
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return Path(cache_dir) / "piper-voices" / f"voices-{digest}.json"


def load_catalogue(cache_dir: Path) -> dict[str, CatalogueVoice]:
    """The catalogue: from the cache when it holds it, else fetched (and then cached).
    CatalogueUnreachable when it is neither cached nor reachable."""
    url = base_url() + INDEX
    cached = cache_path(cache_dir, url)
    if cached.is_file():
        try:
            return parse_catalogue(cached.read_bytes(), str(cached))
        except (OSError, EngineError):
            pass  # a damaged copy: fetched again
    data = fetch_index(url)
    voices = parse_catalogue(data, f"at {url}")
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with atomic_open(cached, "wb") as handle:
            handle.write(data)
    except OSError:
        pass  # not cached: fetched again next time
    return voices


def fetch_index(url: str) -> bytes:
    """voices.json's bytes; CatalogueUnreachable or EngineError in one line."""
    import requests

    from ..http_session import open_session

    try:
        with open_session() as session, session.get(url, stream=True) as response:
            if response.status_code != 200:
                raise EngineError(f"the Piper voice catalogue at {url} answered HTTP "
                                  f"{response.status_code}; check {URL_ENV}")
            data = response.raw.read(MAX_INDEX_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        reason = network_reason(exc)
        raise CatalogueUnreachable(f"cannot reach the Piper voice catalogue at {url} "
                                   f"({reason}); it is fetched once, then kept for offline use",
                                   reason) from exc
    if len(data) > MAX_INDEX_BYTES:
        raise EngineError(f"the Piper voice catalogue at {url} is larger than "
                          f"{MAX_INDEX_BYTES >> 20} MiB")
    return data


def network_reason(exc: BaseException) -> str:
    """A few words for a requests failure: "connection refused", "timed out"..."""
    import requests

    text = str(exc).lower()
    if isinstance(exc, requests.Timeout):
        return "timed out"
    for needle, reason in (("refused", "connection refused"), ("resolve", "host not found"),
                           ("name or service", "host not found"), ("reset", "connection reset"),
                           ("proxy", "proxy error"), ("ssl", "TLS error")):
        if needle in text:
            return reason
    return "connection cut" if "broken" in text or "incomplete" in text else "network error"


def find_voice(catalogue: dict[str, CatalogueVoice], key: str) -> CatalogueVoice:
    """The catalogue's voice of that key (or alias); EngineError naming close keys when none."""
    if key in catalogue:
        return catalogue[key]
    for voice in catalogue.values():
        if key in voice.aliases:
            return voice
    close = difflib.get_close_matches(key, list(catalogue), n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else (
        "`audioguide voices --all` lists its voices")
    raise EngineError(f"{key!r} is not in the Piper voice catalogue; {hint}")


def voices_for(catalogue: dict[str, CatalogueVoice], lang: str | None) -> list[CatalogueVoice]:
    """The voices of a language ("fr", "fr-FR", "fr_FR", "French" or "Français"), or all; by
    key."""
    if not lang:
        return sorted(catalogue.values(), key=lambda v: v.key)
    wanted = (langtag.tag(lang) or lang.strip()).lower()
    found = [v for v in catalogue.values()
             if wanted in (v.lang.lower(), langtag.primary(v.lang),
                           v.name_english.lower(), v.name_native.lower())]
    return sorted(found, key=lambda v: v.key)


def format_catalogue(rows: list[dict]) -> str:
    """`voices --all` as a table: key, language, quality, speakers, size, installed."""
    width = max([len(row["key"]) for row in rows] + [3])
    lines = [f"{'key':<{width}}  {'language':<22} {'quality':<7} {'speakers':>8} "
             f"{'size':>9}  installed"]
    for row in rows:
        language = f"{row['language']} {row['language_name']}"[:22]
        lines.append(f"{row['key']:<{width}}  {language:<22} {row['quality']:<7} "
                     f"{row['speakers']:>8} {row['size_bytes'] / (1 << 20):>5.1f} MiB  "
                     f"{'yes' if row['installed'] else 'no'}")
    return "\n".join(lines)
