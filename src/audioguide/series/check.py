"""`audioguide feed --check`: what Apple Podcasts and the Podcast Index would refuse.

The written feed.xml is read as a podcast client reads it: feedparser for the channel and its
items, lxml for the namespaced tags feedparser flattens or drops (itunes:category's levels,
itunes:explicit's value, podcast:txt). Files are found through the feed's own URLs (its
atom:link rel="self" names the folder's address), so a length is compared with the file a
client would download. Each rule is a small function that returns its problems, one line each.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..episode.markup import clean_title
from ..errors import SourceError

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_URLS = (
    "https://podcastindex.org/namespace/1.0",
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
)
IMAGE_MIN, IMAGE_MAX = 1400, 3000
# Apple Podcasts' categories and their subcategories (Apple Podcasts for Creators, "Podcast
# categories"); names are matched exactly, as Apple matches them.
APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": ("Careers", "Entrepreneurship", "Investing", "Management", "Marketing",
                 "Non-Profit"),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": ("Alternative Health", "Fitness", "Medicine", "Mental Health",
                         "Nutrition", "Sexuality"),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": ("Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
                "Home & Garden", "Video Games"),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": ("Business News", "Daily News", "Entertainment News", "News Commentary", "Politics",
             "Sports News", "Tech News"),
    "Religion & Spirituality": ("Buddhism", "Christianity", "Hinduism", "Islam", "Judaism",
                                "Religion", "Spirituality"),
    "Science": ("Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
                "Natural Sciences", "Nature", "Physics", "Social Sciences"),
    "Society & Culture": ("Documentary", "Personal Journals", "Philosophy", "Places & Travel",
                          "Relationships"),
    "Sports": ("Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf",
               "Hockey", "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball",
               "Wilderness", "Wrestling"),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews",
                  "TV Reviews"),
}
# Enclosure types Apple Podcasts accepts for audio (and video) episodes.
APPLE_MEDIA_TYPES = {"audio/mpeg", "audio/x-m4a", "audio/mp4", "video/mp4", "video/quicktime",
                     "video/x-m4v", "application/pdf"}
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class Feed:
    """A written feed as a client sees it, and where its files are on this disk."""

    folder: Path
    parsed: Any  # feedparser.FeedParserDict
    channel: Any  # the lxml <channel> element
    base: str  # the folder's address, ending with "/"

    def local(self, url: str) -> Path | None:
        """The file in folder that a URL of the feed names, or None when it names none."""
        if not url.startswith(self.base):
            return None
        parts = [part for part in unquote(url[len(self.base):]).split("/") if part]
        if not parts or any(part in ("..", ".") or "\\" in part for part in parts):
            return None
        return self.folder.joinpath(*parts)


def _items(feed: Feed) -> Iterator[tuple[str, Any]]:
    """(how a problem names the item, the feedparser entry) for each item."""
    for number, entry in enumerate(feed.parsed.entries, 1):
        title = clean_title(entry.get("title"))[:60]
        yield (f'item {number} "{title}"' if title else f"item {number}"), entry


def artwork(feed: Feed) -> list[str]:
    """itunes:image: a square JPEG or PNG in RGB, 1400 to 3000 px (Apple)."""
    from PIL import Image, UnidentifiedImageError

    image = feed.channel.find(f"{{{ITUNES}}}image")
    href = image.get("href", "").strip() if image is not None else ""
    if not href:
        return ["channel: no itunes:image; give --image with a square JPEG or PNG"]
    path = feed.local(href)
    if path is None:
        return []  # an image at another address: Apple fetches it, this check cannot
    try:
        with Image.open(path) as opened:
            kind, mode, (width, height) = opened.format, opened.mode, opened.size
    except (OSError, UnidentifiedImageError):
        return [f"artwork {href}: not a readable JPEG or PNG at {path}"]
    wanted = f"a square JPEG or PNG in RGB from {IMAGE_MIN} to {IMAGE_MAX} px"
    if kind not in ("JPEG", "PNG") or mode not in ("RGB", "RGBA"):
        return [f"artwork {path.name}: {kind} in {mode}; Apple Podcasts needs {wanted}"]
    if width != height or not IMAGE_MIN <= width <= IMAGE_MAX:
        return [f"artwork {path.name}: {width}x{height} px; Apple Podcasts needs {wanted}"]
    suffixes = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",)}[kind]
    if path.suffix.lower() not in suffixes:
        return [f"artwork {path.name}: a {kind} needs the extension {suffixes[0]}"]
    return []


def category(feed: Feed) -> list[str]:
    """itunes:category: one of Apple's, with a subcategory of that category if any."""
    tops = feed.channel.findall(f"{{{ITUNES}}}category")
    if not tops:
        return ["channel: no itunes:category; give --category with one of Apple's categories"]
    problems = []
    for top in tops:
        name = top.get("text", "")
        if name not in APPLE_CATEGORIES:
            problems.append(f'category "{clean_title(name)}" is not one of Apple Podcasts\' '
                            'categories (e.g. "Education", "Health & Fitness/Fitness")')
            continue
        for sub in top.findall(f"{{{ITUNES}}}category"):
            if sub.get("text", "") not in APPLE_CATEGORIES[name]:
                problems.append(f'category "{name}" has no subcategory '
                                f'"{clean_title(sub.get("text"))}" in Apple Podcasts')
    return problems


def explicit(feed: Feed) -> list[str]:
    """itunes:explicit on the channel, "true" or "false" (Apple)."""
    flag = feed.channel.find(f"{{{ITUNES}}}explicit")
    value = (flag.text or "").strip() if flag is not None else None
    if value is None:
        return ["channel: no itunes:explicit; pass --explicit or --clean"]
    if value not in ("true", "false"):
        return [f'channel: itunes:explicit is "{clean_title(value)}"; Apple reads "true" or '
                '"false"']
    return []


def owner(feed: Feed) -> list[str]:
    """An owner e-mail (itunes:owner), or Apple's podcast:txt verification token."""
    email = (feed.parsed.feed.get("publisher_detail") or {}).get("email", "")
    verify = [txt for url in PODCAST_URLS for txt in feed.channel.findall(f"{{{url}}}txt")
              if txt.get("purpose") == "applepodcastsverify" and (txt.text or "").strip()]
    if "@" in email or verify:
        return []
    return ['channel: no owner e-mail (itunes:owner) and no podcast:txt '
            'purpose="applepodcastsverify"; pass --email']


def language(feed: Feed) -> list[str]:
    """A channel language, an ISO 639 code (with a region or not)."""
    value = feed.parsed.feed.get("language", "").strip()
    if not value:
        return ["channel: no language; pass --language (en, fr-CA...)"]
    if not LANGUAGE_TAG.fullmatch(value):
        return [f'channel: language "{clean_title(value)}" is not a language code like en '
                "or fr-CA"]
    return []


def channel_text(feed: Feed) -> list[str]:
    """A channel title and description (Apple requires both)."""
    return [f"channel: no {name}; pass --{name}" for name in ("title", "description")
            if not clean_title(feed.parsed.feed.get(name))]


def item_fields(feed: Feed) -> list[str]:
    """Every item has a guid, a title, an enclosure (URL, length, type) and a pubDate, and no
    two items share a guid (apps and the Podcast Index tell episodes apart by it)."""
    problems = []
    if not feed.parsed.entries:
        problems.append("channel: no items; build episodes, then run audioguide feed")
    for name, entry in _items(feed):
        enclosure = (entry.get("enclosures") or [{}])[0]
        missing = [field for field, there in (
            ("guid", entry.get("id")), ("title", clean_title(entry.get("title"))),
            ("enclosure", enclosure.get("href")), ("enclosure length", enclosure.get("length")),
            ("enclosure type", enclosure.get("type")), ("pubDate", entry.get("published_parsed")),
        ) if not there]
        if missing:
            problems.append(f"{name}: no {', no '.join(missing)}")
        kind = enclosure.get("type")
        if kind and kind not in APPLE_MEDIA_TYPES:
            problems.append(f"{name}: enclosure type {clean_title(kind)} is not one Apple plays")
    counts = Counter(entry.get("id") for entry in feed.parsed.entries if entry.get("id"))
    problems += [f'guid "{clean_title(guid)}" is used by {count} items'
                 for guid, count in counts.items() if count > 1]
    return problems


def enclosures(feed: Feed) -> list[str]:
    """HTTPS enclosure URLs, whose length is the size of the file served there."""
    problems = []
    for name, entry in _items(feed):
        for enclosure in entry.get("enclosures") or []:
            href = enclosure.get("href") or ""
            if not href:
                continue
            if not href.startswith("https://"):
                problems.append(f"{name}: enclosure {clean_title(href)} is not HTTPS; give "
                                "--base-url https://...")
            problems += _length(feed, name, href, enclosure.get("length") or "")
    return problems


def _length(feed: Feed, name: str, href: str, length: str) -> list[str]:
    path = feed.local(href)
    if path is None or not path.is_file():
        return [f"{name}: enclosure {clean_title(href)} is not a file in {feed.folder}"]
    size = path.stat().st_size
    if length != str(size):
        return [f"{name}: enclosure length {clean_title(length) or 'missing'} but "
                f"{path.relative_to(feed.folder)} has {size} bytes; run audioguide feed again"]
    return []


RULES: tuple[Callable[[Feed], list[str]], ...] = (
    channel_text, language, artwork, category, explicit, owner, item_fields, enclosures,
)


def read_feed(folder: Path) -> Feed:
    """folder/feed.xml read as a client reads it; SourceError when it cannot be read."""
    import feedparser
    from lxml import etree

    path = Path(folder) / "feed.xml"
    try:
        data = path.read_bytes()
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except OSError as exc:
        raise SourceError(f"{path}: cannot read it ({exc.strerror}); run audioguide feed") from exc
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{path}: not well-formed XML ({exc}); run audioguide feed") from exc
    channel = root.find("channel")
    parsed = feedparser.parse(data)
    if root.tag != "rss" or channel is None:
        raise SourceError(f"{path}: not an RSS feed; run audioguide feed")
    links = parsed.feed.get("links", [])
    self_link = next((link.get("href", "") for link in links if link.get("rel") == "self"), "")
    base = (self_link.rsplit("/", 1)[0] if self_link else parsed.feed.get("link", "")).rstrip("/")
    return Feed(Path(folder), parsed, channel, base + "/")


def check_feed(folder: Path) -> list[str]:
    """What Apple Podcasts and the Podcast Index would refuse in folder/feed.xml, one line
    per problem; empty when it would pass."""
    feed = read_feed(folder)
    return [problem for rule in RULES for problem in rule(feed)]
