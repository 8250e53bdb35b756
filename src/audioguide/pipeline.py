"""The only module that knows the order of the stages:

read -> plan speech -> synthesize (cached by content) -> assemble and encode (streamed) -> export.

Everything a build writes goes to a staging folder inside the output folder first, which then
takes the episode folder's place (two renames, see publish): an interrupted build leaves the
previous complete episode or none, and the clip cache lets the next run resume.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .assemble import (
    Encoder,
    Leveler,
    build_timeline,
    load_jingle,
    pause_samples,
    prepare_clip,
    release_memory,
    tune_allocator,
    warm_up,
)
from .atomic import _UMASK, atomic_write_json
from .cache import ClipCache, clip_key
from .errors import AudioguideError, OutputError
from .models import Article, EpisodeResult
from .settings import Settings
from .slug import slugify

MANIFEST = "episode.json"
STAGING_SUFFIX = ".partial"


def _quiet(*args, **kwargs) -> None:
    return None


@dataclass
class Reporter:
    """How the library tells its caller what happens; it never prints."""

    status: Callable[[str], None] = _quiet  # one line: which engine, what was written
    warn: Callable[[str], None] = _quiet
    progress: Callable[[int, int], None] = _quiet  # sentences done, total


@dataclass
class Stats:
    synthesized: int = 0
    cached: int = 0
    seconds: dict = field(default_factory=dict)


# -- choosing folders ----------------------------------------------------------------------


def read_manifest(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def prepare_output_dir(output_dir: Path) -> Path:
    output_dir = Path(output_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise OutputError(f"{output_dir}: exists and is not a folder; choose another -o")
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=output_dir, prefix=".write-test."):
            pass
    except OSError as exc:
        raise OutputError(f"{output_dir}: cannot write here ({exc.strerror}); choose another -o")
    clean_stale_staging(output_dir)
    return output_dir


def staging_prefix(name: str) -> str:
    """.<name>.<host>-<pid>. : lets the next build on this machine see the owner is gone."""
    host = socket.gethostname().split(".")[0][:20] or "host"
    return f".{name}.{host}-{os.getpid()}."


def _owner_gone(folder_name: str) -> bool:
    match = re.search(r"\.([^.]*)-(\d+)\.[^.]+" + re.escape(STAGING_SUFFIX) + "$", folder_name)
    host = socket.gethostname().split(".")[0][:20] or "host"
    if not match or match.group(1) != host or int(match.group(2)) == os.getpid():
        return False
    try:
        os.kill(int(match.group(2)), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def clean_stale_staging(output_dir: Path, older_than_s: float = 6 * 3600) -> None:
    """Remove staging folders left by builds that were killed (never a running build's):
    those whose process on this machine is gone, and any older than `older_than_s`."""
    now = time.time()
    for path in output_dir.glob(f".*{STAGING_SUFFIX}"):
        try:
            if _owner_gone(path.name) or now - path.stat().st_mtime > older_than_s:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass


def choose_slug(output_dir: Path, article: Article, taken: set[str]) -> str:
    """The article's own folder if it was built before, else a new slug from its title."""
    for manifest_path in sorted(output_dir.glob(f"*/{MANIFEST}")):
        if manifest_path.parent.name.startswith("."):  # a killed build's staging folder
            continue
        manifest = read_manifest(manifest_path.parent)
        if manifest and manifest.get("identity") == article.identity:
            return manifest_path.parent.name
    base = slugify(article.title)
    slug, n = base, 1
    while slug in taken or (output_dir / slug).exists():
        n += 1
        slug = f"{base[:75]}-{n}"
    return slug


# -- fingerprints --------------------------------------------------------------------------


def file_stamp(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def fingerprint(article: Article, plan, keys: list[str], settings: Settings, engine) -> str:
    """A hash of everything that changes any output of the build."""
    data = {
        "audioguide": __version__,
        "engine": engine.identity(),
        "credit": engine.credit(),
        "article": asdict(article) | {"sections": None},
        "chapters": list(plan.chapter_titles),
        "utterances": [
            [key, u.shown, u.pause_after, u.section, u.kind, u.paragraph_end]
            for key, u in zip(keys, plan.utterances)
        ],
        "settings": {
            "bitrate": settings.bitrate, "format": settings.format,
            "per_section": settings.per_section, "target_lufs": settings.target_lufs,
            "true_peak": settings.true_peak, "intro": file_stamp(settings.intro),
            "outro": file_stamp(settings.outro), "image": file_stamp(settings.image),
            "feed": asdict(settings.feed),
        },
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def unchanged(folder: Path, print_: str) -> dict | None:
    manifest = read_manifest(folder)
    if not manifest or manifest.get("fingerprint") != print_:
        return None
    files = manifest.get("files", {})
    names = [v for v in files.values() if isinstance(v, str)]
    names += [v for v in files.get("sections", []) or [] if isinstance(v, str)]
    if not all((folder / name).is_file() for name in names):
        return None
    audio = folder / files.get("audio", "")
    if not audio.is_file() or audio.stat().st_size != manifest.get("bytes"):
        return None
    return manifest


# -- the build -----------------------------------------------------------------------------


class Builder:
    """Builds episodes; engines are chosen once per language and their voices loaded once."""

    def __init__(self, settings: Settings, reporter: Reporter | None = None):
        self.settings = settings
        self.report = reporter or Reporter()
        self.cache = ClipCache(settings.resolved_cache_dir(), enabled=settings.use_cache,
                               warn=self.report.warn)
        self._engines: dict[str, object] = {}
        self._warming = False
        self._started: set[int] = set()
        self.lexicon = None
        if settings.lexicon:
            from .speech import load_lexicon

            self.lexicon = load_lexicon(Path(settings.lexicon))

    def engine_for(self, lang: str):
        if lang not in self._engines:
            from .engines.select import choose_engine

            engine, reason = choose_engine(self.settings, lang)
            self.report.status(reason)
            self._engines[lang] = engine
        return self._engines[lang]

    def close(self) -> None:
        for engine in self._engines.values():
            # closing must not hide the build's own error
            with contextlib.suppress(Exception):
                engine.close()
        self._engines.clear()
        if self.settings.use_cache:
            try:
                self.cache.prune(self.settings.cache_max_bytes)
            except OSError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def build(self, article: Article, output_dir: Path, taken: set[str],
              read_seconds: float = 0.0) -> EpisodeResult:
        from .engines.select import resolve_lang
        from .speech import plan as plan_speech

        settings = self.settings
        started = time.perf_counter()
        lang = resolve_lang(settings, article.lang)
        plan = plan_speech(article, settings, lang, self.lexicon)
        engine = self.engine_for(lang)
        identity = engine.identity()
        keys = [clip_key(identity, u.spoken) for u in plan.utterances]
        slug = choose_slug(output_dir, article, taken)
        taken.add(slug)
        folder = output_dir / slug
        print_ = fingerprint(article, plan, keys, settings, engine)
        previous = read_manifest(folder)
        same = unchanged(folder, print_)
        if same is not None:
            self.report.status(f"{folder}: nothing changed, outputs left as they are")
            return result_from(same, folder, skipped=True)

        stats = Stats(seconds={"read": round(read_seconds, 3),
                               "plan": round(time.perf_counter() - started, 3)})
        staging = Path(tempfile.mkdtemp(prefix=staging_prefix(slug), suffix=STAGING_SUFFIX,
                                        dir=output_dir))
        try:
            manifest = self._make(article, plan, keys, engine, lang, slug, staging, previous,
                                  print_, stats)
            publish(staging, folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return result_from(manifest, folder)

    def _make(self, article, plan, keys, engine, lang, slug, staging, previous, print_, stats):
        settings = self.settings
        utterances = plan.utterances
        if not self._warming:  # only a build that encodes needs the numeric libraries
            self._warming = True
            tune_allocator()
            threading.Thread(target=warm_up, daemon=True, name="audioguide-warm-up").start()
        if id(engine) not in self._started:
            engine.start()
            self._started.add(id(engine))

        # Which sentences need the engine: first appearances of keys the cache does not hold.
        missing: list[int] = []
        seen: set[str] = set()
        for index, key in enumerate(keys):
            if key not in seen and not self.cache.has(key):
                missing.append(index)
            seen.add(key)
        made: dict[str, object] = {}
        lock = threading.Lock()

        def keep(position: int, clip) -> None:
            key = keys[missing[position]]
            self.cache.put(key, clip)
            with lock:
                stats.synthesized += 1

        synth_seconds = encode_seconds = 0.0
        generated = engine.synthesize_many([utterances[i].spoken for i in missing], on_clip=keep)
        pending = iter(missing)
        next_missing = next(pending, None)
        repeats = {key for key, count in Counter(keys).items() if count > 1}

        audio_ext = "m4a" if settings.format == "m4b" else "mp3"
        audio_tmp = staging / f"{slug}.encoding.{audio_ext}"
        encoder = None
        leveler = Leveler(settings.target_lufs)
        speech_samples: list[int] = []
        lead = tail = 0
        try:
            # The first new clip comes before the encoder opens its pipe: an engine that forks
            # workers on its first job would hand them the encoder's stdin, and ffmpeg would
            # never see the end of its input (a resumed build hung in Encoder.close).
            first_new = [next(generated)] if missing else []
            for index, (utterance, key) in enumerate(zip(utterances, keys)):
                t = time.perf_counter()
                clip = made.get(key)
                if clip is None and index == next_missing:
                    clip = first_new.pop() if first_new else next(generated)
                    next_missing = next(pending, None)
                elif clip is None:
                    clip = self.cache.get(key)
                    if clip is not None:
                        stats.cached += 1
                    else:  # corrupt entry, or the cache went away: make it again here
                        clip = engine.synthesize(utterance.spoken)
                        self.cache.put(key, clip)
                        stats.synthesized += 1
                if key in repeats:
                    made[key] = clip
                synth_seconds += time.perf_counter() - t

                t = time.perf_counter()
                prepared = prepare_clip(clip, leveler)
                if encoder is None:
                    encoder = Encoder(audio_tmp, prepared.rate, settings.format,
                                      settings.bitrate, settings.true_peak)
                    if settings.intro:
                        jingle = load_jingle(settings.intro, prepared.rate, settings.target_lufs)
                        encoder.write(jingle)
                        lead = len(jingle)
                if prepared.rate != encoder.rate:
                    raise AudioguideError(
                        f"{engine.name} changed sample rate mid-episode ({prepared.rate} Hz)")
                encoder.write(prepared.samples)
                speech_samples.append(len(prepared.samples))
                encoder.write_silence(
                    pause_samples(utterance.pause_after, encoder.rate, settings.rate))
                if index % 100 == 99:
                    release_memory()
                encode_seconds += time.perf_counter() - t
                self.report.progress(index + 1, len(utterances))
            t = time.perf_counter()
            if settings.outro:
                jingle = load_jingle(settings.outro, encoder.rate, settings.target_lufs)
                encoder.write(jingle)
                tail = len(jingle)
            loudness = encoder.close()
            encode_seconds += time.perf_counter() - t
        except BaseException:
            if encoder is not None:
                encoder.abort()
            raise
        finally:
            close = getattr(generated, "close", None)
            if close:
                close()
        stats.seconds["synthesize"] = round(synth_seconds, 3)
        stats.seconds["encode"] = round(encode_seconds, 3)

        t = time.perf_counter()
        timeline = build_timeline(utterances, speech_samples, plan.chapter_titles, encoder.rate,
                                  lead, tail, settings.rate)
        from .export.write import write_outputs

        manifest = write_outputs(
            staging=staging, slug=slug, article=article, plan=plan, timeline=timeline,
            audio_tmp=audio_tmp, engine=engine, lang=lang, settings=settings,
            loudness=loudness, previous=previous, fingerprint=print_, stats=stats,
            warn=self.report.warn,
        )
        stats.seconds["export"] = round(time.perf_counter() - t, 3)
        stats.seconds["total"] = round(sum(stats.seconds.values()), 3)
        manifest["stats"] = {"synthesized": stats.synthesized, "cached": stats.cached,
                             "seconds": stats.seconds}
        atomic_write_json(staging / MANIFEST, manifest)
        return manifest


def publish(staging: Path, folder: Path) -> None:
    """Swap the staging folder in for the episode folder with two renames.

    Killed at any point, this leaves the previous complete episode or none (the previous one
    then waits in a hidden folder that clean_stale_staging removes), never a mix of the two."""
    old = None
    try:
        os.chmod(staging, 0o777 & ~_UMASK)  # mkdtemp made it private
        if folder.exists():
            old = Path(tempfile.mkdtemp(prefix=staging_prefix(f"{folder.name}.old"),
                                        suffix=STAGING_SUFFIX, dir=folder.parent))
            os.replace(folder, old / folder.name)
        os.replace(staging, folder)
    except OSError as exc:
        if old is not None and not folder.exists():
            with contextlib.suppress(OSError):
                os.replace(old / folder.name, folder)
        raise OutputError(f"{folder}: cannot write the episode ({exc.strerror})")
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def result_from(manifest: dict, folder: Path, skipped: bool = False) -> EpisodeResult:
    from .models import Chapter

    stats = manifest.get("stats", {})
    count = len(manifest.get("cues", []))
    return EpisodeResult(
        slug=manifest["slug"],
        folder=str(folder),
        audio_path=str(folder / manifest["files"]["audio"]),
        duration_ms=manifest["duration_ms"],
        chapters=tuple(Chapter(c["title"], c["start_ms"], c["end_ms"])
                       for c in manifest["chapters"]),
        engine=manifest["engine"],
        voice=manifest["voice"],
        synthesized=0 if skipped else stats.get("synthesized", 0),
        cached=count if skipped else stats.get("cached", 0),
        skipped=skipped,
        loudness=manifest.get("loudness", {}),
    )


def episode_guid(identity: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, identity))


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def build_episodes(sources: list[str], settings: Settings,
                   reporter: Reporter | None = None) -> list[EpisodeResult]:
    """Build one episode per source; the public entry point of the library."""
    from .readers import expand_sources, read_source

    reporter = reporter or Reporter()
    paths = expand_sources(list(sources))
    articles = []
    for source in paths:  # read everything first: a bad source stops the build before any work
        t = time.perf_counter()
        articles.append((read_source(source, settings), time.perf_counter() - t))
    output_dir = prepare_output_dir(Path(settings.output_dir))
    results = []
    taken: set[str] = set()
    with Builder(settings, reporter) as builder:
        for article, seconds in articles:
            results.append(builder.build(article, output_dir, taken, seconds))
    return results


__all__ = ["Reporter", "build_episodes"]
