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
    from codegen.loading.model_cache import ModelCache
    from codegen.output import Difference
    from codegen.sdk.contract import Target

PACKAGE_DIR = Path(__file__).resolve().parent
STAMP_DIR = ".codegen"
SOURCES_DIR = "sources"  # OUT/sources/<source>/<target>/: the SDKs of each source
SOURCES_STAMP = "sources.json"
MODEL_CACHE = "model"  # OUT/.codegen/model/: the model files as the last build read them
RESERVED_CACHE = "reserved"  # OUT/.codegen/reserved/: what each target's lexical module derived
KEYS_RECORD = "keys.json"  # OUT/.codegen/keys.json: the content keys of the last build's events


@dataclass(frozen=True)
class TargetResult:
    target: str
    files: int
    written: int
    deleted: int
    cached: bool


def load_checked_model(model_dir: Path, cache: ModelCache | None = None) -> Model:
    """The model, with its target settings checked against the registered
    targets' options (raises ModelErrors with every problem)."""
    from codegen.diagnostics import ModelErrors
    from codegen.loader import load_model
    from codegen.sdk.options_check import option_diagnostics

    model = load_model(model_dir, cache)
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


@dataclass(frozen=True)
class Unit:
    """One SDK: a target, for the whole model or for one of its sources."""

    target: str
    source: str | None = None

    @property
    def label(self) -> str:
        return f"{self.source}/{self.target}" if self.source else self.target

    def root(self, out: Path) -> Path:
        """The folder that holds this SDK's folder and its build stamp."""
        return out if self.source is None else out / SOURCES_DIR / self.source

    def folder(self, out: Path) -> Path:
        return self.root(out) / self.target


def units(model: Model, target_names: tuple[str, ...] = (), source_names: tuple[str, ...] | None = None,
          registered: tuple[str, ...] = ()) -> list[Unit]:
    """The SDKs to build: every target for the model, then each source's
    targets; `source_names` (when given) keeps only those sources' SDKs."""
    wanted = set(target_names or registered)
    found = [] if source_names is not None else [Unit(t) for t in (target_names or registered)]
    for source in model.sources:
        if source_names is None or source.name in source_names:
            found += [Unit(t, source.name) for t in source.targets if t in wanted]
    return found


def unit_model(model: Model, unit: Unit) -> Model:
    from codegen.loading.sources import source_model

    return model if unit.source is None else source_model(model, unit.source)


def _stamp_path(out: Path, unit: Unit) -> Path:
    return unit.root(out) / STAMP_DIR / f"{unit.target}.json"


def _memo_path(out: Path, unit: Unit) -> Path:
    return unit.root(out) / STAMP_DIR / f"{unit.target}.memo.json"


def _file_state(path: Path | str) -> list[int]:
    info = os.stat(path)
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def _read_json(path: Path) -> dict | None:  # type: ignore[type-arg]
    try:
        stamp = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def _stamp_matches(stamp: dict | None, folder: Path, key: str | None) -> int | None:  # type: ignore[type-arg]
    """Number of files if the previous build of this SDK is still current:
    same inputs by content hash, and every output as it was written."""
    if stamp is None or key is None or stamp.get("input") != key:
        return None
    files = stamp.get("files", {})
    return len(files) if _states_match(str(folder), files) else None


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


def _intact_files(root: str, states: dict[str, list[int]]) -> set[str]:
    """The files that still have their recorded (size, mtime, inode), each
    looked up in its open folder."""
    intact: set[str] = set()
    folders: dict[str, int | None] = {}
    try:
        for rel, state in states.items():
            folder, _, file = rel.rpartition("/")
            if folder not in folders:
                try:
                    folders[folder] = os.open(os.path.join(root, folder) if folder else root,
                                              os.O_RDONLY | os.O_DIRECTORY)
                except OSError:
                    folders[folder] = None
            fd = folders[folder]
            if fd is None:
                continue
            try:
                info = os.stat(file, dir_fd=fd)
            except OSError:
                continue
            if state == [info.st_size, info.st_mtime_ns, info.st_ino]:
                intact.add(rel)
        return intact
    finally:
        for fd in folders.values():
            if fd is not None:
                os.close(fd)


def _write_stamp(out: Path, unit: Unit, key: str, template_dir: Path, files: dict[str, bytes | None],
                 kept: dict[str, list[int]]) -> None:
    """The stamp of a written SDK: the states of its files (those the memo
    kept have the states they had)."""
    path = _stamp_path(out, unit)
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.parent / ".gitignore").write_text("*\n")
    folder = unit.folder(out)
    states = {rel: kept[rel] if data is None else _file_state(folder / rel) for rel, data in files.items()}
    path.write_text(json.dumps({"input": key, "template_dir": str(template_dir), "files": states}, sort_keys=True))


def _ignore_stamp_dir(out: Path) -> None:
    """The build's own files under OUT/.codegen/ are no output to commit."""
    folder = out / STAMP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".gitignore").write_text("*\n")


def _known_sources(out: Path, common: str) -> dict[str, list[str]] | None:
    """The sources and their targets as the last build saw them, if the model
    and codegen are unchanged since (the up-to-date path loads no model)."""
    recorded = _read_json(out / STAMP_DIR / SOURCES_STAMP)
    if recorded is None or recorded.get("input") != common or not isinstance(recorded.get("sources"), dict):
        return None
    return recorded["sources"]  # type: ignore[no-any-return]


def _write_sources(out: Path, common: str, model: Model) -> None:
    path = out / STAMP_DIR / SOURCES_STAMP
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.parent / ".gitignore").write_text("*\n")
    path.write_text(json.dumps({"input": common, "sources": {s.name: list(s.targets) for s in model.sources}},
                               sort_keys=True))


class _Pseudo:
    """What `units` needs of a model, from the sources stamp."""

    def __init__(self, sources: dict[str, list[str]]) -> None:
        self.sources = [_PseudoSource(name, tuple(targets)) for name, targets in sorted(sources.items())]


@dataclass(frozen=True)
class _PseudoSource:
    name: str
    targets: tuple[str, ...]


Progress = Callable[[int, int, str], None]  # (done, total, label) after each rendered SDK


def build(
    model_dir: Path, out: Path, target_names: tuple[str, ...] = (), overrides: tuple[Path, ...] = (),
    force: bool = False, source_names: tuple[str, ...] | None = None, progress: Progress | None = None,
) -> list[TargetResult]:
    """Render the stale SDKs of the model (and of its sources) into `out`;
    each reuses what its previous build there rendered for unchanged events
    (unless `force`). Every SDK is rendered before any is written: a
    failure leaves the tree as it was."""
    modules = target_modules()
    code, common = _digests(model_dir)
    model: Model | None = None
    known = None if force else _known_sources(out, common.hexdigest())

    def load() -> Model:
        from codegen.loading.model_cache import ModelCache

        cache = ModelCache(out / STAMP_DIR / MODEL_CACHE, code.hexdigest(), not force)
        loaded = False
        try:
            loaded_model = load_checked_model(model_dir, cache)
            loaded = True
            return loaded_model
        finally:
            # A failed build writes nothing where no build was before.
            if loaded or (out / STAMP_DIR).is_dir():
                _ignore_stamp_dir(out)
                cache.save()

    if known is None:
        model = load()
        check_source_names(model, source_names)
    chosen = units(model if model is not None else _Pseudo(known or {}), target_names,  # type: ignore[arg-type]
                   source_names, tuple(modules))
    current: dict[Unit, int | None] = {}
    stamps: dict[Unit, dict | None] = {}  # type: ignore[type-arg]
    for unit in chosen:
        stamps[unit] = stamp = _read_json(_stamp_path(out, unit))
        if not force:
            recorded = Path(stamp["template_dir"]) if stamp and isinstance(stamp.get("template_dir"), str) else None
            key = _unit_hash(common, unit, modules, recorded, overrides) if recorded else None
            current[unit] = _stamp_matches(stamp, unit.folder(out), key)
    stale = [unit for unit in chosen if current.get(unit) is None]
    done: dict[str, tuple[int, int, int]] = {}
    if stale:
        model = model or load()
        reuse = None if force else _Reuse(model, model_dir, out, code.hexdigest())
        targets = registered_targets()
        jobs = []
        for unit in stale:
            target = targets[unit.target]
            template_dir = Path(target.template_dir)
            keys = (_unit_hash(common, unit, modules, template_dir, overrides),
                    _unit_hash(code, unit, modules, template_dir, overrides))
            jobs.append(_job(model, unit, target, out, keys, overrides, stamps[unit], reuse))
        report = None if progress is None else (lambda n, label: progress(n, len(stale), label))
        from codegen.sdk import reserved

        # The names the targets read off their own sources, kept (keyed by those sources) unless forced.
        reserved.CACHE_DIR = None if force else out / STAMP_DIR / RESERVED_CACHE
        try:
            done = build_jobs.run(model, jobs, shared=lambda: _shared_work(model), progress=report,
                                  changed=None if reuse is None else reuse.changed_events())
        finally:
            reserved.CACHE_DIR = None
        if reuse is not None:
            reuse.save_plan()
        else:
            (out / STAMP_DIR / KEYS_RECORD).unlink(missing_ok=True)
    results = []
    for unit in chosen:
        if unit.label not in done:
            results.append(TargetResult(unit.label, current[unit] or 0, 0, 0, True))
        else:
            results.append(TargetResult(unit.label, *done[unit.label], False))
    if model is not None:
        if source_names is None:
            results += _remove_dropped_sources(out, model, set(target_names or modules))
        _write_sources(out, common.hexdigest(), model)
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
        self.keys_path = out / STAMP_DIR / KEYS_RECORD
        # Read when the vectors are rendered (in a build with workers, while they render).
        self.plan = StoredMemo(self.shared, self.events, lambda: read_memo(self.plan_path, code, raw=True),
                               lambda rel: False)
        use_memo(model, self.plan)

    def shared_of(self, model: Model) -> str:
        """The shared key of a source's model (its context, names, packages differ)."""
        from codegen.incremental import shared_key

        return shared_key(model)

    def changed_events(self) -> int | None:
        """How many events differ from the previous build's (None: it is
        unknown, or what they share changed), which decides whether the
        SDKs are rendered in worker processes."""
        recorded = _read_json(self.keys_path)
        if recorded is None or recorded.get("code") != self.code or recorded.get("shared") != self.shared:
            return None
        before = recorded.get("events")
        if not isinstance(before, dict):
            return None
        return (sum(1 for name, key in self.events.items() if before.get(name) != key)
                + sum(1 for name in before if name not in self.events))

    def save_plan(self) -> None:
        from codegen.output import atomic_write

        if self.plan.data:  # the vectors were rendered in this process
            atomic_write(self.plan_path, self.plan.stored(self.code))
        atomic_write(self.keys_path, json.dumps({"code": self.code, "shared": self.shared, "events": self.events},
                                                separators=(",", ":")).encode())


def _shared_work(model: Model) -> str:
    """What every built-in target of the whole model asks for: the test
    plan's vectors (see codegen.sdk.vectors)."""
    from codegen.sdk.vectors import plan_vectors_data

    return plan_vectors_data(model)


def _take_shared(model: Model, fetch: Callable[[], object]) -> None:
    """In a build worker: the vectors come from the parent, when asked for."""
    from codegen.sdk.vectors import use_provider

    use_provider(model, fetch)


def _job(model: Model, unit: Unit, target: Target, out: Path, keys: tuple[str, str], overrides: tuple[Path, ...],
         stamp: dict | None, reuse: _Reuse | None) -> build_jobs.Job:  # type: ignore[type-arg]
    """Render one SDK (with the memo of its previous build) and write it."""
    template_dir = Path(target.template_dir)
    root = unit.folder(out)
    memo_path = _memo_path(out, unit)
    states: dict[str, list[int]] = stamp.get("files", {}) if stamp and isinstance(stamp.get("files"), dict) else {}

    def intact() -> set[str]:  # every file's state at once, when the memo first asks
        return _intact_files(str(root), states)

    def render_target() -> object:
        from codegen.output import encode

        unit_view = unit_model(model, unit)
        templates = TemplateSet.of(target, overrides)
        memo = None
        if reuse is not None:
            templates.bytecode_dir = out / STAMP_DIR / "templates"
            templates.bytecode_dir.mkdir(parents=True, exist_ok=True)
            from codegen.incremental import StoredMemo, read_memo

            shared = reuse.shared if unit.source is None else reuse.shared_of(unit_view)
            memo = StoredMemo(shared, reuse.events, read_memo(memo_path, keys[1]), intact, at_once=True)
            templates.memo = memo
        return encode(target.render(unit_view, templates)), memo

    def write(rendered: object) -> tuple[int, int, int]:
        from codegen.output import atomic_write, write_tree

        files, memo = rendered  # type: ignore[misc]
        written, deleted = write_tree(root, files)
        _write_stamp(out, unit, keys[0], template_dir, files, states)
        if memo is not None:
            memo_path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(memo_path, memo.stored(keys[1]))
        return len(files), written, deleted

    shared = None if unit.source is not None else (lambda fetch: _take_shared(model, fetch))
    return build_jobs.Job(unit.label, render_target, write, shared=shared)


def _dropped_source_folders(out: Path, model: Model, targets: set[str]) -> list[tuple[str, str]]:
    """(source, target) of SDK folders under OUT/sources/ that the model no
    longer has (a source removed or renamed, a target dropped from it)."""
    from codegen.output import owned_files

    current = {(s.name, t) for s in model.sources for t in s.targets}
    root = out / SOURCES_DIR
    if not root.is_dir():
        return []
    return sorted((source.name, folder.name) for source in root.iterdir() if source.is_dir()
                  for folder in source.iterdir() if folder.is_dir() and folder.name in targets
                  and (source.name, folder.name) not in current and owned_files(folder))


def _remove_dropped_sources(out: Path, model: Model, targets: set[str]) -> list[TargetResult]:
    """Delete the files codegen wrote for SDKs the model no longer has."""
    from codegen.output import write_tree

    results = []
    for source, target in _dropped_source_folders(out, model, targets):
        unit = Unit(target, source)
        _, deleted = write_tree(unit.folder(out), {})
        _stamp_path(out, unit).unlink(missing_ok=True)
        _memo_path(out, unit).unlink(missing_ok=True)
        results.append(TargetResult(unit.label, 0, 0, deleted, False))
    return results


def _unit_hash(common: "hashlib._Hash", unit: Unit, modules: dict[str, str], template_dir: Path,
               overrides: tuple[Path, ...]) -> str:
    digest = common.copy()
    digest.update(f"source\0{unit.source or ''}\0".encode())
    return input_hash(digest, unit.target, modules[unit.target], template_dir, overrides)


def check_source_names(model: Model, names: tuple[str, ...] | None) -> None:
    from codegen.diagnostics import CommandFailed, did_you_mean

    known = [s.name for s in model.sources]
    for name in names or ():
        if name not in known:
            hint = did_you_mean(name, known) or (f"the model's sources: {', '.join(known)}" if known
                                                 else "the model defines no sources")
            raise CommandFailed(f"unknown source '{name}'; {hint}")


def check(
    model_dir: Path, out: Path, target_names: tuple[str, ...] = (), overrides: tuple[Path, ...] = (),
    source_names: tuple[str, ...] | None = None,
) -> list[Difference]:
    from codegen.output import Difference, compare_tree, owned_files

    model = load_checked_model(model_dir)
    check_source_names(model, source_names)
    targets = registered_targets()
    differences = []
    for unit in units(model, target_names, source_names, tuple(targets)):
        prefix = unit.folder(Path()).as_posix()
        for diff in compare_tree(unit.folder(out), render(unit_model(model, unit), targets[unit.target], overrides)):
            differences.append(Difference(f"{prefix}/{diff.path}", diff.status))
    if source_names is None:
        for source, target in _dropped_source_folders(out, model, set(target_names or targets)):
            folder = Unit(target, source).folder(out)
            differences += [Difference(f"{SOURCES_DIR}/{source}/{target}/{rel}", "stale")
                            for rel in sorted(owned_files(folder))]
    return differences
