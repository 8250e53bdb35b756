"""The default cover: a square PNG podcast apps accept, for a title in any script."""

from __future__ import annotations

import pytest
from PIL import Image

from audioguide.episode.cover import make_cover


@pytest.mark.parametrize(
    "title",
    [
        "Back dimples: what they are & how to get them",
        "\u0645\u0627 \u0647\u064a \u063a\u0645\u0627\u0632\u0627\u062a "
        "\u0627\u0644\u0638\u0647\u0631",
        "\u80cc\u90e8\u9152\u7a9d\u662f\u4ec0\u4e48 \U0001f600",
        "\U0001f600\U0001f680",
        "",
        "W" * 400,
        "a\x00b\ud800c",
    ],
)
def test_cover_is_a_square_png(tmp_path, title):
    path = make_cover(title, tmp_path / "cover.png", subtitle="By Ada")
    with Image.open(path) as image:
        assert (image.format, image.size) == ("PNG", (1400, 1400))
        # the title is drawn: the image is not one flat colour
        assert len(image.convert("RGB").getcolors(maxcolors=1_000_000)) > 2
    assert [p.name for p in tmp_path.iterdir()] == ["cover.png"]


def test_cover_size(tmp_path):
    with Image.open(make_cover("Big", tmp_path / "c.png", size=3000)) as image:
        assert image.size == (3000, 3000)
