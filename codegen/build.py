"""The build pipeline: model -> IR -> each target's files -> the output tree.

A rebuild is skipped per target when a content hash of everything that
shapes its output (model files, codegen's own code, the target's own package
wherever it is installed, its templates and the user's overrides) matches
the stamp from the previous build and every output file is still the one
that build wrote (same size, modification time and inode). Target modules
are not even imported on that path: the stamp records where the target's
templates were, and a target that moved them has changed its package too.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from codegen import __version__, build_jobs
from codegen.sdk.templates import TemplateSet, search_path
from codegen.targets import registered_targets, target_modules

if TYPE_CHECKING:  # the up-to-date path imports none of these
    from codegen.ir import Model
    from codegen.output import Difference
    from codegen.sdk.contract import Target

PACKAGE_DIR = Path(__file__).resolve().parent
STAMP_DIR = ".codegen"


@dataclass(frozen=True)
class TargetResult:
    target: str
    files: int
    written: int
    deleted: int
    cached: bool


def load_checked_model(model_dir: Path) -> Model:
    """The model, with its target settings checked against the registered
    targets' options (raises ModelErrors with every problem)."""
    from codegen.diagnostics import ModelErrors
    from codegen.loader import load_model
    from codegen.sdk.options_check import option_diagnostics

    model = load_model(model_dir)
    problems = option_diagnostics(model, registered_targets())
    if problems:
        raise ModelErrors(problems)
    return model


def select_targets(names: tuple[str, ...]) -> list[Target]:
    targets = registered_targets()
    return [targets[name] for name in (names or tuple(targets))]


def render(model: Model, target: Target, overrides: tuple[Path, ...]) -> dict[str, bytes]:
    from codegen.output import encode

    return encode(target.render(model, TemplateSet.of(target, overrides)))


def _hash_tree(digest: "hashlib._Hash", root: Path, suffix: str = "") -> None:
    """Every file under root (ending in `suffix`) by relative path and content."""
    if root.is_file():
        digest.update(root.name.encode() + b"\0" + root.read_bytes() + b"\0")
        return
    if not root.is_dir():
        return
    found = []
    base = str(root)
    for folder, dirs, files in os.walk(base):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        rel = os.path.relpath(folder, base).replace(os.sep, "/")
        found += [(name if rel == "." else f"{rel}/{name}", os.path.join(folder, name))
                  for name in files if name.endswith(suffix)]
    for rel, path in sorted(found):
        with open(path, "rb") as handle:
            digest.update(rel.encode() + b"\0" + handle.read() + b"\0")


def target_sources(module: str) -> Path | None:
    """The installed package (or single module) a target comes from, found
    without importing it; None for built-ins, covered by codegen's own code."""
    top = module.split(".")[0]
    if top == "codegen":
        return None
    spec = find_spec(top)
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(spec.origin) if spec.origin else None


def _digests(model_dir: Path) -> tuple["hashlib._Hash", "hashlib._Hash"]:
    """Codegen's own code, and that with the model files: inputs of every
    target (the first keys the memo, the second the stamp)."""
    from codegen.model_files import model_files

    code = hashlib.sha256(f"codegen {__version__}\0".encode())
    _hash_tree(code, PACKAGE_DIR, ".py")
    common = code.copy()
    for path in model_files(model_dir):
        common.update(path.relative_to(model_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return code, common


def input_hash(common: "hashlib._Hash", name: str, module: str, template_dir: Path,
               overrides: tuple[Path, ...]) -> str:
    """Content hash of everything that shapes one target's output."""
    digest = common.copy()
    digest.update(f"{name}\0{module}\0{template_dir}\0".encode())
    sources = target_sources(module)
    if sources is not None:
        _hash_tree(digest, sources)
    for folder in search_path(name, template_dir, overrides):
        _hash_tree(digest, folder)
    return digest.hexdigest()


def _stamp_path(out: Path, name: str) -> Path:
    return out / STAMP_DIR / f"{name}.json"


def _file_state(path: Path | str) -> list[int]:
    info = os.stat(path)
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def _read_stamp(out: Path, name: str) -> dict | None:  # type: ignore[type-arg]
    try:
        stamp = json.loads(_stamp_path(out, name).read_text())
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def _stamp_matches(stamp: dict | None, out: Path, name: str, key: str | None) -> int | None:  # type: ignore[type-arg]
    """Number of files if the previous build of this target is still current:
    same inputs by content hash, and every output as it was written."""
    if stamp is None or key is None or stamp.get("input") != key:
        return None
    files = stamp.get("files", {})
    return len(files) if _states_match(str(out / name), files) else None


def _states_match(root: str, states: dict[str, list[int]]) -> bool:
    """Whether every file has its recorded (size, mtime, inode); each is
    looked up in its open folder, the cheapest stat of thousands of files."""
    folders: dict[str, int] = {}
    try:
        for rel, state in states.items():
            folder, _, file = rel.rpartition("/")
            fd = folders.get(folder)
            if fd is None:
                fd = folders[folder] = os.open(os.path.join(root, folder) if folder else root,
                                               os.O_RDONLY | os.O_DIRECTORY)
            info = os.stat(file, dir_fd=fd)
            if state != [info.st_size, info.st_mtime_ns, info.st_ino]:
                return False
        return True
    except OSError:
        return False
    finally:
        for fd in folders.values():
            os.close(fd)


def _write_stamp(out: Path, name: str, key: str, template_dir: Path, files: dict[str, bytes | None],
                 kept: dict[str, list[int]]) -> None:
    """The stamp of a written target: the states of its files (those the
    memo kept have the states they had)."""
    path = _stamp_path(out, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    (out / STAMP_DIR / ".gitignore").write_text("*\n")
    states = {rel: kept[rel] if data is None else _file_state(out / name / rel) for rel, data in files.items()}
    path.write_text(json.dumps({"input": key, "template_dir": str(template_dir), "files": states}, sort_keys=True))


def build(
    model_dir: Path, out: Path, target_names: tuple[str, ...] = (), overrides: tuple[Path, ...] = (),
    force: bool = False,
) -> list[TargetResult]:
    """Render the stale targets into `out`; each reuses what its previous
    build there rendered for unchanged events (unless `force`)."""
    modules = target_modules()
    names = target_names or tuple(modules)
    code, common = _digests(model_dir)
    current: dict[str, int | None] = {}
    stamps: dict[str, dict | None] = {}  # type: ignore[type-arg]
    for name in names:
        stamps[name] = stamp = _read_stamp(out, name)
        if not force:
            recorded = Path(stamp["template_dir"]) if stamp and isinstance(stamp.get("template_dir"), str) else None
            key = input_hash(common, name, modules[name], recorded, overrides) if recorded else None
            current[name] = _stamp_matches(stamp, out, name, key)
    stale = [name for name in names if current.get(name) is None]
    done: dict[str, tuple[int, int, int]] = {}
    if stale:
        model = load_checked_model(model_dir)
        reuse = None if force else _Reuse(model, model_dir, out, code.hexdigest())
        jobs = []
        for target in select_targets(tuple(stale)):
            template_dir = Path(target.template_dir)
            keys = (input_hash(common, target.name, modules[target.name], template_dir, overrides),
                    input_hash(code, target.name, modules[target.name], template_dir, overrides))
            jobs.append(_job(model, target, out, keys, overrides, stamps[target.name], reuse))
        done = build_jobs.run(model, jobs, shared=lambda: _shared_work(model))
        if reuse is not None:
            reuse.save_plan()
    results = []
    for name in names:
        if name not in done:
            results.append(TargetResult(name, current[name] or 0, 0, 0, True))
        else:
            results.append(TargetResult(name, *done[name], False))
    return results


class _Reuse:
    """The content keys of the model's events and of what they share, and
    the memo of the test plan's vectors, which every target shares."""

    def __init__(self, model: Model, model_dir: Path, out: Path, code: str) -> None:
        from codegen.incremental import StoredMemo, event_keys, model_texts, read_memo, shared_key
        from codegen.sdk.vectors import use_memo

        self.shared = shared_key(model)
        self.events = event_keys(model, model_texts(model_dir))
        self.code = code
        self.plan_path = out / STAMP_DIR / "plan.memo.json"
        self.plan = StoredMemo(self.shared, self.events, read_memo(self.plan_path, code), lambda rel: False)
        use_memo(model, self.plan)

    def save_plan(self) -> None:
        from codegen.output import atomic_write

        if self.plan.texts:  # the vectors were rendered in this process
            atomic_write(self.plan_path, self.plan.stored(self.code).encode("utf-8"))


def _shared_work(model: Model) -> str:
    """What every built-in target asks for: the test plan's vectors (see
    codegen.sdk.vectors)."""
    from codegen.sdk.vectors import plan_vectors

    return plan_vectors(model)


def _take_shared(model: Model, fetch: Callable[[], object]) -> None:
    """In a build worker: the vectors come from the parent, when asked for."""
    from codegen.sdk.vectors import use_provider

    use_provider(model, fetch)


def _job(model: Model, target: Target, out: Path, keys: tuple[str, str], overrides: tuple[Path, ...],
         stamp: dict | None, reuse: _Reuse | None) -> build_jobs.Job:  # type: ignore[type-arg]
    """Render one target (with the memo of its previous build) and write it."""
    template_dir = Path(target.template_dir)
    root = out / target.name
    memo_path = out / STAMP_DIR / f"{target.name}.memo.json"
    states: dict[str, list[int]] = stamp.get("files", {}) if stamp and isinstance(stamp.get("files"), dict) else {}

    base = str(root)

    def intact(rel: str) -> bool:
        state = states.get(rel)
        if state is None:
            return False
        try:
            info = os.stat(os.path.join(base, rel))
        except OSError:
            return False
        return state == [info.st_size, info.st_mtime_ns, info.st_ino]

    def render_target() -> object:
        from codegen.output import encode

        templates = TemplateSet.of(target, overrides)
        memo = None
        if reuse is not None:
            templates.bytecode_dir = out / STAMP_DIR / "templates"
            templates.bytecode_dir.mkdir(parents=True, exist_ok=True)
            from codegen.incremental import StoredMemo, read_memo

            memo = StoredMemo(reuse.shared, reuse.events, read_memo(memo_path, keys[1]), intact)
            templates.memo = memo
        return encode(target.render(model, templates)), memo

    def write(rendered: object) -> tuple[int, int, int]:
        from codegen.output import atomic_write, write_tree

        files, memo = rendered  # type: ignore[misc]
        written, deleted = write_tree(root, files)
        _write_stamp(out, target.name, keys[0], template_dir, files, states)
        if memo is not None:
            atomic_write(memo_path, memo.stored(keys[1]).encode("utf-8"))
        return len(files), written, deleted

    return build_jobs.Job(target.name, render_target, write, shared=lambda fetch: _take_shared(model, fetch))


def check(
    model_dir: Path, out: Path, target_names: tuple[str, ...] = (), overrides: tuple[Path, ...] = (),
) -> list[Difference]:
    from codegen.output import Difference, compare_tree

    model = load_checked_model(model_dir)
    differences = []
    for target in select_targets(target_names):
        for diff in compare_tree(out / target.name, render(model, target, overrides)):
            differences.append(Difference(f"{target.name}/{diff.path}", diff.status))
    return differences
