"""Everything the CLI prints leaves through `echo`, which shows control
characters as escapes: no model can retitle, clear or recolour a terminal.

Model text reaches the output in names, values, descriptions, paths and
messages of every kind; escaping it once, where it leaves, covers all of
them, whether the output is a terminal or a pipe (a pipe often ends in a
terminal: `codegen diff | less -R`, CI logs).
"""

from __future__ import annotations

import re

import click

# C0 controls but tab and line feed (ESC starts every terminal sequence, CR
# overwrites a line), DEL, C1 controls (U+009B is a one-character CSI), the
# Unicode line and paragraph separators, and the bidirectional formatting
# characters that reorder what a reader sees (Trojan Source).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every unsafe character written as `\\xNN` or `\\uNNNN`."""
    return UNSAFE.sub(_escape, text)


def json_safe(document: str) -> str:
    """A JSON document whose strings spell unsafe characters as `\\uNNNN`
    escapes: still the same JSON, and nothing left for `printable` to change."""
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    click.echo(printable(text), err=err, nl=nl)
