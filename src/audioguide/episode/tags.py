"""ID3v2.3 tags and chapters (the ID3v2 Chapter Frame Addendum) with mutagen, and MP4 tags.

mutagen stores frames sorted by size; players that read chapters in file order (ffprobe,
AntennaPod) would then list them out of order. TimeOrderedID3 writes the CTOC and the CHAP
frames in time order instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..models import Chapter

if TYPE_CHECKING:
    from mutagen.id3 import ID3, Frame
    from mutagen.id3._util import ID3SaveConfig

NO_OFFSET = 0xFFFFFFFF


@dataclass(frozen=True)
class EpisodeTags:
    title: str
    artist: str
    album: str
    comment: str  # engine, voice and licence
    language: str = ""
    date: str = ""
    track: str = ""  # "3/8" for per-section files


def _time_ordered_id3() -> type[ID3]:
    from mutagen.id3 import ID3
    from mutagen.id3._tags import save_frame

    class TimeOrderedID3(ID3):
        """ID3 whose CHAP frames are stored by start time, after the CTOC."""

        def _write(self, config: ID3SaveConfig) -> bytearray:
            order = ["TIT2", "TPE1", "TRCK", "TALB", "TPOS", "TDRC", "TCON"]

            def sort_key(item: tuple[int, Frame]) -> tuple[int, int, int, int]:
                index, frame = item
                if frame.FrameID in order:
                    return (0, order.index(frame.FrameID), 0, index)
                if frame.FrameID == "CTOC":
                    return (2, 0, 0, index)
                if frame.FrameID == "CHAP":
                    # mutagen makes a frame's fields (CHAP's start_time) from its _framespec at
                    # run time, so no type has them
                    return (3, 0, frame.start_time, index)  # type: ignore[attr-defined]
                if frame.FrameID == "APIC":
                    return (4, 0, 0, index)
                return (1, 0, 0, index)

            frames = [f for _, f in sorted(enumerate(self.values()), key=sort_key)]
            data = bytearray()
            for frame in frames:
                data += save_frame(frame, config=config)
            if self._unknown_v2_version == config.v2_version:
                for unknown in self.unknown_frames:
                    if len(unknown) > 10:
                        data += unknown
            return data

    return TimeOrderedID3


MAX_CTOC_ENTRIES = 255  # a CTOC counts its children in one byte


def chapter_frames(chapters: Sequence[Chapter]) -> list[Frame]:
    """One CHAP per chapter and a top-level, ordered CTOC listing them in time order.

    Past 255 chapters the top-level CTOC lists ordered child CTOCs of up to 255 chapters each."""
    from mutagen.id3 import CHAP, CTOC, TIT2, CTOCFlags

    ids = [f"chp{n}" for n in range(len(chapters))]
    groups = [ids[i:i + MAX_CTOC_ENTRIES] for i in range(0, len(ids), MAX_CTOC_ENTRIES)]
    title = [TIT2(encoding=3, text=["Chapters"])]
    frames: list[Frame]
    if len(groups) <= 1:
        frames = [CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                       child_element_ids=ids, sub_frames=title)]
    else:
        children = [f"toc{n}" for n in range(len(groups))]
        frames = [CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                       child_element_ids=children, sub_frames=title)]
        for n, (child, group) in enumerate(zip(children, groups, strict=True)):
            first = n * MAX_CTOC_ENTRIES + 1
            label = TIT2(encoding=3, text=[f"Chapters {first}-{first + len(group) - 1}"])
            frames.append(CTOC(element_id=child, flags=CTOCFlags.ORDERED,
                               child_element_ids=group, sub_frames=[label]))
    for element_id, chapter in zip(ids, chapters, strict=True):
        frames.append(
            CHAP(element_id=element_id, start_time=chapter.start_ms, end_time=chapter.end_ms,
                 start_offset=NO_OFFSET, end_offset=NO_OFFSET,
                 sub_frames=[TIT2(encoding=3, text=[chapter.title])])
        )
    return frames


def id3_tag(tags: EpisodeTags, chapters: Sequence[Chapter], cover: bytes | None = None,
            cover_mime: str = "image/png") -> ID3:
    """The episode's ID3v2 frames: text tags, CTOC and CHAP frames, cover art."""
    from mutagen.id3 import APIC, COMM, TALB, TCON, TDRC, TIT2, TLAN, TPE1, TRCK

    id3 = _time_ordered_id3()()
    id3.add(TIT2(encoding=3, text=[tags.title]))
    id3.add(TPE1(encoding=3, text=[tags.artist]))
    id3.add(TALB(encoding=3, text=[tags.album]))
    id3.add(TCON(encoding=3, text=["Podcast"]))
    id3.add(COMM(encoding=3, lang="eng", desc="", text=[tags.comment]))
    if tags.language:
        id3.add(TLAN(encoding=3, text=[tags.language]))
    if tags.date:
        id3.add(TDRC(encoding=3, text=[tags.date]))
    if tags.track:
        id3.add(TRCK(encoding=3, text=[tags.track]))
    for frame in chapter_frames(chapters):
        id3.add(frame)
    if cover:
        id3.add(APIC(encoding=3, mime=cover_mime, type=3, desc="Cover", data=cover))
    return id3


def write_mp3_tags(path: Path, tags: EpisodeTags, chapters: Sequence[Chapter],
                   cover: bytes | None = None, cover_mime: str = "image/png") -> None:
    """Tag an MP3 in place (mutagen moves the audio with read/write buffers, not in memory);
    the caller works on a temporary file and renames it."""
    id3_tag(tags, chapters, cover, cover_mime).save(str(path), v2_version=3)


def write_mp4_tags(path: Path, tags: EpisodeTags, cover: bytes | None = None,
                   cover_mime: str = "image/png") -> None:
    from mutagen.mp4 import MP4, MP4Cover

    mp4 = MP4(str(path))
    mp4["\xa9nam"] = [tags.title]
    mp4["\xa9ART"] = [tags.artist]
    mp4["\xa9alb"] = [tags.album]
    mp4["\xa9gen"] = ["Podcast"]
    mp4["\xa9cmt"] = [tags.comment]
    mp4["stik"] = [2]  # audiobook
    if tags.date:
        mp4["\xa9day"] = [tags.date]
    if cover:
        kind = MP4Cover.FORMAT_PNG if cover_mime == "image/png" else MP4Cover.FORMAT_JPEG
        mp4["covr"] = [MP4Cover(cover, imageformat=kind)]
    mp4.save()


def ffmetadata(chapters: Sequence[Chapter], title: str) -> str:
    """ffmpeg's metadata file with chapters (for MP4/M4B chapters)."""

    def escape(text: str) -> str:
        for char in "\\=;#\n":
            text = text.replace(char, "\\" + char)
        return text

    lines = [";FFMETADATA1", f"title={escape(title)}"]
    for chapter in chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={chapter.start_ms}",
                  f"END={chapter.end_ms}", f"title={escape(chapter.title)}"]
    return "\n".join(lines) + "\n"
