"""<slug>.opus (build --opus): the episode again as Ogg Opus, for apps that offer it through the
feed's podcast:alternateEnclosure.

ffmpeg's libopus encodes the finished episode audio, mono at 48 kHz (the only rate Opus
decoders are sure to play at), at a speech bitrate: half the MP3's, 32 kb/s by default, where
Opus speech sounds as clear as MP3 at twice the rate. ffmpeg's own tags are dropped and mutagen
writes the same tags as the MP3 carries, with the chapters as Vorbis comments
(CHAPTER001=00:00:00.000, CHAPTER001NAME=...: the chapter extension ffmpeg, VLC and foobar2000
read), to the millisecond of the ID3 CHAP frames.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path

from ..errors import FFmpegError
from ..ffmpeg.run import run_ffmpeg
from ..models import Chapter
from .tags import EpisodeTags

OPUS_RATE = 48000
MIN_KBPS, MAX_KBPS = 24, 64
NO_LIBOPUS = ("libopus", "Unknown encoder", "Encoder not found")


def opus_bitrate(mp3_bitrate: str) -> str:
    """The Opus bitrate for an episode encoded at `mp3_bitrate`: half of it, 24k to 64k."""
    digits = mp3_bitrate.lower().rstrip("k")
    kbps = int(digits) // 2 if digits.isdigit() else 32
    return f"{max(MIN_KBPS, min(MAX_KBPS, kbps))}k"


def encode_opus(source: Path, target: Path, bitrate: str) -> None:
    """Encode `source` (any audio ffmpeg reads) to Ogg Opus at `target`, without its tags.

    Bit-exact flags: the same audio gives the same bytes (a fixed Ogg serial number)."""
    try:
        run_ffmpeg(["-i", str(source), "-map", "0:a", "-map_metadata", "-1", "-map_chapters",
                    "-1", "-c:a", "libopus", "-b:a", bitrate, "-ac", "1", "-ar", str(OPUS_RATE),
                    "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "ogg", "-y",
                    str(target)])
    except FFmpegError as exc:
        if any(word in str(exc) for word in NO_LIBOPUS):
            raise FFmpegError(
                "--opus: this ffmpeg has no libopus encoder; set AUDIOGUIDE_FFMPEG to one that "
                "has (imageio-ffmpeg's bundled ffmpeg does) or build without --opus") from exc
        raise


def chapter_time(ms: int) -> str:
    """00:01:02.345: a chapter's start as the Vorbis chapter extension writes it."""
    seconds, millis = divmod(max(0, ms), 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def chapter_comments(chapters: Sequence[Chapter]) -> list[tuple[str, str]]:
    """CHAPTER001 / CHAPTER001NAME pairs, numbered from 1 in time order (three digits, more
    past 999 chapters)."""
    width = max(3, len(str(len(chapters))))
    pairs: list[tuple[str, str]] = []
    for number, chapter in enumerate(chapters, 1):
        key = f"CHAPTER{number:0{width}d}"
        pairs += [(key, chapter_time(chapter.start_ms)), (key + "NAME", chapter.title)]
    return pairs


def picture_comment(cover: bytes, mime: str) -> str:
    """METADATA_BLOCK_PICTURE: the cover as a base64 FLAC picture block (front cover)."""
    from mutagen.flac import Picture

    picture = Picture()
    picture.type, picture.mime, picture.desc, picture.data = 3, mime, "Cover", cover
    return base64.b64encode(picture.write()).decode("ascii")


def write_opus_tags(path: Path, tags: EpisodeTags, chapters: Sequence[Chapter],
                    cover: bytes | None = None, cover_mime: str = "image/png") -> None:
    """Replace an Ogg Opus file's comments with the episode's tags, chapters and cover."""
    from mutagen.oggopus import OggOpus

    opus = OggOpus(str(path))
    assert opus.tags is not None  # an Ogg Opus stream always has its comment header
    opus.tags.clear()
    fields = [("TITLE", tags.title), ("ARTIST", tags.artist), ("ALBUM", tags.album),
              ("GENRE", "Podcast"), ("COMMENT", tags.comment), ("LANGUAGE", tags.language),
              ("DATE", tags.date), ("TRACKNUMBER", tags.track)]
    if cover:
        fields.append(("METADATA_BLOCK_PICTURE", picture_comment(cover, cover_mime)))
    for key, value in [*((k, v) for k, v in fields if v), *chapter_comments(chapters)]:
        opus.tags[key] = [value]
    opus.save()
