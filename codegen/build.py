"""The build pipeline: model -> IR -> each target's files -> the output tree.

A rebuild is skipped per target when a content hash of everything that
shapes its output (model files, codegen's own code, templates) matches the
stamp from the previous build and every output file is still the one that
build wrote (same size, modification time and inode). Target modules are
not even imported on that path.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

from codegen import __version__
from codegen.output import Difference, compare_tree, encode, write_tree
from codegen.render import TemplateSet, search_path
from codegen.targets import registered_targets, target_modules

if TYPE_CHECKING:
    from codegen.ir import Model
    from codegen.targets.base import Target

PACKAGE_DIR = Path(__file__).resolve().parent
STAMP_DIR = ".codegen"


@dataclass(frozen=True)
class TargetResult:
    target: str
    files: int
    written: int
    deleted: int
    cached: bool


def select_targets(names: tuple[str, ...]) -> list[Target]:
    targets = registered_targets()
    return [targets[name] for name in (names or tuple(targets))]


def render(model: Model, target: Target, overrides: tuple[Path, ...]) -> dict[str, bytes]:
    return encode(target.render(model, TemplateSet(target.name, overrides)))


def _hash_tree(digest: "hashlib._Hash", root: Path, pattern: str = "*") -> None:
    if not root.is_dir():
        return
    for path in sorted(p for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")


def _common_digest(model_dir: Path) -> "hashlib._Hash":
    """Model files and codegen's own code: inputs of every target."""
    from codegen.model_files import model_files

    digest = hashlib.sha256(f"codegen {__version__}\0".encode())
    for path in model_files(model_dir):
        digest.update(path.relative_to(model_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    _hash_tree(digest, PACKAGE_DIR, "*.py")
    return digest


def input_hash(common: "hashlib._Hash", name: str, module: str, overrides: tuple[Path, ...]) -> str:
    """Content hash of everything that shapes one target's output."""
    digest = common.copy()
    digest.update(f"{name}\0{module}\0".encode())
    for folder in search_path(name, overrides):
        _hash_tree(digest, folder)
    return digest.hexdigest()


def _stamp_path(out: Path, name: str) -> Path:
    return out / STAMP_DIR / f"{name}.json"


def _file_state(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def _stamp_matches(out: Path, name: str, key: str) -> int | None:
    """Number of files if the previous build of this target is still current:
    same inputs by content hash, and every output as it was written."""
    try:
        stamp = json.loads(_stamp_path(out, name).read_text())
    except (OSError, ValueError):
        return None
    if stamp.get("input") != key:
        return None
    root = out / name
    for rel, state in stamp.get("files", {}).items():
        try:
            if _file_state(root / rel) != state:
                return None
        except OSError:
            return None
    return len(stamp.get("files", {}))


def _write_stamp(out: Path, name: str, key: str, files: dict[str, bytes]) -> None:
    path = _stamp_path(out, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    (out / STAMP_DIR / ".gitignore").write_text("*\n")
    states = {rel: _file_state(out / name / rel) for rel in files}
    path.write_text(json.dumps({"input": key, "files": states}, sort_keys=True))


def build(
    model_dir: Path, out: Path, target_names: tuple[str, ...] = (), overrides: tuple[Path, ...] = (),
    force: bool = False,
) -> list[TargetResult]:
    modules = target_modules()
    names = target_names or tuple(modules)
    common = _common_digest(model_dir)
    keys = {name: input_hash(common, name, modules[name], overrides) for name in names}
    current = {} if force else {name: _stamp_matches(out, name, keys[name]) for name in names}
    stale = [name for name in names if current.get(name) is None]
    rendered: dict[str, dict[str, bytes]] = {}
    if stale:
        from codegen.loader import load_model

        model = load_model(model_dir)
        # Render every target before writing any: a failure leaves the tree as it was.
        rendered = {target.name: render(model, target, overrides) for target in select_targets(tuple(stale))}
    results = []
    for name in names:
        if name not in rendered:
            results.append(TargetResult(name, current[name] or 0, 0, 0, True))
            continue
        files = rendered[name]
        written, deleted = write_tree(out / name, files)
        _write_stamp(out, name, keys[name], files)
        results.append(TargetResult(name, len(files), written, deleted, False))
    return results


def check(
    model_dir: Path, out: Path, target_names: tuple[str, ...] = (), overrides: tuple[Path, ...] = (),
) -> list[Difference]:
    from codegen.loader import load_model

    model = load_model(model_dir)
    differences = []
    for target in select_targets(target_names):
        for diff in compare_tree(out / target.name, render(model, target, overrides)):
            differences.append(Difference(f"{target.name}/{diff.path}", diff.status))
    return differences
