"""One way to read sources: `build`, `build --ray` and `sync` read through readers.read_sources
and take the same reading options (--per-chapter, --skip, --keep). espeak reads (fast, offline)."""

from __future__ import annotations

from pathlib import Path

from audioguide.cli import cli
from audioguide.manifest import Manifest, read_series
from test_sources_epub_pdf import CHAPTERS, make_epub
from test_sync import run_sync, runner

NOTED = ("---\ntitle: Dry Stone Walls\n---\n\nA wall leans in as it rises.[^1] Each course "
         "covers the joint below it.\n\n[^1]: The batter is about one in six.\n")


def episodes(out: Path) -> dict[str, Manifest]:
    return {e.manifest.title: Manifest.read(out / e.slug) for e in read_series(out)}


def said(manifest: Manifest) -> str:
    return " ".join(cue.text for cue in manifest.cues)


def test_sync_per_chapter_makes_an_episode_per_chapter_and_rereads_nothing(tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    make_epub(folder / "harbour.epub")
    out = tmp_path / "podcast"
    code, report, err = run_sync(str(folder), out, "--per-chapter")
    assert (code, report["built"]) == (0, len(CHAPTERS)), err
    titles = list(episodes(out))
    assert all(any(chapter in title for title in titles) for chapter in CHAPTERS), titles
    again = run_sync(str(folder), out, "--per-chapter")[1]
    assert (again["built"], again["unchanged"]) == (0, len(CHAPTERS))


def test_sync_without_per_chapter_makes_one_episode_of_the_book(tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    make_epub(folder / "harbour.epub")
    code, report, err = run_sync(str(folder), tmp_path / "podcast")
    assert (code, report["built"]) == (0, 1), err


def test_sync_skip_notes_is_applied_and_a_change_of_it_rebuilds(tmp_path):
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "walls.md").write_text(NOTED, encoding="utf-8")
    out = tmp_path / "podcast"
    assert run_sync(str(folder), out)[1]["built"] == 1
    assert "one in six" in said(episodes(out)["Dry Stone Walls"])
    code, report, err = run_sync(str(folder), out, "--skip", "notes")
    assert (code, report["built"]) == (0, 1), err  # the reading options are in the entry's hash
    assert "one in six" not in said(episodes(out)["Dry Stone Walls"])


def test_sync_help_lists_every_reading_option_of_build():
    def options(command: str) -> set[str]:
        text = runner().invoke(cli, [command, "--help"]).output
        return {word for word in ("--per-chapter", "--skip", "--keep") if word in text}

    assert options("sync") == options("build") == {"--per-chapter", "--skip", "--keep"}


def test_a_later_build_option_given_to_sync_rebuilds_once(tmp_path):
    """--opus (like --no-disclosure and --role-voice) is in each entry's hash when given: a
    sync of unchanged entries with it rebuilds them once, then reads them as unchanged."""
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "walls.md").write_text(NOTED, encoding="utf-8")
    out = tmp_path / "podcast"
    assert run_sync(str(folder), out)[1]["built"] == 1
    assert run_sync(str(folder), out)[1]["unchanged"] == 1
    code, report, err = run_sync(str(folder), out, "--opus")
    assert (code, report["built"]) == (0, 1), err
    assert list(out.glob("*/*.opus"))
    assert run_sync(str(folder), out, "--opus")[1]["unchanged"] == 1
