"""Characters that model text may carry but no source file should show as
they are: the invisible format characters (Unicode category Cf), among them
the bidirectional controls U+202A-U+202E and U+2066-U+2069 that can make
code display differently from how it compiles ("Trojan Source"). Every
target escapes them in string literals and comments."""

from __future__ import annotations

import re
import sys
import unicodedata


def _ranges(codes: list[int]) -> str:
    out, start = [], None
    for i, code in enumerate(codes):
        if start is None:
            start = code
        if i + 1 == len(codes) or codes[i + 1] != code + 1:
            out.append(re.escape(chr(start)) + ("" if start == code else "-" + re.escape(chr(code))))
            start = None
    return "".join(out)


# The planes that hold format characters: the basic and supplementary
# multilingual planes and the special-purpose one (tags). The other planes
# hold ideographs or private use only; scanning them cost a second at every
# start (a test checks that a scan of all of them finds nothing more).
FORMAT_PLANES = (0, 1, 14)


def format_codes(planes: tuple[int, ...] = FORMAT_PLANES) -> list[int]:
    return [c for plane in planes for c in range(plane << 16, (plane + 1) << 16)
            if c <= sys.maxunicode and unicodedata.category(chr(c)) == "Cf"]


FORMAT_CODES = format_codes()
# A regular-expression character class body matching every format character.
FORMAT_CLASS = _ranges(FORMAT_CODES)
FORMAT = re.compile(f"[{FORMAT_CLASS}]")
