"""Synthetic episode folders for the publish tests (no tests here: helpers only)."""

from __future__ import annotations

import json
import subprocess
import uuid
from functools import cache
from pathlib import Path

from audioguide.episode.chapters import write_chapters_json
from conftest import check_golden

DURATION_MS = 6000
TRICKY_TITLE = 'Salt & <pepper> "quoted" \u2014 caf\u00e9 \U0001f336\ufe0f'


@cache
def sine_mp3() -> bytes:
    """6 s of a 440 Hz sine as a real 64 kbps mono MP3, made once per test run."""
    import tempfile

    from imageio_ffmpeg import get_ffmpeg_exe

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "sine.mp3"
        subprocess.run(
            [
                get_ffmpeg_exe(),
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:duration=6",
                "-ac",
                "1",
                "-ar",
                "44100",
                "-b:a",
                "64k",
                str(out),
            ],
            check=True,
        )
        return out.read_bytes()


def manifest_for(slug: str, title: str, date: str | None, first_built: str, size: int) -> dict:
    chapters = [
        {"title": "Introduction", "start_ms": 0, "end_ms": 2000},
        {"title": "Why it <matters> & how", "start_ms": 2000, "end_ms": 4250},
        {"title": "Questions", "start_ms": 4250, "end_ms": DURATION_MS},
    ]
    cues = [
        {
            "start_ms": 0,
            "end_ms": 900,
            "text": f"{title}, by Ada Writer.",
            "section": 0,
            "kind": "intro",
            "paragraph_end": True,
        },
        {
            "start_ms": 900,
            "end_ms": 1450,
            "text": "The first sentence.",
            "section": 0,
            "kind": "sentence",
        },
        {
            "start_ms": 1450,
            "end_ms": 2000,
            "text": "A second one.",
            "section": 0,
            "kind": "sentence",
            "paragraph_end": True,
        },
        {
            "start_ms": 2000,
            "end_ms": 2600,
            "text": "Why it <matters> & how",
            "section": 1,
            "kind": "heading",
            "paragraph_end": True,
        },
        {
            "start_ms": 2600,
            "end_ms": 3100,
            "text": "Things to know:",
            "section": 1,
            "kind": "sentence",
            "paragraph_end": True,
        },
        {
            "start_ms": 3100,
            "end_ms": 3600,
            "text": "</script><script>alert(1)</script>",
            "section": 1,
            "kind": "item",
            "paragraph_end": True,
        },
        {
            "start_ms": 3600,
            "end_ms": 4250,
            "text": 'Second item \u2014 with "quotes".',
            "section": 1,
            "kind": "item",
            "paragraph_end": True,
        },
        {
            "start_ms": 4250,
            "end_ms": 4900,
            "text": "Questions",
            "section": 2,
            "kind": "heading",
            "paragraph_end": True,
        },
        {
            "start_ms": 4900,
            "end_ms": 5400,
            "text": "Does it hurt?",
            "section": 2,
            "kind": "question",
            "paragraph_end": True,
        },
        {
            "start_ms": 5400,
            "end_ms": DURATION_MS,
            "text": "No.",
            "section": 2,
            "kind": "sentence",
            "paragraph_end": True,
        },
    ]
    return {
        "manifest_version": 1,
        "audioguide": "0.1.0",
        "slug": slug,
        "title": title,
        "byline": "Ada Writer",
        "category": "Health",
        "description": "",
        "lang": "en",
        "date": date,
        "source": f"{slug}.md",
        "identity": f"https://example.org/posts/{slug}",
        "guid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://example.org/posts/{slug}")),
        "first_built": first_built,
        "built": first_built,
        "engine": "piper",
        "engine_version": "1.3.0",
        "voice": "en_US-joe-medium",
        "credit": "Read by piper, voice en_US-joe-medium (CC0).",
        "settings": {
            "rate": 1.0,
            "bitrate": "64k",
            "format": "mp3",
            "lang": "en",
            "tld": "com",
            "slow": False,
            "announce": False,
        },
        "format": "mp3",
        "files": {
            "audio": f"{slug}.mp3",
            "vtt": f"{slug}.vtt",
            "srt": f"{slug}.srt",
            "txt": f"{slug}.txt",
            "json": f"{slug}.json",
            "chapters": f"{slug}.chapters.json",
            "page": "index.html",
            "cover": None,
            "sections": [],
        },
        "bytes": size,
        "duration_ms": DURATION_MS,
        "chapters": chapters,
        "cues": cues,
        "loudness": {"integrated_lufs": -16.0, "true_peak_dbtp": -1.4},
        "stats": {},
        "fingerprint": "0" * 64,
    }


def make_episode(
    root: Path,
    slug: str,
    title: str,
    date: str | None = None,
    first_built: str = "2026-11-20T10:00:00+00:00",
    audio: bytes | None = None,
) -> Path:
    """An episode folder as a build leaves it (audio, transcripts, chapters, manifest)."""
    folder = Path(root) / slug
    folder.mkdir(parents=True, exist_ok=True)
    audio = sine_mp3() if audio is None else audio
    (folder / f"{slug}.mp3").write_bytes(audio)
    manifest = manifest_for(slug, title, date, first_built, len(audio))
    for key in ("vtt", "srt", "txt", "json"):
        (folder / manifest["files"][key]).write_text(f"{key} transcript\n", encoding="utf-8")
    write_chapters_json(folder / manifest["files"]["chapters"], manifest["chapters"], title)
    (folder / "episode.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def make_series(root: Path, audio: bytes | None = None) -> list[Path]:
    """Two episodes: an older plain one (date from front matter), a newer tricky one."""
    return [
        make_episode(root, "back-dimples", "Back dimples", date="2026-11-01", audio=audio),
        make_episode(
            root,
            "salt-pepper",
            TRICKY_TITLE,
            date=None,
            first_built="2026-11-25T08:30:00+00:00",
            audio=audio,
        ),
    ]


GOLDEN = Path(__file__).parent / "data" / "publish"
def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/data/publish/<name>.golden; AUDIOGUIDE_REGEN_GOLDEN=1 rewrites it."""
    check_golden(GOLDEN / f"{name}.golden", actual)
