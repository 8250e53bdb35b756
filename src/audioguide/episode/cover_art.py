"""The episode's cover art: the image given, the one the article names beside it, or a made one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import AudioguideError, OutputError
from ..models import Article
from ..settings import Settings

IMAGE_KINDS = (  # leading bytes, MIME type, file name in the episode folder
    (b"\x89PNG\r\n\x1a\n", "image/png", "cover.png"),
    (b"\xff\xd8\xff", "image/jpeg", "cover.jpg"),
)


@dataclass(frozen=True)
class CoverArt:
    data: bytes
    mime: str
    name: str  # file name in the episode folder


def image_kind(head: bytes) -> tuple[str, str] | None:
    """(mime type, file name) of a PNG or JPEG from its first bytes; None for anything else."""
    for magic, mime, name in IMAGE_KINDS:
        if head.startswith(magic):
            return mime, name
    return None


def article_cover(article: Article, warn: Callable[[str], None]) -> Path | None:
    """The PNG or JPEG an article names in its front matter, if it lies in the article's folder.

    Article text never becomes a path outside that folder; anything else gets a warning and
    the generated cover."""
    image, source = str(article.image or ""), str(article.source or "")
    if not image or image.startswith(("http:", "https:", "data:")) or source in ("", "-") or \
            "://" in source:
        return None
    try:
        folder = Path(source).expanduser().resolve().parent
        path: Path | None = (folder / image).resolve()
        with open(path, "rb") as handle:  # type: ignore[arg-type]
            head = handle.read(8)
    except (OSError, ValueError):
        head, path = b"", None
    if path is None or folder not in path.parents or image_kind(head) is None:
        warn(f"{source}: the cover {image[:60]!r} is not a PNG or JPEG beside the article; "
             "using a generated cover")
        return None
    return path


def embedded_cover(article: Article) -> bytes:
    """The PNG or JPEG a book carries inside it (an EPUB's cover, as a data: URI); b"" if none."""
    image = str(article.image or "")
    if not image.startswith(("data:image/png;base64,", "data:image/jpeg;base64,")):
        return b""
    import base64
    import binascii

    try:
        data = base64.b64decode(image.partition(",")[2], validate=True)
    except (binascii.Error, ValueError):
        return b""
    return data if image_kind(data) else b""


def cover_art(article: Article, settings: Settings, folder: Path,
              warn: Callable[[str], None]) -> CoverArt | None:
    """Write the cover into `folder` and return it; None when none can be made."""
    given = settings.image or article_cover(article, warn)
    embedded = b"" if given else embedded_cover(article)
    if given or embedded:
        try:
            data = embedded or Path(str(given)).read_bytes()
        except OSError as exc:
            raise OutputError(f"{given}: cannot read the cover image ({exc.strerror})") from exc
        kind = image_kind(data)
        if kind is None:
            raise OutputError(f"{given}: the cover must be a PNG or JPEG image")
        mime, name = kind
        (folder / name).write_bytes(data)
        return CoverArt(data, mime, name)
    try:
        from .cover import make_cover

        path = Path(make_cover(article.title, folder / "cover.png", subtitle=article.byline))
        return CoverArt(path.read_bytes(), "image/png", path.name)
    except ImportError:
        return None
    except OutputError:
        raise  # the folder cannot be written: not a cover problem, the build cannot finish
    except AudioguideError as exc:
        warn(f"no cover art: {exc}")
        return None
