"""The errors the library raises. Only cli.py turns them into messages and exit codes."""


class AudioguideError(Exception):
    """Base class: the message is one line that names the input and says what to do."""

    exit_code = 1


class SourceError(AudioguideError):
    """A source cannot be read: missing, unreachable, binary, empty, too large."""


class EngineError(AudioguideError):
    """An engine is missing, refused a language, or failed to synthesize."""


class EngineUnavailable(EngineError):
    """The engine cannot run here (not installed, endpoint unreachable)."""


class RateLimited(EngineError):
    """The online engine kept refusing (429/5xx) after the last retry."""


class OutputError(AudioguideError):
    """An output cannot be written (not a folder, read-only, disk full)."""


class FFmpegError(AudioguideError):
    """ffmpeg is missing or failed; the message carries its last stderr line."""


class SettingsError(AudioguideError):
    """audioguide.toml or an option value is invalid."""

    exit_code = 2
