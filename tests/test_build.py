"""End to end: real piper voice, real ffmpeg, tags read back with mutagen."""

from __future__ import annotations

import json
import os
from pathlib import Path

from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from audioguide.pipeline import build_episodes
from audioguide.settings import Settings
from conftest import ffmpeg_chapters, ffmpeg_duration_ms, ffmpeg_loudness

HEADINGS = ["Introduction", "Morning or Evening?", "What You Need", "Key Points"]


def test_mp3_format_and_tags(built):
    folder, manifest, _ = built
    audio = folder / manifest["files"]["audio"]
    mp3 = MP3(audio)
    assert mp3.info.sample_rate == 44100
    assert mp3.info.channels == 1
    assert mp3.info.bitrate >= 64000
    tags = ID3(audio)
    assert tags.version[:2] == (2, 3)
    assert tags["TIT2"].text == ["Watering Seedlings Without Drowning Them"]
    assert tags["TPE1"].text == ["Ines Marlow"]
    assert tags["TCON"].text == ["Podcast"]
    comment = tags.getall("COMM")[0].text[0]
    assert "piper" in comment.lower() and "en_US-joe-medium" in comment
    assert tags.getall("APIC"), "a default cover is embedded"


def test_id3_chapters_cover_the_audio_in_order(built):
    folder, manifest, _ = built
    audio = folder / manifest["files"]["audio"]
    tags = ID3(audio)
    chaps = tags.getall("CHAP")
    assert [c.sub_frames["TIT2"].text[0] for c in chaps] == HEADINGS
    (toc,) = tags.getall("CTOC")
    assert toc.flags & 0x01 and toc.flags & 0x02  # ordered, top level
    by_id = {c.element_id: c for c in chaps}
    ordered = [by_id[i] for i in toc.child_element_ids]
    starts = [c.start_time for c in ordered]
    assert starts == sorted(starts) and starts[0] == 0
    assert len({c.element_id for c in chaps}) == len(chaps)
    duration_ms = MP3(audio).info.length * 1000
    for chap in ordered:
        assert chap.start_time < chap.end_time <= duration_ms + 50
        assert chap.start_offset == chap.end_offset == 0xFFFFFFFF


def test_ffmpeg_lists_chapters_in_stored_order(built):
    folder, manifest, _ = built
    chapters = ffmpeg_chapters(folder / manifest["files"]["audio"])
    assert [c["title"] for c in chapters] == HEADINGS
    # ffmpeg shifts ID3 chapter times by the MP3 encoder delay (about 25 ms): within 50 ms.
    for read, own in zip(chapters, manifest["chapters"], strict=True):
        assert abs(read["start_ms"] - own["start_ms"]) <= 50


def test_last_cue_ends_with_the_audio(built):
    folder, manifest, _ = built
    decoded = ffmpeg_duration_ms(folder / manifest["files"]["audio"])
    assert abs(decoded - manifest["duration_ms"]) <= 50
    vtt = (folder / manifest["files"]["vtt"]).read_text(encoding="utf-8")
    last_end = vtt.strip().split("\n\n")[-1].splitlines()[1].split(" --> ")[1]
    h, m, s = last_end.split(":")
    last_ms = round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)  # "32.630" is not exact
    # the last cue ends where the speech ends; only the final pause may follow it
    assert 0 <= decoded - last_ms <= 1500 + 50


def test_loudness_meets_podcast_targets(built):
    folder, manifest, _ = built
    measured = ffmpeg_loudness(folder / manifest["files"]["audio"])
    assert abs(measured["integrated"] - -16.0) <= 1.0, measured
    assert measured["true_peak"] <= -1.0, measured
    assert manifest["loudness"]["integrated_lufs"] == pytest_approx(measured["integrated"], 1.0)


def test_no_section_strays_from_the_episode_loudness(built):
    folder, manifest, _ = built
    audio = folder / manifest["files"]["audio"]
    episode = ffmpeg_loudness(audio)["integrated"]
    for chapter in manifest["chapters"]:
        section = ffmpeg_loudness(audio, chapter["start_ms"], chapter["end_ms"])["integrated"]
        assert abs(section - episode) <= 2.0, (chapter["title"], section, episode)


def test_espeak_episode_meets_loudness_targets(short_article, tmp_path):
    result = build_episodes([str(short_article)], Settings(output_dir=tmp_path, engine="espeak"))
    measured = ffmpeg_loudness(Path(result[0].audio_path))
    assert result[0].engine == "espeak"
    assert abs(measured["integrated"] - -16.0) <= 1.0, measured
    assert measured["true_peak"] <= -1.0, measured


def pytest_approx(value, tolerance):
    import pytest

    return pytest.approx(value, abs=tolerance)


def test_transcripts_and_manifest_written(built):
    folder, manifest, _ = built
    files = manifest["files"]
    for key in ("vtt", "srt", "txt", "json", "chapters", "page"):
        assert (folder / files[key]).is_file(), key
    assert (folder / files["vtt"]).read_text(encoding="utf-8").startswith("WEBVTT\n")
    assert "," in (folder / files["srt"]).read_text(encoding="utf-8").splitlines()[1]
    text = (folder / files["txt"]).read_text(encoding="utf-8")
    assert "Morning or Evening?" in text and "A can with a fine rose." in text
    assert "•" not in text
    chapters = json.loads((folder / files["chapters"]).read_text(encoding="utf-8"))
    assert chapters["version"] == "1.2.0"
    assert [round(c["startTime"] * 1000) for c in chapters["chapters"]] == [
        c["start_ms"] for c in manifest["chapters"]]
    assert manifest["stats"]["synthesized"] + manifest["stats"]["cached"] == len(manifest["cues"])
    assert not list(folder.parent.glob(".*.partial")), "no staging folder left behind"


def test_rebuild_changes_nothing_and_one_edit_synthesizes_one(short_article, tmp_path):
    out = tmp_path / "out"
    settings = Settings(output_dir=out, engine="piper", jobs=1,
                        cache_dir=tmp_path / "cache")
    article = tmp_path / "a.txt"
    article.write_text(short_article.read_text(encoding="utf-8"), encoding="utf-8")
    first = build_episodes([str(article)], settings)[0]
    assert first.synthesized > 0 and first.cached == 0
    audio = Path(first.audio_path)
    stamp = audio.stat().st_mtime_ns
    again = build_episodes([str(article)], settings)[0]
    assert again.skipped and again.synthesized == 0
    assert audio.stat().st_mtime_ns == stamp, "outputs left untouched"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "wait a day.", "wait two days."), encoding="utf-8")
    edited = build_episodes([str(article)], settings)[0]
    assert edited.synthesized == 1
    assert edited.folder == first.folder, "a rebuilt article keeps its folder"
    assert edited.cached == len(json.loads(
        (Path(edited.folder) / "episode.json").read_text())["cues"]) - 1


def test_same_title_gets_distinct_folders(short_article, tmp_path):
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    text = short_article.read_text(encoding="utf-8")
    one.write_text(text, encoding="utf-8")
    two.write_text(text.replace("wait a day", "wait an hour"), encoding="utf-8")
    settings = Settings(output_dir=tmp_path / "out", engine="piper", jobs=1)
    a, b = build_episodes([str(one), str(two)], settings)
    assert a.folder != b.folder
    again = build_episodes([str(two)], settings)[0]
    assert again.folder == b.folder


def test_rate_makes_it_shorter_and_m4b_keeps_chapters(built, short_article, tmp_path):
    _, manifest, _ = built
    settings = Settings(output_dir=tmp_path, engine="piper", rate=1.5, format="m4b",
                        per_section=True)
    result = build_episodes([str(short_article)], settings)[0]
    assert result.duration_ms < manifest["duration_ms"] / 1.3
    m4b = Path(result.audio_path)
    assert m4b.suffix == ".m4b"
    chapters = ffmpeg_chapters(m4b)
    own = json.loads((Path(result.folder) / "episode.json").read_text())["chapters"]
    assert [(c["title"], c["start_ms"], c["end_ms"]) for c in chapters] == [
        (c["title"], c["start_ms"], c["end_ms"]) for c in own]
    from mutagen.mp4 import MP4

    assert MP4(m4b).info.bitrate >= 60000
    assert MP4(m4b).get("covr")
    sections = sorted((Path(result.folder) / "sections").glob("*.mp3"))
    assert len(sections) == len(own)
    from mutagen.id3 import ID3 as Tags

    assert Tags(sections[1])["TRCK"].text == [f"2/{len(own)}"]
    assert Tags(sections[1])["TIT2"].text == [own[1]["title"]]


def test_interrupted_build_leaves_nothing(short_article, tmp_path, monkeypatch):
    import pytest

    from audioguide import audio as assemble

    calls = {"n": 0}
    real = assemble.prepare_clip

    def interrupt(clip, leveler):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(clip, leveler)

    monkeypatch.setattr("audioguide.pipeline.prepare_clip", interrupt)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        build_episodes([str(short_article)], Settings(output_dir=out, engine="piper", jobs=1))
    leftovers = [p for p in out.rglob("*") if p.is_file()]
    assert leftovers == []
    assert not [p for p in out.iterdir() if p.name.endswith(".partial")]
    assert os.listdir(out) == []


def test_intro_and_outro_keep_chapters_and_cues_exact(built, short_article, tmp_path):
    import subprocess

    from audioguide.ffmpeg.binary import ffmpeg_exe

    _, manifest, _ = built
    jingle = tmp_path / "jingle.wav"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=2", str(jingle)], check=True)
    settings = Settings(output_dir=tmp_path / "out", engine="piper", intro=jingle, outro=jingle)
    result = build_episodes([str(short_article)], settings)[0]
    own = json.loads((Path(result.folder) / "episode.json").read_text())
    assert own["chapters"][0]["start_ms"] == 0
    assert own["cues"][0]["start_ms"] == 2000
    assert abs(own["duration_ms"] - (manifest["duration_ms"] + 4000)) <= 5
    assert abs(ffmpeg_duration_ms(Path(result.audio_path)) - own["duration_ms"]) <= 50
    shift = [c["start_ms"] - 2000 for c in own["cues"]]
    assert shift == [c["start_ms"] for c in manifest["cues"]]
