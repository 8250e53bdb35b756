"""Everything written after the encode, as a list of small steps over the manifest.

Each step takes the episode's Manifest and the Outputs it shares with the other steps, writes
its files into the staging folder and records their names in `manifest.files`. The steps run in
the order of STEPS (the page comes last: it links every other file). A new output is one new
step (yt-dlp's postprocessors are the model). The pipeline moves the folder into place.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_bytes, write_json
from ..ffmpeg.run import run_ffmpeg
from ..manifest import Manifest
from ..models import Article, AudioFormat
from ..settings import Settings
from ..slug import slugify
from ..version import __version__
from . import transcripts
from .cover_art import CoverArt, cover_art
from .credits import credit_text
from .tags import EpisodeTags, ffmetadata, write_mp3_tags, write_mp4_tags


@dataclass
class Outputs:
    """What the steps share beside the manifest."""

    folder: Path  # the staging folder: every file goes here
    article: Article
    settings: Settings
    encoded: Path  # the encoder's file, before tags and chapters
    warn: Callable[[str], None]
    cover: CoverArt | None = None
    tags: EpisodeTags | None = None
    early_cover: Future[tuple[CoverArt | None, list[str]]] | None = None  # from start_cover


Step = Callable[[Manifest, Outputs], None]


def start_cover(article: Article, settings: Settings,
                folder: Path) -> Future[tuple[CoverArt | None, list[str]]]:
    """Make the cover on a thread while the episode is encoded: it needs only the article, and
    the default cover's PNG compression (about 0.5 s of the export's 1 to 3 s on a short
    episode) releases the GIL. The result and its warnings (said later by cover_step, so no
    line is printed across the progress bar) are the same as cover_art's."""
    future: Future[tuple[CoverArt | None, list[str]]] = Future()
    future.set_running_or_notify_cancel()

    def make() -> None:
        warnings: list[str] = []
        try:
            future.set_result((cover_art(article, settings, folder, warnings.append), warnings))
        except BaseException as exc:  # handed to cover_step, which raises it
            future.set_exception(exc)

    threading.Thread(target=make, daemon=True, name="audioguide-cover").start()
    return future


def episode_tags(manifest: Manifest, out: Outputs) -> EpisodeTags:
    article, feed = out.article, out.settings.feed
    return EpisodeTags(
        title=article.title,
        artist=article.byline or feed.author or "audioguide",
        album=feed.title or article.category or "audioguide",
        comment=f"{credit_text(manifest)}. Made with audioguide {__version__}.",
        language=manifest.lang,
        date=article.date or (manifest.first_built or "")[:10],
    )


def cover_step(manifest: Manifest, out: Outputs) -> None:
    if out.early_cover is not None:
        out.cover, warnings = out.early_cover.result()
        for warning in warnings:
            out.warn(warning)
    else:
        out.cover = cover_art(out.article, out.settings, out.folder, out.warn)
    manifest.files.cover = out.cover.name if out.cover else None


def audio_step(manifest: Manifest, out: Outputs) -> None:
    """The audio file: ID3 tags with CHAP/CTOC chapters (MP3), or MP4 chapters and tags (M4B)."""
    out.tags = tags = episode_tags(manifest, out)
    cover, mime = (out.cover.data, out.cover.mime) if out.cover else (None, "")
    name = f"{manifest.slug}.{manifest.format}"
    if manifest.format == AudioFormat.M4B:
        mp4_with_chapters(out.encoded, out.folder / name, manifest)
        out.encoded.unlink()
        write_mp4_tags(out.folder / name, tags, cover, mime)
    else:
        write_mp3_tags(out.encoded, tags, manifest.chapters, cover, mime)
        os.replace(out.encoded, out.folder / name)
    manifest.files.audio = name
    manifest.bytes = (out.folder / name).stat().st_size


def mp4_with_chapters(source: Path, target: Path, manifest: Manifest) -> None:
    meta = source.with_suffix(".ffmeta")
    write_bytes(meta, ffmetadata(manifest.chapters, manifest.title))
    run_ffmpeg(["-i", str(source), "-i", str(meta), "-map", "0:a", "-map_metadata", "1",
                "-map_chapters", "1", "-c", "copy", "-movflags", "+faststart", "-f", "mp4",
                "-y", str(target)])
    meta.unlink()


def opus_step(manifest: Manifest, out: Outputs) -> None:
    """With --opus: <slug>.opus, the episode audio as Ogg Opus with the same tags and chapters
    (the feed lists it as a podcast:alternateEnclosure)."""
    if not out.settings.opus or out.tags is None:
        return
    from .opus import encode_opus, opus_bitrate, write_opus_tags

    name = f"{manifest.slug}.opus"
    cover, mime = (out.cover.data, out.cover.mime) if out.cover else (None, "")
    encode_opus(out.folder / manifest.files.audio, out.folder / name,
                opus_bitrate(out.settings.bitrate))
    write_opus_tags(out.folder / name, out.tags, manifest.chapters, cover, mime)
    manifest.files.opus = name


def sections_step(manifest: Manifest, out: Outputs) -> None:
    """With --per-section: one numbered MP3 per chapter, cut from the episode (MP3 frames
    copied, not re-encoded)."""
    if not out.settings.per_section or out.tags is None:
        return
    folder = out.folder / "sections"
    folder.mkdir(exist_ok=True)
    audio, chapters, tags = out.folder / manifest.files.audio, manifest.chapters, out.tags
    cover, mime = (out.cover.data, out.cover.mime) if out.cover else (None, "")
    codec = (["-c", "copy"] if manifest.format == AudioFormat.MP3
             else ["-c:a", "libmp3lame", "-b:a", out.settings.bitrate])
    width = max(2, len(str(len(chapters))))
    for n, chapter in enumerate(chapters, 1):
        name = f"{n:0{width}d}-{slugify(chapter.title, 'section', 60)}.mp3"
        target = folder / name
        run_ffmpeg(["-ss", f"{chapter.start_ms / 1000:.3f}", "-to", f"{chapter.end_ms / 1000:.3f}",
                    "-i", str(audio), "-map", "0:a", *codec, "-write_xing", "1",
                    "-id3v2_version", "0", "-f", "mp3", "-y", str(target)])
        section_tags = EpisodeTags(
            title=chapter.title, artist=tags.artist, album=tags.title, comment=tags.comment,
            language=tags.language, date=tags.date, track=f"{n}/{len(chapters)}",
        )
        write_mp3_tags(target, section_tags, [], cover, mime)
        manifest.files.sections.append(f"sections/{name}")


def transcripts_step(manifest: Manifest, out: Outputs) -> None:
    """WebVTT, SRT, plain text and the Podcasting 2.0 JSON transcript."""
    slug, files, cues = manifest.slug, manifest.files, manifest.cues
    files.vtt, files.srt, files.txt, files.json = (f"{slug}.vtt", f"{slug}.srt", f"{slug}.txt",
                                                   f"{slug}.json")
    write_bytes(out.folder / files.vtt, transcripts.to_vtt(cues))
    write_bytes(out.folder / files.srt, transcripts.to_srt(cues))
    write_bytes(out.folder / files.txt, transcripts.to_text(
        manifest.title, manifest.byline, manifest.chapters, cues))
    write_json(out.folder / files.json, transcripts.json_document(cues), newline=True)


def chapters_step(manifest: Manifest, out: Outputs) -> None:
    """Podcasting 2.0 JSON chapters, to the millisecond of the ID3 chapters."""
    from .chapters import chapters_json

    manifest.files.chapters = f"{manifest.slug}.chapters.json"
    write_bytes(out.folder / manifest.files.chapters,
                      chapters_json(manifest.chapters, manifest.title))


def epub_step(manifest: Manifest, out: Outputs) -> None:
    """With --epub: <slug>.epub, the text and the audio synchronized by media overlays."""
    if not out.settings.epub:
        return
    from .epub import write_epub

    name = f"{manifest.slug}.epub"
    cover = out.folder / manifest.files.cover if manifest.files.cover else None
    write_epub(out.folder / name, manifest, out.folder / manifest.files.audio, cover)
    manifest.files.epub = name


def page_step(manifest: Manifest, out: Outputs) -> None:
    """The read-along player page (last: it links every other file)."""
    try:
        from .page import write_episode_page
    except ImportError:
        manifest.files.page = None
        return
    manifest.files.page = "index.html"
    write_episode_page(out.folder, manifest)


STEPS: tuple[Step, ...] = (cover_step, audio_step, opus_step, sections_step, transcripts_step,
                           chapters_step, epub_step, page_step)


def write_outputs(manifest: Manifest, out: Outputs, steps: tuple[Step, ...] = STEPS) -> None:
    for step in steps:
        step(manifest, out)
