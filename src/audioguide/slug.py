"""File names made from article text: slugs that can never leave the output folder."""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_BYTES = 80
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
            *(f"lpt{i}" for i in range(10))}


def slugify(text: str, fallback: str = "episode", max_bytes: int = MAX_BYTES) -> str:
    """ASCII letters, digits and single hyphens; never empty, never a reserved device name.

    Text that folds to nothing (emoji, Arabic, Chinese) gets `fallback` plus a short hash of the
    text, so that different titles still get different names."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    slug = slug[:max_bytes].rstrip("-")
    if not slug:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        slug = f"{fallback}-{digest}" if text.strip() else fallback
    if slug.split("-")[0] in RESERVED:  # "con" and "con-1" are both unsafe on Windows
        slug = f"{fallback}-{slug}"[:max_bytes].rstrip("-")
    return slug
