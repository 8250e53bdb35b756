"""The read-along book: an EPUB 3 with media overlays, built from the Manifest.

One XHTML document per chapter holds the article's text as the listener hears it (headings,
paragraphs, lists), each sentence and each word an element with an id; one SMIL media overlay
per chapter pairs each sentence with its span of the episode's audio (the cue's times); the
navigation document lists the chapters. The package carries media:duration (per overlay and in
total), media:active-class with its CSS, and the EPUB Accessibility 1.1 metadata. Reading apps
that play media overlays (Thorium, Apple Books, VoiceDream, DAISY players) highlight each
sentence as it is read.

Every piece of article text goes into the XML through lxml, never as markup. The ZIP has the
`mimetype` entry first and stored, as the OCF container asks.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, cast

from ..manifest import CueRecord, Manifest
from ..models import AudioFormat, CueKind, Skipped
from .credits import role_sentence, voice_credits
from .disclosure import disclosure_sentence
from .transcripts import lang_segments, skipped_line, skipped_name, word_langs

if TYPE_CHECKING:
    from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_NS = "http://www.idpf.org/2007/ops"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
SMIL = "http://www.w3.org/ns/SMIL"
ACTIVE_CLASS = "-epub-media-overlay-active"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
STYLE = f"""body {{ font-family: serif; line-height: 1.5; margin: 0 5%; }}
h1 {{ font-size: 1.5em; line-height: 1.25; }}
.announcement {{ font-style: italic; }}
.question {{ font-weight: bold; }}
.{ACTIVE_CLASS} {{ background-color: #ffe27a; color: #1b1b1b; }}
"""
CONTAINER = b"""<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""


@dataclass
class Chapter:
    """One chapter of the book: its title, its cues (index into manifest.cues, cue)."""

    number: int
    title: str
    cues: list[tuple[int, CueRecord]]
    skipped: tuple[Skipped, ...] = ()  # listed after the text, outside the media overlay

    @property
    def text_name(self) -> str:
        return f"chapter-{self.number:03d}.xhtml"

    @property
    def smil_name(self) -> str:
        return f"chapter-{self.number:03d}.smil"

    @property
    def begin_ms(self) -> int:
        return min((cue.start_ms for _, cue in self.cues), default=0)

    @property
    def duration_ms(self) -> int:
        return sum(cue.end_ms - cue.start_ms for _, cue in self.cues)


def _nsmap(default: str, epub: bool = True) -> dict[str, str]:
    """A default namespace (and the epub: prefix) for a document's root element. lxml takes
    None as the default namespace's prefix; lxml-stubs allows only str keys, hence the cast."""
    spaces: dict[str | None, str] = {None: default}
    if epub:
        spaces["epub"] = EPUB_NS
    return cast("dict[str, str]", spaces)


def smil_clock(ms: int) -> str:
    """A SMIL clock value: 0:01:02.345."""
    hours, rest = divmod(max(0, int(ms)), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def chapters_of(manifest: Manifest) -> list[Chapter]:
    """The book's chapters: the manifest's, each with its cues (chapters without any left out)."""
    count = max(1, len(manifest.chapters))
    grouped: list[list[tuple[int, CueRecord]]] = [[] for _ in range(count)]
    for index, cue in enumerate(manifest.cues):
        grouped[min(max(cue.section, 0), count - 1)].append((index, cue))
    chapters: list[Chapter] = []
    for section, cues in enumerate(grouped):
        title = manifest.chapters[section].title if section < len(manifest.chapters) else ""
        title = " ".join(title.split()) or (manifest.title if section == 0 else "Untitled")
        skipped = manifest.chapters[section].skipped if section < len(manifest.chapters) else ()
        if cues:
            chapters.append(Chapter(len(chapters) + 1, title, cues, skipped))
    return chapters


def _element(parent: etree._Element, tag: str, text: str | None = None,
             **attributes: str) -> etree._Element:
    from lxml import etree

    node = etree.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attributes.items()})
    if text is not None:
        node.text = text
    return node


def _lang_span(parent: etree._Element, lang: str, text: str | None = None) -> etree._Element:
    """A span of text in another language (WCAG 3.1.2): lang and xml:lang."""
    node = _element(parent, f"{{{XHTML}}}span", text, lang=lang)
    node.set(XML_LANG, lang)
    return node


def _text_in_langs(span: etree._Element, cue: CueRecord) -> None:
    """The cue's text in `span`, its parts in another language in lang spans."""
    last = None
    for text, lang in lang_segments(cue):
        if lang is not None:
            last = _lang_span(span, lang, text)
        elif last is None:
            span.text = (span.text or "") + text
        else:
            last.tail = (last.tail or "") + text


def sentence_element(parent: etree._Element, index: int, cue: CueRecord) -> None:
    """A cue as a span with id s<index>, each of its words a span with id s<index>w<n>; its
    parts in another language inside spans with lang and xml:lang."""
    span = _element(parent, f"{{{XHTML}}}span", id=f"s{index}")
    words = cue.words if [w.text for w in cue.words] == cue.text.split() else []
    if not words:
        if cue.langs:
            _text_in_langs(span, cue)
        else:
            span.text = " ".join(cue.text.split())
        return
    langs = word_langs(cue) if cue.langs else [None] * len(words)
    container, current, previous = span, None, None
    for n, (word, lang) in enumerate(zip(words, langs, strict=True)):
        if lang != current:
            # the space before this word goes after the part that ends (or the word before)
            previous = container if current is not None else previous
            container = span if lang is None else _lang_span(span, lang)
            current = lang
        if previous is not None:
            previous.tail = " "
        previous = _element(container, f"{{{XHTML}}}span", word.text, id=f"s{index}w{n}")


def _block_breaks(cues: Sequence[tuple[int, CueRecord]]) -> list[list[tuple[int, CueRecord]]]:
    """A chapter's cues (its heading left out) as blocks: paragraphs, list items, questions."""
    has_paragraphs = any(cue.paragraph_end for _, cue in cues)
    blocks: list[list[tuple[int, CueRecord]]] = []
    ended = True
    for index, cue in cues:
        if cue.kind == CueKind.HEADING:
            continue
        if ended or cue.kind != blocks[-1][-1][1].kind:
            blocks.append([])
        blocks[-1].append((index, cue))
        ended = (cue.paragraph_end if has_paragraphs
                 else cue.kind in (CueKind.ITEM, CueKind.QUESTION))
    return blocks


def chapter_document(chapter: Chapter, lang: str) -> bytes:
    """The XHTML of one chapter: a heading, then paragraphs and lists of sentences."""
    from lxml import etree

    html = etree.Element(f"{{{XHTML}}}html", nsmap=_nsmap(XHTML))
    html.set("lang", lang)
    html.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    head = _element(html, f"{{{XHTML}}}head")
    _element(head, f"{{{XHTML}}}title", chapter.title)
    _element(head, f"{{{XHTML}}}link", rel="stylesheet", type="text/css", href="style.css")
    body = _element(html, f"{{{XHTML}}}body")
    section = _element(body, f"{{{XHTML}}}section", id=f"chapter-{chapter.number}")
    heading = next(((i, c) for i, c in chapter.cues if c.kind == CueKind.HEADING), None)
    h1 = _element(section, f"{{{XHTML}}}h1")
    if heading is not None:
        sentence_element(h1, *heading)
    else:
        h1.text = chapter.title
    current_list = None
    for block in _block_breaks(chapter.cues):
        kind = block[0][1].kind
        if kind == CueKind.ITEM:
            if current_list is None:
                current_list = _element(section, f"{{{XHTML}}}ul")
            container = _element(current_list, f"{{{XHTML}}}li")
        else:
            current_list = None
            css = {CueKind.INTRO: "announcement", CueKind.QUESTION: "question"}.get(kind)
            container = _element(section, f"{{{XHTML}}}p", **({"class_": css} if css else {}))
        for n, (index, cue) in enumerate(block):
            sentence_element(container, index, cue)
            if n + 1 < len(block):
                container[-1].tail = " "
    if chapter.skipped:
        skipped_element(section, chapter.skipped)
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            + etree.tostring(html, encoding="utf-8"))


def skipped_element(parent: etree._Element, skipped: Sequence[Skipped]) -> None:
    """What the chapter left out, after its text: "Skipped here: ..." and the items shown."""
    aside = _element(parent, f"{{{XHTML}}}aside", class_="skipped")
    _element(aside, f"{{{XHTML}}}p", skipped_line(skipped))
    shown = [item for item in skipped if item.text.strip()]
    if shown:
        items = _element(aside, f"{{{XHTML}}}ul")
        for item in shown:
            _element(items, f"{{{XHTML}}}li",
                     f"{skipped_name(item.kind).capitalize()}: {' '.join(item.text.split())}")


def overlay_document(chapter: Chapter, audio_name: str) -> bytes:
    """The SMIL media overlay of one chapter: a <par> per sentence, its text and its clip."""
    from lxml import etree

    smil = etree.Element(f"{{{SMIL}}}smil", nsmap=_nsmap(SMIL),
                         version="3.0")
    body = _element(smil, f"{{{SMIL}}}body")
    seq = _element(body, f"{{{SMIL}}}seq", id=f"seq-{chapter.number}")
    seq.set(f"{{{EPUB_NS}}}textref", f"{chapter.text_name}#chapter-{chapter.number}")
    for index, cue in chapter.cues:
        par = _element(seq, f"{{{SMIL}}}par", id=f"par-{index}")
        _element(par, f"{{{SMIL}}}text", src=f"{chapter.text_name}#s{index}")
        _element(par, f"{{{SMIL}}}audio", src=audio_name,
                 clipBegin=f"{cue.start_ms / 1000:.3f}s", clipEnd=f"{cue.end_ms / 1000:.3f}s")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(smil, encoding="utf-8")


def nav_document(chapters: Sequence[Chapter], title: str, lang: str, note: str = "") -> bytes:
    """The navigation document: the chapters, in order, then `note` (the synthetic voice's
    disclosure) as a paragraph."""
    from lxml import etree

    html = etree.Element(f"{{{XHTML}}}html", nsmap=_nsmap(XHTML))
    html.set("lang", lang)
    html.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    head = _element(html, f"{{{XHTML}}}head")
    _element(head, f"{{{XHTML}}}title", title)
    body = _element(html, f"{{{XHTML}}}body")
    nav = _element(body, f"{{{XHTML}}}nav", id="toc", role="doc-toc")
    nav.set(f"{{{EPUB_NS}}}type", "toc")
    _element(nav, f"{{{XHTML}}}h1", "Contents")
    ol = _element(nav, f"{{{XHTML}}}ol")
    for chapter in chapters:
        item = _element(ol, f"{{{XHTML}}}li")
        _element(item, f"{{{XHTML}}}a", chapter.title, href=chapter.text_name)
    if note:
        _element(body, f"{{{XHTML}}}p", note)
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            + etree.tostring(html, encoding="utf-8"))


def _modified(manifest: Manifest) -> str:
    """dcterms:modified: the build's time in UTC, CCYY-MM-DDThh:mm:ssZ."""
    try:
        moment = datetime.fromisoformat(str(manifest.built))
    except ValueError:
        moment = datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _accessibility(metadata: etree._Element, summary: str) -> None:
    """The EPUB Accessibility 1.1 metadata of a text with synchronized narration."""
    for prop, value in (
        ("schema:accessMode", "textual"), ("schema:accessMode", "auditory"),
        ("schema:accessModeSufficient", "textual"), ("schema:accessModeSufficient", "auditory"),
        ("schema:accessibilityFeature", "synchronizedAudioText"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", summary),
        ("dcterms:conformsTo", CONFORMS_TO),
        ("a11y:certifiedBy", "audioguide"),
    ):
        _element(metadata, f"{{{OPF}}}meta", value, property=prop)


def _credit_voices(metadata: etree._Element, manifest: Manifest) -> None:
    """A narrator for each voice whose licence asks for a credit and for each role's voice
    (episode/credits.py), and the roles' voices said in the accessibility summary."""
    for line in voice_credits(manifest):
        _element(metadata, f"{{{OPF}}}meta", line, property="media:narrator")
    summary = metadata.find(f"{{{OPF}}}meta[@property='schema:accessibilitySummary']")
    roles = role_sentence(manifest)
    if roles and summary is not None:
        summary.text = f"{summary.text} {roles}"


def package_document(manifest: Manifest, chapters: Sequence[Chapter], audio: tuple[str, str],
                     cover: tuple[str, str] | None) -> bytes:
    """The package: metadata (title, media overlays, accessibility), manifest and spine."""
    from lxml import etree

    package = etree.Element(f"{{{OPF}}}package", nsmap=_nsmap(OPF, epub=False), version="3.0")
    package.set("unique-identifier", "uid")
    package.set("{http://www.w3.org/XML/1998/namespace}lang", manifest.lang or "en")
    metadata = etree.SubElement(package, f"{{{OPF}}}metadata", nsmap={"dc": DC})
    _element(metadata, f"{{{DC}}}identifier", f"urn:uuid:{manifest.guid}", id="uid")
    _element(metadata, f"{{{DC}}}title", " ".join(manifest.title.split()) or "Untitled")
    _element(metadata, f"{{{DC}}}language", manifest.lang or "en")
    if manifest.byline.strip():
        _element(metadata, f"{{{DC}}}creator", " ".join(manifest.byline.split()))
    _element(metadata, f"{{{OPF}}}meta", _modified(manifest), property="dcterms:modified")
    _accessibility(metadata, "The full text of the article, with headings, paragraphs and "
                   "lists in reading order and a table of contents of its chapters, "
                   "synchronized with a narration of all of it (media overlays): each "
                   "sentence is highlighted as it is read. " + disclosure_sentence(manifest))
    _element(metadata, f"{{{OPF}}}meta", " ".join(manifest.credit.split()) or manifest.voice,
             property="media:narrator")
    _credit_voices(metadata, manifest)
    _element(metadata, f"{{{OPF}}}meta", ACTIVE_CLASS, property="media:active-class")
    for chapter in chapters:
        _element(metadata, f"{{{OPF}}}meta", smil_clock(chapter.duration_ms),
                 property="media:duration", refines=f"#overlay-{chapter.number}")
    _element(metadata, f"{{{OPF}}}meta", smil_clock(sum(c.duration_ms for c in chapters)),
             property="media:duration")
    items = _element(package, f"{{{OPF}}}manifest")
    _element(items, f"{{{OPF}}}item", id="nav", href="nav.xhtml",
             media_type="application/xhtml+xml", properties="nav")
    _element(items, f"{{{OPF}}}item", id="style", href="style.css", media_type="text/css")
    _element(items, f"{{{OPF}}}item", id="audio", href=audio[0], media_type=audio[1])
    if cover is not None:
        _element(items, f"{{{OPF}}}item", id="cover", href=cover[0], media_type=cover[1],
                 properties="cover-image")
    spine = _element(package, f"{{{OPF}}}spine")
    for chapter in chapters:
        _element(items, f"{{{OPF}}}item", id=f"chapter-{chapter.number}",
                 href=chapter.text_name, media_type="application/xhtml+xml",
                 media_overlay=f"overlay-{chapter.number}")
        _element(items, f"{{{OPF}}}item", id=f"overlay-{chapter.number}",
                 href=chapter.smil_name, media_type="application/smil+xml")
        _element(spine, f"{{{OPF}}}itemref", idref=f"chapter-{chapter.number}")
    for node in package.iter():  # media_type -> media-type, media_overlay -> media-overlay
        for key in [k for k in node.attrib if "_" in k]:
            node.set(str(key).replace("_", "-"), node.attrib.pop(key))
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(package, encoding="utf-8")


def write_epub(path: Path, manifest: Manifest, audio_path: Path,
               cover_path: Path | None = None) -> Path:
    """Write the book to `path`: mimetype first and stored, then the container, the package,
    the navigation, the chapters with their overlays, the style, the audio and the cover."""
    chapters = chapters_of(manifest)
    m4b = manifest.format == AudioFormat.M4B
    audio = ("audio.m4a", "audio/mp4") if m4b else ("audio.mp3", "audio/mpeg")
    cover = None
    if cover_path is not None:
        kind = "image/png" if cover_path.suffix.lower() == ".png" else "image/jpeg"
        cover = (f"cover{cover_path.suffix.lower()}", kind)
    lang = manifest.lang or "en"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr(zipfile.ZipInfo("mimetype"), b"application/epub+zip",
                      compress_type=zipfile.ZIP_STORED)
        deflated = zipfile.ZIP_DEFLATED
        book.writestr("META-INF/container.xml", CONTAINER, compress_type=deflated)
        book.writestr("OEBPS/package.opf", package_document(manifest, chapters, audio, cover),
                      compress_type=deflated)
        nav = nav_document(chapters, manifest.title, lang, disclosure_sentence(manifest))
        book.writestr("OEBPS/nav.xhtml", nav, compress_type=deflated)
        book.writestr("OEBPS/style.css", STYLE, compress_type=deflated)
        for chapter in chapters:
            book.writestr(f"OEBPS/{chapter.text_name}", chapter_document(chapter, lang),
                          compress_type=deflated)
            book.writestr(f"OEBPS/{chapter.smil_name}", overlay_document(chapter, audio[0]),
                          compress_type=deflated)
        book.write(audio_path, f"OEBPS/{audio[0]}", compress_type=zipfile.ZIP_STORED)
        if cover is not None and cover_path is not None:
            book.write(cover_path, f"OEBPS/{cover[0]}", compress_type=zipfile.ZIP_STORED)
    return path
