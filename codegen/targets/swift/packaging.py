"""Packaging of the Swift SDK: a source archive in the layout of `swift
package archive-source` (the package in one top-level folder named after
it), made here so that it is byte-for-byte reproducible and needs no Swift
toolchain. SwiftPM has no central registry: apps unpack the archive and
depend on it by path (or on the release's git tag); nothing is published."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Mapping, Sequence

from codegen.ir import Model
from codegen.sdk.packaging import Coordinates, PackagingError, Tools
from codegen.targets.swift.views import module_name

ZIP_TIME = (1980, 1, 2, 0, 0, 0)
SKIPPED = {".build", ".swiftpm", "node_modules"}


class SwiftPackaging:
    registry = ""
    registry_keys: tuple[str, ...] = ()

    def coordinates(self, model: Model) -> Coordinates:
        return Coordinates(module_name(model), model.version)

    def package(self, sdk: Path, out: Path, coordinates: Coordinates, tools: Tools) -> list[Path]:
        if not (sdk / "Package.swift").is_file():
            raise PackagingError(f"{sdk} has no Package.swift")
        name = coordinates.name
        archive = out / f"{name}-{coordinates.version}.zip"
        files = sorted(p for p in sdk.rglob("*") if p.is_file() and not SKIPPED & set(p.relative_to(sdk).parts))
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for path in files:
                info = zipfile.ZipInfo(f"{name}/{path.relative_to(sdk).as_posix()}", ZIP_TIME)
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes())
        return [archive]

    def is_published(self, coordinates: Coordinates, registries: Mapping[str, str], tools: Tools) -> bool:
        return False

    def publish(self, coordinates: Coordinates, files: Sequence[Path], registries: Mapping[str, str],
                tools: Tools) -> None:
        raise PackagingError("Swift packages have no registry to publish to: attach the source archive to the "
                             "release, or tag the repository")


PACKAGING = SwiftPackaging()
