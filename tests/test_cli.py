"""The command line through click's CliRunner: help, previews, errors as one line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from audioguide.cli import cli

COMMANDS = [["build"], ["sections"], ["voices"], ["feed"], ["check"], ["cache"],
            ["cache", "info"], ["cache", "prune"], ["cache", "clear"]]


@pytest.fixture
def runner():
    return CliRunner()


def one_line_error(result, code=1):
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("audioguide: error:")
    assert "Traceback" not in result.output
    return lines[0]


def test_top_level_help(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("build", "sections", "voices", "feed", "check", "cache"):
        assert name in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(runner, command):
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_sections_json_shape(runner, short_article):
    result = runner.invoke(cli, ["sections", str(short_article), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"title", "sections"}
    assert data["title"] == "Watering Seedlings Without Drowning Them"
    assert [s["title"] for s in data["sections"]] == [
        "Introduction", "Morning or Evening?", "What You Need", "Key Points"]
    for section in data["sections"]:
        assert set(section) == {"title", "words", "seconds", "skipped"}
        assert isinstance(section["words"], int) and isinstance(section["seconds"], float)
        assert section["words"] > 0 and section["seconds"] > 0


def test_sections_table(runner, short_article):
    result = runner.invoke(cli, ["sections", str(short_article)])
    assert result.exit_code == 0
    assert "Morning or Evening?" in result.output and "words" in result.output


def test_missing_file(runner, tmp_path):
    line = one_line_error(runner.invoke(cli, ["build", str(tmp_path / "nope.txt")]))
    assert "nope.txt" in line


def test_empty_article(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n\n", encoding="utf-8")
    line = one_line_error(runner.invoke(cli, ["build", str(empty), "-o", str(tmp_path / "o")]))
    assert "empty.txt" in line
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


@pytest.mark.parametrize("args", [["--rate", "3"], ["--bitrate", "32k"], ["--engine", "nope"],
                                  ["--jobs", "0"]])
def test_bad_options_are_usage_errors(runner, short_article, args):
    result = runner.invoke(cli, ["build", str(short_article), *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_bad_settings_file(runner, tmp_path, short_article):
    config = tmp_path / "audioguide.toml"
    config.write_text("rate = [\n", encoding="utf-8")
    result = runner.invoke(cli, ["--config", str(config), "sections", str(short_article)])
    assert result.exit_code == 2
    assert "audioguide.toml" in result.output


def test_settings_file_is_read(runner, tmp_path):
    """Each part of the file takes effect: top-level settings (engine, output folder), [pauses]
    (the gap between two sentences) and [feed] (the feed's title and address)."""
    import xml.etree.ElementTree as ET

    article = tmp_path / "tiny.txt"
    article.write_text("A Tiny Title\n\nThe first sentence is here. The second one follows.\n",
                       encoding="utf-8")
    out = tmp_path / "out"
    config = tmp_path / "audioguide.toml"
    config.write_text(f"engine = 'espeak'\noutput_dir = '{out}'\n[pauses]\nsentence = 900\n"
                      "[feed]\ntitle = 'Mine'\nbase_url = 'https://example.org/pod'\n",
                      encoding="utf-8")
    built = runner.invoke(cli, ["--config", str(config), "build", str(article)])
    assert built.exit_code == 0, built.output
    manifest = json.loads((out / "a-tiny-title" / "episode.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == "espeak"  # the default, auto, picks piper
    first, second = [cue for cue in manifest["cues"] if cue["kind"] == "sentence"]
    assert second["start_ms"] - first["end_ms"] == 900  # the default is 350
    fed = runner.invoke(cli, ["--config", str(config), "feed"])
    assert fed.exit_code == 0, fed.output
    channel = ET.parse(out / "feed.xml").getroot().find("channel")
    assert channel.findtext("title") == "Mine"
    assert channel.findtext("link").startswith("https://example.org/pod")


def test_debug_shows_the_traceback(runner, tmp_path):
    result = runner.invoke(cli, ["--debug", "build", str(tmp_path / "nope.txt")])
    assert result.exit_code != 0 and result.exception is not None


def test_cache_commands(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(tmp_path / "c"))
    info = runner.invoke(cli, ["cache", "info"])
    assert info.exit_code == 0 and "0 clips" in info.output
    assert runner.invoke(cli, ["cache", "prune", "--max-mib", "1"]).exit_code == 0
    assert "removed 0 clips" in runner.invoke(cli, ["cache", "clear"]).output


def cache_entry(root, name: str, size: int, age: int) -> None:
    """A file where the cache keeps an entry: info and prune go by its size and mtime."""
    import os

    path = root / "clips" / name[:2] / f"{name}.clip"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * size)
    os.utime(path, (1_000_000 + age, 1_000_000 + age))


def test_cache_sizes_are_mib(runner, tmp_path, monkeypatch):
    """The setting, the output and --max-mib all count MiB (1024**2 bytes), never MB."""
    root = tmp_path / "c"
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(root))
    config = tmp_path / "audioguide.toml"
    config.write_text("cache_max_mb = 2048\n", encoding="utf-8")
    cache_entry(root, "aa" * 32, 3 * 1024**2, age=0)
    info = runner.invoke(cli, ["--config", str(config), "cache", "info"])
    assert info.exit_code == 0, info.output
    assert info.output.splitlines()[1] == "1 clips, 3.0 MiB (limit 2048.0 MiB)"
    # the 3 MiB entry is the oldest; the last two hold 1,040,000 bytes: more than 1 MB (which
    # would drop one more) and less than 1 MiB
    for age, name in enumerate(["bb", "cc", "dd"]):
        cache_entry(root, name * 32, 520_000, age + 1)
    pruned = runner.invoke(cli, ["cache", "prune", "--max-mib", "1"])
    assert pruned.output == "removed 2 clips, 3.5 MiB\n"
    assert sorted(p.name[:2] for p in root.glob("clips/*/*.clip")) == ["cc", "dd"]
    old_flag = runner.invoke(cli, ["cache", "prune", "--max-mb", "0"])
    assert old_flag.output == "removed 2 clips, 1.0 MiB\n"
    assert "--max-mb" not in runner.invoke(cli, ["cache", "prune", "--help"]).output


def test_check_on_a_folder_that_is_not_an_episode(runner, tmp_path):
    line = one_line_error(runner.invoke(cli, ["check", str(tmp_path)]))
    assert str(tmp_path) in line


def test_build_through_the_cli(runner, tmp_path, short_article):
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", str(short_article), "-o", str(out), "--engine", "piper"])
    assert result.exit_code == 0, result.output
    assert "4 chapters" in result.output and "piper" in result.output
    assert "synthesized" in result.output
    assert list(out.glob("*/*.mp3"))


@pytest.mark.parametrize("page", ["<p>Only one short line here.</p>",
                                  "<html><head><title>T</title></head><body><nav>Home</nav>"
                                  "<article><h1>Tiny</h1><p>One line.</p></article></body></html>"])
def test_sections_json_on_html_prints_nothing_on_stderr(tmp_path, page):
    """Other libraries' log lines (trafilatura's "empty HTML tree"...) stay quiet."""
    import subprocess
    import sys

    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "audioguide", "sections", str(path), "--json"],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert json.loads(done.stdout)["sections"]


@pytest.mark.parametrize("where", ["before", "after"])
def test_group_options_before_or_after_the_command(runner, tmp_path, short_article, where):
    settings = tmp_path / "bad.toml"
    settings.write_text("engine = 'nope'\n", encoding="utf-8")
    options = ["-q", "--config", str(settings)]
    args = [*options, "sections", str(short_article)] if where == "before" else \
        ["sections", str(short_article), *options]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2 and "'nope'" in result.output  # the settings file was read
    quiet = ["build", str(short_article), "-o", str(tmp_path / "out"), "--engine", "nope", "-q"]
    assert runner.invoke(cli, quiet).exit_code == 2  # -q accepted after the command
    assert "--quiet" in runner.invoke(cli, ["build", "--help"]).output
