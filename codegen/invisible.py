"""Characters that model text may carry but no source file should show as
they are: the invisible format characters (Unicode category Cf), among them
the bidirectional controls U+202A-U+202E and U+2066-U+2069 that can make
code display differently from how it compiles ("Trojan Source"). Every
target escapes them in string literals and comments.

Scanning all of Unicode takes a fifth of a second, too long for every start
of the CLI, so the list is derived once into format_characters.txt beside
this module (`python -m codegen.invisible` writes it; a test derives it
again from `unicodedata` and compares)."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

DATA = Path(__file__).with_name("format_characters.txt")


def derive() -> list[int]:
    """Every code point of category Cf, from this Python's Unicode database."""
    return [c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]


def render(codes: list[int]) -> str:
    head = (f"# Unicode {unicodedata.unidata_version} format characters (category Cf), one range a line; "
            "written by python -m codegen.invisible\n")
    return head + "".join(f"{low:x}-{high:x}\n" for low, high in _runs(codes))


def _runs(codes: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return runs


def _read() -> list[tuple[int, int]]:
    runs = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            low, _, high = line.partition("-")
            runs.append((int(low, 16), int(high, 16)))
    return runs


_RUNS = _read()
FORMAT_CODES = [code for low, high in _RUNS for code in range(low, high + 1)]
# A regular-expression character class body matching every format character.
FORMAT_CLASS = "".join(re.escape(chr(low)) + ("" if low == high else "-" + re.escape(chr(high))) for low, high in _RUNS)
FORMAT = re.compile(f"[{FORMAT_CLASS}]")

if __name__ == "__main__":
    DATA.write_text(render(derive()), encoding="utf-8")
