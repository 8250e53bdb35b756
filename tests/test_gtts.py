"""The gtts engine against the fake Google endpoint (tests/fake_google.py): real gTTS request
building, real requests, real ffmpeg decoding; only Google is faked, at the HTTP level."""

from __future__ import annotations

import email.utils
import shutil
import socket
import subprocess
import time

import pytest

from audioguide.engines import gtts as gtts_module
from audioguide.engines.gtts import (
    GTTSEngine,
    audio_from_body,
    endpoint,
    probe,
    retry_after_seconds,
)
from audioguide.errors import EngineError, RateLimited
from audioguide.settings import Settings
from fake_google import FakeGoogle, duration_for, mp3_of, parse_freq

SENTENCE = "The quick brown fox jumps over the lazy dog."


@pytest.fixture(autouse=True)
def _quick(quick_backoff):
    """Every test here backs off in milliseconds."""


def engine_for(fake, lang="en", **changes) -> GTTSEngine:
    settings = Settings(**{"gtts_url": fake.url, "timeout": 5.0, "retries": 4, **changes})
    engine = GTTSEngine(settings, lang)
    engine.start()
    return engine


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/_/TranslateWebserverUi/data/batchexecute"


# -- one sentence ------------------------------------------------------------------------------
def test_sentence_gives_clip_of_the_fakes_length(fake_google):
    clip = engine_for(fake_google).synthesize(SENTENCE)
    assert clip.rate == 24000
    assert abs(clip.duration_ms - duration_for(SENTENCE) * 1000) < 100
    assert max(abs(b) for b in memoryview(clip.pcm).cast("h")[:4800]) > 1000  # a tone, not silence
    assert fake_google.requests == [(SENTENCE, "en", None)]


def test_lang_and_slow_reach_the_request(fake_google):
    engine_for(fake_google, lang="es", slow=True).synthesize("Hola, ¿qué tal?")
    assert fake_google.requests == [("Hola, ¿qué tal?", "es", True)]


def test_region_forms_become_gtts_tags(fake_google):
    engine = engine_for(fake_google, lang="en-US")
    engine.synthesize("Hello.")
    assert engine.lang == "en"
    assert fake_google.requests[0][1] == "en"


def test_tld_chooses_the_google_host_and_the_cache_identity(monkeypatch):
    monkeypatch.delenv(gtts_module.URL_ENV, raising=False)
    settings = Settings(tld="co.uk")
    assert endpoint(settings) == (
        "https://translate.google.co.uk/_/TranslateWebserverUi/data/batchexecute"
    )
    engine = GTTSEngine(settings, "en")
    assert engine.voice_name() == "google-en-co.uk"
    assert '"tld": "co.uk"' in engine.identity()
    assert engine.identity() != GTTSEngine(Settings(tld="com"), "en").identity()
    monkeypatch.setenv(gtts_module.URL_ENV, "http://127.0.0.1:1/x")
    assert endpoint(settings) == "http://127.0.0.1:1/x"
    assert endpoint(settings.with_(gtts_url="http://127.0.0.1:2/y")) == "http://127.0.0.1:2/y"


def test_long_sentence_is_cut_into_parts_of_at_most_100_chars(fake_google):
    text = (
        "This sentence is long enough that Google would refuse it whole, so gTTS's tokenizer "
        "cuts it at punctuation into parts, and every part is requested on its own."
    )
    engine = engine_for(fake_google)
    clip = engine.synthesize(text)
    texts = [t for t, _, _ in fake_google.requests]
    assert len(texts) >= 2
    assert all(len(t) <= 100 for t in texts)
    parts = [parse_freq(body.encode())[0] for body in engine.request_bodies(text)]
    assert sorted(texts) == sorted(parts)
    expected = sum(duration_for(t) for t in texts) * 1000
    assert abs(clip.duration_ms - expected) < 100 * len(texts)


@pytest.mark.parametrize("text", ["", "   ", "...", "?!"])
def test_text_with_nothing_to_say_sends_nothing(fake_google, text):
    clip = engine_for(fake_google).synthesize(text)
    assert clip.pcm == b"" and fake_google.total == 0


def test_rate_speeds_up_the_clip(fake_google):
    normal = engine_for(fake_google).synthesize(SENTENCE)
    fast = engine_for(fake_google, rate=2.0).synthesize(SENTENCE)
    assert 0.4 < fast.duration_ms / normal.duration_ms < 0.6


# -- Google's limits -------------------------------------------------------------------------
def test_retries_after_429s_without_retry_after(fake_google):
    fake_google.fail_429 = 3
    engine = engine_for(fake_google)
    clip = engine.synthesize(SENTENCE)
    assert clip.duration_ms > 1000
    assert fake_google.statuses[429] == 3 and fake_google.statuses[200] == 1
    assert engine.retries == 3 and fake_google.counts[SENTENCE] == 4


def test_retry_after_is_honoured(fake_google):
    fake_google.fail_429 = 2
    fake_google.retry_after = "0.2"
    engine = engine_for(fake_google)
    engine.synthesize(SENTENCE)
    assert engine.waits == [0.2, 0.2]


def test_retry_after_http_date():
    now = time.time()
    header = email.utils.formatdate(now + 30, usegmt=True)
    assert 28 <= retry_after_seconds(header, now=now) <= 31
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("100000") == gtts_module.RETRY_AFTER_MAX


def test_persistent_429_raises_rate_limited_with_resume_hint(fake_google):
    fake_google.always_429 = True
    engine = engine_for(fake_google)
    with pytest.raises(RateLimited) as caught:
        engine.synthesize(SENTENCE)
    message = str(caught.value)
    assert "429 Too Many Requests after 4 tries" in message
    assert "run the same command again to resume" in message
    assert "\n" not in message
    assert fake_google.total == 4


def test_500_then_success(fake_google):
    fake_google.fail_500 = 2
    clip = engine_for(fake_google).synthesize(SENTENCE)
    assert clip.duration_ms > 1000
    assert fake_google.statuses[500] == 2 and fake_google.total == 3


def test_persistent_500_names_the_status(fake_google):
    fake_google.fail_500 = 100
    with pytest.raises(RateLimited, match="kept answering 500"):
        engine_for(fake_google).synthesize(SENTENCE)


def test_time_out_is_retried(fake_google):
    mp3_of(duration_for(SENTENCE))  # made now, not while a request waits for it
    fake_google.hang = 1
    fake_google.hang_seconds = 2.0
    engine = engine_for(fake_google, lang="en")
    engine.settings = engine.settings.with_(timeout=0.4)
    tries = engine.settings.retries
    try:
        clip = engine.synthesize(SENTENCE)
    except RateLimited as exc:
        # A machine too busy to answer within 0.4 s even once: every try was used, then the
        # time-out is named.
        assert f"kept timing out (0.4 s each) after {tries} tries" in str(exc)
        assert engine.retries == tries - 1
    else:
        assert clip.duration_ms > 1000
        # The hung request and the answered one reached the fake; a busy machine may time out
        # more tries in between, never more than the tries allowed.
        assert 1 <= engine.retries <= tries - 1
        assert 2 <= fake_google.total <= engine.retries + 1
    assert fake_google.statuses[429] == fake_google.statuses[500] == 0
    assert len(engine.waits) == engine.retries


def test_unreachable_endpoint_says_so_after_the_last_try():
    settings = Settings(gtts_url=closed_port_url(), retries=2)
    with pytest.raises(RateLimited) as caught:
        GTTSEngine(settings, "en").synthesize(SENTENCE)
    assert str(caught.value).startswith(
        "Google Translate could not be reached (ConnectionError) after 2 tries; check the"
        " connection or use --engine piper; finished sentences are cached")


def test_connection_reset_is_retried(fake_google):
    fake_google.reset = 2
    engine = engine_for(fake_google)
    assert engine.synthesize(SENTENCE).duration_ms > 1000
    assert fake_google.total == 3


@pytest.mark.parametrize("mode", ["truncated", "garbage", "no_audio", "not_mp3"])
def test_200_without_audio_is_an_error_never_a_gap(fake_google, mode):
    fake_google.mode = mode
    with pytest.raises(EngineError) as caught:
        engine_for(fake_google).synthesize(SENTENCE)
    assert not isinstance(caught.value, RateLimited)
    assert "The quick brown fox" in str(caught.value)
    assert fake_google.total == 1  # not retried: asking again gets the same answer


def test_audio_from_body_reads_only_the_jq1olc_line():
    with pytest.raises(ValueError):
        audio_from_body(')]}\'\n\n20\n[["di",3]]')
    body = ')]}\'\n\n50\n[["wrb.fr","jQ1olc","[\\"SUQz\\"]",null]]'
    assert audio_from_body(body) == b"ID3"


# -- concurrency -----------------------------------------------------------------------------
def test_order_kept_with_four_jobs_and_random_latency(fake_google):
    fake_google.latency = 0.01
    fake_google.jitter = 0.08
    texts = [f"Sentence {i}. " + "word " * (i % 5 * 4) for i in range(16)]
    engine = engine_for(fake_google, jobs=4)
    clips = list(engine.synthesize_many(texts))
    assert len(clips) == 16
    for text, clip in zip(texts, clips, strict=True):
        assert abs(clip.duration_ms - duration_for(text.strip()) * 1000) < 100, text
    assert 2 <= fake_google.peak <= 4
    assert sorted(fake_google.counts) == sorted(t.strip() for t in texts)


def test_one_failure_stops_the_rest_and_raises_once(fake_google):
    fake_google.always_429 = True
    fake_google.latency = 0.01
    engine = engine_for(fake_google, jobs=4, retries=3)
    texts = [f"Sentence number {i}." for i in range(40)]
    produced = []
    with pytest.raises(RateLimited):
        produced.extend(engine.synthesize_many(texts))
    assert produced == []
    # At most the in-flight window (4 * jobs sentences) was ever tried, not all 40 sentences.
    assert len(fake_google.counts) <= 16
    assert fake_google.total <= 16 * 3
    assert fake_google.peak <= 4  # never more than `jobs` requests at Google at once


def test_one_pooled_session_is_reused(fake_google):
    engine = engine_for(fake_google, jobs=4)
    session = engine._session
    list(engine.synthesize_many([f"Text {i}." for i in range(8)]))
    assert engine._session is session
    adapter = session.get_adapter(fake_google.url)
    assert adapter._pool_maxsize >= 4
    # proxies and the CA bundle come from http_session, never .netrc (tests/test_http_session.py)
    assert session.trust_env is False and session.verify is True


# -- TLS: verification on, REQUESTS_CA_BUNDLE honoured ---------------------------------------
@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


def test_untrusted_certificate_is_refused(certificate, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with FakeGoogle(tls=certificate) as fake:
        with pytest.raises(EngineError, match="certificate") as caught:
            engine_for(fake).synthesize(SENTENCE)
        assert "REQUESTS_CA_BUNDLE" in str(caught.value)
        assert fake.total == 0  # the handshake failed before any request


def test_requests_ca_bundle_is_honoured(certificate, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certificate[0])
    with FakeGoogle(tls=certificate) as fake:
        clip = engine_for(fake).synthesize(SENTENCE)
        assert clip.duration_ms > 1000
        assert fake.url.startswith("https://") and fake.total == 1


# -- probe and facts --------------------------------------------------------------------------
def test_probe_answers_none_when_the_fake_answers(fake_google):
    assert probe(Settings(gtts_url=fake_google.url)) is None
    assert fake_google.total == 1


def test_probe_gives_the_reason_when_unreachable():
    assert probe(Settings(gtts_url=closed_port_url()), timeout=1.0) == "connection refused"


def test_probe_gives_up_at_its_time_limit(fake_google):
    fake_google.hang = 1
    fake_google.hang_seconds = 1.5
    assert probe(Settings(gtts_url=fake_google.url), timeout=0.3) == "no answer within 0.3 s"


def test_facts():
    engine = GTTSEngine(Settings(), "es")
    assert engine.credit() == "Google Translate text-to-speech via gTTS (online)"
    assert engine.version()[0].isdigit()
    assert {"en", "es", "fr", "zh-CN"} <= set(GTTSEngine.languages())
    assert engine.sound_params() == {"rate": 1.0, "tld": "com", "slow": False}
    assert GTTSEngine.offline is False and engine.jobs == 4
