"""README's usage summary against the command line: every command and option is in it."""

from __future__ import annotations

import re
from pathlib import Path

import click

from audioguide.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"
COMMON = {"--quiet", "--debug", "--config", "--help", "--version"}


def usage_block() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("## Use", 1)[1].split("```", 2)[1]


def commands(group: click.Group = cli, prefix: str = "audioguide") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        found[path] = command
        if isinstance(command, click.Group):
            found.update(commands(command, path))
    return found


def options(command: click.Command) -> dict[str, list[str]]:
    """long option -> its names (a short one may stand for it), the common ones left out."""
    return {next(o for o in param.opts if o.startswith("--")): param.opts
            for param in command.params if isinstance(param, click.Option) and not param.hidden
            and not COMMON & set(param.opts)}


def groups(block: str) -> list[str]:
    """The summary's entries: a line starting "audioguide ..." and the lines under it."""
    entries: list[str] = []
    for line in block.splitlines():
        if line.startswith("audioguide "):
            entries.append(line)
        elif entries:
            entries[-1] += "\n" + line
    return entries


def mentions(text: str, word: str) -> bool:
    """`word` stands alone in `text` (between spaces, brackets or bars)."""
    return re.search(rf"(?:^|[\s|\[]){re.escape(word)}(?:$|[\s|\]])", text) is not None


def test_every_command_and_option_is_in_the_usage_summary():
    entries, everything = groups(usage_block()), commands()
    missing = []
    for path, command in everything.items():
        words = path.split()
        text = " ".join(e for e in entries if e.split()[:2] == words[:2])
        if not text or len(words) > 2 and not mentions(text, words[2]):
            missing.append(path)
            continue
        wanted = options(command)
        if "[every build option above]" in text:
            build = options(everything["audioguide build"])
            wanted = {k: v for k, v in wanted.items() if k not in build}
        missing += [f"{path} {name}" for name, names in sorted(wanted.items())
                    if not any(mentions(text, n) or mentions(text, f"{n} ") for n in names)]
    assert not missing, missing
