"""--epub: the read-along book, checked by EPUBCheck and Ace by DAISY, and by its own overlays:
every <par> points at the element holding its sentence and at that sentence's audio."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from audioguide.manifest import Manifest
from audioguide.pipeline import build_episodes
from audioguide.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EPUBCHECK = Path("/usr/share/java/epubcheck.jar")
ACE = ROOT / "node_modules" / ".bin" / "ace-puppeteer"
CHROMIUM = Path("/usr/bin/chromium")
SMIL = "{http://www.w3.org/ns/SMIL}"

# Written for these tests: a heading, a list, a question, a number.
ARTICLE = """\
Home Repairs

Fixing a Dripping Tap

By Noor Patel 2 min read

A dripping tap wastes more water than most people think. Over a year, 1 drip a second fills \
many buckets.

What You Need

  • A spanner that fits the nut.
  • A new washer & a cloth.

Questions

Should the water be off first? Yes, always turn it off at the valve below the sink.
"""


@pytest.fixture(scope="module")
def tap_book(tmp_path_factory):
    """One piper build with --epub, as M4B with per-section files: (folder, manifest)."""
    root = tmp_path_factory.mktemp("epub")
    source = root / "tap.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    settings = Settings(output_dir=root / "out", engine="piper", epub=True, format="m4b",
                        per_section=True, jobs=1)
    (result,) = build_episodes([str(source)], settings)
    folder = Path(result.folder)
    return folder, Manifest.read(folder)


# Written for these tests: a note, an aside (skipped by default), a French phrase.
ROLES = (Path(__file__).parent / "data" / "chair.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=["tap", "roles"])
def book(request, tmp_path_factory, tap_book):
    """Each book the validators check: the tap (plain text, M4B) and one with skipped
    notes and an aside listed, and a French phrase (HTML, espeak, --skip notes)."""
    if request.param == "tap":
        return tap_book
    root = tmp_path_factory.mktemp("epub-roles")
    source = root / "chair.html"
    source.write_text(ROLES, encoding="utf-8")
    settings = Settings(output_dir=root / "out", engine="espeak", epub=True, jobs=1,
                        skip=("notes",))
    (result,) = build_episodes([str(source)], settings)
    folder = Path(result.folder)
    return folder, Manifest.read(folder)


@pytest.mark.parametrize("book", ["roles"], indirect=True)
def test_the_roles_book_lists_what_was_skipped_and_keeps_the_language(book):
    folder, manifest = book
    with zipfile.ZipFile(folder / manifest.files.epub) as epub:
        pages = b"".join(epub.read(n) for n in epub.namelist() if n.endswith(".xhtml"))
    assert b'lang="fr"' in pages and b'xml:lang="fr"' in pages
    assert b"Twelve hours" in pages and b"old chairs" in pages  # listed, not lost
    spoken = " ".join(cue.spoken for cue in manifest.cues)
    assert "Twelve hours" not in spoken and "old chairs" not in spoken


def test_the_book_is_listed_and_holds_what_it_should(tap_book):
    folder, manifest = tap_book
    assert manifest.files.epub == f"{manifest.slug}.epub"
    with zipfile.ZipFile(folder / manifest.files.epub) as epub:
        first = epub.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert epub.read("mimetype") == b"application/epub+zip"
        opf = etree.fromstring(epub.read("OEBPS/package.opf"))
        props = {m.get("property"): m.text for m in opf.iter("{*}meta") if not m.get("refines")}
        assert props["media:active-class"] == "-epub-media-overlay-active"
        assert b"-epub-media-overlay-active" in epub.read("OEBPS/style.css")
        assert props["dcterms:conformsTo"] == "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
        assert props["schema:accessibilityHazard"] == "none"
        features = {m.text for m in opf.iter("{*}meta")
                    if m.get("property") == "schema:accessibilityFeature"}
        assert {"synchronizedAudioText", "tableOfContents", "readingOrder"} <= features
        durations = [m for m in opf.iter("{*}meta") if m.get("property") == "media:duration"]
        assert len(durations) == len(manifest.chapters) + 1
        covers = [i for i in opf.iter("{*}item") if i.get("properties") == "cover-image"]
        assert len(covers) == 1 and epub.read(f"OEBPS/{covers[0].get('href')}")
        nav = etree.fromstring(epub.read("OEBPS/nav.xhtml"))
        assert [a.text for a in nav.iter("{*}a")] == [c.title for c in manifest.chapters]
        items = epub.read("OEBPS/chapter-002.xhtml")
        assert b"<li>" in items and b"&amp;" in items and b"<h1>" in items


def test_every_par_points_at_its_sentence_and_its_audio(tap_book):
    book = tap_book
    folder, manifest = book
    with zipfile.ZipFile(folder / manifest.files.epub) as epub:
        names = [n for n in epub.namelist() if n.endswith(".smil")]
        pars = 0
        for name in names:
            smil = etree.fromstring(epub.read(name))
            for par in smil.iter(f"{SMIL}par"):
                text = par.find(f"{SMIL}text").get("src")
                audio = par.find(f"{SMIL}audio")
                document, fragment = text.split("#")
                page = etree.fromstring(epub.read(f"OEBPS/{document}"))
                (element,) = page.xpath(f"//*[@id='{fragment}']")
                index = int(fragment[1:])
                cue = manifest.cues[index]
                assert " ".join("".join(element.itertext()).split()) == " ".join(cue.text.split())
                assert [w.get("id") for w in element] == [
                    f"{fragment}w{n}" for n in range(len(cue.words))]
                begin = float(audio.get("clipBegin").rstrip("s")) * 1000
                end = float(audio.get("clipEnd").rstrip("s")) * 1000
                assert abs(begin - cue.start_ms) <= 60 and abs(end - cue.end_ms) <= 60
                assert epub.getinfo(f"OEBPS/{audio.get('src')}").file_size > 1000
                pars += 1
        assert pars == len(manifest.cues)


@pytest.mark.skipif(not EPUBCHECK.is_file(), reason="needs Debian's epubcheck (script/bootstrap)")
def test_epubcheck_finds_nothing(book):
    folder, manifest = book
    java = shutil.which("java") or "java"
    report = folder.parent / "epubcheck.json"
    done = subprocess.run([java, "-jar", str(EPUBCHECK), str(folder / manifest.files.epub),
                           "--json", str(report)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
    assert [m for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING")] == []


@pytest.mark.slow
@pytest.mark.skipif(not (ACE.exists() and CHROMIUM.exists()),
                    reason="needs @daisy/ace (npm ci --ignore-scripts) and chromium")
def test_ace_finds_no_violation(book, tmp_path):
    folder, manifest = book
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=str(CHROMIUM))
    done = subprocess.run([str(ACE), "-f", "-s", "-o", str(tmp_path / "ace"),
                           str(folder / manifest.files.epub)], capture_output=True, text=True,
                          env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "ace" / "report.json").read_text(encoding="utf-8"))
    violations = [x for group in report["assertions"] for x in group["assertions"]]
    assert report["earl:result"]["earl:outcome"] == "pass", violations
    assert violations == []
