"""Text that is safe in XML and HTML, shared by the publishers."""

from __future__ import annotations

import re

# Characters XML 1.0 forbids (lxml refuses them) and lone surrogates.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Bidirectional overrides and isolates: they can make a title read differently than it is.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def clean_text(text: object) -> str:
    """Text as it may appear in XML or HTML: no control characters, no lone surrogates."""
    return _NOT_XML.sub("", str(text or ""))


def clean_title(text: object) -> str:
    """A title for tags and headings: clean text, without bidi controls, on one line."""
    return " ".join(_BIDI.sub("", clean_text(text)).split())
