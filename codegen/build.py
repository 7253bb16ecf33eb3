"""The build pipeline: model -> IR -> each target's files -> the output tree.

A rebuild is skipped per target when a content hash of everything that
shapes its output (model files, codegen's own code, templates) matches the
stamp from the previous build and the files on disk still hash as written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from codegen import __version__
from codegen.ir import Model
from codegen.loader import load_model, model_files
from codegen.output import Difference, compare_tree, encode, write_tree
from codegen.render import TemplateSet
from codegen.targets import registered_targets
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


def input_hash(model_dir: Path, target: Target, overrides: tuple[Path, ...]) -> str:
    digest = hashlib.sha256(f"codegen {__version__} {target.name}\0".encode())
    for path in model_files(model_dir):
        digest.update(path.relative_to(model_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    _hash_tree(digest, PACKAGE_DIR, "*.py")
    for folder in TemplateSet(target.name, overrides).search_path:
        _hash_tree(digest, folder)
    module = getattr(target, "__module__", None) or type(target).__module__
    digest.update(module.encode())
    return digest.hexdigest()


def _stamp_path(out: Path, target: Target) -> Path:
    return out / STAMP_DIR / f"{target.name}.json"


def _stamp_matches(out: Path, target: Target, key: str) -> int | None:
    """Number of files if the previous build of this target is still current."""
    try:
        stamp = json.loads(_stamp_path(out, target).read_text())
    except (OSError, ValueError):
        return None
    if stamp.get("input") != key:
        return None
    root = out / target.name
    for rel, sha in stamp.get("files", {}).items():
        try:
            if hashlib.sha256((root / rel).read_bytes()).hexdigest() != sha:
                return None
        except OSError:
            return None
    return len(stamp.get("files", {}))


def _write_stamp(out: Path, target: Target, key: str, files: dict[str, bytes]) -> None:
    path = _stamp_path(out, target)
    path.parent.mkdir(parents=True, exist_ok=True)
    (out / STAMP_DIR / ".gitignore").write_text("*\n")
    hashes = {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}
    path.write_text(json.dumps({"input": key, "files": hashes}, sort_keys=True))


def build(
    model_dir: Path, out: Path, target_names: tuple[str, ...] = (), overrides: tuple[Path, ...] = (),
    force: bool = False,
) -> list[TargetResult]:
    targets = select_targets(target_names)
    keys = {t.name: input_hash(model_dir, t, overrides) for t in targets}
    current = {} if force else {t.name: _stamp_matches(out, t, keys[t.name]) for t in targets}
    stale = [t for t in targets if current.get(t.name) is None]
    rendered: dict[str, dict[str, bytes]] = {}
    if stale:
        model = load_model(model_dir)
        # Render every target before writing any: a failure leaves the tree as it was.
        rendered = {t.name: render(model, t, overrides) for t in stale}
    results = []
    for target in targets:
        if target.name not in rendered:
            results.append(TargetResult(target.name, current[target.name] or 0, 0, 0, True))
            continue
        files = rendered[target.name]
        written, deleted = write_tree(out / target.name, files)
        _write_stamp(out, target, keys[target.name], files)
        results.append(TargetResult(target.name, len(files), written, deleted, False))
    return results


def check(
    model_dir: Path, out: Path, target_names: tuple[str, ...] = (), overrides: tuple[Path, ...] = (),
) -> list[Difference]:
    model = load_model(model_dir)
    differences = []
    for target in select_targets(target_names):
        for diff in compare_tree(out / target.name, render(model, target, overrides)):
            differences.append(Difference(f"{target.name}/{diff.path}", diff.status))
    return differences
