"""Hostile inputs through the command line: a correct episode or one clear line, nothing else.

Every file in tests/data/hostile/ goes through `audioguide sections`; the short ones expected
"ok" are built (espeak, one build of the folder that holds them); the ones expected "error" are
built one by one. The long ones (2000 headings, 5000 lines, a 5000-word sentence, a 200 000
letter word, 2000 entities, lists 300 deep) only go through `sections`: their builds take
10 s to minutes with espeak here, too long for the default test run.
"""

from __future__ import annotations

import html.parser
import inspect
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3

from audioguide.cli import cli
from conftest import ffmpeg_chapters
from test_reliability import DEADLINE_S, cli_env, episodes, run_cli

HOSTILE = Path(__file__).parent / "data" / "hostile"
EXPECTED = json.loads((HOSTILE / "expected.json").read_text("utf-8"))
LONG = {"entities.html", "long-sentence.txt", "many-headings.md", "many-headings.txt",
        "many-lines.txt", "nested-list.md", "nested-list.txt", "one-huge-word.txt"}
SHORT_OK = sorted(n for n, v in EXPECTED.items() if v == "ok" and n not in LONG)
ERRORS = sorted(n for n, v in EXPECTED.items() if v == "error")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
BIDI = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
ESPEAK = ["--engine", "espeak"]


class Hung(Exception):
    pass


def separate_stderr_runner() -> CliRunner:
    """A CliRunner whose result has .stderr apart: click 8.2 always does, 8.1 when asked."""
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)
    return CliRunner()


def invoke(args: list[str], seconds: int = 30):
    """Run the CLI in-process with an alarm: a hang fails the test instead of stalling it."""

    def alarm(signum, frame):
        raise Hung(f"audioguide {' '.join(args)} took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        return separate_stderr_runner().invoke(cli, args, catch_exceptions=True)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_one_error_line(result, naming: str | None = None) -> str:
    assert result.exit_code == 1, (result.exit_code, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("audioguide: error: "), lines[0]
    assert "Traceback" not in result.stderr and len(lines[0]) < 400
    if naming:
        assert naming in lines[0]
    return lines[0]


def test_the_corpus_is_covered():
    files = {p.name for p in HOSTILE.iterdir() if p.name != "expected.json"}
    assert files == set(EXPECTED) and len(files) >= 25
    assert set(EXPECTED) >= LONG


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sections(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = str(HOSTILE / name)
    result = invoke(["sections", "--json", path])
    if EXPECTED[name] == "error":
        assert_one_error_line(result, naming=path)
    else:
        assert result.exit_code == 0, (result.stderr, result.exception)
        summary = json.loads(result.stdout)
        assert summary["title"].strip() and summary["sections"]
        assert sum(s["words"] for s in summary["sections"]) > 0
        assert not BIDI.search(result.stdout)
        plain = invoke(["sections", path])
        assert plain.exit_code == 0 and plain.stdout.strip()
    assert list(tmp_path.iterdir()) == [], "sections writes nothing"


@pytest.mark.parametrize("name", ERRORS)
def test_build_refuses_bad_input_with_one_line(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = str(HOSTILE / name)
    result = invoke(["build", path, "-o", str(tmp_path / "out"), *ESPEAK])
    assert_one_error_line(result, naming=path)
    assert list(tmp_path.iterdir()) == [], "nothing written for a bad input"


def check_text_outputs(folder: Path, manifest: dict) -> None:
    files = manifest["files"]
    vtt = (folder / files["vtt"]).read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT")
    for cue in vtt.split("\n\n")[1:]:
        text = "\n".join(cue.splitlines()[2:] if "-->" in cue else cue.splitlines())
        text = re.sub(r"<\d{2}:\d{2}:\d{2}\.\d{3}>", "", text)  # word timestamps: markup of ours
        assert "<" not in text.replace("&lt;", ""), cue
    json.loads((folder / files["json"]).read_text(encoding="utf-8"))
    chapters = json.loads((folder / files["chapters"]).read_text(encoding="utf-8"))
    assert chapters["version"] == "1.2.0"
    assert (folder / files["srt"]).read_text(encoding="utf-8").strip()
    page = (folder / files["page"]).read_text(encoding="utf-8")
    html.parser.HTMLParser().feed(page)
    assert re.search(r'<meta http-equiv="Content-Security-Policy"', page)
    title = str(ID3(folder / files["audio"]).get("TIT2"))
    assert title.strip() and not BIDI.search(title)


def test_build_every_short_hostile_article_from_a_folder(tmp_path):
    """The folder as the source: every article in it becomes one sane episode."""
    articles, out, work, tmp = (tmp_path / n for n in ("articles", "out", "work", "tmp"))
    for folder in (articles, work, tmp):
        folder.mkdir()
    for name in SHORT_OK:
        shutil.copy(HOSTILE / name, articles / name)
    done = run_cli(["-q", "build", str(articles), "-o", str(out), *ESPEAK], tmp_path / "cache",
                   cwd=work, timeout=DEADLINE_S * 2, TMPDIR=str(tmp))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    for line in done.stderr.splitlines():
        assert line.startswith("audioguide: warning: "), line
    built = episodes(out)  # every folder complete: sizes, ID3 chapters, JSON chapters, cues
    assert sorted(Path(m["source"]).name for m in built.values()) == SHORT_OK
    for slug, manifest in built.items():
        assert SLUG.match(slug) and len(slug.encode()) <= 80, slug
        folder = out / slug
        assert manifest["duration_ms"] > 0
        chapters = manifest["chapters"]
        assert chapters[0]["start_ms"] == 0 and chapters[-1]["end_ms"] == manifest["duration_ms"]
        assert all(a["end_ms"] == b["start_ms"] for a, b in itertools.pairwise(chapters))
        check_text_outputs(folder, manifest)
    assert list(work.iterdir()) == [] and list(tmp.iterdir()) == [], "nothing written outside"
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "no staging left"
    assert sorted(p.name for p in articles.iterdir()) == SHORT_OK, "sources untouched"


def test_a_folder_holding_a_bad_article_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(HOSTILE / "arabic.txt", articles / "arabic.txt")
    shutil.copy(HOSTILE / "image-named.txt", articles / "image-named.txt")
    result = invoke(["build", str(articles), "-o", str(tmp_path / "out"), *ESPEAK])
    assert_one_error_line(result, naming="image-named.txt")
    assert not (tmp_path / "out").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_one_error_line(invoke(["build", str(empty), "-o", str(tmp_path / "out")]),
                          naming=str(empty))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("source", [
    "missing-article.txt",
    "file:///etc/passwd",
    "ftp://example.org/article.txt",
    "CLOSED_PORT",
])
def test_sources_that_are_not_articles(source, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if source == "CLOSED_PORT":
        source = f"http://127.0.0.1:{closed_port()}/article.html"
    for command in (["sections", source], ["build", source, "-o", "out", *ESPEAK]):
        line = assert_one_error_line(invoke(command), naming=source)
        assert "root:" not in line
    assert list(tmp_path.iterdir()) == []


# -- safety: article text never becomes markup, a path or a command ------------------------

EVIL_TITLE = '<script>alert("x")</script> Tom & "Jerry" \u202egnp.exe\u202c zero\u200bwidth'
EVIL_ARTICLE = f"""\
---
title: '{EVIL_TITLE}'
author: Mallory & <b>Co</b>
---

First sentence with <img src=x onerror=alert(1)> and a ]]> end, plus </script> too.

## Heading & <i>more</i> \u202eevil\u202c

Second sentence about \u202eevil\u202c text.
"""


@pytest.fixture(scope="module")
def evil_episode(tmp_path_factory):
    root = tmp_path_factory.mktemp("evil")
    article = root / "evil.md"
    article.write_text(EVIL_ARTICLE, encoding="utf-8")
    out = root / "out"
    done = run_cli(["-q", "build", str(article), "-o", str(out), *ESPEAK], root / "cache")
    assert done.returncode == 0, done.stderr
    feed = run_cli(["-q", "feed", str(out), "--base-url", "https://example.org/pod", "--title",
                    'Pod <b>&"'], root / "cache")
    assert feed.returncode == 0, feed.stderr
    (manifest,) = episodes(out).values()
    return out, out / manifest["slug"], manifest


def test_file_names_are_slugs_without_bidi(evil_episode):
    out, folder, _ = evil_episode
    for path in out.rglob("*"):
        assert not BIDI.search(path.name) and "<" not in path.name and "&" not in path.name
    assert SLUG.match(folder.name) and "exe" not in folder.name[-4:]


def test_id3_title_has_no_bidi_controls(evil_episode):
    _, folder, manifest = evil_episode
    tags = ID3(folder / manifest["files"]["audio"])
    title = str(tags.get("TIT2"))
    assert "<script>" in title and not BIDI.search(title)  # text kept, controls removed
    for frame in tags.getall("CHAP"):
        assert not BIDI.search(str(frame.sub_frames["TIT2"]))


def test_text_outputs_escape_the_article(evil_episode):
    out, folder, manifest = evil_episode
    files = manifest["files"]
    vtt = (folder / files["vtt"]).read_text(encoding="utf-8")
    assert "<script" not in vtt and "<img" not in vtt and "&lt;" in vtt
    for name in ("json", "chapters"):
        text = (folder / files[name]).read_text(encoding="utf-8")
        json.loads(text)
    page = (folder / files["page"]).read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "</script> too" not in page and "onerror=alert(1)>" not in page
    assert "&lt;script&gt;" in page or "\\u003cscript" in page
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    policy = csp.group(1) if csp else ""
    assert re.search(r"default-src '(none|self)'", policy), policy
    assert "unsafe-inline" not in policy and "http" not in policy and "*" not in policy
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    root = ET.fromstring(feed)  # well-formed XML although the title holds markup
    item_titles = [t.text for t in root.iter("title")]
    assert any(t and "<script>" in t for t in item_titles)
    assert "<script>" not in feed
    series = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in series


def test_no_subprocess_goes_through_a_shell():
    source = Path(__file__).parents[1] / "src" / "audioguide"
    offenders = []
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"shell\s*=\s*True", r"os\.system\(", r"os\.popen\(",
                        r"subprocess\.getoutput", r"subprocess\.getstatusoutput"):
            offenders += [f"{path.name}: {pattern}" for _ in re.finditer(pattern, text)]
    assert offenders == []
    calls = [m for p in source.rglob("*.py")
             for m in re.findall(r"subprocess\.(?:run|Popen|call|check_output)\(\s*(\S)",
                                 p.read_text(encoding="utf-8"))]
    assert calls and not [c for c in calls if c in "\"'fb"], calls  # never a command string


def test_nothing_left_in_the_hostile_folder():
    assert sorted(p.name for p in HOSTILE.iterdir()) == sorted([*EXPECTED, "expected.json"])
    assert not [p for p in HOSTILE.iterdir() if p.name.startswith(".")]
    assert os.access(HOSTILE, os.R_OK)


# -- outputs that cannot be written, and bugs --------------------------------------------------


def test_output_that_is_a_file_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocker = tmp_path / "out"
    blocker.write_text("not a folder", encoding="utf-8")
    result = invoke(["build", str(HOSTILE / "arabic.txt"), "-o", str(blocker), *ESPEAK])
    assert "not a folder" in assert_one_error_line(result, naming=str(blocker))
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_read_only_output_folder_is_one_line(tmp_path):
    """As an unprivileged user (root ignores permissions): one line, exit 1, nothing written."""
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="audioguide-ro-"))
    try:
        root.chmod(0o755)
        shutil.copy(HOSTILE / "arabic.txt", root / "arabic.txt")
        (root / "arabic.txt").chmod(0o644)
        out = root / "out"
        out.mkdir(mode=0o755)
        command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                   sys.executable, "-m", "audioguide", "build", str(root / "arabic.txt"),
                   "-o", str(out), *ESPEAK]
        try:
            done = subprocess.run(command, check=False, capture_output=True, text=True,
                                  timeout=DEADLINE_S, cwd=root,
                                  env=cli_env(root / "cache", HOME=str(root)))
        except FileNotFoundError:
            pytest.skip("setpriv is not installed: cannot run as an unprivileged user")
        if "setpriv:" in done.stderr:
            pytest.skip(f"cannot switch user here: {done.stderr.strip()}")
        if done.returncode == 127 and "shared libraries" in done.stderr:
            pytest.skip(f"this Python cannot run as nobody here: {done.stderr.strip()}")
        assert done.returncode == 1, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"audioguide: error: {out}"), lines
        assert list(out.iterdir()) == []
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_an_unexpected_exception_is_still_one_line(tmp_path, monkeypatch):
    import audioguide.readers

    def broken(*args, **kwargs):
        raise ValueError("bytes must be in range(0, 256)\nsecond line")

    monkeypatch.setattr(audioguide.readers, "read_source", broken)
    line = assert_one_error_line(invoke(["sections", str(HOSTILE / "arabic.txt")]))
    assert "ValueError" in line and "--debug" in line
    debug = invoke(["--debug", "sections", str(HOSTILE / "arabic.txt")])
    assert isinstance(debug.exception, ValueError)  # --debug keeps the traceback


def test_more_than_255_chapters_fit_in_the_id3_tags(tmp_path):
    from audioguide.episode.tags import EpisodeTags, write_mp3_tags
    from audioguide.ffmpeg.run import run_ffmpeg
    from audioguide.models import Chapter

    audio = tmp_path / "tiny.mp3"
    run_ffmpeg(["-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-t", "3", "-b:a", "64k",
                "-y", str(audio)])
    chapters = [Chapter(f"Heading {n}", 500 + n * 5, 505 + n * 5) for n in range(300)]
    write_mp3_tags(audio, EpisodeTags("Many", "A", "B", "C"), chapters)
    tags = ID3(audio)
    assert len(tags.getall("CHAP")) == 300
    tocs = {toc.element_id: toc for toc in tags.getall("CTOC")}
    top = [toc for toc in tocs.values() if toc.flags & 0x02]
    assert len(top) == 1 and top[0].flags & 0x01
    reachable = [chap for child in top[0].child_element_ids
                 for chap in tocs[child].child_element_ids]
    assert reachable == [f"chp{n}" for n in range(300)]
    read_back = [c["title"] for c in ffmpeg_chapters(audio)]
    assert read_back == [f"Heading {n}" for n in range(300)]
