"""Slugs: safe file names from any title."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from audioguide.slug import MAX_BYTES, slugify


def test_plain_titles():
    assert slugify("Back to Basics: A Guide!") == "back-to-basics-a-guide"
    assert slugify("Café déjà vu") == "cafe-deja-vu"


def test_reserved_and_empty():
    assert slugify("CON") == "episode-con"
    assert slugify("nul") == "episode-nul"
    assert slugify("") == "episode"
    assert slugify("🙂🙂").startswith("episode-")
    assert slugify("مرحبا بالعالم") != slugify("你好世界")


def test_no_escape_from_the_folder():
    for title in ("../../etc/passwd", "..", ".hidden", "a/b\\c", "\u202eevil\u202c"):
        slug = slugify(title)
        assert "/" not in slug and "\\" not in slug and not slug.startswith(".")


@given(st.text())
def test_every_slug_is_safe(title):
    slug = slugify(title)
    assert slug and len(slug.encode()) <= MAX_BYTES
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    assert not slug.startswith(("-", ".")) and not slug.endswith("-")
    assert slug.split("-")[0] not in {"con", "prn", "aux", "nul"}
