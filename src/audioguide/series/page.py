"""The series page: every episode of the output folder, newest first, each linking to its
player page; styled by the player's stylesheet, with no script."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from string import Template

from ..episode.markup import clean_text, clean_title
from ..episode.page import asset, clock, content_security_policy, html_lang, local_href
from ..manifest import SeriesEpisode


def series_page_html(
    title: str,
    description: str,
    lang: str,
    feed_url: str,
    episodes: Sequence[SeriesEpisode],
    cover: str | None = None,
) -> str:
    """The series page: every episode (newest first, as given) linking to its player page."""
    style = asset("static", "player.css")
    tag, direction = html_lang(lang)
    rows = []
    for episode in episodes:
        manifest, slug = episode.manifest, episode.slug
        page = manifest.files.page or "index.html"
        href = local_href(f"{slug}/{page}")
        audio = local_href(f"{slug}/{manifest.files.audio}")
        episode_lang, _ = html_lang(manifest.lang)
        lang_attr = f' lang="{episode_lang}"' if episode_lang != tag else ""
        meta = [clean_title(manifest.byline), episode.published.date().isoformat()]
        meta.append(clock(manifest.duration_ms))
        line = " · ".join(escape(part) for part in meta if part)
        about = clean_title(manifest.description)
        name = escape(clean_title(manifest.title) or slug)
        rows.append(
            "<li>\n"
            f'<h2{lang_attr}><a href="{href}">{name}</a></h2>\n'
            f'<p class="meta">{line}</p>\n'
            + (f"<p{lang_attr}>{escape(about)}</p>\n" if about else "")
            + (
                f'<p><a href="{audio}" download>Download the audio'
                f'<span class="visually-hidden"> of {name}</span></a></p>\n'
                if audio
                else ""
            )
            + "</li>\n"
        )
    cover_href = local_href(cover) if cover else None
    fields = {
        "lang": tag,
        "dir": direction,
        "csp": escape(content_security_policy(style), quote=False),
        "title": escape(clean_title(title)),
        "style": style,
        "cover": f'<img class="cover" src="{cover_href}" alt="" width="160" height="160">\n'
        if cover_href
        else "",
        "description": f"<p>{escape(clean_title(description))}</p>\n" if description else "",
        "feed_url": escape(clean_text(feed_url)),
        "episodes": "".join(rows),
    }
    return Template(asset("templates", "series.html", __package__)).substitute(fields)
