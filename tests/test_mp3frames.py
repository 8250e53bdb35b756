"""ffmpeg/mp3frames.py against files the real ffmpeg and LAME write: the Info frame rebuilt
byte for byte, the CRC, and parts encoded apart and joined at frame boundaries in silence
decoding to the length and the samples of the whole."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from audioguide.ffmpeg import mp3frames
from audioguide.ffmpeg.binary import ffmpeg_exe
from audioguide.ffmpeg.graph import encode_arguments

RATE = 44100
FRAME = mp3frames.SAMPLES_PER_FRAME


def encode(samples: np.ndarray, path: Path) -> Path:
    """The samples (float32, 44.1 kHz) encoded as a long episode's parts are."""
    subprocess.run([ffmpeg_exe(), *encode_arguments(path, "mp3", "64k")],
                   input=samples.astype("<f4").tobytes(), capture_output=True, check=True)
    return path


def decode(path: Path) -> np.ndarray:
    pcm = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "f32le", "-ac",
                          "1", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(pcm, dtype="<f4")


def tones(seconds: float, gaps: list[float]) -> np.ndarray:
    """A gliding tone with a second of digital silence centred on each time in `gaps`."""
    t = np.arange(int(seconds * RATE)) / RATE
    signal = 0.3 * np.sin(2 * np.pi * (300 + 40 * t) * t)
    for at in gaps:
        signal[int((at - 0.5) * RATE) : int((at + 0.5) * RATE)] = 0.0
    return signal.astype(np.float32)


@pytest.mark.parametrize("seconds", [3, 40])  # 40 s: over 400 frames, the seek table halves
def test_the_info_frame_is_rebuilt_as_ffmpeg_writes_it(tmp_path, seconds):
    path = encode(tones(seconds, []), tmp_path / "tone.mp3")
    data = path.read_bytes()
    spans = list(mp3frames.frames(data))
    info = mp3frames.info_frame(data[: spans[0][1]])
    assert info is not None and info.delay == 576
    table = mp3frames.SeekTable(len(info.data))
    for _, length in spans[1:]:
        table.add(length)
    body = data[spans[0][1] :]
    rebuilt = mp3frames.rewrite_info(info, table, info.padding, mp3frames.crc16(body))
    assert rebuilt == info.data
    # and a field changed is seen: the padding of another part, the tag's CRC follows it
    other = mp3frames.rewrite_info(info, table, info.padding + 1, mp3frames.crc16(body))
    assert other != info.data and other[info.lame + 34 :] != info.data[info.lame + 34 :]


def test_crc16_is_arc_and_the_wide_path_agrees():
    assert mp3frames.crc16(b"123456789") == 0xBB3D  # CRC-16/ARC's check value
    for size in (0, 1, 4095, 4096, 70001, 3_000_001):
        data = os.urandom(size)
        assert mp3frames.crc16(data, 0x1234) == mp3frames._crc_bytes(data, 0x1234)
    data = os.urandom(200_000)
    assert mp3frames.crc16(data[100_000:], mp3frames.crc16(data[:100_000])) == \
        mp3frames.crc16(data)


def test_parts_joined_at_frame_boundaries_decode_as_the_whole(tmp_path):
    signal = tones(30, [10.0, 20.0])
    whole = decode(encode(signal, tmp_path / "whole.mp3"))
    cuts = [round(at * RATE / FRAME) * FRAME for at in (10.0, 20.0)]
    bounds = [0, *cuts, len(signal)]
    parts = []
    for k, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
        last = end == len(signal)
        piece = signal[start:end] if last else np.concatenate(
            [signal[start:end], np.zeros(2 * FRAME, np.float32)])
        parts.append((encode(piece, tmp_path / f"part{k}.mp3"),
                      None if last else (end - start) // FRAME))
    out = tmp_path / "joined.mp3"
    with open(out, "wb") as handle:
        frames = mp3frames.join(parts, handle)
    joined = decode(out)
    assert len(joined) == len(whole) == len(signal)
    assert frames == len(list(mp3frames.frames(out.read_bytes()))) - 1
    error = max(float(np.sqrt(np.mean((joined - whole) ** 2))), 1e-12)
    assert 20 * np.log10(np.sqrt(np.mean(whole**2)) / error) > 30
    assert np.array_equal(joined[: cuts[0] - 2 * FRAME], whole[: cuts[0] - 2 * FRAME])
    for cut in cuts:  # silence stays silence across a join
        assert np.max(np.abs(joined[cut - RATE // 4 : cut + RATE // 4])) < 1e-3
    # the same parts one frame short: the file is shorter and the samples shift
    shorter = tmp_path / "short.mp3"
    with open(shorter, "wb") as handle:
        mp3frames.join([(parts[0][0], parts[0][1] - 1), *parts[1:]], handle)
    assert len(decode(shorter)) == len(signal) - FRAME


def test_a_part_that_needs_the_bit_reservoir_or_is_not_mp3_is_refused(tmp_path):
    first = encode(tones(5, []), tmp_path / "a.mp3")
    data = first.read_bytes()
    spans = list(mp3frames.frames(data))
    # an Info frame, then audio from a frame whose data starts in the frame before it
    late = next(at for at, length in spans[2:] if mp3frames.main_data_begin(data[at:]) > 0)
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(data[: spans[0][1]] + data[late:])
    with pytest.raises(mp3frames.FrameError, match="bit reservoir"):
        mp3frames.join([(first, 10), (cut, None)], io.BytesIO())
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"ID3" + bytes(600))
    with pytest.raises(mp3frames.FrameError):
        mp3frames.join([(junk, None)], io.BytesIO())
    with pytest.raises(mp3frames.FrameError, match="frames, 99999 wanted"):
        mp3frames.join([(first, 99999), (first, None)], io.BytesIO())
