"""Start-up stays light: --help and sections import no engine, onnxruntime or numpy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("numpy", "onnxruntime", "piper", "scipy", "pydub", "pyloudnorm", "requests", "gtts",
         "soundfile", "mutagen", "PIL", "audioguide.engines.piper", "audioguide.engines.gtts")

PROBE = """
import sys
from click.testing import CliRunner
from audioguide.cli import cli
result = CliRunner().invoke(cli, sys.argv[1:])
assert result.exit_code == 0, result.output
print(",".join(m for m in {heavy!r} if m in sys.modules))
"""


@pytest.mark.parametrize("args", [["--help"], ["sections", "{article}"],
                                  ["sections", "{article}", "--json"]])
def test_light_commands_import_nothing_heavy(args, short_article):
    argv = [a.format(article=short_article) for a in args]
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"imported: {done.stdout.strip()}"


def test_many_articles_load_the_voice_once(short_article, tmp_path, monkeypatch):
    from audioguide.engines.piper import PiperEngine
    from audioguide.pipeline import build_episodes
    from audioguide.settings import Settings

    starts = []
    real = PiperEngine.start
    monkeypatch.setattr(PiperEngine, "start", lambda self: (starts.append(1), real(self)))
    second = tmp_path / "second.txt"
    second.write_text(Path(short_article).read_text(encoding="utf-8").replace(
        "Watering Seedlings", "Potting Seedlings"), encoding="utf-8")
    results = build_episodes([str(short_article), str(second)],
                             Settings(output_dir=tmp_path / "out", engine="piper", jobs=1))
    assert len(results) == 2 and results[0].folder != results[1].folder
    assert len(starts) == 1
