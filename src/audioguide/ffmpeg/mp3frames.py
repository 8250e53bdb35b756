"""MPEG-1 Layer III frames, as ffmpeg's libmp3lame encoder and mp3 muxer write them: cut
several encodes into one file (a long episode's parts, audio/parts.py), with the Info frame
(Xing header and LAME tag) a player reads the length, the seek table and the encoder's
delay and padding from.

Why frames can be joined: each part is encoded by its own LAME from a sample that is a
multiple of 1152 (one frame) in the whole episode, so its frame j holds exactly the samples
of the whole's frame start/1152 + j; its first audio frame uses no bit reservoir (a new
encoder has none: main_data_begin is 0), so it decodes without the frames before it. The
cuts sit in the digital silence of a pause, where the overlap of two frames' transforms is
silence on both sides. Only the Info frame is written here, field by field as ffmpeg 5.1's
mp3enc.c does (tests/test_mp3frames.py rebuilds ffmpeg's own Info frame byte for byte).

Pure functions over bytes and files; nothing here runs a process.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

SAMPLES_PER_FRAME = 1152  # MPEG-1 Layer III
_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0)
_RATES = (44100, 48000, 32000, 0)
TOC_SIZE = 100
BAGS = 400  # ffmpeg's XING_NUM_BAGS: frame positions kept for the seek table
TAG_CRC_BYTES = 190  # the LAME tag's CRC covers the Info frame's first 190 bytes


class FrameError(ValueError):
    """Bytes that are not the MPEG-1 Layer III frames this module expects."""


@dataclass(frozen=True)
class InfoFrame:
    """The Info frame's bytes and where its fields are (offsets in the frame)."""

    data: bytes
    xing: int  # the "Info"/"Xing" tag
    lame: int  # the LAME tag (encoder string), 120 bytes after the Xing tag

    @property
    def delay(self) -> int:
        return int.from_bytes(self.data[self.lame + 21 : self.lame + 24], "big") >> 12

    @property
    def padding(self) -> int:
        return int.from_bytes(self.data[self.lame + 21 : self.lame + 24], "big") & 0xFFF


def frame_length(header: bytes | memoryview) -> int:
    """Bytes of the frame whose 4-byte header this is (MPEG-1 Layer III only)."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xFE != 0xFA:
        raise FrameError("not an MPEG-1 Layer III frame header")
    bitrate = _BITRATES[header[2] >> 4] * 1000
    rate = _RATES[(header[2] >> 2) & 3]
    if not bitrate or not rate:
        raise FrameError("a frame header with a free or bad bitrate or sample rate")
    return 144 * bitrate // rate + ((header[2] >> 1) & 1)


def side_info_bytes(header: bytes | memoryview) -> int:
    return 17 if header[3] >> 6 == 3 else 32  # mono, else stereo (MPEG-1)


def main_data_begin(frame: bytes | memoryview) -> int:
    """How many bytes of earlier frames this frame's audio starts in (the bit reservoir)."""
    at = 4 + (0 if frame[1] & 1 else 2)  # a CRC follows the header when protection bit is 0
    return (frame[at] << 1) | (frame[at + 1] >> 7)


def frames(data: bytes | memoryview) -> Iterator[tuple[int, int]]:
    """(offset, length) of every frame in `data`, which holds frames and nothing else."""
    at = 0
    while at < len(data):
        length = frame_length(data[at : at + 4])
        if at + length > len(data):
            raise FrameError(f"a frame at byte {at} runs past the end")
        yield at, length
        at += length


def info_frame(frame: bytes) -> InfoFrame | None:
    """The frame as an Info frame (Xing header with a LAME tag), or None for an audio frame."""
    xing = 4 + side_info_bytes(frame)
    if frame[xing : xing + 4] not in (b"Info", b"Xing"):
        return None
    lame = xing + 120
    if len(frame) < TAG_CRC_BYTES or lame + 36 > len(frame):
        raise FrameError("an Info frame too short for its LAME tag")
    return InfoFrame(bytes(frame), xing, lame)


def _crc16_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc16_table()
LANES = 65536  # a long input's CRC is taken over up to this many slices at once (numpy)


def crc16(data: bytes | memoryview, crc: int = 0) -> int:
    """CRC-16/ARC (ffmpeg's AV_CRC_16_ANSI_LE) of `data` continuing from `crc`, as the LAME
    tag's two CRCs use. A long input (an episode's audio, hundreds of MB) is cut into LANES
    slices whose CRCs numpy takes side by side, then combined: this CRC has no final XOR, so
    it is linear, and crc(A + B) = crc(A followed by len(B) zero bytes) ^ crc(B)."""
    count = min(LANES, len(data) // 256)
    width = len(data) // max(count, 1) // 2 * 2  # bytes per slice, even: two at a time
    if count < 16:
        return _crc_bytes(data, crc)
    import numpy as np

    table = _word_table()
    words = np.frombuffer(data, dtype="<u2", count=width * count // 2).reshape(count, -1)
    columns = np.ascontiguousarray(words.T)  # row i: the i-th two bytes of every slice
    lanes = np.zeros(count, dtype=np.uint16)
    lanes[0] = crc
    mixed = np.empty_like(lanes)
    for row in columns:
        np.bitwise_xor(lanes, row, out=mixed)
        np.take(table, mixed, out=lanes)
    # each bit of a state after `width` zero bytes, to carry the running CRC over a slice
    basis = np.array([1 << bit for bit in range(16)], dtype=np.uint16)
    for _ in range(width // 2):
        basis = table[basis]
    carry = [int(x) for x in basis]
    total = 0
    for lane in lanes.tolist():
        shifted = 0
        for bit in range(16):
            if total >> bit & 1:
                shifted ^= carry[bit]
        total = shifted ^ lane
    return _crc_bytes(data[width * count :], total)


@functools.cache
def _word_table() -> NDArray[np.uint16]:
    """The state after two bytes, for every state XOR the two bytes (little-endian): a 16-bit
    CRC's state is exactly the two bytes it takes in, so one lookup does both."""
    import numpy as np

    states = np.arange(1 << 16, dtype=np.uint32)
    table = np.array(_TABLE, dtype=np.uint32)
    for _ in range(2):
        states = (states >> 8) ^ table[states & 0xFF]
    return states.astype(np.uint16)


def _crc_bytes(data: bytes | memoryview, crc: int) -> int:
    table = _TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


class SeekTable:
    """ffmpeg's Xing seek table: the file size after frames 1, 2, 4... kept in BAGS slots
    (every second slot dropped and the step doubled when they fill), read back as 100
    entries of 1/256ths of the file."""

    def __init__(self, first: int):
        self.size, self.frames = first, 0  # the Info frame counts in the size
        self.want, self.seen, self.pos = 1, 0, 0
        self.bag = [0] * BAGS

    def add(self, length: int) -> None:
        self.frames += 1
        self.size += length
        self.seen += 1
        if self.want == self.seen:
            self.bag[self.pos] = self.size
            self.pos += 1
            if self.pos == BAGS:
                for i in range(1, BAGS, 2):
                    self.bag[i >> 1] = self.bag[i]
                self.want *= 2
                self.pos = BAGS // 2
            self.seen = 0

    def toc(self) -> bytes:
        entries = [0]
        for i in range(1, TOC_SIZE):
            j = i * self.pos // TOC_SIZE
            entries.append(min(256 * self.bag[j] // self.size, 255))
        return bytes(entries)


def rewrite_info(info: InfoFrame, table: SeekTable, padding: int, music_crc: int) -> bytes:
    """The Info frame of a file whose audio frames `table` counted: frames, bytes, seek table,
    the last part's padding, the music length and CRC, and the tag's own CRC."""
    data = bytearray(info.data)
    x, lame = info.xing, info.lame
    struct.pack_into(">II", data, x + 8, table.frames, table.size)
    data[x + 16 : x + 16 + TOC_SIZE] = table.toc()
    delay = info.delay
    data[lame + 21 : lame + 24] = ((delay << 12) | (padding & 0xFFF)).to_bytes(3, "big")
    struct.pack_into(">IH", data, lame + 28, table.size, music_crc)
    data[lame + 34 : lame + 36] = b"\0\0"
    data[lame + 34 : lame + 36] = crc16(bytes(data[:TAG_CRC_BYTES])).to_bytes(2, "big")
    return bytes(data)


def join(parts: Sequence[tuple[Path, int | None]], out: IO[bytes]) -> int:
    """Write the parts' audio frames in order to `out` (seekable), each part's first `keep`
    frames (None: all of them, for the last), behind one Info frame made from the first
    part's, with the last part's padding. The first frame of every part after the first must
    not reach into the bit reservoir (FrameError otherwise). Each file is read once, one at a
    time: the first part's Info frame holds the place of the whole's, written over once every
    frame is counted. Returns the number of audio frames."""
    if not parts:
        raise FrameError("no parts to join")
    start = out.tell()
    first: InfoFrame | None = None
    table: SeekTable | None = None
    crc = 0
    for number, (path, keep) in enumerate(parts):
        info, body, lengths = _audio(path, keep, number > 0)
        if first is None or table is None:
            first, table = info, SeekTable(len(info.data))
            out.write(info.data)
        for length in lengths:
            table.add(length)
        crc = crc16(body, crc)
        out.write(body)
    assert first is not None and table is not None
    end = out.tell()
    out.seek(start)
    out.write(rewrite_info(first, table, info.padding, crc))  # the last part's padding
    out.seek(end)
    return table.frames


def _audio(path: Path, keep: int | None, joined: bool) -> tuple[InfoFrame, bytes, list[int]]:
    """A part's Info frame, the bytes of the audio frames it keeps and their lengths."""
    data = path.read_bytes()
    spans = list(frames(data))
    info = info_frame(data[: spans[0][1]]) if spans else None
    if info is None:
        raise FrameError(f"{path.name}: no Info frame (encode with -write_xing 1)")
    audio = spans[1:] if keep is None else spans[1 : 1 + keep]
    if keep is not None and len(audio) < keep:
        raise FrameError(f"{path.name}: {len(spans) - 1} frames, {keep} wanted")
    if joined and audio and main_data_begin(data[audio[0][0] : audio[0][0] + 8]) != 0:
        raise FrameError(f"{path.name}: its first frame uses the bit reservoir")
    end = audio[-1][0] + audio[-1][1] if audio else spans[0][1]
    return info, data[spans[0][1] : end], [length for _, length in audio]


__all__ = ["SAMPLES_PER_FRAME", "FrameError", "InfoFrame", "SeekTable", "crc16", "frames",
           "info_frame", "join", "main_data_begin", "rewrite_info"]
