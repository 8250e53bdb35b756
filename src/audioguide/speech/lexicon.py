"""The user's pronunciation lexicon: load_lexicon reads the file; the rest applies it.

Entries match whole words, ignoring case, and also their plurals and possessives ("Joaquin"
matches "Joaquins", "Joaquin's", "Joaquins'"; the ending is said after the entry's spoken
form); an entry of a .pls file with role="exact" matches only as written. spoken_form
(speech.spoken) swaps each word as written for a placeholder the text steps leave alone
(protect), runs the steps, applies the lexicon again to words the steps made (apply_lexicon),
then puts the saved spoken forms back (restore).

A .pls file (W3C Pronunciation Lexicon Specification 1.0) may give an <alias> (said instead)
or a <phoneme> in IPA: that becomes a [[...]] block of the spoken text, one block a word,
which piper reads as its own phonemes and espeak through its phoneme names (engines.ipa).
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SettingsError

if TYPE_CHECKING:
    from lxml import etree

_PLACEHOLDER = 0xF0000  # Unicode private use: survives every step untouched
_PLACEHOLDERS = re.compile("[\U000f0000-\U000fffff]")
# Plural and possessive endings an entry also matches; "es" only after s, x, z, ch, sh.
_ENDINGS = r"(?P<ending>'s|\u2019s|s'|s\u2019|es|s)?"
_SIBILANT_END = re.compile(r"(?:s|x|z|ch|sh)$", re.IGNORECASE)
_BLOCK_END = re.compile(r"\[\[([^\]]*)\]\]$")
PLS_NAMESPACE = "http://www.w3.org/2005/01/pronunciation-lexicon"


class Lexicon(dict[str, str]):
    """word -> spoken form, and what a plain table cannot say: which words match only as
    written (`exact`), which spoken forms are IPA (`phonemes`: word -> IPA, for the voices to
    check), and the file it came from (`source`)."""

    def __init__(self, entries: Iterable[tuple[str, str]] | Mapping[str, str] = (), *,
                 exact: Iterable[str] = (), phonemes: Mapping[str, str] | None = None,
                 source: Path | None = None):
        super().__init__(entries)
        self.exact = frozenset(exact)
        self.phonemes = dict(phonemes or {})
        self.source = source


class _Matcher:
    """One regular expression for every entry, and the spoken form of each match."""

    def __init__(self, lexicon: Mapping[str, str]):
        exact: frozenset[str] = getattr(lexicon, "exact", frozenset())
        words = sorted((w for w in lexicon if w.strip()), key=len, reverse=True)
        loose = [w for w in words if w not in exact]
        strict = [w for w in words if w in exact]
        self.lookup = {key.strip().lower(): value for key, value in lexicon.items()
                       if key not in exact}
        self.exact = {key.strip(): value for key, value in lexicon.items() if key in exact}
        parts = []
        if strict:
            parts.append(r"(?-i:(?P<exact>" + "|".join(re.escape(w.strip()) for w in strict)
                         + "))")
        if loose:
            parts.append("(?P<word>" + "|".join(re.escape(w.strip()) for w in loose) + ")"
                         + _ENDINGS)
        self.pattern = (re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)
                        if parts else None)

    def spoken(self, match: re.Match) -> str | None:
        """The spoken form of a match (None: leave it, "uses" is not "US" + "es")."""
        if "exact" in match.re.groupindex and match.group("exact") is not None:
            return self.exact[match.group("exact")]
        word, ending = match.group("word"), match.group("ending") or ""
        if ending == "es" and (len(word) < 3 or not _SIBILANT_END.search(word)):
            return None
        return with_ending(self.lookup[word.lower()], ending)


def with_ending(spoken: str, ending: str) -> str:
    """A spoken form with a plural or possessive ending: "Joe Ah keen" + "'s", and for IPA
    the sound of the ending inside the last block ("[[wɑːˈkiːn]]" + "s" -> "[[wɑːˈkiːnz]]")."""
    if not ending:
        return spoken
    block = _BLOCK_END.search(spoken)
    if block is None:
        return spoken + ending
    return spoken[:block.start(1)] + block.group(1) + ipa_ending(block.group(1)) + "]]"


def ipa_ending(ipa: str) -> str:
    """The English -s ending after `ipa`: "ɪz" after s z ʃ ʒ (tʃ dʒ), "s" after other
    voiceless consonants, "z" otherwise."""
    sounds = [c for c in unicodedata.normalize("NFD", ipa) if c not in "ˈˌːˑ" and c.isalpha()]
    last = sounds[-1] if sounds else ""
    if last in "szʃʒ":
        return "ɪz"
    return "s" if last in "ptkfθ" else "z"


def apply_lexicon(text: str, lexicon: Mapping[str, str]) -> str:
    """Whole-word, case-insensitive replacements: {"Venus": "VEE-nus"}."""
    if not lexicon:
        return text
    matcher = _Matcher(lexicon)
    if matcher.pattern is None:
        return text

    def replace(match: re.Match) -> str:
        spoken = matcher.spoken(match)
        return match.group() if spoken is None else spoken

    return matcher.pattern.sub(replace, text)


def protect(text: str, lexicon: Mapping[str, str] | None) -> tuple[str, list[str]]:
    """Lexicon words in text replaced by placeholders; returns (text, their spoken forms).

    With no lexicon entries, text comes back as it is. Otherwise any private-use characters
    already in the text are dropped first, so that restore() sees only its own placeholders.
    """
    if not lexicon:
        return text, []
    matcher = _Matcher(lexicon)
    if matcher.pattern is None:
        return text, []
    saved: list[str] = []

    def save(match: re.Match) -> str:
        spoken = matcher.spoken(match)
        if spoken is None:
            return match.group()
        saved.append(spoken)
        return f" {chr(_PLACEHOLDER + len(saved) - 1)} "

    return matcher.pattern.sub(save, _PLACEHOLDERS.sub("", text)), saved


def restore(text: str, saved: list[str]) -> str:
    """The placeholders protect() left in text replaced by the spoken forms it saved."""
    if not saved:
        return text
    return _PLACEHOLDERS.sub(lambda m: saved[ord(m.group()) - _PLACEHOLDER], text)


def no_phoneme_marks(text: str) -> str:
    """An article's own "[[" and "]]" as single brackets: only the lexicon gives phonemes."""
    return re.sub(r"\]{2,}", "]", re.sub(r"\[{2,}", "[", text))


def load_lexicon(path: Path) -> Lexicon:
    """Read a pronunciation lexicon: word -> what to say instead.

    Formats, by file name:

    - ``.pls``: W3C Pronunciation Lexicon Specification 1.0 (see load_pls): <alias> and
      <phoneme alphabet="ipa"> entries; role="exact" for an entry that matches only as written
    - ``.json``: one object, {"word": "spoken form", ...}
    - ``.toml``: a table of strings, at the top level or under ``[lexicon]``
    - anything else: one entry a line, ``word = spoken form``; ``#`` starts a comment; blank
      lines are ignored. The word may hold spaces ("Dimples of Venus = ..."). A line
      ``word == spoken form`` matches only as written (case, no plurals or possessives).

    Words match whole words, ignoring case, and their plurals and possessives. Errors raise
    SettingsError naming file and line.
    """
    path = Path(path)
    try:
        if path.suffix.lower() == ".pls":
            return load_pls(path.read_bytes(), path)
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(
            f"{path}: cannot read the lexicon ({exc}); check --lexicon FILE"
        ) from exc
    suffix = path.suffix.lower()
    if suffix == ".json":
        table = _checked_table(_json_table(content, path), path)
    elif suffix == ".toml":
        table = _checked_table(_toml_table(content, path), path)
    else:
        exact: set[str] = set()
        table = _lines_table(content, path, exact)
        return Lexicon(table, exact=exact, source=path)
    return Lexicon(table, source=path)


def load_pls(data: bytes, path: Path) -> Lexicon:
    """A PLS 1.0 document -> Lexicon. Each <lexeme> gives its <grapheme>s one pronunciation:
    the one marked prefer="true", else its first <alias> or <phoneme>. A phoneme's alphabet (on
    it or on <lexicon>) must be "ipa"; its IPA becomes [[...]] blocks, one a word. An entry
    whose role lists "exact" matches only as written. The first entry for a word wins.

    The XML is read without a DTD, entities or the network; errors name the file and line."""
    root = _pls_root(data, path)
    default_alphabet = root.get("alphabet", "")
    english = root.get("{http://www.w3.org/XML/1998/namespace}lang", "en").lower()[:2] == "en"
    entries: dict[str, str] = {}
    exact: set[str] = set()
    phonemes: dict[str, str] = {}
    seen: set[str] = set()
    for lexeme in root:
        if _local(lexeme) != "lexeme":
            continue
        where = f"{path}, line {lexeme.sourceline}"
        graphemes = [" ".join((g.text or "").split()) for g in lexeme if _local(g) == "grapheme"]
        graphemes = [g for g in graphemes if g]
        if not graphemes:
            raise SettingsError(f"{where}: a <lexeme> without a <grapheme>; give the word")
        spoken, ipa = _pronunciation(lexeme, default_alphabet, english, where, graphemes[0])
        roles = {role.rpartition(":")[2] for role in lexeme.get("role", "").split()}
        for grapheme in graphemes:
            key = grapheme if "exact" in roles else grapheme.lower()
            if key in seen:
                continue
            seen.add(key)
            entries[grapheme] = spoken
            if "exact" in roles:
                exact.add(grapheme)
            if ipa:
                phonemes[grapheme] = ipa
    return Lexicon(entries, exact=exact, phonemes=phonemes, source=path)


def _pls_root(data: bytes, path: Path) -> etree._Element:
    """The <lexicon> element of a PLS document; SettingsError for anything else."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             remove_comments=True, remove_pis=True)
    try:
        tree = etree.fromstring(data, parser).getroottree()
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 1
        raise SettingsError(
            f"{path}, line {line}: not well-formed XML ({exc.msg}); see the W3C PLS 1.0 format"
        ) from None
    # (lxml-stubs' DocInfo lacks doctype, which lxml has had since 2.0)
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # type: ignore[union-attr]
        raise SettingsError(f"{path}: a PLS lexicon may not have a <!DOCTYPE>; remove it")
    root = tree.getroot()
    if _local(root) != "lexicon" or etree.QName(root).namespace not in (None, PLS_NAMESPACE):
        raise SettingsError(
            f"{path}: the root element is not a PLS <lexicon> (namespace {PLS_NAMESPACE})"
        )
    return root


def _local(element: etree._Element) -> str:
    """An element's name without its namespace ("" for comments and the like)."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _pronunciation(lexeme: etree._Element, default_alphabet: str, english: bool, where: str,
                   word: str) -> tuple[str, str]:
    """(spoken form, IPA or "") of a <lexeme>: its preferred <alias> or <phoneme>."""
    choices = [e for e in lexeme if _local(e) in ("alias", "phoneme")]
    if not choices:
        raise SettingsError(f"{where}: entry {word!r} has no <alias> or <phoneme>; give one")
    chosen = next((e for e in choices if e.get("prefer") == "true"), choices[0])
    # (lxml gives str; lxml-stubs says str or bytes)
    text = " ".join("".join(t for t in chosen.itertext() if isinstance(t, str)).split())
    if not text:
        raise SettingsError(f"{where}: entry {word!r} has an empty <{_local(chosen)}>")
    if _local(chosen) == "alias":
        return no_phoneme_marks(text), ""
    alphabet = chosen.get("alphabet", default_alphabet).lower()
    if alphabet != "ipa":
        raise SettingsError(
            f"{where}: entry {word!r}: phoneme alphabet {alphabet or '(none)'!r} is not"
            ' supported; write it in IPA (alphabet="ipa") or as an <alias>'
        )
    ipa = clean_ipa(text, english)
    if "[" in ipa or "]" in ipa:
        raise SettingsError(f"{where}: entry {word!r}: brackets are not IPA; remove them")
    return " ".join(f"[[{part}]]" for part in ipa.split()), ipa


def clean_ipa(ipa: str, english: bool = True) -> str:
    """IPA as the voices read it: decomposed (NFD), no tie bars or slashes, "g" as "ɡ", ":" as
    "ː", and in English "r" as "ɹ" (dictionaries write /r/ for the English r)."""
    ipa = unicodedata.normalize("NFD", ipa.strip().strip("/"))
    ipa = ipa.replace("\u0361", "").replace("\u035c", "").replace("g", "ɡ").replace(":", "ː")
    return ipa.replace("r", "ɹ") if english else ipa


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


def _lines_table(content: str, path: Path, exact: set[str] | None = None) -> dict[str, str]:
    """A lexicon of `word = spoken form` lines, with # comments and blank lines; a line
    `word == spoken form` matches only as written (added to `exact`)."""
    lexicon: dict[str, str] = {}
    for number, line in enumerate(content.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        strict = "==" in line
        word, equals, spoken = line.partition("==" if strict else "=")
        word, spoken = word.strip(), spoken.strip()
        if strict and exact is not None and word:
            exact.add(word)
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
