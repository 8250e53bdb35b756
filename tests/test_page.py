"""The read-along player page: built from the manifest, article text never becomes markup."""

from __future__ import annotations

import base64
import hashlib

import pytest
from lxml import html as lxml_html

from audioguide.episode.page import (
    episode_page_html,
    html_lang,
    local_href,
    transcript_html,
    write_episode_page,
)
from audioguide.manifest import Manifest
from test_publish_support import TRICKY_TITLE, assert_golden, manifest_for


def with_words(data: dict) -> dict:
    """Every cue's words, as shares of the cue (the page only reads them)."""
    for cue in data["cues"]:
        texts = cue["text"].split()
        span = (cue["end_ms"] - cue["start_ms"]) // max(1, len(texts))
        cue["words"] = [{"text": text, "start_ms": cue["start_ms"] + n * span,
                         "end_ms": cue["start_ms"] + (n + 1) * span - 10}
                        for n, text in enumerate(texts)]
    return data


@pytest.fixture
def manifest():
    return manifest_for("salt-pepper", TRICKY_TITLE, None, "2026-11-25T08:30:00+00:00", 48_526)


@pytest.fixture
def worded(manifest):
    """The same episode with word timings (a build with any engine has them)."""
    return with_words(manifest)


def test_page_golden(worded):
    assert_golden("episode.html", episode_page_html(Manifest.from_json(worded)))


def test_article_text_never_becomes_markup(manifest):
    page = episode_page_html(Manifest.from_json(manifest))
    assert "<script>alert(1)" not in page
    assert page.count("<script>") == 1  # the player's own
    tree = lxml_html.fromstring(page)
    spoken = tree.xpath("//*[@id='transcript']//*[@data-start]")
    assert len(spoken) == len(manifest["cues"])
    assert spoken[5].text_content() == "</script><script>alert(1)</script>"
    assert tree.findtext(".//h1") == TRICKY_TITLE
    assert tree.xpath("//title/text()") == [TRICKY_TITLE]


def test_player_structure(manifest):
    tree = lxml_html.fromstring(episode_page_html(Manifest.from_json(manifest)))
    assert tree.get("lang") == "en"
    audio = tree.get_element_by_id("audio")
    assert audio.get("src") == "salt-pepper.mp3"
    assert audio.get("preload") == "metadata" and audio.get("controls") is not None
    assert audio.get("autoplay") is None
    buttons = tree.xpath("//button[@data-seek]")
    assert [b.get("data-seek") for b in buttons] == ["0.000", "2.000", "4.250"]
    assert [b.get("type") for b in buttons] == ["button"] * 3
    speeds = tree.xpath("//select[@id='speed']/option/@value")
    assert speeds[0] == "0.75" and speeds[-1] == "2"
    assert tree.xpath("//label[@for='speed']")
    assert tree.xpath("//a[@class='skip']/@href") == ["#transcript"]
    assert [h.text_content() for h in tree.xpath("//*[@id='transcript']/h3")] == [
        "Introduction",
        "Why it <matters> & how",
        "Questions",
    ]
    links = tree.xpath("//section[@class='downloads']//a/@href")
    assert links[0] == "salt-pepper.mp3" and "salt-pepper.vtt" in links
    # the synthetic voice disclosed (no disclosure recorded: made from engine and voice), then
    # the credit
    assert tree.xpath("//p[@class='credit']/text()") == [
        "Read by a synthetic voice: Piper en_US-joe-medium.", manifest["credit"]]


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_csp_allows_exactly_the_inline_blocks(manifest):
    tree = lxml_html.fromstring(episode_page_html(Manifest.from_json(manifest)))
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == _sha(tree.findtext(".//script"))
    assert directives["style-src"] == _sha(tree.findtext(".//style"))
    assert directives["media-src"] == "'self'"
    assert "unsafe" not in csp
    assert not tree.xpath("//*[@style or @onclick or @onload]")


def test_write_episode_page(tmp_path, manifest):
    path = write_episode_page(tmp_path, Manifest.from_json(manifest))
    assert path == tmp_path / "index.html"
    assert path.read_text(encoding="utf-8") == episode_page_html(Manifest.from_json(manifest))
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


def test_paragraphs_without_paragraph_marks(manifest):
    cues = [{k: v for k, v in cue.items() if k != "paragraph_end"} for cue in manifest["cues"]]
    typed = Manifest.from_json({**manifest, "cues": cues})
    tree = lxml_html.fromstring(transcript_html(typed.chapters, typed.cues))
    assert len(tree.xpath("//li")) == 2
    assert len(tree.xpath("//*[@data-start]")) == len(cues)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ("en", "ltr")),
        ("pt_BR", ("pt-BR", "ltr")),
        ("ar", ("ar", "rtl")),
        ('en"><script>', ("en", "ltr")),
        (None, ("en", "ltr")),
        ("he-il", ("he-IL", "rtl")),
        ("zh_hant", ("zh-Hant", "ltr")),
    ],
)
def test_html_lang(lang, expected):
    assert html_lang(lang) == expected


@pytest.mark.parametrize("name", ["../x.mp3", "/etc/passwd", "javascript:alert(1)", "a\\b", ""])
def test_local_href_refuses_names_that_leave_the_folder(name):
    assert local_href(name) is None


def test_local_href_quotes():
    assert local_href('a b"<.mp3') == "a%20b%22%3C.mp3"


def test_rtl_page_and_bidi_controls(manifest):
    manifest = {**manifest, "lang": "ar", "title": "\u202eabc"}
    tree = lxml_html.fromstring(episode_page_html(Manifest.from_json(manifest)))
    assert (tree.get("lang"), tree.get("dir")) == ("ar", "rtl")
    assert tree.findtext(".//h1") == "abc"


def test_page_chapters_agree_with_chapters_json(manifest):
    import json

    from audioguide.episode.chapters import chapters_json

    tree = lxml_html.fromstring(episode_page_html(Manifest.from_json(manifest)))
    document = json.loads(chapters_json(manifest["chapters"], manifest["title"]))
    seeks = [float(s) for s in tree.xpath("//button/@data-seek")]
    assert seeks == [c["startTime"] for c in document["chapters"]]
    titles = [b.text_content().split(" ", 1)[1] for b in tree.xpath("//button[@data-seek]")]
    assert titles == [c["title"] for c in document["chapters"]]


def test_every_word_is_an_element_with_its_times(worded):
    page = lxml_html.fromstring(episode_page_html(Manifest.from_json(worded)))
    assert len(page.xpath('//*[@id="transcript"]//*[contains(@class, "cue")]')) == len(
        worded["cues"])
    for number, cue in enumerate(worded["cues"]):
        (element,) = page.xpath(f'//*[@id="cue-{number}"]')
        spans = element.xpath('.//span[@class="w"]')
        assert [s.text_content() for s in spans] == cue["text"].split()
        assert [(int(s.get("data-start")), int(s.get("data-end"))) for s in spans] == [
            (w["start_ms"], w["end_ms"]) for w in cue["words"]]
        assert " ".join(element.text_content().split()) == " ".join(cue["text"].split())
    assert not page.xpath("//*[@aria-live]")
    assert page.xpath('//input[@id="words"][@type="checkbox"]')
    assert page.xpath('//button[@id="previous"]') and page.xpath('//button[@id="next"]')


def test_page_without_words_keeps_plain_sentences():
    data = manifest_for("plain", "Plain", None, "2026-11-25T08:30:00+00:00", 1)
    page = lxml_html.fromstring(episode_page_html(Manifest.from_json(data)))
    assert not page.xpath('//span[@class="w"]') and page.xpath('//span[@class="cue"]')
