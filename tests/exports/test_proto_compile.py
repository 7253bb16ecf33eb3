"""The exported `.proto` through protoc into Python, C++ (-Werror), Java and
Go, each decoding envelopes that the generated Python SDK (generated/python)
tracked: every event field must be known to the generated code (no unknown
fields anywhere), the event must be the one tracked, and re-encoding must
give the SDK's bytes back; Python's json_format must also give the SDK's
JSON. Toolchains come from scripts/setup-protoc.sh (Debian's protoc 3.21 and
libprotobuf-dev, protobuf-java of the same version from Maven, protoc-gen-go
from the Go module proxy); Python uses grpcio-tools' protoc, which matches
the pinned protobuf runtime.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grpc_tools
import pytest

from codegen.exports.proto import render_proto
from codegen.exports.proto_options import file_options
from codegen.loader import load_model

ROOT = Path(__file__).resolve().parents[2]
DECODERS = Path(__file__).parent / "decoders"
GO_TOOLS = ROOT / "tools" / "go"
PROTOBUF_JAVA = "3.21.12"  # the version of Debian's protoc (scripts/setup-protoc.sh)
PROTO_NAME = "broadcaster_analytics.proto"
TIMEOUT = 600


def _run(args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 0, f"{' '.join(args[:3])} ... failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    return load_model(ROOT / "event_model")


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory, model) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("proto")
    (folder / "proto").mkdir()
    (folder / "proto" / PROTO_NAME).write_text(render_proto(model), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def envelopes(work: Path) -> list[tuple[str, str, str]]:
    """(event, protobuf hex, JSON) of every envelope the Python SDK tracked."""
    sdk = ROOT / "generated" / "python"
    out = _run([sys.executable, "-W", "ignore", str(DECODERS / "produce.py")], cwd=sdk,
               env={"PYTHONPATH": f"{sdk}{os.pathsep}{sdk / 'tests'}"})
    rows = [tuple(line.split("\t")) for line in out.split("\n") if line]  # not splitlines: JSON holds U+2028
    assert len(rows) >= 2 * 13 and len({r[0] for r in rows}) >= 13  # minimal, zero and full samples
    (work / "envelopes.hex").write_text("".join(r[1] + "\n" for r in rows), encoding="ascii")
    return rows  # type: ignore[return-value]


def _system_protoc() -> str:
    protoc = shutil.which("protoc")
    assert protoc, "protoc is not on PATH: run scripts/setup-protoc.sh (Debian's protobuf-compiler)"
    return protoc


def _check(output: str, envelopes: list[tuple[str, str, str]], language: str) -> list[list[str]]:
    rows = [line.split("\t") for line in output.split("\n") if line]
    assert len(rows) == len(envelopes), f"{language}: decoded {len(rows)} of {len(envelopes)} envelopes"
    for (event, proto_hex, _), row in zip(envelopes, rows):
        assert row[0] == event, f"{language}: decoded a {row[0]} from a {event}"
        assert row[1] == "0", f"{language}: {row[1]} unknown fields in a {event}: the .proto misses a field"
        assert row[2] == proto_hex, f"{language}: re-encoding a {event} changed its bytes"
    return rows


def test_python(work: Path, envelopes: list[tuple[str, str, str]], model) -> None:  # type: ignore[no-untyped-def]
    out = work / "python"
    out.mkdir()
    include = Path(grpc_tools.__file__).parent / "_proto"
    _run([sys.executable, "-m", "grpc_tools.protoc", f"-I{work / 'proto'}", f"-I{include}", f"--python_out={out}",
          PROTO_NAME], cwd=work / "proto")
    module = PROTO_NAME.removesuffix(".proto") + "_pb2"
    # The pure-Python backend: upb's deterministic map order is not the wire contract's (docs/wire-contract.md).
    output = _run([sys.executable, str(DECODERS / "decode.py"), str(work / "envelopes.hex"), str(out), module,
                   "Envelope"], env={"PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION": "python"})
    rows = _check(output, envelopes, "python")
    for (event, _, sdk_json), row in zip(envelopes, rows):
        assert json.loads(row[3]) == json.loads(sdk_json), f"python: json_format differs from the SDK for {event}"


def test_cpp_with_werror(work: Path, envelopes: list[tuple[str, str, str]], model) -> None:  # type: ignore[no-untyped-def]
    protoc, compiler = _system_protoc(), shutil.which("g++")
    assert compiler, "g++ is not on PATH"
    assert Path("/usr/include/google/protobuf/message.h").exists(), "libprotobuf-dev is missing: run scripts/setup-protoc.sh"
    out = work / "cpp"
    out.mkdir()
    _run([protoc, f"-I{work / 'proto'}", f"--cpp_out={out}", PROTO_NAME], cwd=work / "proto")
    binary = out / "decode"
    _run([compiler, "-std=c++17", "-O0", "-Wall", "-Wextra", "-Werror", "-Wdeprecated-declarations", f"-I{out}",
          *map(str, sorted(out.glob("*.pb.cc"))), str(DECODERS / "decode.cc"), "-o", str(binary), "-lprotobuf",
          "-pthread"])
    _check(_run([str(binary), str(work / "envelopes.hex"), f"{model.namespace}.Envelope"]), envelopes, "c++")


def test_java(work: Path, envelopes: list[tuple[str, str, str]], model) -> None:  # type: ignore[no-untyped-def]
    protoc = _system_protoc()
    jar = Path.home() / ".m2" / "repository" / "com" / "google" / "protobuf" / "protobuf-java" / PROTOBUF_JAVA / \
        f"protobuf-java-{PROTOBUF_JAVA}.jar"
    assert jar.is_file(), f"{jar} is missing: run scripts/setup-protoc.sh"
    for tool in ("javac", "java"):
        assert shutil.which(tool), f"{tool} is not on PATH (JDK 17)"
    sources, classes = work / "java", work / "classes"
    sources.mkdir()
    _run([protoc, f"-I{work / 'proto'}", f"--java_out={sources}", PROTO_NAME], cwd=work / "proto")
    files = sorted(str(p) for p in sources.rglob("*.java"))
    options = file_options(model)
    assert len(files) > len(model.events), "java_multiple_files: one file per message"
    _run(["javac", "-nowarn", "-encoding", "UTF-8", "-cp", str(jar), "-d", str(classes), *files,
          str(DECODERS / "Decode.java")])
    output = _run(["java", "-cp", f"{classes}{os.pathsep}{jar}", "Decode", str(work / "envelopes.hex"),
                   f"{options['java_package']}.Envelope"])
    _check(output, envelopes, "java")


def test_go(work: Path, envelopes: list[tuple[str, str, str]], model) -> None:  # type: ignore[no-untyped-def]
    plugin, unavailable = GO_TOOLS / "bin" / "protoc-gen-go", GO_TOOLS / "bin" / "UNAVAILABLE"
    if not plugin.exists() and unavailable.exists():
        pytest.skip(f"Go left out: {unavailable.read_text().strip()}")
    assert plugin.exists(), "protoc-gen-go is missing: run scripts/setup-protoc.sh"
    go = shutil.which("go")
    assert go, "go is not on PATH"
    module = work / "go"
    (module / "pb").mkdir(parents=True)
    _run([_system_protoc(), f"-I{work / 'proto'}", f"--plugin=protoc-gen-go={plugin}", f"--go_out={module / 'pb'}",
          "--go_opt=paths=source_relative", PROTO_NAME], cwd=work / "proto")
    package = str(file_options(model)["go_package"]).split(";")[-1]
    assert f"package {package}" in (module / "pb" / PROTO_NAME.replace(".proto", ".pb.go")).read_text()
    go_mod = (GO_TOOLS / "go.mod").read_text().replace("module codegen.invalid/prototools", "module prototest")
    (module / "go.mod").write_text(go_mod)
    shutil.copy(GO_TOOLS / "go.sum", module / "go.sum")
    (module / "cmd").mkdir()
    main = (DECODERS / "decode.go").read_text().replace("GENERATED_IMPORT_PATH", "prototest/pb")
    (module / "cmd" / "decode.go").write_text(main)
    env = {"GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local"}
    _run([go, "build", "-o", str(module / "decode"), "./cmd"], cwd=module, env=env)
    _check(_run([str(module / "decode"), str(work / "envelopes.hex"), f"{model.namespace}.Envelope"]),
           envelopes, "go")
