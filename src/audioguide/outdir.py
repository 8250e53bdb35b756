"""The output folder: choosing an article's episode folder, staging, and swapping it in.

Everything a build writes goes to a staging folder inside the output folder first, which then
takes the episode folder's place (two renames, see publish): an interrupted build leaves the
previous complete episode or none.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import tempfile
import time
from pathlib import Path

from .atomic import _UMASK
from .errors import OutputError
from .manifest import Manifest, manifest_folders
from .models import Article
from .slug import slugify

STAGING_SUFFIX = ".partial"


def prepare_output_dir(output_dir: Path) -> Path:
    output_dir = Path(output_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise OutputError(f"{output_dir}: exists and is not a folder; choose another -o")
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=output_dir, prefix=".write-test."):
            pass
    except OSError as exc:
        raise OutputError(
            f"{output_dir}: cannot write here ({exc.strerror}); choose another -o") from exc
    clean_stale_staging(output_dir)
    return output_dir


def _host() -> str:
    return socket.gethostname().split(".")[0][:20] or "host"


def staging_prefix(name: str) -> str:
    """.<name>.<host>-<pid>. : lets the next build on this machine see the owner is gone."""
    return f".{name}.{_host()}-{os.getpid()}."


def make_staging(output_dir: Path, name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=staging_prefix(name), suffix=STAGING_SUFFIX,
                                 dir=output_dir))


def _owner_gone(folder_name: str) -> bool:
    match = re.search(r"\.([^.]*)-(\d+)\.[^.]+" + re.escape(STAGING_SUFFIX) + "$", folder_name)
    if not match or match.group(1) != _host() or int(match.group(2)) == os.getpid():
        return False
    try:
        os.kill(int(match.group(2)), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def clean_stale_staging(output_dir: Path, older_than_s: float = 6 * 3600) -> None:
    """Remove staging folders left by builds that were killed (never a running build's):
    those whose process on this machine is gone, and any older than `older_than_s`."""
    now = time.time()
    for path in output_dir.glob(f".*{STAGING_SUFFIX}"):
        try:
            if _owner_gone(path.name) or now - path.stat().st_mtime > older_than_s:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass


def choose_slug(output_dir: Path, article: Article, taken: set[str]) -> str:
    """The article's own folder if it was built before, else a new slug from its title."""
    for folder in manifest_folders(output_dir):
        manifest = Manifest.read_if_any(folder)
        if manifest and manifest.identity == article.identity:
            return folder.name
    base = slugify(article.title)
    slug, n = base, 1
    while slug in taken or (output_dir / slug).exists():
        n += 1
        slug = f"{base[:75]}-{n}"
    return slug


def publish(staging: Path, folder: Path) -> None:
    """Swap the staging folder in for the episode folder with two renames.

    Killed at any point, this leaves the previous complete episode or none (the previous one
    then waits in a hidden folder that clean_stale_staging removes), never a mix of the two."""
    old = None
    try:
        os.chmod(staging, 0o777 & ~_UMASK)  # mkdtemp made it private
        if folder.exists():
            old = make_staging(folder.parent, f"{folder.name}.old")
            os.replace(folder, old / folder.name)
        os.replace(staging, folder)
    except OSError as exc:
        if old is not None and not folder.exists():
            with contextlib.suppress(OSError):
                os.replace(old / folder.name, folder)
        raise OutputError(f"{folder}: cannot write the episode ({exc.strerror})") from exc
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
