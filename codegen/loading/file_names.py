"""Names that become file and folder names in the generated SDKs.

File systems allow 255 bytes per path component. Each target derives file
names from model names with a few bytes added: `src/events/<name>.ts`,
`events/<name>.py`, `<Type>.kt` and `<Type>Test.kt`, `<Type>.swift` and
`<Type>EventTests.swift`, with a kind suffix or `_` where a name is taken;
then the toolchains add their own (`<Type>EventTests~partial.swiftmodule`,
`<Type>$WhenMappings.class`, `<name>.d.ts.map`, `<name>.cpython-311.pyc`).
The atomic writer's temporary files have short names of their own
(`codegen.output`). A name of at most NAME_LIMIT bytes leaves more than 100
bytes for all of that.
"""

from __future__ import annotations

from codegen.diagnostics import Collector
from codegen.ir import Location

NAME_LIMIT = 128
_SHOWN = 40


def too_long(text: str, loc: Location, what: str, errors: Collector, becomes: str = "a file name") -> bool:
    """Report `text` if it is longer than NAME_LIMIT bytes (UTF-8)."""
    size = len(text.encode("utf-8"))
    if size <= NAME_LIMIT:
        return False
    shown = text if len(text) <= _SHOWN else text[:_SHOWN] + "..."
    errors.error(loc, f"{what} '{shown}' is {size} bytes long, more than {NAME_LIMIT}",
                 f"shorten it: it becomes {becomes} in the generated SDKs, and file systems allow "
                 f"255 bytes per name, suffixes included")
    return True
