"""A fake of Google Translate's batchexecute TTS endpoint, on 127.0.0.1, for tests and benchmarks.

It speaks the real protocol: a POST of the form field `f.req` as gTTS builds it (the jQ1olc RPC
with [text, lang, speed, "null"]), answered with the framed response gTTS parses (`)]}'`, then
length-prefixed JSON lines, one of them the jQ1olc line holding base64 MP3). The MP3 is real
audio made with ffmpeg: a tone whose length follows the text's length (see `duration_for`).

Switches, settable at any time (thread-safe enough for tests):
    latency        seconds to wait before each answer (plus up to `jitter` more, at random)
    fail_429       the next N requests get 429; `retry_after` sets the Retry-After header
    always_429     every request gets 429
    quota          after this many answers with audio, every request gets 429 (None: no quota)
    fail_500       the next N requests get 500
    hang           the next N requests sleep `hang_seconds` (past the client's time-out)
    reset          the next N requests get the connection closed without an answer
    mode           "ok" | "truncated" | "garbage" | "no_audio" | "not_mp3": how a 200 looks

    with FakeGoogle() as fake:
        settings = Settings(gtts_url=fake.url)

Tests get one per test from the `fake_google` fixture in conftest.py.
"""

from __future__ import annotations

import base64
import json
import random
import ssl
import subprocess
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/_/TranslateWebserverUi/data/batchexecute"
SECONDS_PER_CHAR = 0.06
BUCKET = 0.25  # audio lengths are rounded to this, so few MP3s are ever made
_mp3_cache: dict[float, bytes] = {}
_mp3_lock = threading.Lock()


def duration_for(text: str) -> float:
    """Seconds of audio the fake answers for one request's text."""
    raw = max(BUCKET, len(text) * SECONDS_PER_CHAR)
    return round(raw / BUCKET) * BUCKET


def mp3_of(seconds: float) -> bytes:
    """A real MP3 (24 kHz mono, 32 kbps, as Google sends) of a tone, made once per length."""
    with _mp3_lock:
        if seconds not in _mp3_cache:
            import imageio_ffmpeg

            args = [
                imageio_ffmpeg.get_ffmpeg_exe(),
                "-hide_banner",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency=440:sample_rate=24000:duration={seconds}",
                "-ac",
                "1",
                "-c:a",
                "libmp3lame",
                "-b:a",
                "32k",
                "-f",
                "mp3",
                "pipe:1",
            ]
            _mp3_cache[seconds] = subprocess.run(args, capture_output=True, check=True).stdout
        return _mp3_cache[seconds]


def parse_freq(body: bytes) -> tuple[str, str, object]:
    """(text, lang, speed) from a batchexecute form body; ValueError if it is not one."""
    form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True)
    if "f.req" not in form:
        raise ValueError("no f.req field")
    rpc = json.loads(form["f.req"][0])
    rpc_id, parameter, _, kind = rpc[0][0]
    if rpc_id != "jQ1olc" or kind != "generic":
        raise ValueError(f"not the TTS RPC: {rpc_id!r}")
    text, lang, speed, _ = json.loads(parameter)
    if not isinstance(text, str) or not text or not isinstance(lang, str) or not lang:
        raise ValueError("no text or language in f.req")
    return text, lang, speed


def frame(lines: list[str]) -> bytes:
    """Google's framing: the XSSI prefix, then each JSON line after its length."""
    out = ")]}'\n"
    for line in lines:
        out += f"\n{len(line.encode('utf-8'))}\n{line}"
    return out.encode("utf-8")


def answer_with_audio(mp3: bytes) -> bytes:
    inner = json.dumps([base64.b64encode(mp3).decode("ascii")], separators=(",", ":"))
    line = json.dumps(
        [
            ["wrb.fr", "jQ1olc", inner, None, None, None, "generic"],
            ["di", 58],
            ["af.httprm", 57, "-5712346782519281740", 6],
        ],
        separators=(",", ":"),
    )
    return frame([line, f'[["e",4,null,null,{len(line) + 80}]]'])


def answer_without_audio() -> bytes:
    line = '[["wrb.fr","jQ1olc",null,null,null,[3],"generic"],["di",31]]'
    return frame([line, '[["e",4,null,null,110]]'])


class FakeGoogle:
    def __init__(self, tls: tuple[str, str] | None = None):
        self.latency = 0.0
        self.jitter = 0.0
        self.fail_429 = 0
        self.always_429 = False
        self.quota: int | None = None
        self._granted = 0
        self.answered: Counter = Counter()  # text -> answers with audio
        self.retry_after: str | None = None
        self.fail_500 = 0
        self.hang = 0
        self.hang_seconds = 2.0
        self.reset = 0
        self.mode = "ok"
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str, object]] = []  # (text, lang, speed) of each POST
        self.counts: Counter = Counter()  # text -> requests for it
        self.statuses: Counter = Counter()
        self.in_flight = 0
        self.peak = 0  # most requests being answered at once
        self._tls = tls
        self._server: ThreadingHTTPServer | None = None

    # -- counters ----------------------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self.requests)

    def clear_counts(self) -> None:
        with self.lock:
            self.requests.clear()
            self.counts.clear()
            self.statuses.clear()
            self.answered.clear()
            self._granted = 0

    @property
    def url(self) -> str:
        scheme = "https" if self._tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}{PATH}"

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    # -- life -------------------------------------------------------------------------------
    def start(self) -> FakeGoogle:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: lets the client's pool reuse sockets

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                fake._handle(self, body)

            def do_GET(self):
                self._send(404, b"not here")

            def _send(self, status, payload, headers=None, length=None):
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload) if length is None else length))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)
                with fake.lock:
                    fake.statuses[status] += 1

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        if self._tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self._tls)
            server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="fake-google",
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- answers ------------------------------------------------------------------------------
    def _take(self, name: str) -> bool:
        """Use up one of the next-N switches; True if this request gets it."""
        with self.lock:
            left = getattr(self, name)
            if left > 0:
                setattr(self, name, left - 1)
                return True
            return False

    def _handle(self, handler, body: bytes) -> None:
        if handler.path.split("?")[0] != PATH:
            handler._send(404, b"unknown path")
            return
        try:
            text, lang, speed = parse_freq(body)
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            handler._send(400, f"bad request: {exc}".encode())
            return
        with self.lock:
            self.requests.append((text, lang, speed))
            self.counts[text] += 1
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            self._answer(handler, text)
        finally:
            with self.lock:
                self.in_flight -= 1

    def _answer(self, handler, text: str) -> None:
        delay = self.latency + (random.uniform(0, self.jitter) if self.jitter else 0.0)
        if delay:
            time.sleep(delay)
        if self._take("reset"):
            handler.close_connection = True
            handler.connection.close()
            return
        if self._take("hang"):
            time.sleep(self.hang_seconds)
            handler.close_connection = True
            return
        with self.lock:  # the quota is taken when the request arrives, so racing ones agree
            over_quota = self.quota is not None and self._granted >= self.quota
            if self.quota is not None and not over_quota:
                self._granted += 1
        if self.always_429 or over_quota or self._take("fail_429"):
            headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
            handler._send(429, b"Too Many Requests", headers)
            return
        if self._take("fail_500"):
            handler._send(500, b"Internal Server Error")
            return
        if self.mode == "no_audio":
            handler._send(200, answer_without_audio())
        elif self.mode == "garbage":
            handler._send(200, bytes(random.Random(len(text)).randrange(256) for _ in range(600)))
        elif self.mode == "not_mp3":  # well framed, but the "audio" is text
            handler._send(200, answer_with_audio(b"this is not an mp3 file " * 40))
        elif self.mode == "truncated":
            full = answer_with_audio(mp3_of(duration_for(text)))
            handler._send(200, full[: len(full) // 2])
        else:
            handler._send(200, answer_with_audio(mp3_of(duration_for(text))))
            with self.lock:
                self.answered[text] += 1

