"""Golden cases for the roles (issue 18): one small input per role, in HTML, Markdown and plain
text (tests/data/roles/), each with its expected `audioguide sections --json`, the planned
speech and what the transcript lists as skipped, in `<input>.golden` beside it.

To regenerate after an intended change: `AUDIOGUIDE_REGEN_GOLDEN=1 .venv/bin/pytest
tests/test_roles_golden.py`, then read the diff of tests/data/roles/ before committing it.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from audioguide.cli import cli
from audioguide.episode.transcripts import skipped_text, to_text
from audioguide.models import Chapter, Cue, CueKind
from audioguide.readers import read_source
from audioguide.readers.roles import chapter_skips
from audioguide.settings import Settings
from audioguide.speech import plan
from conftest import check_golden

ROLES = Path(__file__).resolve().parent / "data" / "roles"
INPUTS = sorted(p.name for p in ROLES.iterdir() if p.suffix in (".html", ".md", ".txt"))
# Inputs also run with these options (each run is one more part of the golden file).
VARIANTS = {
    "aside.html": [("--keep", "asides")],
    "pullquote.html": [("--keep", "asides")],
    "footnotes.html": [("--skip", "notes")],
    "footnotes.md": [("--skip", "notes")],
    "footnotes.txt": [("--skip", "notes")],
    "references.txt": [("--skip", "notes")],
    "figure.html": [("--skip", "figures")],
    "figure.md": [("--skip", "figures")],
    "math.html": [("--skip", "math")],
    "math.md": [("--skip", "math")],
}
ANCHOR_GLYPHS = re.compile("[¶§🔗⚓\ue000-\uf8ff]|\\w\\w#$")  # "Learning C#" is fine


def _run(name: str, option: tuple[str, str] | None) -> str:
    """One part of a golden file: the sections JSON, the planned speech, the skipped listing."""
    path = ROLES / name
    args = ["sections", "--json", str(path), *(option or ())]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    settings = Settings()
    if option:
        settings = dataclasses.replace(settings, **{option[0][2:]: (option[1],)})
    article = read_source(str(path), settings)
    spoken = plan(article, settings, "en")
    skips = chapter_skips(article, spoken.chapter_titles)
    chapters = [Chapter(title, 0, 0, skipped) for title, skipped in
                zip(spoken.chapter_titles, skips, strict=True)]
    lines = [f"$ audioguide {' '.join(['sections', '--json', name, *(option or ())])}",
             json.dumps(summary, indent=1, ensure_ascii=False), "", "planned speech:"]
    lines += [f"{u.section} {u.kind.value}: {u.spoken}" for u in spoken.utterances]
    lines += ["", "listed as skipped:"]
    for chapter in chapters:
        lines += [f"{chapter.title}: {line}" for line in skipped_text(chapter)]
    return "\n".join(lines) + "\n"


def _golden(name: str) -> str:
    parts = [_run(name, None)] + [_run(name, option) for option in VARIANTS.get(name, [])]
    return "\n".join(parts)


@pytest.mark.parametrize("name", INPUTS)
def test_role_golden(name):
    check_golden(ROLES / f"{name}.golden", _golden(name))


@pytest.mark.parametrize("name", INPUTS)
def test_titles_carry_no_anchor_glyphs(name):
    article = read_source(str(ROLES / name), Settings())
    titles = [article.title] + [s.title for s in article.sections]
    assert not [t for t in titles if ANCHOR_GLYPHS.search(t)]


def test_hidden_text_is_counted_never_spoken_nor_shown():
    article = read_source(str(ROLES / "hidden.html"), Settings())
    spoken = " ".join(u.spoken for u in plan(article, Settings(), "en").utterances)
    for word in ("Wombat", "Quokka", "Platypus", "Echidna"):
        assert word not in spoken
    hidden = [item for s in article.sections for item in s.skipped if item.kind == "hidden"]
    assert hidden and all(item.words > 0 for item in hidden)
    listed = [item for skips in chapter_skips(article, ("Introduction",)) for item in skips]
    assert listed and not any(item.text for item in listed if item.kind == "hidden")


def test_plain_text_references_are_not_read_and_notes_follow_their_section():
    article = read_source(str(ROLES / "footnotes.txt"), Settings())
    spoken = [u.spoken for u in plan(article, Settings(), "en").utterances]
    assert not any(re.search(r"\[\d|\bone\b.*\bBirds\b", line) for line in spoken)
    opening = next(n for n, line in enumerate(spoken) if line.startswith("Notes for this"))
    assert "Twice a month" in spoken[opening]
    plants = spoken.index("Plants.")
    assert opening < plants
    assert any("It turns red in autumn." in line for line in spoken[plants:])


def test_transcript_lists_what_a_section_skipped():
    article = read_source(str(ROLES / "footnotes.txt"), Settings(skip=("notes",)))
    titles = plan(article, Settings(skip=("notes",)), "en").chapter_titles
    chapters = [Chapter(t, 0, 1000, s) for t, s in zip(titles, chapter_skips(article, titles),
                                                        strict=True)]
    cues = [Cue(0, 500, "The marsh floods.", 0, CueKind.SENTENCE, True),
            Cue(500, 1000, "Glasswort grows.", 1, CueKind.SENTENCE, True)]
    text = to_text("Salt Marsh Notes", "", chapters, cues)
    assert "Skipped here: 3 notes (18 words)" in text
    assert "[Skipped note] Twice a month, near the new and full moon." in text
    assert text.index("[Skipped note] Counted") < text.index("Plants") < text.index(
        "Skipped here: 1 note (5 words)")


def test_page_lists_skips_escaped_and_hides_hidden_text():
    from audioguide.episode.page import skipped_html
    from audioguide.models import Skipped
    from audioguide.readers.roles import listing

    items = (Skipped("aside", 'Use <b>bold</b> & "quotes"', 4),
             listing(Skipped("hidden", "Wombat secret", 2)))
    html = skipped_html(Chapter("Tides", 0, 10, items))
    assert html.startswith('<details class="skipped">\n<summary>Skipped here: 1 aside (4 words), '
                           "1 hidden element (2 words)</summary>")
    assert "Use &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;" in html
    assert "<b>" not in html and "Wombat" not in html
