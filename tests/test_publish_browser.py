"""The player page and series page in real headless Chromium (Debian's), with axe-core."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from audioguide.episode.page import write_episode_page
from audioguide.manifest import Manifest
from audioguide.series.feed import write_feed
from audioguide.series.serve import PodcastHostHandler
from audioguide.settings import FeedSettings
from test_publish_support import make_series

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium"
    ),
]


class RangeHandler(PodcastHostHandler):
    """The host `audioguide serve` runs (byte ranges, ETags, MIME types), over `directory`:
    browsers seek media with ranges, as real hosts serve them."""

    def __init__(self, *args, directory: str, **kwargs):
        super().__init__(*args, root=Path(directory).resolve(), **kwargs)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    for folder in make_series(root):
        write_episode_page(folder, Manifest.read(folder))
    write_feed(root, FeedSettings(title="Health & <Body>", base_url="https://example.org/pod"))
    handler = functools.partial(RangeHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def open_page(browser, url: str, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text or "Refused" in message.text
            else None
        ),
    )
    page.goto(url)
    page.wait_for_load_state("load")
    return page, problems


def axe_violations(browser, url: str, color_scheme: str = "light") -> list:
    # axe is injected as a script: the page's own CSP rightly refuses it, so bypass it here.
    assert AXE.is_file(), f"{AXE} is missing: run npm ci (script/bootstrap does)"
    page, _ = open_page(browser, url, bypass_csp=True, color_scheme=color_scheme)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))})))"
    )
    page.context.close()
    return violations


def check_read_along(page) -> None:
    """The transcript is there, chapters seek, the highlight follows the audio's time."""
    assert page.locator("#transcript").inner_text().count("Why it <matters> & how") == 1
    assert page.locator("#transcript [data-start]").count() == 10
    assert page.evaluate("document.getElementById('audio').paused")  # no autoplay
    page.wait_for_function("document.getElementById('audio').readyState >= 1")
    page.locator("button[data-seek='2.000']").click()
    page.wait_for_function("document.getElementById('audio').currentTime >= 2")
    position = page.evaluate("(a => { a.pause(); return a.currentTime; })(audio)")
    assert 2.0 <= position < 3.0
    assert page.get_attribute("button[data-seek='2.000']", "aria-current") == "true"
    page.evaluate("document.getElementById('audio').currentTime = 4.95")
    page.wait_for_function("document.querySelector('#transcript .current')?.id === 'cue-8'")
    assert page.locator("#transcript .current").inner_text() == "Does it hurt?"
    assert page.get_attribute("#cue-8", "aria-current") == "true"
    assert page.locator("[aria-current='true']#cue-5").count() == 0


def test_player_page_over_http(browser, site, tmp_path):
    _, base = site
    page, problems = open_page(browser, f"{base}/salt-pepper/index.html")
    check_read_along(page)

    # keyboard: Tab reaches the chapter buttons, focus is visible, Enter seeks
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    focused = []
    for _ in range(20):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.getAttribute('data-seek')"))
        if focused[-1] == "4.250":
            break
    assert focused[-1] == "4.250", focused
    outline = page.evaluate(
        "(e => [e.matches(':focus-visible'), getComputedStyle(e).outlineStyle,"
        " parseFloat(getComputedStyle(e).outlineWidth)])(document.activeElement)"
    )
    assert outline[0] is True and outline[1] != "none" and outline[2] >= 2
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('audio').currentTime >= 4.25")
    page.evaluate("document.getElementById('audio').pause()")

    page.select_option("#speed", "1.5")
    assert page.evaluate("document.getElementById('audio').playbackRate") == 1.5
    page.screenshot(path=str(tmp_path / "player.png"), full_page=True)
    assert (tmp_path / "player.png").stat().st_size > 10_000
    assert problems == []


def test_player_page_from_file_url(browser, site):
    root, _ = site
    page, problems = open_page(browser, (root / "salt-pepper" / "index.html").as_uri())
    check_read_along(page)
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_player_page_passes_axe(browser, site, scheme):
    _, base = site
    assert axe_violations(browser, f"{base}/salt-pepper/index.html", scheme) == []


def test_series_page(browser, site, tmp_path):
    _, base = site
    page, problems = open_page(browser, f"{base}/index.html")
    links = page.locator("main h2 a")
    assert links.count() == 2
    assert links.nth(0).inner_text().startswith('Salt & <pepper> "quoted"')
    page.screenshot(path=str(tmp_path / "series.png"), full_page=True)
    links.nth(1).click()
    page.wait_for_url("**/back-dimples/index.html")
    assert page.locator("h1").inner_text() == "Back dimples"
    assert problems == []
    assert axe_violations(browser, f"{base}/index.html") == []
    assert axe_violations(browser, f"{base}/index.html", "dark") == []


@pytest.fixture(scope="module")
def worded(site):
    """The salt-pepper episode again with word timings, in a folder of its own."""
    import shutil

    from test_page import with_words

    root, base = site
    folder = root / "worded"
    shutil.copytree(root / "salt-pepper", folder)
    manifest = Manifest.from_json(with_words(Manifest.read(folder).to_json()))
    manifest.write(folder)
    write_episode_page(folder, manifest)
    return manifest, f"{base}/worded/index.html"


def spoken_word(page) -> str | None:
    return page.evaluate("(e => e && e.id)(document.querySelector('#transcript .w.spoken'))")


def test_seeking_marks_the_word_and_clicking_a_word_seeks(browser, worded):
    manifest, url = worded
    page, problems = open_page(browser, url)
    page.wait_for_function("() => document.getElementById('audio').readyState >= 1")
    word = manifest.cues[8].words[1]  # "it" of "Does it hurt?"
    page.evaluate(f"document.getElementById('audio').currentTime = {(word.start_ms + 20) / 1000}")
    page.wait_for_function("() => document.querySelector('#transcript .w.spoken')?.id === 'w-8-1'")
    assert page.locator("#transcript .w.spoken").inner_text() == "it"
    assert page.locator("#transcript .current").get_attribute("id") == "cue-8"
    assert page.locator("[aria-live]").count() == 0

    target = manifest.cues[4].words[2]  # "know:"
    page.locator("#w-4-2").click()
    page.wait_for_function("() => document.getElementById('audio').currentTime >= "
                           f"{target.start_ms / 1000 - 0.001}")
    position = page.evaluate("(a => { a.pause(); return a.currentTime; })(audio)")
    assert abs(position * 1000 - target.start_ms) < 150
    focus = page.evaluate("document.activeElement.id")
    page.evaluate(f"document.getElementById('audio').currentTime = {target.start_ms / 1000}")
    page.wait_for_function("() => document.querySelector('#transcript .w.spoken')?.id === 'w-4-2'")
    assert page.evaluate("document.activeElement.id") == focus  # the mark never takes focus
    assert problems == []
    page.context.close()


def test_keyboard_steps_by_sentence_and_turns_word_marks_off(browser, worded):
    manifest, url = worded
    page, problems = open_page(browser, url)
    page.wait_for_function("() => document.getElementById('audio').readyState >= 1")
    page.evaluate(f"document.getElementById('audio').currentTime = "
                  f"{(manifest.cues[1].start_ms + 30) / 1000}")
    page.focus("#next")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#transcript .current')?.id === 'cue-2'")
    page.evaluate("document.getElementById('audio').pause()")
    assert page.evaluate("document.activeElement.id") == "next"  # focus stays on the button
    page.focus("#words")
    page.keyboard.press("Space")
    assert not page.evaluate("document.getElementById('words').checked")
    page.evaluate(f"document.getElementById('audio').currentTime = "
                  f"{(manifest.cues[4].words[0].start_ms + 20) / 1000}")
    page.wait_for_function("() => document.querySelector('#transcript .current')?.id === 'cue-4'")
    assert spoken_word(page) is None
    assert problems == []
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_worded_page_passes_axe_with_a_word_marked(browser, worded, scheme):
    manifest, url = worded
    page, _ = open_page(browser, url, bypass_csp=True, color_scheme=scheme)
    page.wait_for_function("() => document.getElementById('audio').readyState >= 1")
    page.evaluate(f"document.getElementById('audio').currentTime = "
                  f"{(manifest.cues[1].words[1].start_ms + 20) / 1000}")
    page.wait_for_function("() => document.querySelector('#transcript .w.spoken')")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))})))"
    )
    page.context.close()
    assert violations == []


ROLES_PAGE = (Path(__file__).parent / "data" / "chair.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_skipped_listing_and_a_french_phrase_pass_axe_when_opened(browser, tmp_path, scheme):
    """A page whose sections list what was skipped (notes, an aside) and hold a French phrase:
    the listing opens from the keyboard, shows the skipped text, and axe finds nothing."""
    from audioguide.pipeline import build_episodes
    from audioguide.settings import Settings

    source = tmp_path / "chair.html"
    source.write_text(ROLES_PAGE, encoding="utf-8")
    settings = Settings(output_dir=tmp_path / "out", engine="espeak", jobs=1, skip=("notes",))
    (result,) = build_episodes([str(source)], settings)
    page, problems = open_page(browser, (Path(result.folder) / "index.html").as_uri(),
                               bypass_csp=True, color_scheme=scheme)
    assert page.locator('#transcript [lang="fr"]').count() >= 1
    summaries = page.locator("details.skipped > summary")
    assert summaries.count() >= 1
    for index in range(summaries.count()):
        summaries.nth(index).focus()
        page.keyboard.press("Enter")
    listed = page.locator("details.skipped").all_inner_texts()
    assert any("Twelve hours" in text for text in listed)
    assert any("old chairs" in text for text in listed)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))})))"
    )
    page.context.close()
    assert violations == [] and problems == []
