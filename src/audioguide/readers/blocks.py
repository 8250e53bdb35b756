"""Blocks that every reader builds the same way: code blocks and tables.

A code block is shown in the transcript, not spelled out: the listener hears a short note
naming its language (`code_note`); so does a formula (MATH_NOTE, or `inline_math_said` inside
a sentence). A table is shown as "Name | Age" lines and read row by row,
each value with its column name (`table_blocks`).
"""

from __future__ import annotations

import re

from ..models import TABLE, Block
from .assemble import squash

LANGUAGE_NAMES = {
    "py": "Python", "python": "Python", "js": "JavaScript", "javascript": "JavaScript",
    "ts": "TypeScript", "typescript": "TypeScript", "sh": "shell", "bash": "shell",
    "shell": "shell", "console": "shell", "zsh": "shell", "powershell": "PowerShell",
    "c": "C", "cpp": "C++", "c++": "C++", "cs": "C#", "csharp": "C#", "java": "Java",
    "go": "Go", "rust": "Rust", "rs": "Rust", "rb": "Ruby", "ruby": "Ruby", "php": "PHP",
    "html": "HTML", "css": "CSS", "json": "JSON", "yaml": "YAML", "yml": "YAML",
    "toml": "TOML", "sql": "SQL", "xml": "XML", "kotlin": "Kotlin", "swift": "Swift",
    "r": "R", "ini": "INI", "dockerfile": "Dockerfile", "makefile": "Makefile",
}


MATH_NOTE = "A formula, shown in the transcript."
# A formula inside a sentence is said as this (the transcript shows its TeX): "Speed is d/t,
# as shown" would be read "d slash t", which no one says. A lone letter or number ("x", "n",
# "42") stays as written. Money ("$5 and $10") never becomes a formula (see markdown.py).
INLINE_MATH_NOTE = "a formula shown in the transcript"


def inline_math_said(tex: str) -> str:
    """What to say for a formula inside a sentence: itself if it is a lone symbol or number
    ("x", "n_1" is not), else INLINE_MATH_NOTE. Pure."""
    tex = squash(tex)
    return tex if re.fullmatch(r"[A-Za-z]|\d{1,6}|[α-ωΑ-Ω]", tex) else INLINE_MATH_NOTE


def code_note(language: str) -> str:
    """What to say for a code block: a short note, the code itself stays in the transcript."""
    words = (language or "").split()
    name = LANGUAGE_NAMES.get(words[0].lower().lstrip("{.") if words else "", "")
    if name:
        return f"A code example in {name}, shown in the transcript."
    return "A code example, shown in the transcript."


_CODE_NOTE = re.compile(r"A code example in (.+), shown in the transcript\.")
_NAME_TO_LANGUAGE = {name: key for key, name in reversed(LANGUAGE_NAMES.items())}


def code_language(note: str) -> str:
    """The language key a code_note names ("python" for "A code example in Python, ..."),
    "" when it names none."""
    named = _CODE_NOTE.fullmatch(note)
    return _NAME_TO_LANGUAGE.get(named.group(1), "") if named else ""


def row_said(header: list[str], row: list[str]) -> str:
    """A table's body row as it is said: "Name, Alice; Age, 30" (cells past the header's last
    column are not read); without a header, its values."""
    if header:
        cells = [f"{name}, {value}" if name else value
                 for name, value in zip(header, row, strict=False) if value]
    else:
        cells = [value for value in row if value]
    return "; ".join(cells)


def table_blocks(rows: list[list[str]], has_header: bool = True) -> Block:
    """A table: plain text for the transcript, read row by row for the listener."""
    rows = [[squash(cell) for cell in row] for row in rows if any(squash(c) for c in row)]
    text = "\n".join(" | ".join(row) for row in rows)
    header = rows[0] if has_header and len(rows) > 1 else []
    body = rows[1:] if header else rows
    spoken_rows = []
    for number, row in enumerate(body, 1):
        said = row_said(header, row)  # copied rows may be ragged
        if said:
            row_text = f"Row {number}: " + said
            spoken_rows.append(row_text if row_text.endswith((".", "!", "?")) else row_text + ".")
    intro = f"A table with {len(body)} row{'s' if len(body) != 1 else ''}"
    if header:
        intro += ": " + ", ".join(name for name in header if name)
    spoken = " ".join([intro + "."] + spoken_rows)
    return Block(TABLE, text, spoken=spoken)
