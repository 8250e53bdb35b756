"""The podcast feed and series page, read back by feedparser and gPodder's podcastparser."""

from __future__ import annotations

import json
import uuid

import feedparser
import podcastparser
import pytest
from lxml import etree
from PIL import Image

from audioguide.errors import SettingsError, SourceError
from audioguide.series import feed as feed_module
from audioguide.series.feed import podcast_guid, write_feed
from audioguide.settings import FeedSettings
from test_publish_support import TRICKY_TITLE, assert_golden, make_episode, make_series

BASE = "https://example.org/pod cast"
SETTINGS = FeedSettings(
    title="Health & <Body> \U0001f4aa",
    author="Ada Writer",
    description="Articles read aloud.",
    base_url=BASE + "/",
    category="Health & Fitness/Fitness",
    language="en",
    email="ada@example.org",
)
FAKE_MP3 = b"\xff\xfb\x90\x64" + bytes(4996)  # 5000 bytes: the goldens must not depend on ffmpeg
PODCAST = "https://podcastindex.org/namespace/1.0"
LEGACY = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"


@pytest.fixture
def series(tmp_path):
    make_series(tmp_path)
    return tmp_path


def test_feedparser_reads_it(series):
    parsed = feedparser.parse(write_feed(series, SETTINGS).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == SETTINGS.title
    assert parsed.feed.language == "en"
    assert parsed.feed.image.href == "https://example.org/pod%20cast/cover.png"
    assert [t.term for t in parsed.feed.tags] == ["Health & Fitness", "Fitness"]
    titles = [entry.title for entry in parsed.entries]
    assert titles == [TRICKY_TITLE, "Back dimples"]  # newest first
    for entry, slug in zip(parsed.entries, ["salt-pepper", "back-dimples"], strict=True):
        manifest = json.loads((series / slug / "episode.json").read_text(encoding="utf-8"))
        size = (series / slug / f"{slug}.mp3").stat().st_size
        assert entry.id == manifest["guid"]
        assert entry.guidislink is False
        assert entry.itunes_duration == "6"
        assert entry.enclosures == [
            {
                "href": f"https://example.org/pod%20cast/{slug}/{slug}.mp3",
                "length": str(size),
                "type": "audio/mpeg",
            }
        ]
    assert parsed.entries[1].published == "Sun, 01 Nov 2026 00:00:00 +0000"  # front matter date
    assert parsed.entries[0].published == "Wed, 25 Nov 2026 08:30:00 +0000"  # first build


def test_podcastparser_reads_chapters_and_transcripts(series):
    path = write_feed(series, SETTINGS)
    with path.open("rb") as stream:
        parsed = podcastparser.parse("https://example.org/pod%20cast/feed.xml", stream)
    assert parsed["title"] == SETTINGS.title
    assert parsed["import_prohibited"] is True  # podcast:locked yes, under the legacy URL
    assert parsed["itunes_owner"] == {"name": "Ada Writer", "email": "ada@example.org"}
    assert [e["title"] for e in parsed["episodes"]] == [TRICKY_TITLE, "Back dimples"]
    episode = parsed["episodes"][0]
    url = "https://example.org/pod%20cast/salt-pepper/"
    assert episode["chapters_json_url"] == url + "salt-pepper.chapters.json"
    assert episode["transcript_url"].startswith(url)
    assert episode["total_time"] == 6
    assert (
        episode["enclosures"][0]["file_size"]
        == (series / "salt-pepper/salt-pepper.mp3").stat().st_size
    )
    # the title's "<pepper>" is text in the description, not a tag that a reader drops
    assert episode["description"].startswith('Salt & <pepper> "quoted"')


def test_namespace_rules(series):
    root = etree.fromstring(write_feed(series, SETTINGS).read_bytes())
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert root.nsmap["itunes"] == ITUNES
    assert {root.nsmap["podcast"], root.nsmap["podcast1"]} == {PODCAST, LEGACY}
    # every prefix used is declared on the root (no re-declarations deeper down)
    for element in root.iter():
        assert element.nsmap == root.nsmap
    channel = root.find("channel")
    feed_url = "https://example.org/pod%20cast/feed.xml"
    for namespace in (PODCAST, LEGACY):
        assert channel.findtext(f"{{{namespace}}}guid") == podcast_guid(feed_url)
        assert channel.findtext(f"{{{namespace}}}locked") == "yes"
    expected_guid = uuid.uuid5(
        uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "example.org/pod%20cast/feed.xml"
    )
    assert podcast_guid(feed_url) == str(expected_guid)
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert (self_link.get("rel"), self_link.get("href")) == ("self", feed_url)
    assert channel.find(f"{{{ITUNES}}}category").get("text") == "Health & Fitness"
    assert channel.findtext(f"{{{ITUNES}}}explicit") == "false"
    assert channel.findtext(f"{{{ITUNES}}}owner/{{{ITUNES}}}email") == "ada@example.org"
    for item in channel.findall("item"):
        for namespace in (PODCAST, LEGACY):
            chapters = item.find(f"{{{namespace}}}chapters")
            assert chapters.get("type") == "application/json+chapters"
            types = [t.get("type") for t in item.findall(f"{{{namespace}}}transcript")]
            assert types == [
                "text/vtt",
                "application/x-subrip",
                "application/json",
                "text/plain",
                "text/html",
            ]
        assert item.find("guid").get("isPermaLink") == "false"


def test_cover_is_made_when_none_given(series):
    write_feed(series, SETTINGS)
    with Image.open(series / "cover.png") as image:
        assert (image.format, image.size) == ("PNG", (1400, 1400))


def test_given_image_is_checked_and_copied(series, tmp_path_factory):
    folder = tmp_path_factory.mktemp("art")
    Image.new("RGB", (1500, 1500), "navy").save(folder / "art.jpg")
    Image.new("RGB", (1500, 1000), "navy").save(folder / "wide.png")
    path = write_feed(
        series, FeedSettings(**{**SETTINGS.__dict__, "image": str(folder / "art.jpg")})
    )
    assert (series / "cover.jpg").read_bytes() == (folder / "art.jpg").read_bytes()
    assert "https://example.org/pod%20cast/cover.jpg" in path.read_text(encoding="utf-8")
    with pytest.raises(SettingsError, match="square PNG or JPEG"):
        write_feed(series, FeedSettings(**{**SETTINGS.__dict__, "image": str(folder / "wide.png")}))


def test_guids_and_bytes_stable_across_rewrites(series):
    first = write_feed(series, SETTINGS).read_bytes()
    make_series(series)  # a rebuild rewrites every episode folder
    second = write_feed(series, SETTINGS).read_bytes()
    assert first == second
    guids = [g.text for g in etree.fromstring(second).iter("guid")]
    assert len(set(guids)) == 2


def test_enclosure_length_is_the_file_on_disk(series):
    audio = series / "back-dimples" / "back-dimples.mp3"
    audio.write_bytes(audio.read_bytes() + b"\0" * 123)  # the manifest's "bytes" is now stale
    parsed = feedparser.parse(write_feed(series, SETTINGS).read_bytes())
    assert parsed.entries[1].enclosures[0]["length"] == str(audio.stat().st_size)


def test_m4b_enclosure_type(tmp_path):
    folder = make_episode(tmp_path, "book", "Book", audio=FAKE_MP3)
    (folder / "book.mp3").rename(folder / "book.m4b")
    manifest = json.loads((folder / "episode.json").read_text(encoding="utf-8"))
    manifest["files"]["audio"] = "book.m4b"
    (folder / "episode.json").write_text(json.dumps(manifest), encoding="utf-8")
    parsed = feedparser.parse(write_feed(tmp_path, SETTINGS).read_bytes())
    assert parsed.entries[0].enclosures[0]["type"] == "audio/x-m4a"


def test_missing_base_url_says_what_to_do(series):
    with pytest.raises(SettingsError, match=r"--base-url.*\[feed\]"):
        write_feed(series, FeedSettings(title="x"))
    with pytest.raises(SettingsError, match="http"):
        write_feed(series, FeedSettings(base_url="ftp://example.org"))
    assert not (series / "feed.xml").exists()


def test_no_episodes_or_missing_audio(tmp_path):
    with pytest.raises(SourceError, match="no episodes"):
        write_feed(tmp_path, SETTINGS)
    folder = make_episode(tmp_path, "gone", "Gone", audio=FAKE_MP3)
    (folder / "gone.mp3").unlink()
    with pytest.raises(SourceError, match="missing"):
        write_feed(tmp_path, SETTINGS)
    assert not (tmp_path / "feed.xml").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_corrupt_manifest_is_one_clear_error(tmp_path):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "episode.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SourceError, match="bad/episode.json"):
        write_feed(tmp_path, SETTINGS)


def test_feed_golden(tmp_path):
    make_series(tmp_path, audio=FAKE_MP3)
    assert_golden("feed.xml", write_feed(tmp_path, SETTINGS).read_text(encoding="utf-8"))


def test_series_page_golden(tmp_path):
    make_series(tmp_path, audio=FAKE_MP3)
    write_feed(tmp_path, SETTINGS)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert_golden("series.html", html)
    assert 'href="salt-pepper/index.html"' in html
    assert "&lt;pepper&gt;" in html and "<pepper>" not in html


def test_module_does_not_import_heavy_libraries_at_import_time():
    assert "etree" not in vars(feed_module)
