"""AI disclosure: every episode says that a synthetic voice reads it, and which, in its audio
(unless --no-disclosure) and always in its metadata: the manifest, the page and the EPUB."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from audioguide.cli import cli

ARTICLE = ("# Mending a Bicycle Tube\n\nFind the hole by ear, then by water.\n\n"
           "## The patch\n\nRough the rubber, glue it thin and wait a minute.\n")
FRENCH = "---\ntitle: Réparer une chambre à air\nlang: fr\n---\n\nTrouvez le trou avec de l'eau.\n"


def build(tmp_path: Path, text: str, *extra: str) -> tuple[dict, Path, str]:
    source = tmp_path / "tube.md"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(source), "-o", str(out), "--engine", "espeak",
                                      "--epub", "-q", *extra])
    assert result.exit_code == 0, result.output
    (folder,) = [p.parent for p in out.glob("*/episode.json")]
    return json.loads((folder / "episode.json").read_text()), folder, result.output


def page_text(folder: Path) -> str:
    return lxml_html.fromstring((folder / "index.html").read_bytes()).text_content()


def epub_parts(folder: Path) -> tuple[str, str]:
    (book,) = folder.glob("*.epub")
    with zipfile.ZipFile(book) as z:
        return z.read("OEBPS/nav.xhtml").decode(), z.read("OEBPS/package.opf").decode()


def test_the_episode_opens_with_the_disclosure_and_every_output_says_it(tmp_path):
    manifest, folder, _ = build(tmp_path, ARTICLE)
    sentence = "Read by a synthetic voice: eSpeak NG en."
    first = manifest["cues"][0]
    assert (first["text"], first["kind"]) == (sentence, "intro")
    assert first["end_ms"] > first["start_ms"]  # said, not only shown
    assert manifest["disclosure"] == sentence and manifest["disclosed_in_audio"] is True
    assert sentence in page_text(folder)
    nav, package = epub_parts(folder)
    assert sentence in nav
    assert sentence in package.split("schema:accessibilitySummary", 1)[1].split("</meta>")[0]


def test_the_sentence_in_your_words(tmp_path):
    mine = "This episode is read by a computer voice, eSpeak NG."
    manifest, folder, _ = build(tmp_path, ARTICLE, "--disclosure", mine)
    assert manifest["cues"][0]["text"] == mine and manifest["disclosure"] == mine
    assert mine in page_text(folder)


def test_no_disclosure_leaves_the_audio_but_not_the_metadata_and_warns(tmp_path):
    manifest, folder, output = build(tmp_path, ARTICLE, "--no-disclosure")
    assert "synthetic voice" not in " ".join(c["text"] for c in manifest["cues"])
    assert manifest["disclosed_in_audio"] is False
    assert "synthetic voice" in manifest["disclosure"]
    assert "synthetic voice" in page_text(folder) and "synthetic voice" in epub_parts(folder)[0]
    assert "--no-disclosure" in output and "Apple Podcasts" in output


@pytest.mark.parametrize("text", ["<script>alert(1)</script> & voice", "Lu par une voix 🎙"])
def test_a_sentence_of_your_own_stays_text(tmp_path, text):
    _, folder, _ = build(tmp_path, ARTICLE, "--disclosure", text)
    assert text in page_text(folder)
    assert "<script>alert" not in (folder / "index.html").read_text()


def test_a_french_episode_says_it_in_french(tmp_path):
    manifest, _, _ = build(tmp_path, FRENCH)
    assert manifest["cues"][0]["text"].startswith("Lu par une voix de synthèse")
