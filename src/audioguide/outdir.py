"""The output: choosing an article's episode folder, staging, and swapping it in.

Everything a build writes goes to a staging folder first. In a local folder the staging folder
sits inside the output folder and then takes the episode folder's place (two renames, see
publish): an interrupted build leaves the previous complete episode or none. For object storage
(-o s3://..., see store.py) the staging folder is local and its files are uploaded once the
episode is complete: the audio first, the manifest last (Output.publish), so a reader of the
bucket never finds a manifest without its audio.

Output holds the identity -> folder index: an article built before is found by a dictionary
lookup (the sync state hands its index in; folders it does not cover are read once per run),
not by reading every manifest per article.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .atomic import _UMASK
from .errors import OutputError
from .manifest import MANIFEST_FILE, Manifest, ManifestError, manifest_folders
from .models import Article
from .slug import slugify
from .store import Store, Stored, open_store, upload_order

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
    """The article's own folder if it was built before, else a new slug from its title (for
    callers that hold a folder, not an Output: the folder's index is kept between calls)."""
    return Output.at(output_dir).choose_slug(article, taken)


def new_slug(title: str, taken: set[str], present: set[str],
             reusable: Callable[[str], bool] | None = None) -> str:
    """A folder name from the title, not taken by this run nor present (unless `reusable`
    says that present folder may be written over), with -2, -3... when it is."""
    base = slugify(title)
    slug, n = base, 1
    while slug in taken or (slug in present and not (reusable and reusable(slug))):
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


# -- the output: a folder or object storage, and its identity -> folder index ---------------

AUDIO_SUFFIXES = (".mp3", ".m4a", ".m4b", ".opus")


def unchanged_folder(folder: Path, print_: str) -> Manifest | None:
    """The folder's manifest if its build had this fingerprint and its files are all there."""
    manifest = Manifest.read_if_any(folder)
    if not manifest or manifest.fingerprint != print_:
        return None
    if not all((folder / name).is_file() for name in manifest.files.names()):
        return None
    audio = folder / manifest.files.audio
    if not audio.is_file() or audio.stat().st_size != manifest.bytes:
        return None
    return manifest


def _identity(data: bytes | None) -> str | None:
    """The identity an episode manifest's bytes record (None: not a manifest)."""
    import json

    try:
        document = json.loads(data) if data is not None else None
    except ValueError:
        return None
    identity = document.get("identity") if isinstance(document, dict) else None
    return identity if isinstance(identity, str) else None


class Output:
    """Where episodes are written (a Store) and which folder holds which article.

    `index` (identity -> folder, the sync state's) is trusted for the folders it names; any
    other folder's manifest is read once, the first time a folder is chosen. An Output made by
    a run sees its own writes (publish, remove); Output.at(folder), for callers that pass a
    bare folder, notices other writers by the folder's modification time."""

    _folders: dict[Path, Output] = {}

    def __init__(self, store: Store, index: Mapping[str, str] | None = None,
                 watch: bool = False):
        self.store = store
        self.local = store.local
        self.seed = dict(index or {})
        self.watch = watch
        self._present: set[str] | None = None  # the names at the root
        self._identity_of: dict[str, str | None] = {}  # folder -> identity, as read
        self._index: dict[str, str] | None = None
        self._stamp = 0

    @classmethod
    def open(cls, location: str | Path, index: Mapping[str, str] | None = None) -> Output:
        """The output at a path or URL; a folder is made and checked for writing."""
        store = open_store(location)
        if store.local is not None:
            prepare_output_dir(store.local)
        store.check()
        return cls(store, index)

    @classmethod
    def at(cls, output_dir: Path) -> Output:
        key = Path(output_dir).absolute()
        if key not in cls._folders:
            cls._folders[key] = cls(open_store(key), watch=True)
        return cls._folders[key]

    def location(self, slug: str) -> Path | str:
        """The episode folder: a Path for a local output, else its URL."""
        return self.local / slug if self.local is not None else self.store.location(slug)

    def present(self) -> set[str]:
        if self.watch and self.local is not None:
            with contextlib.suppress(OSError):
                stamp = os.stat(self.local).st_mtime_ns
                if stamp != self._stamp:
                    self._stamp, self._present, self._index = stamp, None, None
        if self._present is None:
            self._present = self.store.names_at_root()
        return self._present

    def index(self) -> dict[str, str]:
        """identity -> folder for every episode folder (manifests read once per folder)."""
        present = self.present()
        if self._index is None:
            index = {k: v for k, v in self.seed.items() if v in present}
            covered = set(index.values())
            unread = sorted(n for n in present if n not in covered and not n.startswith(".")
                            and n not in self._identity_of)
            self._identity_of.update(zip(unread, self._read_identities(unread), strict=True))
            for name in sorted(present - covered):
                identity = self._identity_of.get(name)
                if identity is not None:
                    index.setdefault(identity, name)
            self._index = index
        return self._index

    def _read_identities(self, names: list[str]) -> list[str | None]:
        if self.local is not None:
            return [_identity(self.store.read(f"{n}/{MANIFEST_FILE}")) for n in names]
        with ThreadPoolExecutor(16) as pool:  # object storage: one GET each, in parallel
            return list(pool.map(lambda n: _identity(self.store.read(f"{n}/{MANIFEST_FILE}")),
                                 names))

    def has_episodes(self) -> bool:
        """Whether any folder holds an episode (a manifest)."""
        if self.local is not None:
            return bool(manifest_folders(self.local))
        return any(self.store.exists(f"{name}/{MANIFEST_FILE}")
                   for name in sorted(self.present()) if not name.startswith("."))

    def choose_slug(self, article: Article, taken: set[str]) -> str:
        """The article's own folder if it was built before, else a new slug from its title
        (on object storage, a folder whose upload was cut short may be that slug again)."""
        slug = self.index().get(article.identity)
        if slug is not None:
            return slug
        reusable = self.cut_short if self.local is None else None
        return new_slug(article.title, taken, self.present(), reusable)

    def cut_short(self, slug: str) -> bool:
        """Whether the folder `slug` in object storage is an episode whose upload stopped
        before its manifest (the machine uploading it was lost): no manifest, an audio
        file named after the folder, and nothing but an episode's files. Its name is taken
        again, and the upload replaces what is there (upload_episode removes the rest). A
        local episode is published by renames, so it is never half there."""
        if slug in self.index().values():  # an episode, or one named in the sync state
            return False
        names = [name.split("/", 1)[1] for name in self.store.listing(slug)]
        ours = ("cover.png", "cover.jpg", "index.html")
        return (MANIFEST_FILE not in names
                and any(name == f"{slug}{suffix}" for name in names for suffix in AUDIO_SUFFIXES)
                and all(name.startswith(f"{slug}.") or name in ours for name in names))

    def manifest(self, slug: str) -> Manifest | None:
        """The episode's manifest, or None when it has none or it cannot be used."""
        if self.local is not None:
            return Manifest.read_if_any(self.local / slug)
        if slug not in self.present():
            return None
        import json

        data = self.store.read(f"{slug}/{MANIFEST_FILE}")
        try:
            return Manifest.from_json(json.loads(data), self.store.location(slug)) if data else None
        except (ValueError, ManifestError):
            return None

    def unchanged(self, slug: str, print_: str) -> Manifest | None:
        """The episode's manifest if its build had this fingerprint and its files are all
        there (the audio at the size the manifest records)."""
        if self.local is not None:
            return unchanged_folder(self.local / slug, print_)
        manifest = self.manifest(slug)
        if not manifest or manifest.fingerprint != print_:
            return None
        stored = self.store.listing(slug)
        audio = stored.get(f"{slug}/{manifest.files.audio}")
        if not all(f"{slug}/{name}" in stored for name in manifest.files.names()):
            return None
        return manifest if audio is not None and audio.size == manifest.bytes else None

    def staging(self, slug: str) -> Path:
        """A new staging folder: in the output folder, or a local one for object storage."""
        if self.local is not None:
            return make_staging(self.local, slug)
        return Path(tempfile.mkdtemp(prefix=staging_prefix(slug), suffix=STAGING_SUFFIX))

    def publish(self, staging: Path, slug: str, identity: str) -> None:
        """The staging folder becomes the episode folder (renames, or the upload)."""
        if self.local is not None:
            publish(staging, self.local / slug)
        else:
            upload_episode(self.store, staging, slug)
        self._saw(slug, identity)

    def _saw(self, slug: str, identity: str | None) -> None:
        present = self.present()
        present.add(slug)
        self._identity_of[slug] = identity
        if self._index is not None and identity is not None:
            self._index[identity] = slug
        if self.watch and self.local is not None:
            with contextlib.suppress(OSError):
                self._stamp = os.stat(self.local).st_mtime_ns

    def remove(self, slug: str) -> None:
        """Remove an episode: locally moved aside in one rename, then deleted; on object
        storage its manifest is deleted first, so no reader finds it without its audio."""
        if not slug or slug.startswith(".") or "/" in slug:
            return
        if self.local is not None:
            _remove_folder(self.local, slug)
        else:
            stored = self.store.listing(slug)
            for name in reversed(upload_order(stored, AUDIO_SUFFIXES, f"{slug}/{MANIFEST_FILE}")):
                self.store.delete(name)
        self.present().discard(slug)
        self._identity_of.pop(slug, None)
        self._index = None
        self.seed = {k: v for k, v in self.seed.items() if v != slug}


def _remove_folder(output_dir: Path, slug: str) -> None:
    folder = output_dir / slug
    if not folder.is_dir():
        return
    aside = make_staging(output_dir, f"{slug}.old")
    try:
        os.replace(folder, aside / slug)
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def upload_episode(store: Store, staging: Path, slug: str) -> None:
    """Upload a complete staging folder as `slug`: the audio first, then the other files, the
    manifest last; then delete what the previous build had that this one has not. A file the
    store already holds with the same bytes is not sent again."""
    before: dict[str, Stored] = store.listing(slug)
    files = {path.relative_to(staging).as_posix(): path for path in sorted(staging.rglob("*"))
             if path.is_file()}
    for name in upload_order(files, AUDIO_SUFFIXES, MANIFEST_FILE):
        store.put_file(f"{slug}/{name}", files[name], before.get(f"{slug}/{name}"))
    for name in sorted(set(before) - {f"{slug}/{name}" for name in files}):
        store.delete(name)


@contextlib.contextmanager
def stand_in(store: Store) -> Iterator[Path]:
    """A local stand-in of object storage's episodes, for code that reads a folder (the feed):
    each episode's manifest (its time the object's), the whole-episode audio files of an
    episode that has more than one (the feed hashes those), and every other file as an empty
    sparse file of its stored size. Root files (feed, page, cover) are left out."""
    import json

    listing = store.listing()
    manifests = [name for name in listing if name.count("/") == 1
                 and name.endswith(f"/{MANIFEST_FILE}") and not name.startswith(".")]
    with tempfile.TemporaryDirectory(prefix=".audioguide-stand-in.") as tmp:
        root = Path(tmp)
        wanted: set[str] = set()
        with ThreadPoolExecutor(16) as pool:
            for name, data in zip(manifests, pool.map(store.read, manifests), strict=True):
                if data is None:
                    continue
                (root / name).parent.mkdir()
                (root / name).write_bytes(data)
                modified = listing[name].modified
                if modified is not None:
                    os.utime(root / name, (modified, modified))
                with contextlib.suppress(ValueError, AttributeError):
                    wanted.update(_hashed_audio(name.split("/")[0], json.loads(data)["files"]))
        for name, stored in listing.items():
            path = root / name
            parts = name.split("/")
            if (name in manifests or len(parts) < 2 or ".." in parts or "" in parts
                    or not (root / parts[0] / MANIFEST_FILE).is_file()):
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if name in wanted:
                path.write_bytes(store.read(name) or b"")
            else:
                with open(path, "wb") as handle:
                    handle.truncate(stored.size)
        yield root


def _hashed_audio(slug: str, files: dict[str, object]) -> list[str]:
    """The whole-episode audio files of a manifest's `files` when there are several."""
    names = [value for value in files.values() if isinstance(value, str)
             and value.lower().endswith(AUDIO_SUFFIXES) and not value.startswith("sections/")]
    return [f"{slug}/{name}" for name in names] if len(names) > 1 else []
