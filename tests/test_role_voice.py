"""A second voice for a role (--role-voice ROLE=VOICE) and the credits of every voice (issue 24):
the planner marks the roles, a real piper build reads its FAQ questions in espeak-ng, the
manifest, transcripts, EPUB (EPUBCheck) and feed say so, and a downloaded CC BY voice is
credited as its licence asks."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from audioguide.cli import cli
from audioguide.engines.espeak import EspeakEngine
from audioguide.episode.credits import attribution, credit_text, licence_link
from audioguide.errors import SettingsError
from audioguide.manifest import Manifest
from audioguide.models import Article, Block, BlockKind, Role, Section, VoiceCredit
from audioguide.pipeline import build_episodes
from audioguide.series.feed import write_feed
from audioguide.settings import FeedSettings, Settings, load_file, role_voices
from audioguide.speech import plan
from voice_catalogue import CatalogueServer

EPUBCHECK = Path("/usr/share/java/epubcheck.jar")
needs_espeak = pytest.mark.skipif(EspeakEngine.available() is not None,
                                  reason="needs espeak-ng")

# Written for these tests: a paragraph, a FAQ of two questions, each with its answer.
FAQ = """\
Garden Notes

Watering Seedlings

By Ada Rowe 1 min read

Seedlings need steady water while their roots are short.

Frequently Asked Questions

How often should I water seedlings?

Water them lightly every morning, and check the soil with a finger first.

Can I use rain water?

Yes, rain water is good for most seedlings.
"""
QUESTIONS = {"How often should I water seedlings?", "Can I use rain water?"}


# -- the plan and the settings -----------------------------------------------------------------


def test_the_plan_marks_each_role():
    blocks = (Block(BlockKind.PARAGRAPH, "Plain text here."),
              Block(BlockKind.QUESTION, "Is this a question?"),
              Block(BlockKind.QUOTE, "A quoted line."),
              Block(BlockKind.SUBHEADING, "A smaller heading"),
              Block(BlockKind.NOTE, "A note at the end."))
    article = Article("Roles", (Section("First part", blocks),), identity="roles")
    utterances = plan(article, Settings(intro_summary=False), "en").utterances
    roles = {u.shown: u.role for u in utterances}
    assert roles == {"First part": Role.HEADING, "Plain text here.": None,
                     "Is this a question?": Role.QUESTION, "A quoted line.": Role.QUOTE,
                     "A smaller heading": Role.HEADING, "A note at the end.": Role.NOTE}


def test_role_voices_are_parsed_and_checked():
    assert role_voices(["quote=espeak:en-gb-scotland", "question = fr_FR-test-medium",
                        "quote=espeak:en-us"]) == (("question", "fr_FR-test-medium"),
                                                   ("quote", "espeak:en-us"))
    for bad in ("chorus=espeak:en-us", "question", "question="):
        with pytest.raises(SettingsError, match="--role-voice"):
            role_voices([bad])


def test_the_settings_file_gives_role_voices(tmp_path):
    path = tmp_path / "audioguide.toml"
    path.write_text('role_voices = {question = "espeak:en-us", aside = "voice.onnx"}\n',
                    encoding="utf-8")
    assert load_file(path).role_voices == (("aside", "voice.onnx"), ("question", "espeak:en-us"))
    path.write_text('role_voices = {chorus = "espeak:en-us"}\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="chorus"):
        load_file(path)


def test_a_cc_by_voice_is_credited_as_its_licence_asks():
    assert licence_link("https://creativecommons.org/licenses/by-sa/4.0/") == (
        "CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/")
    assert licence_link("CC BY 4.0")[1] == "https://creativecommons.org/licenses/by/4.0/"
    credit = VoiceCredit("piper", "fr_FR-siwis-medium", "CC BY 4.0",
                         "https://datashare.ed.ac.uk/handle/10283/2353")
    assert attribution(credit) == (
        "Voice: Piper fr_FR-siwis-medium, trained on the dataset at "
        "https://datashare.ed.ac.uk/handle/10283/2353, licence CC BY 4.0 "
        "(https://creativecommons.org/licenses/by/4.0/)")
    # The bundled CC0 voice names no dataset: its credit is the engine's, as before.
    joe = Manifest(credit="Read by the Piper voice en_US-joe-medium (licence CC0)",
                   voice_credit=VoiceCredit("piper", "en_US-joe-medium", "CC0"))
    assert credit_text(joe) == joe.credit


# -- a real build: piper reads, espeak-ng reads the questions -----------------------------------


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The FAQ built twice with piper, with and without --role-voice question=espeak:en-us,
    sharing one clip cache: {"role": (folder, manifest), "plain": (folder, manifest)}."""
    if EspeakEngine.available() is not None:
        pytest.skip("needs espeak-ng")
    root = tmp_path_factory.mktemp("roles")
    source = root / "faq.txt"
    source.write_text(FAQ, encoding="utf-8")
    made = {}
    for name, voices in (("role", (("question", "espeak:en-us"),)), ("plain", ())):
        settings = Settings(output_dir=root / name, engine="piper", jobs=1, epub=True,
                            role_voices=voices, cache_dir=root / "cache")
        (result,) = build_episodes([str(source)], settings)
        made[name] = (Path(result.folder), Manifest.read(Path(result.folder)))
    return made


def test_the_questions_carry_their_voice_and_nothing_else_does(builds):
    folder, manifest = builds["role"]
    cues = json.loads((folder / "episode.json").read_text(encoding="utf-8"))["cues"]
    voiced = {cue["text"]: cue["voice"] for cue in cues if "voice" in cue}
    assert voiced == {text: "espeak en-us" for text in QUESTIONS}
    assert manifest.role_voices["question"] == VoiceCredit(
        "espeak", "en-us", "GPL-3.0-or-later", "https://github.com/espeak-ng/espeak-ng")
    assert manifest.voice_credit == VoiceCredit("piper", "en_US-joe-medium", "CC0")
    plain = json.loads((builds["plain"][0] / "episode.json").read_text(encoding="utf-8"))
    assert not any("voice" in cue for cue in plain["cues"]) and plain["role_voices"] == {}


def test_only_the_question_clips_differ(builds):
    """The same sentences from the same cache: every cue but the questions lasts exactly as
    long in both builds; the questions, said by another voice, do not."""
    role, plain = builds["role"][1].cues, builds["plain"][1].cues
    assert [c.text for c in role] == [c.text for c in plain]
    for ours, theirs in zip(role, plain, strict=True):
        same = ours.end_ms - ours.start_ms == theirs.end_ms - theirs.start_ms
        assert same is (ours.text not in QUESTIONS), ours.text
    stats = builds["plain"][1].stats
    assert stats.synthesized == len(QUESTIONS)  # the rest came from the first build's cache


def test_every_cue_keeps_its_word_timings(builds):
    for cue in builds["role"][1].cues:
        assert len(cue.words) == len(cue.text.split()) and not cue.words_estimated, cue.text
        assert cue.start_ms <= cue.words[0].start_ms <= cue.words[-1].end_ms <= cue.end_ms


def test_the_epub_names_both_voices_and_passes_epubcheck(builds):
    folder, manifest = builds["role"]
    path = folder / str(manifest.files.epub)
    with zipfile.ZipFile(path) as book:
        package = etree.fromstring(book.read("OEBPS/package.opf"))
        overlays = [etree.fromstring(book.read(name)) for name in book.namelist()
                    if name.endswith(".smil")]
    metas = {(m.get("property"), m.text) for m in package.iter("{*}meta")}
    narrators = [text for prop, text in metas if prop == "media:narrator"]
    assert any(text.startswith("Voice for questions: eSpeak NG en-us") for text in narrators)
    summary = next(text for prop, text in metas if prop == "schema:accessibilitySummary")
    assert "questions in eSpeak NG en-us" in summary
    assert sum(len(list(o.iter("{*}par"))) for o in overlays) == len(manifest.cues)
    if not EPUBCHECK.is_file():
        pytest.skip("needs Debian's epubcheck")
    report = folder.parent / "epubcheck.json"
    done = subprocess.run([shutil.which("java") or "java", "-jar", str(EPUBCHECK), str(path),
                           "--json", str(report)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    assert [m for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING")] == []


def test_the_feed_and_the_page_credit_the_second_voice(builds):
    folder, manifest = builds["role"]
    line = ("Voice for questions: eSpeak NG en-us, from https://github.com/espeak-ng/espeak-ng,"
            " licence GPL-3.0-or-later (https://www.gnu.org/licenses/gpl-3.0.html)")
    assert line in (folder / "index.html").read_text(encoding="utf-8")
    feed = write_feed(folder.parent, FeedSettings(base_url="https://example.org/pod/"))
    descriptions = etree.parse(str(feed)).findall(".//item/description")
    assert any(line in (d.text or "") for d in descriptions)


# -- the command line --------------------------------------------------------------------------


def one_line_error(result, code: int) -> str:
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("audioguide: error:"), result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("value, code, said", [
    # a value that is no ROLE=VOICE is a usage error (2), as every bad option value is
    ("chorus=espeak:en-us", 2, "ROLE one of question, quote, heading, note, aside"),
    ("question=no-such-voice", 2, "is not a voice"),
    # a voice that is not here (1): the line says how to get it
    ("question=missing/voice.onnx", 1, "--role-voice question=missing/voice.onnx"),
    ("question=de_DE-absent-medium", 1, "audioguide voices get de_DE-absent-medium"),
])
def test_an_unknown_role_or_voice_is_one_line(tmp_path, monkeypatch, value, code, said):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    source = tmp_path / "faq.txt"
    source.write_text(FAQ, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(source), "-o", str(tmp_path / "out"),
                                      "--engine", "piper", "--no-download",
                                      "--role-voice", value])
    assert said in one_line_error(result, code)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# -- a downloaded CC BY voice ------------------------------------------------------------------


@needs_espeak
def test_a_downloaded_voice_is_credited_everywhere(tmp_path, monkeypatch):
    """The local catalogue's fr_FR-test-medium (CC BY 4.0, a dataset URL): the manifest,
    the page, the EPUB and the feed give its attribution with the licence's link."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "jardin.md"
    source.write_text("---\ntitle: Le jardin\nlang: fr\n---\n\nLes plantes ont besoin d'eau.\n",
                      encoding="utf-8")
    with CatalogueServer() as server:
        monkeypatch.setenv("AUDIOGUIDE_VOICES_URL", server.url)
        result = CliRunner().invoke(cli, ["build", str(source), "-o", str(tmp_path / "out"),
                                          "--engine", "piper", "--voice", "fr_FR-test-medium",
                                          "--epub", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "out").iterdir()
    manifest = Manifest.read(folder)
    assert manifest.voice_credit == VoiceCredit("piper", "fr_FR-test-medium", "CC BY 4.0",
                                                "https://example.org/datasets/test")
    line = ("Voice: Piper fr_FR-test-medium, trained on the dataset at https://example.org/"
            "datasets/test, licence CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)")
    assert line in (folder / "index.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(folder / str(manifest.files.epub)) as book:
        assert line in book.read("OEBPS/package.opf").decode("utf-8")
    from mutagen.id3 import ID3

    (comment,) = ID3(folder / manifest.files.audio).getall("COMM")
    assert line in comment.text[0]
    feed = write_feed(tmp_path / "out", FeedSettings(base_url="https://example.org/pod/"))
    assert line in feed.read_text(encoding="utf-8")
