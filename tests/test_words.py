"""Word timings: from the voice (piper's alignments, espeak's events) or estimated (gtts),
moved with their cues, cached with their clips, and checked against what a recognizer hears."""

from __future__ import annotations

import difflib
import json
import statistics
from pathlib import Path

import pytest

from audioguide.alignment import (
    estimate_spans,
    event_spans,
    normalize,
    phoneme_spans,
    shown_spans,
)
from audioguide.audio.clips import ClipWords
from audioguide.audio.timeline import build_timeline
from audioguide.cache import ClipCache, decode_entry, encode_entry
from audioguide.manifest import Manifest
from audioguide.models import Clip, CueKind, Utterance
from audioguide.pipeline import build_episodes
from audioguide.settings import Settings
from audioguide.speech import spoken_form

# Written for these tests: numbers, an abbreviation, a list and a question.
ARTICLE = """\
Kitchen Science

Why a Kettle Sings Before It Boils

By Tomas Reyes 3 min read

A kettle makes most of its noise long before the water is ready. The sound comes from tiny \
bubbles that form at the bottom and collapse as they rise into cooler water.

Where the Bubbles Go

Near the heating plate, water turns to vapour in small pockets. Each pocket shrinks suddenly \
when it meets the colder layer above, and that collapse is what you hear. At about 90 degrees \
the whole pot is warm enough for the bubbles to survive, so the noise fades.

What to Listen For

  • A loud hiss means the bottom is hot and the top is still cool.
  • A soft rumble means the water is nearly at a full boil.

Quick Answers

Does a quiet kettle mean boiling water? Usually yes, because the bubbles now reach the \
surface. Dr. Lane measured 3 kettles in 2021 and found the same pattern in each one.
"""


@pytest.fixture(scope="module")
def article(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("words") / "kettle.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def build(article: Path, out: Path, **options) -> Manifest:
    options.setdefault("jobs", 1)
    results = build_episodes([str(article)], Settings(output_dir=out, **options))
    return Manifest.read(Path(results[0].folder))


def check_words(manifest: Manifest) -> None:
    """Every cue's words: its text's words, in order, inside the cue."""
    for cue in manifest.cues:
        assert [w.text for w in cue.words] == cue.text.split()
        previous = cue.start_ms
        for word in cue.words:
            assert cue.start_ms <= word.start_ms <= word.end_ms <= cue.end_ms, (cue, word)
            assert word.start_ms >= previous
            previous = word.start_ms


# -- against a recognizer -------------------------------------------------------------------


def start_differences(manifest: Manifest, heard) -> list[float]:
    """|start of a word - start the recognizer heard|, for the words both agree on."""
    ours = [(normalize(w.text), w.start_ms) for cue in manifest.cues for w in cue.words]
    theirs = [(normalize(h.word), h.start_ms) for h in heard]
    matcher = difflib.SequenceMatcher(None, [t for t, _ in ours], [t for t, _ in theirs],
                                      autojunk=False)
    diffs = []
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            diffs.append(abs(ours[block.a + k][1] - theirs[block.b + k][1]))
    return diffs


def heard_words(folder: Path, manifest: Manifest):
    pytest.importorskip("faster_whisper")
    from audioguide.check import decode_audio, load_model, transcribe

    whisper, _label, _notes = load_model("tiny", "en")
    return transcribe(whisper, decode_audio(folder / manifest.files.audio), "en")


@pytest.mark.slow
def test_piper_word_starts_agree_with_the_recognizer(article, tmp_path):
    manifest = build(article, tmp_path / "out", engine="piper")
    check_words(manifest)
    assert not any(cue.words_estimated for cue in manifest.cues)
    diffs = start_differences(manifest, heard_words(tmp_path / "out" / manifest.slug, manifest))
    words = sum(len(cue.words) for cue in manifest.cues)
    assert len(diffs) > 0.7 * words  # the recognizer heard most of them
    median = statistics.median(diffs)
    p90 = sorted(diffs)[int(0.9 * (len(diffs) - 1))]
    print(f"word starts vs the recognizer: median {median:.0f} ms, 90% {p90:.0f} ms, "
          f"{len(diffs)} of {words} words")
    assert median <= 90
    assert p90 <= 220


# -- the pieces -----------------------------------------------------------------------------


def test_shown_words_get_the_spans_of_the_words_they_became():
    shown = "Dr. Lane paid $25 in 2021."
    spoken = spoken_form(shown)
    assert spoken.split()[:2] == ["Doctor", "Lane"]
    said = spoken.split()
    spans = tuple((100 * i, 100 * i + 80) for i in range(len(said)))
    found = shown_spans(shown, spoken, spans, spoken_form)
    assert len(found) == len(shown.split())
    by_word = dict(zip(shown.split(), found, strict=True))
    dollars = said.index("dollars")
    assert by_word["$25"] == (spans[said.index("twenty-five")][0], spans[dollars][1])
    assert by_word["Dr."] == spans[0] and by_word["Lane"] == spans[1]
    twenty = max(i for i, w in enumerate(said) if w.startswith("twenty"))
    assert by_word["2021."][0] == spans[twenty - 0][0] or by_word["2021."][0] > spans[dollars][1]
    assert by_word["2021."][1] == spans[-1][1]


def test_a_word_not_spoken_is_empty_and_in_order():
    found = shown_spans("Tea — then toast.", "Tea, then toast.", ((0, 50), (60, 90), (95, 150)))
    assert found == ((0, 50), (50, 50), (60, 90), (95, 150))


def test_phoneme_spans_split_joined_words():
    # espeak joins "in the" into one phoneme word; each word still gets its own span
    said = [("^", 100), ("ɪ", 10), ("n", 10), ("ð", 10), ("ə", 10), (" ", 0), ("s", 10),
            ("ʌ", 10), ("n", 10), (".", 50), ("$", 0)]
    words = {"in": "ɪn", "the": "ðə", "sun.": "sˈʌn."}
    spans = phoneme_spans("in the sun.", [(said, 230)], lambda w: words[w])
    assert spans == ((100, 120), (120, 140), (140, 170))


def test_event_spans_from_espeak_positions():
    spans = event_spans("Café owners pay.", [(1, 0), (6, 700), (13, 1500)], 2000)
    assert spans == ((0, 700), (700, 1500), (1500, 2000))


def test_estimates_are_shares_in_order():
    spans = estimate_spans("a much longer word", 1900)
    assert spans[0][0] == 0 and spans[-1][1] <= 1900
    assert [s for s, _ in spans] == sorted(s for s, _ in spans)
    assert spans[2][1] - spans[2][0] > spans[0][1] - spans[0][0]


def test_cache_keeps_word_timings(tmp_path):
    clip = Clip(pcm=b"\1\0" * 4000, rate=16000, words=((0, 1000), (1200, 4000)))
    assert decode_entry(encode_entry(clip)) == clip
    cache = ClipCache(tmp_path)
    cache.put("a" * 64, clip)
    assert cache.get("a" * 64) == clip
    bare = Clip(pcm=b"\1\0" * 10, rate=16000)
    assert decode_entry(encode_entry(bare)) == bare
    data = bytearray(encode_entry(clip))
    data[data.index(b"1200")] = ord("2")  # a timing changed: the checksum sees it
    assert decode_entry(bytes(data)) is None


def test_first_format_entries_read_without_timings():
    import hashlib
    import io
    import struct

    import numpy as np
    import soundfile

    pcm = b"\2\0" * 100
    flac = io.BytesIO()
    soundfile.write(flac, np.frombuffer(pcm, "<i2"), 16000, format="FLAC", subtype="PCM_16")
    old = struct.pack("<4sIQ32s", b"AGC1", 16000, len(pcm), hashlib.sha256(pcm).digest())
    assert decode_entry(old + flac.getvalue()) == Clip(pcm, 16000)


def test_words_move_with_the_intro_exactly():
    utterances = [Utterance("One two.", "One two.", 300, 0, CueKind.INTRO),
                  Utterance("Three 4.", "Three four.", 0, 0)]
    words = [ClipWords(((0, 1000), (1500, 2000)), False), ClipWords(((10, 500), (600, 900)), True)]
    plain = build_timeline(utterances, [2200, 1000], ["a"], 1000, words=words)
    lead = build_timeline(utterances, [2200, 1000], ["a"], 1000, lead_samples=3000, tempo=1.5,
                          words=words, speak=spoken_form)
    for before, after in zip(plain.cues, lead.cues, strict=True):
        shift = after.start_ms - before.start_ms
        assert [(w.start_ms - shift, w.end_ms - shift) for w in after.words] == [
            (w.start_ms, w.end_ms) for w in before.words]
    assert [w.text for w in lead.cues[1].words] == ["Three", "4."]
    assert lead.cues[1].words[0].start_ms == lead.cues[1].start_ms + 10
    assert lead.cues[1].words_estimated and not lead.cues[0].words_estimated


# -- whole builds ---------------------------------------------------------------------------


@pytest.mark.slow
def test_espeak_words_in_order_inside_cues_and_moved_by_intro_and_rate(article, tmp_path):
    import subprocess

    from audioguide.engines.espeak import EspeakEngine
    from audioguide.ffmpeg.binary import ffmpeg_exe

    if EspeakEngine.available():
        pytest.skip("espeak-ng is not installed")
    plain = build(article, tmp_path / "plain", engine="espeak")
    check_words(plain)
    assert not any(cue.words_estimated for cue in plain.cues)
    jingle = tmp_path / "jingle.wav"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=1.5", str(jingle)], check=True)
    intro = build(article, tmp_path / "intro", engine="espeak", intro=jingle)
    check_words(intro)
    for a, b in zip(plain.cues, intro.cues, strict=True):
        shift = b.start_ms - a.start_ms
        assert 1495 <= shift <= 1505
        assert all(abs((wb.start_ms - shift) - wa.start_ms) <= 1
                   for wa, wb in zip(a.words, b.words, strict=True))
    fast = build(article, tmp_path / "fast", engine="espeak", rate=1.5)
    check_words(fast)
    assert fast.cues[-1].words[-1].end_ms < 0.8 * plain.cues[-1].words[-1].end_ms


def test_gtts_words_are_estimates_and_marked(article, tmp_path, fake_google, quick_backoff):
    manifest = build(article, tmp_path / "out", engine="gtts", gtts_url=fake_google.url,
                     cache_dir=tmp_path / "cache")
    check_words(manifest)
    assert all(cue.words_estimated for cue in manifest.cues)
    data = json.loads((tmp_path / "out" / manifest.slug / manifest.files.json).read_text())
    assert data["segments"][1]["words"][0]["body"] == manifest.cues[1].words[0].text


def test_vtt_has_word_timestamps_after_the_cue_start():
    from audioguide.episode.transcripts import to_vtt

    utterances = [Utterance("A <b> & c long words here that wrap onto a second line of text.",
                            "A b and c long words here that wrap onto a second line of text.",
                            0, 0)]
    spoken = utterances[0].spoken.split()
    words = [ClipWords(tuple((100 * i, 100 * i + 90) for i in range(len(spoken))), False)]
    cue = build_timeline(utterances, [2000], ["a"], 1000, words=words).cues[0]
    vtt = to_vtt([cue])
    body = vtt.split("\n", 4)[4]
    assert body.startswith("A <00:00:00.100>&lt;b&gt; <00:00:00.190>&amp;")
    assert "<00:00:00.000>" not in vtt
    import re

    assert re.sub(r"<\d\d:\d\d:\d\d\.\d\d\d>", "", body).replace("&lt;", "<").replace(
        "&gt;", ">").replace("&amp;", "&").split() == cue.text.split()
