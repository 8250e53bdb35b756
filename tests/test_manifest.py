"""episode.json: the one typed module, its documentation, strict JSON, damaged files."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from audioguide.manifest import (
    MANIFEST_FILE,
    Loudness,
    Manifest,
    ManifestError,
    ManifestMissing,
)
from audioguide.models import AudioFormat, CueKind
from test_publish_support import manifest_for

DOC = Path(__file__).resolve().parents[1] / "docs" / "manifest.md"


def _shape(value):
    """The keys of a JSON value, recursively (the first element stands for a list)."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [_shape(value[0])]
    return None


def test_documented_example_has_exactly_the_dataclass_fields():
    block = re.search(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    documented = json.loads(block)
    full = Manifest.from_json(documented | {"format": "mp3", "settings": {"format": "mp3"},
                                            "cues": [dict(documented["cues"][0], kind="intro")]})
    full.loudness = Loudness(-16.0, -1.4, "how", "why")
    assert _shape(documented) == _shape(full.to_json())


def test_round_trip_is_exact():
    data = manifest_for("ep", "A title", "2026-11-01", "2026-11-20T10:00:00+00:00", 123)
    manifest = Manifest.from_json(data)
    assert manifest.cues[0].kind is CueKind.INTRO
    assert manifest.format is AudioFormat.MP3
    assert Manifest.from_json(manifest.to_json()) == manifest
    assert json.loads(json.dumps(manifest.to_json())) == manifest.to_json()


def test_write_is_strict_json(tmp_path):
    manifest = Manifest(slug="ep", loudness=Loudness(float("-inf"), float("nan"), "ffmpeg"))
    manifest.write(tmp_path)
    text = (tmp_path / MANIFEST_FILE).read_text(encoding="utf-8")
    loudness = json.loads(text, parse_constant=pytest.fail)["loudness"]
    assert loudness["integrated_lufs"] is None and loudness["true_peak_dbtp"] is None
    assert loudness["reason"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"duration_ms": "long"}, "duration_ms is not a whole number"),
        ({"chapters": [{"title": "x"}]}, "start_ms is missing"),
        ({"cues": {"a": 1}}, "cues is not a list"),
        ({"cues": [{"start_ms": 0, "end_ms": 1, "text": "x", "kind": "song"}]}, "kind 'song'"),
        ({"files": None}, "files is not an object"),
        ({"manifest_version": 99}, "newer audioguide"),
    ],
)
def test_damaged_manifest_is_one_clear_line(tmp_path, change, message):
    data = manifest_for("ep", "A title", None, "2026-11-20T10:00:00+00:00", 1) | change
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ManifestError, match=re.escape(message)) as caught:
        Manifest.read(tmp_path)
    assert str(tmp_path / MANIFEST_FILE) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_and_unreadable(tmp_path):
    with pytest.raises(ManifestMissing):
        Manifest.read(tmp_path)
    (tmp_path / MANIFEST_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ManifestError, match="not a readable episode manifest"):
        Manifest.read(tmp_path)
    assert Manifest.read_if_any(tmp_path) is None
    (tmp_path / MANIFEST_FILE).write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ManifestError, match="not an audioguide episode manifest"):
        Manifest.read(tmp_path)


def test_finite_loudness_is_kept():
    loudness = Loudness(-16.04, -1.5, "meter")
    assert loudness.to_json() == {"integrated_lufs": -16.04, "true_peak_dbtp": -1.5,
                                  "measured": "meter"}
    assert not math.isnan(loudness.integrated_lufs or 0)
