"""The embeddable read-along player (`audioguide embed`): the snippet from the command line,
and the player in real headless Chromium inside a page that imitates a publisher's article
(header, menu, aside, comments), served with a strict Content-Security-Policy from one origin."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from audioguide.cli import cli
from audioguide.manifest import Manifest
from audioguide.series.embed import SCRIPT, STYLESHEET, player_files
from conftest import REGENERATE
from test_cli import one_line_error
from test_publish_browser import AXE, CHROMIUM, RangeHandler, axe_violations, browser, open_page

__all__ = ["browser"]  # the fixture, imported for its name

CSP = "default-src 'self'; script-src 'self'; style-src 'self'"
DOCS = Path(__file__).resolve().parents[1] / "docs"


def in_chromium(test):
    """Marks a test that needs Debian's chromium (the command-line tests here do not)."""
    test = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")(test)
    return pytest.mark.browser(test)


# The build's text has a typo ("somtimes") that the publisher fixes later (EDITS).
ARTICLE = """\
---
title: Why tomatoes split
author: Ana Gomez
---

Tomatoes split when water rushes into ripe fruit. The skin cannot stretch as fast as the
flesh grows.

## What causes it

Heavy rain after a dry week is the usual cause. Uneven watering somtimes does the same thing
in a greenhouse.

Some varieties resist splitting better than others:

- Cherry tomatoes with thick skins.
- Plum tomatoes grown for sauce.
- Older heirlooms, which split the most.

## How to prevent it

Water deeply twice a week instead of a little every day. A layer of mulch keeps the soil
evenly moist.

Pick the fruit when it starts to blush, and let it ripen indoors.
"""

# The same article as the publisher's page shows it: its own markup, a link, an emphasis.
STORY = """\
<h1>Why tomatoes split</h1>
<p class="byline">By Ana Gomez</p>
{snippet}
<p>Tomatoes split when water rushes into <a href="/ripe">ripe fruit</a>. The skin cannot
stretch as fast as the flesh grows.</p>
<aside aria-label="Related"><p>Heavy rain after a dry week is the usual cause of blight.</p>
</aside>
<h2>What causes it</h2>
<p>Heavy rain after a dry week is the <em>usual</em> cause. Uneven watering somtimes does the
same thing in a greenhouse.</p>
<p>Some varieties resist splitting better than others:</p>
<ul>
<li>Cherry tomatoes with thick skins.</li>
<li>Plum tomatoes grown for sauce.</li>
<li>Older heirlooms, which split the most.</li>
</ul>
<h2>How to prevent it</h2>
<aside aria-label="Pull quote"><p>Water deeply twice a week instead of a little every day. A
layer of mulch keeps the soil evenly moist.</p></aside>
<p>Water deeply twice a week instead of a little every day. A layer of mulch keeps the soil
evenly moist.</p>
<p>Pick the fruit when it starts to blush, and let it ripen indoors.</p>
"""
# A late typo fix, a changed word and a longer heading: the mapping must not notice.
EDITS = [("somtimes", "sometimes"),
         ("dry week is the <em>usual</em>", "dry spell is the <em>usual</em>"),
         ("How to prevent it", "How to prevent splitting")]

PAGE = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Why tomatoes split - The Garden Weekly</title>
<link rel="stylesheet" href="/site.css">
</head>
<body>
<header><p class="site"><a href="/">The Garden Weekly</a></p>
<nav aria-label="Main"><ul><li><a href="/">Home</a></li><li><a href="/tomatoes">Why tomatoes
split and other questions</a></li><li><a href="/about">About</a></li></ul></nav></header>
<main>
<article>
{story}
</article>
<section id="comments" aria-label="Comments"><h2>Comments</h2>
<article class="comment"><p>Pick the fruit when it starts to blush, and let it ripen indoors?
I always wait.</p></article></section>
</main>
<footer><p>The Garden Weekly, 2024</p></footer>
</body>
</html>
"""

SITE_CSS = """\
:root { color-scheme: light dark; }
body { font: 18px/1.6 sans-serif; max-width: 42rem; margin: 0 auto; padding: 1rem;
       background: #fff; color: #1b1b1b; }
a { color: #0b57a4; }
.byline, footer { color: #4a4a4a; }
aside { border-left: 4px solid #5a6470; padding-left: 1rem; }
@media (prefers-color-scheme: dark) {
  body { background: #121212; color: #ececec; }
  a { color: #8cc4ff; }
  .byline, footer { color: #c2c2c2; }
}
"""

# The page's blocks the player maps, in order, by a phrase of each.
MAPPED = ["Tomatoes split when", "What causes it", "Heavy rain after", "Some varieties",
          "Cherry tomatoes", "Plum tomatoes", "Older heirlooms", "How to prevent",
          "Water deeply", "Pick the fruit"]


class StrictHandler(RangeHandler):
    """The publisher's host: the output folder and the pages, with a strict CSP."""

    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()


@pytest.fixture(scope="module")
def episode(tmp_path_factory):
    """A real espeak build of ARTICLE: (output folder, episode folder, manifest)."""
    work = tmp_path_factory.mktemp("embed")
    source = work / "why-tomatoes-split.md"
    source.write_text(ARTICLE, encoding="utf-8")
    out = work / "out"
    subprocess.run([sys.executable, "-m", "audioguide", "build", str(source), "--engine",
                    "espeak", "--quiet", "-o", str(out)], check=True)
    folder = out / "why-tomatoes-split"
    return out, folder, Manifest.read(folder)


@pytest.fixture(scope="module")
def site(episode):
    """The output folder served on one origin with the publisher's pages beside it."""
    out, folder, manifest = episode
    handler = functools.partial(StrictHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    result = CliRunner().invoke(cli, ["embed", str(folder), "--base-url", base])
    assert result.exit_code == 0, result.output
    snippet = result.output
    story = STORY.format(snippet=snippet)
    edited = story
    for old, new in EDITS:
        assert old in edited
        edited = edited.replace(old, new)
    pages = {"article.html": story, "plain.html": STORY.format(snippet=""), "edited.html": edited,
             "words.html": story.replace('data-words="off"', 'data-words="on"')}
    bare = PAGE.replace("<main>\n<article>", "").replace("</article>\n<section", "<section")
    bare = bare.replace("</main>", "")
    (out / "bare.html").write_text(bare.format(story=story), encoding="utf-8")
    # The publisher dropped the last paragraph; a comment still quotes it.
    last = "<p>Pick the fruit when it starts to blush, and let it ripen indoors.</p>\n"
    assert last in story
    (out / "trimmed.html").write_text(bare.format(story=story.replace(last, "")),
                                      encoding="utf-8")
    for name, text in pages.items():
        (out / name).write_text(PAGE.format(story=text), encoding="utf-8")
    (out / "site.css").write_text(SITE_CSS, encoding="utf-8")
    yield base, manifest
    server.shutdown()
    server.server_close()


def publisher_page(browser, url: str, **options):
    """The page, its CSP and script problems, and every URL it requested, once the player is
    ready (its buttons are in the text)."""
    requests: list[str] = []
    page, problems = open_page(browser, "about:blank", **options)
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    page.wait_for_selector(".audioguide-player")
    wait(page, "document.querySelectorAll('[data-audioguide-from]').length > 0")
    return page, problems, requests


def wait(page, expression: str) -> None:
    """Wait until `expression` is true (as a function: the page's CSP rightly forbids eval)."""
    page.wait_for_function(f"() => ({expression})")


def reading(page) -> str:
    return page.evaluate("(e => e ? e.textContent : null)"
                         "(document.querySelector('[data-audioguide-reading]'))")


def seek(page, seconds: float) -> None:
    page.evaluate(f"document.querySelector('[data-audioguide] audio').currentTime = {seconds}")


def cue_start(manifest: Manifest, phrase: str) -> float:
    return next(c.start_ms for c in manifest.cues if c.text.startswith(phrase)) / 1000


def audio_js(expression: str) -> str:
    return f"(audio => {expression})(document.querySelector('[data-audioguide] audio'))"


def axe(page) -> list:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))})))"
    )


# -- the command line ---------------------------------------------------------------------------


def snippet_parts(text: str) -> list:
    return lxml.html.fragments_fromstring(text)


def test_embed_prints_one_script_and_one_element(episode):
    out, folder, manifest = episode
    result = CliRunner().invoke(cli, ["embed", str(folder), "--base-url",
                                      "https://example.org/pod/"])
    assert result.exit_code == 0, result.output
    script, box = snippet_parts(result.output)
    assert script.tag == "script" and script.get("src") == f"https://example.org/pod/{SCRIPT}"
    assert "defer" in script.attrib and not (script.text or "").strip()
    assert box.tag == "div"
    assert box.get("data-audioguide") == "https://example.org/pod/why-tomatoes-split/episode.json"
    audio_url = "https://example.org/pod/why-tomatoes-split/why-tomatoes-split.mp3"
    assert box.xpath("./audio[@controls]/@src") == [audio_url]
    assert box.xpath("./a/@href") == [audio_url]
    assert box.xpath("./audio/@aria-label")[0].startswith("Listen")
    whole = lxml.html.fromstring(f"<div>{result.output}</div>")
    assert len(whole.xpath("//script")) == 1 and not whole.xpath("//style | //*[@style]")
    assert not [a for e in whole.iter() for a in e.attrib if a.startswith("on")]
    for name, data in player_files().items():
        assert (out / name).read_bytes() == data


def test_player_files_are_written_only_when_they_change(episode):
    out, folder, _ = episode
    runner = CliRunner()
    runner.invoke(cli, ["embed", str(folder), "--base-url", "https://example.org/pod"])
    script = out / SCRIPT
    before = script.stat().st_ino
    runner.invoke(cli, ["embed", str(folder), "--base-url", "https://example.org/pod"])
    assert script.stat().st_ino == before  # the same file: not rewritten
    (out / STYLESHEET).write_text("/* an old version */", encoding="utf-8")
    result = runner.invoke(cli, ["embed", str(folder), "--base-url", "https://example.org/pod"])
    assert result.exit_code == 0
    assert (out / STYLESHEET).read_bytes() == player_files()[STYLESHEET]


def test_a_hostile_title_and_folder_name_stay_text(episode, tmp_path):
    _, folder, manifest = episode
    hostile = tmp_path / 'x"><img src=x onerror=alert(1)> &amp;'
    shutil.copytree(folder, hostile)
    title = '</div><script>alert("t")</script> & <b>bold</b>'
    manifest.title = title
    manifest.write(hostile)
    result = CliRunner().invoke(cli, ["embed", str(hostile), "--base-url", "https://e.org/p"])
    assert result.exit_code == 0, result.output
    parts = snippet_parts(result.output)
    assert [p.tag for p in parts] == ["script", "div"]
    box = parts[1]
    assert not box.xpath(".//img | .//script | .//b")
    assert box.xpath("./a")[0].text_content().startswith(f"Listen: {title}")
    assert box.xpath("./audio/@aria-label") == [f"Listen: {title}"]
    src = box.xpath("./audio/@src")[0]
    assert src.startswith("https://e.org/p/x%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E")
    assert box.get("data-audioguide").startswith(src.rsplit("/", 1)[0] + "/")


def test_all_prints_a_json_map_of_article_url_to_snippet(episode, tmp_path):
    _, folder, manifest = episode
    out = tmp_path / "site"
    shutil.copytree(folder, out / "why-tomatoes-split")
    shutil.copytree(folder, out / "from-the-web")
    manifest.identity = manifest.source = "https://garden.example/posts/tomatoes"
    manifest.write(out / "from-the-web")
    result = CliRunner().invoke(cli, ["embed", "--all", str(out), "--base-url",
                                      "https://garden.example/audio"])
    assert result.exit_code == 0, result.output
    snippets = json.loads(result.output)
    assert sorted(snippets) == ["https://garden.example/posts/tomatoes", "why-tomatoes-split"]
    web = snippet_parts(snippets["https://garden.example/posts/tomatoes"])[1]
    assert web.get("data-audioguide") == "https://garden.example/audio/from-the-web/episode.json"
    assert (out / SCRIPT).is_file() and (out / STYLESHEET).is_file()


def test_a_folder_without_an_episode_is_one_line(tmp_path):
    runner = CliRunner()
    line = one_line_error(runner.invoke(cli, ["embed", str(tmp_path), "--base-url",
                                              "https://e.org"]))
    assert str(tmp_path) in line
    line = one_line_error(runner.invoke(cli, ["embed", "--all", str(tmp_path), "--base-url",
                                              "https://e.org"]))
    assert "no episodes" in line
    assert not list(tmp_path.iterdir())  # nothing written


def test_a_bad_base_url_is_one_line(episode):
    _, folder, _ = episode
    line = one_line_error(CliRunner().invoke(cli, ["embed", str(folder), "--base-url",
                                                   "javascript:alert(1)"]), code=2)
    assert "--base-url" in line


# -- the player in the publisher's page ------------------------------------------------------


def mapped(page) -> list[str]:
    return page.evaluate("Array.from(document.querySelectorAll('[data-audioguide-from]'),"
                         " e => e.textContent.replace(/\\s+/g, ' ').trim())")


def assert_maps_every_block(page, expected: list[str]) -> None:
    blocks = mapped(page)
    assert len(blocks) == len(expected), blocks
    for block, phrase in zip(blocks, expected, strict=True):
        assert block.startswith(phrase), (block, phrase)
        assert block.endswith("Listen from here")


def only_this_origin(requests: list[str], base: str) -> None:
    assert requests, "no request recorded"
    strangers = [url for url in requests if not url.startswith(base + "/")]
    assert strangers == []


@in_chromium
@pytest.mark.parametrize(("name", "expected"), [
    ("article.html", MAPPED), ("edited.html", MAPPED), ("bare.html", MAPPED),
    ("trimmed.html", MAPPED[:-1])])
def test_the_player_maps_the_pages_own_blocks(browser, site, name, expected):
    """The episode's cues land on the page's paragraphs, items and headings, not on the menu,
    the asides (one a pull quote of the next paragraph) or the comments, also after the
    publisher edited the text, in a page without main or article, and when the publisher
    dropped a paragraph that a comment still quotes."""
    base, _ = site
    page, problems, requests = publisher_page(browser, f"{base}/{name}")
    assert_maps_every_block(page, expected)
    assert page.locator("aside [data-audioguide-from], #comments [data-audioguide-from], "
                        "nav [data-audioguide-from], h1[data-audioguide-from]").count() == 0
    assert page.locator("button.audioguide-here").count() == len(expected)
    only_this_origin(requests, base)
    assert problems == []
    page.context.close()




@in_chromium
def test_play_from_the_keyboard_and_change_speed(browser, site):
    base, _ = site
    page, problems, requests = publisher_page(browser, f"{base}/article.html")
    region = page.get_by_role("region", name="Listen to Why tomatoes split")
    assert region.count() == 1
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.className") == "audioguide-play":
            break
    assert page.evaluate("document.activeElement.textContent") == "Listen"
    ring = page.evaluate("(e => [e.matches(':focus-visible'), getComputedStyle(e).outlineStyle,"
                         " parseFloat(getComputedStyle(e).outlineWidth)])(document.activeElement)")
    assert ring[0] is True and ring[1] != "none" and ring[2] >= 2
    assert page.evaluate(audio_js("audio.paused"))  # no autoplay
    page.keyboard.press("Enter")
    wait(page, audio_js("!audio.paused && audio.currentTime > 0"))
    # The label follows the media element's play and pause events, which are queued tasks
    # that may run after `audio.paused` has changed: wait for the label, then read it.
    wait(page, "document.activeElement.textContent !== 'Listen'")
    assert page.evaluate("document.activeElement.textContent") == "Pause"
    page.keyboard.press("Space")
    wait(page, audio_js("audio.paused"))
    wait(page, "document.activeElement.textContent !== 'Pause'")
    assert page.evaluate("document.activeElement.textContent") == "Listen"
    page.keyboard.press("Tab")  # the position slider: arrows seek
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Position"
    page.keyboard.press("ArrowRight")
    wait(page, audio_js("audio.currentTime >= 1"))
    page.get_by_label("Speed").select_option("1.5")
    assert page.evaluate(audio_js("audio.playbackRate")) == 1.5
    only_this_origin(requests, base)
    assert problems == []
    page.context.close()


@in_chromium
def test_the_mark_follows_the_audio(browser, site):
    base, manifest = site
    page, problems, _ = publisher_page(browser, f"{base}/article.html")
    wait(page, audio_js("audio.readyState >= 1"))
    assert reading(page) is None
    for phrase, element in [("Uneven watering", "Heavy rain after"), ("Plum", "Plum tomatoes"),
                            ("How to prevent", "How to prevent it"), ("Tomatoes", "Tomatoes")]:
        seek(page, cue_start(manifest, phrase) + 0.1)
        wait(page, "(e => e && e.textContent.trim().startsWith("
                               f"{json.dumps(element)}))"
                               "(document.querySelector('[data-audioguide-reading]'))")
        assert page.locator("[data-audioguide-reading]").count() == 1
    assert page.locator("[data-audioguide-word]").count() == 0  # words are off by default
    assert problems == []
    page.context.close()


@in_chromium
def test_listen_from_here_on_the_last_paragraph(browser, site):
    base, manifest = site
    page, problems, requests = publisher_page(browser, f"{base}/article.html")
    last = page.locator("p[data-audioguide-from]", has_text="Pick the fruit").first
    button = last.locator("button.audioguide-here")
    assert button.evaluate("b => getComputedStyle(b).opacity") == "0"
    last.hover()
    assert button.evaluate("b => getComputedStyle(b).opacity") == "1"
    button.click()
    start = cue_start(manifest, "Pick the fruit")
    wait(page, audio_js(f"!audio.paused && audio.currentTime >= {start}"))
    position = page.evaluate(audio_js("(audio.pause(), audio.currentTime)"))
    assert start <= position < start + 2
    assert reading(page).startswith("Pick the fruit")
    # from the keyboard too: the button is in the Tab order and shows itself when focused
    first = page.locator("p[data-audioguide-from]", has_text="Tomatoes split").first
    first.locator("button.audioguide-here").focus()
    assert first.locator("button").evaluate("b => getComputedStyle(b).opacity") == "1"
    page.keyboard.press("Enter")
    tomatoes = cue_start(manifest, "Tomatoes")
    wait(page, audio_js(f"!audio.paused && audio.currentTime < {tomatoes + 2}"))
    page.evaluate(audio_js("audio.pause()"))
    only_this_origin(requests, base)
    assert problems == []
    page.context.close()


@in_chromium
def test_it_remembers_where_the_listener_stopped(browser, site):
    base, manifest = site
    page, problems, _ = publisher_page(browser, f"{base}/article.html")
    wait(page, audio_js("audio.readyState >= 1"))
    page.locator(".audioguide-play").click()
    wait(page, audio_js("!audio.paused"))
    seek(page, 20)
    wait(page, audio_js("audio.currentTime >= 20"))
    page.evaluate(audio_js("audio.pause()"))
    page.reload()
    page.wait_for_selector(".audioguide-player")
    wait(page, audio_js("audio.currentTime >= 20"))
    assert page.evaluate(audio_js("audio.paused"))  # remembered, not started
    assert problems == []
    page.context.close()


@in_chromium
def test_one_polite_announcement(browser, site):
    base, _ = site
    page, problems, _ = publisher_page(browser, f"{base}/article.html")
    live = page.locator("[aria-live]")
    assert live.count() == 1 and live.get_attribute("aria-live") == "polite"
    wait(page, "document.querySelector('[aria-live]').textContent.length > 0")
    said = live.text_content()
    assert said.startswith("Audio version of \u201cWhy tomatoes split\u201d")
    page.locator(".audioguide-play").click()
    wait(page, audio_js("!audio.paused && audio.currentTime > 0.5"))
    page.evaluate(audio_js("audio.pause()"))
    assert live.text_content() == said  # nothing more is announced
    page.context.close()


@in_chromium
def test_word_marks_stay_inside_the_element_being_read(browser, site):
    base, manifest = site
    page, problems, _ = publisher_page(browser, f"{base}/words.html")
    wait(page, audio_js("audio.readyState >= 1"))
    paragraph = page.locator("p[data-audioguide-from]", has_text="Heavy rain after").first
    before = paragraph.inner_html()
    cue = next(c for c in manifest.cues if c.text.startswith("Heavy rain"))
    seek(page, (cue.words[2].start_ms + 20) / 1000)  # "after"
    wait(page, "document.querySelector('[data-audioguide-word]')?.textContent"
                           " === 'after'")
    assert page.locator("[data-audioguide-word]").count() == 1
    assert page.locator("[data-audioguide-reading] .audioguide-word").count() > 10
    assert page.locator(".audioguide-word").count() == \
        page.locator("[data-audioguide-reading] .audioguide-word").count()
    assert paragraph.locator("em").inner_text() == "usual"  # the page's own markup kept
    seek(page, cue_start(manifest, "Pick the fruit") + 0.1)
    wait(page, "document.querySelector('[data-audioguide-reading]')"
                           "?.textContent.startsWith('Pick')")
    assert paragraph.inner_html() == before  # put back as it was
    assert problems == []
    page.context.close()


@in_chromium
def test_without_javascript_the_plain_audio_and_link_remain(browser, site):
    base, _ = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/article.html")
    box = page.locator("[data-audioguide]")
    assert box.locator("audio[controls]").count() == 1
    link = box.locator("a[href$='.mp3']")
    assert link.inner_text().startswith("Listen: Why tomatoes split")
    assert page.locator(".audioguide-player, .audioguide-here").count() == 0
    context.close()


def violation_ids(violations: list) -> set[tuple[str, str]]:
    return {(v["id"], node) for v in violations for node in v["nodes"]}


@in_chromium
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_player_adds_no_axe_violation(browser, site, scheme):
    """axe on the page without the snippet, then with it: ready, with a paragraph and a word
    marked and a Listen from here button shown. The set of violations must not grow."""
    base, manifest = site
    without = axe_violations(browser, f"{base}/plain.html", scheme)
    page, problems, _ = publisher_page(browser, f"{base}/words.html", bypass_csp=True,
                                       color_scheme=scheme)
    assert violation_ids(axe(page)) <= violation_ids(without)
    wait(page, audio_js("audio.readyState >= 1"))
    cue = next(c for c in manifest.cues if c.text.startswith("Heavy rain"))
    seek(page, (cue.words[1].start_ms + 20) / 1000)
    page.wait_for_selector("[data-audioguide-word]")
    page.locator("p[data-audioguide-from]", has_text="Water deeply").first.hover()
    assert violation_ids(axe(page)) <= violation_ids(without)
    assert without == []  # the publisher's page itself is clean, so 0 were added
    page.context.close()


@in_chromium
def test_screenshot_for_the_readme(browser, site, tmp_path):
    """The player on the sample page, a paragraph and a word marked; AUDIOGUIDE_REGEN_GOLDEN=1
    writes it to docs/embed-player.png, the README's picture."""
    base, manifest = site
    page, problems, _ = publisher_page(browser, f"{base}/words.html",
                                       viewport={"width": 720, "height": 900})
    wait(page, audio_js("audio.readyState >= 1"))
    cue = next(c for c in manifest.cues if c.text.startswith("Heavy rain"))
    seek(page, (cue.words[4].start_ms + 20) / 1000)
    page.wait_for_selector("[data-audioguide-word]")
    page.locator("li[data-audioguide-from]", has_text="Plum").hover()
    path = (DOCS if os.environ.get(REGENERATE) == "1" else tmp_path) / "embed-player.png"
    page.screenshot(path=str(path))
    assert 10_000 < path.stat().st_size < 150_000
    assert problems == []
    page.context.close()
