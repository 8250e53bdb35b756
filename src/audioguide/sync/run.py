"""The sync loop: read the source, examine every entry, build what is new or changed, keep or
prune what left, write the feed when something changed.

    sync(source, settings, options) -> SyncReport

An entry is unchanged when what was read (the feed's full text, the page, the file) and the
entry's fields and the build settings hash as they did at its last successful build, and its
episode folder is still there: nothing is built or written for it. Pages are fetched with the
ETag and Last-Modified the server gave last time (a 304 is unchanged), several at once
(sources.Fetcher: a bounded pool, a few per host, Retry-After and Crawl-delay honoured). A
failing entry is reported and left as it was (retried next run); the others complete. The state
file and feed.xml are written only when they change, so a run with nothing new changes no byte.

DIR is a folder or object storage (-o s3://...; store.py): episodes are staged locally and
uploaded whole (outdir.Output), the state lives with them, and feed.xml is written last.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import AudioguideError, SettingsError, SourceError
from ..manifest import manifest_folders
from ..models import Article, EpisodeResult
from ..outdir import Output, clean_stale_staging, prepare_output_dir
from ..pipeline import Builder, Reporter
from ..readers import MAX_BYTES, read_articles, read_source
from ..readers.book import book_kind
from ..readers.fetch import Fetched, fetch_conditional
from ..settings import Settings
from ..store import Store, open_store
from .reading import Readers
from .sources import Entry, Fetcher, PageRequest, read_entries
from .state import Record, State, load_state, locked, open_output, save_state

SAVE_EVERY_S = 30.0  # the state is saved during long runs too: a killed run loses little
# The settings that change an episode (the build's own fingerprint has them all; these decide
# whether an entry whose text is unchanged is handed to the build at all).
BUILD_FIELDS = ("engine", "voice", "lang", "tld", "slow", "rate", "bitrate", "per_section",
                "epub", "announce", "intro_summary", "format", "intro", "outro", "lexicon",
                "image", "target_lufs", "true_peak", "pauses", "skip", "keep", "per_chapter")
# Settings added since: in the hash only when not at their default, so that entries hashed
# before them still read as unchanged.
LATER_FIELDS = ("opus", "disclose", "disclosure", "role_voices")


@dataclass
class SyncOptions:
    prune: bool = False  # remove the episodes of entries that left the source
    wait: float = 60.0  # seconds to wait for another sync's lock
    # seconds: a page asked less than this ago (its window is between half and all of it),
    # whose feed entry is unchanged, is not asked again; 0 asks every page every run
    recheck: float = 0.0


@dataclass(frozen=True)
class Failure:
    link: str
    error: str


@dataclass
class SyncReport:
    seen: int = 0
    built: int = 0
    unchanged: int = 0
    not_asked: int = 0  # of the unchanged: pages not asked again (--recheck)
    kept: int = 0  # episodes whose entries left the source, kept
    pruned: int = 0
    failed: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    feed_written: bool = False

    def to_json(self) -> dict:
        return {"seen": self.seen, "built": self.built, "unchanged": self.unchanged,
                "not_asked": self.not_asked, "kept": self.kept,
                "failed": [{"link": f.link, "error": f.error} for f in self.failed]}

    def summary(self) -> str:
        pruned = f", {self.pruned} pruned" if self.pruned else ""
        asked = (f" ({self.not_asked} pages not asked again: checked within --recheck)"
                 if self.not_asked else "")
        return (f"{self.seen} seen, {self.built} built, {self.unchanged} unchanged{asked}, "
                f"{self.kept} kept{pruned}, {len(self.failed)} failed; {self.seconds:.2f} s")


@dataclass
class Job:
    """An entry to build: its article and the record to keep once the build succeeds."""

    entry: Entry
    article: Article
    record: Record


@dataclass
class Pending:
    """An entry whose text is being read (reading.Readers): its Job once the Article is in."""

    entry: Entry
    article: Future[Article]
    record: Record
    from_feed: bool


def sync(source: str, settings: Settings, options: SyncOptions | None = None,
         reporter: Reporter | None = None) -> SyncReport:
    """Bring DIR (settings.output_dir) in line with SOURCE; see the module's docstring."""
    started = time.perf_counter()
    options = options or SyncOptions()
    reporter = reporter or Reporter()
    check_base_url(settings.feed.base_url)
    # a bad source stops here: DIR untouched
    entries = unique(chapter_entries(read_entries(source, settings), settings))
    store = open_store(settings.output_dir)
    if store.local is None:
        store.check()
        report = _run(entries, settings, options, reporter, store)
    else:
        with locked(open_output(store.local), options.wait):
            report = _run(entries, settings, options, reporter, store)
    report.seconds = time.perf_counter() - started
    return report


def check_base_url(base_url: str) -> None:
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(
            "sync writes the podcast feed and needs the address it will be published at: "
            "pass --base-url https://... (or base_url under [feed] in audioguide.toml)")


def chapter_entries(entries: list[Entry], settings: Settings) -> list[Entry]:
    """With --per-chapter, each book (EPUB, PDF) of a folder source is one entry per chapter,
    "<path>#chapter-<n>", as `build --per-chapter` makes one episode per chapter."""
    if not settings.per_chapter:
        return entries
    expanded: list[Entry] = []
    for entry in entries:
        if entry.path is None or not book_kind(Path(entry.path)):
            expanded.append(entry)
            continue
        try:
            count = len(book_chapters(entry.path, settings))
        except AudioguideError as exc:
            expanded.append(replace(entry, problem=" ".join(str(exc).split())))
            continue
        expanded.extend(replace(entry, link=f"{entry.link}#chapter-{n}", chapter=n)
                        for n in range(1, count + 1))
    return expanded


def book_chapters(path: str, settings: Settings) -> list[Article]:
    """A book's chapters as read_articles gives them, read once per sync (cached by path,
    size and time, and the reading settings)."""
    st = Path(path).stat()
    return _book_chapters(path, (st.st_size, st.st_mtime_ns), settings)


@functools.lru_cache(maxsize=2)
def _book_chapters(path: str, stamp: tuple[int, int], settings: Settings) -> list[Article]:
    return read_articles(path, settings)


def unique(entries: list[Entry]) -> list[Entry]:
    """The entries without repeats of the same link (the first one counts)."""
    seen: dict[str, Entry] = {}
    for entry in entries:
        seen.setdefault(entry.link, entry)
    return list(seen.values())


def _run(entries: list[Entry], settings: Settings, options: SyncOptions, reporter: Reporter,
         store: Store) -> SyncReport:
    state = load_state(store)
    output = Output(store, state.index())
    if store.local is not None:
        clean_stale_staging(store.local)
        present = {folder.name for folder in manifest_folders(store.local)}
    else:
        present = output.present()
    report = SyncReport(seen=len(entries))
    with Readers(settings) as readers:
        jobs = read_pages(examine_all(entries, state, settings, present, readers, report,
                                      reporter, options.recheck), report, reporter)
    changed = build_jobs(jobs, settings, output, reporter, report, state)
    changed = leave_or_prune(entries, state, output, options.prune, report) or changed
    report.feed_written = publish_feed(output, settings, state, changed)
    save_state(store, state)
    return report


def examine_all(entries: list[Entry], state: State, settings: Settings, present: set[str],
                readers: Readers, report: SyncReport, reporter: Reporter, recheck: float = 0.0
                ) -> list[Job | Pending]:
    """Every entry examined as its page comes in (failures and unchanged ones counted in
    `report`); what is to be built, in the entries' order. With `recheck` (seconds), a page
    asked recently (recently_checked) is not asked again, and each page found the same is
    stamped with the time."""
    found: list[Job | Pending] = []
    now = time.time()
    fresh = {entry.link for entry in entries if recently_checked(
        still_good(state.entries.get(entry.link), meta_hash(entry, settings), present),
        entry, recheck, now)} if recheck > 0 else set()
    report.not_asked = len(fresh)
    pages = fetch_pages([entry for entry in entries if entry.link not in fresh], state,
                        settings, present)
    for entry in entries:
        if entry.link in fresh:
            report.unchanged += 1
            continue
        got = next(pages)
        try:
            job = examine(entry, state.entries.get(entry.link), settings, present, got,
                          readers, now if recheck > 0 else None)
        except AudioguideError as exc:
            _failed(report, entry.link, exc, reporter)
            continue
        if job is None:
            report.unchanged += 1
        else:
            found.append(job)
    return found


def read_pages(found: list[Job | Pending], report: SyncReport, reporter: Reporter
               ) -> list[Job]:
    """The Jobs, once each text being read is an Article (a text that cannot be read fails
    its entry alone)."""
    from concurrent.futures import BrokenExecutor

    jobs: list[Job] = []
    for item in found:
        if isinstance(item, Job):
            jobs.append(item)
            continue
        try:
            article = item.article.result()
        except (AudioguideError, BrokenExecutor) as exc:
            _failed(report, item.entry.link, exc, reporter)
            continue
        jobs.append(Job(item.entry, with_entry(article, item.entry, item.from_feed),
                        item.record))
    return jobs


def fetch_pages(entries: list[Entry], state: State, settings: Settings, present: set[str]
                ) -> Iterator[Fetched | SourceError | None]:
    """The linked pages of the entries, downloaded in parallel (conditional GETs where the last
    build is still good), one answer per entry in order (None: not a page to download)."""
    requests: list[PageRequest | None] = []
    for entry in entries:
        if entry.problem or entry.content is not None or entry.path is not None or not entry.url:
            requests.append(None)
            continue
        same = still_good(state.entries.get(entry.link), meta_hash(entry, settings), present)
        requests.append(PageRequest(entry.url, same.etag if same else None,
                                    same.last_modified if same else None))
    return Fetcher(settings.timeout).fetch_all(requests)


def recently_checked(record: Record | None, entry: Entry, recheck: float, now: float) -> bool:
    """True when the entry's page need not be asked again (sync --recheck): its last build
    is still good (`record`), the page was found the same less than its window ago, and the
    feed gives the same <updated> for it as then. Each page's window is between half and all
    of `recheck` seconds, chosen by its link, so that pages built in one run are asked again
    over several later runs, not all in one."""
    if record is None or record.checked is None or record.updated != entry.updated:
        return False
    spread = 0.5 + 0.5 * int(sha(entry.link)[:8], 16) / 0xFFFFFFFF
    return 0.0 <= now - record.checked < recheck * spread


def still_good(record: Record | None, meta: str, present: set[str]) -> Record | None:
    """The record when its episode is there and was built from these fields and settings."""
    if record is not None and record.slug in present and record.meta == meta:
        return record
    return None


def _failed(report: SyncReport, link: str, exc: BaseException, reporter: Reporter) -> None:
    message = " ".join(str(exc).split()) or type(exc).__name__
    report.failed.append(Failure(link, message))
    reporter.status(f"failed: {message}" if link in message else f"failed: {link}: {message}")


# -- examining an entry --------------------------------------------------------------------


def sha(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8", "surrogatepass") if isinstance(data, str)
                          else data).hexdigest()


def meta_hash(entry: Entry, settings: Settings) -> str:
    """The entry's own fields and the settings that change an episode."""
    data = {"title": entry.title, "author": entry.author, "date": entry.date,
            "lang": entry.lang, "format": entry.content_format,
            "settings": _settings_fields(settings)}
    return sha(json.dumps(data, sort_keys=True, default=str))


@functools.lru_cache(maxsize=4)
def _settings_fields(settings: Settings) -> dict:
    """The settings' part of meta_hash, made once per run (not per entry); not to be changed
    by the caller."""
    fields = {name: getattr(settings, name) for name in BUILD_FIELDS}
    default = Settings()
    fields.update({name: getattr(settings, name) for name in LATER_FIELDS
                   if getattr(settings, name) != getattr(default, name)})
    return fields


def examine(entry: Entry, record: Record | None, settings: Settings, present: set[str],
            got: Fetched | SourceError | None = None, readers: Readers | None = None,
            checked_at: float | None = None) -> Job | Pending | None:
    """None when the entry is unchanged, else the Job that builds it (a Pending while its
    text is read by `readers`); AudioguideError (one line) when it cannot be read. `got` is
    the page already downloaded (fetch_pages); `checked_at`, the time to stamp on a page
    found the same (--recheck)."""
    if entry.problem:
        raise SourceError(entry.problem)
    meta = meta_hash(entry, settings)
    same = still_good(record, meta, present)
    if entry.content is not None:
        body = sha(entry.content)
        if same is not None and same.body == body:
            return None
        readers = readers or Readers(settings, workers=1)
        return Pending(entry, readers.read(entry.content, entry.content_format, entry.link),
                       Record("", body, meta), from_feed=True)
    if entry.path is not None:
        body = sha(Path(entry.path).read_bytes()[: MAX_BYTES + 1])
        if same is not None and same.body == body:
            return None
        article = (book_chapters(entry.path, settings)[entry.chapter - 1] if entry.chapter
                   else read_source(entry.path, settings))
        return Job(entry, article, Record("", body, meta))
    if isinstance(got, SourceError):
        raise got
    return examine_page(entry, same, meta, readers or Readers(settings, workers=1), got,
                        checked_at)


def examine_page(entry: Entry, same: Record | None, meta: str, readers: Readers,
                 got: Fetched | None = None, checked_at: float | None = None
                 ) -> Pending | None:
    """A linked page: a conditional GET when the last build of it is still good (done here
    unless fetch_pages did it). A page found the same is stamped `checked_at` (when given)."""
    assert entry.url is not None
    if got is None:
        got = fetch_conditional(entry.url, readers.settings.timeout, MAX_BYTES,
                                etag=same.etag if same else None,
                                last_modified=same.last_modified if same else None)
    body = None if got.status == 304 else sha(got.body)
    if same is not None and (body is None or same.body == body):
        if body is not None:
            same.etag, same.last_modified = got.etag, got.last_modified
        if checked_at is not None:
            same.checked, same.updated = checked_at, entry.updated
        return None
    return Pending(entry, readers.read(got.body, got.fmt, entry.url),
                   Record("", body or sha(got.body), meta, got.etag, got.last_modified,
                          checked=time.time(), updated=entry.updated), from_feed=False)


def with_entry(article: Article, entry: Entry, from_feed: bool) -> Article:
    """The article with the entry's identity, and the entry's title, author, date and
    language where the page lacks them (the feed's title always, for text the feed carries)."""
    changes: dict = {"identity": entry.link}
    if entry.title and (from_feed or article.title == "Untitled"):
        changes["title"] = entry.title
    if entry.author and not article.byline:
        changes["byline"] = entry.author
    if entry.date and not article.date:
        changes["date"] = entry.date
    if entry.lang and not article.lang:
        changes["lang"] = entry.lang
    return replace(article, **changes)


# -- building ------------------------------------------------------------------------------


def build_jobs(jobs: list[Job], settings: Settings, output: Output, reporter: Reporter,
               report: SyncReport, state: State) -> bool:
    """Build every job (on Ray when settings.ray_address is set); record each success in the
    state (saved now and then). True when an episode was written."""
    if not jobs:
        return False
    if output.local is not None:
        prepare_output_dir(output.local)
    changed, saved = False, time.monotonic()
    for job, outcome in _outcomes(jobs, settings, output, reporter):
        if isinstance(outcome, str):
            report.failed.append(Failure(job.entry.link, outcome))
            reporter.status(f"failed: {job.entry.link}: {outcome}")
            continue
        slug = outcome.folder.rstrip("/").rsplit("/", 1)[-1]  # the folder's name: the truth
        state.entries[job.entry.link] = replace(job.record, slug=slug)
        if outcome.skipped:
            report.unchanged += 1
        else:
            report.built += 1
            changed = True
            reporter.status(f"built {job.entry.link} -> {outcome.folder}")
        if time.monotonic() - saved > SAVE_EVERY_S:
            save_state(output.store, state)
            saved = time.monotonic()
    return changed


def _outcomes(jobs: list[Job], settings: Settings, output: Output,
              reporter: Reporter) -> Iterator[tuple[Job, EpisodeResult | str]]:
    """(job, its EpisodeResult or the one-line error that stopped it), job by job."""
    if settings.ray_address:
        from .cluster import build_on_ray

        for index, outcome in build_on_ray([job.article for job in jobs], settings, output,
                                           reporter):
            yield jobs[index], outcome
        return
    taken: set[str] = set()
    with Builder(settings, reporter) as builder:
        for job in jobs:
            try:
                yield job, builder.build(job.article, output, taken)
            except AudioguideError as exc:
                yield job, " ".join(str(exc).split())


# -- what left the source, and the feed ----------------------------------------------------


def leave_or_prune(entries: list[Entry], state: State, output: Output, prune: bool,
                   report: SyncReport) -> bool:
    """Episodes of entries that left the source: kept, or removed with --prune."""
    links = {entry.link for entry in entries}
    gone = [link for link in state.entries if link not in links]
    if not prune:
        report.kept = len(gone)
        return False
    for link in gone:
        output.remove(state.entries.pop(link).slug)
        report.pruned += 1
    return bool(gone)


def publish_feed(output: Output, settings: Settings, state: State, changed: bool) -> bool:
    """Rewrite feed.xml and the series page (one atomic write or put each, the feed last) when
    an episode or the feed settings changed, or the feed is missing; True when written."""
    from ..series.feed import write_feed

    digest = sha(json.dumps(asdict(settings.feed), sort_keys=True, default=str))
    if not changed and state.feed == digest and output.store.exists("feed.xml"):
        return False
    if not output.has_episodes():
        output.store.delete("feed.xml")  # the last episode was pruned
        return False
    write_feed(output.local or output.store.url, settings.feed)
    state.feed = digest
    return True
