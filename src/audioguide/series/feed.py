"""The podcast feed (RSS 2.0 with the itunes and podcast namespaces) and the series page.

Built with lxml directly: it is already a dependency, and the podcast namespace has to be
declared under two URLs at once (apps know the new one, podcastparser only the old one), which
lxml's explicit nsmap makes simple and feedgen's extension mechanism does not.
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from datetime import timezone
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from ..atomic import write_bytes
from ..episode.chapters import MIME_TYPE as CHAPTERS_TYPE
from ..episode.cover import make_cover
from ..episode.credits import credit_text
from ..episode.disclosure import disclosure_sentence
from ..episode.markup import clean_text, clean_title
from ..errors import OutputError, SettingsError, SourceError
from ..manifest import Files, Manifest, SeriesEpisode, parse_time, read_series
from ..settings import FeedSettings
from .page import series_page_html

if TYPE_CHECKING:
    from lxml import etree

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
# The namespace's first URL: gPodder's podcastparser (and older apps) read only this one.
PODCAST_LEGACY = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
ATOM = "http://www.w3.org/2005/Atom"
NSMAP = {"itunes": ITUNES, "podcast": PODCAST, "podcast1": PODCAST_LEGACY, "atom": ATOM}
# The Podcasting 2.0 namespace UUID for podcast:guid (UUIDv5 of the feed URL).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4b": "audio/x-m4a", ".m4a": "audio/x-m4a",
               ".opus": "audio/ogg"}
# suffix -> (RFC 6381 codecs, title) of a podcast:alternateEnclosure
ALTERNATE_KINDS = {".mp3": ("mp3", "MP3"), ".m4b": ("mp4a.40.2", "M4B audiobook"),
                   ".m4a": ("mp4a.40.2", "M4A"), ".opus": ("opus", "Opus")}
BOOK_SUFFIXES = (".epub", ".pdf")
# What Apple Podcasts and hosts (RSS.com, TrueFans) read as "a synthetic voice made this".
AI_CONTENT = "ai-content"
# files key -> (MIME type, rel) for podcast:transcript, in this order.
TRANSCRIPT_TYPES = (
    ("vtt", "text/vtt", "captions"),
    ("srt", "application/x-subrip", "captions"),
    ("json", "application/json", None),
    ("txt", "text/plain", None),
    ("page", "text/html", None),
)
IMAGE_MIN, IMAGE_MAX = 1400, 3000
DEFAULT_TITLE = "Audio guides"
DEFAULT_DESCRIPTION = "Articles read aloud, with chapters and full transcripts."


def podcast_guid(feed_url: str) -> str:
    """podcast:guid: UUIDv5 of the feed URL without its scheme and trailing slashes."""
    parts = feed_url.split("://", 1)
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, parts[-1].rstrip("/")))


def _base_url(feed: FeedSettings) -> str:
    base = clean_text(feed.base_url).strip()
    if not base:
        raise SettingsError(
            "the feed needs the address it will be published at: "
            "pass --base-url https://... or set base_url under [feed] in audioguide.toml"
        )
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise SettingsError(
            f"--base-url {base!r}: give a full http(s) address, like https://example.org/podcast"
        )
    if any(ch.isspace() or ch in '<>"\\{}|^`' for ch in parts.netloc):
        raise SettingsError(f"--base-url {base!r}: the host name is not valid")
    # Percent-encode what a URL path cannot hold as is (spaces, quotes), keeping escapes.
    path = quote(parts.path, safe="/%-._~!$&'()*+,;=:@").rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{path}"


def _url(base: str, *parts: str) -> str:
    return "/".join([base, *(quote(part) for part in parts)])


def _square_image(path: Path) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            kind, (width, height) = image.format, image.size
    except (OSError, UnidentifiedImageError) as exc:
        raise SettingsError(
            f"feed image {path}: cannot read it ({exc}); give a PNG or JPEG") from exc
    if kind not in ("PNG", "JPEG") or width != height or not IMAGE_MIN <= width <= IMAGE_MAX:
        raise SettingsError(
            f"feed image {path}: {kind} {width}x{height}; podcast apps need a square PNG or "
            f"JPEG from {IMAGE_MIN} to {IMAGE_MAX} pixels"
        )


def _channel_image(output_dir: Path, feed: FeedSettings, base: str, title: str) -> tuple[str, str]:
    """(URL, name in output_dir) of the channel image: the given one, or a made one."""
    image = clean_text(feed.image).strip()
    if image.startswith(("http://", "https://")):
        return image, ""
    if image:
        source = Path(image).expanduser()
        if not source.is_file():
            raise SettingsError(f"feed image {image}: no such file; give a PNG or JPEG path")
        _square_image(source)
        name = "cover" + (".png" if source.suffix.lower() == ".png" else ".jpg")
        target = Path(output_dir) / name
        if source.resolve() != target.resolve():
            try:
                write_bytes(target, source.read_bytes())
            except OSError as exc:
                raise OutputError(f"{target}: cannot copy the feed image ({exc.strerror})") from exc
        return _url(base, name), name
    target = Path(output_dir) / "cover.png"
    make_cover(title, target, subtitle=clean_title(feed.author))
    return _url(base, "cover.png"), "cover.png"


def _sub(parent: etree._Element, tag: str, value: object = None,
         **attrs: object) -> etree._Element:
    from lxml import etree

    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if value is not None:
        element.text = clean_text(value)
    return element


def _both(parent: etree._Element, name: str, **attrs: object) -> None:
    """A podcast: element under the current namespace URL and again under the legacy one."""
    for namespace in (PODCAST, PODCAST_LEGACY):
        _sub(parent, f"{{{namespace}}}{name}", **attrs)


def _html_text(text: str) -> str:
    """Text for an HTML description, with numeric references: podcastparser's entity decoding
    mangles named ones that sit close together ("&amp; &lt;")."""
    return text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")


def _category(channel: etree._Element, category: str) -> None:
    names = [clean_title(part) for part in category.replace(">", "/").split("/")]
    names = [name for name in names if name]
    if not names:
        return
    element = _sub(channel, f"{{{ITUNES}}}category", text=names[0])
    if len(names) > 1:
        _sub(element, f"{{{ITUNES}}}category", text=names[1])


def from_book(manifest: Manifest) -> bool:
    """Whether the episode was read from a book: an EPUB or PDF source, or a chapter of one
    (build --per-chapter marks the identity "#chapter-N")."""
    source = manifest.source
    path = urlsplit(source).path if "://" in source else source
    return path.lower().endswith(BOOK_SUFFIXES) or (
        "://" not in source and re.search(r"#chapter-\d+$", manifest.identity) is not None)


def feed_medium(episodes: list[SeriesEpisode]) -> str:
    """podcast:medium: "audiobook" when every episode comes from a book, else "podcast"."""
    books = [from_book(e.manifest) for e in episodes]
    return "audiobook" if books and all(books) else "podcast"


def sri_sha384(path: Path) -> str:
    """The Subresource Integrity string of a file's bytes: "sha384-" and the base64 digest."""
    digest = hashlib.sha384()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return "sha384-" + base64.b64encode(digest.digest()).decode("ascii")


def _description(manifest: Manifest, title: str, byline: str) -> str:
    """The item's description as HTML: the article's own (or its title, author and chapters),
    the engine's credit, and last the sentence that discloses the synthetic voice."""
    description = clean_text(manifest.description).strip()
    if not description:
        chapters = [clean_title(c.title) for c in manifest.chapters]
        description = f"{title}" + (f", by {byline}" if byline else "") + "."
        if len(chapters) > 1:
            description += " Chapters: " + "; ".join(c for c in chapters if c) + "."
    credit = clean_title(credit_text(manifest))
    # Apps read a description as HTML: the text is escaped inside <p> so that both kinds of
    # reader (those that sniff for HTML and those that always take HTML) show "<b>" as text.
    paragraphs = [description, credit, clean_title(disclosure_sentence(manifest))]
    return "".join(f"<p>{_html_text(p)}</p>" for p in paragraphs if p)


def _ai_and_author(parent: etree._Element, author: str) -> None:
    """podcast:person (the article's author) and podcast:txt purpose="ai-content", in both
    namespaces: on the channel and on each item."""
    if author:
        for namespace in (PODCAST, PODCAST_LEGACY):
            _sub(parent, f"{{{namespace}}}person", author, role="author", group="writing")
    for namespace in (PODCAST, PODCAST_LEGACY):
        _sub(parent, f"{{{namespace}}}txt", "true", purpose=AI_CONTENT)


def extra_audio(files: Files) -> list[str]:
    """The episode's other whole-episode audio files (--opus), beside files.audio."""
    return [name for name in files.names()
            if Path(name).suffix.lower() in ALTERNATE_KINDS and name != files.audio
            and not name.startswith("sections/")]


def _alternates(item: etree._Element, episode_dir: Path, manifest: Manifest, base: str,
                slug: str) -> None:
    """podcast:alternateEnclosure for each extra audio file, and for the enclosure itself
    (default="true") when there is one: type, length, bitrate, a source and SRI sha384."""
    extras = extra_audio(manifest.files)
    if not extras:
        return
    for name in [manifest.files.audio, *extras]:
        path = episode_dir / name
        if not path.is_file():
            raise SourceError(f"{episode_dir}: the audio file {name!r} is missing; rebuild it")
        suffix = path.suffix.lower()
        codecs, title = ALTERNATE_KINDS[suffix]
        size, seconds = path.stat().st_size, manifest.duration_ms / 1000
        attrs: dict[str, object] = {"type": AUDIO_TYPES[suffix], "length": size}
        if seconds > 0:
            attrs["bitrate"] = round(size * 8 / seconds)
        attrs |= {"title": title, "codecs": codecs}
        if clean_text(manifest.lang):
            attrs["lang"] = clean_text(manifest.lang)
        if name == manifest.files.audio:
            attrs["default"] = "true"
        integrity = sri_sha384(path)
        for namespace in (PODCAST, PODCAST_LEGACY):
            element = _sub(item, f"{{{namespace}}}alternateEnclosure", **attrs)
            _sub(element, f"{{{namespace}}}source", uri=_url(base, slug, name))
            # (set, not _sub's keywords: _sub's own `value` is the element's text)
            _sub(element, f"{{{namespace}}}integrity", type="sri").set("value", integrity)


def _item(channel: etree._Element, episode: SeriesEpisode, episode_dir: Path, base: str,
          explicit: str) -> None:
    manifest, slug = episode.manifest, episode.slug
    files = manifest.files
    audio_name = files.audio
    audio = episode_dir / audio_name
    if not audio_name or not audio.is_file():
        raise SourceError(f"{episode_dir}: the audio file {audio_name!r} is missing; rebuild it")
    title = clean_title(manifest.title) or slug
    byline = clean_title(manifest.byline)
    item = _sub(channel, "item")
    _sub(item, "title", title)
    _sub(item, "description", _description(manifest, title, byline))
    page = files.page or "index.html"
    _sub(item, "link", _url(base, slug, page))
    _sub(item, "guid", manifest.guid, isPermaLink="false")
    _sub(item, "pubDate", format_datetime(episode.published.astimezone(timezone.utc)))
    mime = AUDIO_TYPES.get(audio.suffix.lower(), "audio/mpeg")
    _sub(
        item, "enclosure", url=_url(base, slug, audio_name), length=audio.stat().st_size, type=mime
    )
    _sub(item, f"{{{ITUNES}}}title", title)
    if byline:
        _sub(item, f"{{{ITUNES}}}author", byline)
    _sub(item, f"{{{ITUNES}}}duration", round(manifest.duration_ms / 1000))
    _sub(item, f"{{{ITUNES}}}explicit", explicit)
    _sub(item, f"{{{ITUNES}}}episodeType", "full")
    if files.cover and (episode_dir / files.cover).is_file():
        _sub(item, f"{{{ITUNES}}}image", href=_url(base, slug, files.cover))
    if files.chapters:
        _both(item, "chapters", url=_url(base, slug, files.chapters), type=CHAPTERS_TYPE)
    language = clean_text(manifest.lang) or None
    for key, mime_type, rel in TRANSCRIPT_TYPES:
        name = getattr(files, key) or (page if key == "page" else None)
        if not name:
            continue
        attrs = {"url": _url(base, slug, str(name)), "type": mime_type}
        if language:
            attrs["language"] = language
        if rel:
            attrs["rel"] = rel
        _both(item, "transcript", **attrs)
    _ai_and_author(item, byline)
    _alternates(item, episode_dir, manifest, base, slug)


def _language(feed: FeedSettings, episodes: list[SeriesEpisode]) -> str:
    """The feed's language, else the most common one among the episodes, else English."""
    languages = [clean_text(e.manifest.lang) for e in episodes if e.manifest.lang]
    if clean_text(feed.language).strip():
        return clean_text(feed.language).strip()
    return max(sorted(set(languages)), key=languages.count, default="en")


def feed_xml(feed: FeedSettings, episodes: list[SeriesEpisode], output_dir: Path,
             image_url: str) -> bytes:
    """The feed as UTF-8 bytes, for the episodes as manifest.read_series gives them."""
    from lxml import etree

    output_dir = Path(output_dir)
    base = _base_url(feed)
    feed_url = _url(base, "feed.xml")
    title = clean_title(feed.title) or DEFAULT_TITLE
    author = clean_title(feed.author) or clean_title(episodes[0].manifest.byline)
    explicit = "true" if feed.explicit else "false"

    rss = etree.Element("rss", nsmap=NSMAP, version="2.0")
    channel = _sub(rss, "channel")
    _sub(channel, "title", title)
    _sub(channel, "link", base + "/")
    about = clean_text(feed.description).strip() or DEFAULT_DESCRIPTION
    _sub(channel, "description", _html_text(about))
    _sub(channel, "language", _language(feed, episodes))
    _sub(channel, "generator", "audioguide")
    # The newest build, not the clock: rewriting an unchanged feed gives the same bytes.
    newest = max(parse_time(e.manifest.built) or e.published for e in episodes)
    _sub(channel, "lastBuildDate", format_datetime(newest.astimezone(timezone.utc)))
    _sub(channel, f"{{{ATOM}}}link", href=feed_url, rel="self", type="application/rss+xml")
    _sub(channel, f"{{{ITUNES}}}image", href=image_url)
    image = _sub(channel, "image")
    _sub(image, "url", image_url)
    _sub(image, "title", title)
    _sub(image, "link", base + "/")
    if author:
        _sub(channel, f"{{{ITUNES}}}author", author)
    _category(channel, feed.category or "Education")
    _sub(channel, f"{{{ITUNES}}}explicit", explicit)
    _sub(channel, f"{{{ITUNES}}}type", "episodic")
    email = clean_text(feed.email).strip()
    if email:
        owner = _sub(channel, f"{{{ITUNES}}}owner")
        _sub(owner, f"{{{ITUNES}}}name", author or title)
        _sub(owner, f"{{{ITUNES}}}email", email)
    for namespace in (PODCAST, PODCAST_LEGACY):
        _sub(channel, f"{{{namespace}}}guid", podcast_guid(feed_url))
        locked = _sub(channel, f"{{{namespace}}}locked", "yes" if feed.locked else "no")
        if email:
            locked.set("owner", email)
        _sub(channel, f"{{{namespace}}}medium", feed_medium(episodes))
    _ai_and_author(channel, author)
    for episode in episodes:
        _item(channel, episode, output_dir / episode.slug, base, explicit)
    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_feed(output_dir: Path | str, feed: FeedSettings) -> Path | str:
    """Write output_dir/feed.xml and the series page output_dir/index.html; return feed.xml.

    Makes output_dir/cover.png from the feed title when feed.image is not given. output_dir may
    be object storage (an fsspec URL, store.py): the feed is made from a local stand-in of its
    episodes, then the cover, the page and feed.xml are put, feed.xml last, one put each (a
    file already holding those bytes is not sent again)."""
    from ..outdir import stand_in
    from ..store import open_store, shown

    store = open_store(output_dir)
    if store.local is not None:
        return _write_feed(store.local, feed)
    with stand_in(store) as folder:
        if not any(folder.iterdir()):
            raise SourceError(f"{shown(store.url)}: no episodes found; run audioguide build "
                              "first")
        _write_feed(folder, feed)
        for name in ("cover.png", "cover.jpg", "index.html", "feed.xml"):
            if (folder / name).is_file():
                store.put_file(name, folder / name)
    return store.location("feed.xml")


def _write_feed(output_dir: Path, feed: FeedSettings) -> Path:
    output_dir = Path(output_dir)
    base = _base_url(feed)
    if not output_dir.is_dir():
        raise SourceError(f"{output_dir}: no such folder; run audioguide build first")
    episodes = read_series(output_dir)
    if not episodes:
        raise SourceError(f"{output_dir}: no episodes found; run audioguide build first")
    title = clean_title(feed.title) or DEFAULT_TITLE
    image_url, image_name = _channel_image(output_dir, feed, base, title)
    xml = feed_xml(feed, episodes, output_dir, image_url)
    page = series_page_html(
        title,
        clean_text(feed.description).strip() or DEFAULT_DESCRIPTION,
        _language(feed, episodes),
        _url(base, "feed.xml"),
        episodes,
        cover=image_name or None,
    )
    write_bytes(output_dir / "index.html", page)
    return write_bytes(output_dir / "feed.xml", xml)
