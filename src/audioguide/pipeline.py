"""The only module that knows the order of the stages:

read -> plan speech -> synthesize (cached by content) -> assemble and encode (streamed) -> export.

Builder.build reads as that list: plan the utterances, skip an episode whose fingerprint is
unchanged, then in a staging folder (see outdir) synthesize and encode (_encode_episode), lay out
the timeline, record the Manifest and run the output steps (episode.steps), and swap the staging
folder in. An interrupted build leaves the previous complete episode or none, and the clip cache
lets the next run resume.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .audio import (
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
from .audio.clips import ClipWords, clip_words, resample_clip
from .audio.memory import TUNE_AFTER_WORDS
from .cache import CacheWriter, ClipCache, clip_key
from .episode.steps import Outputs, start_cover, write_outputs
from .manifest import (
    BuildSettings,
    BuildStats,
    CueRecord,
    Manifest,
    episode_guid,
    now_iso,
)
from .models import Article, AudioFormat, Clip, EpisodeResult, LangSpan, Loudness, Timeline
from .outdir import Output
from .settings import Settings
from .version import __version__

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .engines.base import Engine
    from .engines.parts import PartsEngine, Request, Synthesizer
    from .engines.roles import RolesEngine
    from .episode.cover_art import CoverArt
    from .models import Role, Utterance, VoiceCredit
    from .speech import Plan
    from .speech.lexicon import Lexicon


def _quiet(*args: object, **kwargs: object) -> None:
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


# -- fingerprints --------------------------------------------------------------------------


def file_stamp(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def fingerprint(article: Article, plan: Plan, keys: list[str], settings: Settings,
                engine: Engine) -> str:
    """A hash of everything that changes any output of the build."""
    data = {
        "audioguide": __version__,
        "engine": engine.identity(),
        "credit": engine.credit(),
        "voice_credit": asdict(voice_credit(engine)),
        "article": asdict(article) | {"sections": None},
        "chapters": list(plan.chapter_titles),
        "utterances": [
            [key, u.shown, u.pause_after, u.section, u.kind, u.paragraph_end]
            + ([[asdict(span) for span in u.langs]] if u.langs else [])  # old prints kept
            for key, u in zip(keys, plan.utterances, strict=True)
        ],
        "settings": {
            "bitrate": settings.bitrate, "format": settings.format,
            "per_section": settings.per_section, "target_lufs": settings.target_lufs,
            "epub": settings.epub,
            "true_peak": settings.true_peak, "intro": file_stamp(settings.intro),
            "outro": file_stamp(settings.outro), "image": file_stamp(settings.image),
            "feed": asdict(settings.feed),
            **({"opus": True} if settings.opus else {}),  # (older prints kept without it)
        },
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class Episode:
    """One article's build in progress: what the stages hand each other."""

    article: Article
    plan: Plan
    engine: Engine
    lang: str
    keys: list[str]  # the clip cache key of every utterance
    slug: str
    fingerprint: str
    previous: Manifest | None
    stats: Stats
    # The voices of the parts in other languages (None: the engine says everything).
    mixer: PartsEngine | None = None
    # The voices of the roles given one (--role-voice) that the plan has (None: no such role).
    roles: RolesEngine | None = None


@dataclass
class Encoded:
    """What the encode stage leaves: the audio file and the lengths the timeline needs."""

    path: Path
    rate: int
    speech_samples: list[int]
    lead: int  # samples of the intro jingle
    tail: int  # samples of the outro jingle
    loudness: Loudness
    words: list[ClipWords] = field(default_factory=list)  # each clip's spoken words


class Builder:
    """Builds episodes; engines are chosen once per language and their voices loaded once."""

    def __init__(self, settings: Settings, reporter: Reporter | None = None):
        self.settings = settings
        self.report = reporter or Reporter()
        # The clip cache: --cache-url (a shared folder or object storage) or the local one.
        self.cache = (ClipCache.at_url(settings.cache_url, warn=self.report.warn)
                      if settings.cache_url and settings.use_cache else
                      ClipCache(settings.resolved_cache_dir(), enabled=settings.use_cache,
                                warn=self.report.warn))
        self._engines: dict[str, Engine] = {}
        self._mixers: dict[str, PartsEngine] = {}  # main language -> voices of other languages
        # (language, --role-voice VOICE) -> its engine, and its voices of other languages
        self._role_engines: dict[tuple[str, str], Engine] = {}
        self._role_mixers: dict[tuple[str, str], PartsEngine] = {}
        self._warming = False
        self._words = 0  # spoken words encoded so far (see _tune_allocator)
        self._started: set[int] = set()
        self.lexicon = None
        if settings.lexicon:
            from .speech import load_lexicon

            self.lexicon = load_lexicon(Path(settings.lexicon))

    def _say_date_order(self, article: Article, plan: Plan, lang: str) -> None:
        """Numeric dates that read either way ("11/7/2024"): say which order was used."""
        from .langtag import is_english
        from .speech.dates import ambiguous_dates, day_first

        if not is_english(lang):
            return
        found = sorted({d for u in plan.utterances for d in ambiguous_dates(u.shown)})
        if not found:
            return
        where = article.source or article.title
        if day_first(lang):
            order, other = f"day first ({lang})", "--lang en-US for month first"
        else:
            order, other = f"month first ({lang})", "--lang en-GB for day first"
        self.report.warn(f"{where}: read {', '.join(found[:3])} {order}; give {other}")

    def engine_for(self, lang: str) -> Engine:
        if lang not in self._engines:
            from .engines.select import choose_engine

            engine, reason = choose_engine(self.settings, lang, on_status=self.report.status,
                                           on_warn=self.report.warn)
            self.report.status(reason)
            self._engines[lang] = engine
        return self._engines[lang]

    def mixer_for(self, lang: str, plan: Plan) -> PartsEngine | None:
        """The voices for the plan's parts in other languages (None when it has none); a
        language no engine here reads is said by the main voice, with a warning."""
        from .engines.parts import PartsEngine, marked_langs

        langs = marked_langs(plan.utterances)
        if not langs:
            return None
        if lang not in self._mixers:
            self._mixers[lang] = PartsEngine(self.engine_for(lang))
        mixer = self._mixers[lang]
        for unread in mixer.add(langs):
            self.report.warn(f"no voice here reads {unread!r}: its marked parts are read by "
                             f"the {lang} voice; install espeak-ng (`apt-get install "
                             "espeak-ng`) for voices of other languages")
        return mixer

    def roles_for(self, lang: str, plan: Plan, main: Synthesizer) -> RolesEngine | None:
        """The voices of the roles given one (settings.role_voices), each checked here
        whether the plan reads that role or not; None when the plan has none of them."""
        from .engines.parts import PartsEngine, marked_langs
        from .engines.roles import RolesEngine
        from .voices.roles import role_engine

        wanted = dict(self.settings.role_voices)
        for role, voice in wanted.items():
            if (lang, voice) not in self._role_engines:
                self._role_engines[lang, voice] = role_engine(self.engine_for(lang), voice, role)
        voices, mixers = {}, {}
        for role in sorted({u.role for u in plan.utterances if u.role in wanted}):
            key = (lang, wanted[role])
            voices[role] = self._role_engines[key]
            langs = marked_langs(u for u in plan.utterances if u.role == role)
            if langs:
                mixer = self._role_mixers.setdefault(key, PartsEngine(voices[role]))
                for unread in mixer.add(langs):
                    self.report.warn(f"no voice here reads {unread!r}: its marked parts in "
                                     f"{role} are read by the {role} voice")
                mixers[role] = mixer
        return RolesEngine(main, voices, mixers) if voices else None

    def close(self) -> None:
        for mixer in [*self._mixers.values(), *self._role_mixers.values()]:
            with contextlib.suppress(Exception):
                mixer.close()
        self._mixers.clear()
        self._role_mixers.clear()
        for engine in self._role_engines.values():
            with contextlib.suppress(Exception):
                engine.close()
        self._role_engines.clear()
        for engine in self._engines.values():
            # closing must not hide the build's own error
            with contextlib.suppress(Exception):
                engine.close()
        self._engines.clear()
        if self.settings.use_cache:
            with contextlib.suppress(OSError):
                self.cache.prune(self.settings.cache_max_bytes)

    def __enter__(self) -> Builder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the stages ----------------------------------------------------------------------

    def build(self, article: Article, output_dir: Path | Output, taken: set[str],
              read_seconds: float = 0.0) -> EpisodeResult:
        """Build the article's episode into `output_dir` (a folder, or an Output: a folder or
        object storage with its identity -> folder index)."""
        started = time.perf_counter()
        output = output_dir if isinstance(output_dir, Output) else Output.at(output_dir)
        episode = self._plan(article, output, taken)
        folder = output.location(episode.slug)
        same = output.unchanged(episode.slug, episode.fingerprint)
        if same is not None:
            self.report.status(f"{folder}: nothing changed, outputs left as they are")
            return result_from(same, folder, skipped=True)
        episode.stats.seconds = {"read": round(read_seconds, 3),
                                 "plan": round(time.perf_counter() - started, 3)}
        staging = output.staging(episode.slug)
        cover = start_cover(article, self.settings, staging)  # beside the encode
        try:
            encoded = self._encode_episode(episode, staging)
            manifest = self._export(episode, encoded, staging, cover)
            output.publish(staging, episode.slug, article.identity)
        finally:
            cover.exception()  # the cover's thread is done with the folder
            shutil.rmtree(staging, ignore_errors=True)
        return result_from(manifest, folder)

    def _plan(self, article: Article, output: Output, taken: set[str]) -> Episode:
        """The utterances, the engine, the cache keys, the folder and the fingerprint."""
        from .engines.select import resolve_lang
        from .speech import plan as plan_speech

        lang = resolve_lang(self.settings, article.lang)
        engine = self.engine_for(lang)
        plan = plan_speech(article, self.settings, lang, self.lexicon,
                           disclosure=spoken_disclosure(self.settings, engine, lang))
        self._say_date_order(article, plan, lang)
        mixer = self.mixer_for(lang, plan)
        roles = self.roles_for(lang, plan, mixer or engine)
        keys = [utterance_key(u, engine, mixer, roles) for u in plan.utterances]
        slug = output.choose_slug(article, taken)
        taken.add(slug)
        return Episode(article, plan, engine, lang, keys, slug,
                       fingerprint(article, plan, keys, self.settings, engine),
                       output.manifest(slug), Stats(), mixer, roles)

    def _tune_allocator(self, plan: Plan) -> None:
        """Fix glibc's mmap threshold (tune_allocator) once this builder has encoded a long
        episode's worth of words, this one's included: memory stays flat for a long build, and
        a short one does not pay for mapping every buffer afresh."""
        self._words += sum(len(u.spoken.split()) for u in plan.utterances)
        if self._words >= TUNE_AFTER_WORDS:
            tune_allocator()

    def _start(self, engine: Engine) -> None:
        if not self._warming:  # only a build that encodes needs the numeric libraries
            self._warming = True
            threading.Thread(target=warm_up, daemon=True, name="audioguide-warm-up").start()
        if id(engine) not in self._started:
            engine.start()
            self._started.add(id(engine))

    def _encode_episode(self, episode: Episode, staging: Path) -> Encoded:
        """Synthesize what the cache lacks and stream every clip, in order, into the encoder."""
        from .engines.parts import requests_of

        self._tune_allocator(episode.plan)
        self._start(episode.engine)
        if episode.mixer is not None:
            episode.mixer.start()
        requests: list = requests_of(episode.plan.utterances)
        roles = episode.roles
        if roles is not None:
            for voice in roles.voices.values():
                self._start(voice)
            for mixer in roles.mixers.values():
                mixer.start()
            requests = [roles.request(u.role, request)
                        for u, request in zip(episode.plan.utterances, requests, strict=True)]
        clips = ClipSource(self.cache, roles or episode.mixer or episode.engine, episode.keys,
                           requests, episode.stats)
        ext = "m4a" if self.settings.format == AudioFormat.M4B else "mp3"
        path = staging / f"{episode.slug}.encoding.{ext}"
        try:
            return encode(clips, episode, path, self.settings, self.report.progress)
        finally:
            clips.close()

    def _export(self, episode: Episode, encoded: Encoded, staging: Path,
                cover: Future[tuple[CoverArt | None, list[str]]] | None = None) -> Manifest:
        """The timeline, the manifest, every output file, and the manifest itself last."""
        t = time.perf_counter()
        plan, settings, stats = episode.plan, self.settings, episode.stats
        timeline = build_timeline(plan.utterances, encoded.speech_samples, plan.chapter_titles,
                                  encoded.rate, encoded.lead, encoded.tail, settings.rate,
                                  encoded.words, word_speaker(episode.lang, self.lexicon))
        manifest = record(episode, timeline, encoded.loudness, settings)
        write_outputs(manifest, Outputs(staging, episode.article, settings, encoded.path,
                                        self.report.warn, early_cover=cover))
        stats.seconds["export"] = round(time.perf_counter() - t, 3)
        stats.seconds["total"] = round(sum(stats.seconds.values()), 3)
        manifest.stats = BuildStats(stats.synthesized, stats.cached, episode.engine.jobs,
                                    stats.seconds)
        manifest.write(staging)
        return manifest


class ClipSource:
    """The episode's clips in utterance order: new ones from the engine as it makes them
    (each stored in the cache), the rest from the cache; a repeated sentence is made once."""

    def __init__(self, cache: ClipCache, engine: Synthesizer, keys: list[str],
                 spoken: list[Request], stats: Stats):
        self.cache, self.engine, self.keys, self.spoken, self.stats = (
            cache, engine, keys, spoken, stats)
        # Which sentences need the engine: first appearances of keys the cache does not hold.
        self.missing: list[int] = []
        seen: set[str] = set()
        for index, key in enumerate(keys):
            if key not in seen and not cache.has(key):
                self.missing.append(index)
            seen.add(key)
        self.repeats = {key for key, count in Counter(keys).items() if count > 1}
        self._lock = threading.Lock()
        self._writer = CacheWriter(cache)
        self._generated: Iterator = engine.synthesize_many(
            [spoken[i] for i in self.missing], on_clip=self._keep)
        self._first: list[Clip] = []
        self.seconds = 0.0

    def _keep(self, position: int, clip: Clip) -> None:
        self._writer.put(self.keys[self.missing[position]], clip)
        with self._lock:
            self.stats.synthesized += 1

    def first(self) -> None:
        """Take the first new clip before the encoder opens its pipe: an engine that forks
        workers on its first job would hand them the encoder's stdin, and ffmpeg would never
        see the end of its input (a resumed build hung in Encoder.close)."""
        self._first = [next(self._generated)] if self.missing else []

    def __iter__(self) -> Iterator:
        made: dict[str, object] = {}
        pending = iter(self.missing)
        next_missing = next(pending, None)
        for index, key in enumerate(self.keys):
            t = time.perf_counter()
            clip = made.get(key)
            if clip is None and index == next_missing:
                clip = self._first.pop() if self._first else next(self._generated)
                next_missing = next(pending, None)
            elif clip is None:
                clip = self._from_cache(key, self.spoken[index])
            if key in self.repeats:
                made[key] = clip
            self.seconds += time.perf_counter() - t
            yield clip

    def _from_cache(self, key: str, spoken: Request) -> Clip:
        clip = self.cache.get(key)
        if clip is not None:
            self.stats.cached += 1
            return clip
        clip = self.engine.synthesize(spoken)  # corrupt entry, or the cache went away
        self.cache.put(key, clip)
        self.stats.synthesized += 1
        return clip

    def close(self) -> None:
        """Stop the engine's generator, then wait until every clip made is in the cache."""
        close = getattr(self._generated, "close", None)
        try:
            if close:
                close()
        finally:
            self._writer.close()


def encode(clips: ClipSource, episode: Episode, path: Path, settings: Settings,
           progress: Callable[[int, int], None]) -> Encoded:
    """Level every clip and stream it, with its pause, into one ffmpeg encoder (and the
    jingles around them); the episode is never held in memory. A long episode is encoded in
    parts on every core instead (encode_in_parts)."""
    from .audio.parts import part_ranges
    from .engines.base import usable_cpus

    utterances = episode.plan.utterances
    ranges = part_ranges(utterances, usable_cpus())
    if len(ranges) > 1:
        return encode_in_parts(clips, episode, path, settings, progress, ranges)
    leveler, encoder = Leveler(settings.target_lufs), None
    speech_samples: list[int] = []
    words: list[ClipWords] = []
    lead = tail = 0
    encode_seconds = 0.0
    try:
        clips.first()
        for index, (utterance, clip) in enumerate(zip(utterances, clips, strict=True)):
            t = time.perf_counter()
            if encoder is not None and clip.rate != encoder.rate:
                clip = resample_clip(clip, encoder.rate)  # a part's voice at another rate
            prepared = prepare_clip(clip, leveler)
            if encoder is None:
                encoder = Encoder(path, prepared.rate, settings.format, settings.bitrate,
                                  settings.true_peak)
                lead = _jingle(encoder, settings.intro, settings)
            encoder.write(prepared.samples)
            speech_samples.append(len(prepared.samples))
            words.append(clip_words(clip, prepared, utterance.spoken))
            encoder.write_silence(pause_samples(utterance.pause_after, encoder.rate, settings.rate))
            if index % 100 == 99:
                release_memory()
            encode_seconds += time.perf_counter() - t
            progress(index + 1, len(utterances))
        t = time.perf_counter()
        assert encoder is not None  # a plan always has its intro utterance
        tail = _jingle(encoder, settings.outro, settings)
        loudness = encoder.close()
        encode_seconds += time.perf_counter() - t
    except BaseException:
        if encoder is not None:
            encoder.abort()
        raise
    episode.stats.seconds["synthesize"] = round(clips.seconds, 3)
    episode.stats.seconds["encode"] = round(encode_seconds, 3)
    return Encoded(path, encoder.rate, speech_samples, lead, tail, loudness, words)


def encode_in_parts(clips: ClipSource, episode: Episode, path: Path, settings: Settings,
                    progress: Callable[[int, int], None], ranges: list[range]) -> Encoded:
    """Hand every clip, in order, to the worker of its part (audio/parts.py): each part is
    levelled, limited and measured on its own core, and one last ffmpeg joins them into
    `path`; the timeline is the single pass's, sample for sample."""
    from concurrent.futures import ProcessPoolExecutor

    from .audio.parts import PartsEncoder, PartSettings
    from .engines.base import exit_with_parent, usable_cpus, worker_context

    utterances = episode.plan.utterances
    pool = ProcessPoolExecutor(max_workers=min(usable_cpus(), len(ranges)),
                               mp_context=worker_context(), initializer=exit_with_parent)
    encoder = PartsEncoder(path, ranges, utterances, PartSettings(
        settings.format, settings.bitrate, settings.target_lufs, settings.true_peak,
        settings.rate, str(settings.intro) if settings.intro else None,
        str(settings.outro) if settings.outro else None), pool)
    encode_seconds = 0.0
    try:
        clips.first()
        for index, (_, clip) in enumerate(zip(utterances, clips, strict=True)):
            t = time.perf_counter()
            encoder.add(index, clip)
            encode_seconds += time.perf_counter() - t
            progress(index + 1, len(utterances))
        t = time.perf_counter()
        joined = encoder.close()
        encode_seconds += time.perf_counter() - t
    except BaseException:
        encoder.abort()
        raise
    episode.stats.seconds["synthesize"] = round(clips.seconds, 3)
    episode.stats.seconds["encode"] = round(encode_seconds, 3)
    return Encoded(path, encoder.rate, joined.speech_samples, joined.lead, joined.tail,
                   joined.loudness, joined.words)


def word_speaker(lang: str, lexicon: Lexicon | None) -> Callable[[str], str]:
    """The speech normalizer for one shown word (the timeline matches shown to spoken words)."""
    from functools import lru_cache

    from .speech import spoken_form

    return lru_cache(maxsize=8192)(lambda word: spoken_form(word, lang, lexicon))


def _jingle(encoder: Encoder, path: Path | None, settings: Settings) -> int:
    """Write the intro or outro jingle, if there is one; its length in samples."""
    if not path:
        return 0
    jingle = load_jingle(path, encoder.rate, settings.target_lufs)
    encoder.write(jingle)
    return len(jingle)


def spoken_disclosure(settings: Settings, engine: Engine,
                      lang: str) -> tuple[str, str | None] | None:
    """What the episode opens with (shown, spoken): `--disclosure TEXT` as written, else
    that a synthetic voice reads it and which (episode/disclosure.py); None with
    --no-disclosure."""
    if not settings.disclose:
        return None
    if settings.disclosure:
        return settings.disclosure, None
    from .episode import disclosure

    return (disclosure.sentence(engine.name, engine.voice_name(), lang),
            disclosure.spoken_sentence(engine.name, engine.voice_name(), lang))


def written_disclosure(settings: Settings, engine: Engine, lang: str) -> str:
    """The sentence the metadata carries (always, even with --no-disclosure)."""
    from .episode import disclosure

    text = " ".join(settings.disclosure.split())
    return text or disclosure.sentence(engine.name, engine.voice_name(), lang)


def record(episode: Episode, timeline: Timeline, loudness: Loudness,
           settings: Settings) -> Manifest:
    """The manifest of a finished encode; the output steps fill in its files."""
    from .readers.roles import chapter_skips

    article, engine, lang = episode.article, episode.engine, episode.lang
    skips = chapter_skips(article, episode.plan.chapter_titles)
    first_built = (episode.previous.first_built if episode.previous else None) or now_iso()
    return Manifest(
        audioguide=__version__, slug=episode.slug, title=article.title, byline=article.byline,
        category=article.category, description=article.description, lang=lang,
        date=article.date, source=article.source, identity=article.identity,
        guid=episode_guid(article.identity or article.title), first_built=first_built,
        built=now_iso(), engine=engine.name, engine_version=engine.version(),
        voice=engine.voice_name(), credit=engine.credit(),
        disclosure=written_disclosure(settings, engine, lang),
        disclosed_in_audio=settings.disclose,
        settings=BuildSettings(settings.rate, settings.bitrate, settings.format,
                               lang, settings.tld, settings.slow, settings.announce),
        format=settings.format, duration_ms=timeline.duration_ms,
        chapters=[replace(chapter, skipped=skips[n]) if n < len(skips) else chapter
                  for n, chapter in enumerate(timeline.chapters)],
        cues=[CueRecord(c.start_ms, c.end_ms, c.text, u.spoken, c.section, c.kind,
                        c.paragraph_end, list(c.words), c.words_estimated,
                        _spans(u.langs, u.role, episode), _cue_voice(u.role, episode))
              for c, u in zip(timeline.cues, episode.plan.utterances, strict=True)],
        loudness=loudness, fingerprint=episode.fingerprint,
        voice_credit=voice_credit(engine), role_voices=_role_credits(episode),
    )


def voice_credit(engine: Engine) -> VoiceCredit:
    """The voice's licence and dataset (engines.roles.voice_credit)."""
    from .engines.roles import voice_credit as credit_of

    return credit_of(engine)


def utterance_key(u: Utterance, engine: Engine, mixer: PartsEngine | None,
                  roles: RolesEngine | None) -> str:
    """The clip cache key of an utterance: the identity of the voice that says it (its role's
    voice, else the episode's; every part's voice when it has parts) and what it says."""
    if roles is not None and u.role in roles.voices:
        engine, mixer = roles.voices[u.role], roles.mixers.get(u.role)
    if mixer is not None and u.parts:
        return clip_key(mixer.identity(u.parts), mixer.text(u.parts))
    return clip_key(engine.identity(), u.spoken)


def _role_voice(role: Role | None, episode: Episode) -> Engine | None:
    """The engine of the role's voice when the role has one (--role-voice), else None."""
    roles = episode.roles
    return roles.voices[role] if roles is not None and role in roles.voices else None


def _cue_voice(role: Role | None, episode: Episode) -> str:
    """ "espeak en-us" for a cue read by a role's voice other than the episode's, else ""."""
    from .engines.roles import voice_label

    engine = _role_voice(role, episode)
    if engine is None or voice_label(engine) == voice_label(episode.engine):
        return ""
    return voice_label(engine)


def _role_credits(episode: Episode) -> dict[str, VoiceCredit]:
    """The credit of each role's voice that is not the episode's own."""
    roles = episode.roles
    if roles is None:
        return {}
    return {str(role): voice_credit(engine) for role, engine in roles.voices.items()
            if _cue_voice(role, episode)}


def _spans(langs: tuple[LangSpan, ...], role: Role | None,
           episode: Episode) -> list[LangSpan]:
    """A cue's spans in other languages, each with the voice that read it."""
    mixer, engine = episode.mixer, episode.engine
    voice = _role_voice(role, episode)
    if voice is not None and role is not None and episode.roles is not None:
        mixer, engine = episode.roles.mixers.get(role), voice
    return [replace(span, voice=mixer.voice_for(span.lang) if mixer is not None
                    else f"{engine.name} {engine.voice_name()}") for span in langs]


def result_from(manifest: Manifest, folder: Path | str, skipped: bool = False) -> EpisodeResult:
    """The build's result; `folder` is the episode folder's path or URL."""
    stats = manifest.stats
    return EpisodeResult(
        slug=manifest.slug,
        folder=str(folder),
        audio_path=f"{folder}/{manifest.files.audio}",
        duration_ms=manifest.duration_ms,
        chapters=tuple(manifest.chapters),
        engine=manifest.engine,
        voice=manifest.voice,
        synthesized=0 if skipped else stats.synthesized,
        cached=len(manifest.cues) if skipped else stats.cached,
        skipped=skipped,
        loudness=manifest.loudness,
    )


def build_episodes(sources: list[str], settings: Settings,
                   reporter: Reporter | None = None) -> list[EpisodeResult]:
    """Build one episode per source; the public entry point of the library."""
    from .readers import read_sources

    reporter = reporter or Reporter()
    articles = read_sources(sources, settings)
    output = Output.open(settings.output_dir)
    results = []
    taken: set[str] = set()
    with Builder(settings, reporter) as builder:
        for article, seconds in articles:
            results.append(builder.build(article, output, taken, seconds))
    return results


__all__ = ["Reporter", "build_episodes"]
