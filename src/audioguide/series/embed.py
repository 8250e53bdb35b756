"""The snippet that puts an episode's read-along player into the publisher's own article page.

One external script and one element, nothing inline, so that the page can keep a strict
Content-Security-Policy (`script-src 'self'; style-src 'self'` when it serves the output folder
from its own origin). The script and its stylesheet (static/) are copied into the output
folder's root; the script reads the episode's manifest, which every build writes beside the
audio, so a rebuilt episode never leaves the page with stale timings. Inside the element is
what a reader gets when the script cannot run: a plain <audio controls> and a link to the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from importlib import resources
from pathlib import Path

from ..atomic import write_bytes
from ..episode.markup import clean_title
from ..errors import SourceError
from ..manifest import MANIFEST_FILE, Manifest, manifest_folders
from ..settings import FeedSettings
from .feed import _base_url, _url

SCRIPT = "audioguide-embed.js"
STYLESHEET = "audioguide-embed.css"


@dataclass(frozen=True)
class Snippet:
    """One episode's snippet and the page it belongs on (its article's URL, else its slug)."""

    article: str
    html: str


def player_files() -> dict[str, bytes]:
    """The player's script and stylesheet as shipped."""
    static = resources.files(__package__).joinpath("static")
    return {name: static.joinpath(name).read_bytes() for name in (SCRIPT, STYLESHEET)}


def write_player_files(output_dir: Path) -> list[Path]:
    """Copy the player's files into the output folder's root, each only when it differs
    (atomically); the paths written."""
    written = []
    for name, data in player_files().items():
        path = Path(output_dir) / name
        if not path.is_file() or path.read_bytes() != data:
            written.append(write_bytes(path, data))
    return written


def snippet_html(manifest: Manifest, folder_name: str, base: str) -> str:
    """The script tag and the player's element for one episode. Titles and names are
    escaped; the folder's name and the files' are percent-encoded in the URLs."""
    title = clean_title(manifest.title) or folder_name
    audio = _url(base, folder_name, manifest.files.audio)
    kind = Path(manifest.files.audio).suffix.lstrip(".").upper() or "audio"
    minutes = max(1, round(manifest.duration_ms / 60_000))
    return "\n".join([
        f'<script src="{escape(_url(base, SCRIPT))}" defer></script>',
        f'<div class="audioguide" data-audioguide="'
        f'{escape(_url(base, folder_name, MANIFEST_FILE))}" data-words="off">',
        f'<audio controls preload="none" src="{escape(audio)}" '
        f'aria-label="{escape(f"Listen: {title}")}"></audio>',
        f'<a href="{escape(audio)}">Listen: {escape(title)} ({kind}, {minutes} min)</a>',
        "</div>",
    ]) + "\n"


def article_key(manifest: Manifest, folder_name: str) -> str:
    """The article's URL (its identity or source, when an http(s) address), else the slug."""
    for value in (manifest.identity, manifest.source):
        if value.startswith(("https://", "http://")):
            return value
    return folder_name


def embed_episode(episode_dir: Path, base_url: str) -> Snippet:
    """The snippet of one episode folder, whose parent is the output folder served at
    `base_url`; the player's files are written there."""
    folder = Path(episode_dir)
    base = _base_url(FeedSettings(base_url=base_url))
    manifest = Manifest.read(folder)
    name = folder.resolve().name
    write_player_files(folder.resolve().parent)
    return Snippet(article_key(manifest, name), snippet_html(manifest, name, base))


def embed_all(output_dir: Path, base_url: str) -> list[Snippet]:
    """The snippets of every episode in an output folder served at `base_url`."""
    base = _base_url(FeedSettings(base_url=base_url))
    folders = manifest_folders(output_dir)
    if not folders:
        raise SourceError(f"{output_dir}: no episodes here; build one first "
                          "(audioguide build ARTICLE -o FOLDER)")
    snippets = [Snippet(article_key(m, f.name), snippet_html(m, f.name, base))
                for f, m in ((f, Manifest.read(f)) for f in folders)]
    write_player_files(output_dir)
    return snippets
