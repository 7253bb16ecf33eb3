"""Derive, from the real toolchains, the names each language puts in scope
without an import (or with the imports every generated file makes), and
write them to codegen/targets/<lang>/implicit_scope.txt.

    python scripts/derive_implicit_scope.py [--check] [LANG ...]

- kotlin: the types, annotations and type aliases of Kotlin's default
  imports (kotlin.*, kotlin.annotation.*, kotlin.collections.*,
  kotlin.comparisons.*, kotlin.io.*, kotlin.ranges.*, kotlin.sequences.*,
  kotlin.text.*, kotlin.jvm.*) from the kotlin-stdlib jar in the local Maven
  repository, and java.lang.* from the JDK's module image;
- swift: the types, protocols and type aliases of Swift, _Concurrency,
  _StringProcessing, Foundation and the modules Foundation re-exports, and
  XCTest (the generated tests import it), from swift-symbolgraph-extract;
- javascript: the globals of the ECMAScript libraries the generated
  tsconfig names (from the pinned TypeScript's lib files) and the members of
  Object.prototype (from node).

Python needs no file: its builtins and keywords are read live (`builtins`,
`keyword`). `--check` compares instead of writing and exits 1 on a
difference (the tests run it), so a toolchain upgrade that adds a name
shows up as a failing test, not as an SDK that stops compiling.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "codegen" / "targets"
IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")

KOTLIN_PACKAGES = ("kotlin", "kotlin/annotation", "kotlin/collections", "kotlin/comparisons", "kotlin/io",
                   "kotlin/ranges", "kotlin/sequences", "kotlin/text", "kotlin/jvm")
SWIFT_MODULES = ("Swift", "_Concurrency", "_StringProcessing", "Foundation", "FoundationEssentials",
                 "FoundationInternationalization", "Dispatch", "XCTest")
SWIFT_KINDS = {"swift.struct", "swift.class", "swift.enum", "swift.protocol", "swift.typealias"}
SWIFT_ROOT = Path(os.environ.get("CODEGEN_SWIFT_ROOT", "/var/cache/codegen/swift-trixie"))


def kotlin_names() -> set[str]:
    from codegen.targets.kotlin import VERSIONS

    version = VERSIONS["kotlin"]
    jar = Path.home() / ".m2" / "repository" / "org" / "jetbrains" / "kotlin" / "kotlin-stdlib" / version / (
        f"kotlin-stdlib-{version}.jar")
    if not jar.is_file():
        raise SystemExit(f"{jar} is missing: run scripts/setup-kotlin.sh")
    names: set[str] = set()
    aliases: list[str] = []
    with zipfile.ZipFile(jar) as archive:
        for entry in archive.namelist():
            folder, _, file = entry.rpartition("/")
            if folder in KOTLIN_PACKAGES and file.endswith(".kotlin_builtins"):
                names |= _builtin_declarations(archive.read(entry))  # Int, String, List...: no class files
            if folder not in KOTLIN_PACKAGES or not file.endswith(".class") or "$" in file:
                continue
            name = file[: -len(".class")]
            if name == "TypeAliasesKt":
                aliases.append(entry[: -len(".class")].replace("/", "."))
            elif not name.endswith("Kt") and IDENT.match(name):
                names.add(name)
    names |= _kotlin_type_aliases(jar, aliases)
    names |= _java_lang_classes()
    return names


def _fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """The (field number, value) pairs of one Protobuf message (varints and
    length-delimited values; the metadata uses no other wire types)."""
    out, pos = [], 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            out.append((number, value))
        elif wire == 2:
            length, pos = _varint(data, pos)
            out.append((number, data[pos:pos + length]))
            pos += length
        else:
            raise ValueError(f"unexpected wire type {wire}")
    return out


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, pos


def _builtin_declarations(data: bytes) -> set[str]:
    """Top-level classes and type aliases of a `.kotlin_builtins` file: a
    version header (a big-endian count, then that many ints), then a
    `PackageFragment` of Kotlin's metadata.proto (strings = 1, qualified
    names = 2, package = 3 with type aliases = 5, classes = 4)."""
    count = int.from_bytes(data[:4], "big")
    fragment = _fields(data[4 + 4 * count:])
    strings = [value.decode() for number, table in fragment if number == 1
               for f, value in _fields(table) if f == 1]  # type: ignore[arg-type]
    qualified = []  # (parent, short name, kind: 0 class, 1 package, 2 local)
    for number, table in fragment:
        if number == 2:
            for f, entry in _fields(table):  # type: ignore[arg-type]
                values = dict(_fields(entry))  # type: ignore[arg-type]
                qualified.append((values.get(1, -1), values[2], values.get(3, 1)))
    names = set()
    for number, value in fragment:
        if number == 4:  # a class: top-level when its parent is the package
            parent, short, _ = qualified[dict(_fields(value))[3]]  # type: ignore[arg-type]
            if parent == -1 or qualified[parent][2] == 1:
                names.add(strings[short])
        elif number == 3:  # the package: its type aliases
            for f, alias in _fields(value):  # type: ignore[arg-type]
                if f == 5:
                    names.add(strings[dict(_fields(alias))[2]])  # type: ignore[arg-type]
    return {n for n in names if IDENT.match(n)}


def _kotlin_type_aliases(jar: Path, facades: list[str]) -> set[str]:
    """Type aliases, read from the facades' Kotlin metadata (`d2` holds their names)."""
    out = subprocess.run(["javap", "-v", "-cp", str(jar), *sorted(facades)], capture_output=True, text=True,
                         check=True).stdout
    names: set[str] = set()
    for listing in re.findall(r"d2=\[(.*?)\]", out):
        for item in json.loads(f"[{listing}]"):
            if IDENT.match(item) and len(item) > 1 and item[0].isupper():
                names.add(item)
    return names


def _java_lang_classes() -> set[str]:
    java = Path(shutil.which("java") or "java").resolve()
    jimage = java.parent / "jimage"
    modules = java.parents[1] / "lib" / "modules"
    out = subprocess.run([str(jimage), "list", str(modules)], capture_output=True, text=True, check=True).stdout
    names: set[str] = set()
    module = ""
    for line in out.splitlines():
        if line.startswith("Module: "):
            module = line.split()[1]
        entry = line.strip()
        if module == "java.base" and entry.startswith("java/lang/") and entry.count("/") == 2:
            name = entry[len("java/lang/"):-len(".class")] if entry.endswith(".class") else ""
            if name and "$" not in name and IDENT.match(name):
                names.add(name)
    return names


def swift_names() -> set[str]:
    native = shutil.which("swift-symbolgraph-extract")
    names: set[str] = set()
    with tempfile.TemporaryDirectory(dir=None if native else SWIFT_ROOT / "tmp") as work:
        inside = work if native else "/" + str(Path(work).relative_to(SWIFT_ROOT))
        for module in SWIFT_MODULES:
            command = [native or "/usr/libexec/swift/bin/swift-symbolgraph-extract", "-module-name", module,
                       "-target", _swift_target(native), "-output-dir", inside, "-minimum-access-level",
                       "public", "-skip-synthesized-members"]
            if module == "XCTest" and not native:
                command += ["-F", "/usr/lib/swift/linux", "-I", "/usr/lib/swift/linux"]
            run = subprocess.run(command if native else ["chroot", str(SWIFT_ROOT), *command],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                raise SystemExit(f"swift-symbolgraph-extract {module} failed:\n{run.stderr[-2000:]}")
        for path in Path(work).glob("*.symbols.json"):
            for symbol in json.loads(path.read_text())["symbols"]:
                parts = symbol["pathComponents"]
                if len(parts) == 1 and symbol["kind"]["identifier"] in SWIFT_KINDS and IDENT.match(parts[0]):
                    names.add(parts[0])
    return {n for n in names if not n.startswith("_")}


def _swift_target(native: str | None) -> str:
    if native:
        out = subprocess.run(["swift", "-print-target-info"], capture_output=True, text=True, check=True).stdout
        return json.loads(out)["target"]["triple"]
    return "x86_64-pc-linux-gnu"


def javascript_names() -> set[str]:
    tsconfig = (ROOT / "codegen" / "templates" / "javascript" / "tsconfig.json.j2").read_text()
    libs = json.loads(re.search(r'"lib":\s*(\[[^\]]*\])', tsconfig).group(1))
    lib_dir = next((ROOT / "tools" / "javascript" / "node_modules").glob("@typescript/*/lib"), None)
    if lib_dir is None:
        raise SystemExit("the pinned TypeScript is missing: run scripts/setup-javascript.sh")
    names: set[str] = set()
    seen: set[str] = set()
    todo = [lib.lower() for lib in libs]
    declaration = re.compile(r"^(?:declare\s+)?(?:var|let|const|function|class|interface|type|namespace|enum)\s+"
                             r"([A-Za-z_$][\w$]*)", re.M)
    while todo:
        lib = todo.pop()
        if lib in seen:
            continue
        seen.add(lib)
        text = (lib_dir / f"lib.{lib}.d.ts").read_text()
        todo += re.findall(r'/// <reference lib="([^"]+)" />', text)
        names |= set(declaration.findall(text))
    members = subprocess.run(["node", "-p", "JSON.stringify(Object.getOwnPropertyNames(Object.prototype))"],
                             capture_output=True, text=True, check=True).stdout
    names |= set(json.loads(members))
    return {n for n in names if IDENT.match(n)}


DERIVE = {"kotlin": kotlin_names, "swift": swift_names, "javascript": javascript_names}


def render(lang: str, names: set[str]) -> str:
    head = (f"# The {lang} language's implicit scope, derived from its toolchain by "
            "scripts/derive_implicit_scope.py; regenerate, do not edit.\n")
    return head + "".join(f"{name}\n" for name in sorted(names))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    parser.add_argument("langs", nargs="*", choices=[[], *DERIVE], default=[])
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    status = 0
    for lang in args.langs or sorted(DERIVE):
        text = render(lang, DERIVE[lang]())
        path = TARGETS / lang / "implicit_scope.txt"
        if args.check:
            if not path.is_file() or path.read_text() != text:
                print(f"{path.relative_to(ROOT)} differs from what the {lang} toolchain says; "
                      f"run: python scripts/derive_implicit_scope.py {lang}", file=sys.stderr)
                status = 1
        else:
            path.write_text(text)
            print(f"{path.relative_to(ROOT)}: {len(text.splitlines()) - 1} names")
    return status


if __name__ == "__main__":
    sys.exit(main())
