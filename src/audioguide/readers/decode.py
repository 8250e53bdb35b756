"""Bytes -> clean text: encodings detected, binary refused, invisible and unsafe characters
removed."""

from __future__ import annotations

import codecs
import re
import unicodedata

from ..errors import SourceError

# Leading bytes of common binary formats that people give by mistake (often renamed .txt).
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"RIFF", "a RIFF (WAV/WebP) file"),
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.epub)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
    (b"ID3", "an MP3 file"),
    (b"OggS", "an Ogg file"),
    (b"fLaC", "a FLAC file"),
    (b"\x00\x00\x00\x18ftyp", "an MP4 file"),
    (b"\x00\x00\x00\x20ftyp", "an MP4 file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"SQLite format 3\x00", "a SQLite database"),
)

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

SNIFF_BYTES = 200_000  # charset detection looks at this much; the whole input is then decoded

# Terminal escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other ESC x.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
# C0 controls except tab and newline, DEL, C1 controls.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Bidi embeddings/overrides/isolates and marks, zero-width characters, BOMs, soft hyphen,
# lone surrogates, replacement characters and noncharacters.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\ufffd\ufffe\uffff\ud800-\udfff]"
)
_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def clean_text(text: str) -> str:
    """Text safe to show and speak: one kind of line break, no controls, escapes or invisibles."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    return unicodedata.normalize("NFC", text)


def binary_kind(data: bytes) -> str | None:
    """What binary format `data` starts like ("a PNG image"), or None."""
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    return None


def _looks_utf16(sample: bytes) -> str | None:
    """A BOM-less UTF-16 text has NULs at every other byte (for mostly Latin text)."""
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _utf8_with_errors(data: bytes) -> bool:
    """Invalid UTF-8 that is still mostly UTF-8: it holds valid multi-byte sequences."""
    valid = len(re.findall(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|"
                           rb"[\xf0-\xf4][\x80-\xbf]{3}", data[:SNIFF_BYTES]))
    if not valid:
        return False
    bad = len(re.findall("\ufffd+", data[:SNIFF_BYTES].decode("utf-8", "replace")))
    return bad <= valid


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    results = from_bytes(data[:SNIFF_BYTES])
    best = results.best()
    if best is None:
        return "cp1252"
    # Short texts fit several code pages equally well: prefer the most common one.
    ties = {m.encoding for m in results
            if m.chaos <= best.chaos + 0.01 and m.coherence >= best.coherence - 0.01}
    if ties & {"cp1252", "latin_1", "iso8859_15", "iso8859_1"}:
        return "cp1252"
    if best.encoding.startswith(("cp4", "cp7", "cp8", "mac_")):
        # DOS and old Mac code pages are rare today; Windows-1252 text is common.
        try:
            data[:SNIFF_BYTES].decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return best.encoding


def decode_bytes(data: bytes, source: str) -> str:
    """Decode an article's bytes to clean text, or raise SourceError naming `source`.

    UTF-8 (with or without BOM), UTF-16/32 with a BOM or BOM-less UTF-16, and single-byte
    encodings such as Windows-1252 and Latin-1 (detected by charset-normalizer). Binary input is
    refused; NUL bytes, control characters, terminal escapes, bidi controls and zero-width
    characters are removed; the result never holds a lone surrogate.
    """
    name = source or "input"
    if not data.strip():
        raise SourceError(f"{name} is empty: give a file with some text")
    kind = binary_kind(data)
    if kind:
        raise SourceError(f"{name} looks like {kind}, not text: give a .txt, .md or .html file")
    encoding = None
    for bom, bom_encoding in BOMS:
        if data.startswith(bom):
            encoding = bom_encoding
            data = data[len(bom):]
            break
    if encoding is None:
        encoding = _looks_utf16(data[:4096])
    if encoding is None:
        sample = data[:SNIFF_BYTES]
        if sample.count(0) > max(8, len(sample) // 100):
            raise SourceError(f"{name} looks like a binary file, not text: "
                              "give a .txt, .md or .html file")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "utf-8" if _utf8_with_errors(data) else _detect(data)
        else:
            return checked_text(text, name)
    try:
        text = data.decode(encoding, "replace")
    except LookupError:
        text = data.decode("cp1252", "replace")
    return checked_text(text, name)


def checked_text(text: str, name: str) -> str:
    """Decoded text, refused if it is full of control characters (binary), else cleaned."""
    sample = text[:SNIFF_BYTES]
    if sample:
        controls = len(_CONTROLS.findall(sample)) - sample.count("\x1b")
        if controls > max(16, len(sample) // 20):
            raise SourceError(f"{name} looks like a binary file, not text: "
                              "give a .txt, .md or .html file")
    text = clean_text(text)
    if not text.strip():
        raise SourceError(f"{name} has no readable text: give a file with some text")
    return text
