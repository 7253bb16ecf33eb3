"""The names a model may not give its packages, checked against the real
toolchains: every package of the JDK and of the Kotlin standard library
lies in a namespace the loader refuses, every module of the Swift toolchain
and every Node.js built-in module is a name it refuses. A toolchain that is
missing is a failure (scripts/setup-*.sh install them), not a skip."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from codegen.loading.packages import KOTLIN_OWNED, NODE_BUILTINS, PYTHON_STDLIB, SWIFT_MODULES, check_setting
from codegen.diagnostics import Collector
from codegen.ir import Location
from conftest import ROOT

HERE = Location("model.yaml", 1, 1)


def _refused(target: str, setting: str, value: str) -> bool:
    errors = Collector()
    check_setting(target, setting, value, HERE, errors)
    return bool(errors.diagnostics)


def _kotlin_owned(package: str) -> bool:
    return any(package == ns or package.startswith(ns + ".") for ns in KOTLIN_OWNED)


def test_jdk_packages_are_all_refused() -> None:
    jimage = shutil.which("jimage")
    java = shutil.which("java")
    if not jimage or not java:
        pytest.fail("no JDK on PATH (scripts/setup-kotlin.sh installs one)")
    home = Path(os.path.realpath(java)).parents[1]
    listing = subprocess.run([jimage, "list", str(home / "lib" / "modules")], capture_output=True, text=True,
                             check=True, timeout=120).stdout
    packages = {line.strip().rsplit("/", 1)[0].replace("/", ".") for line in listing.splitlines()
                if line.startswith(" ") and line.strip().endswith(".class") and "/" in line.strip()}
    assert len(packages) > 500
    assert sorted(p for p in packages if not _kotlin_owned(p)) == []
    assert _refused("kotlin", "package", "org.w3c.dom") and not _refused("kotlin", "package", "org.w3c.analytics")


def test_kotlin_stdlib_packages_are_all_refused() -> None:
    jars = sorted((Path.home() / ".m2/repository/org/jetbrains/kotlin/kotlin-stdlib").glob("*/kotlin-stdlib-*.jar"))
    jars = [j for j in jars if re.fullmatch(r"kotlin-stdlib-[0-9.]+\.jar", j.name)]
    if not jars:
        pytest.fail("no kotlin-stdlib jar in ~/.m2 (scripts/setup-kotlin.sh fetches it)")
    with zipfile.ZipFile(jars[-1]) as jar:
        packages = {n.rsplit("/", 1)[0].replace("/", ".") for n in jar.namelist()
                    if n.endswith(".class") and "/" in n and not n.startswith("META-INF")}
    assert "kotlin.collections" in packages
    assert sorted(p for p in packages if not _kotlin_owned(p)) == []


def _swift_resources() -> Path:
    native = shutil.which("swift")
    if native:
        info = subprocess.run([native, "-print-target-info"], capture_output=True, text=True, check=True,
                              timeout=120).stdout
        return Path(json.loads(info)["paths"]["runtimeResourcePath"])
    setup = subprocess.run([str(ROOT / "scripts" / "setup-swift.sh")], capture_output=True, text=True, timeout=1200)
    if setup.returncode != 0:
        pytest.fail("no Swift toolchain: scripts/setup-swift.sh failed\n" + setup.stdout + setup.stderr)
    root = Path(os.environ.get("CODEGEN_SWIFT_ROOT", "/var/cache/codegen/swift-trixie"))
    return (root / "usr" / "lib" / "swift").resolve()


def test_swift_toolchain_modules_are_all_refused() -> None:
    resources = _swift_resources()
    modules = set()
    for path in resources.rglob("*.swiftmodule"):
        parts = path.relative_to(resources).parts
        # <platform>/<Module>.swiftmodule or <platform>/<arch>/<Module>.swiftmodule; not the
        # per-architecture files inside a module folder, nor the compiler's own host libraries.
        if parts[0] != "host" and len(parts) <= 3 and not path.parent.name.endswith(".swiftmodule"):
            modules.add(path.stem)
    for modulemap in resources.rglob("*.modulemap"):
        modules |= set(re.findall(r"^(?:explicit\s+)?(?:framework\s+)?module\s+([A-Za-z_]\w*)",
                                  modulemap.read_text(errors="replace"), re.M))
    assert {"Swift", "Foundation", "Dispatch", "XCTest"} <= modules
    assert sorted(m for m in modules if m.lower() not in SWIFT_MODULES) == []
    assert _refused("swift", "module", "foundation") and not _refused("swift", "module", "ShopAnalytics")


def test_node_builtin_modules_are_all_refused() -> None:
    node = shutil.which("node")
    if not node:
        pytest.fail("no node on PATH (make setup installs the JavaScript toolchain)")
    listed = subprocess.run([node, "-p", "require('module').builtinModules.join('\\n')"], capture_output=True,
                            text=True, check=True, timeout=60).stdout.split()
    names = {m for m in listed if "/" not in m and not m.startswith("_")}
    assert "events" in names
    assert sorted(names - NODE_BUILTINS) == []
    assert _refused("javascript", "package", "events") and not _refused("javascript", "package", "@shop/events")


def test_python_standard_library_is_refused() -> None:
    assert "json" in PYTHON_STDLIB and _refused("python", "package", "json")
    assert not _refused("python", "package", "shop_analytics")
