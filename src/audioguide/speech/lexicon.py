"""The user's pronunciation lexicon: load_lexicon reads the file; the rest applies it.

Entries match whole words, ignoring case. spoken_form (speech.spoken) swaps each word as written
for a placeholder the text steps leave alone (protect), runs the steps, applies the lexicon
again to words the steps made (apply_lexicon), then puts the saved spoken forms back (restore).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from ..errors import SettingsError

_PLACEHOLDER = 0xF0000  # Unicode private use: survives every step untouched
_PLACEHOLDERS = re.compile("[\U000f0000-\U000fffff]")


def _pattern(lexicon: Mapping[str, str]) -> re.Pattern | None:
    words = sorted((w for w in lexicon if w.strip()), key=len, reverse=True)
    if not words:
        return None
    return re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w.strip()) for w in words) + r")(?!\w)", re.IGNORECASE
    )


def _lookup(lexicon: Mapping[str, str]) -> dict[str, str]:
    return {key.strip().lower(): value for key, value in lexicon.items()}


def apply_lexicon(text: str, lexicon: Mapping[str, str]) -> str:
    """Whole-word, case-insensitive replacements: {"Venus": "VEE-nus"}."""
    pattern = _pattern(lexicon)
    if pattern is None:
        return text
    lookup = _lookup(lexicon)
    return pattern.sub(lambda m: lookup[m.group().lower()], text)


def protect(text: str, lexicon: Mapping[str, str] | None) -> tuple[str, list[str]]:
    """Lexicon words in text replaced by placeholders; returns (text, their spoken forms).

    With no lexicon entries, text comes back as it is. Otherwise any private-use characters
    already in the text are dropped first, so that restore() sees only its own placeholders.
    """
    if not lexicon:
        return text, []
    pattern = _pattern(lexicon)
    if pattern is None:
        return text, []
    lookup = _lookup(lexicon)
    saved: list[str] = []

    def save(match: re.Match) -> str:
        saved.append(lookup[match.group().lower()])
        return f" {chr(_PLACEHOLDER + len(saved) - 1)} "

    return pattern.sub(save, _PLACEHOLDERS.sub("", text)), saved


def restore(text: str, saved: list[str]) -> str:
    """The placeholders protect() left in text replaced by the spoken forms it saved."""
    if not saved:
        return text
    return _PLACEHOLDERS.sub(lambda m: saved[ord(m.group()) - _PLACEHOLDER], text)


def load_lexicon(path: Path) -> dict[str, str]:
    """Read a pronunciation lexicon: word -> what to say instead.

    Formats, by file name:

    - ``.json``: one object, {"word": "spoken form", ...}
    - ``.toml``: a table of strings, at the top level or under ``[lexicon]``
    - anything else: one entry a line, ``word = spoken form``; ``#`` starts a comment; blank
      lines are ignored. The word may hold spaces ("Dimples of Venus = ...").

    Words match whole words, ignoring case. Errors raise SettingsError naming file and line.
    """
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(
            f"{path}: cannot read the lexicon ({exc}); check --lexicon FILE"
        ) from exc
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _checked_table(_json_table(content, path), path)
    if suffix == ".toml":
        return _checked_table(_toml_table(content, path), path)
    return _lines_table(content, path)


def _json_table(content: str, path: Path) -> object:
    try:
        return json.loads(content)
    except json.JSONDecodeError as exc:
        raise SettingsError(
            f"{path}, line {exc.lineno}: not valid JSON ({exc.msg}); "
            'write one object: {"word": "spoken form"}'
        ) from exc


def _toml_table(content: str, path: Path) -> object:
    """The table of a .toml lexicon: the top level, or its [lexicon] table if it has one."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    try:
        table = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f'{path}: not valid TOML ({exc}); write word = "spoken form"') from exc
    if isinstance(table.get("lexicon"), dict):
        return table["lexicon"]
    return table


def _lines_table(content: str, path: Path) -> dict[str, str]:
    """A lexicon of `word = spoken form` lines, with # comments and blank lines."""
    lexicon: dict[str, str] = {}
    for number, line in enumerate(content.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        word, equals, spoken = line.partition("=")
        word, spoken = word.strip(), spoken.strip()
        if not equals or not word or not spoken:
            raise SettingsError(
                f"{path}, line {number}: expected `word = spoken form`, got {line[:60]!r}"
            )
        lexicon[word] = spoken
    return lexicon


def _checked_table(table: object, path: Path) -> dict[str, str]:
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: expected a table of word = spoken form")
    for word, spoken in table.items():
        if not isinstance(spoken, str) or not str(word).strip() or not spoken.strip():
            raise SettingsError(
                f"{path}: entry {word!r}: give a non-empty word and a spoken form as text"
            )
    return {str(word).strip(): spoken.strip() for word, spoken in table.items()}
