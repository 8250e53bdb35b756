"""`audioguide feed --check`: the examples, built for real, pass; a feed broken in each way
Apple Podcasts or the Podcast Index would refuse gets that problem, one line each."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from PIL import Image

from audioguide.cli import cli
from audioguide.errors import SourceError
from audioguide.series.check import APPLE_CATEGORIES, check_feed

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
BASE = "https://example.org/pod"


def image(path: Path, size: tuple[int, int], mode: str = "RGB", kind: str = "JPEG") -> Path:
    Image.new(mode, size, "teal" if mode in ("RGB", "CMYK") else 3).save(path, kind)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The two example articles, built with espeak by the real command."""
    folder = tmp_path_factory.mktemp("examples-out")
    sources = sorted(str(p) for p in EXAMPLES.iterdir() if p.suffix in (".md", ".txt"))
    done = subprocess.run(
        [sys.executable, "-m", "audioguide", "build", *sources, "--engine", "espeak",
         "-o", str(folder), "--quiet"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    image(folder.parent / "art.jpg", (1600, 1600))
    return folder


@pytest.fixture
def folder(built, tmp_path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(built, copy)
    return copy


def runner() -> CliRunner:
    """stdout and stderr apart, on click 8.1 (mix_stderr) and 8.2+ (always apart)."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def feed(folder: Path, *options: str):
    args = ["feed", str(folder), "--base-url", BASE, "--title", "Examples", *options]
    return runner().invoke(cli, args)


def good_feed(folder: Path) -> Path:
    """A feed that passes: https, a 1600 px JPEG, an owner e-mail."""
    result = feed(folder, "--image", str(folder.parent.parent / "art.jpg"), "--email",
                  "owner@example.org", "--category", "Education/How To")
    assert result.exit_code == 0, result.output
    assert check_feed(folder) == []
    return folder / "feed.xml"


def edit_feed(path: Path, change) -> None:
    tree = etree.parse(str(path))
    change(tree.getroot().find("channel"))
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def test_the_examples_pass(built, tmp_path):
    folder = tmp_path / "out"
    shutil.copytree(built, folder)
    result = feed(folder, "--image", str(built.parent / "art.jpg"), "--email",
                  "owner@example.org", "--check")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"wrote {folder / 'feed.xml'}",
        f"feed check passed: {folder / 'feed.xml'} meets Apple Podcasts' and the Podcast "
        "Index's rules",
    ]


def test_an_http_base_url_is_one_line_per_enclosure(folder):
    result = runner().invoke(cli, ["feed", str(folder), "--base-url", "http://example.org/p",
                                    "--email", "o@example.org", "--check"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()[1:]
    assert len(lines) == 2, lines
    assert all(" is not HTTPS; give --base-url https://..." in line for line in lines)
    assert lines[0].startswith('item 1 "')
    assert "Traceback" not in result.output


def test_no_email_and_no_verification_tag(folder):
    result = feed(folder, "--check")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        'channel: no owner e-mail (itunes:owner) and no podcast:txt '
        'purpose="applepodcastsverify"; pass --email']
    assert "1 problem(s)" in result.stderr


def test_apples_verification_tag_stands_for_the_email(folder):
    assert feed(folder).exit_code == 0
    assert len(check_feed(folder)) == 1

    def add_token(channel):
        txt = etree.SubElement(channel, f"{{{PODCAST}}}txt", purpose="applepodcastsverify")
        txt.text = "d3b07384-d9a0-4c9b-8f3c-0c5a1b2e3f4a"

    edit_feed(folder / "feed.xml", add_token)
    assert check_feed(folder) == []


def test_a_replaced_audio_file_has_the_wrong_length(folder):
    good_feed(folder)
    mp3 = sorted(folder.glob("walking-*/*.mp3"))[0]
    before = mp3.stat().st_size
    mp3.write_bytes(mp3.read_bytes() + bytes(417))  # a re-encode after the feed was written
    problems = check_feed(folder)
    assert problems == [
        f'item 2 "Walking Meetings That Actually Work": enclosure length {before} but '
        f"{mp3.relative_to(folder)} has {before + 417} bytes; run audioguide feed again"]


def test_a_missing_audio_file(folder):
    good_feed(folder)
    mp3 = sorted(folder.glob("home-*/*.mp3"))[0]
    mp3.unlink()
    (problem,) = check_feed(folder)
    assert problem.startswith('item 1 "Home Composting') and "is not a file in" in problem


@pytest.mark.parametrize(("size", "mode", "kind", "found"), [
    ((600, 600), "RGB", "JPEG", "600x600 px"),
    ((3200, 3200), "RGB", "JPEG", "3200x3200 px"),
    ((1400, 1500), "RGB", "JPEG", "1400x1500 px"),
    ((1400, 1400), "CMYK", "JPEG", "JPEG in CMYK"),
    ((1400, 1400), "P", "PNG", "PNG in P"),
    ((1400, 1400), "RGB", "GIF", "GIF in P"),
])
def test_artwork_apple_would_refuse(folder, size, mode, kind, found):
    good_feed(folder)
    image(folder / "cover.jpg", size, mode, kind)  # replaced after the feed was written
    (problem,) = check_feed(folder)
    assert problem.startswith(f"artwork cover.jpg: {found}")
    assert "square JPEG or PNG in RGB from 1400 to 3000 px" in problem


def test_artwork_whose_name_lies_about_its_format(folder):
    good_feed(folder)
    image(folder / "cover.jpg", (1400, 1400), kind="PNG")
    assert check_feed(folder) == ["artwork cover.jpg: a PNG needs the extension .png"]


def test_a_600_px_image_is_refused_when_the_feed_is_written(folder, tmp_path):
    result = feed(folder, "--image", str(image(tmp_path / "small.png", (600, 600), kind="PNG")),
                  "--email", "o@example.org", "--check")
    assert result.exit_code == 2
    assert "600x600" in result.stderr and len(result.stderr.splitlines()) == 1


def test_categories(folder):
    result = feed(folder, "--email", "o@example.org", "--category", "Podcasting", "--check")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        'category "Podcasting" is not one of Apple Podcasts\' categories (e.g. "Education", '
        '"Health & Fitness/Fitness")']
    result = feed(folder, "--email", "o@example.org", "--category", "Education/Fitness",
                  "--check")
    assert result.stdout.splitlines()[1:] == [
        'category "Education" has no subcategory "Fitness" in Apple Podcasts']
    result = feed(folder, "--email", "o@example.org", "--category", "Health & Fitness/Fitness",
                  "--check")
    assert result.exit_code == 0, result.output
    assert len(APPLE_CATEGORIES) == 19


def test_no_category(folder):
    good_feed(folder)
    edit_feed(folder / "feed.xml", lambda channel: [
        channel.remove(e) for e in channel.findall(f"{{{ITUNES}}}category")])
    assert check_feed(folder) == [
        "channel: no itunes:category; give --category with one of Apple's categories"]


def test_explicit_flag(folder):
    good_feed(folder)
    edit_feed(folder / "feed.xml",
              lambda channel: setattr(channel.find(f"{{{ITUNES}}}explicit"), "text", "clean"))
    assert check_feed(folder) == [
        'channel: itunes:explicit is "clean"; Apple reads "true" or "false"']
    edit_feed(folder / "feed.xml",
              lambda channel: channel.remove(channel.find(f"{{{ITUNES}}}explicit")))
    assert check_feed(folder) == ["channel: no itunes:explicit; pass --explicit or --clean"]


def test_language(folder):
    good_feed(folder)
    edit_feed(folder / "feed.xml",
              lambda channel: setattr(channel.find("language"), "text", "English"))
    assert check_feed(folder) == [
        'channel: language "English" is not a language code like en or fr-CA']
    edit_feed(folder / "feed.xml", lambda channel: channel.remove(channel.find("language")))
    assert check_feed(folder) == ["channel: no language; pass --language (en, fr-CA...)"]


def test_an_item_without_guid_title_pubdate(folder):
    good_feed(folder)

    def strip(channel):
        item = channel.find("item")
        for tag in ("guid", "title", "pubDate", f"{{{ITUNES}}}title"):
            item.remove(item.find(tag))

    edit_feed(folder / "feed.xml", strip)
    assert check_feed(folder) == ["item 1: no guid, no title, no pubDate"]


def test_an_item_without_enclosure(folder):
    good_feed(folder)
    edit_feed(folder / "feed.xml",
              lambda channel: channel.find("item").remove(channel.find("item/enclosure")))
    (problem,) = check_feed(folder)
    assert problem.endswith(": no enclosure, no enclosure length, no enclosure type")


def test_an_enclosure_type_apple_does_not_play(folder):
    good_feed(folder)
    edit_feed(folder / "feed.xml",
              lambda channel: channel.find("item/enclosure").set("type", "audio/ogg"))
    (problem,) = check_feed(folder)
    assert problem.endswith("enclosure type audio/ogg is not one Apple plays")


def test_two_items_with_one_guid(folder):
    good_feed(folder)
    edit_feed(folder / "feed.xml", lambda channel: setattr(
        channel.findall("item")[1].find("guid"), "text", channel.find("item/guid").text))
    (problem,) = check_feed(folder)
    assert problem.startswith('guid "') and problem.endswith('" is used by 2 items')


def test_an_enclosure_elsewhere_cannot_be_measured(folder):
    good_feed(folder)
    edit_feed(folder / "feed.xml", lambda channel: channel.find("item/enclosure").set(
        "url", "https://cdn.example.net/x.mp3"))
    (problem,) = check_feed(folder)
    assert problem.endswith("enclosure https://cdn.example.net/x.mp3 is not a file in "
                            f"{folder}")


def test_an_unreadable_feed_is_one_error(folder):
    (folder / "feed.xml").write_text("<rss><channel>", encoding="utf-8")
    with pytest.raises(SourceError, match="not well-formed XML"):
        check_feed(folder)
    (folder / "feed.xml").write_text("<html/>", encoding="utf-8")
    with pytest.raises(SourceError, match="not an RSS feed"):
        check_feed(folder)


def test_article_text_in_a_problem_stays_one_plain_line(folder):
    good_feed(folder)
    edit_feed(folder / "feed.xml", lambda channel: setattr(
        channel.find("item/title"), "text", "Evil\u202e\n\ttitle"))
    edit_feed(folder / "feed.xml", lambda channel: channel.find("item/enclosure").set(
        "url", "http://example.org/pod/x.mp3"))
    problems = check_feed(folder)
    assert problems and all(p.startswith('item 1 "Evil title"') for p in problems)
    assert not any(ch in "".join(problems) for ch in "\u202e\n\t")


def test_a_channel_without_title_or_description(folder):
    good_feed(folder)

    def strip(channel):
        for tag in ("title", "description", f"{{{ITUNES}}}title", f"{{{ITUNES}}}summary"):
            for element in channel.findall(tag):
                channel.remove(element)

    edit_feed(folder / "feed.xml", strip)
    assert check_feed(folder) == ["channel: no title; pass --title",
                                  "channel: no description; pass --description"]
