"""Located, collected model errors: every problem is reported at once."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable

from codegen.ir import Location


@dataclass(frozen=True, order=True)
class Diagnostic:
    loc: Location
    message: str
    hint: str = ""

    def format(self) -> str:
        # Line 0 marks a problem of a whole file or folder: no position to show.
        where = str(self.loc) if self.loc.line > 0 else self.loc.file
        text = f"{where}: error: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ModelErrors(Exception):
    """Raised with every diagnostic found in a model, sorted by location."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(sorted(set(diagnostics)))
        super().__init__(self.format())

    def format(self) -> str:
        lines = [d.format() for d in self.diagnostics]
        count = len(self.diagnostics)
        lines.append(f"{count} error{'s' if count != 1 else ''} in the model")
        return "\n".join(lines)


class Collector:
    """Gathers diagnostics while loading goes on past the first problem."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        # Files that gave no document (empty or unparsable): what they would
        # have defined is unknown, so "missing section" errors are not made.
        self.failed_files: set[str] = set()

    def error(self, loc: Location, message: str, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(loc, message, hint))

    def raise_if_any(self) -> None:
        if self.diagnostics:
            raise ModelErrors(self.diagnostics)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A 'did you mean' hint for a close candidate, or ''."""
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


class CommandFailed(Exception):
    """A command cannot do its job for a reason the user can fix (shown as
    `error: <message>`, exit code 1)."""
