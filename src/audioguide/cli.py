"""The command line: options -> Settings, library errors -> one-line messages.

The only module that imports click. Exit status: 0 done, 1 a bad input or a failure,
2 a usage error, 130 interrupted.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .atomic import write_problem
from .errors import AudioguideError, OutputError
from .models import Loudness
from .settings import ENGINES, FORMATS, ROLE_NAMES, Settings, load_file, validate
from .store import is_url, local_path
from .version import __version__

if TYPE_CHECKING:
    from .cache import ClipCache
    from .models import EpisodeResult
    from .pipeline import Reporter

# A function a decorator gives back unchanged but for click's options (its signature kept).
F = TypeVar("F", bound=Callable[..., object])


class Context:
    """The options every command takes, before or after the command's name."""

    def __init__(self) -> None:
        self.quiet = False
        self.debug = False
        self.config: Path | None = None
        self.warnings: list[str] = []  # shown when the command succeeds (see warn_printer)

    def settings(self, **options: object) -> Settings:
        base = load_file(self.config)
        given = {k: v for k, v in options.items() if v is not None}
        return validate(base.with_(**given))


def configure_logging(debug: bool) -> None:
    """Other libraries' logging (trafilatura, faster-whisper...) stays silent unless --debug;
    audioguide's own warnings are shown."""
    logging.basicConfig(format="%(name)s: %(message)s", force=True,
                        level=logging.DEBUG if debug else logging.WARNING)
    if not debug:
        for handler in logging.getLogger().handlers:
            handler.addFilter(lambda record: record.name.split(".")[0] == "audioguide")


def _context(ctx: click.Context) -> Context:
    return ctx.ensure_object(Context)


def _remember(name: str) -> Callable[[click.Context, click.Parameter, object], object]:
    def callback(ctx: click.Context, param: click.Parameter, value: object) -> object:
        if value:  # a flag that is set, or a path: given here (group or command)
            setattr(_context(ctx), name, value)
            if name == "debug":
                configure_logging(True)
        return value

    return callback


def common_options(function: F) -> F:
    """--quiet/-q, --debug and --config: accepted before the command and after it."""
    function = click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
                            expose_value=False, callback=_remember("config"),
                            help="Settings file (default: ./audioguide.toml).")(function)
    function = click.option("--debug", is_flag=True, expose_value=False,
                            callback=_remember("debug"),
                            help="Show tracebacks and ffmpeg commands.")(function)
    return click.option("--quiet", "-q", is_flag=True, expose_value=False,
                        callback=_remember("quiet"),
                        help="No progress bar or status lines.")(function)


def fail(ctx: Context, exc: BaseException) -> None:
    if ctx.debug:
        raise exc
    code = getattr(exc, "exit_code", 1)
    message = " ".join(str(exc).split()) or type(exc).__name__
    click.echo(f"audioguide: error: {message}", err=True)
    sys.exit(code)


class Guarded(click.Group):
    """Turns library errors into one line and Ctrl-C into exit 130, for every command; shows
    the warnings of a command that succeeded (one that failed says one line only)."""

    def invoke(self, ctx: click.Context) -> object:
        obj = _context(ctx)
        try:
            result = super().invoke(ctx)
        except AudioguideError as exc:
            fail(obj, exc)
        except KeyboardInterrupt:
            click.echo("audioguide: interrupted; nothing was half-written, run it again to "
                       "resume", err=True)
            sys.exit(130)
        except OSError as exc:
            if obj.debug:
                raise
            fail(obj, OutputError(write_problem(Path(exc.filename or "."), exc)
                                  if exc.filename else str(exc.strerror or exc)))
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # a bug: still one line, never a traceback (--debug shows it)
            if obj.debug:
                raise
            message = " ".join(str(exc).split())[:200]
            click.echo(f"audioguide: error: unexpected {type(exc).__name__}: {message} (run "
                       "again with --debug and report the traceback)", err=True)
            sys.exit(1)
        for warning in obj.warnings:
            click.echo(f"audioguide: warning: {warning}", err=True)
        return result


@click.group(cls=Guarded, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="audioguide")
@common_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Turn written articles into accessible, chaptered podcast episodes.

    --quiet, --debug and --config go before or after the command."""
    configure_logging(_context(ctx).debug)


def status_printer(ctx: Context) -> Callable[[str], None]:
    def status(message: str) -> None:
        if not ctx.quiet:
            click.echo(message, err=True)

    return status


def warn_printer(ctx: Context) -> Callable[[str], None]:
    """Warnings wait until the command succeeds: a build that fails anyway says one line."""
    return ctx.warnings.append


class ProgressBar:
    """A click progress bar on stderr, opened at the first report of each episode."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None or done < self.done:
            self.finish()
            self.bar = click.progressbar(length=total, label="speaking", file=sys.stderr,
                                         show_pos=True, show_eta=True)
            self.bar.__enter__()
            self.done = 0
        self.bar.update(done - self.done)
        self.done = done

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def minutes(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _output_location(ctx: click.Context, param: click.Parameter,
                     value: str | None) -> Path | str | None:
    """-o and feed's FOLDER: a folder (a file:// URL too), or object storage kept as the URL
    it is (s3://bucket/pod, gs://...: a Path would fold its "//")."""
    if value is None:
        return None
    return value if is_url(value) else local_path(value)


def _role_voices(ctx: click.Context, param: click.Parameter,
                 value: tuple[str, ...]) -> tuple[tuple[str, str], ...] | None:
    """--role-voice ROLE=VOICE values as Settings.role_voices (None: not given)."""
    from .settings import role_voices

    return role_voices(value) if value else None


# The options of a build, shared by `build` and `sync`.
BUILD_OPTIONS = [
    click.option("--engine", type=click.Choice(ENGINES), help="Voice engine (default: auto)."),
    click.option("--voice", help="Engine voice: a Piper voice key (fr_FR-siwis-medium; fetched "
                                 "once from the catalogue) or .onnx path, an espeak voice..."),
    click.option("--no-download", is_flag=True, expose_value=False,
                 callback=_remember("no_download"),
                 help="Never fetch a --voice that is not installed: fail instead."),
    click.option("--role-voice", "role_voices", multiple=True, callback=_role_voices,
                 metavar="ROLE=VOICE",
                 help="Read one role in another voice: ROLE is question, quote, heading, "
                      "note or aside; VOICE a Piper key or .onnx path, or espeak:VOICE "
                      "(espeak:en-gb-scotland). Repeatable."),
    click.option("--lang", help="Language code (default: the article's, else en)."),
    click.option("--tld", help="gTTS accent: Google's top-level domain (com, co.uk, com.au...)."),
    click.option("--slow/--no-slow", default=None, help="gTTS: read slowly."),
    click.option("--rate", type=float, help="Speaking speed, 0.5 to 2.0 (pitch unchanged)."),
    click.option("--bitrate", help="Audio bitrate, 64k or more (default: 64k)."),
    click.option("--jobs", "-j", type=int, help="Sentences synthesized at once."),
    click.option("--no-cache", "no_cache", is_flag=True, default=None,
                 help="Neither read nor write the clip cache."),
    click.option("--per-section/--no-per-section", default=None,
                 help="Also write one MP3 per section under sections/."),
    click.option("--epub/--no-epub", default=None,
                 help="Also write <slug>.epub: the text and the audio, read along in e-book "
                      "apps."),
    click.option("--opus/--no-opus", default=None,
                 help="Also write <slug>.opus: the episode as Ogg Opus (speech bitrate, about "
                      "half the size), with the same chapters; listed in the feed."),
    click.option("--disclosure", metavar="TEXT",
                 help="The sentence the episode opens with, saying that a synthetic voice reads "
                      "it (default: 'Read by a synthetic voice: <engine> <voice>.')."),
    click.option("--no-disclosure", "disclose", flag_value=False, default=None,
                 help="Leave that sentence out of the audio (the feed, page and EPUB keep "
                      "it: Apple Podcasts requires disclosing AI voices)."),
    click.option("--announce/--no-announce", default=None,
                 help="Say 'Section 3 of 8' before each section title."),
    click.option("--format", "fmt", type=click.Choice(FORMATS), help="mp3 (default) or m4b."),
    click.option("--intro", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                 help="Music or jingle played before the speech."),
    click.option("--outro", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                 help="Music or jingle played after the speech."),
    click.option("--lexicon", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                 help="Pronunciation file: 'word = spoken form' per line, or a W3C .pls "
                      "lexicon (<alias>, IPA <phoneme>)."),
    click.option("--image", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                 help="Cover art (square PNG or JPEG)."),
]
# Where the episodes are built: a Ray cluster, and the clip cache they share.
CLUSTER_OPTIONS = [
    click.option("--ray", "ray_address", envvar="RAY_ADDRESS",
                 help="Build the episodes on this Ray cluster (needs audioguide[cluster]; "
                      "default: $RAY_ADDRESS)."),
    click.option("--cache-url",
                 help="Clip cache shared by every worker: a folder, s3://... or gs://..."),
]


def build_options(function: F) -> F:
    for decorator in reversed(BUILD_OPTIONS):
        function = decorator(function)
    return function


def cluster_options(function: F) -> F:
    for decorator in reversed(CLUSTER_OPTIONS):
        function = decorator(function)
    return function


def role_options(function: F) -> F:
    """--skip and --keep: which notes, asides, figures and formulas are read (readers/roles.py)."""
    function = click.option("--keep", multiple=True, type=click.Choice(ROLE_NAMES),
                            help="Read these too: asides (and pull quotes) and a PDF's front "
                                 "matter are skipped by default. Repeatable.")(function)
    return click.option("--skip", multiple=True, type=click.Choice(ROLE_NAMES),
                        help="Do not read these: notes, figures, math. Repeatable; what is "
                             "skipped is listed in the transcript.")(function)


def reading_options(function: F) -> F:
    """How sources are read, the same for `build` and `sync`: --per-chapter, --skip, --keep."""
    function = role_options(function)
    return click.option("--per-chapter/--no-per-chapter", default=None,
                        help="EPUB and PDF: one episode per chapter (default: one per book)."
                        )(function)


@cli.command()
@common_options
@click.argument("sources", nargs=-1, required=True)
@click.option("-o", "--output", "output_dir", callback=_output_location,
              help="Output folder or object storage URL: s3://bucket/pod, gs://... "
                   "(default: audio_out).")
@build_options
@cluster_options
@reading_options
@click.pass_obj
def build(ctx: Context, sources: tuple[str, ...], output_dir: Path | str | None,
          no_cache: bool | None, fmt: str | None, skip: tuple[str, ...], keep: tuple[str, ...],
          **options: object) -> None:
    """Build one episode per SOURCE (a .txt/.md/.html/.epub/.pdf path, a folder, an http(s)
    URL or -)."""
    from .pipeline import Reporter

    # every other option is named as its Settings field
    settings = ctx.settings(output_dir=output_dir, use_cache=False if no_cache else None,
                            format=fmt, skip=tuple(skip) or None, keep=tuple(keep) or None,
                            **options)
    disclosure_ready(ctx, settings)
    voice_ready(ctx, settings)
    bar = ProgressBar(enabled=not ctx.quiet and sys.stderr.isatty())
    reporter = Reporter(status=status_printer(ctx), warn=warn_printer(ctx), progress=bar)
    try:
        results = _build(list(sources), settings, reporter)
    finally:
        bar.finish()
    for result in results:
        if ctx.quiet:
            continue
        state = "unchanged" if result.skipped else "wrote"
        click.echo(
            f"{state} {result.audio_path}  {minutes(result.duration_ms)}, "
            f"{len(result.chapters)} chapters, {result.engine} ({result.voice}); "
            f"sentences: {result.synthesized} synthesized, {result.cached} from cache"
            + loudness_summary(result.loudness)
        )


def disclosure_ready(ctx: Context, settings: Settings) -> None:
    """--no-disclosure: the audio no longer says a synthetic voice reads it; the metadata
    still does (the feed, the page, the EPUB), as the podcast platforms require."""
    if not settings.disclose:
        warn_printer(ctx)("--no-disclosure: the audio will not say that a synthetic voice reads "
                          "it; Apple Podcasts requires saying so, and the feed, page and EPUB "
                          "still do")


def _build(sources: list[str], settings: Settings, reporter: Reporter) -> list[EpisodeResult]:
    """On a Ray cluster (--ray), or here (with the cache --cache-url names, if any)."""
    if settings.ray_address:
        from .sync.cluster import build_sources_on_ray

        return build_sources_on_ray(sources, settings, reporter)
    from .pipeline import build_episodes

    return build_episodes(sources, settings, reporter)


class Duration(click.ParamType):
    """A length of time: seconds, or a number with s, m, h or d ("90", "30m", "12h", "7d")."""

    name = "duration"
    UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        if isinstance(value, (int, float)):
            return float(value)
        text = str(value).strip().lower()
        unit = self.UNITS.get(text[-1:], None)
        number = text[:-1] if unit else text
        try:
            seconds = float(number) * (unit or 1)
        except ValueError:
            seconds = -1.0
        if not (0 <= seconds < float("inf")):
            self.fail(f"{value!r} is not a length of time: give seconds, or a number with "
                      "s, m, h or d (30m, 12h, 7d)", param, ctx)
        return seconds


@cli.command()
@common_options
@click.argument("source")
@click.option("-o", "--output", "output_dir", callback=_output_location,
              help="Output folder or object storage URL: s3://bucket/pod, gs://... "
                   "(default: audio_out).")
@click.option("--base-url", help="Where the folder will be served (https://...).")
@click.option("--title", help="Podcast title.")
@click.option("--author", help="Podcast author.")
@click.option("--prune", is_flag=True,
              help="Remove the episodes of articles that left the source (default: keep).")
@click.option("--wait", type=click.FloatRange(0, 86400), default=60, show_default=True,
              help="Seconds to wait while another sync of the folder runs.")
@click.option("--recheck", type=Duration(), default="0", show_default=True,
              help="Ask a page again only when it was last found unchanged longer ago than "
                   "this (12h, 7d; each page's window is between half and all of it) or its "
                   "feed entry changed; 0 asks every page every run.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@build_options
@cluster_options
@reading_options
@click.pass_obj
def sync(ctx: Context, source: str, output_dir: Path | str | None, base_url: str | None,
         title: str | None, author: str | None, prune: bool, wait: float, recheck: float,
         as_json: bool, no_cache: bool | None, fmt: str | None, skip: tuple[str, ...],
         keep: tuple[str, ...], **options: object) -> None:
    """Keep a podcast in step with SOURCE: an RSS or Atom feed, a sitemap.xml (URL or file)
    or a folder of articles. New and edited articles are built, the feed rewritten."""
    from dataclasses import replace

    from .pipeline import Reporter
    from .sync import SyncOptions
    from .sync import sync as run_sync

    settings = ctx.settings(output_dir=output_dir, use_cache=False if no_cache else None,
                            format=fmt, skip=tuple(skip) or None, keep=tuple(keep) or None,
                            **options)
    # each value goes to the FeedSettings field of its name (Any: the fields' types differ)
    given: dict[str, Any] = {"base_url": base_url, "title": title, "author": author}
    settings = settings.with_(feed=replace(settings.feed, **{
        k: v for k, v in given.items() if v is not None}))
    disclosure_ready(ctx, settings)
    voice_ready(ctx, settings)
    reporter = Reporter(status=status_printer(ctx), warn=warn_printer(ctx))
    report = run_sync(source, settings, SyncOptions(prune=prune, wait=wait, recheck=recheck),
                      reporter)
    for failure in report.failed:
        line = failure.error if failure.link in failure.error else (
            f"{failure.link}: {failure.error}")
        click.echo(f"audioguide: failed: {line}", err=True)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
    elif not ctx.quiet:
        click.echo(report.summary())
    if report.failed:
        sys.exit(1)


def loudness_summary(loudness: Loudness) -> str:
    """"; -16.0 LUFS, -1.5 dBTP", or what could not be measured and why."""
    lufs, peak = loudness.integrated_lufs, loudness.true_peak_dbtp
    if lufs is None or peak is None:
        return f"; loudness not measured ({loudness.reason or 'no figure'})"
    return f"; {lufs:.1f} LUFS, {peak:.1f} dBTP"


@cli.command()
@common_options
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for other tools.")
@click.option("--text", "as_text", is_flag=True,
              help="Print the article as it will be read: title, headings, paragraphs.")
@click.option("--markdown", "as_markdown", is_flag=True,
              help="Print it as Markdown to proofread or edit, then `audioguide build` it.")
@role_options
@click.pass_obj
def sections(ctx: Context, source: str, as_json: bool, as_text: bool, as_markdown: bool,
             skip: tuple[str, ...], keep: tuple[str, ...]) -> None:
    """Preview SOURCE: title, sections, words, estimated minutes and what is skipped. No audio.

    --text and --markdown print what will be read instead (skipped parts left out)."""
    from .readers import read_source
    from .readers.roles import skipped_summary
    from .speech import section_summary

    chosen = [name for name, on in (("--json", as_json), ("--text", as_text),
                                    ("--markdown", as_markdown)) if on]
    if len(chosen) > 1:
        raise click.UsageError(f"{' and '.join(chosen)} cannot be used together: choose one")
    settings = ctx.settings(skip=tuple(skip) or None, keep=tuple(keep) or None)
    article = read_source(source, settings)
    if as_text or as_markdown:
        from .written import article_markdown, article_text

        click.echo(article_markdown(article) if as_markdown else article_text(article), nl=False)
        return
    summary = section_summary(article, settings)
    chaptered = [s for s in article.sections if s.title.strip() or s.blocks]
    for row, section in zip(summary["sections"], chaptered, strict=False):
        row["skipped"] = skipped_summary(section)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    click.echo(summary["title"])
    total_words = total_seconds = 0
    for n, section in enumerate(summary["sections"], 1):
        total_words += section["words"]
        total_seconds += section["seconds"]
        click.echo(f"{n:3d}. {section['title'][:60]:<60} {section['words']:6d} words "
                   f"{minutes(int(section['seconds'] * 1000)):>6}")
        if section.get("skipped"):
            click.echo("     skipped: " + ", ".join(f"{s['kind']} ({s['words']} words)"
                                                    for s in section["skipped"]))
    click.echo(f"     {'total':<60} {total_words:6d} words "
               f"{minutes(int(total_seconds * 1000)):>6}")


@cli.group(invoke_without_command=True)
@common_options
@click.option("--all", "show_all", is_flag=True,
              help="List the Piper catalogue's voices (fetched once, then read from the cache, "
                   "offline too).")
@click.option("--lang", help="With --all: the voices of this language only (fr, fr-FR, French).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def voices(click_ctx: click.Context, show_all: bool, lang: str | None, as_json: bool) -> None:
    """Engines, voices and languages; which work offline; the installed Piper voices and their
    licences. --all lists the Piper catalogue.

    \b
    audioguide voices get KEY...      fetch catalogue voices (each file checked)
    audioguide voices sample KEY      hear a voice (a Piper key, espeak:LANG, gtts:LANG)
    audioguide voices remove KEY...   remove fetched voices"""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx = _context(click_ctx)
    if show_all or lang:
        _catalogue(ctx, lang, as_json)
        return
    from .engines.select import format_voices
    from .engines.select import voices as voice_rows

    rows = voice_rows()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    from .ffmpeg.binary import ffmpeg_choice

    click.echo(format_voices(rows))
    click.echo(f"\naudio: {ffmpeg_choice().describe()}")


def _catalogue(ctx: Context, lang: str | None, as_json: bool) -> None:
    """`voices --all [--lang L]`: the catalogue's voices, each marked installed or not."""
    from .engines.piper_voices import installed_voices
    from .voices.catalogue import format_catalogue, load_catalogue, voices_for

    catalogue = load_catalogue(ctx.settings().resolved_cache_dir())
    installed = {voice.key for voice in installed_voices()}
    rows = [voice.row(voice.key in installed) for voice in voices_for(catalogue, lang)]
    if lang and not rows:
        raise AudioguideError(f"the Piper catalogue has no voice for {lang!r}; "
                                   "`audioguide voices --all` lists every language")
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        click.echo(format_catalogue(rows))


@voices.command("get")
@common_options
@click.argument("keys", nargs=-1, required=True)
@click.pass_obj
def voices_get(ctx: Context, keys: tuple[str, ...]) -> None:
    """Fetch the Piper voices KEYS from the catalogue into the voices folder: each file is
    checked against the catalogue's size and md5 before it is kept."""
    from .voices.download import get_voices

    cache_dir = ctx.settings().resolved_cache_dir()
    for key, model in get_voices(list(keys), cache_dir, status_printer(ctx)):
        click.echo(f"{key}: already installed" if model is None else f"{key}: installed {model}")


@voices.command("remove")
@common_options
@click.argument("keys", nargs=-1, required=True)
@click.pass_obj
def voices_remove(ctx: Context, keys: tuple[str, ...]) -> None:
    """Remove Piper voices fetched with `voices get` (their model, config and model card)."""
    from .voices.download import remove_voice

    for key in keys:
        removed = remove_voice(key)
        click.echo(f"{key}: removed {len(removed)} files")


@voices.command("sample")
@common_options
@click.argument("key")
@click.option("--text", help="What to say (default: a short sentence in the voice's language).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default="sample.mp3", show_default=True, help="The MP3 to write.")
@click.option("--no-download", is_flag=True,
              help="Never fetch a Piper voice that is not installed.")
@click.pass_obj
def voices_sample(ctx: Context, key: str, text: str | None, output: Path,
                  no_download: bool) -> None:
    """Speak a sentence in KEY's voice into an MP3, to hear it before a build.

    \b
    KEY is one of:
      fr_FR-siwis-medium     a Piper catalogue key (fetched first if not installed)
      path/to/voice.onnx     a Piper voice file
      espeak:fr              espeak-ng in a language, or espeak:VOICE (espeak:en-gb-scotland)
      gtts:de                Google Translate's voice in a language (online)"""
    from .voices.download import ensure_voice
    from .voices.sample import speak_sample

    settings = ctx.settings()
    ensure_voice(key, settings.resolved_cache_dir(), not no_download, status_printer(ctx))
    seconds = speak_sample(key, output, settings, text, status_printer(ctx))
    if not ctx.quiet:
        click.echo(f"wrote {output}  {seconds:.1f} s")


def voice_ready(ctx: Context, settings: Settings) -> None:
    """A --voice (or --role-voice) that is a Piper catalogue key not installed here: fetched
    first, with a status line, unless --no-download was given (then one line naming `voices
    get`); a --role-voice that is no voice: one line, before anything is built."""
    from .voices.download import ensure_voice
    from .voices.roles import role_voice

    for voice in [settings.voice] + [voice for _, voice in settings.role_voices]:
        ensure_voice(voice, settings.resolved_cache_dir(),
                     not getattr(ctx, "no_download", False), status_printer(ctx))
    for role, voice in settings.role_voices:  # what is no voice: one line before the build
        role_voice(voice, role)


@cli.command()
@common_options
@click.argument("folder", callback=_output_location, default=None, required=False)
@click.option("--base-url", help="Where the folder will be served (https://...).")
@click.option("--title", help="Podcast title.")
@click.option("--author", help="Podcast author.")
@click.option("--description", help="Podcast description.")
@click.option("--image", help="Podcast cover (square PNG/JPEG, 1400-3000 px).")
@click.option("--category", help='Apple Podcasts category, e.g. "Health & Fitness".')
@click.option("--language", help="Feed language (default: the episodes').")
@click.option("--explicit/--clean", default=None, help="itunes:explicit (default: clean).")
@click.option("--email", help="Owner e-mail for itunes:owner.")
@click.option("--check", "check_feed", is_flag=True,
              help="Then list what Apple Podcasts and the Podcast Index would refuse (exit 1).")
@click.pass_obj
def feed(ctx: Context, folder: Path | str | None, base_url: str | None, title: str | None,
         author: str | None, description: str | None, image: str | None, category: str | None,
         language: str | None, explicit: bool | None, email: str | None,
         check_feed: bool) -> None:
    """Write FOLDER/feed.xml and FOLDER/index.html for the episodes built in FOLDER."""
    from dataclasses import replace

    from .series.feed import write_feed

    settings = ctx.settings()
    # each value goes to the FeedSettings field of its name (Any: the fields' types differ)
    given: dict[str, Any] = {"base_url": base_url, "title": title, "author": author,
                             "description": description, "image": image, "category": category,
                             "language": language, "explicit": explicit, "email": email}
    feed_settings = replace(settings.feed, **{k: v for k, v in given.items() if v is not None})
    folder = folder or settings.output_dir
    if check_feed and is_url(folder):
        raise click.UsageError("--check reads a local folder: check the feed where it is "
                               "served, or run feed --check on a local copy")
    path = write_feed(folder, feed_settings)
    if not ctx.quiet:
        click.echo(f"wrote {path}")
    if check_feed:
        _check_feed(Path(folder))


def _check_feed(folder: Path) -> None:
    from .series.check import check_feed

    problems = check_feed(folder)
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"audioguide: error: {len(problems)} problem(s): Apple Podcasts or the "
                   "Podcast Index would refuse this feed", err=True)
        sys.exit(1)
    click.echo(f"feed check passed: {folder / 'feed.xml'} meets Apple Podcasts' and the "
               "Podcast Index's rules")


@cli.command()
@common_options
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="TCP port (0: any free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 lets phones on this network subscribe.")
@click.pass_obj
def serve(ctx: Context, folder: Path, port: int, host: str) -> None:
    """Serve FOLDER as a podcast host does (byte ranges, ETags) until Ctrl-C."""
    from .series.serve import make_server, startup
    from .series.serve import serve as serve_forever

    server = make_server(folder, host, port)
    try:  # Ctrl-C at any moment from here on ends it cleanly
        line, warning = startup(folder, server, host)
        click.echo(line)
        if warning:
            click.echo(f"audioguide: warning: {warning}", err=True)
        serve_forever(server)
    except KeyboardInterrupt:
        if not ctx.quiet:
            click.echo("audioguide: stopped", err=True)


@cli.command()
@common_options
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--base-url", help="Where the output folder is served (https://...).")
@click.option("--all", "every", is_flag=True,
              help="FOLDER is the output folder: print a JSON map of article URL -> snippet.")
@click.pass_obj
def embed(ctx: Context, folder: Path, base_url: str | None, every: bool) -> None:
    """Print the snippet (one script, one element) that puts FOLDER's read-along player into
    the article's own page; writes the player's script and stylesheet beside the episodes."""
    from .series.embed import embed_all, embed_episode

    base = base_url or ctx.settings().feed.base_url
    if every:
        snippets = {s.article: s.html for s in embed_all(folder, base)}
        click.echo(json.dumps(snippets, ensure_ascii=False, indent=1))
    else:
        click.echo(embed_episode(folder, base).html, nl=False)


@cli.command()
@common_options
@click.argument("episode", type=click.Path(path_type=Path))
@click.option("--model", default="tiny", show_default=True,
              help="faster-whisper model name or model folder.")
@click.option("--max-missed", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="Exit 1 when the share of missed words is above this.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def check(ctx: Context, episode: Path, model: str, max_missed: float, as_json: bool) -> None:
    """Listen to a built episode with a speech recognizer; name the words it misses."""
    from .check import check_episode

    report = check_episode(episode, model=model, max_missed=max_missed)
    click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1) if as_json
               else report.format_report())
    if not report.passed:
        sys.exit(1)


@cli.group()
@common_options
def cache() -> None:
    """The clip cache: info, prune, clear."""


def _cache(ctx: Context) -> tuple[ClipCache, Settings]:
    from .cache import ClipCache

    settings = ctx.settings()
    return ClipCache(settings.resolved_cache_dir()), settings


@cache.command("info")
@common_options
@click.pass_obj
def cache_info(ctx: Context) -> None:
    """Where the cache is, how many clips and how much space."""
    from .cache import mib

    store, settings = _cache(ctx)
    info = store.info()
    click.echo(f"{info.path}\n{info.entries} clips, {mib(info.bytes)} "
               f"(limit {mib(settings.cache_max_bytes)})")


@cache.command("prune")
@common_options
@click.option("--max-mib", type=click.IntRange(min=0),
              help="Keep at most this many MiB (default: the setting cache_max_mb, in MiB).")
@click.option("--max-mb", "max_mb", type=click.IntRange(min=0), hidden=True)  # the old name
@click.pass_obj
def cache_prune(ctx: Context, max_mib: int | None, max_mb: int | None) -> None:
    """Drop the least recently used clips above the size limit."""
    from .cache import MIB, mib

    store, settings = _cache(ctx)
    size = max_mib if max_mib is not None else max_mb
    removed, freed = store.prune(size * MIB if size is not None else settings.cache_max_bytes)
    click.echo(f"removed {removed} clips, {mib(freed)}")


@cache.command("clear")
@common_options
@click.pass_obj
def cache_clear(ctx: Context) -> None:
    """Remove every clip."""
    from .cache import mib

    store, _ = _cache(ctx)
    removed, freed = store.clear()
    click.echo(f"removed {removed} clips, {mib(freed)}")


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM (kill, timeout, systemd) cleans up like Ctrl-C


def main() -> None:
    signal.signal(signal.SIGTERM, _terminated)
    cli(prog_name="audioguide")


if __name__ == "__main__":
    main()
