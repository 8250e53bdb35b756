"""What the podcast platforms ask of a feed (issue 25): the synthetic voice disclosed
(podcast:txt purpose="ai-content" and a sentence in each description), podcast:person and
podcast:medium, and podcast:alternateEnclosure with SRI sha384 for the Opus file build --opus
writes. Real builds (espeak), read back by feedparser, podcastparser, mutagen and ffmpeg."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
from pathlib import Path

import feedparser
import podcastparser
import pytest
from click.testing import CliRunner
from lxml import etree
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from mutagen.oggopus import OggOpus

from audioguide.cli import cli
from audioguide.episode.disclosure import disclosure_sentence
from audioguide.episode.opus import chapter_comments, chapter_time, opus_bitrate
from audioguide.errors import SourceError
from audioguide.ffmpeg.binary import ffmpeg_exe
from audioguide.manifest import Manifest
from audioguide.models import Chapter
from audioguide.series.feed import feed_medium, from_book, write_feed
from audioguide.settings import FeedSettings
from conftest import ffmpeg_chapters, ffmpeg_duration_ms
from test_publish_support import make_episode

BASE = "https://example.org/pod"
PODCAST = "https://podcastindex.org/namespace/1.0"
LEGACY = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
NAMESPACES = (PODCAST, LEGACY)
FEED = FeedSettings(title="Garden", author="Ada Writer", base_url=BASE)


def _build(source: Path, out: Path, *options: str) -> Path:
    result = CliRunner().invoke(cli, ["build", str(source), "--engine", "espeak", "-q", "-o",
                                      str(out), *options])
    assert result.exit_code == 0, result.output
    return next(path.parent for path in out.glob("*/episode.json"))


@pytest.fixture(scope="module")
def opus_build(short_article, tmp_path_factory):
    """One espeak build with --opus, and its feed: (output folder, episode folder, manifest)."""
    out = tmp_path_factory.mktemp("opus_out")
    folder = _build(short_article, out, "--opus")
    result = CliRunner().invoke(cli, ["feed", str(out), "--base-url", BASE, "--author",
                                      "Ada Writer", "-q"])
    assert result.exit_code == 0, result.output
    return out, folder, Manifest.read(folder)


def _sri(path: Path) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


def _channel(out: Path) -> etree._Element:
    return etree.parse(str(out / "feed.xml")).getroot().find("channel")


# -- the disclosure sentence ---------------------------------------------------------------


@pytest.mark.parametrize(("engine", "voice", "sentence"), [
    ("piper", "en_US-joe-medium", "Read by a synthetic voice: Piper en_US-joe-medium."),
    ("espeak", "en-us", "Read by a synthetic voice: eSpeak NG en-us."),
    ("gtts", "google-en-com",
     "Read by a synthetic voice: Google Translate text-to-speech google-en-com."),
    ("newengine", "v1", "Read by a synthetic voice: newengine v1."),
    ("", "", "Read by a synthetic voice."),
])
def test_disclosure_sentence_names_engine_and_voice(engine, voice, sentence):
    assert disclosure_sentence(Manifest(engine=engine, voice=voice)) == sentence


# -- the feed, read by both parsers --------------------------------------------------------


def test_feedparser_sees_ai_tag_person_medium_and_disclosure(opus_build):
    out, _, manifest = opus_build
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    # feedparser keeps an unknown element's attributes, or its text when it has none
    ai, author = {"purpose": "ai-content"}, {"role": "author", "group": "writing"}
    assert parsed.feed.podcast_txt == parsed.feed.podcast1_txt == ai
    assert parsed.feed.podcast_person == author
    assert parsed.feed.podcast_medium == parsed.feed.podcast1_medium == "podcast"
    sentence = f"Read by a synthetic voice: eSpeak NG {manifest.voice}."
    assert parsed.entries
    for entry in parsed.entries:
        assert entry.summary.endswith(f"<p>{sentence}</p>")
        assert entry.podcast_txt == entry.podcast1_txt == ai
        assert entry.podcast_person == author


def test_podcastparser_sees_the_author_and_the_disclosure(opus_build):
    out, _, manifest = opus_build
    with (out / "feed.xml").open("rb") as stream:
        parsed = podcastparser.parse(BASE + "/feed.xml", stream)
    assert parsed["episodes"]
    for episode in parsed["episodes"]:
        assert episode["persons"] == [{"name": "Ines Marlow", "role": "author",
                                       "group": "writing", "href": None, "img": None}]
        assert episode["description"].endswith(disclosure_sentence(manifest))


def test_ai_content_on_channel_and_every_item_in_both_namespaces(opus_build):
    channel = _channel(opus_build[0])
    for parent in [channel, *channel.findall("item")]:
        for namespace in NAMESPACES:
            tags = parent.findall(f"{{{namespace}}}txt")
            assert [(t.get("purpose"), t.text) for t in tags] == [("ai-content", "true")]
    for namespace in NAMESPACES:
        assert channel.findtext(f"{{{namespace}}}medium") == "podcast"
        person = channel.find(f"{{{namespace}}}person")
        assert (person.text, person.get("role")) == ("Ada Writer", "author")


def test_alternate_enclosures_carry_the_files_sri_sha384(opus_build):
    out, folder, manifest = opus_build
    item = _channel(out).find("item")
    assert manifest.files.opus == f"{manifest.slug}.opus"
    for namespace in NAMESPACES:
        found = item.findall(f"{{{namespace}}}alternateEnclosure")
        assert [(e.get("type"), e.get("default")) for e in found] == [
            ("audio/mpeg", "true"), ("audio/ogg", None)]
        for element, name in zip(found, [manifest.files.audio, manifest.files.opus],
                                 strict=True):
            path = folder / name
            assert element.get("length") == str(path.stat().st_size)
            sources = element.findall(f"{{{namespace}}}source")
            assert [s.get("uri") for s in sources] == [f"{BASE}/{manifest.slug}/{name}"]
            integrity = element.find(f"{{{namespace}}}integrity")
            assert (integrity.get("type"), integrity.get("value")) == ("sri", _sri(path))
    assert item.find("enclosure").get("url").endswith(".mp3")  # the enclosure stays the MP3


def test_a_changed_file_changes_its_integrity(opus_build, tmp_path):
    """The value is the file's hash, not a record of it: rewrite the feed after a change."""
    out, folder, manifest = opus_build
    copy = tmp_path / "out"
    subprocess.run(["cp", "-r", str(out), str(copy)], check=True)
    opus = copy / folder.name / manifest.files.opus
    opus.write_bytes(opus.read_bytes() + b"\0")
    write_feed(copy, FEED)
    values = [e.get("value") for e in _channel(copy).iter(f"{{{PODCAST}}}integrity")]
    assert values[1] == _sri(opus) != _sri(out / folder.name / manifest.files.opus)


# -- the Opus file ---------------------------------------------------------------------------


def test_opus_has_the_mp3s_chapters_to_the_millisecond(opus_build):
    _, folder, manifest = opus_build
    mp3 = [(frame.start_time, frame.sub_frames["TIT2"].text[0])
           for frame in sorted(ID3(folder / manifest.files.audio).getall("CHAP"),
                               key=lambda frame: frame.start_time)]
    tags = OggOpus(folder / manifest.files.opus).tags
    numbers = sorted(key for key, _ in tags  # (Vorbis comments: a list of pairs)
                     if key.upper().startswith("CHAPTER") and not key.upper().endswith("NAME"))
    opus = []
    for key in numbers:
        hours, minutes, seconds = tags[key][0].split(":")
        start = round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)
        opus.append((start, tags[key + "NAME"][0]))
    assert len(mp3) == len(manifest.chapters) > 1
    assert opus == mp3
    # ffmpeg reads the same chapters from the Ogg comments
    assert [(c["start_ms"], c["title"]) for c in ffmpeg_chapters(folder / manifest.files.opus)] \
        == mp3
    assert tags["TITLE"] == [manifest.title] and tags["ARTIST"] == ["Ines Marlow"]


def test_opus_lasts_as_long_as_the_mp3_and_decodes(opus_build):
    _, folder, manifest = opus_build
    opus, mp3 = folder / manifest.files.opus, folder / manifest.files.audio
    info = OggOpus(opus).info
    # mutagen counts the MP3's whole frames: LAME's 576 samples of delay, the decoder's 529
    # and up to a frame of padding, 2,256 samples (51.2 ms) at most; ffmpeg trims them below
    assert abs(info.length - MP3(mp3).info.length) < 0.0512 + 0.002
    assert abs(ffmpeg_duration_ms(opus) - ffmpeg_duration_ms(mp3)) < 50
    assert abs(ffmpeg_duration_ms(opus) - manifest.duration_ms) < 50
    decoded = subprocess.run([ffmpeg_exe(), "-v", "error", "-xerror", "-i", str(opus),
                              "-f", "null", "-"], capture_output=True, text=True)
    assert decoded.returncode == 0 and not decoded.stderr.strip(), decoded.stderr
    # the audio at about half the MP3's bitrate (the cover art, in both, is left out)
    assert info.bitrate < 0.6 * MP3(mp3).info.bitrate


def test_without_opus_there_is_no_alternate(short_article, tmp_path):
    folder = _build(short_article, tmp_path / "out")
    manifest = Manifest.read(folder)
    assert manifest.files.opus is None and not list(folder.glob("*.opus"))
    assert json.loads((folder / "episode.json").read_text())["files"]["opus"] is None
    write_feed(tmp_path / "out", FEED)
    channel = _channel(tmp_path / "out")
    assert channel.find(f".//{{{PODCAST}}}alternateEnclosure") is None
    assert channel.find(f"item/{{{PODCAST}}}txt").text == "true"  # the disclosure stays


def test_m4b_and_opus_both_listed(short_article, tmp_path):
    folder = _build(short_article, tmp_path / "out", "--format", "m4b", "--opus")
    manifest = Manifest.read(folder)
    write_feed(tmp_path / "out", FEED)
    found = _channel(tmp_path / "out").findall(f"item/{{{PODCAST}}}alternateEnclosure")
    assert [(e.get("type"), e.get("title"), e.get("default")) for e in found] == [
        ("audio/x-m4a", "M4B audiobook", "true"), ("audio/ogg", "Opus", None)]
    assert abs(OggOpus(folder / manifest.files.opus).info.length * 1000
               - manifest.duration_ms) < 50


def test_a_listed_opus_that_is_gone_is_one_clear_error(tmp_path):
    folder = make_episode(tmp_path, "ep", "Episode")
    data = json.loads((folder / "episode.json").read_text(encoding="utf-8"))
    data["files"]["opus"] = "ep.opus"
    (folder / "episode.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SourceError, match="'ep.opus' is missing; rebuild") as caught:
        write_feed(tmp_path, FEED)
    assert "\n" not in str(caught.value)


# -- medium: podcast, or audiobook for books -------------------------------------------------


@pytest.mark.parametrize(("source", "identity", "book"), [
    ("notes.md", "/a/notes.md", False),
    ("https://example.org/post.html", "https://example.org/post.html", False),
    ("novel.epub", "/a/novel.epub", True),
    ("Report.PDF", "/a/Report.PDF", True),
    ("https://example.org/files/manual.pdf?x=1", "https://example.org/files/manual.pdf?x=1",
     True),
    ("book", "/a/book#chapter-3", True),  # a book known by its bytes, one chapter of it
    ("https://example.org/p", "https://example.org/p#chapter-3", False),
])
def test_from_book(source, identity, book):
    assert from_book(Manifest(source=source, identity=identity)) is book


def test_medium_is_audiobook_only_when_every_episode_is_a_book(tmp_path):
    for slug, source in (("one", "novel.epub"), ("two", "novel.pdf")):
        folder = make_episode(tmp_path, slug, slug.title())
        data = json.loads((folder / "episode.json").read_text(encoding="utf-8"))
        (folder / "episode.json").write_text(json.dumps(data | {"source": source}),
                                             encoding="utf-8")
    write_feed(tmp_path, FEED)
    assert _channel(tmp_path).findtext(f"{{{PODCAST}}}medium") == "audiobook"
    make_episode(tmp_path, "three", "Three")  # an article: three.md
    write_feed(tmp_path, FEED)
    assert _channel(tmp_path).findtext(f"{{{PODCAST}}}medium") == "podcast"
    assert feed_medium([]) == "podcast"


# -- small parts -----------------------------------------------------------------------------


def test_chapter_comments_and_bitrate():
    chapters = [Chapter("Intro", 0, 1500), Chapter("Two", 1500, 3_723_456)]
    assert chapter_comments(chapters) == [
        ("CHAPTER001", "00:00:00.000"), ("CHAPTER001NAME", "Intro"),
        ("CHAPTER002", "00:00:01.500"), ("CHAPTER002NAME", "Two")]
    assert chapter_time(3_723_456) == "01:02:03.456"
    assert chapter_comments([Chapter(str(n), n, n + 1) for n in range(1000)])[-2][0] \
        == "CHAPTER1000"
    assert [opus_bitrate(b) for b in ("64k", "96k", "192k", "320k", "odd")] == [
        "32k", "48k", "64k", "64k", "32k"]
