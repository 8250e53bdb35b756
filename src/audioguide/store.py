"""Where the podcast is written: a local folder, or any fsspec URL (s3://, gs://, r2 through
s3:// with an endpoint, memory://...).

    open_store(location) -> Store   a FolderStore for a path or file://, else a UrlStore

Names are "/"-separated and relative to the store's root ("a-slug/a-slug.mp3"). Every write
replaces one whole file: a folder writes a temporary file and renames it over the old one;
object storage puts one object, which appears whole or not at all. put_bytes and put_file skip
the write when the stored copy already holds the same bytes (its size, and its MD5 against the
ETag S3-like stores give, or the bytes read back from a folder), so writing what is already
there writes nothing.

Credentials come from wherever the fsspec backend looks (for s3fs: AWS_* variables, ~/.aws
profiles, the instance role; for gcsfs: GOOGLE_APPLICATION_CREDENTIALS, gcloud). The store never
prints, logs or records them: its messages name the URL (any user:password part removed) and
the kind of failure only.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .atomic import atomic_open, write_bytes
from .errors import OutputError

MULTIPART_CHUNK = 50 * 1024**2  # s3fs's default part size: multipart ETags are per 50 MiB


@dataclass(frozen=True)
class Stored:
    """One stored file: its size, and its ETag (quotes removed) where the backend has one."""

    size: int
    etag: str | None = None
    modified: float | None = None  # seconds since the epoch


def is_url(location: str | Path) -> bool:
    """Whether `location` names object storage (an fsspec URL other than file://)."""
    return _url_of(location) is not None


def _url_of(location: str | Path) -> str | None:
    """The fsspec URL `location` names, or None for a local folder. A Path made from a URL
    ("s3:/bucket/pod", from a settings file) is read back as the URL it was."""
    text = str(location)
    if isinstance(location, Path):
        match = re.match(r"^([a-z][a-z0-9+.-]*):/(?!/)(.+)$", text)
        if not match or not _known_protocol(match.group(1)) or match.group(1) == "file":
            return None
        text = f"{match.group(1)}://{match.group(2)}"
    match = re.match(r"^([a-z][a-z0-9+.-]*)://", text)
    if not match or match.group(1) in ("file", "local"):
        return None
    return text


def _known_protocol(name: str) -> bool:
    from fsspec.registry import known_implementations, registry

    return name in known_implementations or name in registry


def local_path(location: str | Path) -> Path:
    """The folder a path or file:// URL names."""
    text = str(location)
    return Path(text.removeprefix("file://")) if text.startswith("file://") else Path(location)


def shown(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def open_store(location: str | Path) -> Store:
    url = _url_of(location)
    return FolderStore(local_path(location)) if url is None else UrlStore(url)


def file_md5(path: Path) -> tuple[str, str]:
    """(MD5 hex of the whole file, the ETag an S3 multipart upload of it would have)."""
    whole, parts = hashlib.md5(usedforsecurity=False), []
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(MULTIPART_CHUNK), b""):
            whole.update(block)
            parts.append(hashlib.md5(block, usedforsecurity=False).digest())
    joined = hashlib.md5(b"".join(parts), usedforsecurity=False).hexdigest()
    return whole.hexdigest(), f"{joined}-{len(parts)}"


class Store:
    """The operations the output needs; see the module's docstring."""

    url: str  # shown in messages
    local: Path | None  # the folder, for a FolderStore

    def location(self, name: str = "") -> str:
        raise NotImplementedError

    def check(self) -> None:
        """OutputError (one line) when the store cannot be reached before anything is built."""

    def listing(self, prefix: str = "") -> dict[str, Stored]:
        """Every file under `prefix` (a folder name, "" for all), by name."""
        raise NotImplementedError

    def names_at_root(self) -> set[str]:
        """The names of the folders and files at the root."""
        raise NotImplementedError

    def read(self, name: str) -> bytes | None:
        """The file's bytes; None when it is not there."""
        raise NotImplementedError

    def exists(self, name: str) -> bool:
        return self.read(name) is not None

    def put_bytes(self, name: str, data: bytes, known: Stored | None = None) -> bool:
        """Store `data` as `name` unless it holds those bytes already; True when written.
        `known` is what a listing said about `name` (saves a request)."""
        raise NotImplementedError

    def put_file(self, name: str, path: Path, known: Stored | None = None) -> bool:
        raise NotImplementedError

    def delete(self, name: str) -> None:
        raise NotImplementedError


class FolderStore(Store):
    """A local or network folder."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.local = self.root
        self.url = str(self.root)

    def location(self, name: str = "") -> str:
        return str(self.root / name) if name else str(self.root)

    def listing(self, prefix: str = "") -> dict[str, Stored]:
        found = {}
        base = self.root / prefix if prefix else self.root
        for path in base.rglob("*") if base.is_dir() else []:
            with contextlib.suppress(OSError):
                if path.is_file():
                    st = path.stat()
                    found[path.relative_to(self.root).as_posix()] = Stored(
                        st.st_size, None, st.st_mtime)
        return found

    def names_at_root(self) -> set[str]:
        try:
            return {entry.name for entry in os.scandir(self.root)}
        except OSError:
            return set()

    def read(self, name: str) -> bytes | None:
        try:
            return (self.root / name).read_bytes()
        except OSError:
            return None

    def exists(self, name: str) -> bool:
        return (self.root / name).is_file()

    def put_bytes(self, name: str, data: bytes, known: Stored | None = None) -> bool:
        if self.read(name) == data:
            return False
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(path, data)
        return True

    def put_file(self, name: str, path: Path, known: Stored | None = None) -> bool:
        target = self.root / name
        with contextlib.suppress(OSError):
            if (target.stat().st_size == Path(path).stat().st_size
                    and file_md5(target)[0] == file_md5(Path(path))[0]):
                return False
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "rb") as source, atomic_open(target, "wb") as handle:
                shutil.copyfileobj(source, handle, 1 << 20)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write ({exc.strerror})") from exc
        return True

    def delete(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.root / name)


class UrlStore(Store):
    """Object storage through fsspec (`pip install 'audioguide[cluster]'` for s3fs)."""

    def __init__(self, url: str):
        try:
            import fsspec

            # A filesystem of its own: fsspec's shared instances keep the endpoint and
            # credentials of their first use.
            self.fs, root = fsspec.core.url_to_fs(url, skip_instance_cache=True)
        except (ImportError, ValueError) as exc:
            scheme = url.split("://", 1)[0]
            raise OutputError(f"-o {shown(url)}: cannot open {scheme}:// storage "
                              f"({_reason(exc)}); for s3:// pip install "
                              "'audioguide[cluster]' (s3fs)") from exc
        self.url = url.rstrip("/")
        self.root = str(root).rstrip("/")
        self.local = None

    def _key(self, name: str) -> str:
        return f"{self.root}/{name}" if name else self.root

    def location(self, name: str = "") -> str:
        return f"{self.url}/{name}" if name else self.url

    def check(self) -> None:
        bucket = self.root.split("/", 1)[0]
        try:
            found = self.fs.exists(bucket)
        except Exception as exc:  # noqa: BLE001
            raise self._fail("reach the storage", "", exc) from exc
        if not found:
            raise OutputError(f"{shown(self.url)}: the bucket {bucket!r} does not exist or these "
                              "credentials cannot see it; create it or check -o")

    def _fail(self, what: str, name: str, exc: BaseException) -> OutputError:
        return OutputError(f"{shown(self.location(name))}: cannot {what} ({_reason(exc)}); "
                           "check the bucket, its address and your credentials")

    def listing(self, prefix: str = "") -> dict[str, Stored]:
        base = self._key(prefix.strip("/"))
        try:
            found = self.fs.find(base, detail=True)
        except FileNotFoundError:
            return {}
        except Exception as exc:  # noqa: BLE001 - any storage failure is one line
            raise self._fail("list", prefix, exc) from exc
        start = len(self.root) + 1
        return {str(path)[start:]: _stored(info) for path, info in found.items()
                if info.get("type", "file") != "directory" and str(path).startswith(self.root)}

    def names_at_root(self) -> set[str]:
        try:
            found = self.fs.ls(self.root, detail=False, refresh=True)
        except FileNotFoundError:
            return set()
        except Exception as exc:  # noqa: BLE001
            raise self._fail("list", "", exc) from exc
        return {str(name).rstrip("/").rsplit("/", 1)[-1] for name in found}

    def read(self, name: str) -> bytes | None:
        try:
            return bytes(self.fs.cat_file(self._key(name)))
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001
            raise self._fail("read", name, exc) from exc

    def exists(self, name: str) -> bool:
        try:
            return bool(self.fs.exists(self._key(name)))
        except Exception as exc:  # noqa: BLE001
            raise self._fail("read", name, exc) from exc

    def _info(self, name: str, known: Stored | None) -> Stored | None:
        if known is not None:
            return known
        try:
            return _stored(self.fs.info(self._key(name)))
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001
            raise self._fail("read", name, exc) from exc

    def put_bytes(self, name: str, data: bytes, known: Stored | None = None) -> bool:
        stored = self._info(name, known)
        if stored is not None and stored.size == len(data) and stored.etag in (
                hashlib.md5(data, usedforsecurity=False).hexdigest(),):
            return False
        try:
            self.fs.pipe_file(self._key(name), data)
        except Exception as exc:  # noqa: BLE001
            raise self._fail("write", name, exc) from exc
        return True

    def put_file(self, name: str, path: Path, known: Stored | None = None) -> bool:
        stored = self._info(name, known)
        if stored is not None and stored.etag and stored.size == Path(path).stat().st_size \
                and stored.etag in file_md5(Path(path)):
            return False
        try:
            self.fs.put_file(str(path), self._key(name))
        except Exception as exc:  # noqa: BLE001
            raise self._fail("write", name, exc) from exc
        return True

    def delete(self, name: str) -> None:
        try:
            self.fs.rm_file(self._key(name))
        except FileNotFoundError:
            pass
        except Exception as exc:  # noqa: BLE001
            raise self._fail("delete", name, exc) from exc


def _stored(info: dict[str, Any]) -> Stored:
    """Stored from an fsspec info dict: S3's ETag (hex MD5, or "<md5>-<parts>" after a
    multipart upload), GCS's base64 md5Hash."""
    etag = str(info.get("ETag") or info.get("etag") or "").strip('"') or None
    if info.get("md5Hash"):
        etag = base64.b64decode(str(info["md5Hash"])).hex()
    moment: Any = info.get("LastModified") or info.get("mtime") or info.get("updated")
    modified = moment.timestamp() if hasattr(moment, "timestamp") else None
    return Stored(int(info.get("size") or 0), etag, modified)


def _reason(exc: BaseException) -> str:
    """A short reason for a storage failure: the exception's kind and first words (botocore and
    fsspec messages name the bucket and the operation, never a secret)."""
    text = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def upload_order(names: Iterable[str], first_suffixes: tuple[str, ...], last: str) -> list[str]:
    """`names` ordered for an upload: those ending in `first_suffixes` first, `last` last."""
    names = sorted(names)
    head = [n for n in names if n.lower().endswith(first_suffixes) and n != last]
    tail = [n for n in names if n not in head and n != last]
    return head + tail + ([last] if last in names else [])
