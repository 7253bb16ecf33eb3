"""The release manifest (`release.json`) and checksums (`SHA256SUMS`) that
`codegen package` writes beside the packages and `codegen publish` trusts:
which model state they were made from, and each package's name, version,
registry and files with their SHA-256 and size."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from codegen.diagnostics import CommandFailed
from codegen.model_files import model_files

MANIFEST = "release.json"
CHECKSUMS = "SHA256SUMS"
FORMAT = 1


@dataclass(frozen=True)
class FileEntry:
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class PackageEntry:
    target: str
    source: str | None
    name: str
    version: str
    registry: str  # the --registry KIND that publishes it ("" for none)
    files: tuple[FileEntry, ...]

    @property
    def label(self) -> str:
        return f"{self.source}/{self.target}" if self.source else self.target


@dataclass(frozen=True)
class Release:
    model_name: str
    model_version: str
    model_digest: str
    packages: tuple[PackageEntry, ...]

    def files(self) -> list[str]:
        return sorted(f.name for p in self.packages for f in p.files)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_digest(model_dir: Path) -> str:
    """SHA-256 over the model's files (names and bytes): the state the packages come from."""
    digest = hashlib.sha256()
    for path in model_files(model_dir):
        digest.update(path.relative_to(model_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def file_entry(path: Path) -> FileEntry:
    return FileEntry(path.name, sha256_of(path), path.stat().st_size)


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def write_release(dist: Path, release: Release) -> None:
    document = {
        "//": "Written by codegen package; codegen publish uploads exactly these files.",
        "format": FORMAT,
        "model": {"name": release.model_name, "version": release.model_version, "digest": release.model_digest},
        "packages": [asdict(p) for p in release.packages],
    }
    sums = "".join(f"{f.sha256}  {f.name}\n" for p in release.packages for f in sorted(p.files, key=lambda f: f.name))
    _atomic_write(dist / CHECKSUMS, "".join(sorted(sums.splitlines(keepends=True), key=lambda l: l[66:])))
    _atomic_write(dist / MANIFEST, json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def read_release(dist: Path) -> Release | None:
    """The release in `dist`, None when there is none; a CommandFailed when it is unreadable."""
    path = dist / MANIFEST
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        model = document["model"]
        packages = tuple(
            PackageEntry(p["target"], p["source"], p["name"], p["version"], p["registry"],
                         tuple(FileEntry(f["name"], f["sha256"], int(f["size"])) for f in p["files"]))
            for p in document["packages"])
        if document.get("format") != FORMAT:
            raise ValueError(f"format {document.get('format')!r}, expected {FORMAT}")
        return Release(model["name"], model["version"], model["digest"], packages)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CommandFailed(f"{path} is not a release manifest of this codegen ({exc}); "
                            "run 'codegen package' again") from None


def verify(dist: Path, release: Release) -> None:
    """Every file of the release is there with its recorded size and SHA-256."""
    problems = []
    for package in release.packages:
        for entry in package.files:
            path = dist / entry.name
            if not path.is_file():
                problems.append(f"{path} is missing")
            elif path.stat().st_size != entry.size or sha256_of(path) != entry.sha256:
                problems.append(f"{path} changed since 'codegen package' wrote it (SHA-256 differs)")
    if problems:
        raise CommandFailed("the packages in " + str(dist) + " are not the ones packaged:\n  " + "\n  ".join(problems)
                            + "\n  hint: run 'codegen package' again")
