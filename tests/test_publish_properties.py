"""Any article text survives the feed and the page as text: never markup, never invalid XML."""

from __future__ import annotations

import tempfile
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from audioguide.episode.markup import clean_title
from audioguide.episode.page import episode_page_html
from audioguide.manifest import Manifest, SeriesEpisode
from audioguide.series.feed import feed_xml
from audioguide.settings import FeedSettings
from test_publish_support import manifest_for

TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("<>&\"'\x00\u202e"),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(title=TEXT, cue=TEXT)
def test_any_text_stays_text(title, cue):
    manifest = manifest_for("ep", title, None, "2026-11-25T08:30:00+00:00", 4)
    manifest["cues"][1]["text"] = cue
    tree = lxml_html.fromstring(episode_page_html(Manifest.from_json(manifest)))
    assert tree.xpath("string(//h1)") == (clean_title(title) or "Untitled")
    assert len(tree.xpath("//script")) == 1
    assert len(tree.xpath("//*[@id='transcript']//*[@data-start]")) == len(manifest["cues"])

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "ep").mkdir()
        (Path(folder) / "ep" / "ep.mp3").write_bytes(b"abcd")
        episode = SeriesEpisode(Manifest.from_json(manifest), "ep",
                                datetime(2026, 11, 25, tzinfo=timezone.utc))
        settings_ = FeedSettings(title=title, base_url="https://example.org")
        root = etree.fromstring(feed_xml(settings_, [episode], Path(folder), "https://x/c.png"))
    assert root.findtext("channel/item/title") == (clean_title(title) or "ep")
