"""Units of the release path that need no toolchain: the manifest, the
checks on package names, PyPI file names, tar normalization, escaping of
model text for the terminal."""

from __future__ import annotations

import io
import shutil
import tarfile
import time
from pathlib import Path

import pytest

from codegen.diagnostics import CommandFailed
from codegen.loader import load_model
from codegen.release.manifest import (PackageEntry, Release, file_entry, model_digest, read_release, verify,
                                      write_release)
from codegen.release.packages import plan
from codegen.terminal import printable
from codegen.sdk.packaging import normalize_tar_gz
from codegen.targets.python.packaging import file_version
from release.conftest import PROBE


def test_manifest_round_trip_and_checksums(tmp_path: Path) -> None:
    (tmp_path / "a.tgz").write_bytes(b"npm")

    entry = PackageEntry("javascript", "shop-web", "@probe/shop-web", "1.0.0", "npm", (file_entry(tmp_path / "a.tgz"),))
    release = Release("release_probe", "1.0.0", model_digest(PROBE), (entry,))
    write_release(tmp_path, release)
    assert read_release(tmp_path) == release
    assert (tmp_path / "SHA256SUMS").read_text() == f"{entry.files[0].sha256}  a.tgz\n"
    verify(tmp_path, release)
    (tmp_path / "a.tgz").write_bytes(b"npm!")
    with pytest.raises(CommandFailed, match="changed since"):
        verify(tmp_path, release)
    (tmp_path / "release.json").write_text("{not json")
    with pytest.raises(CommandFailed, match="is not a release manifest"):
        read_release(tmp_path)
    assert read_release(tmp_path / "missing") is None


def test_two_sdks_may_not_claim_one_package(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(PROBE, model)
    text = (model / "model.yaml").read_text()
    (model / "model.yaml").write_text(text.replace('javascript: {package: "@probe/shop-web"}',
                                                   'javascript: {package: "@probe/release-probe"}'))
    with pytest.raises(CommandFailed, match="both the javascript package '@probe/release-probe'"):
        plan(load_model(model), (), None)
    planned, skipped = plan(load_model(PROBE), ("python",), None)
    assert [p.unit.label for p in planned] == ["python"] and skipped == []


@pytest.mark.parametrize("name, project, version", [
    ("release_probe-1.0.0-py3-none-any.whl", "release-probe", "1.0.0"),
    ("release_probe-1.0.0.tar.gz", "Release.Probe", "1.0.0"),
    ("release_probe-2.0.0rc1.tar.gz", "release_probe", "2.0.0rc1"),
    ("other-1.0.0.tar.gz", "release-probe", None),
])
def test_pypi_file_versions(name: str, project: str, version: str | None) -> None:
    assert file_version(name, project) == version


def test_normalized_tarballs_depend_on_their_contents_only(tmp_path: Path) -> None:
    def tarball(path: Path, order: list[str]) -> bytes:
        with tarfile.open(path, "w:gz") as tar:
            for name in order:
                info = tarfile.TarInfo(f"pkg/{name}")
                info.size, info.mtime, info.uname = 1, time.time(), "someone"
                tar.addfile(info, io.BytesIO(b"x"))
        normalize_tar_gz(path)
        return path.read_bytes()

    first = tarball(tmp_path / "a.tar.gz", ["b", "a"])
    time.sleep(1.1)
    assert tarball(tmp_path / "b.tar.gz", ["a", "b"]) == first
    with tarfile.open(tmp_path / "a.tar.gz") as tar:
        assert [(m.name, m.uname, m.mode) for m in tar.getmembers()] == [("pkg/a", "", 0o644), ("pkg/b", "", 0o644)]


def test_model_text_is_escaped_for_the_terminal() -> None:
    assert printable("@x/\x1b[2Jy\u202e") == "@x/\\x1b[2Jy\\u202e"
    assert printable("plain @scope/name 1.0.0") == "plain @scope/name 1.0.0"
