"""Names a target must avoid, derived rather than kept by hand: read from the
target's own runtime sources and templates (so a new runtime class or a new
import in a template is avoided automatically) and from the language's
implicit scope, which scripts/derive_implicit_scope.py reads off the real
toolchain into a data file beside the target."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Callable, Iterable

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


CACHE_DIR: Path | None = None
"""Where `derived` keeps what it derived (the build sets OUT/.codegen/reserved
while it renders); None: derived every time (`codegen check`, tests)."""


def derived(name: str, fields: tuple[str, ...], sources: Iterable[Path],
            derive: Callable[[], dict[str, frozenset[str]]]) -> dict[str, frozenset[str]]:
    """`derive()`, a set of names by each of `fields`: the names a target reads off its own sources (the files
    and folders `sources`, which include the module deriving them), or what
    it gave the last time, for the same bytes of every one of them and this
    module, from CACHE_DIR. What is read back is checked: a damaged entry is
    derived again and written anew."""
    folder = CACHE_DIR
    if folder is None:
        return derive()
    digest = hashlib.blake2b(f"{sys.version}\0".encode(), digest_size=16)
    for source in (Path(__file__), *sources):
        paths = sorted(p for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if source.is_dir() else [source]
        for path in paths:
            digest.update(str(path).encode("utf-8", "surrogatepass") + b"\0" + path.read_bytes() + b"\0")
    key = digest.hexdigest()
    path = folder / f"{name}.json"
    try:
        stored = json.loads(path.read_bytes())
        if stored["key"] == key and sorted(stored["names"]) == sorted(fields):
            return {field: frozenset(_strings(names)) for field, names in stored["names"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass  # none yet, or damaged: derived and written anew
    found = derive()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{name}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps({"key": key, "names": {f: sorted(n) for f, n in found.items()}}),
                             encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass  # only slower next time
    return found


def _strings(names: object) -> list[str]:
    if type(names) is not list or not all(type(n) is str for n in names):
        raise TypeError("not a list of names")
    return names
