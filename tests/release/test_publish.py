"""`codegen publish` end to end: the probe model's packages uploaded to real
registries on loopback (verdaccio for npm with a user's token, pypiserver
with twine, a file:// Maven repository with maven-deploy-plugin), then fresh
consumer projects install the SDKs from there by name and version (pip
--index-url, npm --registry, Maven with the repository) and track an event
whose envelope equals the reference's. A version already published and a
breaking change without the semver bump are refused before any upload."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from codegen.targets.kotlin import VERSIONS
from conftest import ROOT
from release.conftest import Packaged, Registries, codegen, run
from release.expected import envelope_json

CONSUMERS = Path(__file__).parent / "consumers"
M2 = Path.home() / ".m2" / "repository"
PROBE_GROUP = M2 / "org" / "probe"  # what the Maven consumer resolves into the local repository


@pytest.fixture(scope="module")
def published(packaged: Packaged, registries: Registries) -> subprocess.CompletedProcess[str]:
    result = codegen("publish", packaged.model, "--dist", packaged.dist, *registries.args(),
                     env=registries.env())
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_publish_uploads_every_package_that_has_a_registry(published: subprocess.CompletedProcess[str],
                                                           registries: Registries) -> None:
    lines = published.stdout.splitlines()
    assert "no release tag yet: 1.0.0 is the first release" in lines
    for label, name in [("javascript", "@probe/release-probe"), ("kotlin", "org.probe.release:release-probe"),
                        ("python", "release-probe"), ("shop-web/javascript", "@probe/shop-web"),
                        ("shop-web/kotlin", "org.probe.release:shop-web")]:
        assert any(line.startswith(f"{label}: published {name} 1.0.0 to ") for line in lines), published.stdout
    assert any(line.startswith("swift: ReleaseProbe 1.0.0 has no registry") for line in lines)
    assert lines[-1] == "published 5 packages"
    deployed = registries.maven / "org" / "probe" / "release" / "release-probe" / "1.0.0"
    assert sorted(p.name for p in deployed.glob("release-probe-1.0.0*") if p.suffix in (".jar", ".pom")) == [
        "release-probe-1.0.0-sources.jar", "release-probe-1.0.0.jar", "release-probe-1.0.0.pom"]


def test_pip_installs_the_sdk_by_name_and_version(published: object, registries: Registries,
                                                  packaged: Packaged, tmp_path: Path) -> None:
    target = tmp_path / "site"
    run([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-cache-dir", "--no-deps",
         "--index-url", f"{registries.pypi.url}simple/", "--target", target, "release-probe==1.0.0"], tmp_path)
    printed = run([sys.executable, CONSUMERS / "consumer.py"], tmp_path, env={"PYTHONPATH": str(target)})
    assert printed.strip() == envelope_json(packaged.model, "release_probe")


def test_npm_installs_the_sdk_by_name_and_version(published: object, registries: Registries,
                                                  packaged: Packaged, tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text(json.dumps(
        {"name": "probe-app", "version": "0.0.0", "private": True, "type": "module",
         "dependencies": {"@probe/release-probe": "1.0.0"}}), encoding="utf-8")
    shutil.copy(CONSUMERS / "consumer.mjs", app / "consumer.mjs")
    run(["npm", "install", "--registry", registries.npm.url, "--no-audit", "--no-fund", "--loglevel=error",
         "--cache", tmp_path / "npm-cache"], app)
    printed = run(["node", "consumer.mjs"], app)
    assert printed.strip() == envelope_json(packaged.model, "@probe/release-probe")


@pytest.fixture
def clean_local_repository() -> object:
    """The Maven consumer resolves the probe artifacts into ~/.m2: never keep them."""
    shutil.rmtree(PROBE_GROUP, ignore_errors=True)
    yield
    shutil.rmtree(PROBE_GROUP, ignore_errors=True)


def test_maven_resolves_the_sdk_from_the_repository(published: object, registries: Registries, packaged: Packaged,
                                                    tmp_path: Path, clean_local_repository: object) -> None:
    app = tmp_path / "app"
    (app / "src" / "main" / "java").mkdir(parents=True)
    shutil.copy(CONSUMERS / "java" / "Consumer.java", app / "src" / "main" / "java" / "Consumer.java")
    (app / "pom.xml").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>app.probe</groupId><artifactId>probe-app</artifactId><version>0</version>
  <properties>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    <maven.compiler.release>8</maven.compiler.release>
  </properties>
  <repositories><repository><id>release</id><url>{registries.maven.as_uri()}</url></repository></repositories>
  <dependencies>
    <dependency><groupId>org.probe.release</groupId><artifactId>release-probe</artifactId><version>1.0.0</version></dependency>
  </dependencies>
  <build><plugins>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>{VERSIONS['resources']}</version></plugin>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>{VERSIONS['compiler']}</version>
      <configuration><compilerArgs><arg>-Xlint:all</arg><arg>-Werror</arg></compilerArgs></configuration></plugin>
  </plugins></build>
</project>
""", encoding="utf-8")
    # Offline but for the file:// repository: nothing else is fetched.
    run(["mvn", "-o", "-q", "-B", "-Dstyle.color=never", "-Daether.offline.protocols=file", "compile"], app)
    sdk = PROBE_GROUP / "release" / "release-probe" / "1.0.0" / "release-probe-1.0.0.jar"
    stdlib = M2 / "org" / "jetbrains" / "kotlin" / "kotlin-stdlib" / VERSIONS["kotlin"] / f"kotlin-stdlib-{VERSIONS['kotlin']}.jar"
    assert sdk.is_file(), "Maven did not resolve the SDK from the repository"
    printed = run(["java", "-cp", f"{app / 'target' / 'classes'}:{sdk}:{stdlib}", "Consumer"], app)
    assert printed.strip() == envelope_json(packaged.model, "org.probe.release")


def _npm_versions(registries: Registries, name: str) -> list[str]:
    with urllib.request.urlopen(f"{registries.npm.url}{name.replace('/', '%2f')}", timeout=30) as response:
        return sorted(json.load(response)["versions"])


def test_a_published_version_is_never_published_again(published: object, registries: Registries,
                                                      packaged: Packaged) -> None:
    before = _npm_versions(registries, "@probe/release-probe")
    result = codegen("publish", packaged.model, "--dist", packaged.dist, *registries.args(), env=registries.env())
    assert result.returncode == 1, result.stdout + result.stderr
    assert "refusing to publish: a published version is never replaced" in result.stderr
    for label, name in [("javascript", "@probe/release-probe"), ("python", "release-probe"),
                        ("kotlin", "org.probe.release:release-probe"), ("shop-web/javascript", "@probe/shop-web")]:
        assert f"{label}: {name} 1.0.0 is already published at" in result.stderr, result.stderr
    assert " published " not in result.stdout
    assert _npm_versions(registries, "@probe/release-probe") == before == ["1.0.0"]


def _git(repo: Path, *args: str) -> None:
    run(["git", "-c", "user.name=Release", "-c", "user.email=release@example.com", *args], repo)


def test_a_breaking_change_without_the_semver_bump_is_refused(packaged: Packaged, registries: Registries,
                                                              tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(packaged.model, repo / "model")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "1.0.0")
    _git(repo, "tag", "model-v1.0.0")
    model = repo / "model" / "model.yaml"
    text = model.read_text(encoding="utf-8")
    # quantity changes type (breaking), the version only moves a minor step
    model.write_text(text.replace("quantity: {number: 2, type: uint32", "quantity: {number: 2, type: uint64")
                     .replace("version: 1.0.0", "version: 1.1.0"), encoding="utf-8")
    dist = tmp_path / "dist"
    assert codegen("package", repo / "model", "--out", dist, "-t", "python", "--offline", "-q").returncode == 0
    result = codegen("publish", repo / "model", "--dist", dist, "--registry", f"pypi={registries.pypi.url}",
                     env=registries.env())
    assert result.returncode == 1, result.stdout + result.stderr
    assert "refusing to publish 1.1.0: against 1.0.0 (model-v1.0.0)" in result.stderr
    assert "need a major version bump" in result.stderr and "FIELD_SAME_TYPE" in result.stderr
    # with the bump it passes every check (a dry run uploads nothing)
    model.write_text(model.read_text(encoding="utf-8").replace("version: 1.1.0", "version: 2.0.0"), encoding="utf-8")
    assert codegen("package", repo / "model", "--out", dist, "-t", "python", "--offline", "-q").returncode == 0
    result = codegen("publish", repo / "model", "--dist", dist, "--registry", f"pypi={registries.pypi.url}",
                     "--dry-run", env=registries.env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "python: would publish release-probe 2.0.0 to" in result.stdout


def test_packages_that_changed_or_a_changed_model_are_refused(packaged: Packaged, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(packaged.dist, dist)
    wheel = dist / "release_probe-1.0.0-py3-none-any.whl"
    wheel.write_bytes(wheel.read_bytes() + b"\0")
    result = codegen("publish", packaged.model, "--dist", dist, "--registry", "pypi=http://127.0.0.1:9/",
                     "--dry-run")
    assert result.returncode == 1 and "changed since 'codegen package' wrote it" in result.stderr, result.stderr
    shutil.rmtree(dist)
    shutil.copytree(packaged.dist, dist)
    model = tmp_path / "model"
    shutil.copytree(packaged.model, model)
    (model / "model.yaml").write_text((model / "model.yaml").read_text() + "\n# edited\n")
    result = codegen("publish", model, "--dist", dist, "--registry", "pypi=http://127.0.0.1:9/", "--dry-run")
    assert result.returncode == 1 and "were made from another state of the model" in result.stderr, result.stderr


def test_publish_usage_errors(packaged: Packaged) -> None:
    result = codegen("publish", packaged.model, "--dist", packaged.dist, "--registry", "pypy=http://127.0.0.1:9/")
    assert result.returncode == 1 and "unknown registry kind 'pypy'" in result.stderr
    assert "did you mean 'pypi'?" in result.stderr
    result = codegen("publish", packaged.model, "--dist", packaged.dist, "--registry", "npm")
    assert result.returncode == 2 and "is not KIND=URL" in result.stderr
    result = codegen("publish", packaged.model, "--dist", packaged.dist)
    assert result.returncode == 1 and "nothing to publish: name a registry with" in result.stderr
