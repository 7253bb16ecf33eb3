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

from codegen.invisible import FORMAT_CLASS

# C0 controls but tab and line feed (ESC starts every terminal sequence, CR
# overwrites a line), DEL, C1 controls (U+009B is a one-character CSI), the
# Unicode line and paragraph separators, and the invisible format characters,
# bidirectional controls among them, that reorder what a reader sees (Trojan Source).
UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{FORMAT_CLASS}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def printable(text: str) -> str:
    """`text` with every unsafe character written as `\\xNN` or `\\uNNNN`."""
    return UNSAFE.sub(_escape, text)


def json_safe(document: str) -> str:
    """A JSON document whose strings spell unsafe characters as `\\uNNNN`
    escapes: still the same JSON, and nothing left for `printable` to change."""
    return UNSAFE.sub(_json_escape, document)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON spells a character beyond the BMP as a surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    click.echo(printable(text), err=err, nl=nl)
