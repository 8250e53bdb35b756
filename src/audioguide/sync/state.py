"""DIR's lock and state file.

The lock: fcntl.flock on DIR/.audioguide-sync.lock, held for the whole run (the kernel drops
it when the process dies, even by kill -9). A second run waits up to `wait` seconds, then
fails with one line.

The state: DIR/.audioguide-sync.json, strict JSON written atomically, and only when it changed
(a run with nothing new leaves every byte under DIR as it was). Per entry: the episode folder,
hashes of what was read (the body, and the entry's fields with the build settings), the
server's ETag and Last-Modified for the next conditional GET, and (sync --recheck) when the
page was last asked and the feed's <updated> for it then. The entries are the identity ->
folder index too (an entry's link is its article's identity). A missing or damaged state file
is an empty one: the builds' own fingerprints still keep unchanged episodes untouched.

The state lives with the output (store.py): in the folder, or as one object in the bucket for
-o s3://..., so any machine can run the next sync. The lock is a local folder's only: object
storage has none, so run one sync of a bucket at a time (one cron job, one machine).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..atomic import write_problem
from ..errors import OutputError
from ..store import Store

STATE_FILE = ".audioguide-sync.json"
LOCK_FILE = ".audioguide-sync.lock"
STATE_VERSION = 1


class Locked(OutputError):
    """Another sync holds DIR's lock."""


@dataclass
class Record:
    """What the last successful build of an entry was made from."""

    slug: str
    body: str  # sha256 of the text read (page body, feed content or file)
    meta: str  # sha256 of the entry's fields and the build settings
    etag: str | None = None
    last_modified: str | None = None
    checked: float | None = None  # when its page was last asked and found the same (epoch s)
    updated: str | None = None  # the feed's <updated> for the entry then


@dataclass
class State:
    entries: dict[str, Record] = field(default_factory=dict)
    feed: str = ""  # sha256 of the feed settings the feed was last written with

    def to_bytes(self) -> bytes:
        document = {"version": STATE_VERSION, "feed": self.feed,
                    "entries": {k: _record_json(v) for k, v in sorted(self.entries.items())}}
        return (json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False)
                + "\n").encode("utf-8")

    def index(self) -> dict[str, str]:
        """identity (the entry's link) -> episode folder."""
        return {link: record.slug for link, record in self.entries.items() if record.slug}


def _record_json(record: Record) -> dict:
    """The record without the fields --recheck adds while they are unset: a state written
    before them reads back, and is written again, byte for byte."""
    document = asdict(record)
    for name in ("checked", "updated"):
        if document[name] is None:
            del document[name]
    return document


def load_state(store: Store) -> State:
    data = store.read(STATE_FILE)
    try:
        document = json.loads(data) if data is not None else {}
        entries = {str(k): Record(**v) for k, v in document["entries"].items()}
        return State(entries, str(document.get("feed", "")))
    except (ValueError, KeyError, TypeError, AttributeError):
        return State()


def save_state(store: Store, state: State) -> bool:
    """Write the state (atomically, one put) if it differs from what is stored; True when
    written."""
    return store.put_bytes(STATE_FILE, state.to_bytes())


def open_output(output_dir: Path) -> Path:
    """DIR, made if missing; OutputError when it cannot be."""
    output_dir = Path(output_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise OutputError(f"{output_dir}: exists and is not a folder; choose another -o")
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(write_problem(output_dir / LOCK_FILE, exc)) from exc
    return output_dir


@contextlib.contextmanager
def locked(output_dir: Path, wait: float) -> Iterator[None]:
    """Hold DIR's sync lock; Locked after `wait` seconds if another run holds it."""
    import fcntl

    path = Path(output_dir) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(write_problem(path, exc)) from exc
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Locked(f"another sync is running in {output_dir}") from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # closing drops the lock
