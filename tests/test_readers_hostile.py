"""Hostile inputs at reader level: each gives a sane Article or one clear SourceError line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from audioguide.errors import SourceError
from audioguide.models import Article
from audioguide.readers import read_source

HOSTILE = Path(__file__).parent / "data" / "hostile"
EXPECTED = json.loads((HOSTILE / "expected.json").read_text("utf-8"))
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffd\ud800-\udfff]"
)


def _texts(article: Article) -> list[str]:
    return (
        [article.title, article.byline, article.category, article.description]
        + [s.title for s in article.sections]
        + [b.text for s in article.sections for b in s.blocks]
        + [b.spoken for s in article.sections for b in s.blocks if b.spoken]
    )


def test_every_hostile_file_has_an_expectation():
    files = {p.name for p in HOSTILE.iterdir() if p.name != "expected.json"}
    assert files == set(EXPECTED)
    assert len(files) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_input(name):
    path = HOSTILE / name
    if EXPECTED[name] == "error":
        with pytest.raises(SourceError) as info:
            read_source(str(path))
        message = str(info.value)
        assert str(path) in message and "\n" not in message and len(message) < 300
        return
    article = read_source(str(path))
    assert article.title.strip()
    assert article.sections
    texts = _texts(article)
    assert any(re.search(r"\w", t) for t in texts[4:])
    for text in texts:
        assert not UNSAFE.search(text.replace("\n", " ")), repr(text[:80])
    everything = " ".join(texts)
    assert "root:" not in everything  # no external entity was read
    assert len(everything) < 2 * path.stat().st_size + 1000  # no entity expansion


def test_specific_hostile_readings():
    bidi = read_source(str(HOSTILE / "bidi-zero-width.txt"))
    assert "Payment is due today" in bidi.sections[0].blocks[0].text
    escapes = read_source(str(HOSTILE / "control-escapes.txt"))
    assert "Red text with a bell, a backspace and form feed here." in " ".join(
        b.text for b in escapes.sections[0].blocks
    )
    laughs = read_source(str(HOSTILE / "billion-laughs.html"))
    assert "lol" * 10 not in " ".join(_texts(laughs))
    chinese = read_source(str(HOSTILE / "chinese.txt"))
    assert chinese.title == "河流简介"
    assert [s.title for s in chinese.sections] == ["", "洪水"]
    arabic = read_source(str(HOSTILE / "arabic.txt"))
    assert [s.title for s in arabic.sections] == ["", "الفيضانات"]
    deep = read_source(str(HOSTILE / "nested-list.md"))
    assert sum(len(s.blocks) for s in deep.sections) == 300
    assert (
        read_source(str(HOSTILE / "windows-1252.txt"))
        .sections[0]
        .blocks[0]
        .text.startswith("Smart “quotes” – and dashes…")
    )
