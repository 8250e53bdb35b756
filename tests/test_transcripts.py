"""Golden files for the transcripts: one test per format (AUDIOGUIDE_REGEN_GOLDEN=1 rewrites)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from audioguide.audio import build_timeline
from audioguide.episode import transcripts
from audioguide.models import Utterance

GOLDEN = Path(__file__).parent / "data" / "golden"

UTTERANCES = [
    Utterance("Tide Pools, by Sam Ortiz. 2 sections, about 1 minute.",
              "Tide Pools, by Sam Ortiz. two sections, about one minute.", 1000, 0, "intro"),
    Utterance("Low tide uncovers a whole village of animals.", "same", 350, 0),
    Utterance("Look, don't lift: rocks are roofs & <homes> for crabs.", "same", 750, 0,
              paragraph_end=True),
    Utterance("What to Bring", "What to Bring.", 700, 1, "heading"),
    Utterance("Shoes with grip.", "same", 550, 1, "item", paragraph_end=True),
    Utterance("A tide table --> printed, not on a phone that could get wet while you climb.",
              "same", 0, 1, "item", paragraph_end=True),
]
LENGTHS_AT_22050 = [66150, 44100, 61740, 22050, 17640, 88200]


@pytest.fixture
def timeline():
    return build_timeline(UTTERANCES, LENGTHS_AT_22050, ["Introduction", "What to Bring"], 22050)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("AUDIOGUIDE_REGEN_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_vtt(timeline):
    check_golden("tide-pools.vtt", transcripts.to_vtt(timeline.cues))


def test_srt(timeline):
    check_golden("tide-pools.srt", transcripts.to_srt(timeline.cues))


def test_txt(timeline):
    check_golden("tide-pools.txt",
                 transcripts.to_text("Tide Pools", "Sam Ortiz", timeline.chapters, timeline.cues))


def test_json(timeline, tmp_path):
    # what a build writes (episode/steps.py): streamed to the file, the golden text byte for byte
    from audioguide.atomic import write_json

    write_json(tmp_path / "t.json", transcripts.json_document(timeline.cues), newline=True)
    check_golden("tide-pools.json", (tmp_path / "t.json").read_text(encoding="utf-8"))
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"], "no temporary file left"


def test_timeline_arithmetic(timeline):
    cues = timeline.cues
    assert (cues[0].start_ms, cues[0].end_ms) == (0, 3000)
    assert cues[1].start_ms == 4000  # 3 s of speech + 1 s pause
    assert timeline.chapters[0].start_ms == 0
    assert timeline.chapters[1].start_ms == cues[3].start_ms
    assert timeline.chapters[-1].end_ms == timeline.duration_ms == cues[-1].end_ms
    assert timeline.chapters[0].end_ms == timeline.chapters[1].start_ms


def test_vtt_escapes_markup_and_arrows():
    vtt = transcripts.to_vtt(build_timeline(UTTERANCES, LENGTHS_AT_22050, ["a", "b"], 22050).cues)
    body = vtt.split("\n\n", 1)[1]
    assert "<homes>" not in vtt and "&lt;homes&gt;" in vtt and "&amp;" in vtt
    assert body.count("-->") == len(UTTERANCES), "an arrow in the text never becomes a timing"


def test_caption_lines_are_short():
    for line in transcripts.caption_lines("word " * 60):
        assert len(line) <= transcripts.LINE_WIDTH


def test_lead_and_tail_keep_chapters_exact():
    tl = build_timeline(UTTERANCES, LENGTHS_AT_22050, ["a", "b"], 22050, lead_samples=22050,
                        tail_samples=44100)
    assert tl.chapters[0].start_ms == 0
    assert tl.cues[0].start_ms == 1000
    assert tl.duration_ms == tl.cues[-1].end_ms + 2000


def test_tempo_shortens_pauses():
    slow = build_timeline(UTTERANCES, LENGTHS_AT_22050, ["a", "b"], 22050)
    fast = build_timeline(UTTERANCES, LENGTHS_AT_22050, ["a", "b"], 22050, tempo=2.0)
    pauses = sum(u.pause_after for u in UTTERANCES)
    assert slow.duration_ms - fast.duration_ms == pauses // 2
