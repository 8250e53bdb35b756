"""`audioguide serve`: a real server on 127.0.0.1 over a real built episode, asked as podcast
apps and browsers ask (GET, HEAD, byte ranges, conditional requests), and as attackers ask."""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from email.utils import formatdate
from pathlib import Path

import feedparser
import podcastparser
import pytest
import requests

from audioguide.series.serve import lan_address, make_server, serve

ARTICLE = """\
Tea at Altitude

By Noor Haddad

Water boils at a lower temperature on a mountain, so tea brews more weakly up there.

Why It Happens

The air presses less on the water. Bubbles form sooner, at about ninety degrees.

What To Do

Steep the leaves a minute longer. Use a lid to keep the heat in.
"""
SECRET = b"the secret outside the folder"


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audioguide", *args], capture_output=True,
                          text=True, **kwargs)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A real espeak episode and its feed, served on a free port; plus traps outside it."""
    work = tmp_path_factory.mktemp("serve")
    (work / "tea.txt").write_text(ARTICLE, encoding="utf-8")
    root = work / "out"
    done = run("build", str(work / "tea.txt"), "--engine", "espeak", "-o", str(root), "-q")
    assert done.returncode == 0, done.stderr
    (work / "secret.txt").write_bytes(SECRET)
    (root / "escape.txt").symlink_to(work / "secret.txt")
    (root / "escape-folder").symlink_to(work, target_is_directory=True)
    (root / ".audioguide-sync.json").write_text("{}", encoding="utf-8")
    (root / "no-page").mkdir()
    (root / "no-page" / "file.txt").write_text("x", encoding="utf-8")
    server = make_server(root, "127.0.0.1", 0)
    thread = threading.Thread(target=serve, args=(server,), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    done = run("feed", str(root), "--base-url", base, "--title", "Tea", "-q")
    assert done.returncode == 0, done.stderr
    yield root, base
    server.shutdown()


@pytest.fixture(scope="module")
def episode(site):
    root, base = site
    (folder,) = [p for p in root.iterdir() if (p / "episode.json").is_file()]
    mp3 = folder / f"{folder.name}.mp3"
    return mp3, f"{base}/{folder.name}/{mp3.name}"


def raw(base: str, method: str, target: str, headers: dict | None = None):
    """One request with the target sent exactly as given (requests would tidy '..' away)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest(method, target, skip_accept_encoding=True)
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_get_sends_the_whole_file_with_its_validators(episode):
    mp3, url = episode
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    assert response.content == mp3.read_bytes()
    assert response.headers["Content-Type"] == "audio/mpeg"
    assert response.headers["Content-Length"] == str(mp3.stat().st_size)
    assert response.headers["Accept-Ranges"] == "bytes"
    assert re.fullmatch(r'"[0-9a-f]+-[0-9a-f]+"', response.headers["ETag"])  # strong: no W/
    assert response.headers["Last-Modified"] == formatdate(mp3.stat().st_mtime, usegmt=True)


def test_head_sends_the_headers_and_no_body(site, episode):
    mp3, url = episode
    host, port = site[1].removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("HEAD", url.removeprefix(site[1]))
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Length") == str(mp3.stat().st_size)
    assert response.read() == b""
    # The same connection answers again: no stray body was sent after the headers.
    connection.request("GET", "/feed.xml")
    response = connection.getresponse()
    assert response.status == 200 and response.read().startswith(b"<?xml")
    connection.close()


@pytest.mark.parametrize(("header", "first", "last"), [
    ("bytes=0-99", 0, 99),
    ("bytes=100-", 100, None),
    ("bytes=-100", -100, None),
    ("bytes=1000-1000", 1000, 1000),
    ("bytes=10-999999999", 10, None),
])
def test_byte_ranges(episode, header, first, last):
    mp3, url = episode
    data = mp3.read_bytes()
    size = len(data)
    response = requests.get(url, headers={"Range": header}, timeout=10)
    start = first % size
    end = size - 1 if last is None else last
    assert response.status_code == 206
    assert response.content == data[start:end + 1]
    assert response.headers["Content-Range"] == f"bytes {start}-{end}/{size}"
    assert response.headers["Content-Length"] == str(end - start + 1)
    assert response.headers["Content-Type"] == "audio/mpeg"


@pytest.mark.parametrize("header", ["bytes={size}-", "bytes={size}-{size}", "bytes=-0"])
def test_a_range_that_cannot_be_met_is_416(episode, header):
    mp3, url = episode
    size = mp3.stat().st_size
    response = requests.get(url, headers={"Range": header.format(size=size)}, timeout=10)
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{size}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "items=0-9", "bytes=9-2", "bytes=x-"])
def test_a_range_it_does_not_serve_gets_the_whole_file(episode, header):
    mp3, url = episode
    response = requests.get(url, headers={"Range": header}, timeout=10)
    assert response.status_code == 200
    assert response.content == mp3.read_bytes()


def test_if_none_match_and_if_modified_since(episode):
    mp3, url = episode
    etag = requests.head(url, timeout=10).headers["ETag"]
    for header in (etag, f'"other", {etag}', f"W/{etag}", "*"):
        response = requests.get(url, headers={"If-None-Match": header}, timeout=10)
        assert response.status_code == 304, header
        assert response.content == b""
        assert response.headers["ETag"] == etag
    assert requests.get(url, headers={"If-None-Match": '"other"'}, timeout=10).status_code == 200
    later = formatdate(mp3.stat().st_mtime + 60, usegmt=True)
    earlier = formatdate(mp3.stat().st_mtime - 60, usegmt=True)
    assert requests.get(url, headers={"If-Modified-Since": later}, timeout=10).status_code == 304
    assert requests.get(url, headers={"If-Modified-Since": earlier},
                        timeout=10).status_code == 200


def test_if_range(episode):
    mp3, url = episode
    head = requests.head(url, timeout=10).headers
    for validator in (head["ETag"], head["Last-Modified"]):
        response = requests.get(url, headers={"Range": "bytes=0-9", "If-Range": validator},
                                timeout=10)
        assert response.status_code == 206 and len(response.content) == 10
    stale = requests.get(url, headers={"Range": "bytes=0-9", "If-Range": '"stale"'}, timeout=10)
    assert stale.status_code == 200 and stale.content == mp3.read_bytes()


def test_a_changed_file_gets_a_new_etag(site):
    root, base = site
    page = root / "changing.txt"
    page.write_text("one", encoding="utf-8")
    first = requests.get(f"{base}/changing.txt", timeout=10).headers["ETag"]
    page.write_text("two!", encoding="utf-8")
    response = requests.get(f"{base}/changing.txt", headers={"If-None-Match": first}, timeout=10)
    assert response.status_code == 200 and response.text == "two!"
    assert response.headers["ETag"] != first


@pytest.mark.parametrize(("name", "mime"), [
    ("feed.xml", "application/rss+xml; charset=utf-8"),
    ("x.mp3", "audio/mpeg"),
    ("x.m4b", "audio/mp4"),
    ("x.m4a", "audio/mp4"),
    ("x.opus", "audio/ogg"),
    ("x.ogg", "audio/ogg"),
    ("x.chapters.json", "application/json+chapters"),
    ("x.json", "application/json"),
    ("x.vtt", "text/vtt; charset=utf-8"),
    ("x.srt", "application/x-subrip; charset=utf-8"),
    ("x.txt", "text/plain; charset=utf-8"),
    ("x.epub", "application/epub+zip"),
    ("cover.png", "image/png"),
    ("cover.jpg", "image/jpeg"),
    ("index.html", "text/html; charset=utf-8"),
    ("player.js", "text/javascript; charset=utf-8"),
    ("player.css", "text/css; charset=utf-8"),
    ("unknown.bin", "application/octet-stream"),
])
def test_mime_types(site, name, mime):
    root, base = site
    folder = root / "types"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(b"0123456789")
    response = requests.head(f"{base}/types/{name}", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == mime
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("target", [
    "/../secret.txt",
    "/../../../../etc/passwd",
    "/%2e%2e/secret.txt",
    "/%2E%2E%2Fsecret.txt",
    "/..%2fsecret.txt",
    "/episode/%2e%2e/%2e%2e/secret.txt",
    "//etc/passwd",
    "/etc/passwd",
    "http://127.0.0.1/../secret.txt",
    "/escape.txt",
    "/escape-folder/secret.txt",
    "/.audioguide-sync.json",
    "/%2eaudioguide-sync.json",
    "/no-page/",
    "/no-page",
    "/..\\secret.txt",
    "/x%00.mp3",
    "secret.txt",
])
def test_nothing_outside_the_folder_nor_hidden_nor_a_listing(site, target):
    for method in ("GET", "HEAD"):
        response, body = raw(site[1], method, target)
        assert response.status == 404, (method, target)
        assert SECRET not in body and b"file.txt" not in body


def test_a_folder_with_a_page_redirects_to_its_slash(site, episode):
    _, base = site
    folder = episode[1].removeprefix(base).rsplit("/", 1)[0]
    response, _ = raw(base, "GET", folder)
    assert response.status == 301
    assert response.getheader("Location") == folder + "/"
    response, body = raw(base, "GET", "/" + folder)  # "//name": never sent to another host
    assert response.status == 301 and response.getheader("Location") == folder + "/"
    page = requests.get(base + folder + "/", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Tea at Altitude" in page.text
    assert "Tea" in requests.get(base + "/", timeout=10).text  # the series page


def test_other_methods_are_refused(site):
    response, _ = raw(site[1], "POST", "/feed.xml")
    assert response.status == 501
    response, _ = raw(site[1], "PUT", "/feed.xml")
    assert response.status == 501


def test_a_podcast_client_subscribes_and_downloads(site, episode):
    root, base = site
    mp3, url = episode
    parsed = feedparser.parse(f"{base}/feed.xml")
    assert parsed.status == 200 and not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.headers["content-type"] == "application/rss+xml; charset=utf-8"
    (entry,) = parsed.entries
    assert entry.title == "Tea at Altitude"
    (enclosure,) = entry.enclosures
    assert enclosure.href == url
    head = requests.head(enclosure.href, timeout=10)
    assert head.headers["Content-Length"] == enclosure.length == str(mp3.stat().st_size)
    # Apple's host check: the first two bytes by range.
    probe = requests.get(enclosure.href, headers={"Range": "bytes=0-1"}, timeout=10)
    assert probe.status_code == 206 and probe.content == mp3.read_bytes()[:2]
    # gPodder's parser, over HTTP too; and the chapters it points at.
    with urllib.request.urlopen(f"{base}/feed.xml", timeout=10) as response:
        podcast = podcastparser.parse(f"{base}/feed.xml", response)
    assert [e["enclosures"][0]["url"] for e in podcast["episodes"]] == [url]
    chapters = requests.get(url.removesuffix(".mp3") + ".chapters.json", timeout=10)
    assert chapters.headers["Content-Type"] == "application/json+chapters"
    assert chapters.json()["version"] == "1.2.0"
    assert feedparser.parse(f"{base}/feed.xml", etag=parsed.etag).status == 304


def start_cli(root: Path, *options: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "audioguide", "serve", str(root), "--port", "0", *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert line, process.stderr.read()
    url = re.search(r"http://\S+?:\d+/", line)[0]
    assert requests.head(url, timeout=10).status_code in (200, 404)  # it answers: serving
    return process, line


def stop_cli(process: subprocess.Popen, sig: int = signal.SIGINT) -> tuple[int, str]:
    process.send_signal(sig)
    _, err = process.communicate(timeout=30)
    return process.returncode, err


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_the_command_prints_the_feed_url_and_stops_cleanly(site, sig):
    root, _ = site
    process, line = start_cli(root)
    match = re.fullmatch(rf"serving {re.escape(str(root))} at (http://127\.0\.0\.1:\d+/)feed\.xml;"
                         r" Ctrl-C stops\n", line)
    assert match, line
    assert requests.get(match[1] + "feed.xml", timeout=10).status_code == 200
    code, err = stop_cli(process, sig)
    assert code == 0
    assert "Traceback" not in err
    # The feed was written for the test server's port: the warning names the fix.
    assert f"audioguide feed {root} --base-url {match[1].rstrip('/')}" in err
    assert err.splitlines()[-1] == "audioguide: stopped"


def test_on_every_interface_it_names_the_network_address(site):
    root, _ = site
    process, line = start_cli(root, "--host", "0.0.0.0")
    try:
        lan = lan_address()
        if lan:
            port = re.search(rf"http://{re.escape(lan)}:(\d+)/feed\.xml", line)
            assert port, line
            assert f"the feed's --base-url must be http://{lan}:{port[1]})" in line
            url = f"http://{lan}:{port[1]}/feed.xml"
        else:
            assert "no network address found: other devices cannot reach it" in line
            url = re.search(r"http://\S+feed\.xml", line)[0]
        assert requests.get(url, timeout=10).status_code == 200
    finally:
        code, err = stop_cli(process)
    assert code == 0 and "Traceback" not in err


def test_a_folder_without_a_feed_says_how_to_write_one(tmp_path):
    process, line = start_cli(tmp_path)
    assert line.startswith(f"serving {tmp_path} at http://127.0.0.1:")
    assert "feed.xml" not in line
    code, err = stop_cli(process)
    assert code == 0
    assert err.splitlines()[0].startswith(f"audioguide: warning: no feed.xml yet: run "
                                          f"audioguide feed {tmp_path} --base-url http://")


def test_bad_input_is_one_line(tmp_path, site):
    done = run("serve", str(tmp_path / "missing"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        f"audioguide: error: {tmp_path / 'missing'}: no such folder; build episodes into it "
        "first"]
    port = site[1].rsplit(":", 1)[1]
    done = run("serve", str(site[0]), "--port", port)  # the test server holds it
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith(f"audioguide: error: cannot listen on 127.0.0.1 port {port}:")
    assert run("serve", str(site[0]), "--port", "70000").returncode == 2


def test_many_requests_at_once(site, episode):
    """Threads: a slow reader (a player holding a connection) does not block the others."""
    mp3, url = episode
    _, base = site
    host, port = base.removeprefix("http://").split(":")
    held = http.client.HTTPConnection(host, int(port), timeout=10)
    held.request("GET", url.removeprefix(base))
    held.getresponse()  # headers read, body left waiting
    results: list[bytes] = []
    workers = [threading.Thread(target=lambda: results.append(
        requests.get(url, headers={"Range": "bytes=0-999"}, timeout=10).content))
        for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    held.close()
    assert results == [mp3.read_bytes()[:1000]] * 8
