"""Podcasting 2.0 JSON chapters: version 1.2.0, times exact to the millisecond."""

from __future__ import annotations

import json

from audioguide.episode.chapters import chapters_json, write_chapters_json
from audioguide.models import Chapter
from test_publish_support import TRICKY_TITLE, assert_golden, manifest_for


def test_chapters_json_golden():
    manifest = manifest_for("salt-pepper", TRICKY_TITLE, None, "2026-11-25T08:30:00+00:00", 1)
    assert_golden("chapters.json", chapters_json(manifest["chapters"], TRICKY_TITLE))


def test_times_are_exact_milliseconds():
    chapters = [
        {"title": "A", "start_ms": 0, "end_ms": 1234},
        {"title": "B", "start_ms": 1234, "end_ms": 3_723_001},
    ]
    document = json.loads(chapters_json(chapters, "T"))
    assert document["version"] == "1.2.0"
    times = [(c["startTime"], c["endTime"]) for c in document["chapters"]]
    assert times == [(0.0, 1.234), (1.234, 3723.001)]
    assert [round(c["startTime"] * 1000) for c in document["chapters"]] == [0, 1234]


def test_accepts_model_chapters_and_escapes_nothing_it_should_not():
    text = chapters_json([Chapter('"</script> & \u202eevil', 0, 500)], "x")
    assert json.loads(text)["chapters"][0]["title"] == '"</script> & evil'  # bidi override gone


def test_write_chapters_json_is_atomic(tmp_path):
    path = write_chapters_json(tmp_path / "a.chapters.json", [Chapter("One", 0, 10)], "T")
    assert json.loads(path.read_text(encoding="utf-8"))["chapters"][0]["endTime"] == 0.01
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.chapters.json"]
