"""Writing generated trees: only files we own, atomically, deterministically.

A file is ours when it carries GENERATED_MARKER near its start. A build
overwrites or deletes only such files, refuses to overwrite anything else,
and renders everything before writing anything, so a failed build leaves
the previous tree as it was.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from codegen.targets.base import GENERATED_MARKER, OutputFile

MARKER_WINDOW = 512
TEMP_PREFIX = ".codegen-"
# Folders that toolchains create beside generated sources; never ours.
SKIPPED_DIRS = {".build", ".codegen", ".git", ".gradle", ".venv", "__pycache__", "node_modules", "target", "dist"}


class OutputError(Exception):
    """The output cannot be written without touching files we do not own."""


@dataclass(frozen=True)
class Difference:
    path: str  # relative to the output root
    status: str  # "missing", "differs" or "stale"


def is_owned(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(MARKER_WINDOW)
    except OSError:
        return False
    return GENERATED_MARKER.encode() in head


def owned_files(root: Path) -> set[str]:
    """Relative paths of the files under root that codegen wrote."""
    found: set[str] = set()
    if not root.is_dir():
        return found
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in files:
            path = Path(folder) / name
            if is_owned(path):
                found.add(path.relative_to(root).as_posix())
    return found


def encode(files: list[OutputFile]) -> dict[str, bytes]:
    result: dict[str, bytes] = {}
    for item in files:
        data = item.content.encode("utf-8")
        if GENERATED_MARKER.encode() not in data[:MARKER_WINDOW]:
            raise OutputError(f"{item.path}: the target produced a file without the generated-file marker")
        if item.path in result:
            raise OutputError(f"{item.path}: the target produced this file twice")
        result[item.path] = data
    return dict(sorted(result.items()))


def compare_tree(root: Path, files: dict[str, bytes]) -> list[Difference]:
    differences = []
    for rel, data in files.items():
        path = root / rel
        if not path.is_file():
            differences.append(Difference(rel, "missing"))
        elif path.read_bytes() != data:
            differences.append(Difference(rel, "differs"))
    for rel in sorted(owned_files(root) - set(files)):
        differences.append(Difference(rel, "stale"))
    return sorted(differences, key=lambda d: d.path)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace path with data in one step: readers see the old or the new file.

    The temporary file's name is short and fixed in length, whatever the
    target's name: it must fit wherever the target's name fits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_tree(root: Path, files: dict[str, bytes]) -> tuple[int, int]:
    """Bring root in line with files; returns (written, deleted) counts."""
    foreign = [rel for rel in files if (root / rel).exists() and not is_owned(root / rel)]
    if foreign:
        listing = ", ".join(str(root / rel) for rel in foreign[:5])
        raise OutputError(f"refusing to overwrite files that codegen did not generate: {listing} "
                          "(move them away or pick another --out)")
    stale = sorted(owned_files(root) - set(files))
    written = 0
    for rel, data in files.items():
        path = root / rel
        try:
            if path.is_file() and path.read_bytes() == data:
                continue
            atomic_write(path, data)
        except OSError as exc:  # a full disk, a read-only folder, a name too long for this file system
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        written += 1
    for rel in stale:
        (root / rel).unlink()
        _remove_empty_parents((root / rel).parent, root)
    return written, len(stale)


def write_file(path: Path, content: str) -> None:
    """Write one generated file, never over a file codegen did not write."""
    if path.exists() and not is_owned(path):
        raise OutputError(f"refusing to overwrite {path}: codegen did not generate it")
    atomic_write(path, encode([OutputFile(path.name, content)])[path.name])


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
