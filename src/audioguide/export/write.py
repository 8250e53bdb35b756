"""Everything written after the encode: tags and chapters, transcripts, cover, page, manifest.

All files go to the staging folder; the pipeline moves them into place.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from .. import __version__
from ..atomic import atomic_write_json, atomic_write_text
from ..errors import AudioguideError, OutputError
from ..ffmpeg import run_ffmpeg
from ..models import Article, Chapter, Timeline
from ..settings import Settings
from . import transcripts
from .tags import EpisodeTags, ffmetadata, write_mp3_tags, write_mp4_tags


def image_kind(head: bytes) -> tuple[str, str] | None:
    """(mime type, file name) of a PNG or JPEG from its first bytes; None for anything else."""
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png", "cover.png"
    if head[:3] == b"\xff\xd8\xff":
        return "image/jpeg", "cover.jpg"
    return None


def article_cover(article: Article, warn: Callable[[str], None]) -> Path | None:
    """The PNG or JPEG an article names in its front matter, if it lies in the article's folder.

    Article text never becomes a path outside that folder; anything else gets a warning and
    the generated cover."""
    image, source = str(article.image or ""), str(article.source or "")
    if not image or image.startswith(("http:", "https:")) or source in ("", "-") or \
            "://" in source:
        return None
    try:
        folder = Path(source).expanduser().resolve().parent
        path = (folder / image).resolve()
        with open(path, "rb") as handle:
            head = handle.read(8)
    except (OSError, ValueError):
        head, path = b"", None
    if path is None or folder not in path.parents or image_kind(head) is None:
        warn(f"{source}: the cover {image[:60]!r} is not a PNG or JPEG beside the article; "
             "using a generated cover")
        return None
    return path


def cover_image(article: Article, settings: Settings, staging: Path,
                warn: Callable[[str], None]) -> tuple[bytes | None, str, str | None]:
    """(image bytes, mime type, file name in the episode folder) for the cover art."""
    given = settings.image or article_cover(article, warn)
    if given:
        try:
            data = Path(given).read_bytes()
        except OSError as exc:
            raise OutputError(f"{given}: cannot read the cover image ({exc.strerror})")
        kind = image_kind(data)
        if kind is None:
            raise OutputError(f"{given}: the cover must be a PNG or JPEG image")
        mime, name = kind
        (staging / name).write_bytes(data)
        return data, mime, name
    try:
        from ..publish.cover import make_cover

        path = make_cover(article.title, staging / "cover.png", subtitle=article.byline)
        return Path(path).read_bytes(), "image/png", Path(path).name
    except ImportError:
        return None, "", None
    except AudioguideError as exc:
        warn(f"no cover art: {exc}")
        return None, "", None


def mp4_with_chapters(source: Path, target: Path, chapters, title: str) -> None:
    meta = source.with_suffix(".ffmeta")
    atomic_write_text(meta, ffmetadata(chapters, title))
    run_ffmpeg(["-i", str(source), "-i", str(meta), "-map", "0:a", "-map_metadata", "1",
                "-map_chapters", "1", "-c", "copy", "-movflags", "+faststart", "-f", "mp4",
                "-y", str(target)])
    meta.unlink()


def section_files(audio: Path, staging: Path, slug: str, chapters: list[Chapter],
                  tags: EpisodeTags, cover, cover_mime, bitrate: str, fmt: str) -> list[str]:
    """One numbered MP3 per chapter, cut from the episode (frames copied, not re-encoded)."""
    folder = staging / "sections"
    folder.mkdir(exist_ok=True)
    from ..slug import slugify

    names = []
    width = max(2, len(str(len(chapters))))
    for n, chapter in enumerate(chapters, 1):
        name = f"{n:0{width}d}-{slugify(chapter.title, 'section', 60)}.mp3"
        target = folder / name
        codec = ["-c", "copy"] if fmt == "mp3" else ["-c:a", "libmp3lame", "-b:a", bitrate]
        run_ffmpeg(["-ss", f"{chapter.start_ms / 1000:.3f}", "-to", f"{chapter.end_ms / 1000:.3f}",
                    "-i", str(audio), "-map", "0:a", *codec, "-write_xing", "1",
                    "-id3v2_version", "0", "-f", "mp3", "-y", str(target)])
        section_tags = EpisodeTags(
            title=chapter.title, artist=tags.artist, album=tags.title, comment=tags.comment,
            language=tags.language, date=tags.date, track=f"{n}/{len(chapters)}",
        )
        write_mp3_tags(target, section_tags, [], cover, cover_mime)
        names.append(f"sections/{name}")
    return names


def write_outputs(*, staging: Path, slug: str, article: Article, plan, timeline: Timeline,
                  audio_tmp: Path, engine, lang: str, settings: Settings, loudness: dict,
                  previous: dict | None, fingerprint: str, stats,
                  warn: Callable[[str], None]) -> dict:
    from ..pipeline import episode_guid, now_iso

    chapters = list(timeline.chapters)
    credit = engine.credit()
    first_built = (previous or {}).get("first_built") or now_iso()
    date = article.date or first_built[:10]
    tags = EpisodeTags(
        title=article.title,
        artist=article.byline or settings.feed.author or "audioguide",
        album=settings.feed.title or article.category or "audioguide",
        comment=f"{credit}. Made with audioguide {__version__}.",
        language=lang,
        date=date,
    )
    cover, cover_mime, cover_name = cover_image(article, settings, staging, warn)

    if settings.format == "m4b":
        audio_name = f"{slug}.m4b"
        mp4_with_chapters(audio_tmp, staging / audio_name, chapters, article.title)
        audio_tmp.unlink()
        write_mp4_tags(staging / audio_name, tags, cover, cover_mime)
    else:
        audio_name = f"{slug}.mp3"
        write_mp3_tags(audio_tmp, tags, chapters, cover, cover_mime)
        os.replace(audio_tmp, staging / audio_name)

    sections = []
    if settings.per_section:
        sections = section_files(staging / audio_name, staging, slug, chapters, tags, cover,
                                 cover_mime, settings.bitrate, settings.format)

    cues = list(timeline.cues)
    files = {
        "audio": audio_name,
        "vtt": f"{slug}.vtt",
        "srt": f"{slug}.srt",
        "txt": f"{slug}.txt",
        "json": f"{slug}.json",
        "chapters": f"{slug}.chapters.json",
        "page": "index.html",
        "cover": cover_name,
        "sections": sections,
    }
    atomic_write_text(staging / files["vtt"], transcripts.to_vtt(cues))
    atomic_write_text(staging / files["srt"], transcripts.to_srt(cues))
    atomic_write_text(staging / files["txt"],
                      transcripts.to_text(article.title, article.byline, chapters, cues))
    atomic_write_json(staging / files["json"], transcripts.json_document(cues), newline=True)
    chapter_dicts = [asdict(c) for c in chapters]
    from ..publish.chapters import chapters_json

    atomic_write_text(staging / files["chapters"], chapters_json(chapter_dicts, article.title))

    manifest = {
        "manifest_version": 1,
        "audioguide": __version__,
        "slug": slug,
        "title": article.title,
        "byline": article.byline,
        "category": article.category,
        "description": article.description,
        "lang": lang,
        "date": article.date,
        "source": article.source,
        "identity": article.identity,
        "guid": episode_guid(article.identity or article.title),
        "first_built": first_built,
        "built": now_iso(),
        "engine": engine.name,
        "engine_version": engine.version(),
        "voice": engine.voice_name(),
        "credit": credit,
        "settings": {"rate": settings.rate, "bitrate": settings.bitrate,
                     "format": settings.format, "lang": lang, "tld": settings.tld,
                     "slow": settings.slow, "announce": settings.announce},
        "format": settings.format,
        "files": files,
        "bytes": (staging / audio_name).stat().st_size,
        "duration_ms": timeline.duration_ms,
        "chapters": chapter_dicts,
        "cues": [
            {"start_ms": c.start_ms, "end_ms": c.end_ms, "text": c.text, "spoken": u.spoken,
             "section": c.section, "kind": c.kind, "paragraph_end": c.paragraph_end}
            for c, u in zip(cues, plan.utterances)
        ],
        "loudness": loudness,
        "fingerprint": fingerprint,
    }
    try:
        from ..publish.page import write_episode_page

        write_episode_page(staging, manifest)
    except ImportError:
        files["page"] = None
    return manifest
