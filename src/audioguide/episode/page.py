"""The accessible read-along player page for an episode (the series page reuses its parts).

Plain HTML with the CSS and JavaScript inline and allowed by hash in a Content-Security-Policy,
so that the page works offline, from file:// and from any static host, and runs nothing else.
Every piece of article text goes through html.escape: none of it ever becomes markup.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator, Sequence
from functools import cache
from html import escape
from importlib import resources
from pathlib import Path
from string import Template
from urllib.parse import quote

from .. import langtag
from ..atomic import write_parts
from ..manifest import CueRecord, Manifest
from ..models import Chapter, CueKind
from .credits import credit_text
from .disclosure import disclosure_sentence
from .markup import clean_text, clean_title
from .transcripts import lang_segments, skipped_line, skipped_name, word_langs

DOWNLOADS = (
    ("vtt", "Transcript with timings (WebVTT)"),
    ("srt", "Subtitles (SRT)"),
    ("txt", "Transcript (plain text)"),
    ("json", "Transcript (Podcasting 2.0 JSON)"),
    ("chapters", "Chapters (JSON)"),
    ("epub", "Read-along book (EPUB 3 with narration)"),
)


@cache
def asset(folder: str, name: str, package: str | None = __package__) -> str:
    """A template or player file shipped in `package` (this one by default)."""
    return resources.files(package or __package__).joinpath(folder).joinpath(name).read_text(
        encoding="utf-8")


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(style: str, script: str | None = None) -> str:
    """Allow only this page's own inline blocks (by hash) and files next to it."""
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src {_hash(style)}",
            f"script-src {_hash(script)}" if script is not None else "script-src 'none'",
            "img-src 'self'",
            "media-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def html_lang(lang: object) -> tuple[str, str]:
    """A valid BCP 47 tag for <html lang> and the text direction; 'en' when it is not one."""
    tag = langtag.tag(str(lang or "")) or "en"
    return tag, langtag.direction(tag)


def clock(ms: int) -> str:
    """0:07, 12:34 or 1:02:03."""
    seconds = max(0, int(ms or 0) // 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _seconds(ms: int) -> str:
    return f"{int(ms or 0) / 1000:.3f}"


def local_href(name: object) -> str | None:
    """A link to a file inside the episode folder, or None when the name could leave it."""
    name = str(name or "")
    if not name or name.startswith(("/", "\\")) or ":" in name or "\\" in name:
        return None
    if any(part in ("", ".", "..") for part in name.split("/")):
        return None
    return escape(quote(name))


def _text(value: object) -> str:
    return escape(clean_text(value), quote=True)


def _lang_open(tag: str) -> str:
    """The opening tag of a part in another language (WCAG 3.1.2), with its direction."""
    lang, direction = html_lang(tag)
    return f'<span lang="{lang}" dir="{direction}">'


def _in_langs(items: Sequence[tuple[str, str | None]], separator: str) -> str:
    """Markup pieces (html, language) joined by `separator`, each run of pieces in another
    language inside one `<span lang>` (the separators at its edges outside it)."""
    out: list[str] = []
    current = None
    for index, (html, lang) in enumerate(items):
        if lang != current and current is not None:
            out.append("</span>")
        if index:
            out.append(separator)
        if lang != current and lang is not None:
            out.append(_lang_open(lang))
        current = lang
        out.append(html)
    if current is not None:
        out.append("</span>")
    return "".join(out)


def _words(cue: CueRecord, number: int) -> str | None:
    """The cue's text as one span per word (data-start and data-end in milliseconds), its
    parts in another language in `<span lang>`; None when its words are not known."""
    words = cue.words
    if not words or [w.text for w in words] != cue.text.split():
        return None
    spans = [f'<span class="w" id="w-{number}-{n}" data-start="{w.start_ms}" '
             f'data-end="{w.end_ms}">{_text(w.text)}</span>' for n, w in enumerate(words)]
    if not cue.langs:
        return " ".join(spans)
    return _in_langs(list(zip(spans, word_langs(cue), strict=True)), " ")


def _cue_text(cue: CueRecord) -> str:
    """The cue's text, escaped, its parts in another language in `<span lang>`."""
    if not cue.langs:
        return _text(cue.text)
    return _in_langs([(_text(text), lang) for text, lang in lang_segments(cue)], "")


def _cue(cue: CueRecord, number: int, tag: str = "span") -> str:
    return (
        f'<{tag} class="cue" id="cue-{number}" data-start="{_seconds(cue.start_ms)}" '
        f'data-end="{_seconds(cue.end_ms)}">{_words(cue, number) or _cue_text(cue)}</{tag}>'
    )


def _blocks(section_cues: Sequence[tuple[int, CueRecord]], has_paragraphs: bool) -> list:
    """Group a chapter's cues into blocks (kind, [cue html]): paragraphs and list items."""
    blocks: list[tuple[CueKind, list[str]]] = []
    ended = True
    for number, cue in section_cues:
        kind = cue.kind
        if ended or kind != blocks[-1][0]:
            blocks.append((kind, []))
        blocks[-1][1].append(_cue(cue, number))
        # without paragraph marks: each item and question is a block of its own
        ended = cue.paragraph_end if has_paragraphs else kind in (CueKind.ITEM, CueKind.QUESTION)
    return blocks


def transcript_html(chapters: Sequence[Chapter], cues: Sequence[CueRecord]) -> str:
    """The transcript: a heading per chapter, paragraphs and lists of cue spans."""
    return "".join(transcript_parts(chapters, cues))


def transcript_parts(chapters: Sequence[Chapter], cues: Sequence[CueRecord]) -> Iterator[str]:
    """transcript_html in pieces, a chapter at a time."""
    count = max(1, len(chapters))
    by_section: list[list[tuple[int, CueRecord]]] = [[] for _ in range(count)]
    for number, cue in enumerate(cues):
        by_section[min(max(cue.section, 0), count - 1)].append((number, cue))
    has_paragraphs = any(cue.paragraph_end for cue in cues)
    for index, section_cues in enumerate(by_section):
        chapter = chapters[index] if index < len(chapters) else None
        title = escape(clean_title(chapter.title if chapter else "")
                       or ("Opening" if index == 0 else "Untitled"))
        yield _chapter_html(title, section_cues, has_paragraphs)
        if chapter is not None and chapter.skipped:
            yield skipped_html(chapter)


CUE_CLASSES = {CueKind.INTRO: "announcement", CueKind.QUESTION: "question"}


def _chapter_html(title: str, section_cues: list[tuple[int, CueRecord]],
                  has_paragraphs: bool) -> str:
    """One chapter of the transcript: its heading, then paragraphs and lists of cue spans."""
    out: list[str] = []
    heading = next(((n, c) for n, c in section_cues if c.kind == CueKind.HEADING), None)
    if heading:  # the spoken chapter title: the heading itself is highlighted
        number, cue = heading
        start, end = _seconds(cue.start_ms), _seconds(cue.end_ms)
        words = _words(cue, number) if escape(clean_title(cue.text)) == title else None
        out.append(
            f'<h3 class="cue" id="cue-{number}" data-start="{start}" data-end="{end}">'
            f"{words or title}</h3>\n"
        )
        section_cues = [(n, c) for n, c in section_cues if n != number]
    else:
        out.append(f"<h3>{title}</h3>\n")
    in_list = False
    for kind, spans in _blocks(section_cues, has_paragraphs):
        if (kind == CueKind.ITEM) != in_list:
            out.append("<ul>\n" if not in_list else "</ul>\n")
            in_list = not in_list
        if kind == CueKind.ITEM:
            out.append(f"<li>{' '.join(spans)}</li>\n")
        else:
            attr = f' class="{CUE_CLASSES[kind]}"' if kind in CUE_CLASSES else ""
            out.append(f"<p{attr}>{' '.join(spans)}</p>\n")
    if in_list:
        out.append("</ul>\n")
    return "".join(out)


def skipped_html(chapter: Chapter) -> str:
    """What a chapter left out, closed by default: a <details> whose summary says how much
    ("Skipped here: 2 notes (54 words)") and a list of the items with text to show."""
    items = "".join(
        f'<li><span class="skipped-kind">{escape(skipped_name(item.kind).capitalize())}:</span> '
        f"{escape(clean_text(item.text))}</li>\n"
        for item in chapter.skipped if clean_text(item.text).strip())
    listing = f'<ul class="skipped-items">\n{items}</ul>\n' if items else ""
    return (f'<details class="skipped">\n<summary>{escape(skipped_line(chapter.skipped))}'
            f"</summary>\n{listing}</details>\n")


def chapter_buttons(chapters: Sequence[Chapter]) -> str:
    rows = []
    for index, chapter in enumerate(chapters):
        title = clean_title(chapter.title) or ("Opening" if index == 0 else "Untitled")
        start = chapter.start_ms
        rows.append(
            f'<li><button type="button" data-seek="{_seconds(start)}">'
            f'<span class="time">{clock(start)}</span> <span>{escape(title)}</span></button></li>\n'
        )
    return "".join(rows)


def _file_size(size: int) -> str:
    if not size:
        return ""
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, size // 1000)} kB"


def downloads_html(manifest: Manifest) -> str:
    files = manifest.files
    rows = []
    audio = local_href(files.audio)
    if audio:
        kind = Path(files.audio).suffix.lstrip(".").upper() or "audio"
        size = _file_size(manifest.bytes)
        label = f"Audio ({kind}, {size})" if size else f"Audio ({kind})"
        rows.append(f'<li><a href="{audio}" download>{escape(label)}</a></li>\n')
    for key, label in DOWNLOADS:
        href = local_href(getattr(files, key))
        if href:
            rows.append(f'<li><a href="{href}" download>{escape(label)}</a></li>\n')
    return "".join(rows)


def episode_page_html(manifest: Manifest) -> str:
    """The player page for one episode's manifest (docs/manifest.md)."""
    return "".join(episode_page_parts(manifest))


def episode_page_parts(manifest: Manifest) -> Iterator[str]:
    """episode_page_html in pieces: the transcript a chapter at a time."""
    style, script = asset("static", "player.css"), asset("static", "player.js")
    lang, direction = html_lang(manifest.lang)
    files, chapters = manifest.files, manifest.chapters
    title = clean_title(manifest.title) or "Untitled"
    byline = clean_title(manifest.byline)
    cover = local_href(files.cover)
    credit = clean_title(credit_text(manifest))
    fields = {
        "lang": lang,
        "dir": direction,
        "csp": escape(content_security_policy(style, script), quote=False),
        "title": escape(title),
        "style": style,
        "script": script,
        "cover": f'<img class="cover" src="{cover}" alt="" width="160" height="160">\n'
        if cover
        else "",
        "byline": f'<p class="byline">By {escape(byline)}</p>\n' if byline else "",
        "audio": local_href(files.audio) or "",
        "chapters": chapter_buttons(chapters),
        "downloads": downloads_html(manifest),
        "credit": f'<p class="credit">{escape(disclosure_sentence(manifest))}</p>\n'
        + (f'<p class="credit">{escape(credit)}</p>\n' if credit else ""),
    }
    before, after = asset("templates", "episode.html").split("$transcript")
    yield Template(before).substitute(fields)
    yield from transcript_parts(chapters, manifest.cues)
    yield Template(after).substitute(fields)


def write_episode_page(episode_dir: Path, manifest: Manifest) -> Path:
    """Write episode_dir/index.html (the name in files.page, if it is a plain file name)."""
    page = manifest.files.page or "index.html"
    name = page if local_href(page) and "/" not in page else "index.html"
    return write_parts(Path(episode_dir) / name, episode_page_parts(manifest))
