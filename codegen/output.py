"""Writing generated trees: only files we own, atomically, deterministically.

What a tree owns is what the previous build wrote, listed in the manifest
beside the files (`MANIFEST`, committed with them, so `codegen check` works
on a fresh clone). Anything else in the folder, such as a toolchain's
`build/`, `node_modules/` or a lock file, is never reported, overwritten or
deleted. A tree without a manifest (written before manifests existed) owns
the files that carry GENERATED_MARKER near their start. A build renders
everything before writing anything, so a failed build leaves the previous
tree as it was.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from codegen.sdk.contract import GENERATED_MARKER, OutputFile
from codegen.sdk.memo import KeptFile

MARKER_WINDOW = 512
MANIFEST = ".codegen-manifest.json"
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
    """Whether a file carries the generated-file marker near its start."""
    try:
        with path.open("rb") as handle:
            head = handle.read(MARKER_WINDOW)
    except OSError:
        return False
    return GENERATED_MARKER.encode() in head


def manifest_bytes(files: dict[str, bytes | None]) -> bytes:
    """The manifest of a tree of `files`: a deterministic, sorted listing."""
    listing = {"//": GENERATED_MARKER, "files": sorted(rel for rel in files if rel != MANIFEST)}
    return (json.dumps(listing, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def owned_files(root: Path, existing: bool = True) -> set[str]:
    """Relative paths of the files under root that codegen wrote (with
    `existing` False: also those the manifest lists that are gone)."""
    manifest = root / MANIFEST
    if manifest.is_file():
        try:
            listed = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
        except (OSError, ValueError, AttributeError):
            listed = None
        if isinstance(listed, list) and all(isinstance(rel, str) for rel in listed):
            base = str(root)
            return {rel for rel in listed if _inside(rel) and (not existing or os.path.isfile(os.path.join(base, rel)))
                    } | {MANIFEST}
    return _marked_files(root)


def _inside(rel: str) -> bool:
    """A manifest entry that stays inside the tree (a tampered one must not reach out)."""
    parts = [part for part in rel.split("/") if part not in ("", ".")]
    return bool(parts) and not rel.startswith("/") and ".." not in parts


def _marked_files(root: Path) -> set[str]:
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
    """A target's files as bytes, with the tree's manifest added. A file the
    memo kept on disk (KeptFile) maps to None: it was checked when written."""
    result: dict[str, bytes | None] = {}
    for item in files:
        if isinstance(item, KeptFile):
            data = None
        else:
            data = getattr(item.content, "utf8", None)  # an EncodedText's
            if type(data) is not bytes:
                data = item.content.encode("utf-8")
            if GENERATED_MARKER.encode() not in data[:MARKER_WINDOW]:
                raise OutputError(f"{item.path}: the target produced a file without the generated-file marker")
        if item.path in result or item.path == MANIFEST:
            raise OutputError(f"{item.path}: the target produced this file twice")
        if not _inside(item.path):
            raise OutputError(f"{item.path}: the target produced a path outside its folder")
        result[item.path] = data
    result[MANIFEST] = manifest_bytes(result)  # type: ignore[arg-type]
    return dict(sorted(result.items()))  # type: ignore[arg-type]


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


def write_tree(root: Path, files: dict[str, bytes | None]) -> tuple[int, int]:
    """Bring root in line with files; returns (written, deleted) counts. A
    None value stands for a file the caller knows to be on disk as the
    previous build wrote it (nothing to read or write).

    New files are written in place, existing ones replaced atomically; the
    manifest is first brought up to the new files, so that whatever an
    interrupted build leaves behind is still owned by the next one."""
    owned = owned_files(root, existing=False)
    new: list[str] = []
    changed: list[str] = []
    foreign: list[str] = []
    for rel, data in files.items():
        if data is None:
            continue
        path = root / rel
        try:
            info = os.stat(path)
        except FileNotFoundError:
            new.append(rel)
            continue
        except OSError as exc:  # a name too long for this file system, a folder it may not read
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        if info.st_size == len(data) and path.is_file() and path.read_bytes() == data:
            continue  # already what it should be
        (changed if rel in owned else foreign).append(rel)
    if foreign:
        listing = ", ".join(str(root / rel) for rel in foreign[:5])
        raise OutputError(f"refusing to overwrite files that codegen did not generate: {listing} "
                          "(move them away or pick another --out)")
    if new and MANIFEST in files:
        try:
            atomic_write(root / MANIFEST, manifest_bytes(dict.fromkeys(owned | set(new), b"")))
        except OSError as exc:
            raise OutputError(f"cannot write {root / MANIFEST}: {exc.strerror or exc}") from None
        if MANIFEST in new:  # the final one replaces it at the end
            new.remove(MANIFEST)
            changed.append(MANIFEST)
    folders: set[Path] = set()
    for rel in new:
        data = files[rel]
        assert data is not None
        path = root / rel
        try:
            if path.parent not in folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                folders.add(path.parent)
            _create(path, data)
        except OSError as exc:  # a full disk, a read-only folder, a name too long for this file system
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    for rel in changed:
        data = files[rel]
        assert data is not None
        try:
            atomic_write(root / rel, data)
        except OSError as exc:
            raise OutputError(f"cannot write {root / rel}: {exc.strerror or exc}") from None
    stale = sorted(owned - set(files))
    for rel in stale:
        (root / rel).unlink(missing_ok=True)
        _remove_empty_parents((root / rel).parent, root)
    return len(new) + len(changed), len(stale)


def _create(path: Path, data: bytes) -> None:
    """Write a file that does not exist yet (none of a reader's business until the build ends)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def write_file(path: Path, content: str) -> None:
    """Write one generated file, never over a file codegen did not write."""
    if path.exists() and not is_owned(path):
        raise OutputError(f"refusing to overwrite {path}: codegen did not generate it")
    data = content.encode("utf-8")
    if GENERATED_MARKER.encode() not in data[:MARKER_WINDOW]:
        raise OutputError(f"{path.name}: the export has no generated-file marker")
    atomic_write(path, data)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
