"""Google Translate's voice, through gTTS's tokenizer and request format, sent by us.

gTTS knows how Google wants a sentence: cut into parts of at most 100 characters, each packed
into a batchexecute `f.req` body (`gTTS.get_bodies()` gives them), and the answer framed with a
`jQ1olc` line that holds base64 MP3. gTTS itself opens a new connection per
part, never retries and turns certificate checks off; this adapter sends the same requests
through one pooled `requests.Session` with verification on, a timeout, and retries with
exponential backoff, full jitter and Retry-After. The proxy and CA environment variables
(HTTPS_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE) apply, .netrc never (http_session.py).

The endpoint is `settings.gtts_url`, else the environment variable AUDIOGUIDE_GTTS_URL, else
Google's for the tld: https://translate.google.<tld>/_/TranslateWebserverUi/data/batchexecute
"""

from __future__ import annotations

import base64
import email.utils
import logging
import os
import random
import re
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, ClassVar

from .. import langtag
from ..errors import EngineError, FFmpegError, RateLimited
from ..models import Clip, EngineName
from ..settings import Settings
from .base import Engine, package_version

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

URL_ENV = "AUDIOGUIDE_GTTS_URL"
BATCHEXECUTE_PATH = "_/TranslateWebserverUi/data/batchexecute"
SAMPLE_RATE = 24000  # Google's MP3 is 24 kHz mono
# Full-jitter exponential backoff (seconds); tests shrink these.
BACKOFF_BASE = 0.5
BACKOFF_CAP = 20.0
RETRY_AFTER_MAX = 120.0  # never sleep longer than this on Google's word
_AUDIO_LINE = re.compile(r'jQ1olc","\[\\"(.*)\\"]')


def endpoint(settings: Settings) -> str:
    """The batchexecute URL requests go to."""
    if settings.gtts_url:
        return settings.gtts_url
    env = os.environ.get(URL_ENV)
    if env:
        return env
    return f"https://translate.google.{settings.tld}/{BATCHEXECUTE_PATH}"


def normalize_lang(lang: str) -> str:
    """gTTS's tag for `lang`: "en-US"/"en_us" -> "en", "zh-cn" -> "zh-CN"; else unchanged.

    gTTS maps the tags Google dropped to the ones it reads when it checks a language
    (lang_check); a tag it does not know is left as given."""
    from gtts import gTTS

    tag = langtag.tag(lang) or lang
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            return gTTS("-", lang=tag, lang_check=True).lang
        except ValueError:  # not a language gTTS knows
            return tag


def request_bodies(text: str, lang: str, tld: str, slow: bool) -> list[str]:
    """The form bodies (`f.req=...`) gTTS would send for `text`, one per part of at most 100
    characters; none for text with nothing to say (blank, or punctuation alone)."""
    from gtts import gTTS

    if not text.strip():
        return []
    try:
        return gTTS(text, tld=tld, lang=lang, slow=slow, lang_check=False).get_bodies()
    except AssertionError:  # gTTS: "No text to send to TTS API"
        return []


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return min(max(seconds, 0.0), RETRY_AFTER_MAX)


def backoff_delay(attempt: int) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**attempt)] (attempt counts from 0)."""
    return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt))


def audio_from_body(body: str) -> bytes:
    """The MP3 bytes in a batchexecute answer; EngineError if it holds none."""
    chunks = []
    for line in body.splitlines():
        if "jQ1olc" not in line:
            continue
        found = _AUDIO_LINE.search(line)
        if not found:
            raise ValueError("the jQ1olc line holds no audio")
        try:
            chunks.append(base64.b64decode(found.group(1).encode("ascii"), validate=True))
        except (ValueError, UnicodeEncodeError) as exc:
            raise ValueError(f"the audio is not valid base64 ({exc})") from None
    audio = b"".join(chunks)
    if not audio:
        raise ValueError("no jQ1olc audio line")
    return audio


# -- the engine -------------------------------------------------------------------------------
class _Cancelled(EngineError):
    """Another sentence failed: this one stops without trying again."""


def _snippet(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


class GTTSEngine(Engine):
    name = EngineName.GTTS
    offline = False
    default_jobs = 4

    HEADERS: ClassVar[dict[str, str]] = {
        "Referer": "https://translate.google.com/",
        "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) audioguide",
        "Content-Type": "application/x-www-form-urlencoded;charset=utf-8",
    }

    def __init__(self, settings: Settings, lang: str):
        super().__init__(settings, normalize_lang(lang) if lang else "en")
        self.url = endpoint(settings)
        self._session: requests.Session | None = None
        self._lock = threading.Lock()
        # At most `jobs` requests at Google at once, however sentences and parts are scheduled.
        self._slots = threading.BoundedSemaphore(self.jobs)
        self._parts_pool: ThreadPoolExecutor | None = None
        self._cancel = threading.Event()
        # What the retries did (the tests read them).
        self.retries = 0
        self.waits: list[float] = []

    # -- cheap --------------------------------------------------------------------------
    def voice_name(self) -> str:
        return f"google-{self.lang}-{self.settings.tld}"

    def version(self) -> str:
        return package_version("gTTS")

    def sound_params(self) -> dict:
        return {"rate": self.settings.rate, "tld": self.settings.tld, "slow": self.settings.slow}

    def credit(self) -> str:
        return "Google Translate text-to-speech via gTTS (online)"

    @classmethod
    def languages(cls) -> list[str]:
        from gtts.lang import tts_langs

        return sorted(tts_langs())

    @classmethod
    def available(cls) -> str | None:
        try:
            import gtts  # noqa: F401
            import requests  # noqa: F401
        except ImportError as exc:
            return f"gTTS cannot be imported ({exc}): run `pip install gTTS requests`"
        return None

    # -- requests -------------------------------------------------------------------------
    def start(self) -> None:
        from .ipa import refuse_phonemes

        refuse_phonemes(self.settings.lexicon, "gtts voice (it takes text, not phonemes)")
        self._open_session()

    def _open_session(self) -> requests.Session:
        """The pooled session (made on first use), and the parts pool with it."""
        with self._lock:
            if self._session is None:
                from ..http_session import open_session

                session = open_session(self.settings.timeout, self.HEADERS,
                                       pool_size=max(self.jobs, 4))
                self._session = session
                if self.jobs > 1:
                    self._parts_pool = ThreadPoolExecutor(
                        max_workers=self.jobs, thread_name_prefix="audioguide-gtts-part")
            return self._session

    def close(self) -> None:
        with self._lock:
            if self._session is not None:
                self._session.close()
            self._session = None
            if self._parts_pool is not None:
                self._parts_pool.shutdown(wait=False, cancel_futures=True)
            self._parts_pool = None

    def request_bodies(self, text: str) -> list[str]:
        """The requests gTTS would send for `text` in this engine's language, tld and speed."""
        return request_bodies(text, self.lang, self.settings.tld, self.settings.slow)

    def synthesize(self, text: str) -> Clip:
        session = self._open_session()
        bodies = self.request_bodies(text)
        if len(bodies) > 1 and self._parts_pool is not None:
            # A long sentence's parts go out together (still within the `jobs` request slots).
            futures = [self._parts_pool.submit(self._fetch, session, body, text)
                       for body in bodies]
            try:
                mp3 = b"".join(future.result() for future in futures)
            finally:
                for future in futures:
                    future.cancel()
        else:
            mp3 = b"".join(self._fetch(session, body, text) for body in bodies)
        if not mp3:
            return Clip(b"", SAMPLE_RATE)
        return Clip(self._decode(mp3, text), SAMPLE_RATE)

    def _decode(self, mp3: bytes, text: str) -> bytes:
        """16-bit mono PCM at SAMPLE_RATE, sped up by --rate; EngineError for bad audio."""
        from ..ffmpeg.run import decode_pcm

        try:
            pcm = decode_pcm(mp3, SAMPLE_RATE, self.settings.rate)
        except FFmpegError as exc:
            if "not found" in str(exc) or "cannot run" in str(exc):
                raise
            raise EngineError(
                f"Google Translate sent audio ffmpeg cannot decode for {_snippet(text)!r} ({exc});"
                " try again later or use --engine piper"
            ) from None
        if len(pcm) < 2:
            raise EngineError(
                f"Google Translate sent empty audio for {_snippet(text)!r}; try again later"
                " or use --engine piper"
            )
        return pcm[: len(pcm) // 2 * 2]

    def _fetch(self, session: requests.Session, body: str, text: str) -> bytes:
        """MP3 bytes for one part's request, retried on 429, 5xx, resets and time-outs."""
        tries = max(1, self.settings.retries)
        problem = ""
        for attempt in range(tries):
            if self._cancel.is_set():
                raise _Cancelled("cancelled: another sentence failed")
            mp3, problem, retry_after = self._post(session, body, text)
            if mp3 is not None:
                return mp3
            if attempt + 1 == tries:
                break
            delay = retry_after if retry_after is not None else backoff_delay(attempt)
            log.debug("gtts: %s; retry %d in %.2f s", problem, attempt + 1, delay)
            with self._lock:
                self.retries += 1
                self.waits.append(delay)
            if self._cancel.wait(delay):
                raise _Cancelled("cancelled: another sentence failed")
        raise RateLimited(self._gave_up(problem, tries))

    def _post(
        self, session: requests.Session, body: str, text: str
    ) -> tuple[bytes | None, str, float | None]:
        """One request: (MP3, "", None); or (None, the problem, Retry-After seconds or None)
        when another try may help; EngineError when it cannot."""
        import requests

        try:
            with self._slots:
                response = session.post(self.url, data=body, timeout=self.settings.timeout)
                content = response.content
        except requests.exceptions.SSLError as exc:
            raise EngineError(
                f"TLS certificate check failed for {self.url} ({type(exc).__name__}); if a"
                " proxy re-signs traffic, point REQUESTS_CA_BUNDLE at its CA bundle"
            ) from None
        except requests.exceptions.Timeout:
            return None, f"timed out after {self.settings.timeout:g} s", None
        except (requests.exceptions.ConnectionError,
                requests.exceptions.ChunkedEncodingError) as exc:
            return None, f"connection failed ({type(exc).__name__})", None
        status = response.status_code
        if status == 200:
            try:
                return audio_from_body(content.decode("utf-8", "replace")), "", None
            except ValueError as exc:
                raise EngineError(
                    f"Google Translate answered without audio for {_snippet(text)!r}"
                    f" (lang {self.lang}: {exc}); check --lang or use --engine piper"
                ) from None
        if status == 429 or status >= 500:
            problem = f"{status} {response.reason or ''}".strip()
            return None, problem, retry_after_seconds(response.headers.get("Retry-After"))
        raise EngineError(
            f"Google Translate answered {status} {response.reason or ''} for"
            f" {_snippet(text)!r} at {self.url}; check --tld and --lang"
        )

    def _gave_up(self, problem: str, tries: int) -> str:
        """What the user reads when every try failed with `problem` (the last one)."""
        hint = ""
        if problem.startswith("429"):
            what = "kept answering 429 Too Many Requests"
        elif problem[:1].isdigit():
            what = f"kept answering {problem}"
        elif problem.startswith("timed out"):
            what = f"kept timing out ({self.settings.timeout:g} s each)"
        else:
            what = f"could not be reached ({problem.removeprefix('connection failed ')[1:-1]})"
            hint = "; check the connection or use --engine piper"
        return (f"Google Translate {what} after {tries} tries{hint}; finished sentences are"
                " cached: run the same command again to resume")

    def synthesize_many(
        self, texts: Sequence[str], on_clip: Callable[[int, Clip], None] | None = None
    ) -> Iterator[Clip]:
        """Clips in order on `jobs` threads; the first failure stops the rest and is raised.

        `on_clip(index, clip)` runs as soon as each clip is made (any order, any thread), so
        finished sentences are kept even when a later one fails."""
        self.start()
        self._cancel.clear()

        def make(item: tuple[int, str]) -> Clip:
            clip = self.synthesize(item[1])
            if on_clip is not None:
                on_clip(item[0], clip)
            return clip

        if self.jobs <= 1:
            yield from map(make, enumerate(texts))
            return
        first_error: list[BaseException] = []

        def noted(future: Future[Clip]) -> None:
            exc = future.exception() if not future.cancelled() else None
            if exc is not None and not isinstance(exc, _Cancelled):
                with self._lock:
                    if not first_error:
                        first_error.append(exc)
                self._cancel.set()

        # Twice `jobs` sentence workers: one waiting on its parts leaves request slots to others.
        workers = 2 * self.jobs
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="audioguide-gtts")
        pending: deque[Future[Clip]] = deque()
        try:
            for item in enumerate(texts):
                if self._cancel.is_set():
                    break
                future = pool.submit(make, item)
                future.add_done_callback(noted)
                pending.append(future)
                if len(pending) >= 2 * workers:
                    yield self._result(pending.popleft(), first_error)
            while pending:
                yield self._result(pending.popleft(), first_error)
            if first_error:
                raise first_error[0]
        finally:
            self._cancel.set()
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            self._cancel.clear()

    @staticmethod
    def _result(future: Future[Clip], first_error: list[BaseException]) -> Clip:
        try:
            return future.result()
        except BaseException:
            if first_error:
                raise first_error[0] from None
            raise


def probe(settings: Settings, timeout: float = 3.0) -> str | None:
    """None if Google (or the configured endpoint) answers a tiny request with audio within
    `timeout` seconds, else the reason in a few words."""
    import requests

    from ..http_session import open_session

    url = endpoint(settings)
    lang = normalize_lang(settings.lang or "en")
    (body,) = request_bodies("Hi", lang, settings.tld, slow=False)
    outcome: list[str | None] = []

    def ask() -> None:
        try:
            with open_session(timeout, GTTSEngine.HEADERS) as session:
                response = session.post(url, data=body)
                content = response.content
        except requests.exceptions.SSLError:
            outcome.append("TLS certificate check failed")
        except requests.exceptions.Timeout:
            outcome.append(f"no answer within {timeout:g} s")
        except requests.exceptions.ConnectionError as exc:
            reason = str(exc)
            if "refused" in reason.lower():
                outcome.append("connection refused")
            elif "resolve" in reason.lower() or "name" in reason.lower():
                outcome.append("name lookup failed (offline?)")
            else:
                outcome.append(f"cannot connect ({type(exc).__name__})")
        except requests.exceptions.RequestException as exc:
            outcome.append(type(exc).__name__)
        else:
            if response.status_code != 200:
                outcome.append(f"HTTP {response.status_code}")
                return
            try:
                audio_from_body(content.decode("utf-8", "replace"))
            except ValueError:
                outcome.append("answered without audio")
            else:
                outcome.append(None)

    worker = threading.Thread(target=ask, name="audioguide-gtts-probe", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        return f"no answer within {timeout:g} s"
    return outcome[0]
