"""Names a target must avoid, derived rather than kept by hand: read from the
target's own runtime sources and templates (so a new runtime class or a new
import in a template is avoided automatically) and from the language's
implicit scope, which scripts/derive_implicit_scope.py reads off the real
toolchain into a data file beside the target."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def read_names(path: Path) -> frozenset[str]:
    """One name per line; lines starting with '#' are comments."""
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


def source_texts(folder: Path, suffixes: tuple[str, ...], recursive: bool = True) -> list[str]:
    """The text of every file ending in one of `suffixes` in `folder` (and
    below, when `recursive`); templates with their Jinja tags removed, so
    only the target language's own text remains."""
    texts = []
    for base in (folder,):
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*") if recursive else base.glob("*")):
            if path.is_file() and path.name.endswith(suffixes) and "__pycache__" not in path.parts:  # names or suffixes
                text = path.read_text(encoding="utf-8")
                texts.append(_JINJA.sub(" ", text) if path.suffix == ".j2" else text)
    return texts


def matches(texts: Iterable[str], *patterns: re.Pattern[str]) -> frozenset[str]:
    """Every name the patterns capture (group 1, or every word of group 1
    when it holds a list such as an import's `{ a, type B as C }`)."""
    found: set[str] = set()
    for text in texts:
        for pattern in patterns:
            for match in pattern.finditer(text):
                found.update(_names_in(match.group(1)))
    return frozenset(found)


_IMPORT_ITEM = re.compile(r"(?:\btype\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?")


def _names_in(group: str) -> list[str]:
    if "," not in group and " as " not in group and not group.strip().startswith("type "):
        return [group.strip()] if group.strip() else []
    names = []
    for item in group.split(","):
        match = _IMPORT_ITEM.search(item)
        if match:
            names.append(match.group(2) or match.group(1))
    return names
