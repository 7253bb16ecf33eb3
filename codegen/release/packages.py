"""`codegen package`: every selected SDK rendered afresh into a scratch
folder and turned into its distributables by its target's packaging; then,
only when all succeeded, the files move into the output folder with the
checksums and the release manifest. Files a previous `codegen package` put
there and this one does not make are removed; nothing else is touched."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from codegen.build import Unit, check_source_names, load_checked_model, render, unit_model, units
from codegen.diagnostics import CommandFailed
from codegen.output import write_tree
from codegen.terminal import printable
from codegen.release.manifest import (CHECKSUMS, MANIFEST, PackageEntry, Release, file_entry, model_digest,
                                      read_release, write_release)
from codegen.sdk.packaging import Coordinates, Packaging, PackagingError, Tools, fix_mtimes
from codegen.targets import registered_targets

if TYPE_CHECKING:
    from codegen.ir import Model

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Planned:
    unit: Unit
    packaging: Packaging
    coordinates: Coordinates


def plan(model: Model, target_names: tuple[str, ...],
         source_names: tuple[str, ...] | None) -> tuple[list[Planned], list[str]]:
    """The SDKs to package, and the labels of selected ones whose target cannot."""
    check_source_names(model, source_names)
    targets = registered_targets()
    planned, skipped = [], []
    for unit in units(model, target_names, source_names, tuple(targets)):
        packaging = getattr(targets[unit.target], "packaging", None)
        if packaging is None:
            skipped.append(unit.label)
            continue
        planned.append(Planned(unit, packaging, packaging.coordinates(unit_model(model, unit))))
    check_unique(planned)
    return planned, skipped


def check_unique(planned: list[Planned]) -> None:
    """Two SDKs may not claim one package of one registry (a source that
    kept the model's package name, say)."""
    seen: dict[tuple[str, str], Unit] = {}
    for item in planned:
        key = (item.packaging.registry or item.unit.target, item.coordinates.name)
        if key in seen:
            first = seen[key]
            raise CommandFailed(
                f"the SDKs {_what(first)} and {_what(item.unit)} are both the {item.unit.target} package "
                f"'{printable(item.coordinates.name)}'; give the source its own package name under "
                f"'sources: <name>: targets: {item.unit.target}:' (docs/event-model.md#sources)")
        seen[key] = item.unit


def _what(unit: Unit) -> str:
    return f"of source '{unit.source}'" if unit.source else "of the model"


def package(model_dir: Path, out: Path, target_names: tuple[str, ...] = (),
            source_names: tuple[str, ...] | None = None, overrides: tuple[Path, ...] = (),
            tools: Tools | None = None, progress: Progress | None = None) -> tuple[Release, list[str]]:
    """Package the selected SDKs into `out`; the release and the skipped labels."""
    tools = tools or Tools()
    model = load_checked_model(model_dir)
    planned, skipped = plan(model, target_names, source_names)
    if not planned:
        raise CommandFailed("none of the selected targets can make packages"
                            + (f" ({', '.join(skipped)} have no packaging)" if skipped else ""))
    targets = registered_targets()
    entries: list[PackageEntry] = []
    with tempfile.TemporaryDirectory(prefix="codegen-package-") as scratch:
        made: dict[str, Path] = {}
        for done, item in enumerate(planned, 1):
            unit = item.unit
            sdk = Path(scratch, "sdk", unit.label)
            write_tree(sdk, render(unit_model(model, unit), targets[unit.target], overrides))
            fix_mtimes(sdk)
            folder = Path(scratch, "out", unit.label)
            folder.mkdir(parents=True)
            try:
                files = item.packaging.package(sdk, folder, item.coordinates, tools)
            except PackagingError as exc:
                raise PackagingError(f"{unit.label}: {exc}") from None
            _check_files(unit, folder, files, made)
            entries.append(PackageEntry(unit.target, unit.source, item.coordinates.name, item.coordinates.version,
                                        item.packaging.registry, tuple(file_entry(f) for f in sorted(files))))
            if progress is not None:
                progress(done, len(planned), unit.label)
        release = Release(model.name, model.version, model_digest(model_dir), tuple(entries))
        _install(out, made, release)
    return release, skipped


def _check_files(unit: Unit, folder: Path, files: list[Path], made: dict[str, Path]) -> None:
    if not files:
        raise PackagingError(f"{unit.label}: the packaging made no file")
    for path in files:
        if path.parent != folder or not path.is_file():
            raise PackagingError(f"{unit.label}: the packaging reported {path}, which is not a file it made in {folder}")
        if path.name in made or path.name in (MANIFEST, CHECKSUMS):
            raise PackagingError(f"{unit.label}: its file {path.name} has the name of another package's file")
        made[path.name] = path


def _install(out: Path, made: dict[str, Path], release: Release) -> None:
    """Move the new files in, remove what the previous release listed and this one lacks."""
    out.mkdir(parents=True, exist_ok=True)
    try:
        previous = read_release(out)
    except CommandFailed:
        previous = None  # an unreadable manifest lists nothing we may delete
    for name, path in sorted(made.items()):
        shutil.move(str(path), out / name)
    for name in (previous.files() if previous else []):
        if name not in made and Path(name).name == name:
            (out / name).unlink(missing_ok=True)
    write_release(out, release)
