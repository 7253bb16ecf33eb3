"""Fixtures of the release tests: the probe model (copied out of the
repository, so no release tag of codegen's own applies to it), its packages
made once by the real `codegen package`, and the registries."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from conftest import ROOT
from release.registries import Server, npm_user, pypiserver, verdaccio

PROBE = Path(__file__).parent / "model"


def codegen(*args: object, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "codegen", *map(str, args)], cwd=cwd or ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)


def run(args: list[object], cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> str:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-6000:]}"
    return proc.stdout


@dataclass(frozen=True)
class Packaged:
    model: Path
    dist: Path
    release: dict  # type: ignore[type-arg]
    output: str

    def files(self, target: str, source: str | None = None) -> list[Path]:
        entry = next(p for p in self.release["packages"] if p["target"] == target and p["source"] == source)
        return [self.dist / f["name"] for f in entry["files"]]


@pytest.fixture(scope="session")
def toolchains() -> None:
    for script in ("setup-javascript.sh", "setup-kotlin.sh", "setup-registries.sh"):
        run(["bash", ROOT / "scripts" / script], ROOT, timeout=900)


@pytest.fixture(scope="session")
def probe_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    model = tmp_path_factory.mktemp("probe") / "model"
    shutil.copytree(PROBE, model)
    return model


@pytest.fixture(scope="session")
def packaged(toolchains: None, probe_model: Path) -> Packaged:
    """Every package of the probe model, made offline (what make setup fetched is enough)."""
    dist = probe_model.parent / "dist"
    result = codegen("package", probe_model, "--out", dist, "--offline")
    assert result.returncode == 0, result.stdout + result.stderr
    release = json.loads((dist / "release.json").read_text(encoding="utf-8"))
    return Packaged(probe_model, dist, release, result.stdout)


@dataclass
class Registries:
    npm: Server
    pypi: Server
    maven: Path  # a file:// repository
    npmrc: Path

    def args(self) -> list[str]:
        return ["--registry", f"npm={self.npm.url}", "--registry", f"pypi={self.pypi.url}",
                "--registry", f"maven={self.maven.as_uri()}"]

    def env(self) -> dict[str, str]:
        """Credentials as each tool reads them: npm's user config, twine's variables."""
        return {"NPM_CONFIG_USERCONFIG": str(self.npmrc), "TWINE_USERNAME": "release-ci",
                "TWINE_PASSWORD": "release-ci-secret"}


@pytest.fixture(scope="session")
def registries(toolchains: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registries]:
    work = tmp_path_factory.mktemp("registries")
    npm, pypi = verdaccio(work / "verdaccio"), pypiserver(work / "pypiserver")
    try:
        npm.start()
        pypi.start()
        maven = work / "maven-repository"
        maven.mkdir()
        yield Registries(npm, pypi, maven, npm_user(npm, work))
    finally:
        npm.stop()
        pypi.stop()
