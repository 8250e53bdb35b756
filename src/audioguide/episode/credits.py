"""The credit of every voice an episode is read in, as its licence asks (issue 24).

`manifest.credit` names the engine and the episode's voice (engines/*.py `credit`). What this
module adds is the attribution a voice's licence asks for: a Piper voice trained on a dataset
(CC BY and the like: the voice, the dataset's URL, the licence with its link) and every voice
that reads a role (`--role-voice`). The bundled en_US-joe-medium is CC0 and names no dataset,
so an episode read by it alone says what it said before. Pure functions of the manifest:
the ID3 comment, the feed item, the page and the EPUB say the same words. Plain text (a model
card is text from the internet): escape it where it goes into markup.
"""

from __future__ import annotations

import re

from ..manifest import Manifest
from ..models import EngineName, VoiceCredit

# A licence's name as a model card may write it (lower case, spaces and dashes alike) -> link.
CC = "https://creativecommons.org/licenses"
LICENCE_LINKS = {
    "cc0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "cc0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "cc by 4.0": f"{CC}/by/4.0/", "cc by 3.0": f"{CC}/by/3.0/",
    "cc by sa 4.0": f"{CC}/by-sa/4.0/", "cc by sa 3.0": f"{CC}/by-sa/3.0/",
    "cc by nc 4.0": f"{CC}/by-nc/4.0/", "cc by nc sa 4.0": f"{CC}/by-nc-sa/4.0/",
    "cc by nc nd 4.0": f"{CC}/by-nc-nd/4.0/", "cc by nd 4.0": f"{CC}/by-nd/4.0/",
    "mit": "https://opensource.org/license/mit",
    "apache 2.0": "https://www.apache.org/licenses/LICENSE-2.0",
    "gpl 3.0 or later": "https://www.gnu.org/licenses/gpl-3.0.html",
}
# Dedications to the public domain: they ask no attribution.
PUBLIC_DOMAIN = {"cc0", "cc0 1.0", "public domain", "unlicense", "the unlicense"}
CC_URL = re.compile(r"^https?://creativecommons\.org/(licenses/([a-z-]+)|publicdomain/zero)"
                    r"/(\d\.\d)/?$", re.IGNORECASE)
ENGINE_NAMES = {"piper": "Piper", "espeak": "eSpeak NG", "gtts": "Google Translate"}
ROLE_WORDS = {"question": "questions", "quote": "quotes", "heading": "headings",
              "note": "notes", "aside": "asides"}


def _plain(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def licence_link(licence: str | None) -> tuple[str, str | None]:
    """(name, link) of a licence as a model card writes it: "CC BY 4.0" or its Creative
    Commons URL both give ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"); a
    name this module does not know keeps no link, another URL is its own link."""
    text = " ".join((licence or "").split())
    found = CC_URL.match(text)
    if found:
        kind, version = found.group(2), found.group(3)
        name = f"CC {kind.upper()} {version}" if kind else f"CC0 {version}"
        return name, text
    if text.startswith(("https://", "http://")):
        return text, text
    return text, LICENCE_LINKS.get(_plain(text))


def asks_attribution(credit: VoiceCredit) -> bool:
    """Whether the episode's voice needs a credit beyond the engine's: a Piper voice that
    names its dataset or a licence other than a public-domain dedication."""
    if credit.engine != EngineName.PIPER:
        return False  # espeak's and gtts's credit already says all there is
    name, _ = licence_link(credit.licence)
    return bool(credit.source) or _plain(name) not in PUBLIC_DOMAIN


def attribution(credit: VoiceCredit, role: str | None = None) -> str:
    """ "Voice: Piper fr_FR-siwis-medium, trained on the dataset at https://..., licence CC BY
    4.0 (https://creativecommons.org/licenses/by/4.0/)"; "Voice for questions: ..." for a
    role's voice. No closing full stop: the caller joins the credits."""
    who = f"Voice for {ROLE_WORDS.get(role, role)}" if role else "Voice"
    engine = ENGINE_NAMES.get(credit.engine, credit.engine)
    parts = [f"{who}: {' '.join(f'{engine} {credit.key}'.split())}"]
    if credit.source:
        lead = "trained on the dataset at" if credit.engine == EngineName.PIPER else "from"
        parts.append(f"{lead} {credit.source}")
    name, link = licence_link(credit.licence)
    if name:
        parts.append(f"licence {name}" + (f" ({link})" if link and link != name else ""))
    elif credit.engine == EngineName.PIPER:
        parts.append("licence: see the voice's model card")
    return ", ".join(parts)


def voice_credits(manifest: Manifest) -> list[str]:
    """The attributions the episode owes beyond `manifest.credit`: its voice's when its
    licence asks (asks_attribution), then each role's voice."""
    lines = []
    if manifest.voice_credit is not None and asks_attribution(manifest.voice_credit):
        lines.append(attribution(manifest.voice_credit))
    for role, credit in sorted(manifest.role_voices.items()):
        lines.append(attribution(credit, role))
    return lines


def credit_text(manifest: Manifest) -> str:
    """`manifest.credit`, then the voices' attributions, joined by full stops (no closing
    one); `manifest.credit` as it is when the episode owes none."""
    return ". ".join(part for part in [manifest.credit.rstrip(". "), *voice_credits(manifest)]
                     if part) if voice_credits(manifest) else manifest.credit


def role_sentence(manifest: Manifest) -> str:
    """ "Read in a second voice: questions in eSpeak NG en-us." for the roles read in another
    voice than the episode's (the EPUB's accessibility summary); "" when none is."""
    said = [f"{ROLE_WORDS.get(role, role)} in {ENGINE_NAMES.get(c.engine, c.engine)} {c.key}"
            for role, c in sorted(manifest.role_voices.items())]
    if not said:
        return ""
    text = "; ".join(said)
    return f"Read in a second voice: {text}."
