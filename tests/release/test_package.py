"""`codegen package` of the probe model, as a release engineer runs it
(offline after make setup): each SDK's distributable made with its
platform's tools, complete metadata, checksums and the release manifest,
byte-for-byte reproducible, and the Swift source archive built by SwiftPM
into an app that tracks an event."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import tarfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from conftest import ROOT
from release.conftest import Packaged, codegen, run
from release.expected import envelope_json

CONSUMERS = Path(__file__).parent / "consumers"
POM = {"m": "http://maven.apache.org/POM/4.0.0"}


def test_every_package_with_checksums_and_manifest(packaged: Packaged) -> None:
    release = packaged.release
    assert release["model"]["name"] == "release_probe" and release["model"]["version"] == "1.0.0"
    made = {(p["target"], p["source"]): (p["name"], p["version"], p["registry"]) for p in release["packages"]}
    assert made == {
        ("javascript", None): ("@probe/release-probe", "1.0.0", "npm"),
        ("kotlin", None): ("org.probe.release:release-probe", "1.0.0", "maven"),
        ("python", None): ("release-probe", "1.0.0", "pypi"),
        ("swift", None): ("ReleaseProbe", "1.0.0", ""),
        ("javascript", "shop-web"): ("@probe/shop-web", "1.0.0", "npm"),
        ("kotlin", "shop-web"): ("org.probe.release:shop-web", "1.0.0", "maven"),
    }
    names = sorted(f["name"] for p in release["packages"] for f in p["files"])
    assert names == sorted([
        "probe-release-probe-1.0.0.tgz", "probe-shop-web-1.0.0.tgz",
        "release-probe-1.0.0.jar", "release-probe-1.0.0-sources.jar", "release-probe-1.0.0.pom",
        "shop-web-1.0.0.jar", "shop-web-1.0.0-sources.jar", "shop-web-1.0.0.pom",
        "release_probe-1.0.0-py3-none-any.whl", "release_probe-1.0.0.tar.gz", "ReleaseProbe-1.0.0.zip"])
    sums = {line[66:]: line[:64] for line in (packaged.dist / "SHA256SUMS").read_text().splitlines()}
    assert sorted(sums) == names
    for package in release["packages"]:
        for entry in package["files"]:
            data = (packaged.dist / entry["name"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"] == sums[entry["name"]]
            assert len(data) == entry["size"]
    assert sorted(p.name for p in packaged.dist.iterdir()) == sorted(names + ["SHA256SUMS", "release.json"])


def test_python_wheel_and_sdist_have_complete_metadata(packaged: Packaged) -> None:
    wheel, sdist = sorted(packaged.files("python"), key=lambda p: p.suffix)[::-1]
    with zipfile.ZipFile(wheel) as zf:
        metadata = zf.read("release_probe-1.0.0.dist-info/METADATA").decode()
        listed = zf.namelist()
    head, _, readme = metadata.partition("\n\n")
    fields = [tuple(line.split(": ", 1)) for line in head.splitlines()]
    assert ("Name", "release-probe") in fields and ("Version", "1.0.0") in fields
    assert ("License-Expression", "Apache-2.0") in fields
    assert ("Author-email", "Release tests <release-tests@example.com>") in fields
    assert ("Project-URL", "Homepage, https://example.com/release-probe") in fields
    assert ("Project-URL", "Repository, https://example.com/release-probe.git") in fields
    assert ("Classifier", "Typing :: Typed") in fields and ("Description-Content-Type", "text/markdown") in fields
    assert "release-probe" in readme and len(readme) > 200
    assert "release_probe/py.typed" in listed and "release_probe/events/item_added.py" in listed
    with tarfile.open(sdist) as tf:
        members = tf.getnames()
    assert {"release_probe-1.0.0/PKG-INFO", "release_probe-1.0.0/README.md", "release_probe-1.0.0/pyproject.toml",
            "release_probe-1.0.0/release_probe/py.typed"} <= set(members)
    checked = run([sys.executable, "-m", "twine", "check", "--strict", wheel, sdist], ROOT)
    assert checked.count("PASSED") == 2, checked


def test_npm_tarball_holds_the_built_package(packaged: Packaged) -> None:
    (tarball,) = packaged.files("javascript")
    with tarfile.open(tarball) as tf:
        names = set(tf.getnames())
        manifest = json.load(tf.extractfile("package/package.json"))  # type: ignore[arg-type]
    assert {"package/dist/esm/index.js", "package/dist/cjs/index.js", "package/dist/esm/index.d.ts",
            "package/dist/cjs/index.d.ts", "package/README.md", "package/src/index.ts"} <= names
    assert not any("/node_modules/" in n or n.startswith("package/test/") for n in names)
    assert manifest["name"] == "@probe/release-probe" and manifest["version"] == "1.0.0"
    assert manifest["license"] == "Apache-2.0" and manifest["homepage"] == "https://example.com/release-probe"
    assert manifest["repository"] == {"type": "git", "url": "https://example.com/release-probe.git"}
    assert manifest["bugs"] == {"url": "https://example.com/release-probe/issues"}


def test_maven_jar_sources_jar_and_pom(packaged: Packaged) -> None:
    files = {p.name: p for p in packaged.files("kotlin")}
    with zipfile.ZipFile(files["release-probe-1.0.0.jar"]) as zf:
        classes = set(zf.namelist())
    assert {"org/probe/release/ItemAdded.class", "org/probe/release/ItemAdded$Builder.class",
            "org/probe/release/Tracker.class", "META-INF/MANIFEST.MF"} <= classes
    with zipfile.ZipFile(files["release-probe-1.0.0-sources.jar"]) as zf:
        assert "org/probe/release/ItemAdded.kt" in zf.namelist()
    pom = ET.parse(files["release-probe-1.0.0.pom"]).getroot()
    text = {key: pom.findtext(f"m:{key}", namespaces=POM) for key in ("groupId", "artifactId", "version", "url")}
    assert text == {"groupId": "org.probe.release", "artifactId": "release-probe", "version": "1.0.0",
                    "url": "https://example.com/release-probe"}
    assert pom.findtext("m:licenses/m:license/m:name", namespaces=POM) == "Apache-2.0"
    assert pom.findtext("m:scm/m:url", namespaces=POM) == "https://example.com/release-probe.git"


def test_swift_source_archive_is_the_package_in_one_folder(packaged: Packaged) -> None:
    (archive,) = packaged.files("swift")
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
    names = {i.filename for i in infos}
    assert {"ReleaseProbe/Package.swift", "ReleaseProbe/Sources/ReleaseProbe/Events/ItemAdded.swift"} <= names
    assert all(n.startswith("ReleaseProbe/") for n in names)
    assert {i.date_time for i in infos} == {(1980, 1, 2, 0, 0, 0)}


def test_packages_are_reproducible(packaged: Packaged, tmp_path: Path) -> None:
    """The same model gives the same bytes: wheel, sdist, npm tarball, archive (jars: outputTimestamp)."""
    again = tmp_path / "dist"
    result = codegen("package", packaged.model, "--out", again, "--offline", "-t", "python", "-t", "javascript",
                     "-t", "swift", "--quiet")
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
    first = {f["name"]: f["sha256"] for p in packaged.release["packages"] for f in p["files"]}
    second = json.loads((again / "release.json").read_text())
    made = {f["name"]: f["sha256"] for p in second["packages"] for f in p["files"]}
    assert made and all(first[name] == digest for name, digest in made.items())


def test_a_new_package_run_replaces_its_own_files_only(packaged: Packaged, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(packaged.dist, dist)
    (dist / "NOTES.txt").write_text("release notes\n")
    result = codegen("package", packaged.model, "--out", dist, "--offline", "-t", "swift", "--source", "shop-web",
                     "--quiet")
    assert result.returncode == 1 and "none of the selected targets" in result.stderr, result.stderr
    result = codegen("package", packaged.model, "--out", dist, "--offline", "-t", "swift", "--quiet")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in dist.iterdir()) == ["NOTES.txt", "ReleaseProbe-1.0.0.zip", "SHA256SUMS",
                                                       "release.json"]


def test_swiftpm_builds_an_app_from_the_archive(packaged: Packaged, tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "Sources" / "App").mkdir(parents=True)
    with zipfile.ZipFile(packaged.files("swift")[0]) as zf:
        zf.extractall(app / "vendor")
    (app / "Package.swift").write_text(
        "// swift-tools-version:5.9\nimport PackageDescription\n\nlet package = Package(\n"
        '    name: "App",\n    dependencies: [.package(path: "vendor/ReleaseProbe")],\n'
        '    targets: [.executableTarget(name: "App", dependencies: [.product(name: "ReleaseProbe", '
        'package: "ReleaseProbe")], path: "Sources/App")]\n)\n', encoding="utf-8")
    shutil.copy(CONSUMERS / "main.swift", app / "Sources" / "App" / "main.swift")
    printed = run([ROOT / "scripts" / "swift.sh", "run", "--package-path", "app", "-c", "debug", "App"], tmp_path,
                  timeout=1800)
    assert printed.strip().splitlines()[-1] == envelope_json(packaged.model, "ReleaseProbe")


def test_a_package_run_names_tool_failures(packaged: Packaged, tmp_path: Path) -> None:
    """A tool that is missing is an error naming it, never a traceback."""
    result = codegen("package", packaged.model, "--out", tmp_path / "d", "-t", "javascript",
                     env={"PATH": str(Path(sys.executable).parent)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"error: javascript: 'npm' is not on PATH", result.stderr), result.stderr
